/* Added by the patch: this line moves every line below it down by one. */
/* comment-added-at-top: the patch adds one comment line at the top of the file, which
 * shifts __LINE__ for every function below it. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern void warn_at(const char *file, int line);

KEEP int check_positive(int x)
{
	if (x < 0)
		warn_at(__FILE__, __LINE__);
	return x;
}

KEEP int check_small(int x)
{
	if (x > 1000)
		warn_at(__FILE__, __LINE__);
	return x;
}

KEEP int plain(int x)
{
	return x + 1;
}
