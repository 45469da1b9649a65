/* ipa-clone-appears: both callers of the static function work() start passing the
 * constant 3 as mode, so GCC's IPA-CP replaces work() by the clone work.constprop.N. */

volatile int g_mode;
volatile int sink;

/* noinline but NOT noipa: this scenario is about GCC's interprocedural cloning. */
static __attribute__((noinline)) int work(int x, int mode)
{
	int r = x;
	if (mode & 1)
		r = r * 3 + sink;
	if (mode & 2)
		r = r ^ (sink << 2);
	if (mode & 4)
		r = r - sink * 7;
	if (mode & 8)
		r = r / (sink | 1);
	return r;
}

int api1(int x)
{
	return work(x, 3) + 1;
}

int api2(int x)
{
	return work(x + 5, 3) - 1;
}
