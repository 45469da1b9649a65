import { SHF } from "@elfdelta/elf";
import { compareData } from "./compare/data.js";
import { compareFunctions } from "./compare/functions.js";
import type { ComparisonHooks } from "./compare/hooks.js";
import { analyseInit, type InitAnalysis } from "./compare/init.js";
import { explainInlining } from "./compare/inlined.js";
import { Keys } from "./compare/keys.js";
import type { LineEvidence } from "./compare/lines.js";
import type { Outcome } from "./compare/outcome.js";
import { compareSignatures } from "./compare/signatures.js";
import { compareTypes, type TypeOutcome } from "./compare/types.js";
import { TypeUsage } from "./compare/usage.js";
import { isContentSection } from "./correlate/sections.js";
import { type Correlation, correlate } from "./correlate/symbols.js";
import { type DebugInfo, type DwarfRead, loadDebugInfo } from "./debuginfo.js";
import type { Entity, ObjectView } from "./object.js";

/**
 * Everything the rules read: the correlation, the outcome of every function, data object and type, and the
 * facts some rules need (initialisation code, signature changes, changed unnamed sections). Built once per
 * pair of objects; nothing here is rendered or judged yet.
 */
export interface Analysis {
  readonly keys: Keys;
  readonly corr: Correlation;
  readonly functions: Outcome[];
  readonly data: Outcome[];
  /** Undefined when either build lacks usable DWARF. */
  readonly types: TypeOutcome[] | undefined;
  readonly init: InitAnalysis;
  readonly signatures: readonly { outcome: Outcome; original: string; patched: string }[];
  readonly sectionChanges: readonly { section: string; message: string }[];
  readonly debug: {
    readonly original?: DebugInfo;
    readonly patched?: DebugInfo;
    readonly problems: readonly string[];
  };
}

/** What a profile adds to the analysis of one pair (see profiles/profile.ts). */
export interface AnalysisHooks {
  /** Called once the two builds are correlated: the refinements of the comparison for this pair. */
  readonly comparison?: (keys: Keys) => ComparisonHooks;
  /** Called as each phase ends, with its name (for measurements: see bench/phases.mjs). */
  readonly phase?: (name: AnalysisPhase) => void;
}

/** The phases of `analyse`, in order. */
export type AnalysisPhase =
  | "debug info, original"
  | "debug info, patched"
  | "correlation"
  | "functions"
  | "data"
  | "types and signatures";

/** Each build's DWARF, when read before the analysis (`readDebugInfo`); read by `analyse` otherwise. */
export interface DwarfReads {
  readonly original?: DwarfRead;
  readonly patched?: DwarfRead;
}

export function analyse(
  original: ObjectView,
  patched: ObjectView,
  hooks: AnalysisHooks = {},
  dwarf: DwarfReads = {},
): Analysis {
  const od = loadDebugInfo(original, "original", dwarf.original);
  hooks.phase?.("debug info, original");
  const pd = loadDebugInfo(patched, "patched", dwarf.patched);
  hooks.phase?.("debug info, patched");
  const problems = [...(od.ok ? [] : [od.problem]), ...(pd.ok ? [] : [pd.problem])];
  const debugO = od.ok ? od.debug : undefined;
  const debugP = pd.ok ? pd.debug : undefined;

  const corr = correlate(original, patched, {
    ...(debugO ? { ownerHintsOriginal: debugO.ownerHints } : {}),
    ...(debugP ? { ownerHintsPatched: debugP.ownerHints } : {}),
  });
  const keys = new Keys(corr);
  hooks.phase?.("correlation");

  const lines: LineEvidence | undefined =
    debugO && debugP
      ? {
          lineDelta(o, p) {
            const a = debugO.subprogramBySymbol.get(o.rawName);
            const b = debugP.subprogramBySymbol.get(p.rawName);
            if (a?.line === undefined || b?.line === undefined) return undefined;
            return b.line - a.line;
          },
        }
      : undefined;
  const comparison = hooks.comparison?.(keys);
  const functions = compareFunctions(keys, {
    ...(lines ? { lines } : {}),
    ...(comparison ? { hooks: comparison } : {}),
  });
  hooks.phase?.("functions");
  const data = compareData(keys);
  hooks.phase?.("data");

  let types: TypeOutcome[] | undefined;
  let signatures: { outcome: Outcome; original: string; patched: string }[] = [];
  if (debugO && debugP) {
    signatures = compareSignatures(functions, debugO, debugP);
    explainInlining(functions, debugO, debugP);
    types = compareTypes(debugO.info, debugP.info);
    fillUsedBy(types, keys, debugO, debugP);
  }
  hooks.phase?.("types and signatures");

  const analysis: Analysis = {
    keys,
    corr,
    functions,
    data,
    types,
    init: analyseInit(keys),
    signatures,
    sectionChanges: unnamedSectionChanges(keys),
    debug: { ...(debugO ? { original: debugO } : {}), ...(debugP ? { patched: debugP } : {}), problems },
  };
  // The comparison is over: its decoded tables (a data table's resolved targets can be an object per
  // relocation) are not carried into the report.
  original.forgetRelocations();
  patched.forgetRelocations();
  return analysis;
}

