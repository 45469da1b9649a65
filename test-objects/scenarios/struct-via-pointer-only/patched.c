/* struct-via-pointer-only: struct session grows, but the only functions using it are
 * unchanged: they still run against the old layout, so the patch is refused. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern void release(void *);

struct session {
	int id;
	int uid;
	int gid;
};

volatile int ticks;

KEEP void session_put(struct session *s)
{
	if (s)
		release(s);
}

KEEP int session_id(const struct session *s)
{
	return s->id;
}

KEEP int tick(int n)
{
	return ticks += 2 * n;
}
