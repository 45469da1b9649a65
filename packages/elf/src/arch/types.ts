/**
 * How a relocation type stores its implicit addend in the relocated bytes (SHT_REL objects), and how wide the
 * relocated field is. RELA objects use only `width` (to mask the field when comparing code and to bound-check).
 *
 * - `none`: no field (R_*_NONE, markers such as R_RISCV_RELAX); implicit addend 0.
 * - `word`: a plain `bytes`-wide integer in the file's byte order, sign-extended when `signed`.
 * - the others are instruction bit-fields; their decoding lives in `relocations.ts` (`implicitAddend`).
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

const NONE: AddendEncoding = { kind: "none" };

export function word(bytes: 1 | 2 | 4 | 8, signed = true): AddendEncoding {
  return { kind: "word", bytes, signed };
}

/** Builds an ArchTable from rows; a row without an explicit addend encoding gets a plain word of its width. */
export function table(machine: number, name: string, usesRela: boolean, rows: readonly RelocRow[]): ArchTable {
  const types = new Map<number, RelocType>();
  for (const [code, relName, width, pcRelative, addend] of rows) {
    const enc: AddendEncoding =
      addend ?? (width === 1 || width === 2 || width === 4 || width === 8 ? word(width) : NONE);
    types.set(code, { code, name: relName, width, pcRelative, addend: enc });
  }
  return { machine, name, usesRela, types };
}
