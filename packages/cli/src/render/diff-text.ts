import {
  type ComparedPair,
  type Finding,
  isComparedPair,
  type Report,
  type SymbolEntry,
  type TreePair,
  type TreeReport,
  type TypeEntry,
} from "@elfdelta/diff";
import { type LayoutLine, layoutLines, member, place } from "./diff-layout.js";
import { PLAIN, type Style } from "./style.js";

export interface TextOptions {
  readonly style?: Style;
  /** Only the verdict line (`--quiet`). */
  readonly quiet?: boolean;
  /** Set when warnings fail the gate (`--fail-on warning`): the verdict line says so. */
  readonly failOnWarning?: boolean;
}

/**
 * The report as a person reads it in a terminal: the verdict first, then the findings (errors first, each
 * with what to do; waived ones last, with their reason), then the changed / new / removed functions and data
 * with their reasons, then the changed types with a before/after table of their members (offset, size,
 * member) where what moved is marked.
 */
export function renderDiffText(r: Report, opts: TextOptions = {}): string {
  const s = opts.style ?? PLAIN;
  const out = [verdictLine(r, opts)];
  if (opts.quiet) return `${out[0]}\n`;
  out.push(
    `  original: ${r.original.path}  [${r.original.machine}, ${r.original.class}-bit ${r.original.endian}-endian]`,
  );
  out.push(`  patched:  ${r.patched.path}`);
  if (r.profile) out.push(`  profile:  ${r.profile}`);

  const shown = r.findings.filter((f) => f.severity !== "info" || f.rule !== "no-change");
  if (shown.length > 0) {
    out.push("", s.bold("Findings:"));
    for (const f of r.findings) out.push(...finding(f, s));
  } else if (r.findings.some((f) => f.rule === "no-change")) {
    out.push("", "Nothing changed: there is nothing to patch.");
  }

  out.push(...symbols("Functions", r.functions, s));
  out.push(...symbols("Data", r.data, s));
  out.push(...types(r.types, s));
  return `${out.join("\n")}\n`;
}

function counted(r: Report): { errors: number; warnings: number; waived: number } {
  const live = r.findings.filter((f) => !f.waived);
  return {
    errors: live.filter((f) => f.severity === "error").length,
    warnings: live.filter((f) => f.severity === "warning").length,
    waived: r.findings.length - live.length,
  };
}

function verdictLine(r: Report, opts: TextOptions): string {
  const s = opts.style ?? PLAIN;
  const c = counted(r);
  const tally = `(${plural(c.errors, "error")}, ${plural(c.warnings, "warning")}${c.waived > 0 ? `, ${c.waived} waived` : ""})`;
  if (r.verdict !== "safe")
    return `${s.bold(s.red("UNSUPPORTED"))}: the patch cannot be applied by replacing functions alone ${tally}`;
  if (opts.failOnWarning && c.warnings > 0)
    return `${s.bold(s.yellow("SAFE, BUT WARNINGS FAIL THE GATE"))} (--fail-on warning): the patch can be applied by replacing functions ${tally}`;
  return `${s.bold(s.green("SAFE"))}: the patch can be applied by replacing functions ${tally}`;
}

function severityWord(f: Finding, s: Style): string {
  const w = f.severity.padEnd(7);
  if (f.waived) return s.dim(w);
  return f.severity === "error" ? s.red(w) : f.severity === "warning" ? s.yellow(w) : s.cyan(w);
}

