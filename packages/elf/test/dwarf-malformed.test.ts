/**
 * Malformed DWARF ends in a typed error — never a crash, a hang, runaway recursion or a huge allocation. One
 * test per class of `shared/reference/formats.md` (and a few more), each breaking one thing in an otherwise
 * well-formed unit built by `dwarf/asm.ts`.
 */
import { describe, expect, it } from "vitest";
import { ElfError, type ElfErrorCode, readDwarf, readElf } from "../src/index.js";
import { buildElf, concat, cstrings, rela64, symbolEntry } from "./build-elf.js";
import {
  type AbbrevSpec,
  AT,
  abbrevTable,
  baseline,
  cstr,
  elfWith,
  FORM,
  setU32,
  TAG,
  u16,
  u32,
  unit,
} from "./dwarf/asm.js";

/** The abbreviation of a base type with an inline name and a one-byte size, as most fixtures here use. */
function namedBaseType(code: number): AbbrevSpec {
  return [
    code,
    TAG.base_type,
    false,
    [
      [AT.name, FORM.string],
      [AT.byte_size, FORM.data1],
    ],
  ];
}

function read(sections: Record<string, number[]>, everything = true): void {
  const info = readDwarf(readElf(elfWith(sections), { path: "bad.o" }));
  if (everything) {
    void info.subprograms;
    void info.variables;
  }
}

function expectDwarfError(f: () => unknown, code: ElfErrorCode, pattern?: RegExp): ElfError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected an ElfError").toBeInstanceOf(ElfError);
  const err = caught as ElfError;
  expect(err.code).toBe(code);
  expect(err.file).toBe("bad.o");
  if (pattern) expect(err.message).toMatch(pattern);
  expect(err.offset).toBeGreaterThanOrEqual(0);
  return err;
}

/** The baseline with its sections, ready to break. */
function sections() {
  const b = baseline();
  return { b, s: { ".debug_info": b.info, ".debug_abbrev": b.abbrev, ".debug_str": b.str } };
}

describe("the baseline", () => {
  it("reads", () => {
    const { s } = sections();
    const info = readDwarf(readElf(elfWith(s)));
    const st = [...info.types.values()].find((t) => t.name === "a_long_struct_name");
    expect(st).toMatchObject({ kind: "struct", size: 16 });
    expect(st?.kind === "struct" ? st.members.map((m) => [m.name, m.offset, m.size]) : []).toEqual([
      ["a", 0, 4],
      ["p", 8, 8],
    ]);
  });
  it("returns empty lists without .debug_info", () => {
    const info = readDwarf(readElf(elfWith({ ".text": [0x90] })));
    expect(info.types.size).toBe(0);
    expect(info.subprograms).toEqual([]);
    expect(info.variables).toEqual([]);
  });
});

describe("unit headers", () => {
  it("refuses a unit_length past the end of the section", () => {
    const { s } = sections();
    s[".debug_info"].splice(0, 4, ...u32(s[".debug_info"].length + 100));
    expectDwarfError(() => read(s), "bad-dwarf", /unit_length .* past the end of \.debug_info/);
  });
  it("refuses a reserved unit_length", () => {
    const { s } = sections();
    s[".debug_info"].splice(0, 4, ...u32(0xfffffff0));
    expectDwarfError(() => read(s), "bad-dwarf", /reserved value/);
  });
  it("refuses an unknown version", () => {
    for (const v of [1, 6, 0xffff]) {
      const { s } = sections();
      s[".debug_info"].splice(4, 2, ...u16(v));
      expectDwarfError(() => read(s), "bad-dwarf", /unsupported DWARF version/);
    }
  });
  it("refuses an unknown unit type", () => {
    const { s } = sections();
    s[".debug_info"][6] = 0x7f;
    expectDwarfError(() => read(s), "bad-dwarf", /unknown unit type/);
  });
  it("refuses an address size that is not 1, 2, 4 or 8", () => {
    const { s } = sections();
    s[".debug_info"][7] = 3;
    expectDwarfError(() => read(s), "bad-dwarf", /address size 3/);
  });
  it("refuses a type unit whose type_offset is outside the unit", () => {
    const { b } = sections();
    const dies = b.info.slice(12);
    // DW_UT_type: signature (8) then type_offset (4), pointing past the unit.
    const header = [...u16(5), 2, 8, ...u32(0), ...Array(8).fill(0x11), ...u32(0x7fff)];
    const tu = [...u32(header.length + dies.length), ...header, ...dies];
    expectDwarfError(
      () => read({ ".debug_info": tu, ".debug_abbrev": b.abbrev, ".debug_str": b.str }),
      "bad-dwarf",
      /type_offset/,
    );
  });
  it("reads 64-bit DWARF", () => {
    const { b } = sections();
    const dies = b.info.slice(12);
    const info64 = unit(dies, { dwarf64: true });
    // Unit-relative references move with the longer header (+12 bytes): rebuild them.
    const delta = 12;
    for (const [field, target] of [
      [b.at.memberA! + 3, b.at.int!],
      [b.at.memberP! + 3, b.at.pointer!],
      [b.at.pointer! + 1, b.at.int!],
    ] as const) {
      setU32(info64, field + delta, target + delta);
    }
    // DW_FORM_strp is 8 bytes in 64-bit DWARF: use a unit with inline names instead of patching every form.
    const abbrev = abbrevTable([[1, TAG.compile_unit, true, [[AT.name, FORM.string]]], namedBaseType(2)]);
    const u = unit([1, ...cstr("t.c"), 2, ...cstr("long"), 8, 0], { dwarf64: true });
    const info = readDwarf(readElf(elfWith({ ".debug_info": u, ".debug_abbrev": abbrev })));
    expect([...info.types.values()].map((t) => [t.name, t.size])).toEqual([["long", 8]]);
    expect(info.units[0]).toMatchObject({ version: 5 });
  });
});

