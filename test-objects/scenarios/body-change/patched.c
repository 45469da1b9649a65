/* body-change: one function's arithmetic changes; nothing else does. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int ext_log(int);

volatile int counter;

KEEP int compute(int x)
{
	return x * 5 + counter;
}

KEEP int helper_unrelated(int y)
{
	return ext_log(y) + 1;
}

int api(int x)
{
	return compute(x) + helper_unrelated(x);
}
