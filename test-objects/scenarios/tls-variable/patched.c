/* tls-variable: the initial value of a thread-local variable changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

__thread int tls_depth = 2;
__thread int tls_flags;

KEEP int depth(void)
{
	return tls_depth;
}

KEEP void enter(void)
{
	tls_depth++;
	tls_flags |= 1;
}
