import type { ArchLayouts } from "./layouts.js";

/** s390x entry sizes; sources as in x86_64.ts unless noted. */
export const S390X: ArchLayouts = {
  // arch/s390/include/asm/bug.h (before the 2025 format strings): rel addr, rel file, u16 line, u16
  // flags; the section is declared "awM",@progbits,12.
  __bug_table: { size: 12 },
  // arch/s390/include/asm/jump_label.h: rel code, rel target, 64-bit rel key.
  __jump_table: { size: 16 },
  // arch/s390/include/asm/extable.h: int insn, fixup; short type, data.
  __ex_table: { size: 12 },
  // gcc -mrecord-mcount: absolute 64-bit addresses.
  __mcount_loc: { size: 8 },
  // No HAVE_ARCH_PREL32_RELOCATIONS: a pointer.
  __tracepoints_ptrs: { size: 8 },
  // include/linux/export.h without PREL32: struct kernel_symbol of three pointers.
  ___ksymtab: { size: 24 },
  ___ksymtab_gpl: { size: 24 },
  __ksymtab: { size: 24 },
  __ksymtab_gpl: { size: 24 },
  ".discard.addressable": { size: 8 },
  ".discard.func_stack_frame_non_standard": { size: 8 },
  ".printk_index": { size: 8 },
};
