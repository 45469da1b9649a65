/* global-made-static: the global build_id becomes static (kept by "used"). */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

static int build_id __attribute__((used)) = 42;

volatile int state;

KEEP int get_state(void)
{
	return state;
}
