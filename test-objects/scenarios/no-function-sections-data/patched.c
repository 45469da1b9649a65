/* no-function-sections-data: an initialised array's value changes; built with and
 * without -ffunction-sections, the expectation is the same. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

int limits[3] = { 10, 20, 40 };
int defaults[2] = { 7, 9 };
static int hits;

KEEP int limit(unsigned i)
{
	hits++;
	return limits[i % 3];
}

KEEP int fallback(unsigned i)
{
	return defaults[i & 1] + hits;
}
