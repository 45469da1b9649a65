/* macro-statics: _rs (ratelimit), __func__ and CSWTCH statics, never correlated. */
#include "kernel.h"

extern void report(int);

KEEP int rate_a(int x)
{
	if (x < 0)
		pr_warn_ratelimited("rate_a: %d\n", x);
	return x + 1;
}

KEEP int rate_c(int x)
{
	static DEFINE_RATELIMIT_STATE(_rs, HZ, 20);
	if (__ratelimit(&_rs))
		report(x);
	return x + 3;
}

KEEP int named(int x)
{
	pr_info("%s: %d\n", __func__, x);
	return x + 2;
}

KEEP int mapper(int x)
{
	switch (x) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 43;
	case 4: return 59;
	case 5: return 61;
	default: return -1;
	}
}
