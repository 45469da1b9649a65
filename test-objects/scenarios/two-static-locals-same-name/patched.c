/* two-static-locals-same-name: tick_rx() and tick_tx() each own a "static int count";
 * only tick_tx() changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

KEEP int tick_rx(int n)
{
	static int count;
	count += n;
	return count;
}

KEEP int tick_tx(int n)
{
	static int count;
	count += 3 * n;
	return count;
}
