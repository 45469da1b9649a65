import { type AddendEncoding, type ArchTable, FIELD, table } from "./types.js";

const ULEB128: AddendEncoding = { kind: "uleb128" };

/**
 * EM_RISCV (243), SHT_RELA, for both RV32 and RV64. Numbers and names from the RISC-V ELF psABI and LLVM's
 * ELFRelocs/RISCV.def. Vendor-specific types (192-255) depend on the R_RISCV_VENDOR before them and are
 * not listed.
 */
export const riscv: ArchTable = table(243, "riscv", true, [
  [0, "R_RISCV_NONE", 0, false],
  [1, "R_RISCV_32", 4, false],
  [2, "R_RISCV_64", 8, false],
  // Dynamic relocations are XLEN wide; they are listed with the RV64 width.
  [3, "R_RISCV_RELATIVE", 8, false],
  [4, "R_RISCV_COPY", 0, false],
  [5, "R_RISCV_JUMP_SLOT", 8, false],
  [6, "R_RISCV_TLS_DTPMOD32", 4, false],
  [7, "R_RISCV_TLS_DTPMOD64", 8, false],
  [8, "R_RISCV_TLS_DTPREL32", 4, false],
  [9, "R_RISCV_TLS_DTPREL64", 8, false],
  [10, "R_RISCV_TLS_TPREL32", 4, false],
  [11, "R_RISCV_TLS_TPREL64", 8, false],
  [12, "R_RISCV_TLSDESC", 16, false],
  [16, "R_RISCV_BRANCH", 4, true, FIELD],
  [17, "R_RISCV_JAL", 4, true, FIELD],
  // CALL/CALL_PLT cover an AUIPC+JALR pair.
  [18, "R_RISCV_CALL", 8, true, FIELD],
  [19, "R_RISCV_CALL_PLT", 8, true, FIELD],
  [20, "R_RISCV_GOT_HI20", 4, true, FIELD],
  [21, "R_RISCV_TLS_GOT_HI20", 4, true, FIELD],
  [22, "R_RISCV_TLS_GD_HI20", 4, true, FIELD],
  [23, "R_RISCV_PCREL_HI20", 4, true, FIELD],
  // The LO12 halves take their value from the PC-relative HI20 they point at.
  [24, "R_RISCV_PCREL_LO12_I", 4, true, FIELD],
  [25, "R_RISCV_PCREL_LO12_S", 4, true, FIELD],
  [26, "R_RISCV_HI20", 4, false, FIELD],
  [27, "R_RISCV_LO12_I", 4, false, FIELD],
  [28, "R_RISCV_LO12_S", 4, false, FIELD],
  [29, "R_RISCV_TPREL_HI20", 4, false, FIELD],
  [30, "R_RISCV_TPREL_LO12_I", 4, false, FIELD],
  [31, "R_RISCV_TPREL_LO12_S", 4, false, FIELD],
  // Marks the `add rd, rs, tp` of a local-exec sequence; no field.
  [32, "R_RISCV_TPREL_ADD", 0, false],
  // ADD*/SUB*/SET* come in pairs (label differences in data and .debug_*); ADD/SUB read-modify-write.
  [33, "R_RISCV_ADD8", 1, false],
  [34, "R_RISCV_ADD16", 2, false],
  [35, "R_RISCV_ADD32", 4, false],
  [36, "R_RISCV_ADD64", 8, false],
  [37, "R_RISCV_SUB8", 1, false],
  [38, "R_RISCV_SUB16", 2, false],
  [39, "R_RISCV_SUB32", 4, false],
  [40, "R_RISCV_SUB64", 8, false],
  [41, "R_RISCV_GOT32_PCREL", 4, true],
  // Linker-relaxation markers: ALIGN's addend is the padding size, not a field.
  [43, "R_RISCV_ALIGN", 0, false],
  [44, "R_RISCV_RVC_BRANCH", 2, true, FIELD],
  [45, "R_RISCV_RVC_JUMP", 2, true, FIELD],
  [46, "R_RISCV_RVC_LUI", 2, false, FIELD],
  [51, "R_RISCV_RELAX", 0, false],
  // SUB6/SET6 change the low six bits of a byte.
  [52, "R_RISCV_SUB6", 1, false, FIELD],
  [53, "R_RISCV_SET6", 1, false, FIELD],
  [54, "R_RISCV_SET8", 1, false],
  [55, "R_RISCV_SET16", 2, false],
  [56, "R_RISCV_SET32", 4, false],
  [57, "R_RISCV_32_PCREL", 4, true],
  [58, "R_RISCV_IRELATIVE", 8, false],
  [59, "R_RISCV_PLT32", 4, true],
  // Variable-length fields: the width is only known by decoding the ULEB128.
  [60, "R_RISCV_SET_ULEB128", 0, false, ULEB128],
  [61, "R_RISCV_SUB_ULEB128", 0, false, ULEB128],
  [62, "R_RISCV_TLSDESC_HI20", 4, true, FIELD],
  [63, "R_RISCV_TLSDESC_LOAD_LO12", 4, true, FIELD],
  [64, "R_RISCV_TLSDESC_ADD_LO12", 4, true, FIELD],
  // Marks the JALR of a TLS descriptor call; no field.
  [65, "R_RISCV_TLSDESC_CALL", 0, false],
  // Names the vendor whose nonstandard relocation follows at the same offset (psABI; not in LLVM 19).
  [191, "R_RISCV_VENDOR", 0, false],
]);
