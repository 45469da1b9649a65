import type { DwarfInfo, Subprogram, TypeId } from "@elfdelta/elf";
import type { DebugInfo } from "../debuginfo.js";
import type { ObjectView } from "../object.js";
import type { NamedType } from "./types.js";

/**
 * Which functions involve a type: through their parameters, locals, return type, the globals their code
 * accesses (relocations) or the functions inlined into them, where "involve" follows pointers, arrays,
 * typedefs, qualifiers, function types and members of aggregates. Computed per changed type with one
 * breadth-first walk of the reversed type graph, so the cost is linear in the DWARF per changed type.
 */
export class TypeUsage {
  readonly #info: DwarfInfo;
  readonly #debug: DebugInfo;
  readonly #view: ObjectView;
  #reverse: Map<TypeId, TypeId[]> | undefined;

  constructor(view: ObjectView, debug: DebugInfo) {
    this.#view = view;
    this.#debug = debug;
    this.#info = debug.info;
  }

  /** The function symbols (names as in this build) that involve any of the given types. */
  usersOf(types: readonly NamedType[]): Set<string> {
    const reach = this.#reach(types.map((t) => t.id));
    const out = new Set<string>();
    const involves = (sp: Subprogram | undefined, depth: number): boolean => {
      if (!sp) return false;
      if (sp.returns !== undefined && reach.has(sp.returns)) return true;
      for (const p of sp.params) if (p.type !== undefined && reach.has(p.type)) return true;
      for (const l of sp.locals) if (l.type !== undefined && reach.has(l.type)) return true;
      if (depth < 4) {
        for (const c of sp.inlined) {
          if (c.calleeId !== undefined && involves(this.#debug.subprogramById.get(c.calleeId), depth + 1))
            return true;
        }
      }
      return false;
    };
    for (const [symbol, sp] of this.#debug.subprogramBySymbol) if (involves(sp, 0)) out.add(symbol);
    // Globals the code accesses.
    for (const f of this.#view.functions) {
      if (out.has(f.name.raw)) continue;
      for (const d of this.#view.references(f)) {
        if (d.kind !== "data") continue;
        const v = this.#debug.variableBySymbol.get(d.name.raw);
        if (v?.type !== undefined && reach.has(v.type)) {
          out.add(f.name.raw);
          break;
        }
      }
    }
    return out;
  }

  #reach(seeds: readonly TypeId[]): Set<TypeId> {
    const reverse = this.#reverseGraph();
    const seen = new Set<TypeId>(seeds);
    const queue = [...seeds];
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const up of reverse.get(id) ?? []) {
        if (seen.has(up)) continue;
        seen.add(up);
        queue.push(up);
      }
    }
    return seen;
  }

  #reverseGraph(): Map<TypeId, TypeId[]> {
    if (this.#reverse) return this.#reverse;
    const rev = new Map<TypeId, TypeId[]>();
    const edge = (from: TypeId, to: TypeId | undefined) => {
      if (to === undefined) return;
      const list = rev.get(to);
      if (list) list.push(from);
      else rev.set(to, [from]);
    };
    for (const t of this.#info.types.values()) {
      switch (t.kind) {
        case "struct":
        case "union":
        case "class":
          for (const m of t.members) edge(t.id, m.type);
          break;
        case "array":
          edge(t.id, t.element);
          break;
        case "function":
          edge(t.id, t.returns);
          for (const p of t.params) edge(t.id, p);
          break;
        case "enum":
          break;
        case "typedef":
        case "pointer":
        case "reference":
        case "rvalue-reference":
        case "ptr-to-member":
        case "const":
        case "volatile":
        case "restrict":
        case "atomic":
          edge(t.id, t.target);
          break;
        case "base":
        case "unspecified":
          break;
      }
    }
    // Declarations (`struct conn;` used through pointers) stand for the definition of the same name.
    const defs = new Map<string, TypeId>();
    for (const t of this.#info.types.values()) {
      if (
        (t.kind === "struct" || t.kind === "union" || t.kind === "class" || t.kind === "enum") &&
        t.name &&
        !t.declaration
      ) {
        defs.set(`${t.kind} ${t.name}`, t.id);
      }
    }
    for (const t of this.#info.types.values()) {
      if (
        (t.kind === "struct" || t.kind === "union" || t.kind === "class" || t.kind === "enum") &&
        t.name &&
        t.declaration
      ) {
        const def = defs.get(`${t.kind} ${t.name}`);
        if (def !== undefined) edge(t.id, def);
      }
    }
    this.#reverse = rev;
    return rev;
  }
}
