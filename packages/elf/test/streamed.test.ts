/**
 * `openElf(path, { streamRelocations: true })`: the image leaves the relocation tables on disk and each is
 * decoded from a window onto the file, which keeps nothing. Whatever the order the tables are asked for in,
 * the answers are those of the file read whole.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ElfError,
  type ElfFile,
  isStreamedRelocations,
  openElf,
  RelocationScratch,
  readDwarf,
  readElf,
} from "../src/index.js";
import { setTablePiece } from "../src/relocations.js";
import { buildElf, concat, cstrings, rela64, relocationSection, symbolEntry } from "./build-elf.js";

const OUT = join(import.meta.dirname, "../../../test-objects/out");
const dir = mkdtempSync(join(tmpdir(), "elfdelta-streamed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Objects of several machines, REL and RELA, with -ffunction-sections (a table per function) and without. */
const samples = ["x86_64-gcc", "i686-gcc", "aarch64-gcc", "armhf-gcc", "ppc64-gcc", "s390x-gcc", "mips-gcc"]
  .flatMap((t) => ["code.fs.o", "code.o", "code.zlib.o"].map((f) => join(OUT, t, f)))
  .filter((p) => existsSync(p));

function streamedIndexes(elf: ElfFile): number[] {
  const out: number[] = [];
  for (let i = 1; i < elf.headers.count; i++)
    if (isStreamedRelocations(elf.headers, i, elf.machine)) out.push(i);
  return out;
}

/** What a decoded table (`RelocationTable` or `RelocationScratch`) holds. */
interface Decoded {
  readonly count: number;
  readonly target: number;
  readonly offsets: Float64Array;
  readonly types: Uint32Array;
  readonly symbols: Uint32Array;
  readonly addends: BigInt64Array;
}

/** A decoded table as text, or the typed error it gave. */
function tableText(read: () => Decoded): string {
  try {
    const t = read();
    const n = t.count;
    return [
      n,
      t.target,
      Array.from(t.offsets.subarray(0, n)),
      Array.from(t.types.subarray(0, n)),
      Array.from(t.symbols.subarray(0, n)),
      Array.from(t.addends.subarray(0, n), String),
    ].join("|");
  } catch (e) {
    if (e instanceof ElfError) return `error ${e.code} ${e.message}`;
    throw e;
  }
}

/** Each index of `list` in an order of its own: forwards, backwards, then every third from the middle. */
function orders(list: readonly number[]): number[][] {
  const mixed = list.map((_, k) => list[(Math.floor(list.length / 2) + 3 * k) % list.length]!);
  return [[...list], [...list].reverse(), mixed];
}

/** An object whose `.rela.text` (6,000 entries, 144 KB) is larger than a window, between small tables. */
function bigTableObject(path: string): void {
  const le = true;
  const str = cstrings("f", "g", "h");
  const syms = concat(
    symbolEntry(true, le, { name: 0, shndx: 0 }),
    symbolEntry(true, le, { name: str.offsets[0]!, type: 2, bind: 1, shndx: 1, size: 16 }),
    symbolEntry(true, le, { name: str.offsets[1]!, type: 2, bind: 1, shndx: 3, size: 16 }),
    symbolEntry(true, le, { name: str.offsets[2]!, type: 2, bind: 1, shndx: 5, size: 16 }),
  );
  const table = (n: number, seed: number) =>
    concat(
      ...Array.from({ length: n }, (_, k) =>
        rela64(le, (4 * k) % 65_000, 1 + ((k + seed) % 3), 2, BigInt(k - seed)),
      ),
    );
  const code = (n: number) => new Uint8Array(n).fill(0x90);
  const { bytes } = buildElf({
    machine: 62,
    sections: [
      { name: ".text", type: 1, flags: 6, data: code(65_536) },
      { name: ".symtab", type: 2, data: syms, link: 8, info: 1, entsize: 24, addralign: 8 },
      { name: ".text.g", type: 1, flags: 6, data: code(64) },
      relocationSection(true, ".text.g", 3, table(3, 1), 2, 8),
      { name: ".text.h", type: 1, flags: 6, data: code(64) },
      relocationSection(true, ".text.h", 5, table(2, 2), 2, 8),
      relocationSection(true, ".text", 1, table(6_000, 0), 2, 8),
      { name: ".strtab", type: 3, data: str.bytes },
    ],
  });
  writeFileSync(path, bytes);
}

