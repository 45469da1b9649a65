import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  encodeValue,
  TypesOutputSchema,
  type TypesReport,
  typesCommand,
  typesHelpText,
  typesJsonSchema,
  typesOutput,
} from "../src/commands/types.js";
import { obj, repoRoot, runCli } from "./run-cli.js";

const path = (target: string, name: string): string => join(repoRoot, obj(target, name));

function report(target: string, name: string): TypesReport {
  const out = JSON.parse(typesCommand(path(target, name), { format: "json" })) as TypesReport;
  TypesOutputSchema.parse(out);
  return out;
}

describe("elfdelta types --format json", () => {
  it("lists struct layouts with offsets, sizes and C types", () => {
    const r = report("x86_64-gcc", "types.fs.o");
    const point = r.types.find((t) => t.name === "point" && t.kind === "struct");
    expect(point).toMatchObject({
      kind: "struct",
      size: 8,
      members: [
        { name: "x", offset: 0, size: 4, type: "int" },
        { name: "y", offset: 4, size: 4, type: "int" },
      ],
    });
    const ops = r.types.find((t) => t.name === "ops")!;
    expect(ops.members!.find((m) => m.name === "signal_like")!.type).toBe(
      "void (*(*)(int, void (*)(int)))(int)",
    );
  });

  it("gives bit-fields an absolute bitOffset and offset = floor(bitOffset / 8), for DWARF 4 and 5, both byte orders", () => {
    for (const [target, file] of [
      ["x86_64-gcc", "types.fs.o"],
      ["x86_64-gcc", "types.dwarf4.o"],
      ["s390x-gcc", "types.dwarf4.o"],
      ["mips-gcc", "types.dwarf2strict.o"],
    ] as const) {
      const r = report(target, file);
      const s = r.types.find((t) => t.name === "bitfields_straddle")!;
      const wide = s.members!.find((m) => m.name === "wide_b")!;
      expect(wide, `${target}/${file}`).toMatchObject({ bitOffset: 101, bitSize: 27, offset: 12, size: 8 });
      for (const m of s.members!)
        if (m.bitOffset !== undefined) expect(m.offset).toBe(Math.floor(m.bitOffset / 8));
    }
  });

  it('names anonymous members "" and expands their layout', () => {
    const r = report("aarch64-gcc", "types.fs.o");
    const rect = r.types.find((t) => t.name === "rect")!;
    const anon = rect.members!.filter((m) => m.name === "");
    expect(anon.map((m) => m.type)).toEqual(["struct {...}", "union {...}"]);
    expect(anon[1]!.members!.map((m) => [m.name, m.offset])).toEqual([
      ["f", 32],
      ["bits", 32],
    ]);
  });

  it("encodes enumerator values as numbers when exact and as decimal strings beyond 2^53", () => {
    const r = report("riscv64-clang", "types.fs.o");
    const values = (name: string) => r.types.find((t) => t.name === name)!.enumerators!.map((e) => e.value);
    expect(values("color")).toEqual([0, 5, 6, 100]);
    expect(values("signed_enum")[0]).toBe(-2147483648);
    expect(values("big64_enum")).toEqual(["-9223372036854775808", 0, "9223372036854775807"]);
    expect(values("u64_enum")).toEqual([1, "18446744073709551615"]);
    expect(encodeValue(2n ** 53n - 1n)).toBe(2 ** 53 - 1);
    expect(encodeValue(2n ** 53n)).toBe("9007199254740992");
  });

  it("spells typedef targets and lists anonymous typedef'd enums", () => {
    const r = report("ppc64-gcc", "types.fs.o");
    expect(r.types.find((t) => t.name === "binop_fn")).toMatchObject({
      kind: "typedef",
      size: 8,
      target: "int (*)(int, int)",
    });
    expect(r.types.find((t) => t.name === "anon_enum_t")?.enumerators?.map((e) => e.name)).toEqual([
      "ANON_A",
      "ANON_B",
      "ANON_C",
    ]);
    expect(r.types.find((t) => t.name === "tree_extra")).toMatchObject({
      kind: "struct",
      declaration: true,
      size: 0,
    });
  });

  it("lists functions with parameters, return types and what they inline", () => {
    const r = report("x86_64-clang", "types.fs.o");
    const f = r.functions.find((x) => x.name === "area_and_dot")!;
    expect(f).toMatchObject({
      returns: "int",
      parameters: [{ name: "r", type: "const struct rect *" }],
      external: true,
    });
    expect(f.inlined).toContain("rect_area");
    expect(r.functions.find((x) => x.name === "sum_varargs")).toMatchObject({ variadic: true });
    expect(r.functions.find((x) => x.name === "mul")).toMatchObject({ external: false });
  });

  it("lists global and static variables with their types and symbols", () => {
    const r = report("i686-gcc", "code.fs.o");
    const counter = r.variables.find((v) => v.name === "counter")!;
    expect(counter).toMatchObject({ type: "int", external: false, scope: "next_id" });
    expect(counter.symbol).toMatch(/^counter\./);
    const table = r.variables.find((v) => v.name === "common_table")!;
    expect(table.type).toBe("long int[32]");
  });

  it("reads each member of an archive", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-types-"));
    const ar = join(dir, "lib.a");
    execFileSync("ar", ["rcD", ar, path("x86_64-gcc", "types.fs.o"), path("x86_64-gcc", "code.fs.o")]);
    const { output } = typesOutput(ar);
    expect("members" in output && output.members.map((m) => m.name)).toEqual(["types.fs.o", "code.fs.o"]);
  });

  it("exports the JSON Schema of its output", () => {
    const schema = typesJsonSchema();
    const text = JSON.stringify(schema);
    expect(text).toContain("bitOffset");
    expect(text).toContain("enumerators");
    expect(schema.$schema).toMatch(/json-schema/);
  });

  it("documents how values are encoded", () => {
    expect(typesHelpText).toMatch(/decimal strings/);
    expect(typesHelpText).toMatch(/floor\(bitOffset \/ 8\)/);
  });
});

