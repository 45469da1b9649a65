import { STB } from "@elfdelta/elf";
import type { Entity, ObjectView } from "../object.js";
import { childKind, parentKey } from "./names.js";
import { correlateSections, type SectionCorrelation } from "./sections.js";
import {
  describeMadeStatic,
  describeStatic,
  isStaticLocal,
  type OwnerHints,
  type StaticLocal,
  staticKey,
} from "./statics.js";

/**
 * How a pair was found:
 * - `name`: identical symbol names;
 * - `normalized-name`: names equal once compiler numbering is dropped (`foo.isra.1` ~ `foo.isra.0`,
 *   `.llvm.<hash>`, `.lto_priv.N`);
 * - `static-local-users`: same-named static locals told apart by the function that owns or uses them;
 * - `ordinal`: several candidates share a key: paired in symbol-table order.
 */
export type PairingMethod = "name" | "normalized-name" | "static-local-users" | "ordinal";

/** A correlation is data: which entity of one side corresponds to which of the other, and how. */
export interface Correlation {
  readonly original: ObjectView;
  readonly patched: ObjectView;
  /** Original entity index → patched entity index, or -1. */
  readonly forward: Int32Array;
  /** Patched entity index → original entity index, or -1. */
  readonly backward: Int32Array;
  /** Original entity index → how it was paired. */
  readonly method: readonly (PairingMethod | undefined)[];
  /** Per side: entity index → the function it is a `.cold`/`.part` piece of, or -1. */
  readonly parentOriginal: Int32Array;
  readonly parentPatched: Int32Array;
  /** Per side: entity index → static-local description (static locals and compiler-made local statics). */
  readonly staticsOriginal: ReadonlyMap<number, StaticLocal>;
  readonly staticsPatched: ReadonlyMap<number, StaticLocal>;
  readonly sections: SectionCorrelation;
}

export interface CorrelateOptions {
  readonly ownerHintsOriginal?: OwnerHints;
  readonly ownerHintsPatched?: OwnerHints;
}

/** The entities of one side under one key: one entity (the usual case, no array), or several. */
type Slot = Entity | Entity[];
type Bucket = { o: readonly Entity[]; p: readonly Entity[] };

/** Pairs the functions and data objects of two builds. Hash maps only: linear in the number of symbols. */
export function correlate(
  original: ObjectView,
  patched: ObjectView,
  options: CorrelateOptions = {},
): Correlation {
  const forward = new Int32Array(original.entities.length).fill(-1);
  const backward = new Int32Array(patched.entities.length).fill(-1);
  const method: (PairingMethod | undefined)[] = new Array(original.entities.length).fill(undefined);
  const staticsOriginal = new Map<number, StaticLocal>();
  const staticsPatched = new Map<number, StaticLocal>();

  const pair = (o: Entity, p: Entity, how: PairingMethod): void => {
    forward[o.index] = p.index;
    backward[p.index] = o.index;
    method[o.index] = how;
  };

  // Per side, one map per kind, keyed by the normalised name: a function and a variable of one name never
  // pair.
  const put = (m: Map<string, Slot>, key: string, e: Entity): void => {
    const slot = m.get(key);
    if (slot === undefined) m.set(key, e);
    else if (Array.isArray(slot)) slot.push(e);
    else m.set(key, [slot, e]);
  };
  const classify = (view: ObjectView, hints: OwnerHints | undefined, out: Map<number, StaticLocal>) => {
    const functions = new Map<string, Slot>();
    const objects = new Map<string, Slot>();
    const statics = new Map<string, Slot>();
    for (const e of view.entities) {
      // Compiler-made statics (__func__, CSWTCH, __key, ...) are never paired: their numbers say nothing
      // about which old one a new one is. References to them compare by content (see Keys). They are still
      // described, so that the report can name the function they belong to.
      if (e.name.compilerMade) {
        if (e.kind === "data" && e.bind === STB.LOCAL) out.set(e.index, describeMadeStatic(view, e, hints));
        continue;
      }
      if (isStaticLocal(e)) {
        const s = describeStatic(view, e, hints);
        out.set(e.index, s);
        put(statics, `${e.kind}:${staticKey(s)}`, e);
      } else {
        put(e.kind === "function" ? functions : objects, e.name.key, e);
      }
    }
    return { functions, objects, statics };
  };
  const o = classify(original, options.ownerHintsOriginal, staticsOriginal);
  const p = classify(patched, options.ownerHintsPatched, staticsPatched);

  const match = (
    os: Map<string, Slot>,
    ps: Map<string, Slot>,
    single: (o: Entity, p: Entity) => PairingMethod,
  ) => {
    for (const [key, a] of os) {
      const b = ps.get(key);
      if (b === undefined) continue;
      if (!Array.isArray(a) && !Array.isArray(b)) pair(a, b, single(a, b));
      else pairInOrder({ o: Array.isArray(a) ? a : [a], p: Array.isArray(b) ? b : [b] }, pair);
    }
  };
  const byName = (a: Entity, b: Entity): PairingMethod =>
    a.name.raw === b.name.raw ? "name" : "normalized-name";
  match(o.functions, p.functions, byName);
  match(o.objects, p.objects, byName);
  match(o.statics, p.statics, (a, b) => (a.name.inner.length > 0 ? byName(a, b) : "static-local-users"));

  return {
    original,
    patched,
    forward,
    backward,
    method,
    parentOriginal: parents(original),
    parentPatched: parents(patched),
    staticsOriginal,
    staticsPatched,
    sections: correlateSections(original, patched),
  };
}

/** Several candidates with one key on each side: pair them in symbol-table order, the rest stay unpaired. */
function pairInOrder(b: Bucket, pair: (o: Entity, p: Entity, how: PairingMethod) => void): void {
  const byIndex = (x: Entity, y: Entity) => x.symbolIndex - y.symbolIndex;
  const os = [...b.o].sort(byIndex);
  const ps = [...b.p].sort(byIndex);
  const n = Math.min(os.length, ps.length);
  for (let i = 0; i < n; i++) pair(os[i]!, ps[i]!, "ordinal");
}

/** Per entity: the function it is a `.cold`/`.part` piece of (same side), or -1. */
function parents(view: ObjectView): Int32Array {
  const out = new Int32Array(view.entities.length).fill(-1);
  if (!view.functions.some((f) => childKind(f.name) !== undefined)) return out;
  const byKey = new Map<string, Entity>();
  for (const f of view.functions) if (!byKey.has(f.name.key)) byKey.set(f.name.key, f);
  for (const f of view.functions) {
    if (!childKind(f.name)) continue;
    const k = parentKey(f.name);
    const parent = k === undefined ? undefined : byKey.get(k);
    if (parent && parent !== f) out[f.index] = parent.index;
  }
  return out;
}
