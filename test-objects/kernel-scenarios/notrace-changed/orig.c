/* notrace-changed: a notrace function (no profiling entry, so no ftrace hook) changes. */
#include "kernel.h"

extern int consume(int);

KEEP notrace int raw_read(const int *p)
{
	return p[0] + p[1];
}

KEEP notrace int raw_quiet(const int *p)
{
	return p[2] ^ p[3];
}

KEEP int reader(const int *p)
{
	return consume(raw_read(p)) + raw_quiet(p);
}
