import { type DwarfInfo, type DwarfType, type Member, type TypeId, typeSpelling } from "@elfdelta/elf";
import type { MemberRow, Status, TypeChange, TypeKindName } from "../report.js";

/**
 * Type layouts through DWARF: every struct, union, class, enum and typedef of either build, paired by kind
 * and name (an untagged type by the typedef that names it), and compared member by member: size, members
 * added (inside padding or not), removed, moved, resized, retyped (by their canonical spelling, so a typedef
 * rename alone is not a change), bit position, order; a member whose own aggregate type changed; enum
 * constants; typedef targets.
 */

export interface NamedType {
  readonly key: string;
  readonly name: string;
  /** True for an untagged struct/union/enum named by a typedef. */
  readonly viaTypedef?: boolean;
  readonly kind: TypeKindName;
  readonly id: TypeId;
  readonly type: DwarfType;
}

export interface TypeOutcome {
  readonly key: string;
  readonly name: string;
  readonly kind: TypeKindName;
  readonly status: Status;
  readonly changes: TypeChange[];
  readonly original?: NamedType;
  readonly patched?: NamedType;
  usedBy: string[];
  readonly layout?: { original: MemberRow[]; patched: MemberRow[] };
}

type Aggregate = Extract<DwarfType, { kind: "struct" | "union" | "class" }>;
type EnumType = Extract<DwarfType, { kind: "enum" }>;

const MAX_DEPTH = 32;
/** Longest canonical spelling kept as text; longer ones are replaced by a hash of the text. */
const MAX_CANONICAL = 1024;

