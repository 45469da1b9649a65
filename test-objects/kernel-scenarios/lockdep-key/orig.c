/* lockdep-key: spin_lock_init() makes a static struct lock_class_key __key per call site. */
#include "kernel.h"

spinlock_t lock_a, lock_b;

KEEP void init_a(void)
{
	spin_lock_init(&lock_a);
}

KEEP void init_b(unsigned int v)
{
	lock_b.raw = v;
}

KEEP unsigned int peek_b(void)
{
	return lock_b.raw;
}
