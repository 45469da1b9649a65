import type { ArchLayouts } from "./layouts.js";

/**
 * x86-64 entry sizes (64-bit kernels, `HAVE_ARCH_PREL32_RELOCATIONS`, relative jump labels). Sources are
 * the kernel headers named; check them against the kernel you patch and use `--special-section-size` when
 * they differ.
 */
export const X86_64: ArchLayouts = {
  // include/asm-generic/bug.h: GENERIC_BUG_RELATIVE_POINTERS + DEBUG_BUGVERBOSE: rel addr, rel file,
  // u16 line, u16 flags (kernels with HAVE_ARCH_BUG_FORMAT add a rel format field: 16).
  __bug_table: { size: 12 },
  // include/linux/jump_label.h (HAVE_ARCH_JUMP_LABEL_RELATIVE): rel code, rel target, 64-bit rel key.
  __jump_table: { size: 16 },
  // arch/x86/include/asm/extable.h: int insn, fixup, data.
  __ex_table: { size: 12 },
  // arch/x86/include/asm/alternative.h (6.3+): rel instr, rel repl, u32 ft_flags, u8 instrlen,
  // u8 replacementlen, packed (earlier kernels: 12 or 13 bytes with a u16 cpuid).
  ".altinstructions": { size: 14, poolLength: { field: 4, byteAt: 13 } },
  // arch/x86/include/asm/paravirt_types.h (until ~6.8): struct paravirt_patch_site, 16 bytes.
  ".parainstructions": { size: 16 },
  // arch/x86/include/asm/alternative.h (LOCK_PREFIX_HERE): rel address of the lock prefix.
  ".smp_locks": { size: 4 },
  // include/linux/static_call_types.h: struct static_call_site { s32 addr; s32 key; } (objtool).
  ".static_call_sites": { size: 8 },
  // include/linux/static_call_types.h (STATIC_CALL_TRAMP_KEY): rel tramp, rel key.
  ".static_call_tramp_key": { size: 8 },
  // gcc -mrecord-mcount / objtool --mcount: absolute 64-bit addresses.
  __mcount_loc: { size: 8 },
  __patchable_function_entries: { size: 8 },
  // arch/x86/include/asm/orc_types.h: rel ip (4), paired by index with struct orc_entry (6).
  ".orc_unwind_ip": { size: 4 },
  // include/linux/tracepoint.h (PREL32): rel pointer to the tracepoint.
  __tracepoints_ptrs: { size: 4 },
  // objtool: rel addresses.
  ".retpoline_sites": { size: 4 },
  ".return_sites": { size: 4 },
  ".call_sites": { size: 4 },
  ".ibt_endbr_seal": { size: 4 },
  // include/linux/export.h 5.4-6.4 (PREL32): rel value, rel name, rel namespace.
  ___ksymtab: { size: 12 },
  ___ksymtab_gpl: { size: 12 },
  __ksymtab: { size: 12 },
  __ksymtab_gpl: { size: 12 },
  // include/linux/compiler.h (__ADDRESSABLE), include/linux/objtool.h (STACK_FRAME_NON_STANDARD): pointers.
  ".discard.addressable": { size: 8 },
  ".discard.func_stack_frame_non_standard": { size: 8 },
  // kernel/printk/index.c: pointers to struct pi_entry.
  ".printk_index": { size: 8 },
};

/** The `.altinstructions` u8 replacementlen for a given entry size (12 and 14: last byte; 13: before padlen). */
export function altReplacementLength(size: number): { field: number; byteAt: number } {
  return { field: 4, byteAt: size === 13 ? 11 : size - 1 };
}
