/* exported-symbol-changed: an EXPORT_SYMBOL'd function changes its signature; another only its body. */
#include "kernel.h"

extern int consume(int);

KEEP long calc(int a, int b)
{
	return consume(a) + b;
}
EXPORT_SYMBOL(calc);

KEEP int stable(int x)
{
	return x + 6;
}
EXPORT_SYMBOL_GPL(stable);

KEEP int use_calc(int x)
{
	return calc(x, 1) * 2;
}
