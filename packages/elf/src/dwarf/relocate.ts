import { implicitAddend } from "../arch/addend.js";
import { archTable } from "../arch/index.js";
import type { ArchTable, RelocType } from "../arch/types.js";
import { SHT } from "../constants.js";
import type { ElfFile } from "../elf.js";
import { ElfError, type ElfErrorCode } from "../errors.js";
import type { Section } from "../sections.js";
import { type ElfSymbol, isDefinedIn } from "../symbols.js";
import { decodeString, MAX_NAME_OFFSET, NameTable, toBigInt } from "./leb.js";

/** What the reader uses of Node's Buffer, when it runs on Node: a copy-free string decoder over a byte range. */
interface TextSlicer {
  utf8Slice(start: number, end: number): string;
}
const NodeBuffer = (
  globalThis as unknown as {
    Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): TextSlicer };
  }
).Buffer;

/**
 * One debug section as the DWARF reader sees it: the (decompressed) bytes, read in place, plus the relocations
 * that the linker would have applied. In a relocatable object `.debug_info` holds zeros (RELA) or bare addends
 * (REL) where offsets into `.debug_str`, `.debug_line`, … and code addresses go; the real values are only known
 * after relocation. Instead of copying the section and patching it, the relocations are resolved once into a
 * sorted index from section offset to the value the field would hold after linking (every section placed at
 * address 0), and the width-specific readers consult it. Reads come mostly in offset order, so a lookup is
 * usually one comparison at a cursor; linked files have no index at all.
 */
export class DebugSection {
  readonly view: DataView;
  readonly length: number;
  /** The resolved relocations; undefined when nothing in the section is relocated. */
  readonly relocs: Relocations | undefined;
  /** The section index the last `address()` call resolved to, or -1 when unknown. */
  lastSection = -1;
  readonly #text: TextSlicer | undefined;
  #names: NameTable | undefined;