describe("abbreviations", () => {
  it("refuses an abbreviation offset outside .debug_abbrev", () => {
    const { s } = sections();
    s[".debug_info"].splice(8, 4, ...u32(0x10000));
    expectDwarfError(() => read(s), "bad-dwarf", /abbreviation table offset/);
  });
  it("refuses duplicate codes", () => {
    const { s } = sections();
    s[".debug_abbrev"] = abbrevTable([
      [1, TAG.compile_unit, true, [[AT.name, FORM.string]]],
      [1, TAG.base_type, false, []],
    ]);
    expectDwarfError(() => read(s), "bad-dwarf", /duplicate abbreviation code 1/);
  });
  it("refuses a DIE naming a code the table does not define", () => {
    const { s, b } = sections();
    s[".debug_info"][b.at.int!] = 9;
    expectDwarfError(() => read(s), "bad-dwarf", /abbreviation code 9/);
  });
  it("refuses an abbreviation with tag 0", () => {
    const { s } = sections();
    s[".debug_abbrev"] = [1, 0, 0, 0, 0, 0];
    expectDwarfError(() => read(s), "bad-dwarf", /tag 0/);
  });
  it("refuses an abbreviation table that runs off the section", () => {
    const { s } = sections();
    s[".debug_abbrev"] = s[".debug_abbrev"].slice(0, 5);
    expectDwarfError(() => read(s), "truncated");
  });
  it("refuses an unknown form", () => {
    const { s } = sections();
    s[".debug_abbrev"] = abbrevTable([[1, TAG.compile_unit, false, [[AT.name, 0x7e]]]]);
    s[".debug_info"] = unit([1, 0, 0]);
    expectDwarfError(() => read(s), "bad-dwarf", /unknown form 0x7e/);
  });
  it("refuses DW_FORM_indirect chains", () => {
    const { s } = sections();
    s[".debug_abbrev"] = abbrevTable([[1, TAG.compile_unit, false, [[AT.name, FORM.indirect]]]]);
    s[".debug_info"] = unit([1, ...Array(20).fill(FORM.indirect), FORM.string, 0x41, 0]);
    expectDwarfError(() => read(s), "bad-dwarf", /DW_FORM_indirect chain/);
  });
  it("follows one DW_FORM_indirect", () => {
    const { s } = sections();
    s[".debug_abbrev"] = abbrevTable([
      [1, TAG.compile_unit, true, []],
      [
        2,
        TAG.base_type,
        false,
        [
          [AT.name, FORM.indirect],
          [AT.byte_size, FORM.data1],
        ],
      ],
    ]);
    s[".debug_info"] = unit([1, 2, FORM.string, ...cstr("char"), 1, 0]);
    const info = readDwarf(readElf(elfWith(s)));
    expect([...info.types.values()].map((t) => t.name)).toEqual(["char"]);
  });
});

