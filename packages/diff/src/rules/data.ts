import type { Outcome } from "../compare/outcome.js";
import type { Rule } from "./rule.js";

/** Existing data whose initial value, size or section changed (new data is fine). */
export const dataRules: Rule = {
  ids: ["data-changed", "data-size-changed", "data-section-changed"],
  run(ctx) {
    const data = ctx.analysis.data;
    // Indexed: an iterator made a result object per data object.
    for (let i = 0; i < data.length; i++) {
      const r = data[i]!;
      if (r.status !== "changed" || !r.original || !r.patched || r.original.compilerMade) continue;
      const name = r.original.rawName;
      const section = ctx.analysis.keys.view("original").sectionName(r.original.section);
      const label = dataLabel(ctx.analysis, r);
      const size = r.details.find((d) => d.kind === "size");
      if (size && size.kind === "size") {
        ctx.emit("data-size-changed", {
          message: `${label} changed size from ${size.original} to ${size.patched} bytes`,
          symbol: name,
          section,
        });
      }
      if (r.details.some((d) => d.kind === "bytes" || d.kind === "relocation" || d.kind === "string")) {
        const what =
          r.original.nobits && !r.patched.nobits ? "is now initialised" : "has a different initial value";
        ctx.emit("data-changed", { message: `${label} ${what}`, symbol: name, section });
      }
      const sec = r.details.find((d) => d.kind === "section");
      if (sec && sec.kind === "section") {
        ctx.emit("data-section-changed", {
          message: `${label} moved from ${sec.original} to ${sec.patched}`,
          symbol: name,
          section,
        });
      }
    }
  },
};

export function dataLabel(
  a: { corr: { staticsOriginal: ReadonlyMap<number, { variable: string; owner?: string }> } },
  r: Outcome,
): string {
  const e = (r.original ?? r.patched)!;
  const s = r.original ? a.corr.staticsOriginal.get(r.original.index) : undefined;
  if (s) return s.owner ? `static local ${s.variable} of ${s.owner}()` : `static local ${s.variable}`;
  return `${e.tls ? "thread-local " : ""}data object ${e.rawName}`;
}
