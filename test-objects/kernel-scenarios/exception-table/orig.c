/* exception-table: get_user()-style accesses with __ex_table entries and .fixup code. */
#include "kernel.h"

KEEP int read_pair(const int *a, const int *b)
{
	int x, y = 1;
	if (get_user(x, a))
		return -EFAULT;
	return x + y;
}

KEEP int read_one(const int *p)
{
	int v;
	if (get_user(v, p))
		return -EFAULT;
	return v * 2;
}
