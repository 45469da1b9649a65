import { type AddendEncoding, type ArchTable, FIELD, table } from "./types.js";

const ARM_BRANCH24: AddendEncoding = { kind: "arm-branch24" };
const ARM_MOVW: AddendEncoding = { kind: "arm-movw" };
const ARM_LDR12: AddendEncoding = { kind: "arm-ldr12" };
const ARM_LDRS: AddendEncoding = { kind: "arm-ldrs" };
const ARM_LDC: AddendEncoding = { kind: "arm-ldc" };
const ARM_ALU_PC: AddendEncoding = { kind: "arm-alu-pc" };
const PREL31: AddendEncoding = { kind: "prel31" };
const THUMB_CALL: AddendEncoding = { kind: "thumb-call" };
const THUMB_JUMP19: AddendEncoding = { kind: "thumb-jump19" };
const THUMB_MOVW: AddendEncoding = { kind: "thumb-movw" };
const THUMB_JUMP11: AddendEncoding = { kind: "thumb-jump11" };
const THUMB_JUMP8: AddendEncoding = { kind: "thumb-jump8" };
const THUMB_ALU_PREL: AddendEncoding = { kind: "thumb-alu-prel" };
const THUMB_PC12: AddendEncoding = { kind: "thumb-pc12" };

/**
 * EM_ARM (40), SHT_REL: the addend lives in the relocated bytes, so every row says how to decode it.
 * Numbers and names from the ARM ELF ABI (AAELF32) and LLVM's ELFRelocs/ARM.def. Rows without an explicit
 * encoding are plain signed words of their width (ABS32, REL32, GOT_BREL, TLS_IE32, ...).
 *
 * GNU objdump prints some of these under older names (R_ARM_GOTPC for BASE_PREL, R_ARM_GOT32 for GOT_BREL);
 * the names here are llvm-readobj's and readelf's.
 */
