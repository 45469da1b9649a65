/* new-function: the patch adds a global function audit() and calls it from store(). */
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

KEEP void store(int key)
{
	ext_write(key + level);
}
