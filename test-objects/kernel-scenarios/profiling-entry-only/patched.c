/* profiling-entry-only: every traced function carries its profiling entry (__fentry__, _mcount, nops). */
#include "kernel.h"

extern int consume(int);

KEEP int alpha(int x)
{
	return consume(x + 1);
}

KEEP int epsilon(int x)
{
	return consume(x - 5);
}

KEEP int beta(int x)
{
	return consume(x * 5) + epsilon(x);
}

KEEP int gamma_fn(int x)
{
	return x ^ 0x55;
}

KEEP int delta(int x)
{
	return gamma_fn(x) - 7;
}