function finding(f: Finding, s: Style): string[] {
  const where = [
    f.symbol ? `symbol ${f.symbol}` : "",
    f.type ? `type ${f.type}` : "",
    f.section ? `section ${f.section}` : "",
    f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ""}` : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  const text = `${f.rule}: ${f.message}${where ? `  [${where}]` : ""}`;
  const lines = [`  ${severityWord(f, s)} ${f.waived ? s.dim(text) : text}`];
  if (f.waived) {
    lines.push(
      `          ${s.cyan("waived")}: ${f.waived.reason}${f.waived.expires ? ` (until ${f.waived.expires})` : ""}`,
    );
  } else if (f.help && f.severity !== "info") {
    lines.push(`          ${s.dim(f.help)}`);
  }
  return lines;
}

function statusWord(status: string, s: Style): string {
  const w = status.padEnd(8);
  return status === "changed"
    ? s.yellow(w)
    : status === "new"
      ? s.green(w)
      : status === "removed"
        ? s.red(w)
        : w;
}

function symbols(title: string, entries: readonly SymbolEntry[], s: Style): string[] {
  const visible = entries.filter((e) => !e.compilerGenerated || e.status !== "unchanged");
  const count = (st: SymbolEntry["status"]) => visible.filter((e) => e.status === st).length;
  const out = [
    "",
    `${s.bold(`${title}:`)} ${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged`,
  ];
  for (const e of visible) {
    if (e.status === "unchanged") {
      // A profile discounted differences here (a __LINE__ immediate, a profiling entry): say what and why.
      const ignored = e.ignoredDifferences ?? [];
      if (ignored.length === 0) continue;
      out.push(`  ${s.dim("same    ")} ${displayName(e)}  (${e.section}; differences ignored)`);
      for (const d of ignored) out.push(`             - ${d.why}: ${d.message}`);
      continue;
    }
    const extra: string[] = [];
    if (e.patchedName) extra.push(`now ${e.patchedName}`);
    if (e.parent) extra.push(`part of ${e.parent}`);
    if (e.staticLocal) extra.push(`static local of ${e.staticLocal.function ?? "?"}()`);
    if (e.compilerGenerated) extra.push("compiler-generated");
    if (e.ignored) extra.push("ignored by the policy");
    out.push(
      `  ${statusWord(e.status, s)} ${displayName(e)}  (${e.section}${extra.length > 0 ? `; ${extra.join("; ")}` : ""})`,
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

function types(entries: readonly TypeEntry[], s: Style): string[] {
  const changed = entries.filter((t) => t.status !== "unchanged");
  if (entries.length === 0) return [];
  const count = (st: TypeEntry["status"]) => entries.filter((t) => t.status === st).length;
  const out = [
    "",
    `${s.bold("Types:")} ${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged`,
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
    out.push(`  ${statusWord(t.status, s)} ${t.kind} ${t.name}${size}`);
    if (t.status !== "changed") continue;
    for (const c of t.changes) out.push(`             - ${c.message}`);
    if (t.usedBy.length > 0) out.push(`             used by: ${t.usedBy.map((n) => `${n}()`).join(", ")}`);
    out.push(...layoutTable(layoutLines(t), s));
  }
  return out;
}

/** offset, size, member on each side; the mark says what happened to the member, in colour when allowed. */
function layoutTable(lines: readonly LayoutLine[], s: Style): string[] {
  if (lines.length === 0) return [];
  const cell = (m: LayoutLine["before"]) =>
    m ? `${place(m).padStart(6)} ${String(m.size).padStart(4)}  ${member(m)}` : "";
  const left = lines.map((l) => cell(l.before));
  const right = lines.map((l) => cell(l.after));
  const width = Math.max(30, ...left.map((x) => x.length));
  const rwidth = Math.max(30, ...right.map((x) => x.length));
  const indent = "             ";
  const out = [
    `${indent}${"before".padEnd(width)}   after`,
    s.dim(`${indent}${"offset size  member".padEnd(width)}   offset size  member`),
  ];
  lines.forEach((l, i) => {
    const paint =
      l.mark === "added"
        ? s.green
        : l.mark === "removed"
          ? s.red
          : l.mark === ""
            ? (x: string) => x
            : s.yellow;
    const row = `${left[i]!.padEnd(width)}   ${right[i]!.padEnd(rwidth)}`;
    out.push(l.mark ? `${indent}${paint(row)}   ${paint(`<- ${l.mark}`)}` : `${indent}${row}`.trimEnd());
  });
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * What the tree renderers (text, Markdown, SARIF) need of an entry: all of it when something changed, else
 * the entry without its lists of functions, data and types, all unchanged, of which they only ever say that
 * nothing changed (Markdown's table counts the changed functions: none). Lets the command line keep the
 * entries of a tree of tens of thousands of objects until the summary heading the text is known.
 */
export function forTreeRendering(p: TreePair): TreePair {
  if (!isComparedPair(p) || interesting(p)) return p;
  return { ...p, functions: [], data: [], types: [] };
}

/** Whether a compared pair is worth its full report in a tree listing (anything changed or found). */
function interesting(p: ComparedPair): boolean {
  return (
    p.verdict !== "safe" ||
    p.findings.some((f) => f.rule !== "no-change") ||
    p.functions.some((e) => e.status !== "unchanged") ||
    p.data.some((e) => e.status !== "unchanged") ||
    p.types.some((t) => t.status !== "unchanged")
  );
}

/**
 * The report of two directories or archives: the overall verdict first, then each pair (a full report for
 * pairs where something changed, one line for the others, the objects found on one side, the pairs that
 * could not be compared), then the summary.
 */
export function renderTreeText(t: TreeReport, opts: TextOptions = {}): string {
  const s = opts.style ?? PLAIN;
  const sum = t.summary;
  const f = sum.findings;
  const tally = `(${plural(f.errors, "error")}, ${plural(f.warnings, "warning")}${f.waived > 0 ? `, ${f.waived} waived` : ""})`;
  const head =
    sum.verdict !== "safe"
      ? `${s.bold(s.red("UNSUPPORTED"))}: ${sum.unsupported} of ${plural(sum.compared, "object pair")} cannot be patched by replacing functions alone ${tally}`
      : opts.failOnWarning && f.warnings > 0
        ? `${s.bold(s.yellow("SAFE, BUT WARNINGS FAIL THE GATE"))} (--fail-on warning): ${plural(sum.compared, "object pair")} ${tally}`
        : `${s.bold(s.green("SAFE"))}: every one of ${plural(sum.compared, "object pair")} can be patched by replacing functions ${tally}`;
  const out = [
    sum.errors > 0 ? `${head}; ${s.red(`${plural(sum.errors, "pair")} could not be compared`)}` : head,
  ];
  if (opts.quiet) return `${out[0]}\n`;
  out.push(`  original: ${t.original}  [${t.kind}]`, `  patched:  ${t.patched}`);
  if (t.profile) out.push(`  profile:  ${t.profile}`);
  for (const p of t.pairs) out.push(...pairText(p, opts));
  out.push(
    "",
    `${s.bold("Summary:")} ${plural(sum.pairs, "object")}: ${sum.compared} compared (${sum.safe} safe, ${sum.unsupported} unsupported), ${sum.new} new, ${sum.removed} removed, ${plural(sum.errors, "error")}`,
  );
  return `${out.join("\n")}\n`;
}

function pairText(p: TreePair, opts: TextOptions): string[] {
  const s = opts.style ?? PLAIN;
  if (!isComparedPair(p)) {
    if (p.status === "new")
      return ["", `${s.bold("==")} ${p.name}: ${s.green("new")} object (only in patched: ${p.patched})`];
    if (p.status === "removed")
      return ["", `${s.bold("==")} ${p.name}: ${s.red("removed")} object (only in original: ${p.original})`];
    const e = p.error;
    const where = e.offset !== undefined ? ` at offset ${e.offset} (0x${e.offset.toString(16)})` : "";
    return [
      "",
      `${s.bold("==")} ${p.name}: ${s.red("could not be compared")}: ${e.file ? `${e.file}: ` : ""}${e.message}${where}`,
    ];
  }
  if (!interesting(p)) return ["", `${s.bold("==")} ${p.name}: ${s.green("SAFE")}, nothing changed`];
  const body = renderDiffText(p, opts).trimEnd().split("\n");
  return ["", `${s.bold("==")} ${p.name}: ${body[0]}`, ...body.slice(1)];
}
