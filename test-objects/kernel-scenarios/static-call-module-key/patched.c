/* static-call-module-key: a changed function calls through a static call defined elsewhere (x86-64 only). */
#include "kernel.h"

DECLARE_STATIC_CALL(mod_handler);

KEEP int forward(int x)
{
	return static_call_int(mod_handler, x) + 1;
}

KEEP int forward_twice(int x)
{
	return static_call_int(mod_handler, x) + 3;
}
