/* union-changed: union val gains a double member, growing from 4 to 8 bytes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

union val {
	int i;
	float f;
};

KEEP int val_i(const union val *v)
{
	return v->i;
}

KEEP float val_f(const union val *v)
{
	return v->f;
}

KEEP void val_copy(union val *dst, const union val *src)
{
	*dst = *src;
}
