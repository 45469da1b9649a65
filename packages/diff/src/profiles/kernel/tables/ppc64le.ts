import type { ArchLayouts } from "./layouts.js";

/** 64-bit PowerPC (ELFv2, little-endian) entry sizes; sources as in x86_64.ts unless noted. */
export const PPC64LE: ArchLayouts = {
  // arch/powerpc/include/asm/bug.h with GENERIC_BUG_RELATIVE_POINTERS: rel addr, rel file, u16 line, flags.
  __bug_table: { size: 12 },
  // arch/powerpc/include/asm/jump_label.h: rel code, rel target, 64-bit rel key.
  __jump_table: { size: 16 },
  // arch/powerpc/include/asm/extable.h: int insn, fixup.
  __ex_table: { size: 8 },
  // recordmcount (the object has none before it runs), and -fpatchable-function-entry kernels (6.6+).
  __mcount_loc: { size: 8 },
  __patchable_function_entries: { size: 8 },
  __tracepoints_ptrs: { size: 4 },
  // powerpc selects HAVE_ARCH_PREL32_RELOCATIONS.
  ___ksymtab: { size: 12 },
  ___ksymtab_gpl: { size: 12 },
  __ksymtab: { size: 12 },
  __ksymtab_gpl: { size: 12 },
  ".discard.addressable": { size: 8 },
  ".discard.func_stack_frame_non_standard": { size: 8 },
  ".printk_index": { size: 8 },
};
