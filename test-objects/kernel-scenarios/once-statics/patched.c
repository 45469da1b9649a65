/* once-statics: WARN_ONCE() is added in a new place; printk_once() already exists elsewhere. */
#include "kernel.h"

KEEP int once_b(int x)
{
	WARN_ONCE(x > 9, "once_b: %d\n", x); return x * 2;
}

KEEP int once_a(int x)
{
	pr_info_once("once_a: %d\n", x);
	return x + 1;
}
