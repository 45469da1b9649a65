import { SHF } from "@elfdelta/elf";
import type { Entity, ObjectView } from "../object.js";
import {
  EM_AARCH64,
  EM_ARM,
  EM_RISCV,
  EM_S390,
  type Field,
  field,
  instructionLength,
  isThumb,
  sext,
  word,
} from "./insn.js";
import type { Keys } from "./keys.js";
import { maskedRange } from "./keys.js";

/**
 * Section anchors. Without -fdata-sections GCC on AArch64, ARM, RISC-V and s390x addresses several static
 * objects from one anchor (`.LANCHOR0`, or the section symbol): one relocation loads the anchor, and each
 * object's offset from it is an immediate in a later load, store or add. When another object is inserted in
 * front (a new static local), every offset shifts: the code differs, yet it accesses the same objects.
 *
 * A pair of functions is explained by anchors when their relocations are identical except for anchor loads
 * (same type, place, correlated section and stored offset) and every differing instruction differs only in
 * an immediate field whose value, added to the anchor, lands in a data object in the original and at the same
 * place within that object's counterpart in the patched build.
 */

interface Anchor {
  readonly section: number;
  readonly at: number;
  readonly patchedSection: number;
  readonly patchedAt: number;
}

const f = field;

const FIELDS: ReadonlyMap<number, readonly Field[]> = new Map<number, Field[]>([
  [
    EM_AARCH64,
    [
      f(4, 0x003ffc00n, (w) => (w >> 10n) & 0xfffn, [1, 2, 4, 8, 16]),
      f(4, 0x001ff000n, (w) => sext((w >> 12n) & 0x1ffn, 9)),
      f(4, 0x003f8000n, (w) => sext((w >> 15n) & 0x7fn, 7), [4, 8, 16]),
    ],
  ],
  [
    EM_RISCV,
    [
      f(4, 0xfff00000n, (w) => sext(w >> 20n, 12)),
      f(4, 0xfe000f80n, (w) => sext(((w >> 25n) << 5n) | ((w >> 7n) & 0x1fn), 12)),
      // c.lw / c.sw / c.flw: uimm[5:3] in 12:10, uimm[2] in 6, uimm[6] in 5.
      f(2, 0x1c60n, (w) => (((w >> 10n) & 7n) << 3n) | (((w >> 6n) & 1n) << 2n) | (((w >> 5n) & 1n) << 6n)),
      // c.ld / c.sd / c.fld: uimm[5:3] in 12:10, uimm[7:6] in 6:5.
      f(2, 0x1c60n, (w) => (((w >> 10n) & 7n) << 3n) | (((w >> 5n) & 3n) << 6n)),
      // c.addi: imm[5] in 12, imm[4:0] in 6:2.
      f(2, 0x107cn, (w) => sext((((w >> 12n) & 1n) << 5n) | ((w >> 2n) & 0x1fn), 6)),
    ],
  ],
  [
    EM_S390,
    [
      f(4, 0xfffn, (w) => w & 0xfffn),
      f(6, (0xfffn << 16n) | (0xffn << 8n), (w) =>
        sext((((w >> 8n) & 0xffn) << 12n) | ((w >> 16n) & 0xfffn), 20),
      ),
    ],
  ],
  [
    EM_ARM,
    [
      // Thumb-2 (first halfword << 16 | second): LDR/STR imm12, imm8 with U, LDRD imm8 x4.
      f(4, 0xfffn, (w) => w & 0xfffn),
      f(4, 0x2ffn, (w) => ((w & 0x200n) !== 0n ? w & 0xffn : -(w & 0xffn)), [1, 4]),
      // Thumb 16-bit: LDR/STR imm5 (x1, x2, x4), ADDS/SUBS imm8, ADD from SP/PC imm8 x4.
      f(2, 0x07c0n, (w) => (w >> 6n) & 0x1fn, [1, 2, 4]),
      f(2, 0xffn, (w) => w & 0xffn, [1, 4]),
      // A32: LDR/STR imm12, LDRD/LDRH imm4:imm4.
      f(4, 0xf0fn, (w) => ((w >> 4n) & 0xf0n) | (w & 0xfn)),
    ],
  ],
]);

