/* ipa-clone-stays: work() is only ever called with mode 3, so GCC compiles it as the
 * clone work.constprop.N on both sides; the patch changes work()'s body only. */

volatile int sink;

/* noinline but NOT noipa: this scenario is about GCC's interprocedural cloning. */
static __attribute__((noinline)) int work(int x, int mode)
{
	int r = x;
	if (mode & 1)
		r = r * 5 + sink;
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
