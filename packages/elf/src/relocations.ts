import { implicitAddend } from "./arch/addend.js";
import { archTable } from "./arch/index.js";
import type { RelocType } from "./arch/types.js";
import { dataView, u64Number } from "./bytes.js";
import { SHF, SHT } from "./constants.js";
import { type ElfErrorCode, fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import { entryCount, type Section, type SectionHeaders } from "./sections.js";

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
  readonly #headers: SectionHeaders;
  readonly #index: number;

  constructor(
    headers: SectionHeaders,
    /** Index of the SHT_REL/SHT_RELA section. */
    index: number,
    /** Index of the section the relocations patch (sh_info), or 0 for dynamic relocations. */
    readonly target: number,
    /** Index of the symbol table (sh_link). */
    readonly symbolTable: number,
    readonly isRela: boolean,
    readonly offsets: Float64Array,
    readonly types: Uint32Array,
    readonly symbols: Uint32Array,
    readonly addends: BigInt64Array,
  ) {
    this.#headers = headers;
    this.#index = index;
  }

  /** The SHT_REL/SHT_RELA section (made when asked: tables are decoded again and again by the diff). */
  get section(): Section {
    return this.#headers.at(this.#index)!;
  }

  get count(): number {
    return this.types.length;
  }

  get(i: number): Relocation {
    return {
      offset: this.offsets[i]!,
      type: this.types[i]!,
      symbol: this.symbols[i]!,
      addend: this.addends[i]!,
    };
  }

  *[Symbol.iterator](): IterableIterator<Relocation> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}

/** Bytes of a file from offset `base` (`bytes[0]` is the file's byte `base`). */
export interface FileWindow {
  readonly bytes: Uint8Array;
  readonly base: number;
}

/**
 * Where the decoder reads a table: bytes `[from, to)` of the file (inside the table, at most `TABLE_PIECE`
 * of them), valid until the next call. An image of the whole file answers with itself; a table left on
 * disk, with a window onto the file (see `deferred.ts`).
 */
export type TableBytes = (from: number, to: number) => FileWindow;

/**
 * The most of a table decoded from one window: a table of 100,000 relocations left on disk is read 64 KiB at
 * a time rather than whole (2.4 MB a side, alive with its decode).
 */
export const TABLE_PIECE = 64 * 1024;
let tablePiece = TABLE_PIECE;

/**
 * Sets the most bytes of a table decoded from one window (at most `TABLE_PIECE`), and returns the old
 * setting. For the tests and the fuzzer: no table of the test objects is larger than one piece.
 */
export function setTablePiece(bytes: number): number {
  const old = tablePiece;
  tablePiece = Math.min(Math.max(1, bytes), TABLE_PIECE);
  return old;
}

const EM_MIPS = 8;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Up to this many entries, the arrays of a relocation table are V8's small on-heap typed arrays. */
const SMALL_TABLE = 8;

/**
 * Decodes a REL/RELA section. `targetBytes` gives the (decompressed) contents of the section being relocated,
 * needed for REL implicit addends and for checking that each relocated field lies inside the target.
 * `symbolCount` is the number of entries of the linked symbol table.
 */
export function readRelocations(
  bytes: TableBytes,
  h: ElfHeader,
  sections: SectionHeaders,
  relIndex: number,
  symbolCount: (tableIndex: number) => number,
  targetBytes: (sectionIndex: number) => Uint8Array,
): RelocationTable {
  // Without a scratch, decode always returns the table.
  const t = decode(bytes, h, sections, relIndex, symbolCount, targetBytes, undefined)!;
  return new RelocationTable(
    sections,
    relIndex,
    t.target,
    t.link,
    t.isRela,
    t.offsets,
    t.types,
    t.symbols,
    t.addends,
  );
}

/**
 * Decodes a REL/RELA section into `scratch`'s arrays instead of new ones (same checks, same errors): for a
 * caller that visits every table once and keeps nothing, as the diff's passes over a whole object do.
 * The arrays are valid until the next decode into the same scratch.
 */
export function readRelocationsInto(
  bytes: TableBytes,
  h: ElfHeader,
  sections: SectionHeaders,
  relIndex: number,
  symbolCount: (tableIndex: number) => number,
  targetBytes: (sectionIndex: number) => Uint8Array,
  scratch: RelocationScratch,
): RelocationScratch {
  decode(bytes, h, sections, relIndex, symbolCount, targetBytes, scratch);
  return scratch;
}

