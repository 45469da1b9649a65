/* function-pointer-target-changed: a function referenced by a function-pointer table changes its body. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

typedef int (*handler_t)(int);

volatile int dev;

KEEP int h_read(int x)
{
	return dev + x;
}

KEEP int h_write(int x)
{
	if (x < 0)
		return -1;
	dev = x;
	return 0;
}

handler_t handlers[2] = { h_read, h_write };

KEEP int dispatch(unsigned i, int x)
{
	return handlers[i & 1](x);
}
