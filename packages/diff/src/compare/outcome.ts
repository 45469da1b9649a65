import { symbolBindNames, symbolTypeNames } from "@elfdelta/elf";
import { type PairingMethod, pairingMethod } from "../correlate/symbols.js";
import { bySection, type Entity, type EntityKind } from "../object.js";
import type { IgnoredDifference, ReasonDetail, Status } from "../report.js";
import type { Keys } from "./keys.js";

/** What the comparison decided for one symbol (a function or a data object) of either build. */
export class Outcome {
  status: Status;
  /** Shared and frozen while empty (most outcomes): add to it through `addDetail`. */
  details: readonly ReasonDetail[];
  readonly original: Entity | undefined;
  readonly patched: Entity | undefined;
  /**
   * How the pair was paired and the differences a profile discounted, in one field: an object of every
   * entity of the pair's kind (hundreds of thousands) otherwise carries two fields nearly always empty.
   */
  readonly #extra: PairingMethod | Discounted | undefined;

  constructor(
    status: Status,
    original: Entity | undefined,
    patched: Entity | undefined,
    details: readonly ReasonDetail[],
    pairing?: PairingMethod,
    ignored?: IgnoredDifference[],
  ) {
    this.status = status;
    this.details = details;
    this.original = original;
    this.patched = patched;
    this.#extra = ignored === undefined ? pairing : { pairing, ignored };
  }

  get kind(): EntityKind {
    return (this.original ?? this.patched)!.kind;
  }
  get pairing(): PairingMethod | undefined {
    const x = this.#extra;
    return typeof x === "object" ? x.pairing : x;
  }
  /** Differences a profile discounted (the pair stays unchanged): what they were and why. */
  get ignored(): IgnoredDifference[] | undefined {
    const x = this.#extra;
    return typeof x === "object" ? x.ignored : undefined;
  }
}

interface Discounted {
  readonly pairing: PairingMethod | undefined;
  readonly ignored: IgnoredDifference[];
}

/** The details of every outcome without any (hundreds of thousands of unchanged functions share it). */
export const NO_DETAILS: readonly ReasonDetail[] = Object.freeze([]);

/** Appends a detail to an outcome (its first one replaces the shared empty list). */
export function addDetail(r: Outcome, d: ReasonDetail): void {
  if (r.details === NO_DETAILS) r.details = [d];
  else (r.details as ReasonDetail[]).push(d);
}

/** What comparing a pair found: the details that stand (none: unchanged), and the discounted ones. */
export type Compared = ReasonDetail[] | { details: ReasonDetail[]; ignored: IgnoredDifference[] };

/** Binding and symbol-type differences of a pair (a global made static, a function made an object). */
export function symbolInfoChanges(o: Entity, p: Entity): ReasonDetail[] {
  const out: ReasonDetail[] = [];
  if (o.bind !== p.bind) {
    out.push({ kind: "binding", original: bindName(o.bind), patched: bindName(p.bind) });
  }
  if (o.symbolType !== p.symbolType) {
    out.push({ kind: "symbol-type", original: typeName(o.symbolType), patched: typeName(p.symbolType) });
  }
  return out;
}

export function bindName(b: number): string {
  return symbolBindNames.get(b) ?? String(b);
}

export function typeName(t: number): string {
  return symbolTypeNames.get(t) ?? String(t);
}

/** Outcomes for every entity of one kind: paired ones compared by `compare`, unpaired ones removed or new. */
export function outcomes(
  keys: Keys,
  kind: EntityKind,
  compare: (o: Entity, p: Entity) => Compared,
): Outcome[] {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  // Indexed loops: a for-of makes an iterator result per step until V8 optimises the loop.
  const originals = kind === "function" ? ov.functions : ov.data;
  const out: Outcome[] = new Array(originals.length);
  // Compared in the order of their sections, which is the order of their relocation tables in the file
  // (both builds': the patched one mostly keeps the original's order), read from disk as they are decoded
  // when the files were opened from paths (see openElf's streamRelocations). Listed in symbol order.
  const { order } = bySection(originals, ov.elf.headers.count);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const o = originals[i]!;
    const p = keys.counterpart("original", o);
    if (!p) {
      out[i] = new Outcome("removed", o, undefined, NO_DETAILS);
      continue;
    }
    const found = compare(o, p);
    const details = Array.isArray(found) ? found : found.details;
    out[i] = new Outcome(
      details.length > 0 ? "changed" : "unchanged",
      o,
      p,
      details.length > 0 ? details : NO_DETAILS,
      pairingMethod(keys.corr, o.index),
      !Array.isArray(found) && found.ignored.length > 0 ? found.ignored : undefined,
    );
  }
  const patcheds = kind === "function" ? pv.functions : pv.data;
  for (let i = 0; i < patcheds.length; i++) {
    const p = patcheds[i]!;
    if (keys.counterpart("patched", p)) continue;
    out.push(new Outcome("new", undefined, p, NO_DETAILS));
  }
  return out;
}
