/* exported-symbol-changed: an EXPORT_SYMBOL'd function changes its signature; another only its body. */
#include "kernel.h"

extern int consume(int);

KEEP int calc(int a)
{
	return consume(a) + 1;
}
EXPORT_SYMBOL(calc);

KEEP int stable(int x)
{
	return x + 5;
}
EXPORT_SYMBOL_GPL(stable);

KEEP int use_calc(int x)
{
	return calc(x) * 2;
}
