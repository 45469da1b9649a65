/* string-literal-changed: greet()'s literal changes (and grows), which moves
 * farewell()'s literal inside the merged string section; only greet() changed. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int printf(const char *, ...);

KEEP void greet(int n)
{
	printf("hello there, number %d\n", n);
}

KEEP void farewell(int n)
{
	printf("goodbye %d\n", n);
}

KEEP int no_strings(int n)
{
	return n * n;
}
