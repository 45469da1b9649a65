import type { Finding, Report, SymbolEntry, TypeEntry } from "@elfdelta/diff";
import { layoutLines, member, place } from "./diff-layout.js";

/**
 * The report as a person reads it in a terminal: the verdict first, then the findings (errors first, each
 * with what to do), then the changed / new / removed functions and data with their reasons, then the
 * changed types with a before/after table of their members.
 */
export function renderDiffText(r: Report): string {
  const out: string[] = [];
  const errors = r.findings.filter((f) => f.severity === "error").length;
  const warnings = r.findings.filter((f) => f.severity === "warning").length;
  const verdict =
    r.verdict === "safe"
      ? "SAFE: the patch can be applied by replacing functions"
      : "UNSUPPORTED: the patch cannot be applied by replacing functions alone";
  out.push(`${verdict} (${plural(errors, "error")}, ${plural(warnings, "warning")})`);
  out.push(
    `  original: ${r.original.path}  [${r.original.machine}, ${r.original.class}-bit ${r.original.endian}-endian]`,
  );
  out.push(`  patched:  ${r.patched.path}`);
  if (r.profile) out.push(`  profile:  ${r.profile}`);

  const shown = r.findings.filter((f) => f.severity !== "info" || f.rule !== "no-change");
  if (shown.length > 0) {
    out.push("", "Findings:");
    for (const f of r.findings) out.push(...finding(f));
  } else if (r.findings.some((f) => f.rule === "no-change")) {
    out.push("", "Nothing changed: there is nothing to patch.");
  }

  out.push(...symbols("Functions", r.functions));
  out.push(...symbols("Data", r.data));
  out.push(...types(r.types));
  return `${out.join("\n")}\n`;
}

function finding(f: Finding): string[] {
  const where = [
    f.symbol ? `symbol ${f.symbol}` : "",
    f.type ? `type ${f.type}` : "",
    f.section ? `section ${f.section}` : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  const lines = [`  ${f.severity.padEnd(7)} ${f.rule}: ${f.message}${where ? `  [${where}]` : ""}`];
  if (f.help && f.severity !== "info") lines.push(`          ${f.help}`);
  return lines;
}

function symbols(title: string, entries: readonly SymbolEntry[]): string[] {
  const visible = entries.filter((e) => !e.compilerGenerated || e.status !== "unchanged");
  const count = (s: SymbolEntry["status"]) => visible.filter((e) => e.status === s).length;
  const out = [
    "",
    `${title}: ${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged`,
  ];
  for (const e of visible) {
    if (e.status === "unchanged") continue;
    const extra: string[] = [];
    if (e.patchedName) extra.push(`now ${e.patchedName}`);
    if (e.parent) extra.push(`part of ${e.parent}`);
    if (e.staticLocal) extra.push(`static local of ${e.staticLocal.function ?? "?"}()`);
    if (e.compilerGenerated) extra.push("compiler-generated");
    out.push(
      `  ${e.status.padEnd(8)} ${displayName(e)}  (${e.section}${extra.length > 0 ? `; ${extra.join("; ")}` : ""})`,
    );
    for (const why of e.reasons) out.push(`             - ${why}`);
  }
  return out;
}

function displayName(e: SymbolEntry): string {
  return e.staticLocal?.function
    ? `${e.staticLocal.function}::${e.staticLocal.variable} (${e.name})`
    : e.name;
}

function types(entries: readonly TypeEntry[]): string[] {
  const changed = entries.filter((t) => t.status !== "unchanged");
  if (entries.length === 0) return [];
  const count = (s: TypeEntry["status"]) => entries.filter((t) => t.status === s).length;
  const out = [
    "",
    `Types: ${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged`,
  ];
  for (const t of changed) {
    const size =
      t.size &&
      t.size.original !== undefined &&
      t.size.patched !== undefined &&
      t.size.original !== t.size.patched
        ? `, ${t.size.original} → ${t.size.patched} bytes`
        : t.size?.original !== undefined
          ? `, ${t.size.original} bytes`
          : "";
    out.push(`  ${t.status.padEnd(8)} ${t.kind} ${t.name}${size}`);
    if (t.status !== "changed") continue;
    for (const c of t.changes) out.push(`             - ${c.message}`);
    if (t.usedBy.length > 0) out.push(`             used by: ${t.usedBy.map((n) => `${n}()`).join(", ")}`);
    const lines = layoutLines(t);
    if (lines.length > 0) {
      const left = lines.map((l) => `${place(l.before).padStart(6)}  ${member(l.before)}`);
      const width = Math.max(24, ...left.map((s) => s.length));
      out.push(`             ${"before".padEnd(width)}   after`);
      const right = lines.map((l) => `${place(l.after).padStart(6)}  ${member(l.after)}`);
      const rwidth = Math.max(...right.map((s) => s.length));
      lines.forEach((l, i) => {
        out.push(
          `             ${left[i]!.padEnd(width)}   ${right[i]!.padEnd(rwidth)}${l.mark ? `   <- ${l.mark}` : ""}`.trimEnd(),
        );
      });
    }
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
