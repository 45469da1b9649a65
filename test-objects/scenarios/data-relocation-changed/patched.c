/* data-relocation-changed: the initialised pointer banner points at another literal. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

const char *banner = "service v2 (patched build)";
const char *version = "release";

KEEP const char *get_banner(void)
{
	return banner;
}

KEEP const char *get_version(void)
{
	return version;
}
