/*
 * kernel.h - a small imitation of the Linux kernel's macros for the elfdelta kernel-profile
 * scenarios (test-objects/kernel-scenarios/).  Written for these tests, not taken from the
 * kernel: it reproduces what the kernel's macros leave in an object file (the sections, the
 * entry layouts, the relocations, the symbol names), not their run-time behaviour.  Nothing
 * here is ever linked or run.
 *
 * Architectures: x86-64, ppc64le (ELFv2), s390x, aarch64, loongarch64.  The entry layouts and
 * their sources are listed in ../README.md ("Special sections").  Every entry is emitted with
 * .pushsection/.popsection from inline or top-level asm, exactly as the kernel does, so that
 * the compiler sees the same asm statements a kernel build would.
 *
 * Only <stdbool.h> and <stddef.h> are used (no C library).
 */
#ifndef ELFDELTA_KERNEL_H
#define ELFDELTA_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#if !defined(__x86_64__) && !defined(__aarch64__) && !(defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)) && \
	!defined(__s390x__) && !(defined(__loongarch__) && __loongarch_grlen == 64)
#error "kernel.h: x86-64, ppc64le, s390x, aarch64 or loongarch64 only"
#endif

/* ------------------------------------------------------------------ compiler attributes */

/* The scenarios' KEEP (see ../../scenarios/README.md): no inlining, no IPA clones, no ICF. */
#if defined(__clang__)
#define KEEP __attribute__((__noinline__))
#else
#define KEEP __attribute__((__noipa__))
#endif

#define __section(s) __attribute__((__section__(s)))
#define __used __attribute__((__used__))
#define __cold __attribute__((__cold__))
#define __aligned(n) __attribute__((__aligned__(n)))
#define noinline __attribute__((__noinline__))
#define __always_inline inline __attribute__((__always_inline__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define unreachable() __builtin_unreachable()

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
/* include/linux/compiler.h (before 6.x added an underscore): __UNIQUE_ID_<prefix><counter> */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/*
 * notrace: no profiling entry.  Kernels built with -fpatchable-function-entry (arm64,
 * loongarch) define it as patchable_function_entry(0, 0); the others use
 * no_instrument_function, which drops the -pg call (__fentry__, _mcount) and its __mcount_loc
 * entry.
 */
#if defined(__aarch64__) || defined(__loongarch__)
#define notrace __attribute__((__patchable_function_entry__(0, 0)))
#else
#define notrace __attribute__((__no_instrument_function__))
#endif

/* include/linux/init.h */
#define __init __section(".init.text") __cold
#define __initdata __section(".init.data")
#define __read_mostly __section(".data..read_mostly")

/* ------------------------------------------------------------------ external kernel API */

struct lock_class_key {
	void *hash_next, *hash_pprev; /* union { struct hlist_node; subkeys[8] } in the kernel */
};
typedef struct {
	unsigned int raw;
} spinlock_t;

extern int _printk(const char *fmt, ...);
extern void __warn_printk(const char *fmt, ...);
extern void __might_sleep(const char *file, int line);
extern void __might_fault(const char *file, int line);
extern void lockdep_rcu_suspicious(const char *file, const int line, const char *s);
extern bool debug_lockdep_rcu_enabled(void);
extern void __raw_spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key, short inner);

#define KERN_SOH "\001"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_INFO KERN_SOH "6"
#define printk(fmt, ...) _printk(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)

#define EFAULT 14
#define EINVAL 22

/* ------------------------------------------------------------------ __bug_table */
/*
 * struct bug_entry with CONFIG_GENERIC_BUG_RELATIVE_POINTERS and CONFIG_DEBUG_BUGVERBOSE:
 * 12 bytes on all five architectures.
 */
struct bug_entry {
	int bug_addr_disp;
	int file_disp;
	unsigned short line;
	unsigned short flags;
};

#define BUGFLAG_WARNING (1 << 0)
#define BUGFLAG_ONCE (1 << 1)
#define BUGFLAG_NO_CUT_HERE (1 << 3)
#define BUGFLAG_TAINT(taint) ((taint) << 8)
#define TAINT_WARN 9

