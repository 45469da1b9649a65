/* no-function-sections: a body change, built with and without -ffunction-sections. The
 * changed function grows, so every function after it moves inside .text in the nofs build. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int ext_log(int);

volatile int counter;

KEEP int first(int x)
{
	return x + counter;
}

KEEP int compute(int x)
{
	return x * 3 + counter;
}

KEEP int after(int y)
{
	return ext_log(y) + compute(y);
}

int api(int x)
{
	return compute(x) + after(x) + first(x);
}