describe("values", () => {
  it("refuses an overlong LEB128", () => {
    const { s, b } = sections();
    // The abbreviation code of the `int` DIE, as an 11-byte LEB128.
    s[".debug_info"].splice(b.at.int!, 1, ...Array(11).fill(0x80), 0x02);
    s[".debug_info"].splice(0, 4, ...u32(s[".debug_info"].length - 4));
    expectDwarfError(() => read(s), "bad-dwarf", /LEB128 value longer than 10 bytes/);
  });
  it("refuses a DIE that runs past the end of its unit", () => {
    const { s, b } = sections();
    s[".debug_info"] = s[".debug_info"].slice(0, b.at.memberA! + 3);
    s[".debug_info"].splice(0, 4, ...u32(s[".debug_info"].length - 4));
    expectDwarfError(() => read(s), "truncated");
  });
  it("refuses a DW_FORM_string that is not terminated inside its unit", () => {
    const { s } = sections();
    s[".debug_info"] = unit([1, 0x41, 0x42, 0x43]);
    expectDwarfError(() => read(s), "bad-dwarf", /not NUL-terminated/);
  });
  it("refuses a DW_FORM_strp outside .debug_str", () => {
    const { s, b } = sections();
    setU32(s[".debug_info"], b.at.struct! + 1, 0x7fff);
    expectDwarfError(() => read(s), "bad-string-offset", /outside \.debug_str/);
  });
  it("refuses strx past .debug_str_offsets", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, [[AT.str_offsets_base, FORM.sec_offset]]],
      [
        2,
        TAG.base_type,
        false,
        [
          [AT.name, FORM.strx1],
          [AT.byte_size, FORM.data1],
        ],
      ],
    ]);
    const strOffsets = [...u32(8), ...u16(5), 0, 0, ...u32(0)]; // header + one entry
    const info = unit([1, ...u32(8), 2, 7, 4, 0]); // index 7: only 0 exists
    expectDwarfError(
      () =>
        read({
          ".debug_info": info,
          ".debug_abbrev": abbrev,
          ".debug_str": cstr("int"),
          ".debug_str_offsets": strOffsets,
        }),
      "bad-dwarf",
      /string index 7 is outside \.debug_str_offsets/,
    );
  });
  it("refuses addrx past .debug_addr", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, [[AT.addr_base, FORM.sec_offset]]],
      [
        2,
        TAG.subprogram,
        false,
        [
          [AT.name, FORM.string],
          [AT.low_pc, FORM.addrx1],
        ],
      ],
    ]);
    const addr = [...u32(12), ...u16(5), 8, 0, ...u64z()];
    const info = unit([1, ...u32(8), 2, ...cstr("f"), 5, 0]);
    // Layout problems surface with the types; the address is decoded with the subprograms.
    expectDwarfError(
      () => read({ ".debug_info": info, ".debug_abbrev": abbrev, ".debug_addr": addr }),
      "bad-dwarf",
      /address index 5 is outside \.debug_addr/,
    );
  });
});

function u64z(): number[] {
  return Array(8).fill(0);
}