#if defined(__x86_64__)
/* arch/x86/include/asm/bug.h: ud2, then .long 1b - ., .long file - ., .word line, .word flags */
#define _BUG_FLAGS(flags)                                                                              \
	asm volatile("1:\t.byte 0x0f, 0x0b\n"                                                          \
		     ".pushsection __bug_table,\"aw\"\n"                                               \
		     "2:\t.long 1b - .\t# bug_entry::bug_addr\n"                                       \
		     "\t.long %c0 - .\t# bug_entry::file\n"                                            \
		     "\t.word %c1\t# bug_entry::line\n"                                                \
		     "\t.word %c2\t# bug_entry::flags\n"                                               \
		     "\t.org 2b + %c3\n"                                                               \
		     ".popsection"                                                                     \
		     :                                                                                 \
		     : "i"(__FILE__), "i"(__LINE__), "i"(flags), "i"(sizeof(struct bug_entry)))
#elif defined(__powerpc64__)
/* arch/powerpc/include/asm/bug.h: twi 31,0,0 (BUG, __WARN) or tdnei rX,0 (BUG_ON, WARN_ON) */
#define _EMIT_BUG_ENTRY                                                                                \
	".section __bug_table,\"aw\"\n"                                                                \
	"2:\t.4byte 1b - ., %0 - .\n"                                                                  \
	"\t.short %1, %2\n"                                                                            \
	".org 2b+%3\n"                                                                                 \
	".previous\n"
#define _BUG_FLAGS(flags)                                                                              \
	asm volatile("1:\ttwi 31, 0, 0\n" _EMIT_BUG_ENTRY                                              \
		     :                                                                                 \
		     : "i"(__FILE__), "i"(__LINE__), "i"(flags), "i"(sizeof(struct bug_entry)))
#define _BUG_ON_TRAP(x, flags)                                                                         \
	asm volatile("1:\ttdnei %4, 0\n" _EMIT_BUG_ENTRY                                               \
		     :                                                                                 \
		     : "i"(__FILE__), "i"(__LINE__), "i"(flags), "i"(sizeof(struct bug_entry)),       \
		       "r"((long)(x)))
#elif defined(__s390x__)
/*
 * arch/s390/include/asm/bug.h (before the 2025 format strings): mc 0,0, the file name as a
 * string in .rodata.str, and a __bug_table section that is "awM" with entsize 12.
 */
#define _BUG_FLAGS(flags)                                                                              \
	asm volatile("0:\tmc 0,0\n"                                                                    \
		     ".section .rodata.str,\"aMS\",@progbits,1\n"                                      \
		     "1:\t.asciz \"" __FILE__ "\"\n"                                                   \
		     ".previous\n"                                                                     \
		     ".section __bug_table,\"awM\",@progbits,%2\n"                                     \
		     "2:\t.long 0b-.\n"                                                                \
		     "\t.long 1b-.\n"                                                                  \
		     "\t.short %0,%1\n"                                                                \
		     "\t.org 2b+%2\n"                                                                  \
		     ".previous\n"                                                                     \
		     :                                                                                 \
		     : "i"(__LINE__), "i"(flags), "i"(sizeof(struct bug_entry)))
#else
/*
 * arm64 (arch/arm64/include/asm/asm-bug.h) and loongarch (arch/loongarch/include/asm/bug.h):
 * the entry comes first, the trap (brk #0x800 / break 1) follows it; the file name is a
 * .string in .rodata.str and the line is a literal in the asm text.
 */
