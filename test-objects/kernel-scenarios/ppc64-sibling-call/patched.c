/* ppc64-sibling-call: a changed function ends in a tail call to a global function. */
#include "kernel.h"

extern int consume(int);

KEEP int helper_global(int x)
{
	return consume(x) * 3;
}

KEEP int wrapper(int x)
{
	return helper_global(x + 2);
}

KEEP int caller(int x)
{
	return wrapper(x) + 1;
}
