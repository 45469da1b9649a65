import { ByteView, u64Big, u64Big32, u64Number } from "./bytes.js";
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT } from "./constants.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import type { Section } from "./sections.js";
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

export interface SymbolTable {
  readonly section: Section;
  readonly symbols: readonly ElfSymbol[];
  /** sh_info: index of the first non-local symbol. */
  readonly firstGlobal: number;
}

/**
 * Decodes a whole SYMTAB or DYNSYM section. Called lazily by `ElfFile` the first time symbols are asked for.
 * The count comes from sh_size, which `readSections` has already checked against the file size.
 */
export function readSymbolTable(
  bytes: Uint8Array,
  h: ElfHeader,
  sections: readonly Section[],
  tableIndex: number,
): SymbolTable {
  const sec = sections[tableIndex]!;
  const entsize = h.is64 ? 24 : 16;
  const what = `symbol table '${sec.name}' (section ${tableIndex})`;
  if (sec.entsize !== entsize)
    fail("bad-entry-size", `${what} has sh_entsize ${sec.entsize}, expected ${entsize}`, sec.offset);
  if (sec.size % entsize !== 0)
    fail("bad-entry-size", `${what} size ${sec.size} is not a multiple of ${entsize}`, sec.offset);
  const count = sec.size / entsize;
  if (sec.link === 0 || sec.link >= sections.length) {
    fail("bad-section-link", `${what} links to string table ${sec.link}, which does not exist`, sec.offset);
  }
  const strSec = sections[sec.link]!;
  if (strSec.type !== SHT.STRTAB) {
    fail("bad-section-link", `${what} links to section ${sec.link}, which is not a string table`, sec.offset);
  }
  if (sec.info > count)
    fail(
      "bad-symbol",
      `${what}: first global index ${sec.info} is above the symbol count ${count}`,
      sec.offset,
    );
  const strings = new StringTable(
    bytes.subarray(strSec.offset, strSec.offset + strSec.size),
    strSec.offset,
    `${what} names`,
  );

  // SYMTAB_SHNDX: the section whose sh_link names this table holds the real indexes for SHN_XINDEX symbols.
  let shndxView: ByteView | undefined;
  let shndxCount = 0;
  const v = new ByteView(bytes, h.littleEndian);
  // readSections has checked that the table lies inside the file; check again once here rather than per field.
  if (count > 0) v.check(sec.offset, count * entsize, what);
  const dv = v.view;
  const le = h.littleEndian;
  const nstr = strings.bytes.length;
  const nsec = sections.length;
  const symbols = new Array<ElfSymbol>(count);
  for (let i = 0; i < count; i++) {
    const at = sec.offset + i * entsize;
    const nameOff = dv.getUint32(at, le);
    let value: bigint;
    let size: number;
    let info: number;
    let other: number;
    let shndxRaw: number;
    if (h.is64) {
      info = bytes[at + 4]!;
      other = bytes[at + 5]!;
      shndxRaw = dv.getUint16(at + 6, le);
      value = u64Big(dv, at + 8, le);
      size = u64Number(dv, at + 16, le);
    } else {
      value = u64Big32(dv.getUint32(at + 4, le));
      size = dv.getUint32(at + 8, le);
      info = bytes[at + 12]!;
      other = bytes[at + 13]!;
      shndxRaw = dv.getUint16(at + 14, le);
    }
    let shndx = shndxRaw;
    if (shndxRaw === SHN_XINDEX) {
      if (!shndxView) {
        const found = findShndxSection(sections, tableIndex);
        if (!found)
          fail(
            "bad-symbol-section",
            `${what}: symbol ${i} uses SHN_XINDEX but no SYMTAB_SHNDX section exists`,
            at,
          );
        shndxView = new ByteView(
          bytes.subarray(found.offset, found.offset + found.size),
          h.littleEndian,
          found.offset,
        );
        shndxCount = Math.floor(found.size / 4);
      }
      if (i >= shndxCount)
        fail("bad-symbol-section", `${what}: SYMTAB_SHNDX is too short for symbol ${i}`, at);
      shndx = shndxView.u32(i * 4);
      if (shndx >= nsec) {
        fail("bad-symbol-section", `${what}: symbol ${i} is in section ${shndx}, which does not exist`, at);
      }
    } else if (shndxRaw !== SHN_UNDEF && shndxRaw < SHN_LORESERVE && shndxRaw >= nsec) {
      fail(
        "bad-symbol-section",
        `${what}: symbol ${i} is in section ${shndxRaw}, which does not exist`,
        at + (h.is64 ? 6 : 14),
      );
    }
    let name = "";
    if (nameOff !== 0) {
      if (nameOff >= nstr) {
        fail(
          "bad-string-offset",
          `${what}: symbol ${i} name offset ${nameOff} is past the end of its string table`,
          at,
        );
      }
      name = strings.get(nameOff);
    }
    symbols[i] = { index: i, name, value, size, type: info & 0xf, bind: info >> 4, other, shndxRaw, shndx };
  }
  return { section: sec, symbols, firstGlobal: sec.info };
}

function findShndxSection(sections: readonly Section[], tableIndex: number): Section | undefined {
  for (const s of sections) if (s.type === SHT.SYMTAB_SHNDX && s.link === tableIndex) return s;
  return undefined;
}