#if defined(__aarch64__)
#define __BUG_INSN "brk 0x800"
#else
#define __BUG_INSN "break 1"
#endif
#define _BUG_FLAGS(flags)                                                                              \
	asm volatile(".pushsection __bug_table,\"aw\"\n"                                               \
		     ".align 2\n"                                                                      \
		     "14470:\t.long 14471f - .\n"                                                      \
		     ".pushsection .rodata.str,\"aMS\",@progbits,1\n"                                  \
		     "14472:\t.string \"" __FILE__ "\"\n"                                              \
		     ".popsection\n"                                                                   \
		     "\t.long 14472b - .\n"                                                            \
		     "\t.short " __stringify(__LINE__) "\n"                                            \
		     "\t.short %0\n"                                                                   \
		     ".popsection\n"                                                                   \
		     "14471:\t" __BUG_INSN                                                             \
		     :                                                                                 \
		     : "i"(flags))
#endif

#define BUG()                                                                                          \
	do {                                                                                           \
		_BUG_FLAGS(0);                                                                         \
		unreachable();                                                                         \
	} while (0)
#define __WARN_FLAGS(flags) _BUG_FLAGS(BUGFLAG_WARNING | (flags))
#define __WARN() __WARN_FLAGS(BUGFLAG_TAINT(TAINT_WARN))
#define __WARN_printf(taint, arg...)                                                                   \
	do {                                                                                           \
		__warn_printk(arg);                                                                    \
		__WARN_FLAGS(BUGFLAG_NO_CUT_HERE | BUGFLAG_TAINT(taint));                              \
	} while (0)

#if defined(__powerpc64__)
#define BUG_ON(x)                                                                                      \
	do {                                                                                           \
		if (__builtin_constant_p(x)) {                                                         \
			if (x)                                                                         \
				BUG();                                                                 \
		} else {                                                                               \
			_BUG_ON_TRAP(x, 0);                                                            \
		}                                                                                      \
	} while (0)
#define WARN_ON(x)                                                                                     \
	({                                                                                             \
		int __ret_warn_on = !!(x);                                                             \
		_BUG_ON_TRAP(__ret_warn_on, BUGFLAG_WARNING | BUGFLAG_TAINT(TAINT_WARN));              \
		unlikely(__ret_warn_on);                                                               \
	})
#else
#define BUG_ON(condition)                                                                              \
	do {                                                                                           \
		if (unlikely(condition))                                                               \
			BUG();                                                                         \
	} while (0)
#define WARN_ON(condition)                                                                             \
	({                                                                                             \
		int __ret_warn_on = !!(condition);                                                     \
		if (unlikely(__ret_warn_on))                                                           \
			__WARN();                                                                      \
		unlikely(__ret_warn_on);                                                               \
	})
#endif

#define WARN(condition, format...)                                                                     \
	({                                                                                             \
		int __ret_warn_on = !!(condition);                                                     \
		if (unlikely(__ret_warn_on))                                                           \
			__WARN_printf(TAINT_WARN, format);                                             \
		unlikely(__ret_warn_on);                                                               \
	})

/* The 4.x generic WARN_ON_ONCE: a __warned flag in .data.unlikely. */
#define WARN_ON_ONCE(condition)                                                                        \
	({                                                                                             \
		static bool __section(".data.unlikely") __warned;                                      \
		int __ret_warn_once = !!(condition);                                                   \
		if (unlikely(__ret_warn_once && !__warned)) {                                          \
			__warned = true;                                                               \
			WARN_ON(1);                                                                    \
		}                                                                                      \
		unlikely(__ret_warn_once);                                                             \
	})

/* include/linux/once_lite.h: a bool __already_done in .data.once */
#define DO_ONCE_LITE_IF(condition, func, ...)                                                          \
	({                                                                                             \
		bool __ret_do_once = !!(condition);                                                    \
		static bool __section(".data.once") __already_done;                                    \
		if (unlikely(__ret_do_once && !__already_done)) {                                      \
			__already_done = true;                                                         \
			func(__VA_ARGS__);                                                             \
		}                                                                                      \
		unlikely(__ret_do_once);                                                               \
	})
#define DO_ONCE_LITE(func, ...) DO_ONCE_LITE_IF(true, func, ##__VA_ARGS__)
#define WARN_ONCE(condition, format...) DO_ONCE_LITE_IF(condition, WARN, 1, format)
#define printk_once(fmt, ...) DO_ONCE_LITE(printk, fmt, ##__VA_ARGS__)
#define pr_info_once(fmt, ...) printk_once(KERN_INFO fmt, ##__VA_ARGS__)

