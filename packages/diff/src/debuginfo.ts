import { type DwarfInfo, ElfError, readDwarf, type Subprogram, type Variable } from "@elfdelta/elf";
import type { ObjectView } from "./object.js";

/**
 * The DWARF of one side, indexed for the diff: the concrete subprogram of each function symbol, the
 * variable of each data symbol, and the function each static local is declared in. DWARF is optional:
 * without it (no -g, or malformed) the diff still runs, types are not compared and a warning says so.
 */
export interface DebugInfo {
  readonly info: DwarfInfo;
  /** Function symbol name → its concrete (out-of-line) subprogram. */
  readonly subprogramBySymbol: ReadonlyMap<string, Subprogram>;
  /** Data symbol name → its variable. */
  readonly variableBySymbol: ReadonlyMap<string, Variable>;
  /** Static-local symbol index → the name of the function it is declared in. */
  readonly ownerHints: ReadonlyMap<number, string>;
}

export type DebugLoad =
  | { readonly ok: true; readonly debug: DebugInfo }
  | { readonly ok: false; readonly problem: string };

export function loadDebugInfo(view: ObjectView, label: string): DebugLoad {
  const hasInfo = view.elf.sectionIndex(".debug_info") >= 0 || view.elf.sectionIndex(".zdebug_info") >= 0;
  if (!hasInfo) return { ok: false, problem: `the ${label} object has no .debug_info` };
  try {
    // Indexing is inside the try: readDwarf builds subprograms and variables lazily, so their errors surface here.
    return { ok: true, debug: indexDebugInfo(view, readDwarf(view.elf)) };
  } catch (e) {
    if (e instanceof ElfError)
      return { ok: false, problem: `the ${label} object's DWARF is unreadable: ${e.describe()}` };
    throw e;
  }
}

export function indexDebugInfo(view: ObjectView, info: DwarfInfo): DebugInfo {
  const subprogramBySymbol = new Map<string, Subprogram>();
  const subprograms = info.subprograms;
  for (let k = 0; k < subprograms.length; k++) {
    const sp = subprograms[k]!;
    if (sp.declaration || sp.lowPc === undefined) continue;
    const sym = sp.symbol ?? sp.linkageName ?? sp.name;
    if (sym && !subprogramBySymbol.has(sym)) subprogramBySymbol.set(sym, sp);
  }
  const variableBySymbol = new Map<string, Variable>();
  // The functions static locals are declared in (few, often none): looked up once all are known.
  const scopes = new Set<string>();
  const variables = info.variables;
  for (let k = 0; k < variables.length; k++) {
    const v = variables[k]!;
    if (v.declaration) continue;
    const sym = v.symbol ?? v.linkageName ?? v.name;
    if (!sym) continue;
    if (!variableBySymbol.has(sym)) variableBySymbol.set(sym, v);
    if (v.scope !== undefined && v.symbol !== undefined) scopes.add(v.scope);
  }
  const ownerHints = new Map<number, string>();
  if (scopes.size > 0) {
    const owners = subprogramsWithIds(info, scopes);
    const ownerBySymbolName = new Map<string, string>();
    for (let k = 0; k < variables.length; k++) {
      const v = variables[k]!;
      if (v.declaration || v.scope === undefined || !v.symbol) continue;
      const owner = owners.get(v.scope);
      if (owner?.name) ownerBySymbolName.set(v.symbol, owner.name);
    }
    for (const e of view.data) {
      const owner = ownerBySymbolName.get(e.rawName);
      if (owner !== undefined) ownerHints.set(e.symbolIndex, owner);
    }
  }
  return { info, subprogramBySymbol, variableBySymbol, ownerHints };
}

/**
 * The subprograms with one of the given ids, by id (the last of an id, should two share one). Only the few
 * asked for: a map of every subprogram by id would cost as much as the symbol index, for a few lookups.
 */
export function subprogramsWithIds(info: DwarfInfo, ids: ReadonlySet<string>): Map<string, Subprogram> {
  const out = new Map<string, Subprogram>();
  if (ids.size === 0) return out;
  const subprograms = info.subprograms;
  for (let k = 0; k < subprograms.length; k++) {
    const sp = subprograms[k]!;
    if (ids.has(sp.id)) out.set(sp.id, sp);
  }
  return out;
}
