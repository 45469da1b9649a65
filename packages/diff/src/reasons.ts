import { match } from "ts-pattern";
import type { EntityKind } from "./object.js";
import type { ReasonDetail } from "./report.js";

/** The words for one structured reason: what a person reads in `reasons`. */
export function reasonText(d: ReasonDetail, kind: EntityKind): string {
  const what = kind === "function" ? "code" : "initial value";
  return match(d)
    .with({ kind: "size" }, (x) => `size changed from ${x.original} to ${x.patched} bytes`)
    .with(
      { kind: "bytes" },
      (x) =>
        `${what} differs from offset 0x${x.offset.toString(16)} (${x.original || "end"} → ${x.patched || "end"})`,
    )
    .with({ kind: "relocation" }, (x) => {
      const at = `relocation at +0x${x.offset.toString(16)}${x.type ? ` (${x.type})` : ""}`;
      if (x.original !== undefined && x.patched !== undefined) {
        return x.original === x.patched
          ? `${at} to ${x.patched} has a different addend`
          : `${at} now refers to ${x.patched} instead of ${x.original}`;
      }
      if (x.patched !== undefined) return `${at}: new reference to ${x.patched}`;
      return `${at}: reference to ${x.original ?? "?"} is gone`;
    })
    .with({ kind: "reference-added" }, (x) => `now refers to ${x.target}`)
    .with({ kind: "reference-removed" }, (x) => `no longer refers to ${x.target}`)
    .with({ kind: "referenced-data-changed" }, (x) => `the ${x.target} it uses changed`)
    .with(
      { kind: "string" },
      (x) => `string literal changed: ${JSON.stringify(x.original)} → ${JSON.stringify(x.patched)}`,
    )
    .with(
      { kind: "line-number" },
      (x) =>
        `only a line number immediate changed (${x.original} → ${x.patched} at +0x${x.offset.toString(16)}): the source moved, the logic did not`,
    )
    .with({ kind: "inlined-callee" }, (x) => `inlines ${x.callee}(), ${x.evidence}`)
    .with({ kind: "child-changed" }, (x) => `its part ${x.child} changed`)
    .with({ kind: "section" }, (x) => `moved from section ${x.original} to ${x.patched}`)
    .with({ kind: "binding" }, (x) => `binding changed from ${x.original} to ${x.patched}`)
    .with({ kind: "symbol-type" }, (x) => `symbol type changed from ${x.original} to ${x.patched}`)
    .with({ kind: "signature" }, (x) => `signature changed: ${x.original} → ${x.patched}`)
    .with({ kind: "static-local-dropped" }, (x) => `no longer uses its static local ${x.variable}`)
    .with({ kind: "special-section-entry" }, (x) => {
      const at = `its ${x.section} entry at +0x${x.offset.toString(16)}`;
      if (x.change === "added") return `${at} is new${x.patched ? ` (${x.patched})` : ""}`;
      if (x.change === "removed") return `${at} is gone${x.original ? ` (${x.original})` : ""}`;
      return `${at} changed${x.original && x.patched ? ` (${x.original} → ${x.patched})` : ""}`;
    })
    .exhaustive();
}
