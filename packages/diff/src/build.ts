import type { Analysis } from "./analysis.js";
import type { Outcome } from "./compare/outcome.js";
import { bindName } from "./compare/outcome.js";
import type { TypeOutcome } from "./compare/types.js";
import type { ObjectView } from "./object.js";
import type { Profile } from "./profiles/profile.js";
import { reasonText } from "./reasons.js";
import {
  type Finding,
  type ObjectSide,
  type Report,
  SCHEMA_VERSION,
  type Summary,
  type SymbolEntry,
  type TypeEntry,
} from "./report.js";
import { type RuleId, ruleInfo } from "./rules/catalogue.js";
import type { FindingSite, RuleContext } from "./rules/rule.js";

/** Runs the profile's rules and turns the analysis into the report of the contract. */
export function buildReport(a: Analysis, profile: Profile): Report {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const ctx: RuleContext = {
    analysis: a,
    emit(rule: RuleId, site: FindingSite) {
      const info = ruleInfo(rule);
      const f: Finding = {
        rule,
        severity: info.severity,
        message: site.message,
        ...(site.symbol !== undefined ? { symbol: site.symbol } : {}),
        ...(site.section !== undefined ? { section: site.section } : {}),
        ...(site.type !== undefined ? { type: site.type } : {}),
        help: info.help,
      };
      const id = `${rule}|${f.message}|${f.symbol ?? ""}|${f.section ?? ""}|${f.type ?? ""}`;
      if (seen.has(id)) return;
      seen.add(id);
      findings.push(f);
    },
  };
  for (const rule of profile.rules) rule.run(ctx);
  const rank = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((x, y) => rank[x.severity] - rank[y.severity]);

  const ov = a.keys.view("original");
  const pv = a.keys.view("patched");
  const names: SectionNames = { original: sectionNames(ov), patched: sectionNames(pv) };
  const functions = a.functions.map((r) => symbolEntry(a, r, names)).sort(byStatusThenName);
  const data = a.data.map((r) => symbolEntry(a, r, names)).sort(byStatusThenName);
  const types = (a.types ?? []).map(typeEntry);
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
  }
  const summary: Summary = {
    functions: counts(functions),
    data: counts(data),
    types: counts(types),
    errors,
    warnings,
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    original: side(ov),
    patched: side(pv),
    profile: profile.name,
    functions,
    data,
    types,
    findings,
    verdict: errors > 0 ? "unsupported" : "safe",
    summary,
  };
}

function side(v: ObjectView): ObjectSide {
  return {
    path: v.elf.path ?? "",
    machine: v.elf.machineName,
    class: v.elf.is64 ? 64 : 32,
    endian: v.elf.littleEndian ? "little" : "big",
  };
}

const STATUS_ORDER = { changed: 0, new: 1, removed: 2, unchanged: 3 } as const;

function byStatusThenName(x: { status: keyof typeof STATUS_ORDER; name: string }, y: typeof x): number {
  return STATUS_ORDER[x.status] - STATUS_ORDER[y.status] || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
}

function counts(xs: readonly { status: keyof typeof STATUS_ORDER }[]): Summary["functions"] {
  const c = { changed: 0, new: 0, removed: 0, unchanged: 0 };
  for (let i = 0; i < xs.length; i++) c[xs[i]!.status]++;
  return c;
}

/** The reasons of every entry without any (shared: most entries are unchanged). */
const NO_REASONS: string[] = Object.freeze([]) as unknown as string[];

/** Per side: `ObjectView.sectionName`, remembering the last section asked for (see `sectionNames`). */
interface SectionNames {
  readonly original: (section: number) => string;
  readonly patched: (section: number) => string;
}

/**
 * `view.sectionName` with the last answer kept: each call makes a new string, which the report would hold
 * once per entry, while symbols listed one after another mostly share their section (`.text`, `.data`).
 */