  constructor(
    readonly name: string,
    /** ELF section index, or -1 for a synthetic/empty section. */
    readonly index: number,
    readonly bytes: Uint8Array,
    readonly le: boolean,
    /** File offset of the section's bytes (for messages); undefined when the section was decompressed. */
    readonly fileOffset: number | undefined,
    rel?: Relocations,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.length;
    this.relocs = rel;
    this.#text = NodeBuffer?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Bytes [start, stop) decoded as UTF-8. A string section that is all ASCII (the usual case) is decoded once
   * into one JS string, and each name is a substring of it: V8 makes that a cheap slice or a short copy,
   * where decoding each name from bytes costs a native call apiece.
   */
  text(start: number, stop: number): string {
    if (this.#whole === undefined) this.#whole = this.#decodeWhole();
    if (this.#whole !== null) return this.#whole.substring(start, stop);
    const b = this.bytes;
    switch (stop - start) {
      case 0:
        return "";
      case 1:
        // V8 keeps one string per character code already.
        if (b[start]! < 0x80) return String.fromCharCode(b[start]!);
        break;
      case 2:
        if ((b[start]! | b[start + 1]!) < 0x80) return String.fromCharCode(b[start]!, b[start + 1]!);
        break;
      case 3:
        if ((b[start]! | b[start + 1]! | b[start + 2]!) < 0x80)
          return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!);
        break;
    }
    const t = this.#text;
    return t !== undefined ? t.utf8Slice(start, stop) : decodeString(b, start, stop);
  }

  /**
   * The name in bytes [start, stop), NUL-terminated at `stop`, whose FNV-1a hash is `h` (see `stringAt`): one
   * string for equal names, as far as the section's `NameTable` remembers them. Names of one character are
   * shared by V8 already.
   */
  intern(start: number, stop: number, h: number): string {
    if (stop - start < 2 || start >= MAX_NAME_OFFSET) return this.text(start, stop);
    this.#names ??= new NameTable();
    const names = this.#names;
    let s = names.find(this.bytes, start, stop, h);
    if (s === undefined) {
      s = this.text(start, stop);
      names.add(start, h, s);
    }
    return s;
  }

  #whole: string | null | undefined;

  /** The whole section as one string when it is a string section holding only ASCII; otherwise null. */
  #decodeWhole(): string | null {
    if (!this.stringSection) return null;
    const b = this.bytes;
    for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return null;
    // ASCII is its own UTF-8: Node decodes it in one call, without the chunks below (`apply` copies each into
    // an argument list of eight bytes per character).
    if (this.#text !== undefined) return this.#text.utf8Slice(0, b.length);
    const parts: string[] = [];
    for (let i = 0; i < b.length; i += 8192) {
      parts.push(
        String.fromCharCode.apply(null, b.subarray(i, Math.min(b.length, i + 8192)) as unknown as number[]),
      );
    }
    return parts.join("");
  }

  /** True for `.debug_str`-like sections, worth decoding whole. */
  get stringSection(): boolean {
    return this.name.endsWith("str");
  }

  static empty(name: string, le: boolean): DebugSection {
    return new DebugSection(name, -1, new Uint8Array(0), le, undefined);
  }

  /** Throws a typed error that names this section and the offset in it. */
  fail(code: ElfErrorCode, message: string, offset: number): never {
    const where = `${this.name}+0x${offset.toString(16)}`;
    const fileOffset = this.fileOffset === undefined ? offset : this.fileOffset + offset;
    throw new ElfError(
      code,
      `${message} (${where}${this.fileOffset === undefined ? ", decompressed" : ""})`,
      fileOffset,
    );
  }

  check(o: number, n: number, end: number = this.length): void {
    if (o < 0 || o + n > end) {
      this.fail(
        "truncated",
        `read of ${n} bytes at 0x${o.toString(16)} runs past the end of the data (0x${end.toString(16)})`,
        o,
      );
    }
  }

  u8(o: number): number {
    if (o >= this.length || o < 0) this.check(o, 1);
    return this.bytes[o]!;
  }
  u16(o: number): number {
    this.check(o, 2);
    return this.view.getUint16(o, this.le);
  }
  u24(o: number): number {
    this.check(o, 3);
    const b = this.bytes;
    return this.le
      ? b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)
      : (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }
  u32(o: number): number {
    this.check(o, 4);
    return this.view.getUint32(o, this.le);
  }
  /** A 64-bit value as a number; values above 2^53 lose precision (callers use `u64big` where that matters). */
  u64(o: number): number {
    this.check(o, 8);
    const lo = this.view.getUint32(o + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(o + (this.le ? 4 : 0), this.le);
    return hi * 0x1_0000_0000 + lo;
  }
  u64big(o: number): bigint {
    this.check(o, 8);
    return this.view.getBigUint64(o, this.le);
  }
  /** An unsigned field of `size` bytes (1, 2, 3, 4 or 8) without relocation. */
  uN(o: number, size: number): number {
    switch (size) {
      case 1:
        return this.u8(o);
      case 2:
        return this.u16(o);
      case 3:
        return this.u24(o);
      case 4:
        return this.u32(o);
      case 8:
        return this.u64(o);
      default:
        return this.fail("bad-dwarf", `unsupported field size ${size}`, o);
    }
  }

  /**
   * A section offset or other 4/8-byte field that a relocation may target (DW_FORM_strp, sec_offset, ref_addr,
   * .debug_str_offsets entries, ...): the relocated value when there is a relocation at `o`.
   */
  offset(o: number, size: number): number {
    const m = this.relocs;
    if (m !== undefined) {
      const slot = m.find(o);
      if (slot >= 0) {
        this.check(o, size);
        return m.value(slot);
      }
    }
    return size === 4 ? this.u32(o) : this.uN(o, size);
  }

  /** The section index a relocation at `o` resolved against, or -1. */
  targetSection(o: number): number {
    const slot = this.relocs === undefined ? -1 : this.relocs.find(o);
    return slot < 0 ? -1 : this.relocs!.section(slot);
  }

  /**
   * An address of `size` bytes: relocated when a relocation targets it (then `lastSection` is the section of
   * the symbol it was resolved against), as stored otherwise (then `lastSection` is -1).
   */
  address(o: number, size: number): bigint {
    const slot = this.relocs === undefined ? -1 : this.relocs.find(o);
    if (slot >= 0) {
      this.check(o, size);
      this.lastSection = this.relocs!.section(slot);
      const v = this.relocs!.value(slot);
      // Relocated values are small non-negative integers in practice; only odd ones need the general path.
      return v >= 0 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v)
        ? toBigInt(v)
        : BigInt.asUintN(size * 8, BigInt(Math.trunc(v)));
    }
    this.lastSection = -1;
    if (size === 8) {
      this.check(o, 8);
      // Through numbers while the high word is 0, so that small values come from the shared BigInts.
      if (this.view.getUint32(o + (this.le ? 4 : 0), this.le) === 0)
        return toBigInt(this.view.getUint32(o + (this.le ? 0 : 4), this.le));
      return this.view.getBigUint64(o, this.le);
    }
    return toBigInt(this.uN(o, size));
  }

  /** True when a relocation (ULEB128 kinds included) targets offset `o`. */
  isRelocated(o: number): boolean {
    return this.relocs !== undefined && this.relocs.find(o) >= 0;
  }
  /** The relocated value at `o` (the caller checked `isRelocated`). */
  relocatedValue(o: number): number {
    return this.relocs!.value(this.relocs!.find(o));
  }
}

/**
 * A column of non-negative integers below 2^32 when every entry is one (offsets in a section under 4 GiB,
 * values of nearly every relocation), else of doubles: half the bytes for the usual index, which the reader
 * keeps for each relocated section until the subprograms are read (800,000 entries for `.debug_info` alone
 * of an object of 100,000 functions).
 */
export type NumColumn = Uint32Array | Float64Array;

/**
 * The relocations of one section as the reader consults them: found by the offset of the field they patch,
 * then asked for the field's final value and the section of their symbol.
 */
export interface Relocations {
  /** The slot of the relocation at exactly `o`, or -1. */
  find(o: number): number;
  /** The value the field of `slot` (from `find`) holds after linking. */
  value(slot: number): number;
  /** The section the symbol of `slot` lies in, or -1 (differences and undefined symbols). */
  section(slot: number): number;
}

/**
 * `find` over relocations kept in strictly increasing offset order, slot by slot, with a cursor: the DIE walker
 * reads forwards, so the next relocation is usually the one at the cursor, or a few after it.
 */
abstract class OffsetOrdered implements Relocations {
  private cursor = 0;
  abstract readonly count: number;
  /** The offset of the field `slot` patches. */
  protected abstract offsetAt(slot: number): number;
  abstract value(slot: number): number;
  abstract section(slot: number): number;

  /** The slot of the relocation at exactly `o`, or -1. */
  find(o: number): number {
    const n = this.count;
    let c = this.cursor;
    for (let k = 0; k < 8 && c < n; k++, c++) {
      const x = this.offsetAt(c);
      if (x === o) {
        this.cursor = c + 1;
        return c;
      }
      if (x > o) {
        if (k > 0 || c === 0 || this.offsetAt(c - 1) < o) {
          this.cursor = c;
          return -1;
        }
        break;
      }
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsetAt(mid) < o) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && this.offsetAt(lo) === o) {
      this.cursor = lo + 1;
      return lo;
    }
    this.cursor = lo;
    return -1;
  }
}

/**
 * Resolved relocations of one section: strictly increasing offsets with the final value of each field and the
 * section its symbol lies in (-1 for differences and undefined symbols).
 */
export class RelocIndex extends OffsetOrdered {
  readonly count: number;
  constructor(
    readonly offsets: NumColumn,
    readonly values: NumColumn,
    readonly sections: Int32Array,
  ) {
    super();
    this.count = offsets.length;
  }

