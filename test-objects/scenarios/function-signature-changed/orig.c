/* function-signature-changed: scale()'s second parameter changes from int to double. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

volatile int bias;

KEEP int scale(int v, int f)
{
	return v * f + bias;
}

KEEP int apply(int v)
{
	return scale(v, 3) + 1;
}

KEEP int unrelated(int v)
{
	return v - bias;
}
