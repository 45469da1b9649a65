import { type ArchTable, table } from "./types.js";

/**
 * EM_X86_64 (62), SHT_RELA. Numbers and names from the x86-64 psABI and LLVM's ELFRelocs/x86_64.def.
 *
 * 38 (x32's RELATIVE64) and the APX relocations from 43 on are newer than llvm-readobj 19, which prints
 * them as "Unknown"; we still name them so objects from newer assemblers are not refused.
 */
export const x86_64: ArchTable = table(62, "x86_64", true, [
  [0, "R_X86_64_NONE", 0, false],
  [1, "R_X86_64_64", 8, false],
  [2, "R_X86_64_PC32", 4, true],
  [3, "R_X86_64_GOT32", 4, false],
  [4, "R_X86_64_PLT32", 4, true],
  [5, "R_X86_64_COPY", 0, false],
  [6, "R_X86_64_GLOB_DAT", 8, false],
  [7, "R_X86_64_JUMP_SLOT", 8, false],
  [8, "R_X86_64_RELATIVE", 8, false],
  [9, "R_X86_64_GOTPCREL", 4, true],
  [10, "R_X86_64_32", 4, false],
  [11, "R_X86_64_32S", 4, false],
  [12, "R_X86_64_16", 2, false],
  [13, "R_X86_64_PC16", 2, true],
  [14, "R_X86_64_8", 1, false],
  [15, "R_X86_64_PC8", 1, true],
  [16, "R_X86_64_DTPMOD64", 8, false],
  [17, "R_X86_64_DTPOFF64", 8, false],
  [18, "R_X86_64_TPOFF64", 8, false],
  [19, "R_X86_64_TLSGD", 4, true],
  [20, "R_X86_64_TLSLD", 4, true],
  [21, "R_X86_64_DTPOFF32", 4, false],
  [22, "R_X86_64_GOTTPOFF", 4, true],
  [23, "R_X86_64_TPOFF32", 4, false],
  [24, "R_X86_64_PC64", 8, true],
  [25, "R_X86_64_GOTOFF64", 8, false],
  [26, "R_X86_64_GOTPC32", 4, true],
  [27, "R_X86_64_GOT64", 8, false],
  [28, "R_X86_64_GOTPCREL64", 8, true],
  [29, "R_X86_64_GOTPC64", 8, true],
  [30, "R_X86_64_GOTPLT64", 8, false],
  [31, "R_X86_64_PLTOFF64", 8, false],
  [32, "R_X86_64_SIZE32", 4, false],
  [33, "R_X86_64_SIZE64", 8, false],
  [34, "R_X86_64_GOTPC32_TLSDESC", 4, true],
  // Marks the `call *(%rax)` of a TLS descriptor sequence for relaxation; it has no field of its own.
  [35, "R_X86_64_TLSDESC_CALL", 0, false],
  // Dynamic: the descriptor is two words (resolver, argument).
  [36, "R_X86_64_TLSDESC", 16, false],
  [37, "R_X86_64_IRELATIVE", 8, false],
  [38, "R_X86_64_RELATIVE64", 8, false],
  [41, "R_X86_64_GOTPCRELX", 4, true],
  [42, "R_X86_64_REX_GOTPCRELX", 4, true],
  [43, "R_X86_64_CODE_4_GOTPCRELX", 4, true],
  [44, "R_X86_64_CODE_4_GOTTPOFF", 4, true],
  [45, "R_X86_64_CODE_4_GOTPC32_TLSDESC", 4, true],
  [46, "R_X86_64_CODE_5_GOTPCRELX", 4, true],
  [47, "R_X86_64_CODE_5_GOTTPOFF", 4, true],
  [48, "R_X86_64_CODE_5_GOTPC32_TLSDESC", 4, true],
  [49, "R_X86_64_CODE_6_GOTPCRELX", 4, true],
  [50, "R_X86_64_CODE_6_GOTTPOFF", 4, true],
  [51, "R_X86_64_CODE_6_GOTPC32_TLSDESC", 4, true],
]);
