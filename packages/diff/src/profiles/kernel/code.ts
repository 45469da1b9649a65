import { type Keys, maskedRange, type Side } from "../../compare/keys.js";
import type { Entity } from "../../object.js";
import { targetName } from "./arch.js";

/**
 * A function's code as the kernel profile compares it: relocation fields masked, and optionally one range
 * cut out (a profiling entry present in one build only), with its relocations keyed by what they point at
 * and their offsets moved to match.
 */
export interface CodeImage {
  readonly bytes: Uint8Array;
  readonly relocs: readonly ImageReloc[];
  /** The offset in the function of an offset in the image. */
  toFunction(offset: number): number;
}

export interface ImageReloc {
  readonly offset: number;
  readonly type: string;
  /** What it points at, comparable across builds (`Keys.targetKey`). */
  readonly key: string;
  /** The symbol it names, when it names one (calls: the callee). */
  readonly name: string | undefined;
}

export function codeImage(
  keys: Keys,
  side: Side,
  e: Entity,
  cut?: { offset: number; length: number },
): CodeImage {
  const view = keys.view(side);
  const full = maskedRange(view, e.section, e.start, e.start + e.size);
  const from = cut ? Math.max(0, Math.min(cut.offset, full.length)) : full.length;
  const len = cut ? Math.max(0, Math.min(cut.length, full.length - from)) : 0;
  const bytes = len > 0 ? new Uint8Array(full.length - len) : full;
  if (len > 0) {
    bytes.set(full.subarray(0, from), 0);
    bytes.set(full.subarray(from + len), from);
  }
  const r = view.relocs(e.section);
  const [i0, i1] = view.relocRange(e.section, e.start, e.start + e.size);
  const relocs: ImageReloc[] = [];
  for (let i = i0; i < i1; i++) {
    const off = r.offsets[i]! - e.start;
    if (len > 0 && off >= from && off < from + len) continue;
    const t = view.target(r, i);
    relocs.push({
      offset: len > 0 && off >= from + len ? off - len : off,
      type: view.relocTypeName(r.types[i]!),
      key: keys.targetKey(side, t),
      name: targetName(view, t),
    });
  }
  return { bytes, relocs, toFunction: (o) => (len > 0 && o >= from ? o + len : o) };
}

/** Bytes equal and relocations equal one to one (place, type, target). */
export function sameCode(a: CodeImage, b: CodeImage): boolean {
  return sameBytes(a.bytes, b.bytes) && sameRelocs(a, b);
}

export function sameRelocs(a: CodeImage, b: CodeImage): boolean {
  if (a.relocs.length !== b.relocs.length) return false;
  for (let i = 0; i < a.relocs.length; i++) {
    const x = a.relocs[i]!;
    const y = b.relocs[i]!;
    if (x.offset !== y.offset || x.type !== y.type || x.key !== y.key) return false;
  }
  return true;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
