/* init-code-changed: an __init function (.init.text) changes. */
#include "kernel.h"

extern int consume(int);

int boot_param = 5;

KEEP int __init setup_widget(void)
{
	return consume(13);
}

KEEP int __init setup_gadget(void)
{
	return consume(boot_param);
}

KEEP int runtime_fn(int x)
{
	return x + boot_param;
}
