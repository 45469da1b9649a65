import { ByteView, u64Big, u64Big32, u64Number } from "./bytes.js";
import { SHN_LORESERVE, SHN_XINDEX, SHT } from "./constants.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import { StringTable } from "./strings.js";

export interface Section {
  readonly index: number;
  readonly name: string;
  /** sh_name, the offset of the name in the section-header string table. */
  readonly nameOffset: number;
  readonly type: number;
  /** sh_flags; every defined flag fits in 32 bits, processor/OS masks included. */
  readonly flags: number;
  readonly address: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

export interface SectionTable {
  readonly sections: readonly Section[];
  /** The real section count and string-table index after extended-numbering resolution. */
  readonly count: number;
  readonly shstrndx: number;
}

/** Largest section count we accept: the format allows 2^32, but the table must fit in the file anyway. */
const entrySize = (is64: boolean) => (is64 ? 64 : 40);

/** Reads every section header (one pass; names resolved from the section-header string table). */
export function readSections(bytes: Uint8Array, h: ElfHeader): SectionTable {
  const v = new ByteView(bytes, h.littleEndian);
  const is64 = h.is64;
  const shentsize = entrySize(is64);
  const shoffField = is64 ? 40 : 32;
  const shstrndxField = is64 ? 62 : 50;

  if (h.shoff === 0) {
    if (h.shnumRaw !== 0) fail("bad-table-offset", `e_shoff is 0 but e_shnum is ${h.shnumRaw}`, shoffField);
    return { sections: [], count: 0, shstrndx: 0 };
  }
  if (h.shentsize !== shentsize) {
    fail(
      "bad-entry-size",
      `e_shentsize is ${h.shentsize}, expected ${shentsize} for ELF${h.class}`,
      is64 ? 58 : 46,
    );
  }
  if (h.shoff >= bytes.length || h.shoff + shentsize > bytes.length) {
    fail(
      "bad-table-offset",
      `section header table at ${h.shoff} is past the end of the file (${bytes.length} bytes)`,
      shoffField,
    );
  }

  // Section 0 carries the real counts when they do not fit in the header (extended numbering).
  const s0 = readRaw(v, h.shoff, is64);
  let count = h.shnumRaw;
  if (count === 0) {
    if (s0.type !== SHT.NULL)
      fail("bad-extended-numbering", "e_shnum is 0 but section 0 is not SHT_NULL", h.shoff);
    if (s0.size === 0) {
      // e_shoff set but no sections at all: readelf treats this as an empty table; so do we.
      return { sections: [], count: 0, shstrndx: 0 };
    }
    if (!Number.isSafeInteger(s0.size) || s0.size < SHN_LORESERVE) {
      fail(
        "bad-extended-numbering",
        `extended section count ${s0.size} in section 0's sh_size is not above 0xff00`,
        h.shoff,
      );
    }
    count = s0.size;
  }
  const tableEnd = h.shoff + count * shentsize;
  if (!Number.isSafeInteger(tableEnd) || tableEnd > bytes.length) {
    fail(
      "bad-table-offset",
      `section header table (${count} entries at ${h.shoff}) runs past the end of the file (${bytes.length} bytes)`,
      h.shoff,
    );
  }
  let shstrndx = h.shstrndxRaw;
  if (shstrndx === SHN_XINDEX) {
    if (s0.type !== SHT.NULL)
      fail("bad-extended-numbering", "e_shstrndx is SHN_XINDEX but section 0 is not SHT_NULL", h.shoff);
    shstrndx = s0.link;
  }
  if (shstrndx !== 0 && shstrndx >= count) {
    fail("bad-section-link", `e_shstrndx ${shstrndx} is out of range (${count} sections)`, shstrndxField);
  }

  // Pass 1 validates every header (sizes that fit, contents inside the file) without allocating; pass 2 builds
  // the Section objects with their names. The error a malformed file gets is the same as with one object per pass.
  const dv = v.view;
  const le = h.littleEndian;
  for (let i = 0; i < count; i++) {
    const at = h.shoff + i * shentsize;
    const type = dv.getUint32(at + 4, le);
    const offset = is64 ? v.u64n(at + 24, "sh_offset") : dv.getUint32(at + 16, le);
    const size = is64 ? v.u64n(at + 32, "sh_size") : dv.getUint32(at + 20, le);
    if (type !== SHT.NOBITS && size > 0) {
      const end = offset + size;
      if (!Number.isSafeInteger(end) || end > bytes.length) {
        fail(
          "bad-section-bounds",
          `section ${i} (offset ${offset}, size ${size}) runs past the end of the file`,
          at,
        );
      }
    }
  }

  let names: StringTable | undefined;
  if (shstrndx !== 0) {
    const sr = readRaw(v, h.shoff + shstrndx * shentsize, is64);
    if (sr.type !== SHT.STRTAB) {
      fail(
        "bad-string-table",
        `e_shstrndx ${shstrndx} names a section that is not a string table`,
        h.shoff + shstrndx * shentsize,
      );
    }
    names = new StringTable(bytes.subarray(sr.offset, sr.offset + sr.size), sr.offset, "section names");
  }

  const sections = new Array<Section>(count);
  for (let i = 0; i < count; i++) {
    const at = h.shoff + i * shentsize;
    const nameOffset = dv.getUint32(at, le);
    let name = "";
    if (names && (i !== 0 || nameOffset !== 0)) name = names.get(nameOffset);
    if (is64) {
      sections[i] = {
        index: i,
        name,
        nameOffset,
        type: dv.getUint32(at + 4, le),
        flags: u64Number(dv, at + 8, le),
        address: u64Big(dv, at + 16, le),
        offset: u64Number(dv, at + 24, le),
        size: u64Number(dv, at + 32, le),
        link: dv.getUint32(at + 40, le),
        info: dv.getUint32(at + 44, le),
        addralign: u64Number(dv, at + 48, le),
        entsize: u64Number(dv, at + 56, le),
      };
    } else {
      sections[i] = {
        index: i,
        name,
        nameOffset,
        type: dv.getUint32(at + 4, le),
        flags: dv.getUint32(at + 8, le),
        address: u64Big32(dv.getUint32(at + 12, le)),
        offset: dv.getUint32(at + 16, le),
        size: dv.getUint32(at + 20, le),
        link: dv.getUint32(at + 24, le),
        info: dv.getUint32(at + 28, le),
        addralign: dv.getUint32(at + 32, le),
        entsize: dv.getUint32(at + 36, le),
      };
    }
  }
  return { sections, count, shstrndx };
}

interface RawSection {
  name: number;
  type: number;
  flags: number;
  address: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

function readRaw(v: ByteView, at: number, is64: boolean): RawSection {
  if (is64) {
    return {
      name: v.u32(at),
      type: v.u32(at + 4),
      flags: Number(v.u64(at + 8)),
      address: v.u64(at + 16),
      offset: v.u64n(at + 24, "sh_offset"),
      size: v.u64n(at + 32, "sh_size"),
      link: v.u32(at + 40),
      info: v.u32(at + 44),
      addralign: Number(v.u64(at + 48)),
      entsize: Number(v.u64(at + 56)),
    };
  }
  return {
    name: v.u32(at),
    type: v.u32(at + 4),
    flags: v.u32(at + 8),
    address: BigInt(v.u32(at + 12)),
    offset: v.u32(at + 16),
    size: v.u32(at + 20),
    link: v.u32(at + 24),
    info: v.u32(at + 28),
    addralign: v.u32(at + 32),
    entsize: v.u32(at + 36),
  };
}

/** File offset of section header `index`, for error messages. */
export function sectionHeaderOffset(h: ElfHeader, index: number): number {
  return h.shoff + index * entrySize(h.is64);
}
