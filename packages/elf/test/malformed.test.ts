import { describe, expect, it } from "vitest";
import { ElfError, type ElfErrorCode, readArchive, readElf } from "../src/index.js";
import { buildElf, concat, sampleObject } from "./build-elf.js";

/** Runs every lazy table so that a broken one surfaces. */
function readAll(bytes: Uint8Array): void {
  const elf = readElf(bytes, { path: "bad.o" });
  void elf.symbols;
  for (const r of elf.relocationSections) elf.relocations(r);
  void elf.groups;
  elf.notes();
  for (const s of elf.sections) elf.data(s.index);
}

function expectError(f: () => unknown, code: ElfErrorCode, offset?: number): ElfError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected an ElfError").toBeInstanceOf(ElfError);
  const err = caught as ElfError;
  expect(err.code).toBe(code);
  if (offset !== undefined) expect(err.offset).toBe(offset);
  expect(err.message.length).toBeGreaterThan(10);
  return err;
}

/** A copy of the sample with one section-header field rewritten. */
function patchSection(
  field: "name" | "type" | "offset" | "size" | "link" | "info" | "entsize",
  index: number,
  value: number,
) {
  const s = sampleObject();
  const b = s.bytes.slice();
  const v = new DataView(b.buffer);
  const at = s.shoff + index * s.shentsize;
  const fields = {
    name: [0, 4],
    type: [4, 4],
    offset: [24, 8],
    size: [32, 8],
    link: [40, 4],
    info: [44, 4],
    entsize: [56, 8],
  } as const;
  const [o, w] = fields[field];
  if (w === 4) v.setUint32(at + o, value, true);
  else v.setBigUint64(at + o, BigInt(value), true);
  return b;
}

describe("the sample objects are well-formed", () => {
  it("reads the 64-bit sample with its symbols and RELA addends", () => {
    const elf = readElf(sampleObject().bytes);
    expect(elf.sections.map((s) => s.name)).toEqual([
      "",
      ".text",
      ".data",
      ".symtab",
      ".strtab",
      ".rela.text",
      ".shstrtab",
    ]);
    expect(elf.symbols.map((s) => s.name)).toEqual(["", "", "main", "counter", "helper_function_name"]);
    const r = elf.relocations(5);
    expect(r.count).toBe(2);
    expect(r.get(0)).toEqual({ offset: 4, type: 4, symbol: 4, addend: -4n });
  });
  it("reads the 32-bit sample with a REL implicit addend", () => {
    const elf = readElf(sampleObject(false).bytes);
    const r = elf.relocations(5);
    expect(r.get(0)).toEqual({ offset: 4, type: 2, symbol: 4, addend: -4n });
  });
  it("reads a big-endian sample", () => {
    const elf = readElf(sampleObject(true, false).bytes);
    expect(elf.littleEndian).toBe(false);
    expect(elf.symbols[3]!.name).toBe("counter");
  });
});

