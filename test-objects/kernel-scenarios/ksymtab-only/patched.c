/* ksymtab-only: the patch only adds EXPORT_SYMBOL() for an existing function. */
#include "kernel.h"

extern int consume(int);

KEEP int helper(int x)
{
	return consume(x + 11);
}

KEEP int other(int x)
{
	return helper(x) * 2;
}
EXPORT_SYMBOL(helper);
