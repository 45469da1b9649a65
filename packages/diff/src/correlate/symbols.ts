import { STB } from "@elfdelta/elf";
import type { Entity, ObjectView } from "../object.js";
import { KeyTable } from "./keytable.js";
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

/** The methods by their code in `Correlation.method` (0: not paired). */
const PAIRING_METHODS: readonly (PairingMethod | undefined)[] = [
  undefined,
  "name",
  "normalized-name",
  "static-local-users",
  "ordinal",
];
/** Each method's code: its place in `PAIRING_METHODS`. */
const METHOD_CODE: ReadonlyMap<PairingMethod | undefined, number> = new Map(
  PAIRING_METHODS.map((m, code) => [m, code]),
);

/** How original entity `index` was paired (undefined: it was not). */
export function pairingMethod(corr: Correlation, index: number): PairingMethod | undefined {
  return PAIRING_METHODS[corr.method[index] ?? 0];
}

/** A correlation is data: which entity of one side corresponds to which of the other, and how. */
export interface Correlation {
  readonly original: ObjectView;
  readonly patched: ObjectView;
  /** Original entity index → patched entity index, or -1. */
  readonly forward: Int32Array;
  /** Patched entity index → original entity index, or -1. */
  readonly backward: Int32Array;
  /** Original entity index → how it was paired, as a code (a byte an entity; see `pairingMethod`). */
  readonly method: Uint8Array;
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

/**
 * The original entities under one key when there are several, and the patched ones that share it (paired
 * in symbol-table order once both sides are known).
 */
interface Bucket {
  readonly o: Entity[];
  readonly p: Entity[];
}

/** The groups of `classify`: a function and a variable of one name never pair. */
const FUNCTIONS = 0;
const OBJECTS = 1;
const STATICS = 2;
type Group = typeof FUNCTIONS | typeof OBJECTS | typeof STATICS;

/** Pairs the functions and data objects of two builds. Hashing only: linear in the number of symbols. */
export function correlate(
  original: ObjectView,
  patched: ObjectView,
  options: CorrelateOptions = {},
): Correlation {
  const forward = new Int32Array(original.entities.length).fill(-1);
  const backward = new Int32Array(patched.entities.length).fill(-1);
  const method = new Uint8Array(original.entities.length);
  const staticsOriginal = new Map<number, StaticLocal>();
  const staticsPatched = new Map<number, StaticLocal>();

  const pair = (o: Entity, p: Entity, how: PairingMethod): void => {
    forward[o.index] = p.index;
    backward[p.index] = o.index;
    method[o.index] = METHOD_CODE.get(how)!;
  };

  // Only the original side is indexed (by the normalised name): each patched entity looks its key up as it
  // is classified and pairs at once when one original has the key. A second index for the patched side,
  // and an array per key, took more memory than the pairing itself on objects with 100,000s of symbols.
  const index = new KeyTable(original.entities.length);
  /** By the first original entity of a key, when others share the key (rare). */
  const shared = new Map<number, Bucket>();
  classify(original, options.ownerHintsOriginal, staticsOriginal, (group, key, e) => {
    const first = index.add(group, key, e.index);
    if (first < 0) return;
    const b = shared.get(first);
    if (b) b.o.push(e);
    else shared.set(first, { o: [original.entities[first]!, e], p: [] });
  });
  const buckets: Bucket[] = [];
  classify(patched, options.ownerHintsPatched, staticsPatched, (group, key, p) => {
    const first = index.find(group, key);
    if (first < 0) return;
    const b = shared.size > 0 ? shared.get(first) : undefined;
    if (b) {
      if (b.p.length === 0) buckets.push(b);
      b.p.push(p);
      return;
    }
    const o = original.entities[first]!;
    const current = forward[first]!;
    if (current < 0) {
      pair(o, p, group === STATICS && o.name.inner.length === 0 ? "static-local-users" : byName(o, p));
      return;
    }
    // Several patched entities, one original: the first in symbol-table order pairs, by ordinal.
    if (p.symbolIndex < patched.entities[current]!.symbolIndex) {
      backward[current] = -1;
      pair(o, p, "ordinal");
    } else method[first] = METHOD_CODE.get("ordinal")!;
  });
  for (const b of buckets) pairInOrder(b, pair);

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

function byName(a: Entity, b: Entity): PairingMethod {
  return a.rawName === b.rawName ? "name" : "normalized-name";
}

/**
 * Calls `visit` with the pairing key of every entity of `view` that can pair, and describes the static
 * locals (and compiler-made local statics) into `out`.
 */
function classify(
  view: ObjectView,
  hints: OwnerHints | undefined,
  out: Map<number, StaticLocal>,
  visit: (group: Group, key: string, e: Entity) => void,
): void {
  const entities = view.entities;
  const users = staticUsers(view);
  // Indexed: an iterator here made a result object per entity.
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    // One parsed name per entity: `e.name` makes a new one per call for plain names.
    const name = e.name;
    // Compiler-made statics (__func__, CSWTCH, __key, ...) are never paired: their numbers say nothing
    // about which old one a new one is. References to them compare by content (see Keys). They are still
    // described, so that the report can name the function they belong to.
    if (name.compilerMade) {
      if (isLocalData(e)) out.set(e.index, describeMadeStatic(e, users(e), hints));
      continue;
    }
    if (isStaticLocal(e, name)) {
      const s = describeStatic(e, users(e), hints);
      out.set(e.index, s);
      visit(STATICS, `${e.kind}:${staticKey(s)}`, e);
    } else {
      visit(e.kind === "function" ? FUNCTIONS : OBJECTS, name.key, e);
    }
  }
}

const NO_USERS: readonly Entity[] = Object.freeze([]);

/**
 * `ObjectView.users` for the statics of `view`. With static locals of its own, the static-local rule will
 * index every relocation of the file (see rules/statics.ts), and `users` reads that index. With only
 * compiler-made statics (`__func__`, `CSWTCH`), nothing else needs it: their users are found together,
 * resolving only the relocations that can reach them.
 */
function staticUsers(view: ObjectView): (e: Entity) => readonly Entity[] {
  const statics: Entity[] = [];
  let locals = false;
  const entities = view.entities;
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    if (!isLocalData(e)) continue;
    const name = e.name;
    if (name.compilerMade) statics.push(e);
    else if (isStaticLocal(e, name)) locals = true;
  }
  if (locals) return (e) => view.users(e);
  if (statics.length === 0) return () => NO_USERS;
  // Keyed by primary entity: an alias has none of its own, as with `users`.
  const found = view.usersOfEach(statics);
  return (e) => found.get(e) ?? NO_USERS;
}

