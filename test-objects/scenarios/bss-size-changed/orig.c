/* bss-size-changed: a zero-initialised static array doubles in size. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

static int buf[16];
static int total;

KEEP void store(unsigned i, int v)
{
	if (i < sizeof buf / sizeof buf[0])
		buf[i] = v;
	total += v;
}

KEEP int first(void)
{
	return buf[0];
}

KEEP int get_total(void)
{
	return total;
}
