/* jump-label-module-key: a changed function has a static branch on a key this object does not define. */
#include "kernel.h"

extern int consume(int);

DECLARE_STATIC_KEY_FALSE(module_debug_key);
DEFINE_STATIC_KEY_FALSE(local_key);

KEEP int uses_module_key(int x)
{
	if (static_branch_unlikely(&module_debug_key))
		return consume(x);
	return x + 1;
}

KEEP int changed_fn(int x)
{
	if (static_branch_unlikely(&module_debug_key))
		return consume(x * 2);
	return x + 3;
}

KEEP int local_user(int x)
{
	if (static_branch_unlikely(&local_key))
		return consume(x * 3);
	return x + 4;
}