export const arm: ArchTable = table(40, "arm", false, [
  [0, "R_ARM_NONE", 0, false],
  [1, "R_ARM_PC24", 4, true, ARM_BRANCH24],
  [2, "R_ARM_ABS32", 4, false],
  [3, "R_ARM_REL32", 4, true],
  [4, "R_ARM_LDR_PC_G0", 4, true, ARM_LDR12],
  [5, "R_ARM_ABS16", 2, false],
  [6, "R_ARM_ABS12", 4, false, ARM_LDR12],
  // Thumb-1 LDR/STR imm5 and LDR (literal) imm8: unsigned scaled fields that cannot hold the -4 PC bias,
  // so their REL addends are not meaningful enough to decode.
  [7, "R_ARM_THM_ABS5", 2, false, FIELD],
  [8, "R_ARM_ABS8", 1, false],
  [9, "R_ARM_SBREL32", 4, false],
  [10, "R_ARM_THM_CALL", 4, true, THUMB_CALL],
  [11, "R_ARM_THM_PC8", 2, true, FIELD],
  [12, "R_ARM_BREL_ADJ", 4, false],
  // Dynamic: a two-word descriptor.
  [13, "R_ARM_TLS_DESC", 8, false, FIELD],
  [14, "R_ARM_THM_SWI8", 2, false, FIELD],
  [15, "R_ARM_XPC25", 4, true, ARM_BRANCH24],
  [16, "R_ARM_THM_XPC22", 4, true, THUMB_CALL],
  [17, "R_ARM_TLS_DTPMOD32", 4, false],
  [18, "R_ARM_TLS_DTPOFF32", 4, false],
  [19, "R_ARM_TLS_TPOFF32", 4, false],
  [20, "R_ARM_COPY", 0, false],
  [21, "R_ARM_GLOB_DAT", 4, false],
  [22, "R_ARM_JUMP_SLOT", 4, false],
  [23, "R_ARM_RELATIVE", 4, false],
  [24, "R_ARM_GOTOFF32", 4, false],
  [25, "R_ARM_BASE_PREL", 4, true],
  [26, "R_ARM_GOT_BREL", 4, false],
  [27, "R_ARM_PLT32", 4, true, ARM_BRANCH24],
  [28, "R_ARM_CALL", 4, true, ARM_BRANCH24],
  [29, "R_ARM_JUMP24", 4, true, ARM_BRANCH24],
  [30, "R_ARM_THM_JUMP24", 4, true, THUMB_CALL],
  [31, "R_ARM_BASE_ABS", 4, false],
  // 32-38: obsolete ARM/SB-relative sequences.
  [32, "R_ARM_ALU_PCREL_7_0", 4, true, FIELD],
  [33, "R_ARM_ALU_PCREL_15_8", 4, true, FIELD],
  [34, "R_ARM_ALU_PCREL_23_15", 4, true, FIELD],
  [35, "R_ARM_LDR_SBREL_11_0_NC", 4, false, FIELD],
  [36, "R_ARM_ALU_SBREL_19_12_NC", 4, false, FIELD],
  [37, "R_ARM_ALU_SBREL_27_20_CK", 4, false, FIELD],
  // TARGET1 is ABS32 on Linux; TARGET2 is GOT_PREL there (both platform-defined).
  [38, "R_ARM_TARGET1", 4, false],
  [39, "R_ARM_SBREL31", 4, false, PREL31],
  // Marks a BX for the ARMv4 interworking fix-up; it has no field.
  [40, "R_ARM_V4BX", 0, false],
  [41, "R_ARM_TARGET2", 4, true],
  [42, "R_ARM_PREL31", 4, true, PREL31],
  [43, "R_ARM_MOVW_ABS_NC", 4, false, ARM_MOVW],
  [44, "R_ARM_MOVT_ABS", 4, false, ARM_MOVW],
  [45, "R_ARM_MOVW_PREL_NC", 4, true, ARM_MOVW],
  [46, "R_ARM_MOVT_PREL", 4, true, ARM_MOVW],
  [47, "R_ARM_THM_MOVW_ABS_NC", 4, false, THUMB_MOVW],
  [48, "R_ARM_THM_MOVT_ABS", 4, false, THUMB_MOVW],
  [49, "R_ARM_THM_MOVW_PREL_NC", 4, true, THUMB_MOVW],
  [50, "R_ARM_THM_MOVT_PREL", 4, true, THUMB_MOVW],
  [51, "R_ARM_THM_JUMP19", 4, true, THUMB_JUMP19],
  // CBZ/CBNZ: unsigned i:imm5, another field too narrow for a REL addend.
  [52, "R_ARM_THM_JUMP6", 2, true, FIELD],
  [53, "R_ARM_THM_ALU_PREL_11_0", 4, true, THUMB_ALU_PREL],
  [54, "R_ARM_THM_PC12", 4, true, THUMB_PC12],
  [55, "R_ARM_ABS32_NOI", 4, false],
  [56, "R_ARM_REL32_NOI", 4, true],
  // 57-83: group relocations for ARM ALU/LDR/LDRD/LDC sequences, PC- or SB-relative.
  [57, "R_ARM_ALU_PC_G0_NC", 4, true, ARM_ALU_PC],
  [58, "R_ARM_ALU_PC_G0", 4, true, ARM_ALU_PC],
  [59, "R_ARM_ALU_PC_G1_NC", 4, true, ARM_ALU_PC],
  [60, "R_ARM_ALU_PC_G1", 4, true, ARM_ALU_PC],
  [61, "R_ARM_ALU_PC_G2", 4, true, ARM_ALU_PC],
  [62, "R_ARM_LDR_PC_G1", 4, true, ARM_LDR12],
  [63, "R_ARM_LDR_PC_G2", 4, true, ARM_LDR12],
  [64, "R_ARM_LDRS_PC_G0", 4, true, ARM_LDRS],
  [65, "R_ARM_LDRS_PC_G1", 4, true, ARM_LDRS],
  [66, "R_ARM_LDRS_PC_G2", 4, true, ARM_LDRS],
  [67, "R_ARM_LDC_PC_G0", 4, true, ARM_LDC],
  [68, "R_ARM_LDC_PC_G1", 4, true, ARM_LDC],
  [69, "R_ARM_LDC_PC_G2", 4, true, ARM_LDC],
  [70, "R_ARM_ALU_SB_G0_NC", 4, false, ARM_ALU_PC],
  [71, "R_ARM_ALU_SB_G0", 4, false, ARM_ALU_PC],
  [72, "R_ARM_ALU_SB_G1_NC", 4, false, ARM_ALU_PC],
  [73, "R_ARM_ALU_SB_G1", 4, false, ARM_ALU_PC],
  [74, "R_ARM_ALU_SB_G2", 4, false, ARM_ALU_PC],
  [75, "R_ARM_LDR_SB_G0", 4, false, ARM_LDR12],
  [76, "R_ARM_LDR_SB_G1", 4, false, ARM_LDR12],
  [77, "R_ARM_LDR_SB_G2", 4, false, ARM_LDR12],
  [78, "R_ARM_LDRS_SB_G0", 4, false, ARM_LDRS],
  [79, "R_ARM_LDRS_SB_G1", 4, false, ARM_LDRS],
  [80, "R_ARM_LDRS_SB_G2", 4, false, ARM_LDRS],
  [81, "R_ARM_LDC_SB_G0", 4, false, ARM_LDC],
  [82, "R_ARM_LDC_SB_G1", 4, false, ARM_LDC],
  [83, "R_ARM_LDC_SB_G2", 4, false, ARM_LDC],
  [84, "R_ARM_MOVW_BREL_NC", 4, false, ARM_MOVW],
  [85, "R_ARM_MOVT_BREL", 4, false, ARM_MOVW],
  [86, "R_ARM_MOVW_BREL", 4, false, ARM_MOVW],
  [87, "R_ARM_THM_MOVW_BREL_NC", 4, false, THUMB_MOVW],
  [88, "R_ARM_THM_MOVT_BREL", 4, false, THUMB_MOVW],
  [89, "R_ARM_THM_MOVW_BREL", 4, false, THUMB_MOVW],
  // GNU TLS descriptors: the literal word holds TLSDESC(S + A) - P; the calls are BL/BLX.
  [90, "R_ARM_TLS_GOTDESC", 4, true],
  [91, "R_ARM_TLS_CALL", 4, true, ARM_BRANCH24],
  // Marks an instruction of a TLS descriptor sequence for relaxation; no field.
  [92, "R_ARM_TLS_DESCSEQ", 0, false],
  [93, "R_ARM_THM_TLS_CALL", 4, true, THUMB_CALL],
  [94, "R_ARM_PLT32_ABS", 4, false],
  [95, "R_ARM_GOT_ABS", 4, false],
  [96, "R_ARM_GOT_PREL", 4, true],
  [97, "R_ARM_GOT_BREL12", 4, false, ARM_LDR12],
  [98, "R_ARM_GOTOFF12", 4, false, ARM_LDR12],
  [99, "R_ARM_GOTRELAX", 0, false],
  [100, "R_ARM_GNU_VTENTRY", 0, false],
  [101, "R_ARM_GNU_VTINHERIT", 0, false],
  [102, "R_ARM_THM_JUMP11", 2, true, THUMB_JUMP11],
  [103, "R_ARM_THM_JUMP8", 2, true, THUMB_JUMP8],
  [104, "R_ARM_TLS_GD32", 4, true],
  [105, "R_ARM_TLS_LDM32", 4, true],
  [106, "R_ARM_TLS_LDO32", 4, false],
  [107, "R_ARM_TLS_IE32", 4, true],
  [108, "R_ARM_TLS_LE32", 4, false],
  [109, "R_ARM_TLS_LDO12", 4, false, ARM_LDR12],
  [110, "R_ARM_TLS_LE12", 4, false, ARM_LDR12],
  [111, "R_ARM_TLS_IE12GP", 4, false, ARM_LDR12],
  // Reserved for private experiments: nothing is known about their fields.
  [112, "R_ARM_PRIVATE_0", 0, false, FIELD],
  [113, "R_ARM_PRIVATE_1", 0, false, FIELD],
  [114, "R_ARM_PRIVATE_2", 0, false, FIELD],
  [115, "R_ARM_PRIVATE_3", 0, false, FIELD],
  [116, "R_ARM_PRIVATE_4", 0, false, FIELD],
  [117, "R_ARM_PRIVATE_5", 0, false, FIELD],
  [118, "R_ARM_PRIVATE_6", 0, false, FIELD],
  [119, "R_ARM_PRIVATE_7", 0, false, FIELD],
  [120, "R_ARM_PRIVATE_8", 0, false, FIELD],
  [121, "R_ARM_PRIVATE_9", 0, false, FIELD],
  [122, "R_ARM_PRIVATE_10", 0, false, FIELD],
  [123, "R_ARM_PRIVATE_11", 0, false, FIELD],
  [124, "R_ARM_PRIVATE_12", 0, false, FIELD],
  [125, "R_ARM_PRIVATE_13", 0, false, FIELD],
  [126, "R_ARM_PRIVATE_14", 0, false, FIELD],
  [127, "R_ARM_PRIVATE_15", 0, false, FIELD],
  [128, "R_ARM_ME_TOO", 0, false],
  [129, "R_ARM_THM_TLS_DESCSEQ16", 0, false],
  [130, "R_ARM_THM_TLS_DESCSEQ32", 0, false],
  // 131 is in AAELF32 and binutils but not in LLVM 19 (llvm-readobj prints "Unknown").
  [131, "R_ARM_THM_GOT_BREL12", 4, false, FIELD],
  // Thumb-1 MOVS/ADDS imm8 pieces of an absolute address.
  [132, "R_ARM_THM_ALU_ABS_G0_NC", 2, false, FIELD],
  [133, "R_ARM_THM_ALU_ABS_G1_NC", 2, false, FIELD],
  [134, "R_ARM_THM_ALU_ABS_G2_NC", 2, false, FIELD],
  [135, "R_ARM_THM_ALU_ABS_G3", 2, false, FIELD],
  // Armv8.1-M branch-future instructions.
  [136, "R_ARM_THM_BF16", 4, true, FIELD],
  [137, "R_ARM_THM_BF12", 4, true, FIELD],
  [138, "R_ARM_THM_BF18", 4, true, FIELD],
  [160, "R_ARM_IRELATIVE", 4, false],
  // FDPIC.
  [161, "R_ARM_GOTFUNCDESC", 4, false],
  [162, "R_ARM_GOTOFFFUNCDESC", 4, false],
  [163, "R_ARM_FUNCDESC", 4, false],
  [164, "R_ARM_FUNCDESC_VALUE", 8, false, FIELD],
  [165, "R_ARM_TLS_GD32_FDPIC", 4, false],
  [166, "R_ARM_TLS_LDM32_FDPIC", 4, false],
  [167, "R_ARM_TLS_IE32_FDPIC", 4, false],
]);
