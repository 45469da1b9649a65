/* static-locals-renumbered: a new function with its own static local "hits" is added
 * after the existing ones, so GCC's hits.N numbers shift (GCC 12 numbers same-named
 * statics from the end of the file); existing functions unchanged. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

KEEP int count_a(void)
{
	static int hits;
	return ++hits;
}

KEEP int count_b(int n)
{
	static int hits;
	hits += n;
	return hits;
}
