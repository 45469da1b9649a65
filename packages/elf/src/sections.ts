import { ByteView, dataView, u64Big, u64Big32, u64Number } from "./bytes.js";
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
  readonly headers: SectionHeaders;
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
    return { headers: SectionHeaders.empty(bytes, h), count: 0, shstrndx: 0 };
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
      return { headers: SectionHeaders.empty(bytes, h), count: 0, shstrndx: 0 };
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

  // One pass validates every header (sizes that fit, contents inside the file, names inside the name table)
  // without allocating; the headers are then read from the file's bytes when asked for (`SectionHeaders`).
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
  if (names) {
    for (let i = 0; i < count; i++) {
      const nameOffset = dv.getUint32(h.shoff + i * shentsize, le);
      if (i !== 0 || nameOffset !== 0) names.check(nameOffset);
    }
  }
  return { headers: new SectionHeaders(bytes, h, count, names), count, shstrndx };
}

/**
 * The section header table, read from the file's bytes field by field when asked: no object per section
 * (a `Section` costs more than the 64 bytes of its header, and objects built with -ffunction-sections have
 * hundreds of thousands). `readSections` has validated every header. `at(i)` builds a `Section` for callers
 * that want one; `ElfFile.sections` builds them all, once, for those that want the array.
 */
export class SectionHeaders {
  readonly count: number;
  readonly #dv: DataView;
  readonly #le: boolean;
  readonly #is64: boolean;
  readonly #shoff: number;
  readonly #entsize: number;
  readonly #names: StringTable | undefined;

  constructor(bytes: Uint8Array, h: ElfHeader, count: number, names: StringTable | undefined) {
    this.count = count;
    this.#dv = dataView(bytes);
    this.#le = h.littleEndian;
    this.#is64 = h.is64;
    this.#shoff = h.shoff;
    this.#entsize = entrySize(h.is64);
    this.#names = names;
  }

  static empty(bytes: Uint8Array, h: ElfHeader): SectionHeaders {
    return new SectionHeaders(bytes, h, 0, undefined);
  }

  /** True when `index` names a section of the table. */
  has(index: number): boolean {
    return index >= 0 && index < this.count && Number.isInteger(index);
  }

  /** A `Section` for header `index` (a new object each call), or undefined past the table. */
  at(index: number): Section | undefined {
    if (!this.has(index)) return undefined;
    return {
      index,
      name: this.name(index),
      nameOffset: this.nameOffset(index),
      type: this.type(index),
      flags: this.flags(index),
      address: this.address(index),
      offset: this.offset(index),
      size: this.size(index),
      link: this.link(index),
      info: this.info(index),
      addralign: this.addralign(index),
      entsize: this.entsize(index),
    };
  }

  /** Every header as a `Section`, in index order. */
  all(): Section[] {
    const out = new Array<Section>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i)!;
    return out;
  }

  /** The index of the first section named `name`, or -1 (compares the name table's bytes: no string per section). */
  indexOf(name: string): number {
    const names = this.#names;
    if (!names) return name === "" && this.count > 0 ? 0 : -1;
    for (let i = 0; i < this.count; i++) {
      const off = this.nameOffset(i);
      if (i === 0 && off === 0) {
        if (name === "") return 0;
        continue;
      }
      if (names.equals(off, name)) return i;
    }
    return -1;
  }

  #at(i: number): number {
    return this.#shoff + i * this.#entsize;
  }

  /** True when section `i`'s name starts with `prefix` (ASCII), without making the name. */
  nameStartsWith(i: number, prefix: string): boolean {
    const off = this.nameOffset(i);
    if (!this.#names || (i === 0 && off === 0)) return prefix === "";
    return this.#names.startsWith(off, prefix);
  }

  /** The field at `o64` (ELF64: 8 bytes, as a number) or `o32` (ELF32: 4 bytes) of header `i`. */
  #word(i: number, o64: number, o32: number): number {
    const at = this.#at(i);
    return this.#is64 ? u64Number(this.#dv, at + o64, this.#le) : this.#dv.getUint32(at + o32, this.#le);
  }

  name(i: number): string {
    const off = this.nameOffset(i);
    if (!this.#names || (i === 0 && off === 0)) return "";
    return this.#names.get(off);
  }
  nameOffset(i: number): number {
    return this.#dv.getUint32(this.#at(i), this.#le);
  }
  type(i: number): number {
    return this.#dv.getUint32(this.#at(i) + 4, this.#le);
  }
  flags(i: number): number {
    return this.#word(i, 8, 8);
  }
  address(i: number): bigint {
    return this.#is64
      ? u64Big(this.#dv, this.#at(i) + 16, this.#le)
      : u64Big32(this.#dv.getUint32(this.#at(i) + 12, this.#le));
  }
  offset(i: number): number {
    return this.#word(i, 24, 16);
  }
  size(i: number): number {
    return this.#word(i, 32, 20);
  }
  link(i: number): number {
    return this.#dv.getUint32(this.#at(i) + (this.#is64 ? 40 : 24), this.#le);
  }
  info(i: number): number {
    return this.#dv.getUint32(this.#at(i) + (this.#is64 ? 44 : 28), this.#le);
  }
  addralign(i: number): number {
    return this.#word(i, 48, 32);
  }
  entsize(i: number): number {
    return this.#word(i, 56, 36);
  }
}

export interface RawSection {
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

/** One section header as stored (before extended numbering or names). */
export function readRaw(v: ByteView, at: number, is64: boolean): RawSection {
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
/**
 * The number of entries of table section `index`, once its sh_entsize is checked to be `entsize` and its size
 * a multiple of it. `describe` names the table in the error, made only then (the diff reads relocation tables
 * hundreds of thousands of times).
 */
export function entryCount(
  sections: SectionHeaders,
  index: number,
  entsize: number,
  describe: (sections: SectionHeaders, index: number) => string,
): number {
  const size = sections.size(index);
  const declared = sections.entsize(index);
  if (declared !== entsize)
    fail(
      "bad-entry-size",
      `${describe(sections, index)} has sh_entsize ${declared}, expected ${entsize}`,
      sections.offset(index),
    );
  if (size % entsize !== 0)
    fail(
      "bad-entry-size",
      `${describe(sections, index)} size ${size} is not a multiple of ${entsize}`,
      sections.offset(index),
    );
  return size / entsize;
}

export function sectionHeaderOffset(h: ElfHeader, index: number): number {
  return h.shoff + index * entrySize(h.is64);
}
