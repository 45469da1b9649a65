/* init-section-changed: a function placed in .init.text (like the kernel's __init) changes. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

#define __init __attribute__((section(".init.text")))

volatile int hw_regs;

KEEP __init int setup_hw(int x)
{
	hw_regs = x | 0x30;
	return 0;
}

KEEP int read_hw(void)
{
	return hw_regs;
}
