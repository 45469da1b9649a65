/* isra-clone-naming: GCC's IPA-SRA clones (name.isra.N) change, appear and vanish. */
#include "kernel.h"

extern int consume(int);

struct req {
	int len;
	int flags;
	long pad[4];
};

static noinline int scale(struct req *r, int k)
{
	return consume(r->len * k + 1);
}

static noinline int fold(struct req *r, int k)
{
	return consume(r->flags - k);
}

static noinline int trim(struct req *r)
{
	return consume((int)r->pad[1]);
}

KEEP int submit(struct req *r)
{
	return scale(r, 3) + fold(r, 3);
}

KEEP int submit2(struct req *r, int k)
{
	return scale(r, k) + fold(r, 3) + trim(r);
}