/* include/linux/kernel.h, include/linux/rcupdate.h: the line number is an argument */
#define might_sleep()                                                                                  \
	do {                                                                                           \
		__might_sleep(__FILE__, __LINE__);                                                     \
	} while (0)
#define might_fault() __might_fault(__FILE__, __LINE__)
#define RCU_LOCKDEP_WARN(c, s)                                                                         \
	do {                                                                                           \
		static bool __section(".data.unlikely") __warned;                                      \
		if (debug_lockdep_rcu_enabled() && (c) && !__warned) {                                 \
			__warned = true;                                                               \
			lockdep_rcu_suspicious(__FILE__, __LINE__, s);                                 \
		}                                                                                      \
	} while (0)

/* include/linux/ratelimit.h, include/linux/printk.h: a static struct ratelimit_state _rs */
#define HZ 250
#define DEFAULT_RATELIMIT_INTERVAL (5 * HZ)
#define DEFAULT_RATELIMIT_BURST 10
struct ratelimit_state {
	int lock;
	int interval;
	int burst;
	int printed;
	int missed;
	unsigned int flags;
	unsigned long begin;
};
extern int ___ratelimit(struct ratelimit_state *rs, const char *func);
#define DEFINE_RATELIMIT_STATE(name, interval_init, burst_init)                                        \
	struct ratelimit_state name = {.interval = (interval_init), .burst = (burst_init)}
#define __ratelimit(state) ___ratelimit(state, __func__)
#define printk_ratelimited(fmt, ...)                                                                   \
	({                                                                                             \
		static DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST); \
		if (__ratelimit(&_rs))                                                                 \
			printk(fmt, ##__VA_ARGS__);                                                    \
	})
#define pr_warn_ratelimited(fmt, ...) printk_ratelimited(KERN_WARNING fmt, ##__VA_ARGS__)

