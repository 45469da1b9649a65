/**
 * Just enough instruction decoding for the diff: instruction boundaries on variable-length sets (RISC-V C,
 * Thumb-2, s390x) and immediate fields (displacements, small constants) the comparison can explain.
 * Words are read as one unsigned integer per instruction: fixed-width and RISC-V in the file's byte order,
 * Thumb-2 as (first halfword << 16 | second), s390x big-endian over its 2, 4 or 6 bytes.
 */

export const EM_386 = 3;
export const EM_MIPS = 8;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

export interface Field {
  readonly len: number;
  readonly mask: bigint;
  readonly get: (w: bigint) => bigint;
  readonly scales: readonly number[];
}

export const sext = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
export const field = (
  len: number,
  mask: bigint,
  get: (w: bigint) => bigint,
  scales: number[] = [1],
): Field => ({
  len,
  mask,
  get,
  scales,
});

/** True for Thumb code: ARM function symbols have bit 0 set. */
export function isThumb(machine: number, symbolValue: bigint): boolean {
  return machine === EM_ARM && (Number(symbolValue) & 1) === 1;
}

export function instructionLength(
  machine: number,
  code: Uint8Array,
  at: number,
  le: boolean,
  thumb: boolean,
): number {
  switch (machine) {
    case EM_RISCV:
      return (code[at]! & 3) === 3 ? 4 : 2;
    case EM_S390: {
      const top = code[at]! >> 6;
      return top === 0 ? 2 : top === 3 ? 6 : 4;
    }
    case EM_ARM: {
      if (!thumb) return 4;
      const hw = le ? code[at]! | (code[at + 1]! << 8) : (code[at]! << 8) | code[at + 1]!;
      const top5 = hw >> 11;
      return top5 === 0b11101 || top5 === 0b11110 || top5 === 0b11111 ? 4 : 2;
    }
    default:
      return 4;
  }
}

export function word(
  machine: number,
  code: Uint8Array,
  at: number,
  len: number,
  le: boolean,
  thumb: boolean,
): bigint {
  // Bytes past the end read as 0: a mangled object can claim code its section (NOBITS, truncated) does not hold.
  const at8 = (k: number) => code[k] ?? 0;
  const hw = (k: number) => BigInt(le ? at8(k) | (at8(k + 1) << 8) : (at8(k) << 8) | at8(k + 1));
  if (machine === EM_ARM && thumb) return len === 2 ? hw(at) : (hw(at) << 16n) | hw(at + 2);
  if (machine === EM_S390 || !le) {
    let w = 0n;
    for (let k = 0; k < len; k++) w = (w << 8n) | BigInt(at8(at + k));
    return w;
  }
  let w = 0n;
  for (let k = len - 1; k >= 0; k--) w = (w << 8n) | BigInt(at8(at + k));
  return w;
}
