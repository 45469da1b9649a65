/* init-data-changed: an __initdata table (.init.data) changes; the code using it does not. */
#include "kernel.h"

static int __initdata boot_levels[4] = { 1, 2, 3, 4 };

KEEP int __init pick_level(int i)
{
	return boot_levels[i & 3];
}

KEEP void __init set_level(int i, int v)
{
	boot_levels[i & 3] = v;
}

KEEP int runtime_level(int i)
{
	return i * 4;
}
