import { type ArchTable, FIELD, table } from "./types.js";

/**
 * EM_386 (3), SHT_REL: every field is a plain little-endian word holding its addend, so the default
 * encoding (a signed word of the field's width) is exact. Names from the i386 psABI and LLVM's i386.def;
 * R_386_SIZE32 (38) is in the psABI but not in LLVM 19, whose llvm-readobj prints it as "Unknown".
 */
export const i386: ArchTable = table(3, "i386", false, [
  [0, "R_386_NONE", 0, false],
  [1, "R_386_32", 4, false],
  [2, "R_386_PC32", 4, true],
  [3, "R_386_GOT32", 4, false],
  [4, "R_386_PLT32", 4, true],
  [5, "R_386_COPY", 0, false],
  [6, "R_386_GLOB_DAT", 4, false],
  [7, "R_386_JUMP_SLOT", 4, false],
  [8, "R_386_RELATIVE", 4, false],
  [9, "R_386_GOTOFF", 4, false],
  [10, "R_386_GOTPC", 4, true],
  [11, "R_386_32PLT", 4, false],
  [14, "R_386_TLS_TPOFF", 4, false],
  [15, "R_386_TLS_IE", 4, false],
  [16, "R_386_TLS_GOTIE", 4, false],
  [17, "R_386_TLS_LE", 4, false],
  [18, "R_386_TLS_GD", 4, false],
  [19, "R_386_TLS_LDM", 4, false],
  [20, "R_386_16", 2, false],
  [21, "R_386_PC16", 2, true],
  [22, "R_386_8", 1, false],
  [23, "R_386_PC8", 1, true],
  // 24-34: Sun's TLS sequences; the *_CALL ones sit on a `call` and are branch displacements.
  [24, "R_386_TLS_GD_32", 4, false],
  [25, "R_386_TLS_GD_PUSH", 4, false],
  [26, "R_386_TLS_GD_CALL", 4, true],
  [27, "R_386_TLS_GD_POP", 4, false],
  [28, "R_386_TLS_LDM_32", 4, false],
  [29, "R_386_TLS_LDM_PUSH", 4, false],
  [30, "R_386_TLS_LDM_CALL", 4, true],
  [31, "R_386_TLS_LDM_POP", 4, false],
  [32, "R_386_TLS_LDO_32", 4, false],
  [33, "R_386_TLS_IE_32", 4, false],
  [34, "R_386_TLS_LE_32", 4, false],
  [35, "R_386_TLS_DTPMOD32", 4, false],
  [36, "R_386_TLS_DTPOFF32", 4, false],
  [37, "R_386_TLS_TPOFF32", 4, false],
  [38, "R_386_SIZE32", 4, false],
  [39, "R_386_TLS_GOTDESC", 4, false],
  // Marks the `call *(%eax)` of a TLS descriptor sequence; no field.
  [40, "R_386_TLS_DESC_CALL", 0, false],
  // Dynamic: a two-word descriptor whose addend glibc keeps in the second word.
  [41, "R_386_TLS_DESC", 8, false, FIELD],
  [42, "R_386_IRELATIVE", 4, false],
  [43, "R_386_GOT32X", 4, false],
]);
