import type { RelocType } from "@elfdelta/elf";

/**
 * Which bits of the relocated bytes a relocation type rewrites. Comparing code with "relocation fields
 * masked" must mask only those bits: on fixed-width instruction sets the rest of the word is the opcode and
 * registers, and a change there is a real change. A relocation type we know nothing about masks its whole
 * width, which is always safe for REL objects (the implicit addend lives there) and loses little elsewhere.
 */

interface FieldSpec {
  /** The instruction unit the masks apply to, in the file's byte order. */
  readonly unit: 2 | 4;
  /** One mask per unit, in address order. */
  readonly masks: readonly number[];
}

const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC = 20;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;

const w = (...masks: number[]): FieldSpec => ({ unit: 4, masks });
const h = (...masks: number[]): FieldSpec => ({ unit: 2, masks });

function aarch64(name: string): FieldSpec | undefined {
  if (/CALL26|JUMP26/.test(name)) return w(0x03ffffff);
  if (/ADR_PREL_PG_HI21|ADR_PREL_LO21|ADR_GOT_PAGE|_PAGE21|_PREL21|ADR_GOTTPREL/.test(name))
    return w(0x60ffffe0);
  if (/CONDBR19|LO19|PREL19/.test(name)) return w(0x00ffffe0);
  if (/TSTBR14/.test(name)) return w(0x0007ffe0);
  if (/MOVW/.test(name)) return w(0x001fffe0);
  if (/LO12|HI12|LO15/.test(name)) return w(0x003ffc00);
  return undefined;
}

function riscv(name: string): FieldSpec | undefined {
  if (name === "R_RISCV_CALL" || name === "R_RISCV_CALL_PLT") return w(0xfffff000, 0xfff00000);
  if (name === "R_RISCV_RVC_BRANCH") return h(0x1c7c);
  if (name === "R_RISCV_RVC_JUMP") return h(0x1ffc);
  if (name === "R_RISCV_RVC_LUI") return h(0x107c);
  if (name === "R_RISCV_BRANCH" || /LO12_S$/.test(name)) return w(0xfe000f80);
  if (name === "R_RISCV_JAL" || /HI20$/.test(name)) return w(0xfffff000);
  if (/LO12_I$|LO12$/.test(name)) return w(0xfff00000);
  return undefined;
}

function loongarch(name: string): FieldSpec | undefined {
  if (name === "R_LARCH_B26") return w(0x03ffffff);
  if (name === "R_LARCH_B16") return w(0x03fffc00);
  if (name === "R_LARCH_B21") return w(0x03fffc1f);
  if (name === "R_LARCH_CALL36") return w(0x01ffffe0, 0x03fffc00);
  if (/HI20|LO20/.test(name)) return w(0x01ffffe0);
  if (/LO12|HI12/.test(name)) return w(0x003ffc00);
  return undefined;
}

function mips(name: string): FieldSpec | undefined {
  if (name === "R_MIPS_26") return w(0x03ffffff);
  if (/16/.test(name) && !/^R_MIPS_16$/.test(name) && !/R_MICROMIPS/.test(name)) return w(0x0000ffff);
  return undefined;
}

function arm(name: string): FieldSpec | undefined {
  if (/^R_ARM_(CALL|JUMP24|PC24|PLT32)$/.test(name)) return w(0x00ffffff);
  if (/^R_ARM_THM_(CALL|JUMP24|PC22|XPC22)$/.test(name)) return h(0x07ff, 0x2fff);
  if (name === "R_ARM_THM_JUMP19") return h(0x043f, 0x2fff);
  if (/^R_ARM_THM_MOV[WT]/.test(name)) return h(0x040f, 0x70ff);
  if (/^R_ARM_MOV[WT]/.test(name)) return w(0x000f0fff);
  if (name === "R_ARM_THM_JUMP11") return h(0x07ff);
  if (name === "R_ARM_THM_JUMP8" || name === "R_ARM_THM_PC8") return h(0x00ff);
  if (name === "R_ARM_THM_PC12") return h(0x0080, 0x0fff);
  if (name === "R_ARM_THM_ALU_PREL_11_0") return h(0x0400, 0x70ff);
  if (name === "R_ARM_PREL31") return w(0x7fffffff);
  if (/^R_ARM_(LDR_PC_G0|ABS12)$/.test(name)) return w(0x00800fff);
  if (/^R_ARM_ALU_PC_G/.test(name)) return w(0x01e00fff);
  return undefined;
}

function ppc(name: string): FieldSpec | undefined {
  if (/REL24|ADDR24/.test(name)) return w(0x03fffffc);
  if (/REL14|ADDR14/.test(name)) return w(0x0000fffc);
  if (/PCREL34|D34/.test(name)) return w(0x0003ffff, 0x0000ffff);
  return undefined;
}

function s390(name: string): FieldSpec | undefined {
  if (/12DBL$|^R_390_12$/.test(name)) return h(0x0fff);
  if (name === "R_390_20") return w(0x0fffff00);
  return undefined;
}

function specFor(machine: number, name: string): FieldSpec | undefined {
  switch (machine) {
    case EM_AARCH64:
      return aarch64(name);
    case EM_RISCV:
      return riscv(name);
    case EM_LOONGARCH:
      return loongarch(name);
    case EM_MIPS:
      return mips(name);
    case EM_ARM:
      return arm(name);
    case EM_PPC:
    case EM_PPC64:
      return ppc(name);
    case EM_S390:
      return s390(name);
    case EM_386:
    case EM_X86_64:
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The byte mask (1 bits = rewritten by the relocation) over the `width` bytes a relocation of this type
 * covers. Unknown types, and specs that do not fit the width, mask every byte.
 */
export function fieldMask(machine: number, littleEndian: boolean, type: RelocType): Uint8Array {
  const width = type.width;
  const out = new Uint8Array(width).fill(0xff);
  const spec = specFor(machine, type.name);
  if (!spec || spec.unit * spec.masks.length !== width) return out;
  for (let u = 0; u < spec.masks.length; u++) {
    const m = spec.masks[u]! >>> 0;
    for (let b = 0; b < spec.unit; b++) {
      const shift = littleEndian ? 8 * b : 8 * (spec.unit - 1 - b);
      out[u * spec.unit + b] = (m >>> shift) & 0xff;
    }
  }
  return out;
}
