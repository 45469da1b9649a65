/**
 * The DWARF reader on the committed corpus (test-objects/out: every target, both byte orders, 32 and 64 bit,
 * REL and RELA, gcc DWARF 2/4/5, clang DWARF 4/5, zlib and zstd) and on its own fixtures (test/dwarf/fixtures:
 * type units, 64-bit DWARF, split DWARF, a linked executable). Layouts are checked against pahole in dwarf-pahole.test.ts; this file
 * checks the rest of the model: enumerators, C spellings, declarations, subprograms, inlining, variables,
 * symbols, line tables, and that every encoding of one source reads the same.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listObjects, objectPath } from "../../../test-objects/index.js";
import {
  type DwarfInfo,
  type DwarfType,
  declarationSpelling,
  type ElfFile,
  functionSource,
  readDwarf,
  readElf,
  readLineTable,
  typeSpelling,
} from "../src/index.js";

function open(path: string): { elf: ElfFile; info: DwarfInfo } {
  const elf = readElf(new Uint8Array(readFileSync(path)), { path });
  return { elf, info: readDwarf(elf) };
}

const fixture = (name: string): string => fileURLToPath(new URL(`./dwarf/fixtures/${name}`, import.meta.url));

function byName(info: DwarfInfo, kind: DwarfType["kind"], name: string): DwarfType {
  const t = [...info.types.values()].find((x) => x.kind === kind && x.name === name && !x.declaration);
  if (!t) throw new Error(`no ${kind} ${name}`);
  return t;
}

function members(info: DwarfInfo, name: string, kind: "struct" | "union" = "struct") {
  const t = byName(info, kind, name);
  if (t.kind !== "struct" && t.kind !== "union" && t.kind !== "class") throw new Error("not an aggregate");
  return t.members;
}

const corpus = listObjects().filter((o) => o.file.endsWith(".o"));
const typesObjects = corpus.filter((o) => o.file.startsWith("types."));
const codeObjects = corpus.filter((o) => o.file.startsWith("code."));

describe("types.c on every target and variant", () => {
  it("has the corpus", () => {
    expect(typesObjects.length).toBeGreaterThanOrEqual(17 * 5);
  });

  it.each(typesObjects.map((o) => [`${o.target}/${o.file}`, o.path]))("%s", (_name, path) => {
    const { elf, info } = open(path);
    const dwarf2 = path.includes("dwarf2strict");
    const is64 = elf.is64;

    // Enumerators, with their signs and 64-bit values exact.
    const color = byName(info, "enum", "color");
    expect(color.kind === "enum" && color.enumerators.map((e) => [e.name, e.value])).toEqual([
      ["RED", 0n],
      ["GREEN", 5n],
      ["BLUE", 6n],
      ["ALPHA", 100n],
    ]);
    const signed = byName(info, "enum", "signed_enum");
    expect(signed.kind === "enum" && signed.enumerators[0]!.value).toBe(-2147483648n);
    const big = byName(info, "enum", "big64_enum");
    expect(big.kind === "enum" && big.enumerators.map((e) => e.value)).toEqual([
      -(2n ** 63n),
      0n,
      2n ** 63n - 1n,
    ]);
    const u64 = byName(info, "enum", "u64_enum");
    expect(u64.kind === "enum" && u64.enumerators[1]!.value).toBe(2n ** 64n - 1n);
    const large = byName(info, "enum", "large_enum");
    expect(large.kind === "enum" && large.enumerators[2]!.value).toBe(0x80000000n);
    expect(byName(info, "enum", "tiny_enum").size).toBe(1);

    // Typedefs spelled in C.
    const spell = (name: string): string => {
      const t = byName(info, "typedef", name);
      return t.kind === "typedef" ? typeSpelling(info, t.target) : "";
    };
    expect(spell("binop_fn")).toBe("int (*)(int, int)");
    expect(spell("callback_fn")).toBe("void (*)(void *, const char *, size_t)");
    expect(spell("varargs_fn")).toBe("int (*)(const char *, ...)");
    expect(spell("binop_factory_fn")).toBe("binop_fn (*)(enum color)");
    expect(spell("noproto_fn")).toBe("void (*)()");
    expect(spell("byte_array16")).toBe("byte[16]");
    expect(spell("byte_array16_ptr")).toBe("byte_array16 *");
    expect(spell("int_tt")).toBe("int_t");
    expect(spell("cint_ttt")).toBe("const int_tt");
    expect(spell("vcint_tttt")).toBe("volatile cint_ttt");
    expect(byName(info, "typedef", "cint_ttt").size).toBe(4);
    expect(byName(info, "typedef", "byte_array16").size).toBe(16);

    // Member types spelled in C, including declarators that need parentheses.
    const ops = members(info, "ops");
    const opType = (n: string): string => typeSpelling(info, ops.find((m) => m.name === n)!.type);
    expect(opType("mul")).toBe("int (*)(int, int)");
    expect(opType("signal_like")).toBe("void (*(*)(int, void (*)(int)))(int)");
    expect(opType("find")).toBe("struct list_node *(*)(struct list_node *, int (*)(const void *))");
    expect(declarationSpelling(info, ops.find((m) => m.name === "signal_like")!.type, "signal_like")).toBe(
      "void (*(*signal_like)(int, void (*)(int)))(int)",
    );
    const q = members(info, "qualified");
    const qType = (n: string): string => typeSpelling(info, q.find((m) => m.name === n)!.type);
    expect(qType("cp_const")).toBe("const char *const");
    expect(qType("v_pt_ptr")).toBe("volatile struct point *");
    if (!dwarf2) expect(qType("r_ptr")).toBe("int *restrict");
    if (path.includes(".dwarf4.") || dwarf2) expect(qType("atomic_ptr")).toBe("struct point *");
    else expect(qType("atomic_ptr")).toBe("struct point *_Atomic");

    // Arrays, multi-dimensional and flexible.
    const arrays = members(info, "arrays");
    const aType = (n: string): string => typeSpelling(info, arrays.find((m) => m.name === n)!.type);
    expect(aType("two_d")).toBe("int[3][4]");
    expect(aType("three_d")).toBe("char[2][3][5]");
    expect(aType("names")).toBe("const char *[3]");
    expect(arrays.find((m) => m.name === "two_d")!.size).toBe(48);
    expect(arrays.find((m) => m.name === "zero_len")!.size).toBe(0);
    const flex = members(info, "flex");
    expect(flex.at(-1)).toMatchObject({ name: "values", size: 0 });
    expect(typeSpelling(info, flex.at(-1)!.type)).toBe("int[]");

    // Anonymous members, nested anonymous aggregates.
    const rect = members(info, "rect");
    expect(rect.map((m) => m.name)).toEqual(["top_left", "bottom_right", "style", "", ""]);
    expect(typeSpelling(info, rect[2]!.type)).toBe("struct {...}");
    expect(typeSpelling(info, rect[4]!.type)).toBe("union {...}");

    // Bit-fields: absolute bit offsets the same for every DWARF version and byte order.
    const bf = members(info, "bitfields_u32");
    expect(bf.map((m) => [m.name, m.bitOffset, m.bitSize, m.offset, m.size])).toEqual([
      ["a", 0, 1, 0, 4],
      ["b", 1, 2, 0, 4],
      ["c", 3, 3, 0, 4],
      ["d", 6, 5, 0, 4],
      ["e", 11, 7, 1, 4],
      ["f", 18, 13, 2, 4],
      ["g", 32, 31, 4, 4],
      ["h", 64, 4, 8, 4],
    ]);

    // Declarations, self-reference, and names that live in .debug_str (relocated on every machine).
    const extra = [...info.types.values()].find((t) => t.name === "tree_extra");
    expect(extra?.declaration).toBe(true);
    const node = members(info, "list_node");
    expect(typeSpelling(info, node[3]!.type)).toBe("struct list_node **");
    const long = members(info, "a_struct_with_a_rather_long_and_descriptive_name_for_strp");
    expect(long.map((m) => m.name)).toEqual([
      "a_member_with_a_long_name_that_goes_to_debug_str",
      "another_quite_long_member_name_for_good_measure",
      "short_named_struct_member",
    ]);
    expect(long[1]!.offset).toBe(is64 ? 8 : 4);

    // Functions: parameters, return types, inlining, external or static, and the symbol holding the code.
    const fn = (name: string) => {
      const sp = info.subprograms.find((s) => s.name === name && !s.declaration);
      if (!sp) throw new Error(`no function ${name}`);
      return sp;
    };
    const add = fn("add");
    expect(add.params.map((p) => [p.name, typeSpelling(info, p.type)])).toEqual([
      ["a", "int"],
      ["b", "int"],
    ]);
    expect(typeSpelling(info, add.returns)).toBe("int");
    expect(add.external).toBe(true);
    expect(add.symbol).toBe("add");
    expect(add.file).toBe("src/types.c");
    expect(add.line).toBe(441);
    expect(elf.sections[add.section!]!.name).toMatch(/^\.text/);
    expect(fn("mul").external).toBe(false);
    expect(fn("sum_varargs").variadic).toBe(true);
    expect(typeSpelling(info, fn("pick_binop").returns)).toBe("binop_fn");
    // Inlining: what area_and_dot inlines (gcc and clang both inline the always_inline helper).
    expect(fn("area_and_dot").inlined.map((c) => c.callee)).toContain("rect_area");
    const rectArea = fn("rect_area");
    expect(rectArea.inline).toBe(true);
    expect(rectArea.lowPc).toBeUndefined();
    // The code range: high_pc - low_pc is the function's size (an ADD/SUB relocation pair on RISC-V and
    // LoongArch, a plain constant elsewhere).
    const sym = elf.symbols.find((s) => s.name === add.symbol && s.type === 2);
    if (sym && sym.size > 0 && sym.shndx === add.section && add.highPc !== undefined)
      expect(Number(add.highPc - add.lowPc!)).toBe(sym.size);

    // Variables, with their types and symbols.
    const v = (name: string) => info.variables.find((x) => x.name === name)!;
    expect(typeSpelling(info, v("g_points").type)).toBe("struct point[8]");
    expect(typeSpelling(info, v("g_matrix").type)).toBe("int[3][5][7]");
    expect(v("g_points").symbol).toBe("g_points");
    expect(v("s_static_array").external).toBe(false);
    expect(v("s_static_array").symbol).toBe("s_static_array");

    expect(functionSource(info, "add")).toEqual({ file: "src/types.c", line: 441 });
  });
});

describe("code.c on every target: static locals, TLS, common symbols, line tables", () => {
  it.each(codeObjects.map((o) => [`${o.target}/${o.file}`, o.path]))("%s", (name, path) => {
    const { elf, info } = open(path);
    const counter = info.variables.find((x) => x.name === "counter");
    expect(counter?.scope).toBeDefined();
    expect(info.subprograms.find((s) => s.id === counter?.scope)?.name).toBe("next_id");
    // A static local's symbol is the compiler's renamed one (counter.0 with gcc, next_id.counter with clang).
    expect(counter?.symbol).toMatch(/counter/);
    const tls = info.variables.find((x) => x.name === "tls_counter");
    expect(tls?.external).toBe(true);
    if (name.includes("common")) {
      expect(info.variables.find((x) => x.name === "common_counter")?.symbol).toBe("common_counter");
    }
    const lines = readLineTable(elf);
    expect(lines?.header.files.some((f) => f.path.endsWith("code.c"))).toBe(true);
    expect(lines!.rows.length).toBeGreaterThan(10);
    expect(lines!.rows.at(-1)!.endSequence).toBe(true);
    const src = functionSource(info, "next_id");
    expect(src?.file).toBe("src/code.c");
    expect(src?.line).toBe(143);
  });
});

describe("every encoding of one source reads the same", () => {
  /** Layouts (name → members) and enumerators, independent of DIE offsets and producer quirks. */
  function layouts(info: DwarfInfo): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const t of info.types.values()) {
      if (t.declaration || t.name === "") continue;
      if (t.kind === "struct" || t.kind === "union") {
        out[`${t.kind} ${t.name}`] = [
          t.size,
          t.members.map((m) => [m.name, m.offset, m.size, m.bitOffset, m.bitSize]),
        ];
      } else if (t.kind === "enum") out[`enum ${t.name}`] = t.enumerators.map((e) => `${e.name}=${e.value}`);
    }
    return out;
  }
  const targets = [...new Set(typesObjects.map((o) => o.target))];
  it.each(targets)("%s: fs, nofs, zlib, zstd agree", (target) => {
    const base = layouts(open(objectPath(target, "structs_gen", "fs")).info);
    expect(Object.keys(base).length).toBeGreaterThan(300);
    for (const v of ["nofs", "zlib", "zstd", "dwarf4"]) {
      expect(layouts(open(objectPath(target, "structs_gen", v)).info), v).toEqual(base);
    }
  });
});

