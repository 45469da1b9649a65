/* static-call-site: a static call through a key defined in this object is added (x86-64 only). */
#include "kernel.h"

DEFINE_STATIC_CALL(handler, default_handler);

KEEP int dispatch_new(int x)
{
	return static_call_int(handler, x) * 9;
}

KEEP int dispatch(int x)
{
	return static_call_int(handler, x) + 1;
}