export function explainedByAnchors(keys: Keys, o: Entity, p: Entity): boolean {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const fields = FIELDS.get(ov.machine);
  if (!fields || o.size !== p.size || o.section < 0 || p.section < 0) return false;

  const anchors = matchAnchors(keys, o, p);
  if (!anchors || anchors.length === 0) return false;

  const a = maskedRange(ov, o.section, o.start, o.start + o.size);
  const b = maskedRange(pv, p.section, p.start, p.start + p.size);
  const le = ov.elf.littleEndian;
  const thumb = isThumb(ov.machine, o.thumbBit ? 1n : 0n);
  for (let at = 0; at < a.length; ) {
    const len = instructionLength(ov.machine, a, at, le, thumb);
    if (len === 0 || at + len > a.length) return false;
    let same = true;
    for (let k = 0; k < len; k++) {
      if (a[at + k] !== b[at + k]) {
        same = false;
        break;
      }
    }
    if (!same) {
      const wa = word(ov.machine, a, at, len, le, thumb);
      const wb = word(ov.machine, b, at, len, le, thumb);
      if (!fields.some((fd) => fd.len === len && fieldExplains(ov, keys, fd, wa, wb, anchors))) return false;
    }
    at += len;
  }
  return true;
}

/** Pairs the relocations; returns the anchor loads, or undefined when anything else differs. */
function matchAnchors(keys: Keys, o: Entity, p: Entity): Anchor[] | undefined {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const ro = ov.relocs(o.section);
  const rp = pv.relocs(p.section);
  const [i0, i1] = ov.relocRange(o.section, o.start, o.start + o.size);
  const [j0, j1] = pv.relocRange(p.section, p.start, p.start + p.size);
  if (i1 - i0 !== j1 - j0) return undefined;
  const out: Anchor[] = [];
  for (let k = 0; k < i1 - i0; k++) {
    const i = i0 + k;
    const j = j0 + k;
    if (ro.types[i] !== rp.types[j] || ro.offsets[i]! - o.start !== rp.offsets[j]! - p.start)
      return undefined;
    const sa = ov.sectionPoint(ro, i);
    const sb = pv.sectionPoint(rp, j);
    const anchorable =
      sa &&
      sb &&
      isDataSection(ov, sa.section) &&
      ov.sectionKey(sa.section) === pv.sectionKey(sb.section) &&
      !(soleObject(ov, sa.section) && soleObject(pv, sb.section));
    if (anchorable && sa.x === sb.x) {
      out.push({ section: sa.section, at: sa.at, patchedSection: sb.section, patchedAt: sb.at });
      continue;
    }
    if (keys.targetKey("original", ov.target(ro, i)) !== keys.targetKey("patched", pv.target(rp, j)))
      return undefined;
  }
  return out;
}

/**
 * A section holding one object that covers it (an -fdata-sections build): a relocation against it names
 * that object, it is no anchor for several.
 */
function soleObject(view: ObjectView, index: number): boolean {
  const e = view.entityAt(index, 0);
  return !!e && e.start === 0 && e.size === (view.section(index)?.size ?? -1);
}

function isDataSection(view: ObjectView, index: number): boolean {
  const s = view.section(index);
  return !!s && (s.flags & SHF.ALLOC) !== 0 && (s.flags & (SHF.EXECINSTR | SHF.MERGE)) === 0;
}

function fieldExplains(
  ov: ObjectView,
  keys: Keys,
  fd: Field,
  wa: bigint,
  wb: bigint,
  anchors: readonly Anchor[],
): boolean {
  if (((wa ^ wb) & ~fd.mask) !== 0n) return false;
  const va = Number(fd.get(wa));
  const vb = Number(fd.get(wb));
  if (va === vb) return false;
  for (const s of fd.scales) {
    for (const an of anchors) {
      const at = an.at + va * s;
      const d = ov.entityAt(an.section, at);
      if (d && d.kind === "data") {
        const d2 = keys.counterpart("original", d);
        if (d2 && d2.section === an.patchedSection && an.patchedAt + vb * s - d2.start === at - d.start)
          return true;
      }
    }
  }
  return false;
}
