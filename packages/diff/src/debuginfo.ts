import {
  type DwarfInfo,
  ElfError,
  type ElfFile,
  readDwarf,
  type Subprogram,
  type Variable,
} from "@elfdelta/elf";
import { KeyTable } from "./correlate/keytable.js";
import type { ObjectView } from "./object.js";

/** Items by ELF symbol name: the `get` and `forEach` of a map. */
export interface SymbolIndex<T> {
  get(symbol: string): T | undefined;
  /** Each item with its symbol, in the order of the DWARF. */
  forEach(f: (item: T, symbol: string) => void): void;
}

/**
 * Some of a list's items by symbol name, the first of a name winning: item numbers in a `KeyTable`. A Map
 * holds a function per function symbol for the whole diff at ~36 bytes a name; this at ~20.
 */
class ListIndex<T> implements SymbolIndex<T> {
  readonly #items: readonly T[];
  readonly #table: KeyTable;

  /** `symbolOf` gives the item's symbol, or undefined to leave it out. */
  constructor(items: readonly T[], symbolOf: (item: T) => string | undefined) {
    this.#items = items;
    this.#table = new KeyTable(items.length);
    for (let k = 0; k < items.length; k++) {
      const symbol = symbolOf(items[k]!);
      if (symbol) this.#table.add(0, symbol, k);
    }
  }

  get(symbol: string): T | undefined {
    const k = this.#table.find(0, symbol);
    return k < 0 ? undefined : this.#items[k];
  }

  forEach(f: (item: T, symbol: string) => void): void {
    const items = this.#items;
    for (let k = 0; k < items.length; k++) {
      const symbol = this.#table.keyOf(k);
      if (symbol !== undefined) f(items[k]!, symbol);
    }
  }
}

/**
 * The DWARF of one side, indexed for the diff: the concrete subprogram of each function symbol, the
 * variable of each data symbol, and the function each static local is declared in. DWARF is optional:
 * without it (no -g, or malformed) the diff still runs, types are not compared and a warning says so.
 */
export interface DebugInfo {
  readonly info: DwarfInfo;
  /** Function symbol name → its concrete (out-of-line) subprogram. */
  readonly subprogramBySymbol: SymbolIndex<Subprogram>;
  /** Data symbol name → its variable. */
  readonly variableBySymbol: SymbolIndex<Variable>;
  /** Static-local symbol index → the name of the function it is declared in. */
  readonly ownerHints: ReadonlyMap<number, string>;
}

export type DebugLoad =
  | { readonly ok: true; readonly debug: DebugInfo }
  | { readonly ok: false; readonly problem: string };

/** One build's DWARF as read, before the diff indexes it against its `ObjectView`; or why there is none. */
export type DwarfRead =
  | { readonly ok: true; readonly info: DwarfInfo }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads the DWARF of one build, subprograms and variables included (`readDwarf` decodes those when first
 * asked, and lets go of its working memory then). `diffObjects` calls it as soon as a file is open, before
 * anything else of the diff is built: the reading's working memory comes and goes while the process holds
 * least (12,500 functions: the peak 20 MiB lower than reading it after the views).
 */
export function readDebugInfo(elf: ElfFile, label: string): DwarfRead {
  const hasInfo = elf.sectionIndex(".debug_info") >= 0 || elf.sectionIndex(".zdebug_info") >= 0;
  if (!hasInfo) return { ok: false, problem: `the ${label} object has no .debug_info` };
  try {
    const info = readDwarf(elf);
    // Decoded here, where a broken reference between them throws (see `DwarfInfo`).
    void info.subprograms;
    void info.variables;
    return { ok: true, info };
  } catch (e) {
    return { ok: false, problem: unreadable(e, label) };
  }
}

function unreadable(e: unknown, label: string): string {
  if (e instanceof ElfError) return `the ${label} object's DWARF is unreadable: ${e.describe()}`;
  throw e;
}

/** The DWARF of one build indexed for the diff: read now, or as `readDebugInfo` read it before. */
export function loadDebugInfo(view: ObjectView, label: string, read?: DwarfRead): DebugLoad {
  const r = read ?? readDebugInfo(view.elf, label);
  if (!r.ok) return r;
  try {
    return { ok: true, debug: indexDebugInfo(view, r.info) };
  } catch (e) {
    return { ok: false, problem: unreadable(e, label) };
  }
}

export function indexDebugInfo(view: ObjectView, info: DwarfInfo): DebugInfo {
  const subprogramBySymbol = new ListIndex(info.subprograms, (sp) =>
    sp.declaration || sp.lowPc === undefined ? undefined : (sp.symbol ?? sp.linkageName ?? sp.name),
  );
  const variableBySymbol = new ListIndex(info.variables, (v) =>
    v.declaration ? undefined : (v.symbol ?? v.linkageName ?? v.name),
  );
  // The functions static locals are declared in (few, often none): looked up once all are known.
  const scopes = new Set<string>();
  const variables = info.variables;
  for (let k = 0; k < variables.length; k++) {
    const v = variables[k]!;
    if (!v.declaration && v.scope !== undefined && v.symbol) scopes.add(v.scope);
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
