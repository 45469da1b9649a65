import type { DwarfInfo, DwarfType, Member } from "@elfdelta/elf";
import { describe, expect, it } from "vitest";
import { compareTypes } from "../src/compare/types.js";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** A DwarfInfo with only types; ids are the keys of `types`. */
function info(types: Record<string, WithoutId<DwarfType>>): DwarfInfo {
  return {
    units: [],
    types: new Map(Object.entries(types).map(([id, t]) => [id, { ...t, id } as DwarfType])),
    subprograms: [],
    variables: [],
  };
}

const base = {
  int: { kind: "base", name: "int", size: 4, encoding: 5 },
  uint: { kind: "base", name: "unsigned int", size: 4, encoding: 8 },
  char: { kind: "base", name: "char", size: 1, encoding: 6 },
  long: { kind: "base", name: "long int", size: 8, encoding: 5 },
} as const;

const m = (
  name: string,
  type: string,
  offset: number,
  size: number,
  bits?: { bitOffset: number; bitSize: number },
): Member => ({
  name,
  type,
  offset,
  size,
  ...(bits ?? {}),
});

const struct = (name: string, size: number, members: Member[]) => ({
  kind: "struct" as const,
  name,
  size,
  members,
});

function changes(o: DwarfInfo, p: DwarfInfo, name: string) {
  const t = compareTypes(o, p).find((x) => x.name === name);
  return { status: t?.status, kinds: t?.changes.map((c) => c.kind), changes: t?.changes ?? [] };
}