describe("references", () => {
  it("refuses a reference outside its unit", () => {
    const { s, b } = sections();
    setU32(s[".debug_info"], b.at.memberA! + 3, 0x1000);
    expectDwarfError(() => read(s), "bad-dwarf", /outside its unit/);
  });
  it("refuses a DW_FORM_ref_addr outside the section", () => {
    const { s } = sections();
    s[".debug_abbrev"] = abbrevTable([
      [1, TAG.compile_unit, true, []],
      [2, TAG.pointer_type, false, [[AT.type, FORM.ref_addr]]],
    ]);
    s[".debug_info"] = unit([1, 2, ...u32(0x9999), 0]);
    expectDwarfError(() => read(s), "bad-dwarf", /DW_FORM_ref_addr 0x9999 .* outside \.debug_info/);
  });
  it("refuses a reference into the middle of a DIE", () => {
    const { s, b } = sections();
    setU32(s[".debug_info"], b.at.memberA! + 3, b.at.int! + 1);
    expectDwarfError(() => read(s), "bad-dwarf", /not the start of a DIE/);
  });
  it("refuses a DW_AT_type that names a non-type DIE", () => {
    const { s, b } = sections();
    setU32(s[".debug_info"], b.at.memberA! + 3, b.at.memberP!);
    expectDwarfError(() => read(s), "bad-dwarf", /DW_TAG_member as a type/);
  });
  it("refuses a type chain that refers back to itself", () => {
    const { s, b } = sections();
    // The pointer points to itself: `int ***...` for ever.
    setU32(s[".debug_info"], b.at.pointer! + 1, b.at.pointer!);
    expectDwarfError(() => read(s), "dwarf-cycle", /refers back to itself/);
  });
  it("refuses a typedef cycle through several types", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      [
        2,
        TAG.typedef,
        false,
        [
          [AT.name, FORM.string],
          [AT.type, FORM.ref4],
        ],
      ],
      [3, TAG.const_type, false, [[AT.type, FORM.ref4]]],
    ]);
    // t1 -> const -> t2 -> t1
    const dies = [1];
    const t1 = 12 + dies.length;
    dies.push(2, ...cstr("t1"), ...u32(0));
    const c = 12 + dies.length;
    dies.push(3, ...u32(0));
    const t2 = 12 + dies.length;
    dies.push(2, ...cstr("t2"), ...u32(0), 0);
    const info = unit(dies);
    setU32(info, t1 + 4, c);
    setU32(info, c + 1, t2);
    setU32(info, t2 + 4, t1);
    expectDwarfError(() => read({ ".debug_info": info, ".debug_abbrev": abbrev }), "dwarf-cycle");
  });
  it("refuses DW_AT_abstract_origin cycles between subprograms", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      [2, TAG.subprogram, false, [[AT.abstract_origin, FORM.ref4]]],
    ]);
    const dies = [1];
    const a = 12 + dies.length;
    dies.push(2, ...u32(0));
    const b2 = 12 + dies.length;
    dies.push(2, ...u32(0), 0);
    const info = unit(dies);
    setU32(info, a + 1, b2);
    setU32(info, b2 + 1, a);
    // Types read fine; the cycle is found when the subprograms are read.
    const dwarf = readDwarf(
      readElf(elfWith({ ".debug_info": info, ".debug_abbrev": abbrev }), { path: "bad.o" }),
    );
    expect(dwarf.types.size).toBe(0);
    expectDwarfError(() => dwarf.subprograms, "dwarf-cycle", /cycle/);
  });
});

describe("limits", () => {
  it("refuses deep nesting without recursing", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      [2, TAG.structure_type, true, [[AT.byte_size, FORM.data1]]],
    ]);
    const depth = 100_000;
    const dies = [1];
    for (let i = 0; i < depth; i++) dies.push(2, 1);
    for (let i = 0; i <= depth; i++) dies.push(0);
    expectDwarfError(() => read({ ".debug_info": unit(dies), ".debug_abbrev": abbrev }), "dwarf-too-deep");
  });
  it("refuses array bounds × element size that overflow", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      namedBaseType(2),
      [3, TAG.array_type, true, [[AT.type, FORM.ref4]]],
      [4, TAG.subrange_type, false, [[AT.count, FORM.data8]]],
    ]);
    const dies = [1];
    const int = 12 + dies.length;
    dies.push(2, ...cstr("int"), 4);
    dies.push(3, ...u32(int));
    // Two dimensions of 2^40 elements: 2^80 × 4 bytes.
    dies.push(4, ...u32(0), ...u32(256), 4, ...u32(0), ...u32(256), 0, 0);
    expectDwarfError(
      () => read({ ".debug_info": unit(dies), ".debug_abbrev": abbrev }),
      "bad-dwarf",
      /overflows/,
    );
  });
  it("refuses a huge array bound", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      namedBaseType(2),
      [3, TAG.array_type, true, [[AT.type, FORM.ref4]]],
      [4, TAG.subrange_type, false, [[AT.upper_bound, FORM.data8]]],
    ]);
    const dies = [1];
    const int = 12 + dies.length;
    dies.push(2, ...cstr("int"), 4);
    dies.push(3, ...u32(int), 4, ...Array(7).fill(0xff), 0x7f, 0, 0);
    expectDwarfError(
      () => read({ ".debug_info": unit(dies), ".debug_abbrev": abbrev }),
      "bad-dwarf",
      /out of range/,
    );
  });
});