describe("elfdelta types --format text", () => {
  it("prints pahole-style layouts with holes, padding and totals", () => {
    const text = typesCommand(path("x86_64-gcc", "types.fs.o"), { format: "text" });
    expect(text).toMatch(/struct flex \{\n\tsize_t count; +\/\* +0 +8 \*\//);
    expect(text).toContain("/* XXX 2 bytes hole */");
    expect(text).toMatch(
      /\/\* size: 16, members: 3 \*\/\n\t\/\* sum members: 10, holes: 1, sum holes: 2 \*\/\n\t\/\* padding: 4 \*\/\n\};/,
    );
    expect(text).toMatch(/\tunsigned int a:1; +\/\* +0: 0 +4 \*\//);
    expect(text).toMatch(/\tint \(\*mul\)\(int, int\); +\/\* +16 +8 \*\//);
    expect(text).toContain("typedef int (*binop_fn)(int, int);");
    expect(text).toContain("/* functions */");
    expect(text).toMatch(/^int area_and_dot\(const struct rect \*r\);\t\/\* inlines: .*rect_area/m);
    expect(text).toContain("/* variables */");
  });
});

describe("the command line", () => {
  it("exits 0 with JSON on stdout", () => {
    const r = runCli(["types", "--format", "json", obj("armhf-clang", "types.zstd.o")]);
    expect(r.status).toBe(0);
    const out = TypesOutputSchema.parse(JSON.parse(r.stdout));
    expect("types" in out && out.types.length).toBeGreaterThan(50);
  });
  it("exits 2 with a JSON error for a file that is not ELF", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-types-"));
    const bad = join(dir, "bad.o");
    writeFileSync(bad, "not an ELF file at all");
    const r = runCli(["types", "--format", "json", bad]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe("not-elf");
    expect(r.stderr).toContain("bad.o");
  });
  it("exits 2 with a typed DWARF error for malformed DWARF", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-types-"));
    const bad = join(dir, "baddwarf.o");
    // A copy of a real object with its .debug_info unit_length broken.
    const bytes = new Uint8Array(execFileSync("cat", [path("x86_64-gcc", "types.nofs.o")]));
    const shoff = Number(new DataView(bytes.buffer).getBigUint64(40, true));
    const shnum = new DataView(bytes.buffer).getUint16(60, true);
    const shstrndx = new DataView(bytes.buffer).getUint16(62, true);
    const dv = new DataView(bytes.buffer);
    const strOff = Number(dv.getBigUint64(shoff + shstrndx * 64 + 24, true));
    for (let i = 0; i < shnum; i++) {
      const h = shoff + i * 64;
      const nameAt = strOff + dv.getUint32(h, true);
      const name = new TextDecoder().decode(bytes.subarray(nameAt, bytes.indexOf(0, nameAt)));
      if (name === ".debug_info") dv.setUint32(Number(dv.getBigUint64(h + 24, true)), 0xfffffff3, true);
    }
    writeFileSync(bad, bytes);
    const r = runCli(["types", "--format", "json", bad]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe("bad-dwarf");
  });
});
