/* tls-variable-new: the patch adds a new thread-local counter and a function using it. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

__thread int tls_depth = 1;

KEEP int depth(void)
{
	return tls_depth;
}
