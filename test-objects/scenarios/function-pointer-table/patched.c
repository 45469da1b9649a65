/* function-pointer-table: one entry of a table of function pointers now points at a new function. */
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
	dev = x;
	return 0;
}

KEEP int h_write_checked(int x)
{
	if (x < 0)
		return -1;
	dev = x;
	return 0;
}

handler_t handlers[2] = { h_read, h_write_checked };

KEEP int dispatch(unsigned i, int x)
{
	return handlers[i & 1](x);
}