describe("type layouts", () => {
  it("see a member inserted in the middle: size, moves, addition", () => {
    const o = info({
      ...base,
      s: struct("conn", 16, [m("fd", "int", 0, 4), m("state", "int", 4, 4), m("bytes", "long", 8, 8)]),
    });
    const p = info({
      ...base,
      s: struct("conn", 24, [
        m("fd", "int", 0, 4),
        m("flags", "int", 4, 4),
        m("state", "int", 8, 4),
        m("bytes", "long", 16, 8),
      ]),
    });
    const c = changes(o, p, "conn");
    expect(c.status).toBe("changed");
    expect(c.kinds).toEqual(["size-changed", "member-moved", "member-moved", "member-added"]);
    expect(c.changes.find((x) => x.kind === "member-added")).toMatchObject({
      member: "flags",
      inPadding: false,
    });
  });

  it("see a member added inside padding, with the size unchanged", () => {
    const o = info({ ...base, s: struct("pkt", 8, [m("kind", "char", 0, 1), m("len", "int", 4, 4)]) });
    const p = info({
      ...base,
      s: struct("pkt", 8, [m("kind", "char", 0, 1), m("prio", "char", 1, 1), m("len", "int", 4, 4)]),
    });
    const c = changes(o, p, "pkt");
    expect(c.kinds).toEqual(["member-added"]);
    expect(c.changes[0]).toMatchObject({ member: "prio", inPadding: true });
  });

  it("see retyped, resized, removed and reordered members, but not a typedef rename", () => {
    const o = info({
      ...base,
      u32: { kind: "typedef", name: "u32", target: "uint" },
      s: struct("req", 16, [
        m("id", "int", 0, 4),
        m("flags", "int", 4, 4),
        m("n", "u32", 8, 4),
        m("gone", "int", 12, 4),
      ]),
    });
    const p = info({
      ...base,
      s: struct("req", 16, [m("flags", "uint", 0, 4), m("id", "int", 4, 4), m("n", "uint", 8, 8)]),
    });
    const c = changes(o, p, "req");
    expect(c.kinds).toContain("member-retyped");
    expect(c.kinds).toContain("member-resized");
    expect(c.kinds).toContain("member-removed");
    expect(c.kinds).toContain("members-reordered");
    const retyped = c.changes.filter((x) => x.kind === "member-retyped");
    expect(retyped).toEqual([
      expect.objectContaining({ member: "flags", original: "int", patched: "unsigned int" }),
    ]);
  });

  it("see bit-fields widen and move", () => {
    const o = info({
      ...base,
      s: struct("opts", 4, [
        m("mode", "uint", 0, 4, { bitOffset: 0, bitSize: 3 }),
        m("prio", "uint", 0, 4, { bitOffset: 3, bitSize: 4 }),
      ]),
    });
    const p = info({
      ...base,
      s: struct("opts", 4, [
        m("mode", "uint", 0, 4, { bitOffset: 0, bitSize: 4 }),
        m("prio", "uint", 0, 4, { bitOffset: 4, bitSize: 4 }),
      ]),
    });
    const c = changes(o, p, "opts");
    expect(c.changes.map((x) => x.message)).toEqual([
      "bit-field mode widened from 3 to 4 bits",
      "bit-field prio moved from bit 3 to bit 4",
    ]);
  });

  it("see nested aggregates change through the member holding them by value", () => {
    const inner = (size: number, extra: boolean) =>
      struct("inner", size, extra ? [m("a", "int", 0, 4), m("b", "int", 4, 4)] : [m("a", "int", 0, 4)]);
    const o = info({
      ...base,
      i: inner(4, false),
      s: struct("outer", 8, [m("in", "i", 0, 4), m("z", "int", 4, 4)]),
    });
    const p = info({
      ...base,
      i: inner(8, true),
      s: struct("outer", 12, [m("in", "i", 0, 8), m("z", "int", 8, 4)]),
    });
    expect(changes(o, p, "inner").status).toBe("changed");
    expect(changes(o, p, "outer").kinds).toContain("member-type-changed");
  });

  it("see a nested aggregate change that leaves the outer members equal place by place", () => {
    // Same sizes and offsets outside: only the inner struct's member names differ, two levels down.
    const inner = (name: string) => struct("inner", 4, [m(name, "int", 0, 4)]);
    const mid = struct("mid", 4, [m("in", "i", 0, 4)]);
    const outer = struct("outer", 8, [m("m", "mid", 0, 4), m("z", "int", 4, 4)]);
    const o = info({ ...base, i: inner("a"), mid, s: outer });
    const p = info({ ...base, i: inner("b"), mid, s: outer });
    expect(changes(o, p, "inner").kinds).toEqual(["member-removed", "member-added"]);
    expect(changes(o, p, "mid").kinds).toEqual(["member-type-changed"]);
    expect(changes(o, p, "outer").kinds).toEqual(["member-type-changed"]);
    // And nothing where nothing changed.
    const same = info({ ...base, i: inner("a"), mid, s: outer });
    expect(changes(o, same, "outer").status).toBe("unchanged");
  });

  it("name untagged types by their typedef, and compare enums by constant", () => {
    const o = info({
      ...base,
      anon: struct("", 8, [m("a", "int", 0, 4), m("b", "int", 4, 4)]),
      td: { kind: "typedef", name: "pair_t", target: "anon" },
      e: {
        kind: "enum",
        name: "state",
        size: 4,
        enumerators: [
          { name: "IDLE", value: 0n },
          { name: "BUSY", value: 1n },
        ],
      },
      e2: { kind: "enum", name: "color", size: 4, enumerators: [{ name: "RED", value: 0n }] },
    });
    const p = info({
      ...base,
      anon: struct("", 12, [m("a", "int", 0, 4), m("pad", "int", 4, 4), m("b", "int", 8, 4)]),
      td: { kind: "typedef", name: "pair_t", target: "anon" },
      e: {
        kind: "enum",
        name: "state",
        size: 4,
        enumerators: [
          { name: "IDLE", value: 0n },
          { name: "WAIT", value: 1n },
          { name: "BUSY", value: 2n },
        ],
      },
      e2: {
        kind: "enum",
        name: "color",
        size: 4,
        enumerators: [
          { name: "RED", value: 0n },
          { name: "BLUE", value: 1n },
        ],
      },
    });
    const all = compareTypes(o, p);
    expect(all.filter((t) => t.name === "pair_t").map((t) => t.kind)).toEqual(["struct"]);
    expect(changes(o, p, "pair_t").status).toBe("changed");
    expect(changes(o, p, "state").kinds).toEqual(["enumerator-value-changed", "enumerator-added"]);
    expect(changes(o, p, "color").kinds).toEqual(["enumerator-added"]);
  });

  it("report new and removed types", () => {
    const o = info({ ...base, s: struct("old", 4, [m("a", "int", 0, 4)]) });
    const p = info({ ...base, s: struct("new", 4, [m("a", "int", 0, 4)]) });
    const all = compareTypes(o, p);
    expect(all.map((t) => [t.name, t.status])).toEqual([
      ["new", "new"],
      ["old", "removed"],
    ]);
  });
});
