/* const-table-changed: one value of a const lookup table changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

const int weights[4] = { 11, 23, 37, 59 };
const int offsets[4] = { 100, 250, 75, 310 };

KEEP int weight(unsigned i)
{
	return weights[i & 3];
}

KEEP int offset(unsigned i)
{
	return offsets[i & 3];
}
