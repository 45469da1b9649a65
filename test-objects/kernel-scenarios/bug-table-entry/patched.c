/* bug-table-entry: a BUG_ON() is added to the first function; later __bug_table entries move. */
#include "kernel.h"

extern int consume(int);

KEEP int first(int x)
{
	BUG_ON(x < 0); return consume(x * 2);
}

KEEP int second(int x)
{
	BUG_ON(x == 3);
	return consume(x + 3);
}

KEEP int third(int x)
{
	if (WARN_ON(x > 9))
		return 0;
	return x - 9;
}