/* ------------------------------------------------------------------ lockdep */
/* include/linux/spinlock.h with CONFIG_DEBUG_SPINLOCK: one static __key per call site */
#define LD_WAIT_CONFIG 3
#define spin_lock_init(lock)                                                                           \
	do {                                                                                           \
		static struct lock_class_key __key;                                                    \
		__raw_spin_lock_init((lock), #lock, &__key, LD_WAIT_CONFIG);                           \
	} while (0)

/* ------------------------------------------------------------------ __jump_table */
/*
 * include/linux/jump_label.h with CONFIG_HAVE_ARCH_JUMP_LABEL_RELATIVE: struct jump_entry is
 * { s32 code; s32 target; long key; } = 16 bytes on 64-bit; key is relative too, and its
 * lowest bit is the branch direction (&((char *)key)[branch]).
 */
struct static_key {
	int enabled;
	union {
		unsigned long type;
		void *entries;
		void *next;
	};
};
struct static_key_true {
	struct static_key key;
};
struct static_key_false {
	struct static_key key;
};
#define JUMP_TYPE_FALSE 0UL
#define JUMP_TYPE_TRUE 1UL
#define DEFINE_STATIC_KEY_TRUE(name) struct static_key_true name = {{1, {JUMP_TYPE_TRUE}}}
#define DEFINE_STATIC_KEY_FALSE(name) struct static_key_false name = {{0, {JUMP_TYPE_FALSE}}}
#define DECLARE_STATIC_KEY_TRUE(name) extern struct static_key_true name
#define DECLARE_STATIC_KEY_FALSE(name) extern struct static_key_false name

#if defined(__x86_64__)
/* arch/x86/include/asm/jump_label.h: a 5-byte nop (jmp when enabled) */
#define __JUMP_NOP ".byte 0x0f,0x1f,0x44,0x00,0x00"
#define __JUMP_ENTRY                                                                                   \
	".pushsection __jump_table, \"aw\"\n\t"                                                        \
	".balign 8\n\t"                                                                                \
	".long 1b - .\n\t"                                                                             \
	".long %l[l_yes] - .\n\t"                                                                      \
	".quad %c0 + %c1 - .\n\t"                                                                      \
	".popsection\n\t"
#define __JUMP_LABEL "1:"
#elif defined(__s390x__)
/* arch/s390/include/asm/jump_label.h: brcl 0,<label> is the 6-byte nop */
#define __JUMP_NOP "brcl 0,%l[l_yes]"
#define __JUMP_ENTRY                                                                                   \
	".pushsection __jump_table,\"aw\"\n"                                                           \
	".balign 8\n"                                                                                  \
	".long 1b-.,%l[l_yes]-.\n"                                                                     \
	".quad %0+%1-.\n"                                                                              \
	".popsection\n"
#define __JUMP_LABEL "1:"
#else
/* arm64, powerpc, loongarch: a 4-byte nop */
#define __JUMP_NOP "nop"
#define __JUMP_ENTRY                                                                                   \
	".pushsection __jump_table, \"aw\"\n\t"                                                        \
	".align 3\n\t"                                                                                 \
	".long 1b - ., %l[l_yes] - .\n\t"                                                              \
	".quad %c0 + %c1 - .\n\t"                                                                      \
	".popsection\n\t"
#define __JUMP_LABEL "1:"
#endif

static __always_inline bool arch_static_branch(struct static_key *const key, const bool branch)
{
	asm goto(__JUMP_LABEL "\t" __JUMP_NOP "\n\t" __JUMP_ENTRY : : "i"(key), "i"(branch) : : l_yes);
	return false;
l_yes:
	return true;
}

#define static_branch_unlikely(x) unlikely(arch_static_branch(&(x)->key, false))
#define static_branch_likely(x) likely(!arch_static_branch(&(x)->key, true))

/* ------------------------------------------------------------------ static calls (x86) */
#if defined(__x86_64__)
/*
 * include/linux/static_call.h with HAVE_STATIC_CALL_INLINE (x86-64 only): the key __SCK__name,
 * the trampoline __SCT__name in .static_call.text, and, added by objtool after compilation, a
 * .static_call_sites entry { s32 addr; s32 key; } = 8 bytes per call.  The call is made from
 * inline asm here so that the entry can name its address, as objtool's does.
 */
struct static_call_key {
	void *func;
};
#define DEFINE_STATIC_CALL(name, _func)                                                                \
	extern int _func(int);                                                                         \
	struct static_call_key __SCK__##name = {.func = (void *)_func};                                \
	asm(".pushsection .static_call.text, \"ax\"\n"                                                 \
	    ".align 4\n"                                                                               \
	    ".globl __SCT__" #name "\n"                                                                \
	    "__SCT__" #name ":\n"                                                                      \
	    "\t.byte 0xe9\n"                                                                           \
	    "\t.long " #_func " - 4 - .\n"                                                             \
	    "\t.byte 0x0f, 0xb9, 0xcc\n"                                                               \
	    ".type __SCT__" #name ", @function\n"                                                      \
	    ".size __SCT__" #name ", . - __SCT__" #name "\n"                                           \
	    ".popsection\n")
#define DECLARE_STATIC_CALL(name) extern struct static_call_key __SCK__##name
/* static_call(name)(arg) for int name(int): the result in %eax */
#define static_call_int(name, arg)                                                                     \
	({                                                                                             \
		int __sc_ret;                                                                          \
		long __sc_arg = (arg);                                                                 \
		asm volatile("1:\tcall __SCT__" #name "\n"                                             \
			     ".pushsection .static_call_sites, \"aw\"\n"                               \
			     ".balign 4\n"                                                             \
			     ".long 1b - .\n"                                                          \
			     ".long __SCK__" #name " - .\n"                                            \
			     ".popsection"                                                             \
			     : "=a"(__sc_ret), "+D"(__sc_arg)                                          \
			     :                                                                         \
			     : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");         \
		__sc_ret;                                                                              \
	})

/* ------------------------------------------------------------------ alternatives (x86) */
/*
 * arch/x86/include/asm/alternative.h (6.3+): struct alt_instr { s32 instr_offset;
 * s32 repl_offset; u32 ft_flags; u8 instrlen; u8 replacementlen; } __packed = 14 bytes; the
 * replacement goes to .altinstr_replacement.
 */
#define X86_FEATURE_XMM2 (0 * 32 + 26)
#define X86_FEATURE_LFENCE_RDTSC (3 * 32 + 18)
#define X86_FEATURE_ERMS (9 * 32 + 9)
#define ALTERNATIVE(oldinstr, newinstr, ft_flags)                                                      \
	"661:\n\t" oldinstr "\n662:\n"                                                                 \
	".skip -(((6651f-6641f)-(662b-661b)) > 0) * ((6651f-6641f)-(662b-661b)),0x90\n"                \
	"663:\n"                                                                                       \
	".pushsection .altinstructions,\"a\"\n"                                                        \
	" .long 661b - .\n"                                                                            \
	" .long 6641f - .\n"                                                                           \
	" .4byte " __stringify(ft_flags) "\n"                                                          \
	" .byte 663b-661b\n"                                                                           \
	" .byte 6651f-6641f\n"                                                                         \
	".popsection\n"                                                                                \
	".pushsection .altinstr_replacement, \"ax\"\n"                                                 \
	"6641:\n\t" newinstr "\n6651:\n"                                                               \
	".popsection\n"
#define alternative(oldinstr, newinstr, ft_flags) asm volatile(ALTERNATIVE(oldinstr, newinstr, ft_flags) : : : "memory")

/* arch/x86/include/asm/alternative.h: LOCK_PREFIX records the lock byte in .smp_locks (4 bytes) */
#define LOCK_PREFIX                                                                                    \
	".pushsection .smp_locks,\"a\"\n"                                                              \
	".balign 4\n"                                                                                  \
	".long 671f - .\n"                                                                             \
	".popsection\n"                                                                                \
	"671:\n\tlock; "
static __always_inline void atomic_inc(int *v)
{
	asm volatile(LOCK_PREFIX "incl %0" : "+m"(*v));
}
#endif /* __x86_64__ */

/* ------------------------------------------------------------------ __ex_table and .fixup */
/*
 * get_user(x, ptr) for an int, imitating the kernels that still emitted .fixup code: a load
 * that may fault, a .fixup stub that sets -EFAULT and zero and branches back, and an
 * __ex_table entry { insn, fixup [, type/data] }.
 */
#if defined(__x86_64__)
/* 12 bytes: int insn, fixup, data (x86 kept .fixup until 5.16; data holds EX_TYPE_UACCESS) */
#define __get_user_asm(x, addr, err)                                                                   \
	asm volatile("1:\tmovl %2, %k1\n"                                                              \
		     "2:\n"                                                                            \
		     ".pushsection .fixup,\"ax\"\n"                                                    \
		     "3:\tmovl %3, %0\n"                                                               \
		     "\txorl %k1, %k1\n"                                                               \
		     "\tjmp 2b\n"                                                                      \
		     ".popsection\n"                                                                   \
		     ".pushsection __ex_table,\"a\"\n"                                                 \
		     "\t.balign 4\n"                                                                   \
		     "\t.long 1b - .\n"                                                                \
		     "\t.long 3b - .\n"                                                                \
		     "\t.long %c4\n"                                                                   \
		     ".popsection"                                                                     \
		     : "+r"(err), "=&r"(x)                                                             \
		     : "m"(*(addr)), "i"(-EFAULT), "i"(3))
#elif defined(__aarch64__)
/* 12 bytes: int insn, fixup; short type, data (arch/arm64/include/asm/extable.h, 5.16+) */
#define __get_user_asm(x, addr, err)                                                                   \
	asm volatile("1:\tldr %w1, [%2]\n"                                                             \
		     "2:\n"                                                                            \
		     ".pushsection .fixup,\"ax\"\n"                                                    \
		     ".align 2\n"                                                                      \
		     "3:\tmov %w0, %3\n"                                                               \
		     "\tmov %w1, #0\n"                                                                 \
		     "\tb 2b\n"                                                                        \
		     ".popsection\n"                                                                   \
		     ".pushsection __ex_table,\"a\"\n"                                                 \
		     ".align 2\n"                                                                      \
		     ".long 1b - ., 3b - .\n"                                                          \
		     ".short %4, 0\n"                                                                  \
		     ".popsection"                                                                     \
		     : "+r"(err), "=&r"(x)                                                             \
		     : "r"(addr), "i"(-EFAULT), "i"(1))
#elif defined(__powerpc64__)
/* 8 bytes: int insn, fixup (arch/powerpc/include/asm/extable.h) */
#define __get_user_asm(x, addr, err)                                                                   \
	asm volatile("1:\tlwz %1, 0(%2)\n"                                                             \
		     "2:\n"                                                                            \
		     ".pushsection .fixup,\"ax\"\n"                                                    \
		     "3:\tli %0, %3\n"                                                                 \
		     "\tli %1, 0\n"                                                                    \
		     "\tb 2b\n"                                                                        \
		     ".popsection\n"                                                                   \
		     ".pushsection __ex_table,\"a\"\n"                                                 \
		     ".balign 4\n"                                                                     \
		     ".long 1b - ., 3b - .\n"                                                          \
		     ".popsection"                                                                     \
		     : "+r"(err), "=&r"(x)                                                             \
		     : "b"(addr), "i"(-EFAULT))
#elif defined(__s390x__)
/* 12 bytes: int insn, fixup; short type, data (arch/s390/include/asm/extable.h) */
#define __get_user_asm(x, addr, err)                                                                   \
	asm volatile("0:\tl %1, 0(%2)\n"                                                               \
		     "1:\n"                                                                            \
		     ".pushsection .fixup,\"ax\"\n"                                                    \
		     "2:\tlhi %0, %3\n"                                                                \
		     "\tlhi %1, 0\n"                                                                   \
		     "\tjg 1b\n"                                                                       \
		     ".popsection\n"                                                                   \
		     ".pushsection __ex_table,\"a\"\n"                                                 \
		     ".balign 4\n"                                                                     \
		     ".long 0b - ., 2b - .\n"                                                          \
		     ".short %4, 0\n"                                                                  \
		     ".popsection"                                                                     \
		     : "+d"(err), "=&d"(x)                                                             \
		     : "a"(addr), "K"(-EFAULT), "i"(1))
#else
/* 12 bytes: int insn, fixup; short type, data (arch/loongarch/include/asm/extable.h) */
#define __get_user_asm(x, addr, err)                                                                   \
	asm volatile("1:\tld.w %1, %2, 0\n"                                                            \
		     "2:\n"                                                                            \
		     ".pushsection .fixup,\"ax\"\n"                                                    \
		     "3:\taddi.w %0, $zero, %3\n"                                                      \
		     "\tor %1, $zero, $zero\n"                                                         \
		     "\tb 2b\n"                                                                        \
		     ".popsection\n"                                                                   \
		     ".pushsection __ex_table,\"a\"\n"                                                 \
		     ".balign 4\n"                                                                     \
		     ".long 1b - ., 3b - .\n"                                                          \
		     ".short %4, 0\n"                                                                  \
		     ".popsection"                                                                     \
		     : "+r"(err), "=&r"(x)                                                             \
		     : "r"(addr), "i"(-EFAULT), "i"(1))
#endif

#define get_user(x, ptr)                                                                               \
	({                                                                                             \
		int __gu_err = 0;                                                                      \
		int __gu_val;                                                                          \
		__get_user_asm(__gu_val, (ptr), __gu_err);                                             \
		(x) = __gu_val;                                                                        \
		__gu_err;                                                                              \
	})

/* ------------------------------------------------------------------ EXPORT_SYMBOL */
/*
 * include/linux/export.h as in 5.4-6.4: the name in __ksymtab_strings (__kstrtab_sym and the
 * namespace __kstrtabns_sym), an entry in the section ___ksymtab+sym (or ___ksymtab_gpl+sym),
 * and __ADDRESSABLE(sym) in .discard.addressable.  With HAVE_ARCH_PREL32_RELOCATIONS (x86-64,
 * arm64, powerpc) struct kernel_symbol is { int value_offset, name_offset, namespace_offset }
 * = 12 bytes, written by asm; otherwise (s390, loongarch) it is a C object of three pointers
 * = 24 bytes.
 */
struct kernel_symbol {
	unsigned long value;
	const char *name;
	const char *namespace;
};

#define ___ADDRESSABLE(sym, __attrs) static void *__used __attrs __UNIQUE_ID(__PASTE(__addressable_, sym)) = (void *)&sym;
#define __ADDRESSABLE(sym) ___ADDRESSABLE(sym, __section(".discard.addressable"))

#if defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__)
#define __KSYMTAB_ENTRY(sym, sec)                                                                      \
	__ADDRESSABLE(sym)                                                                             \
	asm("\t.section \"___ksymtab" sec "+" #sym "\", \"a\"\n"                                      \
	    "\t.balign 4\n"                                                                            \
	    "__ksymtab_" #sym ":\n"                                                                    \
	    "\t.long " #sym " - .\n"                                                                   \
	    "\t.long __kstrtab_" #sym " - .\n"                                                         \
	    "\t.long __kstrtabns_" #sym " - .\n"                                                       \
	    "\t.previous\n");
#else
#define __KSYMTAB_ENTRY(sym, sec)                                                                      \
	static const struct kernel_symbol __ksymtab_##sym __used __section("___ksymtab" sec "+" #sym)    \
		__aligned(sizeof(void *)) = {(unsigned long)&sym, __kstrtab_##sym, __kstrtabns_##sym};
#endif

#define ___EXPORT_SYMBOL(sym, sec, ns)                                                                 \
	extern typeof(sym) sym;                                                                        \
	extern const char __kstrtab_##sym[];                                                           \
	extern const char __kstrtabns_##sym[];                                                         \
	asm("\t.section \"__ksymtab_strings\",\"aMS\",%progbits,1\n"                                  \
	    "__kstrtab_" #sym ":\n"                                                                    \
	    "\t.asciz \"" #sym "\"\n"                                                                  \
	    "__kstrtabns_" #sym ":\n"                                                                  \
	    "\t.asciz \"" ns "\"\n"                                                                    \
	    "\t.previous\n");                                                                          \
	__KSYMTAB_ENTRY(sym, sec)

#define EXPORT_SYMBOL(sym) ___EXPORT_SYMBOL(sym, "", "")
#define EXPORT_SYMBOL_GPL(sym) ___EXPORT_SYMBOL(sym, "_gpl", "")

/* ------------------------------------------------------------------ .modinfo and .discard.* */
/* include/linux/moduleparam.h, include/linux/module.h */
#define __MODULE_INFO(tag, name, info)                                                                 \
	static const char __UNIQUE_ID(name)[] __used __section(".modinfo") __aligned(1) = #tag "=" info
#define MODULE_INFO(tag, info) __MODULE_INFO(tag, tag, info)
#define MODULE_LICENSE(_license) MODULE_INFO(license, _license)
#define MODULE_AUTHOR(_author) MODULE_INFO(author, _author)
#define MODULE_DESCRIPTION(_description) MODULE_INFO(description, _description)
#define MODULE_VERSION(_version) MODULE_INFO(version, _version)

/*
 * include/linux/objtool.h: STACK_FRAME_NON_STANDARD(func) tells objtool to skip func with a
 * pointer to it in .discard.func_stack_frame_non_standard (8 bytes); the linker discards it.
 */
#define STACK_FRAME_NON_STANDARD(func)                                                                 \
	static void __used __section(".discard.func_stack_frame_non_standard")                          \
		*__func_stack_frame_non_standard_##func = (void *)func

#endif /* ELFDELTA_KERNEL_H */
