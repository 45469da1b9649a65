import {
  type Finding,
  isComparedPair,
  type Report,
  type SymbolEntry,
  type TreeReport,
  type TypeEntry,
} from "@elfdelta/diff";
import { layoutLines, member, place } from "./diff-layout.js";

export interface MarkdownOptions {
  /** Only the heading (`--quiet`). */
  readonly quiet?: boolean;
  readonly failOnWarning?: boolean;
}

/** The report as Markdown, for a pull-request comment: verdict, findings, changes, type layouts. */
export function renderDiffMarkdown(r: Report, opts: MarkdownOptions = {}): string {
  const out = [`## ${heading(r, opts)}`];
  if (opts.quiet) return `${out[0]}\n`;
  out.push(...body(r, "###"));
  return `${out.join("\n")}\n`;
}

function heading(r: Report, opts: MarkdownOptions): string {
  const live = r.findings.filter((f) => !f.waived);
  const errors = live.filter((f) => f.severity === "error").length;
  const warnings = live.filter((f) => f.severity === "warning").length;
  if (r.verdict !== "safe")
    return `elfdelta: unsupported live patch (${errors} error${errors === 1 ? "" : "s"})`;
  if (opts.failOnWarning && warnings > 0)
    return `elfdelta: safe to live-patch, but ${warnings} warning${warnings === 1 ? "" : "s"} fail the gate`;
  return "elfdelta: safe to live-patch";
}

function body(r: Report, h: string): string[] {
  const out = [
    "",
    `\`${r.original.path}\` → \`${r.patched.path}\` (${r.original.machine}${r.profile ? `, profile ${r.profile}` : ""})`,
  ];
  if (r.findings.length > 0) {
    out.push("", `${h} Findings`, "", "| severity | rule | message | where |", "| --- | --- | --- | --- |");
    for (const f of r.findings) out.push(findingRow(f));
  }
  out.push(...symbols(h, "Functions", r.functions), ...symbols(h, "Data", r.data), ...types(h, r.types));
  return out;
}

