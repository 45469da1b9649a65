/**
 * `openElf(path, { deferDebug: true })`: the file's image leaves the debug sections on disk, `readDwarf`
 * reads them into a second image it gives back, anything else that asks for one gets it read then. Whatever
 * is asked, the answers are those of the file read whole.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DwarfInfo,
  ElfError,
  type ElfFile,
  isDeferredDebug,
  openElf,
  readDwarf,
  readElf,
} from "../src/index.js";
import { buildElf } from "./build-elf.js";

const OUT = join(import.meta.dirname, "../../../test-objects/out");
const dir = mkdtempSync(join(tmpdir(), "elfdelta-deferred-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v);

/** The DWARF model as text (records have getters: listed field by field). */
function digest(info: DwarfInfo): string {
  const parts: string[] = [];
  for (const sp of info.subprograms)
    parts.push(
      JSON.stringify(
        [sp.name, sp.linkageName, sp.symbol, sp.external, sp.declaration, sp.returns, sp.params, sp.locals],
        big,
      ),
      JSON.stringify([sp.section, sp.lowPc, sp.highPc, sp.inlined, sp.file, sp.line], big),
    );
  for (const v of info.variables)
    parts.push(JSON.stringify([v.name, v.symbol, v.type, v.section, v.address, v.file, v.line], big));
  for (const [id, t] of info.types) parts.push(String(id), JSON.stringify(t, big));
  parts.push(JSON.stringify(info.units, big));
  return parts.join("\n");
}

function debugIndexes(elf: ElfFile): number[] {
  const out: number[] = [];
  for (let i = 1; i < elf.headers.count; i++) if (isDeferredDebug(elf.headers, i, elf.machine)) out.push(i);
  return out;
}

/**
 * Objects of several machines and DWARF forms (compressed, DWARF 4, strict DWARF 2, REL and RELA; MIPS's
 * DWARF sections have a type of their own).
 */
const samples = [
  "x86_64-gcc",
  "i686-gcc",
  "aarch64-gcc",
  "armhf-gcc",
  "ppc64-gcc",
  "s390x-gcc",
  "riscv64-gcc",
  "mips-gcc",
]
  .flatMap((t) =>
    ["code.fs.o", "code.zlib.o", "code.dwarf4.o", "code.dwarf2strict.o"].map((f) => join(OUT, t, f)),
  )
  .filter((p) => readdirSync(join(p, "..")).includes(p.split("/").pop()!));