/** `usedBy` of every changed or removed type: functions of either build, named as the report names them. */
function fillUsedBy(types: TypeOutcome[], keys: Keys, debugO: DebugInfo, debugP: DebugInfo): void {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const listed = types.filter((t) => t.status !== "unchanged" && t.status !== "new");
  if (listed.length === 0) return;
  // All the types at once: one pass over each build's functions.
  const usersO = new TypeUsage(ov, debugO).usersOfEach(listed.map((t) => (t.original ? [t.original] : [])));
  const usersP = new TypeUsage(pv, debugP).usersOfEach(listed.map((t) => (t.patched ? [t.patched] : [])));
  const bySymbolO = functionsNamedIn(ov, usersO);
  const bySymbolP = functionsNamedIn(pv, usersP);
  listed.forEach((t, k) => {
    const names = new Set<string>();
    for (const n of usersO[k]!) if (bySymbolO.has(n)) names.add(n);
    for (const n of usersP[k]!) {
      const f = bySymbolP.get(n);
      if (!f) continue;
      const o = keys.counterpart("patched", f);
      names.add(o ? o.rawName : n);
    }
    t.usedBy = [...names].sort();
  });
}

/**
 * The functions of a view named in any of `groups`, by name (the last of a name). Only the users are indexed:
 * they are usually a few of the hundreds of thousands of functions.
 */
function functionsNamedIn(view: ObjectView, groups: readonly ReadonlySet<string>[]): Map<string, Entity> {
  const wanted = new Set<string>();
  for (const g of groups) for (const n of g) wanted.add(n);
  const out = new Map<string, Entity>();
  if (wanted.size === 0) return out;
  const fs = view.functions;
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i]!;
    const n = f.rawName;
    if (wanted.has(n)) out.set(n, f);
  }
  return out;
}

/**
 * Writable allocated sections that no symbol covers (compound literals, anonymous data) whose contents
 * changed: nothing else reports them.
 */
function unnamedSectionChanges(keys: Keys): { section: string; message: string }[] {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const out: { section: string; message: string }[] = [];
  const sc = keys.corr.sections;
  const h = ov.elf.headers;
  for (let index = 0; index < h.count; index++) {
    // Cheap column tests first: a Section object is made only for the few sections that remain.
    if (!isContentSection(ov, index) || (h.flags(index) & SHF.WRITE) === 0 || h.type(index) === 8) continue;
    if (ov.holdsEntities(index)) continue;
    const s = h.at(index)!;
    if (!isContentSection(ov, s.index) || (s.flags & SHF.WRITE) === 0 || s.type === 8) continue;
    if (s.type === 14 || s.type === 15 || s.type === 16) continue; // init/fini arrays: see the init rules
    if (BOOKKEEPING.has(s.name)) continue;
    if (ov.holdsEntities(s.index)) continue;
    const pi = sc.forward[s.index]!;
    if (pi < 0 || pv.holdsEntities(pi)) continue;
    // Cut at every place code or data points at; entries may be added (a constant pool grows), but every
    // original entry must still be there.
    const after = new Set(pv.chunks(pi).map(([from, to]) => keys.chunkDigest("patched", pi, from, to)));
    const lost = ov
      .chunks(s.index)
      .filter(([from, to]) => !after.has(keys.chunkDigest("original", s.index, from, to)));
    if (lost.length > 0) {
      const at = lost.map(([from]) => `0x${from.toString(16)}`).join(", ");
      out.push({ section: s.name, message: `the unnamed contents of ${s.name} changed (at ${at})` });
    }
  }
  return out;
}

/** Writable sections that hold linkage bookkeeping, compared through what points into them. */
const BOOKKEEPING: ReadonlySet<string> = new Set([
  ".opd",
  ".toc",
  ".toc1",
  ".got",
  ".got2",
  ".got.plt",
  ".plt",
  ".eh_frame",
  ".gcc_except_table",
  ".tm_clone_table",
]);
