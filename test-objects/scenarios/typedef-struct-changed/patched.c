/* typedef-struct-changed: the anonymous struct behind typedef pair_t gains a middle member. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

typedef struct {
	int a;
	int pad;
	int b;
} pair_t;

KEEP int pair_first(const pair_t *p)
{
	return p->a;
}

KEEP int pair_sum(const pair_t *p)
{
	return p->a + p->b;
}
