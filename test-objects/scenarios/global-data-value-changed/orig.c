/* global-data-value-changed: the initial value of an existing global changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

int max_conns = 64;
int min_conns = 2;

KEEP int conns_allowed(int n)
{
	return n >= min_conns && n <= max_conns;
}

KEEP void set_max(int n)
{
	max_conns = n;
}
