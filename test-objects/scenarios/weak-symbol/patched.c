/* weak-symbol: the body of a weak default hook changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

volatile int level;

__attribute__((weak)) int hook(int x)
{
	return x - level;
}

KEEP int run(int x)
{
	return hook(x) * 2;
}
