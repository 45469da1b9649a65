/* struct-member-retyped: struct req's flags goes from int to unsigned int (same size and offset). */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

struct req {
	int id;
	unsigned int flags;
	int len;
};

KEEP int req_id(const struct req *r)
{
	return r->id;
}

KEEP int req_flags_hi(const struct req *r)
{
	return r->flags >> 4;
}

KEEP int req_len(const struct req *r)
{
	return r->len;
}
