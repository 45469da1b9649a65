/* constructor-changed: the body of an __attribute__((constructor)) function changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

volatile int table_ready;

__attribute__((constructor)) KEEP void init_tables(void)
{
	table_ready = 2;
}

KEEP int is_ready(void)
{
	return table_ready;
}