describe("openElf with the relocation tables left on disk", () => {
  it("has objects to try, with tables to leave out", () => {
    expect(samples.length).toBeGreaterThan(12);
    for (const path of samples)
      expect(streamedIndexes(readElf(readFileSync(path))).length).toBeGreaterThan(0);
  });

  it("decodes every table as the file read whole does, in any order, and keeps none of their bytes", () => {
    for (const path of samples) {
      const whole = readElf(readFileSync(path), { path });
      const lean = openElf(path, { streamRelocations: true });
      const tables = streamedIndexes(whole);
      for (const i of tables) expect(lean.holds(i), `${path} [${i}]`).toBe(false);
      const expected = new Map(tables.map((i) => [i, tableText(() => whole.relocations(i))]));
      const scratch = new RelocationScratch();
      for (const order of orders(tables)) {
        for (const i of order) {
          expect(
            tableText(() => lean.relocations(i)),
            `${path} [${i}]`,
          ).toBe(expected.get(i));
          expect(
            tableText(() => lean.relocationsInto(i, scratch)),
            `${path} [${i}]`,
          ).toBe(expected.get(i));
        }
      }
      for (const i of tables) expect(lean.holds(i)).toBe(false);
      lean.close();
    }
  });

  it("decodes a table from the file piece by piece, whatever the size of the pieces", () => {
    // By default 64 KiB at a time, more than any table of the test objects: here 1 to 7 entries at a time,
    // against the whole read, decoded in one piece.
    for (const path of samples.slice(0, 9)) {
      const whole = readElf(readFileSync(path), { path });
      const tables = streamedIndexes(whole);
      const want = new Map(tables.map((i) => [i, tableText(() => whole.relocations(i))]));
      expect(tables.some((i) => whole.relocations(i).count > 7)).toBe(true);
      for (const piece of [1, 40, 100]) {
        const old = setTablePiece(piece);
        try {
          const lean = openElf(path, { streamRelocations: true });
          const scratch = new RelocationScratch();
          for (const i of tables) {
            expect(
              tableText(() => lean.relocations(i)),
              `${path} [${i}] by ${piece}`,
            ).toBe(want.get(i));
            expect(tableText(() => lean.relocationsInto(i, scratch))).toBe(want.get(i));
          }
          lean.close();
        } finally {
          setTablePiece(old);
        }
      }
    }
  });

  it("reads a table larger than a window, between small ones, in any order", () => {
    const path = join(dir, "big-table.o");
    bigTableObject(path);
    const whole = readElf(readFileSync(path), { path });
    const tables = streamedIndexes(whole);
    expect(tables.map((i) => whole.relocations(i).count).sort((a, b) => a - b)).toEqual([2, 3, 6000]);
    const lean = openElf(path, { streamRelocations: true });
    for (const order of orders(tables))
      for (const i of order)
        expect(tableText(() => lean.relocations(i))).toBe(tableText(() => whole.relocations(i)));
    // Decoded from 64 KiB windows: the table's 144 KB are never in memory at once, only its decode (the
    // windows were made by the reads before).
    const big = tables.find((i) => whole.relocations(i).count === 6000)!;
    const before = process.memoryUsage().arrayBuffers;
    const decoded = lean.relocations(big);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThanOrEqual(6000 * 24);
    expect(decoded.count).toBe(6000);
    lean.close();
  });

  it("reads a table into its place when its bytes are asked for", () => {
    const path = samples[0]!;
    const whole = readElf(readFileSync(path), { path });
    const lean = openElf(path, { streamRelocations: true });
    const i = streamedIndexes(whole)[0]!;
    expect(lean.holds(i)).toBe(false);
    expect(lean.rawData(i)).toEqual(whole.rawData(i));
    expect(lean.holds(i)).toBe(true);
    expect(tableText(() => lean.relocations(i))).toBe(tableText(() => whole.relocations(i)));
    lean.close();
  });

  it("reads the DWARF as the whole file does when the debug sections are left on disk too", () => {
    for (const path of samples) {
      const whole = readElf(readFileSync(path), { path });
      const lean = openElf(path, { deferDebug: true, streamRelocations: true });
      const a = readDwarf(whole);
      const b = readDwarf(lean);
      expect(b.subprograms.map((s) => [s.name, s.lowPc, s.highPc, s.line])).toEqual(
        a.subprograms.map((s) => [s.name, s.lowPc, s.highPc, s.line]),
      );
      expect([...b.types.keys()]).toEqual([...a.types.keys()]);
      for (const i of streamedIndexes(whole)) expect(lean.holds(i)).toBe(false);
      lean.close();
    }
  });

  it.skipIf(!existsSync("/proc/self/fd"))(
    "keeps the file open between reads until close, then opens it again",
    () => {
      const openFds = () => readdirSync("/proc/self/fd").length;
      const path = samples[0]!;
      const whole = readElf(readFileSync(path), { path });
      const [first, second] = streamedIndexes(whole);
      const before = openFds();
      const lean = openElf(path, { streamRelocations: true });
      expect(openFds()).toBe(before);
      lean.relocations(first!);
      expect(openFds()).toBe(before + 1);
      lean.relocations(second!);
      expect(openFds()).toBe(before + 1);
      lean.close();
      expect(openFds()).toBe(before);
      expect(tableText(() => lean.relocations(second!))).toBe(tableText(() => whole.relocations(second!)));
      lean.close();
      expect(openFds()).toBe(before);
    },
  );

  it.skipIf(!existsSync("/proc/self/fd"))(
    "keeps eight files open at most for callers that never close",
    () => {
      const openFds = () => readdirSync("/proc/self/fd").length;
      const path = samples[0]!;
      const table = streamedIndexes(readElf(readFileSync(path)))[0]!;
      const before = openFds();
      const files = Array.from({ length: 20 }, () => openElf(path, { streamRelocations: true }));
      for (const f of files) f.relocations(table);
      expect(openFds()).toBe(before + 8);
      // The ones closed to make room open again when read.
      expect(tableText(() => files[0]!.relocations(table))).toBe(
        tableText(() => files[19]!.relocations(table)),
      );
      expect(openFds()).toBe(before + 8);
      for (const f of files) f.close();
      expect(openFds()).toBe(before);
    },
  );

  it("keeps nothing of a file nobody closed once it is gone, even in a loop that never yields", async () => {
    const v8 = await import("node:v8");
    const vm = await import("node:vm");
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const path = samples[0]!;
    const tables = streamedIndexes(readElf(readFileSync(path)));
    gc();
    const before = process.memoryUsage().arrayBuffers;
    // Each file's windows take some 100 KB: 2,000 of them kept would be 200 MB.
    for (let k = 0; k < 2_000; k++) {
      const lean = openElf(path, { streamRelocations: true });
      for (const i of tables) lean.relocations(i);
    }
    gc();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
  });

  it("refuses with a typed error a file cut short before its tables were read", () => {
    const path = join(dir, "cut.o");
    bigTableObject(path);
    const whole = readElf(readFileSync(path), { path });
    const last = Math.max(...streamedIndexes(whole).map((i) => whole.headers.offset(i)));
    for (const reopen of [false, true]) {
      const lean = openElf(path, { streamRelocations: true });
      lean.relocations(streamedIndexes(whole)[0]!);
      if (reopen) lean.close();
      truncateSync(path, last + 8);
      const table = streamedIndexes(whole).find((i) => whole.headers.offset(i) === last)!;
      let error: unknown;
      try {
        lean.relocations(table);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ElfError);
      expect((error as ElfError).code).toBe("io");
      expect((error as ElfError).file).toBe(path);
      lean.close();
      bigTableObject(path);
    }
  });
});
