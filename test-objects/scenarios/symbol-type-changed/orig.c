/* symbol-type-changed: the function probe() becomes an initialised int named probe. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

volatile int state;

KEEP int probe(void)
{
	return state + 1;
}

KEEP int get_state(void)
{
	return state;
}
