/* static-helper-inlined: a static helper that is always inlined into two callers changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

volatile int scale;

static inline __attribute__((always_inline)) int clamp_scale(int v)
{
	if (v > 100)
		v = 100;
	return v * scale;
}

KEEP int reader_a(int v)
{
	return clamp_scale(v) + 1;
}

KEEP int reader_b(int v)
{
	return clamp_scale(v + 2) - 1;
}

KEEP int bystander(int v)
{
	return v ^ scale;
}
