import { STB } from "@elfdelta/elf";
import type { Entity } from "../object.js";
import { type ParsedName, parseName } from "./names.js";

/**
 * Static local variables. GCC names them `var.N` (N renumbered whenever another static appears earlier in
 * the file), clang `func.var`. Two functions can each own a `count`: such statics are told apart by the
 * function they belong to, which comes from DWARF when it says (the variable's scope) and otherwise from the
 * functions whose relocations use the variable.
 */

export interface StaticLocal {
  /** The variable's name in the source. */
  readonly variable: string;
  /** The C function it belongs to, when one could be determined. */
  readonly owner?: string;
  /** Every function (by C name) that uses it, sorted; the pairing key when the owner is unknown. */
  readonly users: readonly string[];
  /** How the owner was found. */
  readonly ownerFrom: "name" | "dwarf" | "users" | "none";
}

/** Owner hints from DWARF: symbol index → the name of the function a static local is declared in. */
export type OwnerHints = ReadonlyMap<number, string>;

/** True for entities that are static locals (see the file comment); compiler-made statics are not. */
export function isStaticLocal(e: Entity, name: ParsedName = e.name): boolean {
  if (e.kind !== "data" || e.bind !== STB.LOCAL || name.compilerMade) return false;
  if (name.clones.length > 0) return false;
  return name.inner.length > 0 || name.numbered;
}

/** The C function name of a function entity: clone and child decorations dropped (`foo.part.0` → `foo`). */
export function cFunctionName(e: Entity): string {
  return e.name.base;
}

/** `e` described, from the entities whose relocations refer to it (`usedBy`) and the DWARF owner hints. */
export function describeStatic(e: Entity, usedBy: readonly Entity[], hints?: OwnerHints): StaticLocal {
  const users = [...new Set(usedBy.filter((u) => u.kind === "function").map(cFunctionName))].sort();
  if (e.name.inner.length > 0) {
    // clang: func.var (func is the C function even when it was inlined away).
    return { variable: e.name.inner.join("."), owner: e.name.base, users, ownerFrom: "name" };
  }
  const hinted = hints?.get(e.symbolIndex);
  if (hinted !== undefined) return { variable: e.name.base, owner: hinted, users, ownerFrom: "dwarf" };
  if (users.length === 1) return { variable: e.name.base, owner: users[0]!, users, ownerFrom: "users" };
  return { variable: e.name.base, users, ownerFrom: "none" };
}

/**
 * A compiler- or macro-made static (`CSWTCH.4`, `__func__.1`, `_rs.2`, clang's `rate_a._rs`): never paired,
 * but described like a static local so that the report can say which function it belongs to.
 */
export function describeMadeStatic(e: Entity, usedBy: readonly Entity[], hints?: OwnerHints): StaticLocal {
  // clang names macro statics `function.variable`; GCC `variable.N`, and CSWTCH/__func__ have no DIE.
  if (e.name.inner.length > 0 && !parseName(e.name.base).compilerMade)
    return describeStatic(e, usedBy, hints);
  const s = describeStatic(e, usedBy, hints);
  if (s.ownerFrom !== "name") return s;
  // `switch.table.mapper`, `__const.f.x`: the name is not function.variable.
  const { users } = s;
  return users.length === 1
    ? { variable: e.name.base, owner: users[0]!, users, ownerFrom: "users" }
    : { variable: e.name.base, users, ownerFrom: "none" };
}

/** The key two builds' static locals must share to pair. */
export function staticKey(s: StaticLocal): string {
  return `${s.variable}@${s.owner ?? s.users.join(",")}`;
}