describe("openElf with the debug sections left on disk", () => {
  it("has objects to try", () => {
    expect(samples.length).toBeGreaterThan(12);
  });

  it.each(samples)("%s: the image holds all but the debug sections, with the file's bytes", (path) => {
    const whole = readElf(readFileSync(path), { path });
    const lean = openElf(path, { deferDebug: true });
    const deferred = new Set(debugIndexes(whole));
    expect(deferred.size).toBeGreaterThan(0);
    expect(lean.withDebugSections()).not.toBe(lean);
    for (let i = 0; i < whole.headers.count; i++) {
      expect(lean.holds(i), `section ${i}`).toBe(!deferred.has(i));
      // Compared only where the image holds the section: asking for the others would read them in.
      if (lean.holds(i)) expect(lean.rawData(i), `section ${i}`).toEqual(whole.rawData(i));
    }
    for (const r of whole.relocationSections) {
      if (deferred.has(r)) continue;
      expect(lean.relocations(r).offsets).toEqual(whole.relocations(r).offsets);
    }
  });

  it.each(samples)("%s: readDwarf and readLineTable give what the whole file gives", async (path) => {
    const { readLineTable } = await import("../src/dwarf/index.js");
    const whole = readElf(readFileSync(path), { path });
    const lean = openElf(path, { deferDebug: true });
    expect(digest(readDwarf(lean))).toBe(digest(readDwarf(whole)));
    expect(JSON.stringify(readLineTable(lean), big)).toBe(JSON.stringify(readLineTable(whole), big));
    // The DWARF came through a second image: this one still leaves the debug sections out.
    for (const i of debugIndexes(whole)) expect(lean.holds(i)).toBe(false);
  });

  it("reads a left-out section into its place when something else asks for it", () => {
    const path = samples[0]!;
    const whole = readElf(readFileSync(path), { path });
    const lean = openElf(path, { deferDebug: true });
    const info = lean.sectionIndex(".debug_info");
    const rela = lean.relocationSections.find((r) => lean.headers.info(r) === info)!;
    expect(lean.holds(info)).toBe(false);
    expect(lean.rawData(info)).toEqual(whole.rawData(info));
    expect(lean.holds(info)).toBe(true);
    expect(lean.relocations(rela).offsets).toEqual(whole.relocations(rela).offsets);
    expect(lean.relocations(rela).symbols).toEqual(whole.relocations(rela).symbols);
  });

  it("gives the debug image's memory back, and still answers through the first image", () => {
    const original = readFileSync(samples[0]!);
    // Large enough for a resizable image (4 MiB and more): the same object, padded at the end.
    const padded = new Uint8Array(5 * 2 ** 20);
    padded.set(original);
    for (const [name, bytes, resizable] of [
      ["small.o", original, false],
      ["padded.o", padded, true],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const whole = readElf(bytes, { path });
      const lean = openElf(path, { deferDebug: true });
      const debug = lean.withDebugSections();
      const info = lean.sectionIndex(".debug_info");
      expect(debug.holds(info)).toBe(true);
      expect(debug.bytes.length).toBe(bytes.length);
      debug.release();
      // A resizable image shrank to nothing: its pages are gone at once.
      expect(debug.bytes.length, name).toBe(resizable ? 0 : bytes.length);
      expect(debug.holds(info)).toBe(false);
      expect(debug.rawData(info)).toEqual(whole.rawData(info));
      expect(debug.symbolView?.count).toBe(whole.symbolView?.count);
    }
  });

  it("keeps nothing of the debug image once the model is read", async () => {
    const v8 = await import("node:v8");
    const vm = await import("node:vm");
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const path = samples[0]!;
    const lean = openElf(path, { deferDebug: true });
    let image: WeakRef<ElfFile> | undefined;
    const open = lean.withDebugSections.bind(lean);
    // The instance's own method, to see the image readDwarf makes.
    lean.withDebugSections = () => {
      const d = open();
      image = new WeakRef(d);
      return d;
    };
    const info = readDwarf(lean);
    expect(info.subprograms.length).toBeGreaterThan(0);
    expect(image).toBeDefined();
    for (let k = 0; k < 3 && image!.deref() !== undefined; k++) {
      await new Promise((r) => setTimeout(r, 0));
      gc();
    }
    expect(image!.deref()).toBeUndefined();
    expect(info.types.size).toBeGreaterThan(0); // the model itself is still here
  });

  it("reads a file without debug sections whole", () => {
    const path = join(dir, "nodebug.o");
    writeFileSync(
      path,
      buildElf({
        is64: true,
        machine: 62,
        sections: [{ name: ".text", type: 1, flags: 6, data: new Uint8Array(16) }],
      }).bytes,
    );
    const e = openElf(path, { deferDebug: true });
    expect(e.withDebugSections()).toBe(e);
    expect(e.holds(1)).toBe(true);
  });

  it("gives the errors of the whole file for malformed ones", () => {
    const original = readFileSync(samples[0]!);
    const cases: [string, Uint8Array][] = [
      ["not ELF", new TextEncoder().encode("not an object file at all")],
      ["truncated header", original.subarray(0, 30)],
      ["truncated", original.subarray(0, original.length >> 1)],
      ["empty", new Uint8Array(0)],
    ];
    // e_shoff past the end of the file.
    const badTable = new Uint8Array(original);
    new DataView(badTable.buffer).setBigUint64(40, BigInt(original.length + 100), true);
    cases.push(["section table past the end", badTable]);
    const paths = cases.map(([name, bytes]) => {
      const path = join(dir, `${name.replaceAll(" ", "-")}.o`);
      writeFileSync(path, bytes);
      return path;
    });
    // And paths that are not files to read: the same typed I/O errors.
    paths.push(dir, join(dir, "missing.o"));
    const error = (f: () => unknown) => {
      try {
        f();
        return "no error";
      } catch (e) {
        expect(e).toBeInstanceOf(ElfError);
        return `${(e as ElfError).code} ${(e as ElfError).message} ${(e as ElfError).file}`;
      }
    };
    for (const path of paths) {
      const whole = error(() => openElf(path));
      expect(whole, path).not.toBe("no error");
      expect(
        error(() => openElf(path, { deferDebug: true })),
        path,
      ).toBe(whole);
    }
    expect(error(() => openElf(dir))).toMatch(/^io cannot read file: is a directory/);
  });

  it("reads whole a file whose segments cover a debug section (notes are read by file offset)", () => {
    const original = readFileSync(samples[0]!);
    const whole = readElf(original);
    const info = whole.sectionIndex(".debug_info");
    // One PT_NOTE program header, appended, over .debug_info.
    const bytes = new Uint8Array(original.length + 56);
    bytes.set(original);
    const dv = new DataView(bytes.buffer);
    dv.setBigUint64(32, BigInt(original.length), true); // e_phoff
    dv.setUint16(54, 56, true); // e_phentsize
    dv.setUint16(56, 1, true); // e_phnum
    dv.setUint32(original.length, 4, true); // p_type PT_NOTE
    dv.setBigUint64(original.length + 8, BigInt(whole.headers.offset(info)), true);
    dv.setBigUint64(original.length + 32, BigInt(whole.headers.size(info)), true);
    const path = join(dir, "segment-over-debug.o");
    writeFileSync(path, bytes);
    const e = openElf(path, { deferDebug: true });
    expect(e.holds(info)).toBe(true);
    expect(e.withDebugSections()).toBe(e);
    expect(e.segments).toEqual(readElf(bytes).segments);
    // Without the segment the same file leaves .debug_info out.
    dv.setUint16(56, 0, true);
    writeFileSync(path, bytes);
    expect(openElf(path, { deferDebug: true }).holds(info)).toBe(false);
  });

  it("refuses with a typed error a file that changed size before its DWARF was read", () => {
    const path = join(dir, "changing.o");
    writeFileSync(path, readFileSync(samples[0]!));
    const lean = openElf(path, { deferDebug: true });
    truncateSync(path, 100);
    let caught: unknown;
    try {
      readDwarf(lean);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ElfError);
    expect((caught as ElfError).code).toBe("io");
    expect((caught as ElfError).file).toBe(path);
  });
});