interface Decoded {
  target: number;
  link: number;
  isRela: boolean;
  count: number;
  offsets: Float64Array;
  types: Uint32Array;
  symbols: Uint32Array;
  addends: BigInt64Array;
}

function decode(
  source: TableBytes,
  h: ElfHeader,
  sections: SectionHeaders,
  relIndex: number,
  symbolCount: (tableIndex: number) => number,
  targetBytes: (sectionIndex: number) => Uint8Array,
  scratch: RelocationScratch | undefined,
): Decoded | undefined {
  // The header's fields, read in place into locals: this runs once per relocation section per pass of the
  // diff, hundreds of thousands of times on large objects, so no object and no name unless there is an error.
  const secType = sections.type(relIndex);
  const secOffset = sections.offset(relIndex);
  const secLink = sections.link(relIndex);
  const secInfo = sections.info(relIndex);
  const isRela = secType === SHT.RELA;
  const entsize = h.is64 ? (isRela ? 24 : 16) : isRela ? 12 : 8;
  const count = entryCount(sections, relIndex, entsize, tableName);

  // sh_link: the symbol table (0 is allowed for dynamic relocations without symbols).
  let nsyms = 0;
  if (secLink !== 0) {
    if (!sections.has(secLink))
      failTable(
        sections,
        relIndex,
        "bad-section-link",
        ` links to section ${secLink}, which does not exist`,
        secOffset,
      );
    const linkType = sections.type(secLink);
    if (linkType !== SHT.SYMTAB && linkType !== SHT.DYNSYM) {
      failTable(
        sections,
        relIndex,
        "bad-section-link",
        ` links to section ${secLink}, which is not a symbol table`,
        secOffset,
      );
    }
    nsyms = symbolCount(secLink);
  }
  // sh_info: the section patched. 0 means none (dynamic relocations in executables and shared objects).
  let target: Uint8Array | undefined;
  let targetLength: number | undefined;
  if (secInfo !== 0) {
    const ti = secInfo;
    if (!sections.has(ti))
      failTable(
        sections,
        relIndex,
        "bad-section-link",
        ` applies to section ${ti}, which does not exist`,
        secOffset,
      );
    const tType = sections.type(ti);
    if (!canBeRelocated(tType)) {
      failTable(
        sections,
        relIndex,
        "bad-section-link",
        ` applies to section ${ti} ('${sections.name(ti)}'), which cannot be relocated`,
        secOffset,
      );
    }
    if (tType !== SHT.NOBITS) {
      // RELA needs only the target's length, for the bounds check: for a plain section that is sh_size, so the
      // bytes (a view, or a decompression) are fetched only for REL and for compressed targets.
      if (isRela && (sections.flags(ti) & SHF.COMPRESSED) === 0 && !sections.nameStartsWith(ti, ".zdebug"))
        targetLength = sections.size(ti);
      else {
        target = targetBytes(secInfo);
        targetLength = target.length;
      }
    }
  }
  const relocatable = h.type === 1;

  const arch = archTable(h.machine);
  const mips64le = h.machine === EM_MIPS && h.is64 && h.littleEndian;
  const le = h.littleEndian;
  const is64 = h.is64;
  // The four arrays share one buffer (one allocation instead of four: objects built with -ffunction-sections
  // have tens of thousands of small relocation sections). RELA addends are copied into it as two 32-bit words,
  // without making a bigint for each. Tables of a few entries use small on-heap arrays instead.
  let offsets: Float64Array;
  let types: Uint32Array;
  let syms: Uint32Array;
  let addends: BigInt64Array;
  let addendWords: Uint32Array | undefined;
  if (scratch) {
    scratch.reserve(count);
    offsets = scratch.offsets;
    types = scratch.types;
    syms = scratch.symbols;
    addends = scratch.addends;
    addendWords = scratch.addendWords;
  } else if (count <= SMALL_TABLE) {
    offsets = new Float64Array(count);
    types = new Uint32Array(count);
    syms = new Uint32Array(count);
    addends = new BigInt64Array(count);
  } else {
    const buffer = new ArrayBuffer(count * 24);
    offsets = new Float64Array(buffer, 0, count);
    addends = new BigInt64Array(buffer, count * 8, count);
    addendWords = new Uint32Array(buffer, count * 8, count * 2);
    types = new Uint32Array(buffer, count * 16, count);
    syms = new Uint32Array(buffer, count * 20, count);
  }
  const loWord = HOST_LITTLE_ENDIAN ? 0 : 1;
  const hiWord = 1 - loWord;
  let lastType = -1;
  let lastInfo: RelocType | undefined;
  const piece = Math.max(1, Math.floor(tablePiece / entsize));
  for (let i0 = 0, i1 = Math.min(count, piece); i0 < count; i0 = i1, i1 = Math.min(count, i1 + piece)) {
    const from = secOffset + i0 * entsize;
    const { bytes, base } = source(from, secOffset + i1 * entsize);
    // readSections has checked that the section lies inside the file; checked once a piece, not per field.
    if (from < base || from - base + (i1 - i0) * entsize > bytes.length)
      failTable(sections, relIndex, "truncated", ` runs past the end of the file`, secOffset);
    const dv = dataView(bytes);
    for (let i = i0; i < i1; i++) {
      // `at` in the file (what errors name), `p` in `bytes`.
      const at = secOffset + i * entsize;
      const p = at - base;
      let offset: number;
      let sym: number;
      let type: number;
      if (is64) {
        offset = u64Number(dv, p, le);
        if (mips64le) {
          // MIPS64 little-endian stores r_info as: r_sym (32), r_ssym (8), r_type3 (8), r_type2 (8), r_type (8).
          sym = dv.getUint32(p + 8, le);
          type = bytes[p + 15]! | (bytes[p + 14]! << 8) | (bytes[p + 13]! << 16);
        } else {
          sym = dv.getUint32(p + 8 + (le ? 4 : 0), le);
          type = dv.getUint32(p + 8 + (le ? 0 : 4), le);
        }
      } else {
        offset = dv.getUint32(p, le);
        const info = dv.getUint32(p + 4, le);
        sym = info >>> 8;
        type = info & 0xff;
      }
      if (sym >= nsyms && !(sym === 0 && nsyms === 0)) {
        failTable(
          sections,
          relIndex,
          "bad-relocation",
          `: relocation ${i} names symbol ${sym}, but the symbol table has ${nsyms}`,
          at,
        );
      }
      if (type !== lastType) {
        lastType = type;
        lastInfo =
          arch?.types.get(type) ?? (h.machine === EM_MIPS ? arch?.types.get(type & 0xff) : undefined);
      }
      const width = lastInfo?.width ?? 0;
      if (
        relocatable &&
        targetLength !== undefined &&
        width > 0 &&
        (offset + width > targetLength || offset < 0)
      ) {
        failTable(
          sections,
          relIndex,
          "bad-relocation",
          `: relocation ${i} at offset ${offset} (${width} bytes) is past the end of section ${secInfo} (size ${targetLength})`,
          at,
        );
      }
      if (isRela) {
        if (!addendWords) addends[i] = is64 ? dv.getBigInt64(p + 16, le) : BigInt(dv.getInt32(p + 8, le));
        else if (is64) {
          addendWords[2 * i + loWord] = dv.getUint32(p + 16 + (le ? 0 : 4), le);
          addendWords[2 * i + hiWord] = dv.getUint32(p + 16 + (le ? 4 : 0), le);
        } else {
          const a = dv.getInt32(p + 8, le);
          addendWords[2 * i + loWord] = a >>> 0;
          addendWords[2 * i + hiWord] = a < 0 ? 0xffffffff : 0;
        }
      } else if (relocatable && target && lastInfo && offset + width <= target.length) {
        addends[i] = implicitAddend(lastInfo.addend, target, offset, le);
      } else if (scratch) {
        addends[i] = 0n;
      }
      offsets[i] = offset;
      types[i] = type;
      syms[i] = sym;
    }
  }
  if (scratch) {
    scratch.target = secInfo;
    scratch.count = count;
    return undefined;
  }
  return { target: secInfo, link: secLink, isRela, count, offsets, types, symbols: syms, addends };
}