describe("header", () => {
  it("refuses a file that is not ELF", () => {
    expectError(() => readElf(new TextEncoder().encode("hello, world, this is text\n")), "not-elf", 0);
  });
  it("refuses a truncated identification", () => {
    expectError(() => readElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1])), "truncated", 0);
  });
  it("refuses a truncated header", () => {
    expectError(() => readElf(sampleObject().bytes.slice(0, 40)), "truncated", 0);
  });
  it("refuses a bad class", () => {
    const b = sampleObject().bytes.slice();
    b[4] = 3;
    expectError(() => readElf(b), "bad-class", 4);
  });
  it("refuses a bad data encoding", () => {
    const b = sampleObject().bytes.slice();
    b[5] = 0;
    expectError(() => readElf(b), "bad-data-encoding", 5);
  });
  it("refuses a bad identification version", () => {
    const b = sampleObject().bytes.slice();
    b[6] = 2;
    expectError(() => readElf(b), "bad-version", 6);
  });
  it("refuses e_shentsize wrong for the class", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setUint16(58, 40, true);
    expectError(() => readElf(b), "bad-entry-size", 58);
  });
  it("refuses e_phentsize wrong for the class", () => {
    const b = sampleObject().bytes.slice();
    const v = new DataView(b.buffer);
    v.setUint16(54, 32, true);
    v.setUint16(56, 1, true);
    v.setBigUint64(32, 64n, true);
    expectError(() => readElf(b).segments, "bad-entry-size");
  });
  it("refuses a section table past the end of the file", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setBigUint64(40, BigInt(b.length - 10), true);
    expectError(() => readElf(b), "bad-table-offset");
  });
  it("refuses e_shoff + e_shnum * e_shentsize overflowing", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setBigUint64(40, 0xffff_ffff_ffff_ff00n, true);
    expectError(() => readElf(b), "bad-table-offset");
  });
  it("refuses e_shoff == 0 with sections", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setBigUint64(40, 0n, true);
    expectError(() => readElf(b), "bad-table-offset", 40);
  });
  it("refuses extended numbering when section 0 is not SHT_NULL", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    const v = new DataView(b.buffer);
    v.setUint16(60, 0, true);
    v.setUint32(s.shoff + 4, 1, true);
    expectError(() => readElf(b), "bad-extended-numbering");
  });
  it("refuses an extended count that is bogus", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    const v = new DataView(b.buffer);
    v.setUint16(60, 0, true);
    v.setBigUint64(s.shoff + 32, 7n, true);
    expectError(() => readElf(b), "bad-extended-numbering");
  });
  it("refuses an extended count past the end of the file", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    const v = new DataView(b.buffer);
    v.setUint16(60, 0, true);
    v.setBigUint64(s.shoff + 32, 0x1_0000_0000n, true);
    expectError(() => readElf(b), "bad-table-offset");
  });
  it("refuses e_shstrndx = SHN_XINDEX pointing through a bogus sh_link", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    const v = new DataView(b.buffer);
    v.setUint16(62, 0xffff, true);
    v.setUint32(s.shoff + 40, 9999, true);
    expectError(() => readElf(b), "bad-section-link");
  });
});

describe("sections", () => {
  it("refuses sh_offset + sh_size past the end", () => {
    expectError(() => readElf(patchSection("size", 1, 1 << 30)), "bad-section-bounds");
  });
  it("refuses sh_offset + sh_size overflowing", () => {
    const b = patchSection("offset", 1, 0);
    const s = sampleObject();
    new DataView(b.buffer).setBigUint64(s.shoff + s.shentsize + 24, 0xffff_ffff_ffff_fff0n, true);
    expectError(() => readElf(b), "bad-table-offset");
  });
  it("accepts SHT_NOBITS of any size", () => {
    const built = buildElf({ sections: [{ name: ".bss", type: 8, size: 1 << 30 }] });
    expect(readElf(built.bytes).sections[1]!.size).toBe(1 << 30);
  });
  it("refuses a symbol table whose size is not a multiple of sh_entsize", () => {
    expectError(() => readAll(patchSection("size", 3, 24 * 5 - 1)), "bad-entry-size");
  });
  it("refuses sh_entsize 0 or wrong for a table", () => {
    expectError(() => readAll(patchSection("entsize", 3, 0)), "bad-entry-size");
    expectError(() => readAll(patchSection("entsize", 5, 16)), "bad-entry-size");
  });
  it("refuses e_shstrndx out of range", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setUint16(62, 50, true);
    expectError(() => readElf(b), "bad-section-link", 62);
  });
  it("refuses e_shstrndx naming a section that is not a string table", () => {
    const b = sampleObject().bytes.slice();
    new DataView(b.buffer).setUint16(62, 1, true);
    expectError(() => readElf(b), "bad-string-table");
  });
  it("refuses sh_name past the end of the string table", () => {
    expectError(() => readElf(patchSection("name", 1, 5000)), "bad-string-offset");
  });
  it("refuses an unterminated string table", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    const shstr = s.dataOffsets[6]!;
    const size = Number(new DataView(b.buffer).getBigUint64(s.shoff + 6 * s.shentsize + 32, true));
    b[shstr + size - 1] = 0x41; // the last name loses its NUL
    expectError(() => readElf(b), "bad-string-table");
  });
  it("refuses sh_link out of range", () => {
    expectError(() => readAll(patchSection("link", 3, 77)), "bad-section-link");
  });
  it("refuses sh_link of the wrong type", () => {
    expectError(() => readAll(patchSection("link", 3, 1)), "bad-section-link");
    expectError(() => readAll(patchSection("link", 5, 4)), "bad-section-link");
  });
  it("refuses cyclic links (a relocation section that links to itself)", () => {
    expectError(() => readAll(patchSection("link", 5, 5)), "bad-section-link");
  });
  it("refuses sh_info out of range", () => {
    expectError(() => readAll(patchSection("info", 5, 99)), "bad-section-link");
  });
});

