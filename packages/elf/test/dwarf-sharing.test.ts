/**
 * What the DWARF reader shares to keep the model small: equal names are one string (`NameTable`, bounded, so
 * it forgets names once full), small BigInts come from one table, and empty or repeated lists (parameters,
 * locals, inlined calls, enumerators, dimensions) are shared frozen arrays. Sharing must never change a value: these
 * tests check the table against plain decoding where its eviction paths run, which the corpus objects are too
 * small to reach, and that shared lists are frozen and read the same as before.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { objectPath } from "../../../test-objects/index.js";
import { readAbbrevTable } from "../src/dwarf/abbrev.js";
import { stringAt, toBigInt } from "../src/dwarf/leb.js";
import { DebugSection } from "../src/dwarf/relocate.js";
import { readDwarf, readElf } from "../src/index.js";

/** A string section of NUL-terminated names, and the offset of each. */
function stringSection(names: readonly string[]): { bytes: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  const parts: number[] = [];
  for (const n of names) {
    offsets.push(parts.length);
    for (const b of new TextEncoder().encode(n)) parts.push(b);
    parts.push(0);
  }
  return { bytes: Uint8Array.from(parts), offsets };
}

describe("name interning", () => {
  it("reads every name as plain decoding does, repeated or not, past the table's size bound", () => {
    // 150,000 distinct names (past the 32,768 entries the table holds), each stored twice at different
    // offsets as in an `ld -r` output, plus names that differ in one byte or in length.
    const ascii: string[] = [];
    for (let i = 0; i < 150_000; i++) ascii.push(`name_${i}`, `name_${i}`);
    ascii.push("ab", "abc", "abd", "ab", "x", "");
    // A string section of ASCII is decoded whole; others (and UTF-8 names) name by name.
    for (const [section, names] of [
      [".debug_str", ascii],
      [".debug_info", [...ascii, "größe", "größe", "grö"]],
    ] as const) {
      const { bytes, offsets } = stringSection(names);
      const sec = new DebugSection(section, 1, bytes, true, 0);
      const wrong: string[] = [];
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < offsets.length; i++) {
          const s = stringAt(sec, offsets[i]!);
          if (s !== names[i]) wrong.push(`${offsets[i]}: ${s} for ${names[i]}`);
        }
        // Backwards too: names evicted long ago come back.
        for (let i = offsets.length - 1; i >= 0; i -= 7) {
          const s = stringAt(sec, offsets[i]!);
          if (s !== names[i]) wrong.push(`${offsets[i]}: ${s} for ${names[i]}`);
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it("keeps its typed errors for offsets outside the section and unterminated names", () => {
    const sec = new DebugSection(".debug_str", 1, Uint8Array.from([0x61, 0x62, 0, 0x63, 0x64]), true, 0);
    expect(stringAt(sec, 0)).toBe("ab");
    expect(() => stringAt(sec, 9)).toThrow(/outside \.debug_str/);
    expect(() => stringAt(sec, 3)).toThrow(/not NUL-terminated/);
  });
});

describe("toBigInt", () => {
  it("is BigInt(v) for every integer, shared or not", () => {
    for (const v of [
      0,
      -0,
      1,
      4095,
      4096,
      65_535,
      -1,
      -4096,
      2 ** 31,
      2 ** 32 + 5,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(toBigInt(v)).toBe(BigInt(v));
    }
    expect(() => toBigInt(0.5)).toThrow(RangeError);
  });
});

describe("shared lists in the model", () => {
  for (const stem of ["code", "types"]) {
    it(`${stem}: empty and repeated lists are frozen, and a second read gives an equal model`, () => {
      const path = objectPath("x86_64-gcc", stem);
      const bytes = new Uint8Array(readFileSync(path));
      const info = readDwarf(readElf(bytes, { path }));
      let empty = 0;
      for (const sp of info.subprograms) {
        for (const list of [sp.params, sp.locals, sp.inlined]) {
          if (list.length === 0) {
            empty++;
            expect(Object.isFrozen(list)).toBe(true);
          }
        }
      }
      for (const t of info.types.values()) {
        if (t.kind === "enum" && t.enumerators.length > 0) expect(Object.isFrozen(t.enumerators)).toBe(true);
        if (t.kind === "array" && t.dimensions.length <= 1) expect(Object.isFrozen(t.dimensions)).toBe(true);
      }
      if (stem === "code") expect(empty).toBeGreaterThan(0);
      const again = readDwarf(readElf(bytes, { path }));
      expect([...again.types.values()]).toEqual([...info.types.values()]);
      expect(again.subprograms).toEqual(info.subprograms);
      expect(again.variables).toEqual(info.variables);
    });
  }
});

describe("abbreviation tables", () => {
  // Code 1: DW_TAG_subprogram with children, DW_AT_name/DW_FORM_string, DW_AT_low_pc/DW_FORM_addr; then the end.
  const table = [1, 0x2e, 1, 0x03, 0x08, 0x11, 0x01, 0, 0, 0];
  const section = (bytes: number[]) => new DebugSection(".debug_abbrev", 1, Uint8Array.from(bytes), true, 0);

  it("shares the table of equal bytes between files, and reads it the same", () => {
    const a = readAbbrevTable(section([0xff, ...table]), 1);
    const b = readAbbrevTable(section([...table, 7, 7]), 0);
    expect(b).toBe(a);
    const d = a.get(1)!;
    expect([d.tag, d.hasChildren, [...d.attrs], [...d.forms]]).toEqual([
      0x2e,
      true,
      [0x03, 0x11],
      [0x08, 0x01],
    ]);
  });

  it("does not share a table whose bytes differ, or one that ended at its section's end", () => {
    const a = readAbbrevTable(section(table), 0);
    const changed = table.slice();
    changed[4] = 0x0e; // DW_FORM_strp
    const b = readAbbrevTable(section(changed), 0);
    expect(b).not.toBe(a);
    expect([...b.get(1)!.forms]).toEqual([0x0e, 0x01]);
    // Without its terminating zero the table ends at the section's end; followed by a second declaration it
    // is another table.
    const open = table.slice(0, -1);
    const c = readAbbrevTable(section(open), 0);
    const d = readAbbrevTable(section([...open, 2, 0x34, 0, 0, 0, 0]), 0);
    expect(d).not.toBe(c);
    expect([c.count, d.count]).toEqual([1, 2]);
  });
});
