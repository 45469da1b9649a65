import { type AddendEncoding, type ArchTable, FIELD, table } from "./types.js";

// Every 16-bit immediate reports its own field, sign-extended, HI16s included (see `implicitAddend`).
const IMM16: AddendEncoding = { kind: "mips-lo16" };

function insnField(bits: number, shift: number): AddendEncoding {
  return { kind: "insn-field", bits, shift, signed: true };
}

/**
 * EM_MIPS (8). MIPS32 (o32) objects use SHT_REL with the addend in the instruction; n64 objects use
 * SHT_RELA and pack up to three types into one r_info (the reader unpacks them), and n32 uses RELA too.
 * Numbers and names from the MIPS psABI, binutils' elf/mips.h and LLVM's ELFRelocs/Mips.def.
 */
export const mips: ArchTable = table(8, "mips", false, [
  [0, "R_MIPS_NONE", 0, false],
  [1, "R_MIPS_16", 2, false],
  [2, "R_MIPS_32", 4, false],
  // Dynamic; 64-bit objects combine it with R_MIPS_64 for a doubleword.
  [3, "R_MIPS_REL32", 4, false],
  [4, "R_MIPS_26", 4, false, { kind: "mips-26" }],
  // HI16 and GOT16 (against a local symbol) hold the high half of an addend the next LO16 with the same
  // symbol completes: AHL = (AHI << 16) + (short) ALO.
  [5, "R_MIPS_HI16", 4, false, IMM16],
  [6, "R_MIPS_LO16", 4, false, IMM16],
  [7, "R_MIPS_GPREL16", 4, false, IMM16],
  [8, "R_MIPS_LITERAL", 4, false, IMM16],
  [9, "R_MIPS_GOT16", 4, false, IMM16],
  [10, "R_MIPS_PC16", 4, true, insnField(16, 2)],
  [11, "R_MIPS_CALL16", 4, false, IMM16],
  [12, "R_MIPS_GPREL32", 4, false],
  [13, "R_MIPS_UNUSED1", 0, false],
  [14, "R_MIPS_UNUSED2", 0, false],
  [15, "R_MIPS_UNUSED3", 0, false],
  [16, "R_MIPS_SHIFT5", 4, false, FIELD],
  [17, "R_MIPS_SHIFT6", 4, false, FIELD],
  [18, "R_MIPS_64", 8, false],
  [19, "R_MIPS_GOT_DISP", 4, false, IMM16],
  [20, "R_MIPS_GOT_PAGE", 4, false, IMM16],
  [21, "R_MIPS_GOT_OFST", 4, false, IMM16],
  [22, "R_MIPS_GOT_HI16", 4, false, IMM16],
  [23, "R_MIPS_GOT_LO16", 4, false, IMM16],
  // A 64-bit subtraction, only ever a member of an n64 composite relocation.
  [24, "R_MIPS_SUB", 8, false],
  [25, "R_MIPS_INSERT_A", 4, false, FIELD],
  [26, "R_MIPS_INSERT_B", 4, false, FIELD],
  [27, "R_MIPS_DELETE", 0, false],
  [28, "R_MIPS_HIGHER", 4, false, IMM16],
  [29, "R_MIPS_HIGHEST", 4, false, IMM16],
  [30, "R_MIPS_CALL_HI16", 4, false, IMM16],
  [31, "R_MIPS_CALL_LO16", 4, false, IMM16],
  [32, "R_MIPS_SCN_DISP", 4, false],
  [33, "R_MIPS_REL16", 2, false],
  [34, "R_MIPS_ADD_IMMEDIATE", 4, false, FIELD],
  [35, "R_MIPS_PJUMP", 4, false, FIELD],
  [36, "R_MIPS_RELGOT", 4, false],
  // A hint on a JALR that the linker may turn into a BAL; there is no field.
  [37, "R_MIPS_JALR", 0, false],
  [38, "R_MIPS_TLS_DTPMOD32", 4, false],
  [39, "R_MIPS_TLS_DTPREL32", 4, false],
  [40, "R_MIPS_TLS_DTPMOD64", 8, false],
  [41, "R_MIPS_TLS_DTPREL64", 8, false],
  [42, "R_MIPS_TLS_GD", 4, false, IMM16],
  [43, "R_MIPS_TLS_LDM", 4, false, IMM16],
  // The TLS HI16s are not paired with a LO16.
  [44, "R_MIPS_TLS_DTPREL_HI16", 4, false, IMM16],
  [45, "R_MIPS_TLS_DTPREL_LO16", 4, false, IMM16],
  [46, "R_MIPS_TLS_GOTTPREL", 4, false, IMM16],
  [47, "R_MIPS_TLS_TPREL32", 4, false],
  [48, "R_MIPS_TLS_TPREL64", 8, false],
  [49, "R_MIPS_TLS_TPREL_HI16", 4, false, IMM16],
  [50, "R_MIPS_TLS_TPREL_LO16", 4, false, IMM16],
  [51, "R_MIPS_GLOB_DAT", 4, false],
  // MIPS32r6/MIPS64r6 PC-relative instructions.
  [60, "R_MIPS_PC21_S2", 4, true, insnField(21, 2)],
  [61, "R_MIPS_PC26_S2", 4, true, insnField(26, 2)],
  [62, "R_MIPS_PC18_S3", 4, true, insnField(18, 3)],
  [63, "R_MIPS_PC19_S2", 4, true, insnField(19, 2)],
  [64, "R_MIPS_PCHI16", 4, true, IMM16],
  [65, "R_MIPS_PCLO16", 4, true, IMM16],
  // MIPS16e: extended instructions scatter their immediates over two halfwords; not decoded.
  [100, "R_MIPS16_26", 4, false, FIELD],
  [101, "R_MIPS16_GPREL", 4, false, FIELD],
  [102, "R_MIPS16_GOT16", 4, false, FIELD],
  [103, "R_MIPS16_CALL16", 4, false, FIELD],
  [104, "R_MIPS16_HI16", 4, false, FIELD],
  [105, "R_MIPS16_LO16", 4, false, FIELD],
  [106, "R_MIPS16_TLS_GD", 4, false, FIELD],
  [107, "R_MIPS16_TLS_LDM", 4, false, FIELD],
  [108, "R_MIPS16_TLS_DTPREL_HI16", 4, false, FIELD],
  [109, "R_MIPS16_TLS_DTPREL_LO16", 4, false, FIELD],
  [110, "R_MIPS16_TLS_GOTTPREL", 4, false, FIELD],
  [111, "R_MIPS16_TLS_TPREL_HI16", 4, false, FIELD],
  [112, "R_MIPS16_TLS_TPREL_LO16", 4, false, FIELD],
  // 113 is binutils' and not in LLVM 19 (llvm-readobj prints "Unknown").
  [113, "R_MIPS16_PC16_S1", 4, true, FIELD],
  [126, "R_MIPS_COPY", 0, false],
  [127, "R_MIPS_JUMP_SLOT", 4, false],
  // microMIPS: 32-bit instructions are two halfwords, high one first, so a little-endian object does not
  // store them as a little-endian word; not decoded.
  [133, "R_MICROMIPS_26_S1", 4, false, FIELD],
  [134, "R_MICROMIPS_HI16", 4, false, FIELD],
  [135, "R_MICROMIPS_LO16", 4, false, FIELD],
  [136, "R_MICROMIPS_GPREL16", 4, false, FIELD],
  [137, "R_MICROMIPS_LITERAL", 4, false, FIELD],
  [138, "R_MICROMIPS_GOT16", 4, false, FIELD],
  [139, "R_MICROMIPS_PC7_S1", 2, true, FIELD],
  [140, "R_MICROMIPS_PC10_S1", 2, true, FIELD],
  [141, "R_MICROMIPS_PC16_S1", 4, true, FIELD],
  [142, "R_MICROMIPS_CALL16", 4, false, FIELD],
  [145, "R_MICROMIPS_GOT_DISP", 4, false, FIELD],
  [146, "R_MICROMIPS_GOT_PAGE", 4, false, FIELD],
  [147, "R_MICROMIPS_GOT_OFST", 4, false, FIELD],
  [148, "R_MICROMIPS_GOT_HI16", 4, false, FIELD],
  [149, "R_MICROMIPS_GOT_LO16", 4, false, FIELD],
  [150, "R_MICROMIPS_SUB", 8, false],
  [151, "R_MICROMIPS_HIGHER", 4, false, FIELD],
  [152, "R_MICROMIPS_HIGHEST", 4, false, FIELD],
  [153, "R_MICROMIPS_CALL_HI16", 4, false, FIELD],
  [154, "R_MICROMIPS_CALL_LO16", 4, false, FIELD],
  [155, "R_MICROMIPS_SCN_DISP", 4, false],
  [156, "R_MICROMIPS_JALR", 0, false],
  [157, "R_MICROMIPS_HI0_LO16", 4, false, FIELD],
  [162, "R_MICROMIPS_TLS_GD", 4, false, FIELD],
  [163, "R_MICROMIPS_TLS_LDM", 4, false, FIELD],
  [164, "R_MICROMIPS_TLS_DTPREL_HI16", 4, false, FIELD],
  [165, "R_MICROMIPS_TLS_DTPREL_LO16", 4, false, FIELD],
  [166, "R_MICROMIPS_TLS_GOTTPREL", 4, false, FIELD],
  [169, "R_MICROMIPS_TLS_TPREL_HI16", 4, false, FIELD],
  [170, "R_MICROMIPS_TLS_TPREL_LO16", 4, false, FIELD],
  [172, "R_MICROMIPS_GPREL7_S2", 2, false, FIELD],
  [173, "R_MICROMIPS_PC23_S2", 4, true, FIELD],
  [174, "R_MICROMIPS_PC21_S1", 4, true, FIELD],
  [175, "R_MICROMIPS_PC26_S1", 4, true, FIELD],
  [176, "R_MICROMIPS_PC18_S3", 4, true, FIELD],
  [177, "R_MICROMIPS_PC19_S2", 4, true, FIELD],
  // LLVM names 218 R_MIPS_NUM (a count, not a relocation); kept so names match llvm-readobj.
  [218, "R_MIPS_NUM", 0, false],
  [248, "R_MIPS_PC32", 4, true],
  [249, "R_MIPS_EH", 4, false],
  // 250, 253 and 254 are binutils' GNU extensions, not in LLVM 19.
  [250, "R_MIPS_GNU_REL16_S2", 4, true, insnField(16, 2)],
  [253, "R_MIPS_GNU_VTINHERIT", 0, false],
  [254, "R_MIPS_GNU_VTENTRY", 0, false],
]);
