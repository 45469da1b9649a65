import { ByteView, u64Big, u64Big32, u64Number } from "./bytes.js";
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT } from "./constants.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import { entryCount, type Section, type SectionHeaders } from "./sections.js";
import { StringTable } from "./strings.js";

export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: bigint;
  readonly size: number;
  /** STT_* */
  readonly type: number;
  /** STB_* */
  readonly bind: number;
  /** st_other, whole (visibility in the low 2 bits; PowerPC64 ELFv2 local entry in bits 5-7). */
  readonly other: number;
  /** st_shndx as stored (SHN_XINDEX when the real index is in SYMTAB_SHNDX). */
  readonly shndxRaw: number;
  /**
   * The section the symbol is defined in: a real section index, or one of the reserved values
   * SHN_UNDEF (0), SHN_ABS (0xfff1), SHN_COMMON (0xfff2) and other reserved values as stored.
   */
  readonly shndx: number;
}

/**
 * True for a symbol defined in a real section: not UND, ABS, COMMON or another reserved index, but
 * SHN_XINDEX (whose real index is in SYMTAB_SHNDX). `shndx` as resolved, `shndxRaw` as stored.
 */
export function isDefinedIn(shndx: number, shndxRaw: number): boolean {
  return (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE) || shndxRaw === SHN_XINDEX;
}

export interface SymbolTable {
  readonly section: Section;
  readonly symbols: readonly ElfSymbol[];
  /** sh_info: index of the first non-local symbol. */
  readonly firstGlobal: number;
}

/**
 * Decodes a whole SYMTAB or DYNSYM section into objects. `SymbolView` reads the same fields from the file's
 * bytes without an object per symbol.
 */
export function readSymbolTable(
  bytes: Uint8Array,
  h: ElfHeader,
  sections: SectionHeaders,
  tableIndex: number,
): SymbolTable {
  return symbolTableOf(new SymbolView(bytes, h, sections, tableIndex), sections);
}

/** Every entry of an (already validated) view as an `ElfSymbol`. */
export function symbolTableOf(view: SymbolView, sections: SectionHeaders): SymbolTable {
  const symbols = new Array<ElfSymbol>(view.count);
  for (let i = 0; i < view.count; i++) symbols[i] = view.symbol(i);
  return { section: sections.at(view.tableIndex)!, symbols, firstGlobal: view.firstGlobal };
}

/** How errors name a symbol table. */
function symbolTableName(sections: SectionHeaders, index: number): string {
  return `symbol table '${sections.name(index)}' (section ${index})`;
}

/**
 * A SYMTAB or DYNSYM section whose entries are read from the file's bytes when asked for: no object per
 * symbol (an `ElfSymbol` costs several times the 24 bytes of its entry). The constructor validates every
 * entry (section indexes, SHN_XINDEX, name offsets) in one pass, so the accessors cannot fail; `symbol(i)`
 * builds an `ElfSymbol` for callers that want one. The count comes from sh_size, which `readSections` has
 * already checked against the file size.
 */
export class SymbolView {
  readonly count: number;
  /** sh_info: index of the first non-local symbol. */
  readonly firstGlobal: number;
  /** The SYMTAB/DYNSYM section's index. */
  readonly tableIndex: number;
  readonly #bytes: Uint8Array;
  readonly #dv: DataView;
  readonly #le: boolean;
  readonly #is64: boolean;
  readonly #base: number;
  readonly #entsize: number;
  readonly #strings: StringTable;
  /** The SYMTAB_SHNDX entries, when the table has SHN_XINDEX symbols. */
  readonly #xindex: DataView | undefined;