describe("symbols", () => {
  it("refuses st_name past the end of the string table", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setUint32(s.dataOffsets[3]! + 2 * 24, 9999, true);
    expectError(() => readAll(b), "bad-string-offset");
  });
  it("refuses a first-global index above the count", () => {
    expectError(() => readAll(patchSection("info", 3, 6)), "bad-symbol");
  });
  it("refuses SHN_XINDEX without a SYMTAB_SHNDX section", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setUint16(s.dataOffsets[3]! + 2 * 24 + 6, 0xffff, true);
    expectError(() => readAll(b), "bad-symbol-section");
  });
  it("refuses SHN_XINDEX with a short SYMTAB_SHNDX section", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setUint16(s.dataOffsets[3]! + 2 * 24 + 6, 0xffff, true);
    // Turn .data into a SYMTAB_SHNDX of 2 entries linked to the symbol table: too short for symbol 2.
    const v = new DataView(b.buffer);
    v.setUint32(s.shoff + 2 * s.shentsize + 4, 18, true);
    v.setUint32(s.shoff + 2 * s.shentsize + 40, 3, true);
    expectError(() => readAll(b), "bad-symbol-section");
  });
  it("refuses a section index out of range", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setUint16(s.dataOffsets[3]! + 2 * 24 + 6, 40, true);
    expectError(() => readAll(b), "bad-symbol-section");
  });
});

describe("relocations", () => {
  it("refuses a symbol index out of range", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setBigUint64(s.dataOffsets[5]! + 8, (50n << 32n) | 4n, true);
    expectError(() => readAll(b), "bad-relocation", s.dataOffsets[5]);
  });
  it("refuses r_offset + width past the end of the target", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setBigUint64(s.dataOffsets[5]! + 24, 30n, true);
    expectError(() => readAll(b), "bad-relocation", s.dataOffsets[5]! + 24);
  });
  it("reports an unknown type as a number, not an error", () => {
    const s = sampleObject();
    const b = s.bytes.slice();
    new DataView(b.buffer).setBigUint64(s.dataOffsets[5]! + 8, (4n << 32n) | 250n, true);
    const elf = readElf(b);
    expect(elf.relocations(5).types[0]).toBe(250);
    expect(elf.relocationTypeName(250)).toBeUndefined();
  });
  it("refuses sh_info naming a section that cannot be relocated", () => {
    expectError(() => readAll(patchSection("info", 5, 4)), "bad-section-link");
  });
});

describe("groups", () => {
  function withGroup(words: number[], info = 2) {
    const base = sampleObject();
    const elf = readElf(base.bytes);
    const data = new Uint8Array(words.length * 4);
    const v = new DataView(data.buffer);
    for (const [i, w] of words.entries()) v.setUint32(i * 4, w, true);
    const syms = elf.rawData(3);
    return buildElf({
      sections: [
        { name: ".text", type: 1, flags: 6, data: new Uint8Array(16) },
        { name: ".data", type: 1, flags: 3, data: new Uint8Array(8) },
        { name: ".symtab", type: 2, data: syms, link: 4, info: 2, entsize: 24 },
        { name: ".strtab", type: 3, data: elf.rawData(4) },
        { name: ".group", type: 17, data, link: 3, info, entsize: 4 },
      ],
    }).bytes;
  }
  it("reads a well-formed COMDAT group", () => {
    const elf = readElf(withGroup([1, 1]));
    expect(elf.groups).toHaveLength(1);
    expect(elf.groups[0]!.comdat).toBe(true);
    expect(elf.groupSignature(elf.groups[0]!)).toBe("main");
  });
  it("refuses a size that is not a multiple of 4", () => {
    const b = withGroup([1, 1]);
    const elf = readElf(b);
    const g = elf.sections[5]!;
    const v = new DataView(b.buffer);
    v.setBigUint64(elf.header.shoff + 5 * 64 + 32, BigInt(g.size - 1), true);
    expectError(() => readAll(b), "bad-group");
  });
  it("refuses a signature symbol out of range", () => {
    expectError(() => readAll(withGroup([1, 1], 40)), "bad-group");
  });
  it("refuses a member index out of range", () => {
    expectError(() => readAll(withGroup([1, 99])), "bad-group");
  });
  it("refuses a group listing itself or another group", () => {
    expectError(() => readAll(withGroup([1, 5])), "bad-group");
  });
});