describe("fixtures", () => {
  const tuNode = [
    ["next", 0, 8, undefined, undefined],
    ["where", 8, 8, undefined, undefined],
    ["mode", 16, 4, undefined, undefined],
    ["flags", 20, 4, 160, 3],
    ["wide_flags_with_a_long_name", 20, 4, 163, 17],
    ["a_member_name_long_enough_for_strp", 24, 8, undefined, undefined],
  ];
  it.each([
    "typeunits.gcc-dwarf4.o",
    "typeunits.gcc-dwarf5.o",
    "typeunits.clang-dwarf4.o",
    "typeunits.clang-dwarf5.o",
    "typeunits.gcc-dwarf64.o",
    "typeunits.gcc-dwarf64-4.o",
    "typeunits.clang-dwarf64.o",
  ])("%s", (file) => {
    const { info } = open(fixture(file));
    const node = members(info, "tu_node");
    expect(node.map((m) => [m.name, m.offset, m.size, m.bitOffset, m.bitSize])).toEqual(tuNode);
    expect(typeSpelling(info, node[1]!.type)).toBe("struct tu_point");
    // Through a type unit signature, the member's type is the definition, not a declaration stub.
    expect(info.types.get(node[1]!.type)).toMatchObject({ kind: "struct", name: "tu_point", size: 8 });
    expect(typeSpelling(info, node[0]!.type)).toBe("struct tu_node *");
    const head = info.variables.find((v) => v.name === "tu_head")!;
    expect(typeSpelling(info, head.type)).toBe("tu_node_t");
    expect(info.types.get(head.type!)).toMatchObject({ kind: "typedef", size: 32 });
    // Stubs standing for type unit types are not listed on their own.
    expect([...info.types.values()].filter((t) => t.name === "tu_node")).toHaveLength(1);
    const mode = byName(info, "enum", "tu_mode");
    expect(mode.kind === "enum" && mode.enumerators.map((e) => e.value)).toEqual([0n, 7n]);
    expect(info.subprograms.find((s) => s.name === "tu_sum")?.symbol).toBe("tu_sum");
  });
  it("reads a linked executable: final addresses, symbols by address, renamed static locals", () => {
    const { elf, info } = open(fixture("linked.gcc.elf"));
    expect(members(info, "lk_point").map((m) => [m.name, m.offset, m.bitOffset])).toEqual([
      ["x", 0, undefined],
      ["y", 4, undefined],
      ["f", 8, 64],
    ]);
    const area = info.subprograms.find((s) => s.name === "lk_area")!;
    expect(area.symbol).toBe("lk_area");
    expect(elf.sections[area.section!]!.name).toBe(".text");
    const sym = elf.symbols.find((s) => s.name === "lk_area")!;
    expect(area.lowPc).toBe(sym.value);
    expect(area.inlined.map((c) => c.callee)).toEqual(["lk_square"]);
    const calls = info.variables.find((v) => v.name === "calls")!;
    expect(calls.symbol).toMatch(/^calls\./);
    expect(info.subprograms.find((s) => s.id === calls.scope)?.name).toBe("lk_entry");
  });
  it("reads a split-DWARF skeleton (the types are in the .dwo)", () => {
    const { info } = open(fixture("typeunits.split.o"));
    expect(info.units).toHaveLength(1);
    expect(info.types.size).toBe(0);
  });
});

describe("C spelling", () => {
  const { info } = open(objectPath("x86_64-gcc", "types", "fs"));
  it("spells base types, pointers, qualifiers, arrays and function pointers", () => {
    const find = (f: (t: DwarfType) => boolean): string => {
      const t = [...info.types.values()].find(f);
      return t ? typeSpelling(info, t.id) : "";
    };
    expect(find((t) => t.kind === "pointer" && typeSpelling(info, t.target) === "const char")).toBe(
      "const char *",
    );
    expect(find((t) => t.kind === "base" && t.name === "unsigned int")).toBe("unsigned int");
    expect(find((t) => t.kind === "enum" && t.name === "color")).toBe("enum color");
    expect(typeSpelling(info, undefined)).toBe("void");
    expect(declarationSpelling(info, undefined, "f(void)")).toBe("void f(void)");
  });
});