function isLocalData(e: Entity): boolean {
  return e.kind === "data" && e.bind === STB.LOCAL;
}

/** Several candidates with one key on each side: pair them in symbol-table order, the rest stay unpaired. */
function pairInOrder(b: Bucket, pair: (o: Entity, p: Entity, how: PairingMethod) => void): void {
  const byIndex = (x: Entity, y: Entity) => x.symbolIndex - y.symbolIndex;
  const os = b.o.sort(byIndex);
  const ps = b.p.sort(byIndex);
  const n = Math.min(os.length, ps.length);
  for (let i = 0; i < n; i++) pair(os[i]!, ps[i]!, "ordinal");
}

/** Per entity: the function it is a `.cold`/`.part` piece of (same side), or -1. */
function parents(view: ObjectView): Int32Array {
  const out = new Int32Array(view.entities.length).fill(-1);
  // Only a decorated name (it has a dot) can be a child: no parsed name made for the others.
  if (!view.functions.some((f) => f.rawName.includes(".") && childKind(f.name) !== undefined)) return out;
  const byKey = new Map<string, Entity>();
  for (const f of view.functions) if (!byKey.has(f.nameKey)) byKey.set(f.nameKey, f);
  for (const f of view.functions) {
    if (!childKind(f.name)) continue;
    const k = parentKey(f.name);
    const parent = k === undefined ? undefined : byKey.get(k);
    if (parent && parent !== f) out[f.index] = parent.index;
  }
  return out;
}
