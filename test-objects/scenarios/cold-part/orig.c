/* cold-part: parse() has an unlikely error path that GCC moves into parse.cold;
 * the patch changes only that cold path. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

/* GCC partitions hot/cold blocks by default only on x86; ask for it everywhere except
 * 32-bit ARM, where GCC 12 cannot assemble PIC literals across the two parts. */
#if !defined(__clang__) && !defined(__arm__)
#define SPLIT __attribute__((optimize("reorder-blocks-and-partition")))
#else
#define SPLIT
#endif

extern void report_error(const char *msg, int code) __attribute__((cold));
extern void ext_log(int);

volatile int g;

KEEP SPLIT int parse(int x)
{
	if (__builtin_expect(x < 0, 0)) {
		report_error("negative input", x);
		ext_log(x);
		return -1;
	}
	return x * 2 + g;
}

KEEP int other(int x)
{
	return x - g;
}