describe("compression", () => {
  function compressed(chdr: { type: number; size: bigint }, payload: Uint8Array) {
    const h = new Uint8Array(24);
    const v = new DataView(h.buffer);
    v.setUint32(0, chdr.type, true);
    v.setBigUint64(8, chdr.size, true);
    v.setBigUint64(16, 1n, true);
    return buildElf({ sections: [{ name: ".debug_info", type: 1, flags: 0x800, data: concat(h, payload) }] })
      .bytes;
  }
  it("refuses a ch_size bomb before allocating", () => {
    expectError(
      () => readAll(compressed({ type: 1, size: 1n << 40n }, new Uint8Array(16))),
      "compression-bomb",
    );
  });
  it("refuses output whose length differs from ch_size", async () => {
    const { deflateSync } = await import("node:zlib");
    const z = new Uint8Array(deflateSync(new Uint8Array(100)));
    expectError(() => readAll(compressed({ type: 1, size: 50n }, z)), "bad-compression");
    expectError(() => readAll(compressed({ type: 1, size: 200n }, z)), "bad-compression");
  });
  it("decompresses zlib when the size matches", async () => {
    const { deflateSync } = await import("node:zlib");
    const payload = new Uint8Array(100).map((_, i) => i);
    const elf = readElf(compressed({ type: 1, size: 100n }, new Uint8Array(deflateSync(payload))));
    expect(elf.data(1)).toEqual(payload);
  });
  it("refuses an unknown ch_type", () => {
    expectError(() => readAll(compressed({ type: 7, size: 10n }, new Uint8Array(4))), "bad-compression");
  });
  it("refuses data shorter than the header", () => {
    const b = buildElf({
      sections: [{ name: ".debug_info", type: 1, flags: 0x800, data: new Uint8Array(10) }],
    }).bytes;
    expectError(() => readAll(b), "bad-compression");
  });
  it("refuses corrupt zstd data", () => {
    expectError(
      () => readAll(compressed({ type: 2, size: 64n }, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]))),
      "bad-compression",
    );
  });
});

describe("archives", () => {
  const enc = new TextEncoder();
  function header(name: string, size: number): Uint8Array {
    const h = `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"644".padEnd(8)}${String(size).padEnd(10)}\`\n`;
    return enc.encode(h);
  }
  it("reads GNU long names and BSD names", () => {
    const longTable = enc.encode("a_very_long_member_name.o/\n");
    const obj = sampleObject().bytes;
    const bsdName = enc.encode("bsd_named_member.o\0\0");
    const ar = concat(
      enc.encode("!<arch>\n"),
      header("//", longTable.length),
      longTable,
      longTable.length % 2 ? enc.encode("\n") : new Uint8Array(0),
      header("/0", obj.length),
      obj,
      header(`#1/${bsdName.length}`, obj.length + bsdName.length),
      bsdName,
      obj,
    );
    const a = readArchive(ar);
    expect(a.members.map((m) => m.name)).toEqual(["a_very_long_member_name.o", "bsd_named_member.o"]);
    expect(a.members[1]!.data).toEqual(obj);
  });
  it("refuses a member that runs past the end", () => {
    const ar = concat(enc.encode("!<arch>\n"), header("x.o/", 500), new Uint8Array(10));
    expectError(() => readArchive(ar), "bad-archive", 8);
  });
  it("refuses a truncated member header", () => {
    expectError(() => readArchive(concat(enc.encode("!<arch>\n"), enc.encode("x.o/  "))), "bad-archive", 8);
  });
});

describe("error messages name the file", () => {
  it("stamps the path on errors", () => {
    const err = expectError(() => readElf(new Uint8Array(3), { path: "dir/x.o" }), "not-elf");
    expect(err.file).toBe("dir/x.o");
    expect(err.describe()).toContain("dir/x.o");
  });
});