function sectionNames(view: ObjectView): (section: number) => string {
  let last = Number.NaN;
  let name = "";
  return (section) => {
    if (section !== last) {
      last = section;
      name = view.sectionName(section);
    }
    return name;
  };
}

function symbolEntry(a: Analysis, r: Outcome, names: SectionNames): SymbolEntry {
  const named = (r.status === "new" ? r.patched : r.original)!;
  const side = r.status === "new" ? "patched" : "original";
  const view = a.keys.view(side);
  const other = r.status === "new" ? undefined : r.patched;
  // The stored names, not `name` (a new parsed name per call for plain names): one entry per symbol.
  const name = named.rawName;
  const section = names[side](named.section);
  const reasons = r.details.length === 0 ? NO_REASONS : r.details.map((d) => reasonText(d, r.kind));
  const otherName = other?.rawName;
  const patchedName = otherName !== undefined && otherName !== name ? otherName : undefined;
  let patchedSection: string | undefined;
  if (other) {
    const ps = names.patched(other.section);
    if (ps !== section) patchedSection = ps;
  }
  const parents = r.status === "new" ? a.corr.parentPatched : a.corr.parentOriginal;
  const pi = parents[named.index]!;
  const parent = pi >= 0 ? view.entities[pi]!.rawName : undefined;
  const statics = r.status === "new" ? a.corr.staticsPatched : a.corr.staticsOriginal;
  const st = statics.get(named.index);
  const compilerGenerated = named.compilerMade || isCompilerHelper(name);
  const ignored = r.ignored && r.status === "unchanged" ? r.ignored : undefined;
  const binding = bindName(named.bind);
  if (
    r.details.length === 0 &&
    patchedName === undefined &&
    patchedSection === undefined &&
    parent === undefined &&
    !st &&
    !compilerGenerated &&
    ignored === undefined
  ) {
    // The common entries, in one literal each: one object shape, its fields inside the object. Key order
    // as below.
    if (r.pairing)
      return {
        name,
        status: r.status,
        section,
        reasons,
        pairing: r.pairing,
        size: named.size,
        binding,
      };
    return { name, status: r.status, section, reasons, size: named.size, binding };
  }
  const entry: SymbolEntry = { name, status: r.status, section, reasons };
  if (r.details.length > 0) entry.details = [...r.details];
  if (patchedName !== undefined) entry.patchedName = patchedName;
  if (patchedSection !== undefined) entry.patchedSection = patchedSection;
  if (r.pairing) entry.pairing = r.pairing;
  if (parent !== undefined) entry.parent = parent;
  if (st)
    entry.staticLocal = { ...(st.owner !== undefined ? { function: st.owner } : {}), variable: st.variable };
  if (compilerGenerated) entry.compilerGenerated = true;
  entry.size = named.size;
  entry.binding = binding;
  if (ignored) entry.ignoredDifferences = ignored;
  return entry;
}

/** Functions the compiler adds on its own (PIC thunks, stack-protector helpers). */
function isCompilerHelper(name: string): boolean {
  return (
    name.startsWith("__x86.get_pc_thunk.") ||
    name === "__stack_chk_fail_local" ||
    name.startsWith("__i686.get_pc_thunk.")
  );
}

function typeEntry(t: TypeOutcome): TypeEntry {
  // One object per type, fields added in the contract's key order (objects with 10,000s of types).
  const entry: TypeEntry = {
    name: t.name,
    kind: t.kind,
    status: t.status,
    changes: t.changes,
    usedBy: t.usedBy,
  };
  if (t.status === "changed") {
    const original = t.original?.type.size;
    const patched = t.patched?.type.size;
    if (original !== undefined || patched !== undefined) {
      entry.size = {
        ...(original !== undefined ? { original } : {}),
        ...(patched !== undefined ? { patched } : {}),
      };
    }
  }
  if (t.layout) entry.layout = t.layout;
  return entry;
}
