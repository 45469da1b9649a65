/* alternatives: .altinstructions / .altinstr_replacement and .smp_locks entries (x86-64 only). */
#include "kernel.h"

KEEP int fenced(int x)
{
	alternative("", "mfence", X86_FEATURE_XMM2); return x + 1;
}

KEEP void barrier_inc(int *v)
{
	alternative("", "lfence", X86_FEATURE_LFENCE_RDTSC);
	atomic_inc(v);
}

KEEP void counter_inc(int *v)
{
	atomic_inc(v);
	atomic_inc(v + 1);
}