/** FNV-1a over UTF-16 code units, twice with different parameters (64 bits): a short stand-in for a long spelling. */
function fnv1a(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

/** The named types of one build, by key (`struct conn`, `typedef len_t`); duplicates kept in order. */
export function namedTypes(info: DwarfInfo): Map<string, NamedType[]> {
  const namingTypedef = new Map<TypeId, string>();
  for (const t of info.types.values()) {
    if (t.kind === "typedef" && t.target !== undefined && t.name !== "" && !namingTypedef.has(t.target)) {
      const target = info.types.get(t.target);
      if (target && target.name === "" && isNameable(target)) namingTypedef.set(t.target, t.name);
    }
  }
  const out = new Map<string, NamedType[]>();
  const declared = new Map<string, NamedType>();
  for (const t of info.types.values()) {
    if (!isNameable(t)) continue;
    if (t.declaration) {
      // `struct session;` with no definition in this file: listed, without a layout to compare.
      if (t.name !== "") {
        const kind = t.kind as TypeKindName;
        const key = `${kind === "class" ? "struct" : kind} ${t.name}`;
        if (!declared.has(key)) declared.set(key, { key, name: t.name, kind, id: t.id, type: t });
      }
      continue;
    }
    let name = t.name;
    if (t.kind === "typedef") {
      // A typedef of an untagged struct/union/enum is that type's name, listed once, under the type.
      const target = t.target !== undefined ? info.types.get(t.target) : undefined;
      if (target && target.name === "" && isNameable(target) && namingTypedef.get(t.target!) === t.name)
        continue;
    } else if (name === "") {
      name = namingTypedef.get(t.id) ?? "";
    }
    if (name === "") continue;
    const kind = t.kind as TypeKindName;
    const key = `${kind === "class" ? "struct" : kind} ${name}`;
    const list = out.get(key);
    const nt: NamedType = {
      key,
      name,
      kind,
      id: t.id,
      type: t,
      ...(t.name === "" ? { viaTypedef: true } : {}),
    };
    if (list) list.push(nt);
    else out.set(key, [nt]);
  }
  for (const [key, nt] of declared) if (!out.has(key)) out.set(key, [nt]);
  return out;
}

function isNameable(t: DwarfType): boolean {
  return (
    t.kind === "struct" ||
    t.kind === "union" ||
    t.kind === "class" ||
    t.kind === "enum" ||
    t.kind === "typedef"
  );
}

/** Compares the named types of two builds. */
export function compareTypes(o: DwarfInfo, p: DwarfInfo): TypeOutcome[] {
  const on = namedTypes(o);
  const pn = namedTypes(p);
  const cmp = new TypeComparer(o, p, on, pn);
  const out: TypeOutcome[] = [];
  const keys = new Set([...on.keys(), ...pn.keys()]);
  for (const key of keys) {
    const os = on.get(key) ?? [];
    const ps = pn.get(key) ?? [];
    const n = Math.max(os.length, ps.length);
    for (let i = 0; i < n; i++) {
      const a = os[i];
      const b = ps[i];
      if (a && b) {
        const changes = cmp.changesOf(a, b);
        const layout = changes.length > 0 ? cmp.layouts(a, b) : undefined;
        out.push({
          key,
          name: a.name,
          kind: a.kind,
          status: changes.length > 0 ? "changed" : "unchanged",
          changes,
          original: a,
          patched: b,
          usedBy: [],
          ...(layout ? { layout } : {}),
        });
      } else if (a) {
        out.push({
          key,
          name: a.name,
          kind: a.kind,
          status: "removed",
          changes: [],
          original: a,
          usedBy: [],
        });
      } else if (b) {
        out.push({ key, name: b.name, kind: b.kind, status: "new", changes: [], patched: b, usedBy: [] });
      }
    }
  }
  out.sort((x, y) =>
    x.name < y.name ? -1 : x.name > y.name ? 1 : x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0,
  );
  return out;
}

class TypeComparer {
  #memo = new Map<string, TypeChange[]>();
  #canon: [Map<TypeId, string>, Map<TypeId, string>] = [new Map(), new Map()];
  #spelling: [Set<TypeId>, Set<TypeId>] = [new Set(), new Set()];

  constructor(
    readonly o: DwarfInfo,
    readonly p: DwarfInfo,
    readonly on: Map<string, NamedType[]>,
    readonly pn: Map<string, NamedType[]>,
  ) {}

  changesOf(a: NamedType, b: NamedType): TypeChange[] {
    // A declaration has no layout: nothing to compare it with.
    if (a.type.declaration || b.type.declaration) return [];
    const id = `${a.id}|${b.id}`;
    const hit = this.#memo.get(id);
    if (hit) return hit;
    this.#memo.set(id, []); // a by-value cycle is impossible; this only stops a malformed model
    const changes = this.#compare(a.type, b.type, 0);
    this.#memo.set(id, changes);
    return changes;
  }

  #compare(a: DwarfType, b: DwarfType, depth: number): TypeChange[] {
    if (
      a.kind !== b.kind &&
      !(isAggregate(a) && isAggregate(b) && a.kind !== "union" && b.kind !== "union")
    ) {
      return [
        {
          kind: "kind-changed",
          message: `changed from ${a.kind} to ${b.kind}`,
          original: a.kind,
          patched: b.kind,
        },
      ];
    }
    if (isAggregate(a) && isAggregate(b)) return this.#aggregate(a, b, depth);
    if (a.kind === "enum" && b.kind === "enum") return this.#enum(a, b);
    if (a.kind === "typedef" && b.kind === "typedef") {
      const x = this.canonical("o", a.target, 0);
      const y = this.canonical("p", b.target, 0);
      if (x === y) return [];
      const xs = typeSpelling(this.o, a.target);
      const ys = typeSpelling(this.p, b.target);
      return [
        {
          kind: "typedef-target-changed",
          message: `now names ${ys} instead of ${xs}`,
          original: xs,
          patched: ys,
        },
      ];
    }
    return [];
  }

  #aggregate(a: Aggregate, b: Aggregate, depth: number): TypeChange[] {
    const out: TypeChange[] = [];
    if (a.size !== undefined && b.size !== undefined && a.size !== b.size) {
      out.push({
        kind: "size-changed",
        message: `size changed from ${a.size} to ${b.size} bytes`,
        original: a.size,
        patched: b.size,
      });
    }
    // Most types of a build pair are unchanged, member for member, in the same order: that is checked
    // without the maps, ranges and sorts the general comparison needs.
    if (this.#sameMembers(a.members, b.members, depth)) return out;
    const am = memberMap(a.members);
    const bm = memberMap(b.members);
    for (const [name, x] of am) {
      const y = bm.get(name);
      if (!y) {
        out.push({
          kind: "member-removed",
          message: `member ${label(name)} removed (was at offset ${x.offset})`,
          member: name,
          offset: x.offset,
        });
        continue;
      }
      const bitfield = x.bitSize !== undefined || y.bitSize !== undefined;
      if (x.offset !== y.offset && !bitfield) {
        out.push({
          kind: "member-moved",
          message: `member ${label(name)} moved from offset ${x.offset} to ${y.offset}`,
          member: name,
          original: x.offset,
          patched: y.offset,
        });
      }
      if (x.size !== y.size && !(bitfield && x.bitSize !== undefined && y.bitSize !== undefined)) {
        out.push({
          kind: "member-resized",
          message: `member ${label(name)} resized from ${x.size} to ${y.size} bytes`,
          member: name,
          original: x.size,
          patched: y.size,
        });
      }
      if (x.bitOffset !== y.bitOffset || x.bitSize !== y.bitSize) {
        out.push({
          kind: "member-bits-changed",
          message: bitsMessage(name, x, y),
          member: name,
          original: bitPos(x),
          patched: bitPos(y),
        });
      }
      const xc = this.canonical("o", x.type, 0);
      const yc = this.canonical("p", y.type, 0);
      if (xc !== yc) {
        const xs = typeSpelling(this.o, x.type);
        const ys = typeSpelling(this.p, y.type);
        out.push({
          kind: "member-retyped",
          message: `member ${label(name)} retyped from ${xs} to ${ys}`,
          member: name,
          original: xs,
          patched: ys,
        });
      } else if (depth < MAX_DEPTH) {
        const inner = this.#innerChange(x.type, y.type, depth);
        if (inner) {
          out.push({
            kind: "member-type-changed",
            message: `member ${label(name)}: the layout of ${inner} changed`,
            member: name,
            type: inner,
          });
        }
      }
    }
    const oldRanges = [...am.values()].map((m) => [m.offset, m.offset + Math.max(m.size, 1)] as const);
    for (const [name, y] of bm) {
      if (am.has(name)) continue;
      const end = y.offset + Math.max(y.size, 1);
      const inPadding =
        a.size !== undefined &&
        end <= a.size &&
        !oldRanges.some(([s, e]) => y.offset < e && s < end) &&
        a.kind !== "union";
      out.push({
        kind: "member-added",
        message: `member ${label(name)} added at offset ${y.offset} (${y.size} byte${y.size === 1 ? "" : "s"})${inPadding ? ", inside what was padding" : ""}`,
        member: name,
        offset: y.offset,
        size: y.size,
        inPadding,
      });
    }
    if (a.kind !== "union") {
      const common = [...am.keys()].filter((n) => bm.has(n));
      const before = [...common].sort((x, y) => order(am.get(x)!) - order(am.get(y)!));
      const after = [...common].sort((x, y) => order(bm.get(x)!) - order(bm.get(y)!));
      if (before.some((n, i) => n !== after[i])) {
        out.push({
          kind: "members-reordered",
          message: `members reordered: ${after.map(label).join(", ")}`,
          original: before,
          patched: after,
        });
      }
    }
    return out;
  }

  /**
   * True when the two member lists are equal position by position: names, flags, places and sizes, types
   * that spell the same and no aggregate held by value whose layout changed. Then the general comparison
   * would find nothing either (no member added, removed, moved, resized, retyped or reordered).
   */
  #sameMembers(xs: readonly Member[], ys: readonly Member[], depth: number): boolean {
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (
        x.name !== y.name ||
        x.offset !== y.offset ||
        x.size !== y.size ||
        x.bitOffset !== y.bitOffset ||
        x.bitSize !== y.bitSize ||
        x.artificial !== y.artificial ||
        x.inheritance !== y.inheritance
      )
        return false;
    }
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x.artificial) continue;
      if (this.canonical("o", x.type, 0) !== this.canonical("p", y.type, 0)) return false;
      if (depth < MAX_DEPTH && this.#innerChange(x.type, y.type, depth) !== undefined) return false;
    }
    return true;
  }

  /** For a member whose type spells the same: the aggregate it holds by value, when that one's layout changed. */
  #innerChange(x: TypeId, y: TypeId, depth: number): string | undefined {
    const a = this.#byValue(this.o, x);
    const b = this.#byValue(this.p, y);
    if (!a || !b) return undefined;
    if (a.name !== "" && b.name !== "") {
      const key = `${a.kind === "class" ? "struct" : a.kind} ${a.name}`;
      const na = this.on.get(key)?.find((t) => t.id === a.id) ?? {
        key,
        name: a.name,
        kind: a.kind as TypeKindName,
        id: a.id,
        type: a,
      };
      const nb = this.pn.get(key)?.find((t) => t.id === b.id) ?? {
        key,
        name: b.name,
        kind: b.kind as TypeKindName,
        id: b.id,
        type: b,
      };
      return this.changesOf(na, nb).length > 0 ? key : undefined;
    }
    if (a.name === "" && b.name === "") {
      return this.#compare(a, b, depth + 1).length > 0 ? `the anonymous ${a.kind}` : undefined;
    }
    return undefined;
  }

  /** `byValue` by side and type id: the members of many types hold the same few types. */
  #held: [Map<TypeId, DwarfType | null>, Map<TypeId, DwarfType | null>] = [new Map(), new Map()];

  #byValue(info: DwarfInfo, id: TypeId | undefined): DwarfType | undefined {
    if (id === undefined) return undefined;
    const cache = this.#held[info === this.o ? 0 : 1];
    const hit = cache.get(id);
    if (hit !== undefined) return hit ?? undefined;
    const t = this.#heldBy(info, id);
    cache.set(id, t ?? null);
    return t;
  }

  /** The struct/union/class/enum a type holds by value (through typedefs, qualifiers and arrays). */
  #heldBy(info: DwarfInfo, id: TypeId | undefined): DwarfType | undefined {
    for (let i = 0; i < MAX_DEPTH && id !== undefined; i++) {
      const t = info.types.get(id);
      if (!t) return undefined;
      switch (t.kind) {
        case "typedef":
        case "const":
        case "volatile":
        case "restrict":
        case "atomic":
          id = t.target;
          break;
        case "array":
          id = t.element;
          break;
        case "struct":
        case "union":
        case "class":
        case "enum":
          return t.declaration ? undefined : t;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  #enum(a: EnumType, b: EnumType): TypeChange[] {
    const out: TypeChange[] = [];
    if (a.size !== undefined && b.size !== undefined && a.size !== b.size) {
      out.push({
        kind: "size-changed",
        message: `size changed from ${a.size} to ${b.size} bytes`,
        original: a.size,
        patched: b.size,
      });
    }
    const bv = new Map(b.enumerators.map((e) => [e.name, e.value]));
    const av = new Map(a.enumerators.map((e) => [e.name, e.value]));
    for (const e of a.enumerators) {
      const v = bv.get(e.name);
      if (v === undefined) {
        out.push({
          kind: "enumerator-removed",
          message: `${e.name} (= ${e.value}) removed`,
          name: e.name,
          value: String(e.value),
        });
      } else if (v !== e.value) {
        out.push({
          kind: "enumerator-value-changed",
          message: `${e.name} changed from ${e.value} to ${v}`,
          name: e.name,
          original: String(e.value),
          patched: String(v),
        });
      }
    }
    for (const e of b.enumerators) {
      if (!av.has(e.name)) {
        out.push({
          kind: "enumerator-added",
          message: `${e.name} = ${e.value} added`,
          name: e.name,
          value: String(e.value),
        });
      }
    }
    return out;
  }

  /** A spelling with typedefs and qualifiers resolved: two types are "the same" when these are equal. */
  canonical(side: "o" | "p", id: TypeId | undefined, depth: number): string {
    if (id === undefined) return "void";
    const cache = this.#canon[side === "o" ? 0 : 1];
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const info = side === "o" ? this.o : this.p;
    const t = info.types.get(id);
    if (!t || depth > MAX_DEPTH) return "?";
    // Anonymous aggregates are spelled by their members, so a cycle through them (possible in mangled DWARF)
    // would recurse until MAX_DEPTH on every path: a type met again while being spelled is cut short.
    const busy = this.#spelling[side === "o" ? 0 : 1];
    if (busy.has(id)) return `${t.kind} {...}`;
    busy.add(id);
    let s: string;
    try {
      s = this.#spell(side, t, depth);
    } finally {
      busy.delete(id);
    }
    // Bound each spelling: nested anonymous types shared along many paths would otherwise grow exponentially.
    if (s.length > MAX_CANONICAL) s = `${t.kind}#${fnv1a(s)}`;
    cache.set(id, s);
    return s;
  }

  /** Hot (every type of both builds): a plain exhaustive switch, no matcher objects per call. */
  #spell(side: "o" | "p", t: DwarfType, depth: number): string {
    switch (t.kind) {
      case "typedef":
        return this.canonical(side, t.target, depth + 1);
      case "base":
        return `${t.name}/${t.size ?? "?"}/${t.encoding}`;
      case "unspecified":
        return t.name || "void";
      case "struct":
      case "union":
      case "class":
        return t.name !== ""
          ? `${t.kind} ${t.name}`
          : `${t.kind} {${t.members.map((m) => `${m.name}:${this.canonical(side, m.type, depth + 1)}@${m.offset}`).join(";")}}`;
      case "enum":
        return t.name !== ""
          ? `enum ${t.name}`
          : `enum {${t.enumerators.map((e) => `${e.name}=${e.value}`).join(",")}}`;
      case "pointer":
      case "reference":
      case "rvalue-reference":
      case "ptr-to-member":
        return `${t.kind}(${this.canonical(side, t.target, depth + 1)})`;
      // Qualifiers do not change a layout (a size or alignment change shows in sizes and offsets), and
      // older DWARF drops some of them (_Atomic, restrict): compared without them.
      case "const":
      case "volatile":
      case "restrict":
      case "atomic":
        return this.canonical(side, t.target, depth + 1);
      case "array":
        return `${this.canonical(side, t.element, depth + 1)}[${t.dimensions.map((d) => d.count ?? "").join("][")}]`;
      case "function":
        return `fn(${t.params.map((q) => this.canonical(side, q, depth + 1)).join(",")}${t.variadic ? ",..." : ""})->${this.canonical(side, t.returns, depth + 1)}`;
      default:
        return unreachable(t);
    }
  }

  layouts(a: NamedType, b: NamedType): { original: MemberRow[]; patched: MemberRow[] } | undefined {
    if (!isAggregate(a.type) || !isAggregate(b.type)) return undefined;
    return { original: rows(this.o, a.type), patched: rows(this.p, b.type) };
  }
}

