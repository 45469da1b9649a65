import type { DwarfInfo, Subprogram, TypeId } from "@elfdelta/elf";
import { type DebugInfo, subprogramsWithIds } from "../debuginfo.js";
import type { Entity, ObjectView } from "../object.js";
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
  #callees: Map<string, Subprogram> | undefined;

  constructor(view: ObjectView, debug: DebugInfo) {
    this.#view = view;
    this.#debug = debug;
    this.#info = debug.info;
  }

  /** The function symbols (names as in this build) that involve any of the given types. */
  usersOf(types: readonly NamedType[]): Set<string> {
    return this.usersOfEach([types])[0]!;
  }

  /**
   * `usersOf` for each of several groups of types, in one pass over the functions: each function is looked
   * at once whatever the number of groups (a patch that changes many types costs their reach, not the
   * number of types times the number of functions).
   */
  usersOfEach(groups: readonly (readonly NamedType[])[]): Set<string>[] {
    const out = groups.map(() => new Set<string>());
    // Type id → the groups whose types it involves.
    const reachers = new Map<TypeId, number[]>();
    groups.forEach((types, k) => {
      if (types.length === 0) return;
      for (const id of this.#reach(types.map((t) => t.id))) {
        const list = reachers.get(id);
        if (list) list.push(k);
        else reachers.set(id, [k]);
      }
    });
    if (reachers.size === 0) return out;
    // Indexed loops and Set.forEach: this visits every function of the build, and for-of made an iterator
    // result per step here (a sixth of all a 100,000-function diff allocated).
    const note = (id: TypeId | undefined, into: Set<number>) => {
      if (id === undefined) return;
      const ks = reachers.get(id);
      if (ks) for (let i = 0; i < ks.length; i++) into.add(ks[i]!);
    };
    const collect = (sp: Subprogram | undefined, depth: number, into: Set<number>): void => {
      if (!sp) return;
      note(sp.returns, into);
      const params = sp.params;
      for (let i = 0; i < params.length; i++) note(params[i]!.type, into);
      const locals = sp.locals;
      for (let i = 0; i < locals.length; i++) note(locals[i]!.type, into);
      if (depth < 4) {
        const inlined = sp.inlined;
        for (let i = 0; i < inlined.length; i++) {
          const id = inlined[i]!.calleeId;
          if (id !== undefined) collect(this.#calleeById().get(id), depth + 1, into);
        }
      }
    };
    const hit = new Set<number>();
    this.#debug.subprogramBySymbol.forEach((sp, symbol) => {
      hit.clear();
      collect(sp, 0, hit);
      if (hit.size > 0)
        hit.forEach((k) => {
          out[k]!.add(symbol);
        });
    });
    // Globals the code accesses: the data objects whose type is involved, then the functions that use them
    // (no need to index every relocation when no global is involved, the usual case).
    const involved = new Map<Entity, readonly number[]>();
    for (const d of this.#view.data) {
      if (this.#view.isAlias(d)) continue; // references name the primary of a group of aliases
      const type = this.#debug.variableBySymbol.get(d.rawName)?.type;
      const ks = type === undefined ? undefined : reachers.get(type);
      if (ks) involved.set(d, ks);
    }
    for (const [d, users] of this.#view.usersOfEach([...involved.keys()])) {
      const ks = involved.get(d)!;
      for (const u of users) {
        if (u.kind !== "function") continue;
        for (const k of ks) out[k]!.add(u.rawName);
      }
    }
    return out;
  }

  /** The subprograms inlined somewhere, by id: the ones `collect` follows. */
  #calleeById(): Map<string, Subprogram> {
    if (this.#callees) return this.#callees;
    const ids = new Set<string>();
    // Indexed: every subprogram of the build, once, mostly before V8 optimises the loop.
    const subprograms = this.#info.subprograms;
    for (let k = 0; k < subprograms.length; k++) {
      const inlined = subprograms[k]!.inlined;
      for (let i = 0; i < inlined.length; i++) {
        const id = inlined[i]!.calleeId;
        if (id !== undefined) ids.add(id);
      }
    }
    this.#callees = subprogramsWithIds(this.#info, ids);
    return this.#callees;
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