const NO_OFFSETS = new Float64Array(0);
const NO_WORDS = new Uint32Array(0);
const NO_ADDENDS = new BigInt64Array(0);
const EMPTY_VIEWS: ScratchViews = {
  offsets: NO_OFFSETS,
  types: NO_WORDS,
  symbols: NO_WORDS,
  addends: NO_ADDENDS,
  addendWords: NO_WORDS,
};

/**
 * Arrays lent to `readRelocationsInto`, reused from table to table: exactly `count` long each time (callers
 * search them by their length), from one buffer per size up to `POOLED_SIZES` entries (most tables of an
 * object built with -ffunction-sections have a handful), views of one growing buffer beyond.
 */
export class RelocationScratch {
  target = 0;
  count = 0;
  // Shared empty arrays until the first decode (a scratch is made per object, often for a few tables).
  offsets: Float64Array = NO_OFFSETS;
  types: Uint32Array = NO_WORDS;
  symbols: Uint32Array = NO_WORDS;
  addends: BigInt64Array = NO_ADDENDS;
  /** `addends` as 32-bit words (written without making a bigint per entry). */
  addendWords: Uint32Array = NO_WORDS;
  readonly #bySize: (ScratchViews | undefined)[] = [];
  #big = new ArrayBuffer(0);
  /** Whether the arrays are a table's own buffer, lent for one decode (see `reserve`). */
  #lent = false;