function isAggregate(t: DwarfType): t is Aggregate {
  return t.kind === "struct" || t.kind === "union" || t.kind === "class";
}

function memberMap(members: readonly Member[]): Map<string, Member> {
  const out = new Map<string, Member>();
  let anon = 0;
  for (const m of members) {
    if (m.artificial) continue;
    const name = m.name !== "" ? m.name : m.inheritance ? `<base ${anon++}>` : `<anonymous ${anon++}>`;
    if (!out.has(name)) out.set(name, m);
  }
  return out;
}

function order(m: Member): number {
  return m.bitOffset ?? m.offset * 8;
}

function label(name: string): string {
  return name;
}

function bitPos(m: Member): { bitOffset?: number; bitSize?: number } {
  return {
    ...(m.bitOffset !== undefined ? { bitOffset: m.bitOffset } : {}),
    ...(m.bitSize !== undefined ? { bitSize: m.bitSize } : {}),
  };
}

function bitsMessage(name: string, x: Member, y: Member): string {
  const xo = x.bitOffset ?? x.offset * 8;
  const yo = y.bitOffset ?? y.offset * 8;
  const xs = x.bitSize ?? x.size * 8;
  const ys = y.bitSize ?? y.size * 8;
  if (x.bitSize === undefined || y.bitSize === undefined) {
    return `member ${name} changed from ${bits(x)} to ${bits(y)}`;
  }
  if (xo === yo) return `bit-field ${name} ${ys > xs ? "widened" : "narrowed"} from ${xs} to ${ys} bits`;
  if (xs === ys) return `bit-field ${name} moved from bit ${xo} to bit ${yo}`;
  return `bit-field ${name} changed from ${bits(x)} to ${bits(y)}`;
}

function bits(m: Member): string {
  if (m.bitOffset === undefined && m.bitSize === undefined) return `offset ${m.offset} (not a bit-field)`;
  return `bit ${m.bitOffset ?? m.offset * 8} (${m.bitSize ?? m.size * 8} bit${m.bitSize === 1 ? "" : "s"})`;
}

function rows(info: DwarfInfo, t: Aggregate): MemberRow[] {
  return t.members
    .filter((m) => !m.artificial)
    .map((m) => ({
      name: m.name,
      type: typeSpelling(info, m.type),
      offset: m.offset,
      size: m.size,
      ...(m.bitOffset !== undefined ? { bitOffset: m.bitOffset } : {}),
      ...(m.bitSize !== undefined ? { bitSize: m.bitSize } : {}),
    }));
}

function unreachable(x: never): never {
  throw new Error(`unexpected type ${JSON.stringify(x)}`);
}
