/**
 * A large REL/RELA table whose fields are each patched once, in offset order, is read in place rather than
 * indexed (`resolveRelocations`' `inPlaceFrom`). Both ways must give every field the same value and section,
 * and refuse the same malformed tables with the same error. Here the threshold is lowered to 0 so that small
 * tables take the in-place way, and compared with the index (threshold never reached).
 */
import { describe, expect, it } from "vitest";
import { DebugSection, RelocIndex, resolveRelocations } from "../src/dwarf/relocate.js";
import { ElfError } from "../src/errors.js";
import { readElf } from "../src/index.js";
import { buildElf, concat, rel32, rela64, relocationSection, symbolEntry } from "./build-elf.js";

const R_X86_64_NONE = 0;
const R_X86_64_64 = 1;
const R_X86_64_PC32 = 2;
const R_X86_64_32 = 10;
const R_386_32 = 1;
const R_386_PC32 = 2;

type Elf = ReturnType<typeof readElf>;

/** An object whose `.debug_info` (section 2, `info` bytes) is patched by `relocs`, against `.text` (section 1). */
function objectWith(is64: boolean, relocs: Uint8Array, info: Uint8Array = new Uint8Array(32)): Elf {
  const syms = concat(
    symbolEntry(is64, true, { name: 0, shndx: 0 }),
    symbolEntry(is64, true, { name: 0, type: 3, shndx: 1, value: 0x10n }),
  );
  const built = buildElf({
    is64,
    machine: is64 ? 62 : 3,
    sections: [
      { name: ".text", type: 1, flags: 6, data: new Uint8Array(64) },
      { name: ".debug_info", type: 1, data: info },
      { name: ".symtab", type: 2, data: syms, link: 4, info: 2, entsize: is64 ? 24 : 16, addralign: 8 },
      { name: ".strtab", type: 3, data: new Uint8Array(1) },
      relocationSection(is64, ".debug_info", 2, relocs, 3),
    ],
  });
  return readElf(built.bytes);
}

/** `.debug_info` of `elf` opened with relocations resolved in place (when they can be) or indexed. */
function open(elf: Elf, inPlace: boolean): DebugSection {
  const bytes = elf.data(2);
  const rel = resolveRelocations(elf, 2, bytes, inPlace ? 0 : Number.POSITIVE_INFINITY);
  return new DebugSection(".debug_info", 2, bytes, true, undefined, rel);
}

/** What each way reads at every offset: relocated or not, value as offset and address, section. */
function readings(sec: DebugSection, size: 4 | 8): string[] {
  const out: string[] = [];
  for (let o = 0; o + size <= sec.length; o++) {
    const address = sec.address(o, size);
    out.push(
      `${o}: ${sec.isRelocated(o)} ${sec.offset(o, size)} ${address} ${sec.lastSection} ${sec.targetSection(o)}`,
    );
  }
  return out;
}

function failure(f: () => unknown): string {
  try {
    f();
    return "no error";
  } catch (e) {
    expect(e).toBeInstanceOf(ElfError);
    return `${(e as ElfError).code}: ${(e as Error).message}`;
  }
}

describe("relocations read in place", () => {
  it("give the values and sections of the index (RELA)", () => {
    const elf = objectWith(
      true,
      concat(
        rela64(true, 0, 1, R_X86_64_32, 5n),
        rela64(true, 4, 0, R_X86_64_32, 7n),
        rela64(true, 8, 1, R_X86_64_64, -8n),
        rela64(true, 16, 1, R_X86_64_PC32, 0x20n),
        rela64(true, 24, 1, R_X86_64_64, 0x1_0000_0004n),
      ),
    );
    const table = open(elf, true);
    expect(table.relocs).not.toBeInstanceOf(RelocIndex);
    const index = open(elf, false);
    expect(index.relocs).toBeInstanceOf(RelocIndex);
    for (const size of [4, 8] as const) expect(readings(table, size)).toEqual(readings(index, size));
    // Asked out of order, as the reader does when it follows a reference back.
    expect(table.address(16, 4)).toBe(index.address(16, 4));
    // S + A: the symbol is at 0x10.
    expect(table.offset(0, 4)).toBe(0x15);
  });

  it("give the values and sections of the index (REL, addends in the fields)", () => {
    const info = new Uint8Array(32);
    const v = new DataView(info.buffer);
    v.setInt32(0, 3, true);
    v.setInt32(8, -4, true);
    v.setInt32(12, 9, true);
    const elf = objectWith(
      false,
      concat(rel32(true, 0, 1, R_386_32), rel32(true, 8, 1, R_386_PC32), rel32(true, 12, 0, R_386_32)),
      info,
    );
    const table = open(elf, true);
    expect(table.relocs).not.toBeInstanceOf(RelocIndex);
    expect(readings(table, 4)).toEqual(readings(open(elf, false), 4));
  });

  it("leave to the index what they cannot read in place", () => {
    // R_*_NONE entries, a field patched twice, offsets out of order.
    for (const relocs of [
      concat(rela64(true, 0, 1, R_X86_64_32, 5n), rela64(true, 4, 0, R_X86_64_NONE, 0n)),
      concat(rela64(true, 0, 1, R_X86_64_32, 5n), rela64(true, 0, 1, R_X86_64_32, 6n)),
      concat(rela64(true, 8, 1, R_X86_64_32, 5n), rela64(true, 0, 1, R_X86_64_32, 6n)),
    ]) {
      const elf = objectWith(true, relocs);
      const table = open(elf, true);
      expect(table.relocs).toBeInstanceOf(RelocIndex);
      expect(readings(table, 4)).toEqual(readings(open(elf, false), 4));
    }
  });

  it("refuse malformed tables as the index does", () => {
    for (const relocs of [
      // Unknown type, symbol beyond the table, field outside the section.
      concat(rela64(true, 0, 1, R_X86_64_32, 5n), rela64(true, 4, 1, 250, 0n)),
      concat(rela64(true, 0, 1, R_X86_64_32, 5n), rela64(true, 4, 9, R_X86_64_32, 0n)),
      concat(rela64(true, 0, 1, R_X86_64_32, 5n), rela64(true, 30, 1, R_X86_64_32, 0n)),
    ]) {
      const elf = objectWith(true, relocs);
      const message = failure(() => open(elf, false));
      expect(message).not.toBe("no error");
      expect(failure(() => open(elf, true))).toBe(message);
    }
  });
});
