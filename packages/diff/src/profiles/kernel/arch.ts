import type { Entity, ObjectView, Target } from "../../object.js";
import { type KernelArch, kernelArch } from "./tables/index.js";

/** Instruction-level facts the kernel profile needs per architecture. */

export function archOf(view: ObjectView): KernelArch | undefined {
  return kernelArch(view.machine, view.elf.littleEndian, view.elf.is64);
}

/** The name a relocation target goes by: the symbol's for externals and named symbols and functions. */
export function targetName(view: ObjectView, t: Target): string | undefined {
  switch (t.kind) {
    case "external":
    case "named":
    case "absolute":
      return t.name;
    case "entity":
      return view.primary(t.entity).rawName;
    default:
      return undefined;
  }
}

const CALL_TYPES: Readonly<Record<KernelArch, ReadonlySet<string>>> = {
  x86_64: new Set(["R_X86_64_PLT32", "R_X86_64_PC32"]),
  ppc64le: new Set(["R_PPC64_REL24", "R_PPC64_REL24_NOTOC", "R_PPC64_REL24_P9NOTOC"]),
  s390x: new Set(["R_390_PLT32DBL", "R_390_PC32DBL"]),
  aarch64: new Set(["R_AARCH64_CALL26", "R_AARCH64_JUMP26"]),
  loongarch64: new Set(["R_LARCH_B26", "R_LARCH_CALL36"]),
};

/**
 * True when the relocation of type `typeName` whose field is at `field` in `code` is the target of a call
 * or a tail call: a branch relocation, or on x86-64 and s390x a PC-relative one whose opcode is a call or
 * a jump (e8/e9; brasl/brcl).
 */
export function isCallRelocation(
  arch: KernelArch,
  typeName: string,
  code: Uint8Array,
  field: number,
): boolean {
  if (!CALL_TYPES[arch].has(typeName)) return false;
  if (arch === "x86_64") return field >= 1 && (code[field - 1] === 0xe8 || code[field - 1] === 0xe9);
  if (arch === "s390x") {
    if (field < 2 || code[field - 2] !== 0xc0) return false;
    const op = code[field - 1]! & 0x0f;
    return op === 5 || op === 4; // brasl, brcl (jg)
  }
  return true;
}

/** The nop instruction word of the architectures that use -fpatchable-function-entry. */
export const NOP_WORD: Readonly<Partial<Record<KernelArch, number>>> = {
  aarch64: 0xd503201f,
  loongarch64: 0x03400000,
  ppc64le: 0x60000000,
};

/** A 32-bit instruction word at `at` in the file's byte order (all five are little-endian but s390x). */
export function word32(code: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian
    ? (code[at]! | (code[at + 1]! << 8) | (code[at + 2]! << 16) | (code[at + 3]! << 24)) >>> 0
    : ((code[at]! << 24) | (code[at + 1]! << 16) | (code[at + 2]! << 8) | code[at + 3]!) >>> 0;
}

/** Whether `e` is `name` or one of its aliases. */
export function isNamed(view: ObjectView, e: Entity, name: string): boolean {
  return e.rawName === name || view.primary(e).rawName === name;
}
