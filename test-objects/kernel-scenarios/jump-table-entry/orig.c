/* jump-table-entry: a static branch on a key defined in this object is added to adder(). */
#include "kernel.h"

extern int consume(int);

DEFINE_STATIC_KEY_FALSE(fast_path_key);
DEFINE_STATIC_KEY_TRUE(feature_key);

KEEP int adder(int x)
{
	return x + 40;
}

KEEP int gate(int x)
{
	if (static_branch_unlikely(&fast_path_key))
		return consume(x);
	return x + 1;
}

KEEP int feature(int x)
{
	if (static_branch_likely(&feature_key))
		return consume(x * 2);
	return 0;
}
