/* removed-function: the patch deletes legacy_check() and its only call. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern void ext_write(int);

volatile int level;

KEEP int lookup(int key)
{
	return key * 7 + level;
}

KEEP int legacy_check(int key)
{
	return key > 1000 ? -1 : 0;
}

KEEP void store(int key)
{
	if (legacy_check(key) == 0)
		ext_write(key + level);
}
