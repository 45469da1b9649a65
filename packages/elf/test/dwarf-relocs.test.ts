/**
 * The relocation index of a debug section (`resolveRelocations`) is kept while the DWARF is read, so it is
 * stored compactly: 32-bit columns where every entry fits, doubles only when a value needs them, and no room
 * left for the relocations that produced no entry. The corpus objects only reach the 32-bit case.
 */
import { describe, expect, it } from "vitest";
import { debugSection } from "../src/dwarf/index.js";
import { RelocIndex } from "../src/dwarf/relocate.js";
import { readElf } from "../src/index.js";
import { buildElf, concat, rela64, symbolEntry } from "./build-elf.js";

const R_X86_64_NONE = 0;
const R_X86_64_64 = 1;
const R_X86_64_32 = 10;

/** An x86-64 object whose `.debug_info` (section 2) is patched by `relocs`, against `.text` (section 1). */
function objectWith(relocs: Uint8Array): ReturnType<typeof readElf> {
  const syms = concat(
    symbolEntry(true, true, { name: 0, shndx: 0 }),
    symbolEntry(true, true, { name: 0, type: 3, shndx: 1 }),
  );
  const built = buildElf({
    machine: 62,
    sections: [
      { name: ".text", type: 1, flags: 6, data: new Uint8Array(16) },
      { name: ".debug_info", type: 1, data: new Uint8Array(16) },
      { name: ".symtab", type: 2, data: syms, link: 4, info: 2, entsize: 24, addralign: 8 },
      { name: ".strtab", type: 3, data: new Uint8Array(1) },
      { name: ".rela.debug_info", type: 4, flags: 0x40, data: relocs, link: 3, info: 2, entsize: 24 },
    ],
  });
  return readElf(built.bytes);
}

describe("relocation index", () => {
  it("keeps 32-bit columns when every offset and value fits, sized to the entries kept", () => {
    const elf = objectWith(
      concat(
        rela64(true, 0, 1, R_X86_64_32, 5n),
        rela64(true, 4, 0, R_X86_64_NONE, 0n),
        rela64(true, 8, 1, R_X86_64_64, 0x1234n),
      ),
    );
    const sec = debugSection(elf, 2);
    // A table this small is indexed, not read in place.
    const r = sec.relocs as RelocIndex;
    expect(r).toBeInstanceOf(RelocIndex);
    expect(r.count).toBe(2);
    expect(r.offsets).toBeInstanceOf(Uint32Array);
    expect(r.values).toBeInstanceOf(Uint32Array);
    // The R_X86_64_NONE entry leaves no slot behind in any column.
    expect([r.offsets.buffer.byteLength, r.values.buffer.byteLength, r.sections.buffer.byteLength]).toEqual([
      8, 8, 8,
    ]);
    expect(sec.offset(0, 4)).toBe(5);
    expect(sec.isRelocated(4)).toBe(false);
    expect(sec.address(8, 8)).toBe(0x1234n);
    expect(sec.lastSection).toBe(1);
  });

  it("turns to doubles for a value a 32-bit column cannot hold, keeping the values before it", () => {
    const elf = objectWith(
      concat(
        rela64(true, 0, 1, R_X86_64_32, 5n),
        rela64(true, 8, 1, R_X86_64_64, -8n),
        rela64(true, 12, 1, R_X86_64_32, 0x1_0000_0004n),
      ),
    );
    const sec = debugSection(elf, 2);
    // A table this small is indexed, not read in place.
    const r = sec.relocs as RelocIndex;
    expect(r).toBeInstanceOf(RelocIndex);
    expect(r.offsets).toBeInstanceOf(Uint32Array);
    expect(r.values).toBeInstanceOf(Float64Array);
    expect(Array.from(r.values)).toEqual([5, -8, 0x1_0000_0004]);
    expect(sec.offset(0, 4)).toBe(5);
    expect(sec.address(8, 8)).toBe(2n ** 64n - 8n);
  });
});
