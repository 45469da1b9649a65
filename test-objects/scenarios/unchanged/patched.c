/* unchanged: identical sources on both sides; a bit of everything the other scenarios
 * change (static locals, strings, structs, enums, tables, TLS, a static helper). */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int printf(const char *, ...);

struct item {
	int key;
	long value;
};

enum color { RED, GREEN = 4, BLUE };

typedef int (*cb_t)(int);

int counter = 5;
const int table[3] = { 3, 1, 4 };
static long scratch[8];
__thread int tls_slot = 9;

static __attribute__((noinline)) int helper(int x)
{
	return x * counter + (int)scratch[x & 7];
}

KEEP int lookup(const struct item *it, enum color c)
{
	static int calls;
	calls++;
	return it->key + (int)it->value + c + table[calls % 3];
}

KEEP void say(int n)
{
	printf("value %d\n", n);
}

KEEP int run(int x)
{
	scratch[x & 7] = x;
	return helper(x) + tls_slot++;
}

cb_t callbacks[2] = { run, 0 };
