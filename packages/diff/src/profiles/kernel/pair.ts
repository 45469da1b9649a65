import type { Keys, Side } from "../../compare/keys.js";
import type { Entity, ObjectView } from "../../object.js";
import type { ProfileOptions } from "../profile.js";
import { archOf } from "./arch.js";
import { indexEntries, type SideEntries } from "./entries.js";
import { type ProfilingEntry, profilingEntry } from "./profiling.js";
import { type KernelArch, type LayoutTable, specialSectionTable } from "./tables/index.js";

/**
 * What the kernel profile knows about one pair of builds, computed once when the pair is compared and
 * shared with the kernel rules: the architecture, the special-section layouts (built-in sizes plus the
 * caller's overrides), each build's special-section entries by function, and each function's profiling
 * entry.
 */
export interface KernelPair {
  readonly keys: Keys;
  readonly arch: KernelArch | undefined;
  readonly table: LayoutTable;
  readonly original: KernelSide;
  readonly patched: KernelSide;
  side(s: Side): KernelSide;
}

export interface KernelSide {
  readonly view: ObjectView;
  readonly entries: SideEntries;
  /** The function's profiling entry, or undefined when it has none (a `notrace` function). */
  profiling(e: Entity): ProfilingEntry | undefined;
}

const PAIRS = new WeakMap<Keys, KernelPair>();

/**
 * The kernel facts of the pair `keys` compares: made with `options` the first time, then shared (the rules
 * find the pair the comparison made).
 */
export function kernelPair(keys: Keys, options: ProfileOptions = {}): KernelPair {
  const hit = PAIRS.get(keys);
  if (hit) return hit;
  const ov = keys.view("original");
  const arch = archOf(ov);
  const table = specialSectionTable(arch, options.specialSectionSizes);
  const side = (s: Side): KernelSide => {
    const view = keys.view(s);
    const entries = indexEntries(keys, s, table);
    const cache = new Map<Entity, ProfilingEntry | null>();
    return {
      view,
      entries,
      profiling(e) {
        const p = view.primary(e);
        let hitP = cache.get(p);
        if (hitP === undefined) {
          hitP = profilingEntry(view, arch, entries, p) ?? null;
          cache.set(p, hitP);
        }
        return hitP ?? undefined;
      },
    };
  };
  const original = side("original");
  const patched = side("patched");
  const pair: KernelPair = {
    keys,
    arch,
    table,
    original,
    patched,
    side: (s) => (s === "original" ? original : patched),
  };
  PAIRS.set(keys, pair);
  return pair;
}
