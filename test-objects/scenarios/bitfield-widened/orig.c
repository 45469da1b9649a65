/* bitfield-widened: the 3-bit field mode becomes 4 bits wide, moving the later bit-fields. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

struct opts {
	unsigned mode : 3;
	unsigned prio : 4;
	unsigned on : 1;
	int count;
};

KEEP unsigned opt_mode(const struct opts *o)
{
	return o->mode;
}

KEEP unsigned opt_prio(const struct opts *o)
{
	return o->prio;
}

KEEP unsigned opt_on(const struct opts *o)
{
	return o->on;
}

KEEP int opt_count(const struct opts *o)
{
	return o->count;
}
