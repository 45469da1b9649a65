/* data-once-changed: .data.once and .data.unlikely change as once-flags come and go. */
#include "kernel.h"

extern int consume(int);

KEEP int probe_a(int x)
{
	return x + 1;
}

KEEP int probe_b(int x)
{
	RCU_LOCKDEP_WARN(x < 0, "probe_b"); return consume(x);
}

KEEP int probe_c(int x)
{
	pr_info_once("probe_c: %d\n", x);
	WARN_ON_ONCE(x == 7);
	return x - 1;
}
