/* data-changed: the initial values of an existing .data variable and a __read_mostly one change. */
#include "kernel.h"

static int threshold = 20;
int __read_mostly tunable = 4;

KEEP int over(int x)
{
	return x > threshold;
}

KEEP void set_threshold(int v)
{
	threshold = v;
}

KEEP int get_tunable(void)
{
	return tunable;
}
