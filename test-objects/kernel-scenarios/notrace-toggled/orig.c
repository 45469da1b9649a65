/* notrace-toggled: two leaf functions only gain or lose notrace; their bodies stay the same. */
#include "kernel.h"

extern int consume(int);

KEEP int made_notrace(int x)
{
	return x * 7 + 1;
}

KEEP notrace int made_traced(int x)
{
	return (x << 4) - x;
}

KEEP int plain(int x)
{
	return consume(x) + made_notrace(x) + made_traced(x);
}

KEEP int edited(int x)
{
	return consume(x + 100);
}
