import type { Entity } from "../object.js";
import type { ReasonDetail } from "../report.js";
import { compareRanges } from "./bytes.js";
import type { Keys } from "./keys.js";
import { type Outcome, outcomes, symbolInfoChanges } from "./outcome.js";

/**
 * Data objects: initial bytes and relocations (pointers compare by what they point at, strings by their
 * text), size, section (by its normalised name: `.data.x` → `.rodata.x` is a change, `.bss.n.0` →
 * `.bss.n.3` is not), binding and symbol type. Zero-initialised objects (`.bss`, `.tbss`, COMMON) compare
 * by size; one that moves from `.bss` to `.data` compares its new bytes against zeros.
 */
export function compareData(keys: Keys): Outcome[] {
  return outcomes(keys, "data", (o, p) => compareDatum(keys, o, p));
}

function compareDatum(keys: Keys, o: Entity, p: Entity): ReasonDetail[] {
  const details = compareRanges(keys, o, p).details;
  const os = o.section < 0 ? "COMMON" : keys.view("original").sectionKey(o.section);
  const ps = p.section < 0 ? "COMMON" : keys.view("patched").sectionKey(p.section);
  if (os !== ps) {
    details.push({
      kind: "section",
      original: keys.view("original").sectionName(o.section),
      patched: keys.view("patched").sectionName(p.section),
    });
  }
  return [...details, ...symbolInfoChanges(o, p)];
}