  constructor(bytes: Uint8Array, h: ElfHeader, sections: SectionHeaders, tableIndex: number) {
    const entsize = h.is64 ? 24 : 16;
    const secOffset = sections.offset(tableIndex);
    const secLink = sections.link(tableIndex);
    const secInfo = sections.info(tableIndex);
    const what = symbolTableName(sections, tableIndex);
    const count = entryCount(sections, tableIndex, entsize, symbolTableName);
    if (secLink === 0 || secLink >= sections.count) {
      fail("bad-section-link", `${what} links to string table ${secLink}, which does not exist`, secOffset);
    }
    if (sections.type(secLink) !== SHT.STRTAB) {
      fail("bad-section-link", `${what} links to section ${secLink}, which is not a string table`, secOffset);
    }
    if (secInfo > count)
      fail(
        "bad-symbol",
        `${what}: first global index ${secInfo} is above the symbol count ${count}`,
        secOffset,
      );
    const strOffset = sections.offset(secLink);
    const strings = new StringTable(
      bytes.subarray(strOffset, strOffset + sections.size(secLink)),
      strOffset,
      `${what} names`,
    );
    const v = new ByteView(bytes, h.littleEndian);
    // readSections has checked that the table lies inside the file; check again once here rather than per field.
    if (count > 0) v.check(secOffset, count * entsize, what);
    this.count = count;
    this.firstGlobal = secInfo;
    this.tableIndex = tableIndex;
    this.#bytes = bytes;
    this.#dv = v.view;
    this.#le = h.littleEndian;
    this.#is64 = h.is64;
    this.#base = secOffset;
    this.#entsize = entsize;
    this.#strings = strings;

    // SYMTAB_SHNDX: the section whose sh_link names this table holds the real indexes for SHN_XINDEX symbols.
    const dv = v.view;
    const le = h.littleEndian;
    const nstr = strings.bytes.length;
    const nsec = sections.count;
    const shndxAt = h.is64 ? 6 : 14;
    let xindex: DataView | undefined;
    let xcount = 0;
    for (let i = 0; i < count; i++) {
      const at = secOffset + i * entsize;
      const shndxRaw = dv.getUint16(at + shndxAt, le);
      if (shndxRaw === SHN_XINDEX) {
        if (!xindex) {
          const found = findShndxSection(sections, tableIndex);
          if (found < 0)
            fail(
              "bad-symbol-section",
              `${what}: symbol ${i} uses SHN_XINDEX but no SYMTAB_SHNDX section exists`,
              at,
            );
          const xo = sections.offset(found);
          const xs = sections.size(found);
          xindex = new DataView(bytes.buffer, bytes.byteOffset + xo, xs);
          xcount = Math.floor(xs / 4);
        }
        if (i >= xcount) fail("bad-symbol-section", `${what}: SYMTAB_SHNDX is too short for symbol ${i}`, at);
        const shndx = xindex.getUint32(i * 4, le);
        if (shndx >= nsec) {
          fail("bad-symbol-section", `${what}: symbol ${i} is in section ${shndx}, which does not exist`, at);
        }
      } else if (shndxRaw !== SHN_UNDEF && shndxRaw < SHN_LORESERVE && shndxRaw >= nsec) {
        fail(
          "bad-symbol-section",
          `${what}: symbol ${i} is in section ${shndxRaw}, which does not exist`,
          at + shndxAt,
        );
      }
      const nameOff = dv.getUint32(at, le);
      if (nameOff !== 0) {
        if (nameOff >= nstr) {
          fail(
            "bad-string-offset",
            `${what}: symbol ${i} name offset ${nameOff} is past the end of its string table`,
            at,
          );
        }
        strings.check(nameOff);
      }
    }
    this.#xindex = xindex;
  }

  #at(i: number): number {
    return this.#base + i * this.#entsize;
  }

  name(i: number): string {
    const off = this.nameOffset(i);
    return off === 0 ? "" : this.#strings.get(off);
  }
  /** st_name: the offset of the name in the linked string table. */
  nameOffset(i: number): number {
    return this.#dv.getUint32(this.#at(i), this.#le);
  }
  value(i: number): bigint {
    return this.#is64
      ? u64Big(this.#dv, this.#at(i) + 8, this.#le)
      : u64Big32(this.#dv.getUint32(this.#at(i) + 4, this.#le));
  }
  /** st_value as a number (exact below 2^53; objects' values are section offsets). */
  valueNumber(i: number): number {
    return this.#is64
      ? u64Number(this.#dv, this.#at(i) + 8, this.#le)
      : this.#dv.getUint32(this.#at(i) + 4, this.#le);
  }
  size(i: number): number {
    return this.#is64
      ? u64Number(this.#dv, this.#at(i) + 16, this.#le)
      : this.#dv.getUint32(this.#at(i) + 8, this.#le);
  }
  /** st_info. */
  info(i: number): number {
    return this.#bytes[this.#at(i) + (this.#is64 ? 4 : 12)]!;
  }
  /** STT_* */
  type(i: number): number {
    return this.info(i) & 0xf;
  }
  /** STB_* */
  bind(i: number): number {
    return this.info(i) >> 4;
  }
  other(i: number): number {
    return this.#bytes[this.#at(i) + (this.#is64 ? 5 : 13)]!;
  }
  shndxRaw(i: number): number {
    return this.#dv.getUint16(this.#at(i) + (this.#is64 ? 6 : 14), this.#le);
  }
  /** The section the symbol is defined in (see `ElfSymbol.shndx`). */
  shndx(i: number): number {
    const raw = this.shndxRaw(i);
    if (raw !== SHN_XINDEX || !this.#xindex) return raw;
    return this.#xindex.getUint32(i * 4, this.#le);
  }

  /** An `ElfSymbol` for entry `i` (a new object each call). */
  symbol(i: number): ElfSymbol {
    const info = this.info(i);
    return {
      index: i,
      name: this.name(i),
      value: this.value(i),
      size: this.size(i),
      type: info & 0xf,
      bind: info >> 4,
      other: this.other(i),
      shndxRaw: this.shndxRaw(i),
      shndx: this.shndx(i),
    };
  }
}

function findShndxSection(sections: SectionHeaders, tableIndex: number): number {
  for (let i = 0; i < sections.count; i++)
    if (sections.type(i) === SHT.SYMTAB_SHNDX && sections.link(i) === tableIndex) return i;
  return -1;
}
