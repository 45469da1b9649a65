import type { ArchLayouts } from "./layouts.js";

/** LoongArch64 entry sizes; sources as in x86_64.ts unless noted. */
export const LOONGARCH64: ArchLayouts = {
  // arch/loongarch/include/asm/bug.h: rel addr, rel file, u16 line, u16 flags.
  __bug_table: { size: 12 },
  // arch/loongarch/include/asm/jump_label.h (JUMP_TABLE_ENTRY): rel code, rel target, 64-bit rel key.
  __jump_table: { size: 16 },
  // arch/loongarch/include/asm/extable.h: int insn, fixup; short type, data.
  __ex_table: { size: 12 },
  // -fpatchable-function-entry=2: absolute 64-bit addresses.
  __patchable_function_entries: { size: 8 },
  __mcount_loc: { size: 8 },
  // loongarch's Kconfig does not select HAVE_ARCH_PREL32_RELOCATIONS: pointers.
  __tracepoints_ptrs: { size: 8 },
  ___ksymtab: { size: 24 },
  ___ksymtab_gpl: { size: 24 },
  __ksymtab: { size: 24 },
  __ksymtab_gpl: { size: 24 },
  ".discard.addressable": { size: 8 },
  ".discard.func_stack_frame_non_standard": { size: 8 },
  ".printk_index": { size: 8 },
};
