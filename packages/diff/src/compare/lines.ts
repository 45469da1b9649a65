import type { Entity } from "../object.js";
import type { ReasonDetail } from "../report.js";
import {
  EM_386,
  EM_AARCH64,
  EM_ARM,
  EM_LOONGARCH,
  EM_MIPS,
  EM_PPC,
  EM_PPC64,
  EM_RISCV,
  EM_S390,
  EM_X86_64,
  type Field,
  field,
  instructionLength,
  isThumb,
  sext,
  word,
} from "./insn.js";
import { type Keys, maskedRange } from "./keys.js";

/**
 * The `__LINE__` case (kpatch's heuristic, made precise): a function whose only differences are immediates
 * that each changed by exactly as many lines as the function itself moved in the source (DWARF
 * DW_AT_decl_line of both builds). The function still changed (its bytes differ, and the new line numbers
 * are what a patched build would print), but the reason says it is only a line number.
 */

/** Where DWARF says a function starts in the source, in each build. */
export interface LineEvidence {
  /** Patched declaration line minus original declaration line, when both are known. */
  lineDelta(o: Entity, p: Entity): number | undefined;
}

const f = field;

/** Immediate fields that hold small constants (a line number passed as an argument). */
const IMMEDIATES: ReadonlyMap<number, readonly Field[]> = new Map<number, Field[]>([
  [
    EM_AARCH64,
    [
      f(4, 0x001fffe0n, (w) => (w >> 5n) & 0xffffn), // MOVZ/MOVN imm16
      f(4, 0x003ffc00n, (w) => (w >> 10n) & 0xfffn), // ADD/SUB/CMP imm12
    ],
  ],
  [
    EM_RISCV,
    [
      f(4, 0xfff00000n, (w) => sext(w >> 20n, 12)), // ADDI/LI
      f(4, 0xfffff000n, (w) => sext(w >> 12n, 20)), // LUI (upper part of a large constant)
      f(2, 0x107cn, (w) => sext((((w >> 12n) & 1n) << 5n) | ((w >> 2n) & 0x1fn), 6)), // C.LI / C.ADDI
    ],
  ],
  [
    EM_ARM,
    [
      f(2, 0xffn, (w) => w & 0xffn), // Thumb MOVS imm8
      f(4, (0x040fn << 16n) | 0x70ffn, (w) => {
        const hw1 = w >> 16n;
        const hw2 = w & 0xffffn;
        return (
          ((hw1 & 0xfn) << 12n) | (((hw1 >> 10n) & 1n) << 11n) | (((hw2 >> 12n) & 7n) << 8n) | (hw2 & 0xffn)
        );
      }), // Thumb-2 MOVW
      f(4, 0xf0fffn, (w) => ((w >> 4n) & 0xf000n) | (w & 0xfffn)), // A32 MOVW
      f(4, 0xffn, (w) => w & 0xffn), // A32 MOV imm8 (unrotated)
    ],
  ],
  [EM_PPC, [f(4, 0xffffn, (w) => sext(w & 0xffffn, 16))]],
  [EM_PPC64, [f(4, 0xffffn, (w) => sext(w & 0xffffn, 16))]],
  [EM_MIPS, [f(4, 0xffffn, (w) => sext(w & 0xffffn, 16))]],
  [
    EM_S390,
    [
      f(4, 0xffffn, (w) => sext(w & 0xffffn, 16)), // LHI/LGHI
      f(6, 0xffffffffn, (w) => sext(w & 0xffffffffn, 32)), // LGFI/IILF
    ],
  ],
  [
    EM_LOONGARCH,
    [
      f(4, 0x003ffc00n, (w) => sext((w >> 10n) & 0xfffn, 12)), // ADDI.W/ORI
      f(4, 0x01ffffe0n, (w) => sext((w >> 5n) & 0xfffffn, 20)), // LU12I.W
    ],
  ],
]);

export function lineNumberOnly(
  keys: Keys,
  o: Entity,
  p: Entity,
  lines: LineEvidence | undefined,
): ReasonDetail | undefined {
  const delta = lines?.lineDelta(o, p);
  if (delta === undefined || delta === 0 || o.size !== p.size || o.section < 0 || p.section < 0)
    return undefined;
  const ov = keys.view("original");
  const a = maskedRange(ov, o.section, o.start, o.start + o.size);
  const b = maskedRange(keys.view("patched"), p.section, p.start, p.start + p.size);
  const machine = ov.machine;
  const le = ov.elf.littleEndian;
  let first: ReasonDetail | undefined;
  const record = (offset: number, va: number, vb: number) => {
    first ??= { kind: "line-number", offset, original: va, patched: vb };
  };

  if (machine === EM_X86_64 || machine === EM_386) {
    // Runs of differing bytes, each explained by a little-endian immediate of 1, 2 or 4 bytes.
    for (let i = 0; i < a.length; ) {
      if (a[i] === b[i]) {
        i++;
        continue;
      }
      let e = i + 1;
      while (e < a.length && a[e] !== b[e] && e - i < 4) e++;
      // Of the windows that explain the run, the one with the smallest value (a line number, not the
      // bytes of the instruction before it).
      let best: [number, number, number] | undefined;
      for (const width of [1, 2, 4]) {
        for (let s = Math.max(0, e - width); s <= i && s + width <= a.length; s++) {
          const va = readLe(a, s, width);
          const vb = readLe(b, s, width);
          if (vb - va === delta && va > 0 && (!best || va < best[1])) best = [s, va, vb];
        }
      }
      const ok = best !== undefined;
      if (best) record(best[0], best[1], best[2]);
      if (!ok) return undefined;
      i = e;
    }
    return first;
  }

  const fields = IMMEDIATES.get(machine);
  if (!fields) return undefined;
  const thumb = isThumb(machine, o.thumbBit ? 1n : 0n);
  for (let at = 0; at < a.length; ) {
    const len = instructionLength(machine, a, at, le, thumb);
    if (len === 0 || at + len > a.length) return undefined;
    let same = true;
    for (let k = 0; k < len; k++) if (a[at + k] !== b[at + k]) same = false;
    if (!same) {
      const wa = word(machine, a, at, len, le, thumb);
      const wb = word(machine, b, at, len, le, thumb);
      const hit = fields.find(
        (fd) => fd.len === len && ((wa ^ wb) & ~fd.mask) === 0n && Number(fd.get(wb) - fd.get(wa)) === delta,
      );
      if (!hit) return undefined;
      record(at, Number(hit.get(wa)), Number(hit.get(wb)));
    }
    at += len;
  }
  return first;
}

function readLe(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 256 + b[at + k]!;
  return v;
}
