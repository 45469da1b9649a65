import type { EntityKind } from "./object.js";
import type { ReasonDetail } from "./report.js";

/**
 * The words for one structured reason: what a person reads in `reasons`. A switch, not a pattern match:
 * called for every detail of every changed symbol, and a match made a dozen objects per call.
 */
export function reasonText(d: ReasonDetail, kind: EntityKind): string {
  switch (d.kind) {
    case "size":
      return `size changed from ${d.original} to ${d.patched} bytes`;
    case "bytes": {
      const what = kind === "function" ? "code" : "initial value";
      return `${what} differs from offset 0x${d.offset.toString(16)} (${d.original || "end"} → ${d.patched || "end"})`;
    }
    case "relocation": {
      const at = `relocation at +0x${d.offset.toString(16)}${d.type ? ` (${d.type})` : ""}`;
      if (d.original !== undefined && d.patched !== undefined) {
        return d.original === d.patched
          ? `${at} to ${d.patched} has a different addend`
          : `${at} now refers to ${d.patched} instead of ${d.original}`;
      }
      if (d.patched !== undefined) return `${at}: new reference to ${d.patched}`;
      return `${at}: reference to ${d.original ?? "?"} is gone`;
    }
    case "reference-added":
      return `now refers to ${d.target}`;
    case "reference-removed":
      return `no longer refers to ${d.target}`;
    case "referenced-data-changed":
      return `the ${d.target} it uses changed`;
    case "string":
      return `string literal changed: ${JSON.stringify(d.original)} → ${JSON.stringify(d.patched)}`;
    case "line-number":
      return `only a line number immediate changed (${d.original} → ${d.patched} at +0x${d.offset.toString(16)}): the source moved, the logic did not`;
    case "inlined-callee":
      return `inlines ${d.callee}(), ${d.evidence}`;
    case "child-changed":
      return `its part ${d.child} changed`;
    case "section":
      return `moved from section ${d.original} to ${d.patched}`;
    case "binding":
      return `binding changed from ${d.original} to ${d.patched}`;
    case "symbol-type":
      return `symbol type changed from ${d.original} to ${d.patched}`;
    case "signature":
      return `signature changed: ${d.original} → ${d.patched}`;
    case "static-local-dropped":
      return `no longer uses its static local ${d.variable}`;
    case "special-section-entry": {
      const at = `its ${d.section} entry at +0x${d.offset.toString(16)}`;
      if (d.change === "added") return `${at} is new${d.patched ? ` (${d.patched})` : ""}`;
      if (d.change === "removed") return `${at} is gone${d.original ? ` (${d.original})` : ""}`;
      return `${at} changed${d.original && d.patched ? ` (${d.original} → ${d.patched})` : ""}`;
    }
    default:
      return unknownReason(d);
  }
}

/** Every kind is handled above: a new one fails to type-check here. */
function unknownReason(d: never): never {
  throw new Error(`unknown reason ${JSON.stringify(d)}`);
}
