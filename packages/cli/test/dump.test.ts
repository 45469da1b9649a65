import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { obj, runCli } from "./run-cli.js";

interface DumpLike {
  class: number;
  endian: string;
  machine: string;
  sections: { index: number; name: string; type: string | number; compressed?: string }[];
  symbols: { index: number; name: string; type: string; section: number | string; value: string }[];
  relocations: { section: number; target: number; type: string | number; addend: string }[];
}

describe("elfdelta dump", () => {
  it("prints the contract's JSON for an object", () => {
    const r = runCli(["dump", "--format", "json", obj("aarch64-gcc", "code.fs.o")]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const d = JSON.parse(r.stdout) as DumpLike;
    expect(d.class).toBe(64);
    expect(d.endian).toBe("little");
    expect(d.machine).toBe("aarch64");
    expect(d.sections[0]).toMatchObject({ index: 0, name: "", type: "NULL" });
    expect(d.symbols[0]).toMatchObject({ index: 0, name: "", section: "UND" });
    const dispatch = d.symbols.find((s) => s.name === "dispatch");
    expect(dispatch?.type).toBe("FUNC");
    expect(d.sections[dispatch?.section as number]?.name).toBe(".text.dispatch");
    expect(d.relocations.some((x) => x.type === "R_AARCH64_CALL26")).toBe(true);
    expect(typeof d.relocations[0]?.addend).toBe("string");
  });
  it("marks compressed sections", () => {
    const r = runCli(["dump", "--format", "json", obj("x86_64-gcc", "code.zlib.o")]);
    const d = JSON.parse(r.stdout) as DumpLike;
    expect(d.sections.filter((s) => s.compressed === "zlib").length).toBeGreaterThan(0);
  });
  it("reads big-endian 32-bit REL objects", () => {
    const r = runCli(["dump", "--format", "json", obj("mips-gcc", "code.fs.o")]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as DumpLike;
    expect([d.class, d.endian, d.machine]).toEqual([32, "big", "mips"]);
  });
  it("prints a readelf-like text listing", () => {
    const r = runCli(["dump", obj("x86_64-gcc", "code.fs.o")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Section Headers \(\d+\):/m);
    expect(r.stdout).toMatch(/^Symbol table '\.symtab' contains \d+ entries:/m);
    expect(r.stdout).toMatch(/^Relocation section '\.rela\.text\.dispatch' applies to section \d+/m);
  });
  it("dumps each member of an archive", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-ar-"));
    const a = readFileSync(obj("x86_64-gcc", "code.fs.o"));
    const hdr = (name: string, size: number) =>
      Buffer.from(
        `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"644".padEnd(8)}${String(size).padEnd(10)}\`\n`,
      );
    const pad = a.length % 2 ? Buffer.from("\n") : Buffer.alloc(0);
    const ar = Buffer.concat([
      Buffer.from("!<arch>\n"),
      hdr("one.o/", a.length),
      a,
      pad,
      hdr("two.o/", a.length),
      a,
      pad,
    ]);
    writeFileSync(join(dir, "lib.a"), ar);
    const r = runCli(["dump", "--format", "json", join(dir, "lib.a")]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as { members: ({ name: string } & DumpLike)[] };
    expect(d.members.map((m) => m.name)).toEqual(["one.o", "two.o"]);
  });
});

describe("bad input exits 2 with one clear line", () => {
  const dir = mkdtempSync(join(tmpdir(), "elfdelta-bad-"));
  it("a missing file", () => {
    const r = runCli(["dump", join(dir, "nope.o")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\.o: cannot read file: no such file/);
  });
  it("a file that is not ELF, with the JSON error object", () => {
    const p = join(dir, "text.o");
    writeFileSync(p, "just some text, not an object\n");
    const r = runCli(["dump", "--format", "json", p]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "not-elf", message: expect.stringContaining("not an ELF file"), file: p, offset: 0 },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it("a truncated object", () => {
    const p = join(dir, "cut.o");
    writeFileSync(p, readFileSync(obj("x86_64-gcc", "code.fs.o")).subarray(0, 3000));
    const r = runCli(["dump", "--format", "json", p]);
    expect(r.status).toBe(2);
    const e = JSON.parse(r.stdout) as { error: { code: string; offset: number; file: string } };
    expect(e.error.file).toBe(p);
    expect(["bad-table-offset", "truncated"]).toContain(e.error.code);
    expect(r.stderr).toMatch(/cut\.o: .* at offset \d+/);
  });
  it("an unknown option", () => {
    const r = runCli(["dump", "--bogus", obj("x86_64-gcc", "code.fs.o")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });
  it("--help exits 0 with an example", () => {
    const r = runCli(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples?:/);
  });
});