  /** Points the arrays at `count` entries of storage (what the last call lent is no longer valid). */
  reserve(count: number): void {
    let v: ScratchViews;
    this.#lent = false;
    if (count < POOLED_SIZES) {
      v = this.#bySize[count] ??= views(new ArrayBuffer(count * 24), count);
    } else if (count * 24 > BIG_KEPT_BYTES) {
      // Lent, not kept: a scratch lives as long as its object's view, and one pointer table of 400,000
      // entries kept 9 MB per view for the rest of the diff. Such tables are few; each gets its own buffer.
      v = views(new ArrayBuffer(count * 24), count);
      this.#lent = true;
    } else {
      if (this.#big.byteLength < count * 24)
        this.#big = new ArrayBuffer(
          Math.min(BIG_KEPT_BYTES / 24, Math.max(count, (2 * this.#big.byteLength) / 24)) * 24,
        );
      v = views(this.#big, count);
    }
    this.#point(v);
  }

  /**
   * Lets go of a large table's buffer once its decode is no longer needed: the arrays keep pointing at the
   * last decode, and a scratch lives as long as its view (the last of a pass could stay for the whole diff).
   */
  drop(): void {
    if (!this.#lent) return;
    this.#lent = false;
    this.count = 0;
    this.#point(EMPTY_VIEWS);
  }

  #point(v: ScratchViews): void {
    this.offsets = v.offsets;
    this.types = v.types;
    this.symbols = v.symbols;
    this.addends = v.addends;
    this.addendWords = v.addendWords;
  }
}

interface ScratchViews {
  readonly offsets: Float64Array;
  readonly types: Uint32Array;
  readonly symbols: Uint32Array;
  readonly addends: BigInt64Array;
  readonly addendWords: Uint32Array;
}

/** `count` entries of each array over `buffer` (24 bytes an entry; the arrays at fixed fractions of it). */
function views(buffer: ArrayBuffer, count: number): ScratchViews {
  const n = buffer.byteLength / 24;
  return {
    offsets: new Float64Array(buffer, 0, count),
    addends: new BigInt64Array(buffer, n * 8, count),
    addendWords: new Uint32Array(buffer, n * 8, count * 2),
    types: new Uint32Array(buffer, n * 16, count),
    symbols: new Uint32Array(buffer, n * 20, count),
  };
}

/** Table sizes `RelocationScratch` keeps a buffer of its own for. */
const POOLED_SIZES = 64;
/** The most storage a scratch keeps between tables (a multiple of 24: whole entries). */
const BIG_KEPT_BYTES = 24 * 43_690;

/** How errors name a relocation section (its name is read only then). */
function tableName(sections: SectionHeaders, relIndex: number): string {
  return `relocation section '${sections.name(relIndex)}' (section ${relIndex})`;
}

/** Fails with `text` after the table's name (`text` starts with its separator: " links to", ": relocation"). */
function failTable(
  sections: SectionHeaders,
  relIndex: number,
  code: ElfErrorCode,
  text: string,
  offset: number,
): never {
  fail(code, `${tableName(sections, relIndex)}${text}`, offset);
}

function canBeRelocated(type: number): boolean {
  switch (type) {
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
