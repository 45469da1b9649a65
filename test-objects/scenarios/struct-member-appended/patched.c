/* struct-member-appended: a member is appended at the end of struct stats. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

struct stats {
	long rx;
	long tx;
	long drops;
};

KEEP long stats_rx(const struct stats *s)
{
	return s->rx;
}

KEEP long stats_tx(const struct stats *s)
{
	return s->tx;
}

KEEP long stats_drops(const struct stats *s)
{
	return s->drops;
}
