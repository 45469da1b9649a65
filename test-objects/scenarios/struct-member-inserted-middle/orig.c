/* struct-member-inserted-middle: a member is inserted in the middle of struct conn. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

struct conn {
	int fd;
	int state;
	long bytes;
};

KEEP int conn_fd(const struct conn *c)
{
	return c->fd;
}

KEEP int conn_state(const struct conn *c)
{
	return c->state;
}

KEEP long conn_bytes(const struct conn *c)
{
	return c->bytes;
}