  protected offsetAt(slot: number): number {
    return this.offsets[slot]!;
  }

  value(slot: number): number {
    return this.values[slot]!;
  }

  section(slot: number): number {
    return this.sections[slot]!;
  }
}

/** How a relocation type changes the field it targets. */
enum Op {
  None,
  /** S + A */
  Abs,
  /** S + A - P */
  PcRel,
  /** field + (S + A) */
  Add,
  /** field - (S + A) */
  Sub,
  /** S + A, written into the field (RISC-V SET*) */
  Set,
}

interface RelocKind {
  readonly op: Op;
  /** Bits of the field: 6 (low six bits of a byte), 8, 16, 24, 32, 64; 0 for ULEB128 fields. */
  readonly bits: number;
  readonly uleb: boolean;
}

const NONE_KIND: RelocKind = { op: Op.None, bits: 0, uleb: false };

/** Classifies a relocation type by its psABI name; the names of the read-modify-write kinds are regular. */
function classify(t: RelocType): RelocKind {
  const name = t.name;
  const m = /_(ADD|SUB|SET)(6|8|16|24|32|64)$/.exec(name);
  if (m)
    return {
      op: m[1] === "ADD" ? Op.Add : m[1] === "SUB" ? Op.Sub : Op.Set,
      bits: Number(m[2]),
      uleb: false,
    };
  const u = /_(ADD|SUB|SET)_ULEB128$/.exec(name);
  if (u) return { op: u[1] === "ADD" ? Op.Add : u[1] === "SUB" ? Op.Sub : Op.Set, bits: 0, uleb: true };
  if (t.width === 0 || name.endsWith("_NONE")) return NONE_KIND;
  return { op: t.pcRelative ? Op.PcRel : Op.Abs, bits: t.width * 8, uleb: false };
}

/** Hard bound on relocations per debug section; beyond it the input is not a plausible object. */
const MAX_RELOCS = 50_000_000;
const EM_MIPS = 8;

/**
 * Resolves every relocation that patches section `target` (already decompressed into `bytes`) into a map from
 * offset to final value. Returns undefined when no relocation section applies to it (linked files).
 *
 * The entries are decoded here, straight from the REL/RELA section bytes, rather than through
 * `ElfFile.relocationsFor`: that builds a BigInt per addend, and a debug section of a large object carries
 * hundreds of thousands of relocations. The checks are the same: a symbol index inside the linked symbol table,
 * a type the machine defines, a field inside the section.
 */
export function resolveRelocations(
  elf: ElfFile,
  target: number,
  bytes: Uint8Array,
  /** Entries from which a table is read in place when it can be (see `RelocTable`); tests lower it. */
  inPlaceFrom = inPlaceRelocationsFrom,
): Relocations | undefined {
  // Through the file's list of REL/RELA sections (built once), not a pass over every section per debug section.
  const relSections: Section[] = [];
  // Indexed loops in this function: it runs once per section, mostly before V8 optimises it, and an
  // unoptimised for-of allocates a result object per step (there can be 100,000 relocation sections).
  const relocationSections = elf.relocationSections;
  const h = elf.headers;
  for (let k = 0; k < relocationSections.length; k++) {
    const i = relocationSections[k]!;
    // Read in place; a Section object only for the few that patch this section.
    if (h.info(i) === target && h.size(i) > 0) relSections.push(h.at(i)!);
  }
  if (relSections.length === 0) return undefined;
  const is64 = elf.is64;
  const le = elf.littleEndian;
  let total = 0;
  for (const r of relSections) {
    const entsize = entrySize(r.type === SHT.RELA, is64);
    if (r.entsize !== entsize || r.size % entsize !== 0) {
      throw new ElfError(
        "bad-entry-size",
        `relocation section '${r.name}' has entries of ${r.entsize} bytes, expected ${entsize}`,
        r.offset,
        elf.path,
      );
    }
    total += r.size / entsize;
  }
  if (total > MAX_RELOCS) {
    throw new ElfError(
      "limit-exceeded",
      `${total} relocations for one debug section is beyond the limit`,
      0,
      elf.path,
    );
  }
  const arch = archTable(elf.machine);
  const targetName = h.has(target) ? h.name(target) : `section ${target}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mips64le = elf.machine === EM_MIPS && is64 && le;

  // Producers emit relocations in offset order; a cheap first look at the offsets decides whether they can
  // be folded into the index as they come, or must be ordered first (keeping table order among relocations
  // of one field: an ADD/SUB pair applies in sequence).
  let sorted = true;
  let last = -1;
  for (const rs of relSections) {
    const entsize = entrySize(rs.type === SHT.RELA, is64);
    const raw = elf.rawData(rs.index);
    const rv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let p = 0; p + entsize <= raw.length; p += entsize) {
      const off = entryOffset(rv, p, is64, le);
      if (off < last) {
        sorted = false;
        break;
      }
      last = off;
    }
    if (!sorted) break;
  }
  if (sorted && relSections.length === 1 && total >= inPlaceFrom) {
    const table = RelocTable.open(elf, relSections[0]!, bytes, view);
    if (table !== undefined) return table;
  }
  let order: Int32Array | undefined;
  if (!sorted) {
    const all: number[] = [];
    for (const rs of relSections) {
      const entsize = entrySize(rs.type === SHT.RELA, is64);
      const raw = elf.rawData(rs.index);
      const rv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let p = 0; p + entsize <= raw.length; p += entsize) all.push(entryOffset(rv, p, is64, le));
    }
    const idx = Array.from({ length: all.length }, (_, i) => i);
    idx.sort((x, y) => all[x]! - all[y]! || x - y);
    order = Int32Array.from(idx);
  }

  // Decode every entry (in table order, or in offset order through `order`) and fold it into its slot.
  const entries: {
    rs: (typeof relSections)[number];
    raw: Uint8Array;
    rv: DataView;
    syms: RawSymbols;
    first: number;
    /** Entries of the table, as a small integer (a quotient worked out per relocation is a heap number). */
    end: number;
  }[] = [];
  let first = 0;
  for (const rs of relSections) {
    const raw = elf.rawData(rs.index);
    const count = rs.size / entrySize(rs.type === SHT.RELA, is64);
    entries.push({
      rs,
      raw,
      rv: new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
      syms: new RawSymbols(elf, rs.link),
      first,
      end: (first + count) | 0,
    });
    first += count;
  }
  // Offsets were checked against the section's length before they are stored.
  const offsets: NumColumn = bytes.length <= 0x1_0000_0000 ? new Uint32Array(total) : new Float64Array(total);
  let values: NumColumn = new Uint32Array(total);
  const sections = new Int32Array(total);
  const kinds = new Map<number, RelocKind | null>();
  const infos = new Map<number, RelocType | undefined>();
  let lastType = -1;
  let lastKind: RelocKind | null | undefined;
  let used = 0;
  let e = entries[0]!;
  let ei = 0;
  for (let j = 0; j < total; j++) {
    let n = order ? order[j]! : j;
    if (order) {
      ei = 0;
      while (ei + 1 < entries.length && entries[ei + 1]!.first <= n) ei++;
      e = entries[ei]!;
    } else {
      while (n >= e.end) e = entries[++ei]!;
    }
    n -= e.first;
    const rs = e.rs;
    const raw = e.raw;
    const rv = e.rv;
    const isRela = rs.type === SHT.RELA;
    const entsize = entrySize(isRela, is64);
    const p = n * entsize;
    const off = entryOffset(rv, p, is64, le);
    const sym = entrySymbol(rv, p, is64, le, mips64le);
    const type = entryType(raw, rv, p, is64, le, mips64le);
    let kind = type === lastType ? lastKind : kinds.get(type);
    if (kind === undefined) {
      const info = typeInfo(arch, elf.machine, type);
      infos.set(type, info);
      kind = info ? classify(info) : null;
      kinds.set(type, kind);
    }
    lastType = type;
    lastKind = kind;
    if (kind === null) {
      throw new ElfError(
        "bad-relocation",
        `relocation ${n} of '${rs.name}' has type ${type}, unknown for machine ${elf.machineName}`,
        rs.offset + p,
        elf.path,
      );
    }
    const syms = e.syms;
    if (sym >= syms.count && sym !== 0) {
      throw new ElfError(
        "bad-relocation",
        `relocation ${n} of '${rs.name}' names symbol ${sym}, but the symbol table has ${syms.count}`,
        rs.offset + p,
        elf.path,
      );
    }
    if (kind.op === Op.None) continue;
    const width = fieldWidth(kind);
    if (off + width > bytes.length) {
      throw new ElfError(
        "bad-relocation",
        `relocation ${n} of '${rs.name}' patches offset ${off}, outside '${targetName}' (size ${bytes.length})`,
        rs.offset + p,
        elf.path,
      );
    }
    let addend: number;
    if (isRela) {
      addend = entryAddend(rv, p, is64, le);
    } else {
      // REL: the addend is what the field holds (debug relocations are plain words; others are decoded
      // by the psABI's rules).
      const info = infos.get(type)!;
      addend =
        info.addend.kind === "word"
          ? signedField(view, bytes, off, kind, le)
          : Number(implicitAddend(info.addend, bytes, off, le));
    }
    const sa = (sym < syms.count ? syms.value(sym) : 0) + addend;
    const fresh = used === 0 || offsets[used - 1] !== off;
    const slot = fresh ? used++ : used - 1;
    if (fresh) {
      offsets[slot] = off;
      sections[slot] = -1;
    }
    // Read-modify-write kinds start from what an earlier relocation at this offset produced, else the bytes.
    const readsField = kind.op === Op.Add || kind.op === Op.Sub;
    const current = !readsField ? 0 : fresh ? readField(view, bytes, off, kind, le) : values[slot]!;
    const v = fieldValue(kind, sa, off, current);
    if (kind.op === Op.Abs) sections[slot] = sym < syms.count ? syms.section(sym) : -1;
    else if (readsField) sections[slot] = -1;
    // A negative, fractional or wide value (a negative addend, a PC-relative difference) needs doubles.
    if (v >>> 0 !== v && values instanceof Uint32Array) values = Float64Array.from(values);
    values[slot] = v;
  }
  return new RelocIndex(exact(offsets, used), exact(values, used), exact(sections, used));
}

/** Entries of a REL/RELA table from which `resolveRelocations` reads it in place: below, the index is small. */
let inPlaceRelocationsFrom = 4096;

/**
 * Sets from how many entries a relocation table is read in place, and returns the old setting. For the tests
 * and the fuzzer: they read small objects, which would otherwise take the in-place path only when it is forced.
 */
export function setInPlaceRelocationsFrom(entries: number): number {
  const old = inPlaceRelocationsFrom;
  inPlaceRelocationsFrom = entries;
  return old;
}

/**
 * Relocations read in place from their REL/RELA table, for a table whose fields are each patched once, in
 * increasing offset order (what producers emit for debug sections). The index `resolveRelocations` builds
 * otherwise holds 12 bytes per relocation for as long as the section is read: 10 MB for the `.debug_info` of
 * an object of 100,000 functions. A slot is an entry of the table; its value is worked out when asked for, as
 * the index would have stored it. `open` checks the whole table first (what the index checks), so asking never
 * fails.
 */
class RelocTable extends OffsetOrdered {
  /** The slot decoded last and what it resolved to: `address` asks for the section, then for the value. */
  private lastSlot = -1;
  private lastValue = 0;
  private lastSection = -1;
  private lastType = -1;
  private lastKind: RelocKind | undefined;

  private constructor(
    private readonly raw: Uint8Array,
    private readonly rv: DataView,
    readonly count: number,
    private readonly is64: boolean,
    private readonly le: boolean,
    private readonly mips64le: boolean,
    private readonly rela: boolean,
    /** Bytes per entry. */
    private readonly entsize: number,
    private readonly syms: RawSymbols,
    /** The kind of each relocation type the table uses. */
    private readonly kinds: ReadonlyMap<number, RelocKind>,
    /** The patched section's bytes: REL addends and ADD/SUB fields are read from them. */
    private readonly bytes: Uint8Array,
    private readonly view: DataView,
  ) {
    super();
  }

  /**
   * The table of `rs` read in place, or undefined when the index must be built instead: offsets not strictly
   * increasing (a field patched twice, as ADD/SUB pairs do, is folded by the index), R_*_NONE entries (the
   * index leaves them out), REL addends other than plain words, and anything the index refuses (it says how).
   */
  static open(elf: ElfFile, rs: Section, bytes: Uint8Array, view: DataView): RelocTable | undefined {
    const is64 = elf.is64;
    const le = elf.littleEndian;
    const rela = rs.type === SHT.RELA;
    const mips64le = elf.machine === EM_MIPS && is64 && le;
    const arch = archTable(elf.machine);
    const raw = elf.rawData(rs.index);
    const rv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const syms = new RawSymbols(elf, rs.link);
    const entsize = entrySize(rela, is64);
    const count = (raw.length / entsize) | 0;
    const kinds = new Map<number, RelocKind>();
    let lastType = -1;
    let kind: RelocKind | undefined;
    let last = -1;
    for (let j = 0; j < count; j++) {
      const p = j * entsize;
      const off = entryOffset(rv, p, is64, le);
      if (off <= last) return undefined;
      last = off;
      const type = entryType(raw, rv, p, is64, le, mips64le);
      if (type !== lastType) {
        kind = kinds.get(type);
        if (kind === undefined) {
          const info = typeInfo(arch, elf.machine, type);
          if (info === undefined) return undefined;
          kind = classify(info);
          if (kind.op === Op.None || (!rela && info.addend.kind !== "word")) return undefined;
          kinds.set(type, kind);
        }
        lastType = type;
      }
      const sym = entrySymbol(rv, p, is64, le, mips64le);
      if (sym >= syms.count && sym !== 0) return undefined;
      if (off + fieldWidth(kind!) > bytes.length) return undefined;
      // The index reads each symbol as it goes: one with an extended section index outside `.symtab` has its
      // table decoded then, which may fail. So here, in the same order.
      if (sym < syms.count) syms.value(sym);
    }
    return new RelocTable(raw, rv, count, is64, le, mips64le, rela, entsize, syms, kinds, bytes, view);
  }

  protected offsetAt(slot: number): number {
    return entryOffset(this.rv, slot * this.entsize, this.is64, this.le);
  }

  value(slot: number): number {
    if (slot !== this.lastSlot) this.decode(slot);
    return this.lastValue;
  }

  section(slot: number): number {
    if (slot !== this.lastSlot) this.decode(slot);
    return this.lastSection;
  }

  /** Works out the value and section of `slot` as `resolveRelocations` does for an index. */
  private decode(slot: number): void {
    const is64 = this.is64;
    const le = this.le;
    const rv = this.rv;
    const p = slot * this.entsize;
    const off = entryOffset(rv, p, is64, le);
    const type = entryType(this.raw, rv, p, is64, le, this.mips64le);
    if (type !== this.lastType) {
      this.lastKind = this.kinds.get(type)!;
      this.lastType = type;
    }
    const kind = this.lastKind!;
    const sym = entrySymbol(rv, p, is64, le, this.mips64le);
    const addend = this.rela
      ? entryAddend(rv, p, is64, le)
      : signedField(this.view, this.bytes, off, kind, le);
    const syms = this.syms;
    const sa = (sym < syms.count ? syms.value(sym) : 0) + addend;
    const readsField = kind.op === Op.Add || kind.op === Op.Sub;
    this.lastSlot = slot;
    this.lastValue = fieldValue(
      kind,
      sa,
      off,
      readsField ? readField(this.view, this.bytes, off, kind, le) : 0,
    );
    this.lastSection = kind.op === Op.Abs && sym < syms.count ? syms.section(sym) : -1;
  }
}

/** Bytes per REL/RELA entry. */
function entrySize(rela: boolean, is64: boolean): number {
  return rela ? (is64 ? 24 : 12) : is64 ? 16 : 8;
}

/** Bytes of the field a relocation of `kind` patches (at least the first byte of a ULEB128). */
function fieldWidth(kind: RelocKind): number {
  return kind.uleb ? 1 : Math.max(1, kind.bits >> 3);
}

/** What the machine's table says of relocation `type` (MIPS: the first of its three packed types). */
function typeInfo(arch: ArchTable | undefined, machine: number, type: number): RelocType | undefined {
  return arch?.types.get(type) ?? (machine === EM_MIPS ? arch?.types.get(type & 0xff) : undefined);
}

/**
 * The value a field holds after relocation `kind` (not Op.None) with symbol + addend `sa` applied at `off`;
 * `current` is the field's value before, read only by the read-modify-write kinds (ADD, SUB).
 */
function fieldValue(kind: RelocKind, sa: number, off: number, current: number): number {
  switch (kind.op) {
    case Op.Abs:
      return sa;
    case Op.PcRel:
      return sa - off;
    case Op.Set:
      return wrap(sa, kind);
    case Op.Add:
      return wrap(current + sa, kind);
    default:
      return wrap(current - sa, kind);
  }
}

/**
 * r_offset of the entry at `p`, as a small integer while its high word is 0 (always, in practice; unoptimised
 * code would otherwise box a heap number per entry).
 */
function entryOffset(rv: DataView, p: number, is64: boolean, le: boolean): number {
  if (!is64) return rv.getUint32(p, le);
  const hi = rv.getUint32(p + (le ? 4 : 0), le);
  const lo = rv.getUint32(p + (le ? 0 : 4), le);
  return hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
}

/** The symbol index of the entry at `p`. */
function entrySymbol(rv: DataView, p: number, is64: boolean, le: boolean, mips64le: boolean): number {
  if (!is64) return rv.getUint32(p + 4, le) >>> 8;
  // MIPS64 little-endian stores r_sym first, as a little-endian word (see `entryType`).
  if (mips64le) return rv.getUint32(p + 8, true);
  return rv.getUint32(p + 8 + (le ? 4 : 0), le);
}

/** The relocation type of the entry at `p`. */
function entryType(
  raw: Uint8Array,
  rv: DataView,
  p: number,
  is64: boolean,
  le: boolean,
  mips64le: boolean,
): number {
  if (!is64) return rv.getUint32(p + 4, le) & 0xff;
  // MIPS64 little-endian stores r_info as r_sym (32), r_ssym, r_type3, r_type2, r_type (8 bits each).
  if (mips64le) return raw[p + 15]! | (raw[p + 14]! << 8) | (raw[p + 13]! << 16);
  return rv.getUint32(p + 8 + (le ? 0 : 4), le);
}

/** The addend of the RELA entry at `p`. */
function entryAddend(rv: DataView, p: number, is64: boolean, le: boolean): number {
  if (!is64) return rv.getInt32(p + 8, le);
  const q = p + 16;
  const hi = rv.getInt32(q + (le ? 4 : 0), le);
  const lo = rv.getUint32(q + (le ? 0 : 4), le);
  return hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
}

/**
 * The first `used` entries of a column: the column itself when it is full (the usual case), else a copy, so
 * that the entries skipped (R_*_NONE, several relocations of one field) keep no memory alive.
 */
function exact<T extends Uint32Array | Float64Array | Int32Array>(column: T, used: number): T {
  return used === column.length ? column : (column.slice(0, used) as T);
}

/**
 * The value and section of symbols of one symbol table, read straight from its entries and only for the
 * symbols relocations name, rather than decoding every symbol into an object. Nothing is kept per symbol
 * (a column per symbol would be megabytes for an object with a section per function, allocated again for
 * each debug section): an entry is read again for each relocation, with the last one remembered because an
 * ABS relocation asks for its symbol's value and then its section. SHN_XINDEX entries go through
 * `ElfFile.symbolView`, which knows SYMTAB_SHNDX.
 */
class RawSymbols {
  readonly count: number;
  private readonly view: DataView | undefined;
  private readonly is64: boolean;
  private readonly le: boolean;
  /** The symbols of a table other than `.symtab`, decoded once if one of them has SHN_XINDEX. */
  private decoded: readonly ElfSymbol[] | undefined;
  private lastIndex = -1;
  private lastValue = 0;
  private lastSection = -1;

  constructor(
    private readonly elf: ElfFile,
    private readonly table: number,
  ) {
    this.is64 = elf.is64;
    this.le = elf.littleEndian;
    if (table === 0) {
      this.count = 0;
      return;
    }
    const sec = elf.headers.at(table);
    if (!sec || (sec.type !== SHT.SYMTAB && sec.type !== SHT.DYNSYM)) {
      throw new ElfError(
        "bad-section-link",
        `relocations link to section ${table}, which is not a symbol table`,
        sec?.offset ?? 0,
        elf.path,
      );
    }
    const entsize = this.is64 ? 24 : 16;
    if (sec.entsize !== entsize || sec.size % entsize !== 0) {
      // Let the ELF reader say what is wrong with the table.
      elf.symbolsOf(table);
    }
    const raw = elf.rawData(table);
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    this.count = Math.floor(raw.length / entsize);
  }

  private load(i: number): void {
    const v = this.view!;
    const le = this.le;
    let value: number;
    let shndx: number;
    if (this.is64) {
      const p = i * 24;
      shndx = v.getUint16(p + 6, le);
      const hi = v.getUint32(p + 8 + (le ? 4 : 0), le);
      const lo = v.getUint32(p + 8 + (le ? 0 : 4), le);
      // A high word of 0 (always, in practice) keeps the value a small integer, not a boxed double.
      value = hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
    } else {
      const p = i * 16;
      value = v.getUint32(p + 4, le);
      shndx = v.getUint16(p + 14, le);
    }
    // SHN_XINDEX: the real index is in SYMTAB_SHNDX, and may be any number (70,000 sections happen).
    const defined = isDefinedIn(shndx, shndx);
    if (shndx === 0xffff) {
      // Through the in-place view of .symtab when this is it (no object per symbol), else decoded.
      const sv = this.elf.symbolView;
      if (sv && sv.tableIndex === this.table) shndx = sv.shndx(i);
      else {
        this.decoded ??= this.elf.symbolsOf(this.table);
        shndx = this.decoded[i]!.shndx;
      }
    }
    this.lastIndex = i;
    this.lastValue = value;
    this.lastSection = defined ? shndx : -1;
  }

  value(i: number): number {
    if (i !== this.lastIndex) this.load(i);
    return this.lastValue;
  }

  section(i: number): number {
    if (i !== this.lastIndex) this.load(i);
    return this.lastSection;
  }
}

/** A REL implicit addend held in a plain word: sign-extended from the field's width. */
function signedField(view: DataView, bytes: Uint8Array, off: number, kind: RelocKind, le: boolean): number {
  switch (kind.bits) {
    case 8:
      return (bytes[off]! << 24) >> 24;
    case 16:
      return view.getInt16(off, le);
    case 32:
      return view.getInt32(off, le);
    case 64:
      return view.getInt32(off + (le ? 4 : 0), le) * 0x1_0000_0000 + view.getUint32(off + (le ? 0 : 4), le);
    default:
      return readField(view, bytes, off, kind, le);
  }
}

function readField(view: DataView, bytes: Uint8Array, off: number, kind: RelocKind, le: boolean): number {
  if (kind.uleb) {
    let v = 0;
    let mul = 1;
    for (let i = off; i < bytes.length && i < off + 10; i++) {
      const b = bytes[i]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) break;
    }
    return v;
  }
  switch (kind.bits) {
    case 6:
      return bytes[off]! & 0x3f;
    case 8:
      return bytes[off]!;
    case 16:
      return view.getUint16(off, le);
    case 24:
      return le
        ? bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16)
        : (bytes[off]! << 16) | (bytes[off + 1]! << 8) | bytes[off + 2]!;
    case 32:
      return view.getUint32(off, le);
    default: {
      const lo = view.getUint32(off + (le ? 0 : 4), le);
      const hi = view.getUint32(off + (le ? 4 : 0), le);
      return hi * 0x1_0000_0000 + lo;
    }
  }
}

/** Reduces a read-modify-write result modulo the field width, as the hardware field would hold it. */
function wrap(v: number, kind: RelocKind): number {
  if (kind.uleb || kind.bits >= 53) return v;
  const m = 2 ** kind.bits;
  return ((v % m) + m) % m;
}
