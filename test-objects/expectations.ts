/**
 * What the two scenario harnesses (scenarios.test.ts, kernel-scenarios.test.ts) share: the sets an expect.json
 * states and the names it writes them with (C names: clone numbers dropped, static locals as `func::var`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SymbolEntry } from "../packages/diff/src/index.js";

export interface StatusSets {
  changed: string[];
  new: string[];
  removed: string[];
  unchanged: string[];
}
export interface TypeSets {
  changed: string[];
  new: string[];
  removed: string[];
}

/** The scenario folders of `root` that hold an `expect.json`, sorted (none when `root` is missing). */
export function scenarioNamesIn(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "expect.json")))
    .map((d) => d.name)
    .sort();
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** `foo.isra.0` → `foo.isra`, `foo.llvm.1234` → `foo`, `foo.lto_priv.0` → `foo`. */
export function cName(name: string): string {
  const tokens = name.split(".");
  const out = [tokens[0]!];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (/^[0-9]+$/.test(t)) continue;
    if (t === "llvm" && i + 1 < tokens.length && /^[0-9a-f]+$/i.test(tokens[i + 1]!)) {
      i++;
      continue;
    }
    if (t === "lto_priv" || t === "__uniq") {
      if (i + 1 < tokens.length && /^[0-9]+$/.test(tokens[i + 1]!)) i++;
      continue;
    }
    out.push(t);
  }
  return out.join(".");
}

/** The name an expectation uses for a data entry: static locals and compiler statics as `func::var`. */
export function dataName(e: SymbolEntry): string {
  if (e.staticLocal) {
    const clang = e.name.includes(".") && !/\.[0-9]+$/.test(e.name);
    if (clang) {
      const [fn, ...rest] = e.name.split(".");
      return `${fn}::${rest.filter((t) => !/^[0-9]+$/.test(t)).join(".")}`;
    }
    return `${e.staticLocal.function ?? "?"}::${e.staticLocal.variable}`;
  }
  return cName(e.name);
}

/** The report's entries as sorted status sets, named as the expectations write them; `skip` leaves some out. */
export function statusSets(
  entries: readonly SymbolEntry[],
  name: (e: SymbolEntry) => string,
  skip: (e: SymbolEntry) => boolean = () => false,
): StatusSets {
  const s: StatusSets = { changed: [], new: [], removed: [], unchanged: [] };
  for (const e of entries) if (!skip(e)) s[e.status].push(name(e));
  for (const k of Object.keys(s) as (keyof StatusSets)[]) s[k].sort();
  return s;
}

export function sorted<T extends StatusSets | TypeSets>(x: T): T {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(x)) out[k] = [...(v as string[])].sort();
  return out as unknown as T;
}
