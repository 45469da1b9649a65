/* new-global-variable: the patch adds an initialised global and a use of it. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int ext_connect(int);

int retry_limit = 3;
int timeout_ms = 500;

KEEP int connect_once(int fd)
{
	int r, tries = 0;

	do
		r = ext_connect(fd + timeout_ms);
	while (r < 0 && ++tries < retry_limit);
	return r;
}

KEEP int get_timeout(void)
{
	return timeout_ms;
}
