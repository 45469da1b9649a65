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
  readonly subprogramById: ReadonlyMap<string, Subprogram>;
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
  const subprogramById = new Map<string, Subprogram>();
  const subprogramBySymbol = new Map<string, Subprogram>();
  for (const sp of info.subprograms) {
    subprogramById.set(sp.id, sp);
    if (sp.declaration || sp.lowPc === undefined) continue;
    const sym = sp.symbol ?? sp.linkageName ?? sp.name;
    if (sym && !subprogramBySymbol.has(sym)) subprogramBySymbol.set(sym, sp);
  }
  const variableBySymbol = new Map<string, Variable>();
  const ownerBySymbolName = new Map<string, string>();
  for (const v of info.variables) {
    if (v.declaration) continue;
    const sym = v.symbol ?? v.linkageName ?? v.name;
    if (!sym) continue;
    if (!variableBySymbol.has(sym)) variableBySymbol.set(sym, v);
    if (v.scope !== undefined && v.symbol !== undefined) {
      const owner = subprogramById.get(v.scope);
      if (owner?.name) ownerBySymbolName.set(v.symbol, owner.name);
    }
  }
  const ownerHints = new Map<number, string>();
  if (ownerBySymbolName.size > 0) {
    for (const e of view.data) {
      const owner = ownerBySymbolName.get(e.name.raw);
      if (owner !== undefined) ownerHints.set(e.symbolIndex, owner);
    }
  }
  return { info, subprogramBySymbol, subprogramById, variableBySymbol, ownerHints };
}