describe("relocations of debug sections", () => {
  /** The baseline with a .rela.debug_info whose one entry is `entry`. */
  function withRelocation(entry: Uint8Array): Uint8Array {
    const b = baseline();
    const strtab = cstrings("sym");
    const syms = concat(
      symbolEntry(true, true, { name: 0, shndx: 0 }),
      symbolEntry(true, true, { name: 0, type: 3, shndx: 3 }),
    );
    return buildElf({
      sections: [
        { name: ".debug_info", type: 1, data: new Uint8Array(b.info) },
        { name: ".debug_abbrev", type: 1, data: new Uint8Array(b.abbrev) },
        { name: ".debug_str", type: 1, data: new Uint8Array(b.str) },
        { name: ".symtab", type: 2, data: syms, link: 5, info: 2, entsize: 24 },
        { name: ".strtab", type: 3, data: strtab.bytes },
        { name: ".rela.debug_info", type: 4, data: entry, link: 4, info: 1, entsize: 24 },
      ],
    }).bytes;
  }
  it("applies a RELA relocation to DW_FORM_strp", () => {
    const b = baseline();
    // Point the struct's name at offset 2 of .debug_str ("long_struct_name" after "a_").
    const bytes = withRelocation(rela64(true, b.at.struct! + 1, 1, 10 /* R_X86_64_32 */, 2n));
    const info = readDwarf(readElf(bytes));
    expect([...info.types.values()].some((t) => t.name === "long_struct_name")).toBe(true);
  });
  it("refuses an unknown relocation type", () => {
    const b = baseline();
    const bytes = withRelocation(rela64(true, b.at.struct! + 1, 1, 250, 0n));
    expectDwarfError(
      () => readDwarf(readElf(bytes, { path: "bad.o" })),
      "bad-relocation",
      /type 250, unknown/,
    );
  });
  it("refuses a relocation outside the section", () => {
    const bytes = withRelocation(rela64(true, 0x10000, 1, 10, 0n));
    expectDwarfError(
      () => readDwarf(readElf(bytes, { path: "bad.o" })),
      "bad-relocation",
      /outside '\.debug_info'/,
    );
  });
  it("refuses a relocation naming a symbol past the table", () => {
    const b = baseline();
    const bytes = withRelocation(rela64(true, b.at.struct! + 1, 7, 10, 0n));
    expectDwarfError(() => readDwarf(readElf(bytes, { path: "bad.o" })), "bad-relocation", /symbol 7/);
  });
});

describe("bit-fields", () => {
  it("refuses a bit-field whose DWARF 4 bit offset puts it before the struct", () => {
    const abbrev = abbrevTable([
      [1, TAG.compile_unit, true, []],
      namedBaseType(2),
      [3, TAG.structure_type, true, [[AT.byte_size, FORM.data1]]],
      [
        4,
        TAG.member,
        false,
        [
          [AT.name, FORM.string],
          [AT.type, FORM.ref4],
          [AT.byte_size, FORM.data1],
          [AT.bit_size, FORM.data1],
          [0x0c /* DW_AT_bit_offset */, FORM.data1],
          [AT.data_member_location, FORM.data1],
        ],
      ],
    ]);
    const dies = [1];
    const int = 12 + dies.length;
    dies.push(2, ...cstr("int"), 4);
    // Little-endian: bit = 0*8 + 4*8 - 40 - 1 < 0.
    dies.push(3, 4, 4, ...cstr("b"), ...u32(int), 4, 1, 40, 0, 0, 0);
    expectDwarfError(
      () => read({ ".debug_info": unit(dies), ".debug_abbrev": abbrev }),
      "bad-dwarf",
      /negative bit offset/,
    );
  });
});

describe("never a crash", () => {
  it("survives every single-byte corruption of the baseline with a typed error or a result", () => {
    const { s } = sections();
    const original = s[".debug_info"];
    for (let i = 0; i < original.length; i++) {
      for (const v of [0x00, 0x7f, 0x80, 0xff]) {
        const info = original.slice();
        info[i] = v;
        try {
          read({ ...s, ".debug_info": info });
        } catch (e) {
          expect(e, `byte ${i} = ${v}`).toBeInstanceOf(ElfError);
        }
      }
    }
  });
  it("survives every single-byte corruption of the abbreviations", () => {
    const { s } = sections();
    const original = s[".debug_abbrev"];
    for (let i = 0; i < original.length; i++) {
      for (const v of [0x00, 0x7f, 0x80, 0xff]) {
        const abbrev = original.slice();
        abbrev[i] = v;
        try {
          read({ ...s, ".debug_abbrev": abbrev });
        } catch (e) {
          expect(e, `byte ${i} = ${v}`).toBeInstanceOf(ElfError);
        }
      }
    }
  });
});
