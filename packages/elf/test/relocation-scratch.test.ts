import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RelocationScratch, readElf } from "../src/index.js";

const OUT = fileURLToPath(new URL("../../../test-objects/out/", import.meta.url));

describe("relocationsInto", () => {
  it("decodes every table as relocations() does, one scratch for all tables of many objects", () => {
    // REL targets (armhf, i686, mips) keep addends in the relocated bytes: a reused array must not keep
    // the addend of an earlier table where a relocation has none.
    const scratch = new RelocationScratch();
    let tables = 0;
    let big = 0;
    for (const target of readdirSync(OUT)) {
      for (const name of ["code.common.o", "types.nofs.o"]) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(`${OUT}${target}/${name}`);
        } catch {
          continue;
        }
        const elf = readElf(bytes);
        for (const index of elf.relocationSections) {
          const want = elf.relocations(index);
          const got = elf.relocationsInto(index, scratch);
          expect(got.target, `${target}/${name} ${index}`).toBe(want.target);
          expect(got.count).toBe(want.count);
          expect(Array.from(got.offsets)).toEqual(Array.from(want.offsets));
          expect(Array.from(got.types)).toEqual(Array.from(want.types));
          expect(Array.from(got.symbols)).toEqual(Array.from(want.symbols));
          expect(Array.from(got.addends)).toEqual(Array.from(want.addends));
          tables++;
          if (want.count >= 64) big++;
        }
      }
    }
    expect(tables).toBeGreaterThan(100);
    expect(big).toBeGreaterThan(0);
  });

  it("fails as relocations() does on a bad table", () => {
    const elf = readElf(readFileSync(`${OUT}x86_64-gcc/code.common.o`));
    const index = elf.relocationSections[0]!;
    const bytes = new Uint8Array(elf.bytes);
    // sh_link of the relocation section → a section that is not a symbol table.
    const shdr = Number(elf.header.shoff) + index * elf.header.shentsize;
    new DataView(bytes.buffer).setUint32(shdr + 40, index, true);
    const bad = readElf(bytes);
    const scratch = new RelocationScratch();
    expect(() => bad.relocationsInto(index, scratch)).toThrow(/not a symbol table/);
    expect(() => bad.relocations(index)).toThrow(/not a symbol table/);
  });
});

describe("RelocationScratch storage", () => {
  it("reuses one buffer for tables up to its cap and lends bigger ones a buffer it does not keep", () => {
    const scratch = new RelocationScratch();
    scratch.reserve(2000);
    const mid = scratch.offsets.buffer;
    scratch.reserve(1000);
    expect(scratch.offsets.buffer).toBe(mid);
    scratch.reserve(1500);
    expect(scratch.offsets.buffer).toBe(mid);
    // 400,000 entries (9.6 MB): a new buffer each time, so none outlives the table it was lent for.
    scratch.reserve(400_000);
    const first = scratch.offsets.buffer;
    expect(scratch.offsets.length).toBe(400_000);
    expect(first).not.toBe(mid);
    scratch.reserve(400_000);
    expect(scratch.offsets.buffer).not.toBe(first);
    // The kept buffer is the one from before, not grown to the big table.
    scratch.reserve(1500);
    expect(scratch.offsets.buffer).toBe(mid);
    expect(scratch.offsets.buffer.byteLength).toBeLessThanOrEqual(1 << 20);
  });

  it("lets go of a lent buffer when told the decode is done, and keeps a kept one", () => {
    const scratch = new RelocationScratch();
    scratch.reserve(400_000);
    scratch.count = 400_000;
    scratch.drop();
    // Nothing of the 9.6 MB stays reachable from the scratch.
    for (const a of [scratch.offsets, scratch.types, scratch.symbols, scratch.addends, scratch.addendWords])
      expect(a.buffer.byteLength).toBe(0);
    expect(scratch.count).toBe(0);
    scratch.reserve(2000);
    const kept = scratch.offsets;
    scratch.drop();
    expect(scratch.offsets).toBe(kept);
  });
});
