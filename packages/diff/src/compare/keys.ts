import type { Correlation } from "../correlate/symbols.js";
import { type Entity, hex, type ObjectView, type SectionRelocs, type Target } from "../object.js";

export type Side = "original" | "patched";

/**
 * Comparison keys: strings that are equal exactly when two relocation targets (one per build) are the same
 * thing. A correlated entity is keyed by its original index on both sides; strings by their text; constants
 * by their bytes; anonymous chunks (jump tables, TOC entries) by their content. This is the one place where
 * "the same" is defined, so functions, data and chunks all compare the same way.
 */
export class Keys {
  readonly corr: Correlation;
  #chunks: [Map<string, string>, Map<string, string>] = [new Map(), new Map()];
  #made: [Map<number, string>, Map<number, string>] = [new Map(), new Map()];

  constructor(corr: Correlation) {
    this.corr = corr;
  }

  view(side: Side): ObjectView {
    return side === "original" ? this.corr.original : this.corr.patched;
  }

  /** The counterpart of an entity in the other build, if paired. */
  counterpart(side: Side, e: Entity): Entity | undefined {
    if (side === "original") {
      const i = this.corr.forward[e.index]!;
      return i >= 0 ? this.corr.patched.entities[i] : undefined;
    }
    const i = this.corr.backward[e.index]!;
    return i >= 0 ? this.corr.original.entities[i] : undefined;
  }

  entityKey(side: Side, e: Entity): string {
    const view = this.view(side);
    const p = view.primary(e);
    const paired = side === "original" ? this.corr.forward[p.index]! : this.corr.backward[p.index]!;
    if (paired >= 0) return `#${side === "original" ? p.index : paired}`;
    const pe = side === "original" ? this.corr.forward[e.index]! : this.corr.backward[e.index]!;
    if (pe >= 0) return `#${side === "original" ? e.index : pe}`;
    if (p.compilerMade) return `made:${p.nameKey}:${this.#madeDigest(side, p)}`;
    return `${side === "original" ? "o" : "p"}:${p.kind}:${p.rawName}`;
  }

  /** Whether an original and a patched entity are the same thing (paired, through aliases too). */
  paired(a: Entity, b: Entity): boolean {
    if (this.corr.forward[a.index] === b.index) return true;
    const pa = this.corr.original.primary(a);
    const pb = this.corr.patched.primary(b);
    if (this.corr.forward[pa.index] === pb.index) return true;
    if (this.corr.forward[pa.index]! >= 0 || this.corr.forward[a.index]! >= 0) return false;
    return this.entityKey("original", a) === this.entityKey("patched", b);
  }

  /**
   * Whether an original and a patched target are the same thing: `targetKey` equality, with a fast path
   * for the common kinds that builds no strings.
   */
  sameTarget(a: Target, b: Target): boolean {
    if (a.kind === "entity" && b.kind === "entity")
      return a.offset === b.offset && this.paired(a.entity, b.entity);
    if (a.kind === "external" && b.kind === "external") return a.name === b.name && a.addend === b.addend;
    if (a.kind === "none" && b.kind === "none") return true;
    if (a.kind !== b.kind) return false;
    return this.targetKey("original", a) === this.targetKey("patched", b);
  }

  /** The key of a relocation target (hot path: a plain exhaustive switch). */
  targetKey(side: Side, t: Target, nested = false): string {
    switch (t.kind) {
      case "none":
        return "-";
      case "external":
        return `x:${t.name}${addend(t.addend)}`;
      case "absolute":
        return `a:${t.name}=${t.value}${addend(t.addend)}`;
      case "named":
        return `n:${t.name}${addend(t.addend)}`;
      case "entity":
        return `${this.entityKey(side, t.entity)}${addend(t.offset)}`;
      case "string":
        return `s:${JSON.stringify(t.text)}~${t.bias}`;
      case "constant":
        return `c:${t.hex}+${t.within}~${t.bias}`;
      case "chunk": {
        const sk = this.view(side).sectionKey(t.section);
        if (nested) return `k:${sk}@${t.start}+${t.offset}`;
        return `k:${sk}:${this.chunkDigest(side, t.section, t.start, t.end)}+${t.offset}`;
      }
      case "section":
        return `S:${this.view(side).sectionKey(t.section)}+${t.offset}`;
      default:
        return assertNever(t);
    }
  }

  /** Type, place (relative to `base`) and target of relocation `i`. */
  relocKey(side: Side, r: SectionRelocs, i: number, base: number, nested = false): string {
    const t = this.view(side).target(r, i);
    return `${r.types[i]}@${r.offsets[i]! - base}>${this.targetKey(side, t, nested)}`;
  }

  /** The content of an anonymous chunk: masked bytes and its relocations (nested chunks by position). */
  chunkDigest(side: Side, section: number, start: number, end: number): string {
    const cache = this.#chunks[side === "original" ? 0 : 1];
    const id = `${section}:${start}:${end}`;
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const digest = this.#rangeDigest(side, section, start, end);
    cache.set(id, digest);
    return digest;
  }

  #madeDigest(side: Side, e: Entity): string {
    const cache = this.#made[side === "original" ? 0 : 1];
    const hit = cache.get(e.index);
    if (hit !== undefined) return hit;
    const d =
      e.nobits || e.section < 0
        ? `bss${e.size}`
        : this.#rangeDigest(side, e.section, e.start, e.start + e.size);
    cache.set(e.index, d);
    return d;
  }

  #rangeDigest(side: Side, section: number, start: number, end: number): string {
    const view = this.view(side);
    const sec = view.section(section);
    if (!sec || sec.type === 8 /* NOBITS */) return `z${end - start}`;
    const bytes = maskedRange(view, section, start, end);
    const r = view.relocs(section);
    const [from, to] = view.relocRange(section, start, end);
    // Joined, not grown by `+=`: digests are kept, and a grown string is a chain of one node per step.
    const parts = [hex(bytes, 0, bytes.length)];
    for (let i = from; i < to; i++) parts.push(this.relocKey(side, r, i, start, true));
    return parts.join(";");
  }
}

function addend(a: bigint): string {
  return a === 0n ? "" : a > 0n ? `+${a}` : `${a}`;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/** A copy of `section[start, end)` with every relocation field in it cleared (see fields.ts). */
export function maskedRange(view: ObjectView, section: number, start: number, end: number): Uint8Array {
  const data = view.bytes(section);
  // A copy whatever `data` is (a Node Buffer's `slice` is a view): the fields are cleared in it.
  const out = new Uint8Array(data.subarray(start, Math.min(end, data.length)));
  const r = view.relocs(section);
  const [from, to] = view.relocRange(section, start, end);
  for (let i = from; i < to; i++) {
    const off = r.offsets[i]! - start;
    const m = view.mask(r.types[i]!);
    for (let j = 0; j < m.length && off + j < out.length; j++) out[off + j]! &= ~m[j]!;
  }
  return out;
}
