import type { ArchLayouts } from "./layouts.js";

/** AArch64 entry sizes; sources as in x86_64.ts unless noted. */
export const AARCH64: ArchLayouts = {
  // arch/arm64/include/asm/asm-bug.h: rel addr, rel file, u16 line, u16 flags.
  __bug_table: { size: 12 },
  // arch/arm64/include/asm/jump_label.h: rel code, rel target, 64-bit rel key.
  __jump_table: { size: 16 },
  // arch/arm64/include/asm/extable.h (5.16+): int insn, fixup; short type, data.
  __ex_table: { size: 12 },
  // -fpatchable-function-entry=2: absolute 64-bit addresses; __mcount_loc in -pg kernels before 4.x.
  __patchable_function_entries: { size: 8 },
  __mcount_loc: { size: 8 },
  __tracepoints_ptrs: { size: 4 },
  // arm64 selects HAVE_ARCH_PREL32_RELOCATIONS.
  ___ksymtab: { size: 12 },
  ___ksymtab_gpl: { size: 12 },
  __ksymtab: { size: 12 },
  __ksymtab_gpl: { size: 12 },
  ".discard.addressable": { size: 8 },
  ".discard.func_stack_frame_non_standard": { size: 8 },
  ".printk_index": { size: 8 },
};