function findingRow(f: Finding): string {
  const where = [
    f.symbol ? `symbol \`${f.symbol}\`` : "",
    f.type ? `type \`${f.type}\`` : "",
    f.section ? `section \`${f.section}\`` : "",
    f.location ? `\`${f.location.file}${f.location.line ? `:${f.location.line}` : ""}\`` : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  const severity = f.waived ? `~~${f.severity}~~ waived` : f.severity;
  const message = f.waived
    ? `${f.message} — *waived: ${f.waived.reason}${f.waived.expires ? ` (until ${f.waived.expires})` : ""}*`
    : f.message;
  return `| ${severity} | \`${f.rule}\` | ${cell(message)} | ${cell(where)} |`;
}

function symbols(h: string, title: string, entries: readonly SymbolEntry[]): string[] {
  const moved = entries.filter((e) => e.status !== "unchanged");
  const unchanged = entries.length - moved.length;
  const out = ["", `${h} ${title}`, "", `${moved.length} changed, new or removed; ${unchanged} unchanged.`];
  if (moved.length === 0) return out;
  out.push("", "| status | name | section | reasons |", "| --- | --- | --- | --- |");
  for (const e of moved) {
    const name = e.staticLocal?.function ? `${e.staticLocal.function}::${e.staticLocal.variable}` : e.name;
    const reasons = [...e.reasons, ...(e.ignored ? ["ignored by the policy"] : [])];
    out.push(`| ${e.status} | \`${name}\` | \`${e.section}\` | ${cell(reasons.join("; "))} |`);
  }
  const discounted = entries.filter(
    (e) => e.status === "unchanged" && (e.ignoredDifferences?.length ?? 0) > 0,
  );
  if (discounted.length > 0) {
    out.push("", "Unchanged once the profile's rules are applied:", "");
    for (const e of discounted) {
      const why = (e.ignoredDifferences ?? []).map((d) => `${d.why}: ${d.message}`).join("; ");
      out.push(`- \`${e.name}\` — ${cell(why)}`);
    }
  }
  return out;
}

function types(h: string, entries: readonly TypeEntry[]): string[] {
  const moved = entries.filter((t) => t.status !== "unchanged");
  if (moved.length === 0) return [];
  const out = ["", `${h} Types`];
  for (const t of moved) {
    out.push("", `**${t.kind} ${t.name}** (${t.status})`);
    for (const c of t.changes) out.push(`- ${cell(c.message)}`);
    if (t.usedBy.length > 0) out.push(`- used by: ${t.usedBy.map((n) => `\`${n}()\``).join(", ")}`);
    const lines = layoutLines(t);
    if (lines.length > 0) {
      out.push(
        "",
        "| before offset | size | member | after offset | size | member | |",
        "| ---: | ---: | --- | ---: | ---: | --- | --- |",
      );
      for (const l of lines) {
        const mark = l.mark ? `**${l.mark}**` : "";
        out.push(
          `| ${place(l.before)} | ${l.before?.size ?? ""} | ${cell(member(l.before))} | ${place(l.after)} | ${l.after?.size ?? ""} | ${cell(member(l.after))} | ${mark} |`,
        );
      }
    }
  }
  return out;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * Two directories or archives as one pull-request comment: the verdict, a table of the pairs, then each pair
 * that changed in a collapsed section.
 */
export function renderTreeMarkdown(t: TreeReport, opts: MarkdownOptions = {}): string {
  const sum = t.summary;
  const f = sum.findings;
  const head =
    sum.verdict !== "safe"
      ? `elfdelta: unsupported live patch (${sum.unsupported} of ${sum.compared} objects, ${f.errors} error${f.errors === 1 ? "" : "s"})`
      : opts.failOnWarning && f.warnings > 0
        ? `elfdelta: safe to live-patch, but ${f.warnings} warning${f.warnings === 1 ? "" : "s"} fail the gate`
        : `elfdelta: safe to live-patch (${sum.compared} objects)`;
  const out = [`## ${head}`];
  if (opts.quiet) return `${out[0]}\n`;
  out.push(
    "",
    `\`${t.original}\` → \`${t.patched}\` (${t.kind}${t.profile ? `, profile ${t.profile}` : ""}): ${sum.compared} compared, ${sum.new} new, ${sum.removed} removed, ${sum.errors} could not be compared.`,
    "",
    "| object | result | errors | warnings | waived | functions changed or new |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  );
  for (const p of t.pairs) {
    if (!isComparedPair(p)) {
      const what =
        p.status === "error"
          ? `error: ${p.error.code}`
          : p.status === "new"
            ? "new object"
            : "removed object";
      out.push(`| \`${cell(p.name)}\` | ${cell(what)} | | | | |`);
      continue;
    }
    const live = p.findings.filter((x) => !x.waived);
    const count = (sev: string) => live.filter((x) => x.severity === sev).length;
    const changed = p.functions.filter((x) => x.status !== "unchanged").length;
    out.push(
      `| \`${cell(p.name)}\` | ${p.verdict} | ${count("error")} | ${count("warning")} | ${p.findings.length - live.length} | ${changed} |`,
    );
  }
  for (const p of t.pairs) {
    if (!isComparedPair(p)) {
      if (p.status === "error")
        out.push("", `**${cell(p.name)}** could not be compared: ${cell(p.error.message)}`);
      continue;
    }
    const quiet =
      p.verdict === "safe" &&
      p.findings.every((x) => x.rule === "no-change") &&
      p.functions.every((x) => x.status === "unchanged") &&
      p.data.every((x) => x.status === "unchanged");
    if (quiet) continue;
    out.push(
      "",
      `<details><summary><code>${html(p.name)}</code>: ${p.verdict}</summary>`,
      ...body(p, "####"),
      "",
      "</details>",
    );
  }
  return `${out.join("\n")}\n`;
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
