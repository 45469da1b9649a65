import { posix } from "node:path";
import type { Analysis } from "./analysis.js";
import type { DebugInfo } from "./debuginfo.js";
import type { Finding, Report } from "./report.js";

type Location = NonNullable<Finding["location"]>;

/**
 * Fills `location` on each finding: the source file and line where DWARF declares the function, variable or
 * type the finding is about, from the patched build first, then the original. Findings about a section only,
 * or about something DWARF does not describe, get none (SARIF then points at the object).
 */
export function locateFindings(report: Report, a: Analysis): Report {
  const sides = [a.debug.patched, a.debug.original].filter((d): d is DebugInfo => d !== undefined);
  if (sides.length === 0) return report;
  // Only the types findings name are located: every type of both builds took time and memory for nothing.
  const wanted = new Set<string>();
  for (const f of report.findings) if (!f.location && f.type !== undefined) wanted.add(f.type);
  const types = sides.map((d) => typeLocations(d, wanted));
  for (const f of report.findings) {
    if (f.location) continue;
    let loc: Location | undefined;
    for (let i = 0; i < sides.length && !loc; i++) {
      const d = sides[i]!;
      if (f.symbol !== undefined) {
        const e = d.subprogramBySymbol.get(f.symbol) ?? d.variableBySymbol.get(f.symbol);
        loc = location(d, e?.file, e?.line);
      }
      if (!loc && f.type !== undefined) loc = types[i]!.get(f.type);
    }
    if (loc) f.location = loc;
  }
  return report;
}

/** Where DWARF declares each of the `wanted` types that it declares (its first definition with a file). */
function typeLocations(d: DebugInfo, wanted: ReadonlySet<string>): Map<string, Location> {
  const out = new Map<string, Location>();
  if (wanted.size === 0) return out;
  for (const t of d.info.types.values()) {
    if (t.name === "" || !wanted.has(t.name) || t.declaration || out.has(t.name)) continue;
    if (
      t.kind !== "struct" &&
      t.kind !== "union" &&
      t.kind !== "class" &&
      t.kind !== "enum" &&
      t.kind !== "typedef"
    )
      continue;
    const loc = location(d, t.file, t.line);
    if (loc) out.set(t.name, loc);
  }
  return out;
}

function location(d: DebugInfo, file: string | undefined, line: number | undefined): Location | undefined {
  if (file === undefined || file === "") return undefined;
  const compDir = d.info.units[0]?.compDir;
  const path =
    !posix.isAbsolute(file) && compDir && posix.isAbsolute(compDir) ? posix.join(compDir, file) : file;
  return { file: path, ...(line !== undefined && line > 0 ? { line } : {}) };
}
