/* rodata-string-only-moved: report_a() gains a new literal in front of its old one,
 * which shifts the offsets of every later literal; only report_a() changed. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern void log_msg(const char *);

KEEP void report_a(void)
{
	log_msg("a brand new unrelated message");
	log_msg("alpha event");
}

KEEP void report_b(void)
{
	log_msg("beta event");
}

KEEP void report_c(int n)
{
	if (n)
		log_msg("gamma event");
}
