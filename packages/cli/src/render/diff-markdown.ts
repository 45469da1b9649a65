import type { Report, SymbolEntry, TypeEntry } from "@elfdelta/diff";
import { layoutLines, member, place } from "./diff-layout.js";

/** The report as Markdown, for a pull-request comment: verdict, findings, changes, type layouts. */
export function renderDiffMarkdown(r: Report): string {
  const out: string[] = [];
  const errors = r.findings.filter((f) => f.severity === "error").length;
  out.push(
    r.verdict === "safe"
      ? "## elfdelta: safe to live-patch"
      : `## elfdelta: unsupported live patch (${errors} error${errors === 1 ? "" : "s"})`,
  );
  out.push(
    "",
    `\`${r.original.path}\` → \`${r.patched.path}\` (${r.original.machine}${r.profile ? `, profile ${r.profile}` : ""})`,
  );
  if (r.findings.length > 0) {
    out.push("", "### Findings", "", "| severity | rule | message |", "| --- | --- | --- |");
    for (const f of r.findings) out.push(`| ${f.severity} | \`${f.rule}\` | ${cell(f.message)} |`);
  }
  out.push(...symbols("Functions", r.functions), ...symbols("Data", r.data), ...types(r.types));
  return `${out.join("\n")}\n`;
}

function symbols(title: string, entries: readonly SymbolEntry[]): string[] {
  const moved = entries.filter((e) => e.status !== "unchanged");
  const unchanged = entries.length - moved.length;
  const out = ["", `### ${title}`, "", `${moved.length} changed, new or removed; ${unchanged} unchanged.`];
  if (moved.length === 0) return out;
  out.push("", "| status | name | section | reasons |", "| --- | --- | --- | --- |");
  for (const e of moved) {
    const name = e.staticLocal?.function ? `${e.staticLocal.function}::${e.staticLocal.variable}` : e.name;
    out.push(`| ${e.status} | \`${name}\` | \`${e.section}\` | ${cell(e.reasons.join("; "))} |`);
  }
  return out;
}

function types(entries: readonly TypeEntry[]): string[] {
  const moved = entries.filter((t) => t.status !== "unchanged");
  if (moved.length === 0) return [];
  const out = ["", "### Types"];
  for (const t of moved) {
    out.push("", `**${t.kind} ${t.name}** (${t.status})`);
    for (const c of t.changes) out.push(`- ${cell(c.message)}`);
    if (t.usedBy.length > 0) out.push(`- used by: ${t.usedBy.map((n) => `\`${n}()\``).join(", ")}`);
    const lines = layoutLines(t);
    if (lines.length > 0) {
      out.push("", "| before | | after | | |", "| ---: | --- | ---: | --- | --- |");
      for (const l of lines) {
        out.push(
          `| ${place(l.before)} | ${cell(member(l.before))} | ${place(l.after)} | ${cell(member(l.after))} | ${l.mark} |`,
        );
      }
    }
  }
  return out;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
