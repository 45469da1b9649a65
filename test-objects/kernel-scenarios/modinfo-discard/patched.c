/* modinfo-discard: only .modinfo strings and .discard.* entries change. */
#include "kernel.h"

extern int consume(int);

KEEP int probe(int x)
{
	return consume(x * 7);
}

KEEP int remove_fn(int x)
{
	return consume(x - 7);
}

MODULE_DESCRIPTION("widget driver, second edition");
MODULE_AUTHOR("elfdelta test corpus");
MODULE_LICENSE("GPL");
STACK_FRAME_NON_STANDARD(probe);
__ADDRESSABLE(remove_fn)
