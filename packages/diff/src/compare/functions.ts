import type { Entity } from "../object.js";
import { explainedByAnchors } from "./anchors.js";
import { compareRanges } from "./bytes.js";
import type { ComparisonHooks } from "./hooks.js";
import type { Keys } from "./keys.js";
import { type LineEvidence, lineNumberOnly } from "./lines.js";
import { addDetail, type Compared, type Outcome, outcomes, symbolInfoChanges } from "./outcome.js";

/**
 * Functions: paired ones are compared byte for byte with relocation fields masked and relocations matched
 * one to one. Two kinds of byte differences are then explained rather than reported raw: offsets from a
 * section anchor that moved only because the objects around it moved (GCC's -fsection-anchors without
 * -fdata-sections), and an immediate that changed by exactly as much as the function's source lines moved
 * (a `__LINE__` argument). The first makes the function unchanged; the second is still a change, reported
 * as "only a line number changed" so that a person can decide.
 */

export interface FunctionContext {
  readonly lines?: LineEvidence;
  /** The profile's refinements (see hooks.ts). */
  readonly hooks?: ComparisonHooks;
}

export function compareFunctions(keys: Keys, ctx: FunctionContext = {}): Outcome[] {
  const list = outcomes(keys, "function", (o, p) => compareFunction(keys, o, p, ctx));
  tieChildrenToParents(keys, list);
  return list;
}

function compareFunction(keys: Keys, o: Entity, p: Entity, ctx: FunctionContext): Compared {
  const diff = compareRanges(keys, o, p);
  let details = diff.details;
  if (details.length > 0 && !diff.sizeChanged) {
    if (explainedByAnchors(keys, o, p)) details = [];
    else if (!diff.relocsDiffer && diff.firstByte >= 0) {
      const line = lineNumberOnly(keys, o, p, ctx.lines);
      if (line) details = [line];
    }
  }
  const general = [...details, ...symbolInfoChanges(o, p)];
  return ctx.hooks?.function ? ctx.hooks.function(o, p, general) : general;
}

/**
 * `.cold` and `.part` pieces belong to a parent function: a changed (or appearing, or vanishing) piece
 * changes its parent's patch.
 */
function tieChildrenToParents(keys: Keys, list: Outcome[]): void {
  const po = keys.corr.parentOriginal;
  const pp = keys.corr.parentPatched;
  // Most objects have no pieces at all: then there is nothing to index.
  if (!po.some((i) => i >= 0) && !pp.some((i) => i >= 0)) return;
  const byOriginal = new Map<number, Outcome>();
  const byPatched = new Map<number, Outcome>();
  for (const r of list) {
    if (r.original) byOriginal.set(r.original.index, r);
    if (r.patched) byPatched.set(r.patched.index, r);
  }
  for (const r of list) {
    if (r.status === "unchanged") continue;
    let parent: Outcome | undefined;
    if (r.original) {
      const pi = po[r.original.index]!;
      if (pi >= 0) parent = byOriginal.get(pi);
    }
    if (!parent && r.patched) {
      const pi = pp[r.patched.index]!;
      if (pi >= 0) parent = byPatched.get(pi);
    }
    if (!parent || parent === r || !parent.original || !parent.patched) continue;
    const child = (r.original ?? r.patched)!.nameKey;
    if (parent.status === "unchanged") parent.status = "changed";
    addDetail(parent, { kind: "child-changed", child });
  }
}
