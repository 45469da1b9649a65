/**
 * How a relocation type stores its implicit addend in the relocated bytes (SHT_REL objects), and how wide the
 * relocated field is. RELA objects use only `width` (to mask the field when comparing code and to bound-check).
 *
 * - `none`: no field (R_*_NONE, markers such as R_RISCV_RELAX); implicit addend 0.
 * - `word`: a plain `bytes`-wide integer in the file's byte order, sign-extended when `signed`.
 * - the others are instruction bit-fields; their decoding lives in `addend.ts` (`implicitAddend`).
 */
export type AddendEncoding =
  | { kind: "none" }
  | { kind: "word"; bytes: 1 | 2 | 4 | 8; signed: boolean }
  /** ARM (A32) B/BL/BLX: imm24 << 2, sign-extended. */
  | { kind: "arm-branch24" }
  /** ARM (A32) MOVW/MOVT: imm4:imm12. */
  | { kind: "arm-movw" }
  /** Thumb-2 BL/BLX (J1/J2/imm10/imm11), 25-bit signed, two halfwords. */
  | { kind: "thumb-call" }
  /** Thumb-2 B.W conditional (imm6/imm11, 21-bit signed). */
  | { kind: "thumb-jump19" }
  /** Thumb-2 MOVW/MOVT: imm4:i:imm3:imm8 across two halfwords. */
  | { kind: "thumb-movw" }
  /** Thumb B (imm11 << 1) and conditional B (imm8 << 1), 16-bit. */
  | { kind: "thumb-jump11" }
  | { kind: "thumb-jump8" }
  /** ARM LDR/STR imm12 with U bit (ABS12/LDR_PC_G0). */
  | { kind: "arm-ldr12" }
  /** ARM ADD/SUB imm (ALU_PC_G0): rotated immediate, U from opcode. */
  | { kind: "arm-alu-pc" }
  /** ARM R_ARM_PREL31: 31-bit signed word. */
  | { kind: "prel31" }
  /** MIPS: low 16 bits (HI16/LO16/GOT16/CALL16/GPREL16...), sign-extended. */
  | { kind: "mips-lo16" }
  /** MIPS R_MIPS_26: 26-bit field << 2 (unsigned within the 256 MB region). */
  | { kind: "mips-26" }
  /** The low `bits` bits of a 32-bit instruction word, shifted left by `shift` (MIPS PC16/PC21_S2/PC26_S2/...). */
  | { kind: "insn-field"; bits: number; shift: number; signed: boolean }
  /** ARM LDRD/STRD/LDRH (LDRS_*_G*): imm4H:imm4L with the U bit. */
  | { kind: "arm-ldrs" }
  /** ARM LDC/STC (LDC_*_G*): imm8 << 2 with the U bit. */
  | { kind: "arm-ldc" }
  /** Thumb-2 ADR.W (THM_ALU_PREL_11_0): i:imm3:imm8, subtracted for the SUB form. */
  | { kind: "thumb-alu-prel" }
  /** Thumb-2 LDR.W literal (THM_PC12): imm12 with the U bit. */
  | { kind: "thumb-pc12" }
  /**
   * A ULEB128 of variable length (R_RISCV_SET_ULEB128, R_LARCH_ADD_ULEB128, ...): the table width is 0 because
   * the field's size is only known by decoding it.
   */
  | { kind: "uleb128" }
  /** i386/x86-64 style plain words are `word`; anything else we cannot decode is `unknown-field`. */
  | { kind: "unknown-field" };

export interface RelocType {
  readonly code: number;
  readonly name: string;
  /** Width in bytes of the bytes this relocation rewrites (0 for markers / NONE). */
  readonly width: number;
  /** True when the value computed is relative to the place (S + A - P, or a branch). */
  readonly pcRelative: boolean;
  /** Only meaningful for machines that use SHT_REL. */
  readonly addend: AddendEncoding;
}

export interface ArchTable {
  /** e_machine value. */
  readonly machine: number;
  /** Our machine name, as in the dump contract ("x86_64", "aarch64", "ppc64", ...). */
  readonly name: string;
  /** The relocation section type the psABI uses ("rela" for x86-64, "rel" for i386, ARM, MIPS32). */
  readonly usesRela: boolean;
  readonly types: ReadonlyMap<number, RelocType>;
}

/** Compact row form used by the per-architecture files: [code, name, width, pcRelative, addend?]. */
export type RelocRow = readonly [number, string, number, boolean, AddendEncoding?];

/** No field: NONE, markers, and dynamic relocations such as COPY. */
export const NONE: AddendEncoding = { kind: "none" };
/** An instruction field `implicitAddend` does not decode (RELA machines' fields, exotic REL ones). */
export const FIELD: AddendEncoding = { kind: "unknown-field" };

export function word(bytes: 1 | 2 | 4 | 8, signed = true): AddendEncoding {
  return { kind: "word", bytes, signed };
}

/** Builds an ArchTable from rows; a row without an explicit addend encoding gets a plain word of its width. */
export function table(
  machine: number,
  name: string,
  usesRela: boolean,
  rows: readonly RelocRow[],
): ArchTable {
  const types = new Map<number, RelocType>();
  const names = new Set<string>();
  for (const [code, relName, width, pcRelative, addend] of rows) {
    // A typo in a hand-written table would otherwise silently shadow another type.
    if (types.has(code)) throw new Error(`${name}: relocation type ${code} listed twice`);
    if (names.has(relName)) throw new Error(`${name}: relocation name ${relName} listed twice`);
    names.add(relName);
    const enc: AddendEncoding =
      addend ?? (width === 1 || width === 2 || width === 4 || width === 8 ? word(width) : NONE);
    types.set(code, { code, name: relName, width, pcRelative, addend: enc });
  }
  return { machine, name, usesRela, types };
}
