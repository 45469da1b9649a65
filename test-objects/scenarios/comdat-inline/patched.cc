// comdat-inline (C++): a function template and an inline function, each inlined into
// their callers and also emitted out of line (their address is taken) as weak COMDAT
// copies. The template's body changes.
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

template <typename T>
inline T clampv(T v, T hi)
{
	return v >= hi ? hi - 1 : v;
}

inline int twice(int x)
{
	return x * 2;
}

extern "C" {

// Taking the addresses forces the out-of-line COMDAT copies _Z6clampvIiET_S0_S0_ and _Z5twicei.
int (*volatile clamp_ptr)(int, int) = clampv<int>;
int (*volatile twice_ptr)(int) = twice;

KEEP int use_a(int x)
{
	return clampv(x, 100) + 1;
}

KEEP int use_b(int x)
{
	return clampv(x + 7, 50) + twice(x);
}

KEEP int use_c(int x)
{
	return twice(x) - 3;
}

}
