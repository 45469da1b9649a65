import { implicitAddend } from "./arch/addend.js";
import { archTable } from "./arch/index.js";
import type { RelocType } from "./arch/types.js";
import { ByteView } from "./bytes.js";
import { SHT } from "./constants.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import type { Section } from "./sections.js";

export interface Relocation {
  /** r_offset: the offset in the target section (relocatable files) or an address (others). */
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
  /** The explicit addend (RELA) or the implicit one decoded from the relocated bytes (REL). */
  readonly addend: bigint;
}

/**
 * One REL or RELA section, decoded into parallel typed arrays: a million relocations cost four arrays, not a
 * million objects. `get(i)` builds an object when a caller wants one.
 */
export class RelocationTable {
  constructor(
    /** The SHT_REL/SHT_RELA section. */
    readonly section: Section,
    /** Index of the section the relocations patch (sh_info), or 0 for dynamic relocations. */
    readonly target: number,
    /** Index of the symbol table (sh_link). */
    readonly symbolTable: number,
    readonly isRela: boolean,
    readonly offsets: Float64Array,
    readonly types: Uint32Array,
    readonly symbols: Uint32Array,
    readonly addends: BigInt64Array,
  ) {}

  get count(): number {
    return this.types.length;
  }

  get(i: number): Relocation {
    return { offset: this.offsets[i]!, type: this.types[i]!, symbol: this.symbols[i]!, addend: this.addends[i]! };
  }

  *[Symbol.iterator](): IterableIterator<Relocation> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}

const EM_MIPS = 8;

/**
 * Decodes a REL/RELA section. `targetBytes` gives the (decompressed) contents of the section being relocated,
 * needed for REL implicit addends and for checking that each relocated field lies inside the target.
 * `symbolCount` is the number of entries of the linked symbol table.
 */
export function readRelocations(
  bytes: Uint8Array,
  h: ElfHeader,
  sections: readonly Section[],
  relIndex: number,
  symbolCount: (tableIndex: number) => number,
  targetBytes: (sectionIndex: number) => Uint8Array,
): RelocationTable {
  const sec = sections[relIndex]!;
  const isRela = sec.type === SHT.RELA;
  const entsize = h.is64 ? (isRela ? 24 : 16) : isRela ? 12 : 8;
  const what = `relocation section '${sec.name}' (section ${relIndex})`;
  if (sec.entsize !== entsize) fail("bad-entry-size", `${what} has sh_entsize ${sec.entsize}, expected ${entsize}`, sec.offset);
  if (sec.size % entsize !== 0) fail("bad-entry-size", `${what} size ${sec.size} is not a multiple of ${entsize}`, sec.offset);
  const count = sec.size / entsize;

  // sh_link: the symbol table (0 is allowed for dynamic relocations without symbols).
  let nsyms = 0;
  if (sec.link !== 0) {
    const link = sections[sec.link];
    if (!link) fail("bad-section-link", `${what} links to section ${sec.link}, which does not exist`, sec.offset);
    if (link.type !== SHT.SYMTAB && link.type !== SHT.DYNSYM) {
      fail("bad-section-link", `${what} links to section ${sec.link}, which is not a symbol table`, sec.offset);
    }
    nsyms = symbolCount(sec.link);
  }
  // sh_info: the section patched. 0 means none (dynamic relocations in executables and shared objects).
  let target: Uint8Array | undefined;
  if (sec.info !== 0) {
    const t = sections[sec.info];
    if (!t) fail("bad-section-link", `${what} applies to section ${sec.info}, which does not exist`, sec.offset);
    if (!canBeRelocated(t)) {
      fail("bad-section-link", `${what} applies to section ${sec.info} ('${t.name}'), which cannot be relocated`, sec.offset);
    }
    if (t.type !== SHT.NOBITS) target = targetBytes(sec.info);
  }
  const relocatable = h.type === 1;

  const arch = archTable(h.machine);
  const mips64le = h.machine === EM_MIPS && h.is64 && h.littleEndian;
  const v = new ByteView(bytes, h.littleEndian);
  const offsets = new Float64Array(count);
  const types = new Uint32Array(count);
  const syms = new Uint32Array(count);
  const addends = new BigInt64Array(count);
  let lastType = -1;
  let lastInfo: RelocType | undefined;
  for (let i = 0; i < count; i++) {
    const at = sec.offset + i * entsize;
    let offset: number;
    let sym: number;
    let type: number;
    if (h.is64) {
      offset = Number(v.u64(at));
      if (mips64le) {
        // MIPS64 little-endian stores r_info as: r_sym (32), r_ssym (8), r_type3 (8), r_type2 (8), r_type (8).
        sym = v.u32(at + 8);
        type = bytes[at + 15]! | (bytes[at + 14]! << 8) | (bytes[at + 13]! << 16);
      } else {
        const hi = v.u32(at + 8 + (h.littleEndian ? 4 : 0));
        const lo = v.u32(at + 8 + (h.littleEndian ? 0 : 4));
        sym = hi;
        type = lo;
      }
    } else {
      offset = v.u32(at);
      const info = v.u32(at + 4);
      sym = info >>> 8;
      type = info & 0xff;
    }
    if (sym >= nsyms && !(sym === 0 && nsyms === 0)) {
      fail("bad-relocation", `${what}: relocation ${i} names symbol ${sym}, but the symbol table has ${nsyms}`, at);
    }
    if (type !== lastType) {
      lastType = type;
      lastInfo = arch?.types.get(type) ?? (h.machine === EM_MIPS ? arch?.types.get(type & 0xff) : undefined);
    }
    const width = lastInfo?.width ?? 0;
    if (relocatable && target && width > 0 && (offset + width > target.length || offset < 0)) {
      fail(
        "bad-relocation",
        `${what}: relocation ${i} at offset ${offset} (${width} bytes) is past the end of section ${sec.info} (size ${target.length})`,
        at,
      );
    }
    let addend: bigint;
    if (isRela) addend = h.is64 ? v.i64(at + 16) : BigInt(v.i32(at + 8));
    else if (relocatable && target && lastInfo && offset + width <= target.length) {
      addend = implicitAddend(lastInfo.addend, target, offset, h.littleEndian);
    } else addend = 0n;
    offsets[i] = offset;
    types[i] = type;
    syms[i] = sym;
    addends[i] = addend;
  }
  return new RelocationTable(sec, sec.info, sec.link, isRela, offsets, types, syms, addends);
}

function canBeRelocated(t: Section): boolean {
  switch (t.type) {
    case SHT.NULL:
    case SHT.SYMTAB:
    case SHT.DYNSYM:
    case SHT.STRTAB:
    case SHT.REL:
    case SHT.RELA:
    case SHT.GROUP:
    case SHT.SYMTAB_SHNDX:
      return false;
    default:
      return true;
  }
}
