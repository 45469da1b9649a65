/* struct-member-into-padding: a char member fills padding; the size stays 8. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

struct pkt {
	char kind;
	char prio;
	int len;
};

KEEP int pkt_len(const struct pkt *p)
{
	return p->len;
}

KEEP int pkt_kind(const struct pkt *p)
{
	return p->kind;
}

KEEP int pkt_describe(const struct pkt *p)
{
	return p->kind * 1000 + p->prio * 100 + p->len;
}
