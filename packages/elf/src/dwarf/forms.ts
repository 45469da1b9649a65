import type { Abbrev } from "./abbrev.js";
import { DW_FORM, formName } from "./constants.js";
import { lebBigAt, NAME_HASH_PRIME, NAME_HASH_SEED, stringAt, toBigInt } from "./leb.js";
import type { DebugSection } from "./relocate.js";
import type { DebugSections, Unit } from "./units.js";

/** `DW_FORM_indirect` chains longer than this are refused (one level is all a producer ever needs). */
const MAX_INDIRECT = 8;

/** What `ref()` returns for a DW_FORM_ref_sig8 (the signature is in `sig`). */
export const REF_SIGNATURE = -1;
/** What `ref()` returns for a reference into a supplementary file (DW_FORM_GNU_ref_alt, ref_sup*). */
export const REF_EXTERNAL = -2;

/**
 * Decodes the DIEs of one unit. `read(at)` parses the DIE at `at`: it finds its abbreviation, records where each
 * attribute value starts (and its form, after DW_FORM_indirect) and where the next DIE begins, without decoding
 * any value. The typed accessors then decode only the attributes a caller asks for, by attribute index.
 * One reader is reused for every DIE of a unit, so reading a DIE allocates nothing.
 */
export class DieReader {
  readonly sec: DebugSection;
  readonly bytes: Uint8Array;
  readonly end: number;
  readonly addressSize: number;
  readonly offsetSize: number;
  readonly refAddrSize: number;
  offset = 0;
  abbrev: Abbrev | undefined;
  tag = 0;
  count = 0;
  attrs: Uint32Array = new Uint32Array(0);
  next = 0;
  readonly pos: Int32Array;
  readonly forms: Uint32Array;
  /** Set by `ref()` for DW_FORM_ref_sig8. */
  sig = 0n;
  /** Set by `block()`: the block's start and length. */
  blockStart = 0;
  blockLength = 0;
  /** Set by `address()`: the ELF section the address was relocated against, or -1. */
  addrSection = -1;

  constructor(
    readonly unit: Unit,
    readonly s: DebugSections,
  ) {
    this.sec = unit.sec;
    this.bytes = unit.sec.bytes;
    this.end = unit.end;
    this.addressSize = unit.addressSize;
    this.offsetSize = unit.offsetSize;
    this.refAddrSize = unit.version <= 2 ? unit.addressSize : unit.offsetSize;
    this.pos = new Int32Array(unit.abbrevs.maxAttrs);
    this.forms = new Uint32Array(unit.abbrevs.maxAttrs);
  }

  /**
   * Parses the DIE at `at`. Returns false for a null entry (end of a sibling list); `next` is then `at + 1`.
   * Throws for an unknown abbreviation code, an unknown form, or a DIE that runs past the unit.
   */
  read(at: number): boolean {
    const b = this.bytes;
    const end = this.end;
    let p = at;
    if (p >= end) this.sec.fail("truncated", "DIE runs past the end of its unit", at);
    let code = b[p++]!;
    if (code >= 0x80) {
      code &= 0x7f;
      let mul = 128;
      for (let i = 1; ; i++) {
        if (p >= end) this.sec.fail("truncated", "abbreviation code runs past the end of the unit", at);
        if (i >= 10) this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", at);
        const byte = b[p++]!;
        code += (byte & 0x7f) * mul;
        mul *= 128;
        if (byte < 0x80) break;
      }
    }
    this.offset = at;
    if (code === 0) {
      this.next = p;
      this.abbrev = undefined;
      this.tag = 0;
      this.count = 0;
      return false;
    }
    const a = this.unit.abbrevs.get(code);
    if (a === undefined)
      this.sec.fail(
        "bad-dwarf",
        `DIE uses abbreviation code ${code}, which the unit's table does not define`,
        at,
      );
    this.abbrev = a;
    this.tag = a.tag;
    const attrs = a.attrs;
    const n = attrs.length;
    this.attrs = attrs;
    this.count = n;
    const forms = a.forms;
    const pos = this.pos;
    const outForms = this.forms;
    for (let i = 0; i < n; i++) {
      let form = forms[i]!;
      if (form === DW_FORM.indirect) {
        // The real form precedes the value; iterate (never recurse) and cap the chain.
        let hops = 0;
        while (form === DW_FORM.indirect) {
          if (++hops > MAX_INDIRECT) this.sec.fail("bad-dwarf", "DW_FORM_indirect chain is too long", p);
          let f = 0;
          let mul = 1;
          for (let k = 0; ; k++) {
            if (p >= end) this.sec.fail("truncated", "DW_FORM_indirect runs past the end of the unit", p);
            if (k >= 10) this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", p);
            const byte = b[p++]!;
            f += (byte & 0x7f) * mul;
            mul *= 128;
            if (byte < 0x80) break;
          }
          form = f;
          if (form === DW_FORM.implicit_const)
            this.sec.fail("bad-dwarf", "DW_FORM_indirect names DW_FORM_implicit_const", p);
        }
      }
      pos[i] = p;
      outForms[i] = form;
      p = this.skip(form, p, at);
    }
    if (p > end) this.sec.fail("truncated", "DIE runs past the end of its unit", at);
    this.next = p;
    return true;
  }

  /** The offset after a value of `form` starting at `p`. */
  private skip(form: number, p: number, die: number): number {
    switch (form) {
      case DW_FORM.flag_present:
      case DW_FORM.implicit_const:
        return p;
      case DW_FORM.data1:
      case DW_FORM.ref1:
      case DW_FORM.flag:
      case DW_FORM.strx1:
      case DW_FORM.addrx1:
        return p + 1;
      case DW_FORM.data2:
      case DW_FORM.ref2:
      case DW_FORM.strx2:
      case DW_FORM.addrx2:
        return p + 2;
      case DW_FORM.strx3:
      case DW_FORM.addrx3:
        return p + 3;
      case DW_FORM.data4:
      case DW_FORM.ref4:
      case DW_FORM.ref_sup4:
      case DW_FORM.strx4:
      case DW_FORM.addrx4:
        return p + 4;
      case DW_FORM.data8:
      case DW_FORM.ref8:
      case DW_FORM.ref_sig8:
      case DW_FORM.ref_sup8:
        return p + 8;
      case DW_FORM.data16:
        return p + 16;
      case DW_FORM.addr:
        return p + this.addressSize;
      case DW_FORM.strp:
      case DW_FORM.line_strp:
      case DW_FORM.sec_offset:
      case DW_FORM.strp_sup:
      case DW_FORM.GNU_ref_alt:
      case DW_FORM.GNU_strp_alt:
        return p + this.offsetSize;
      case DW_FORM.ref_addr:
        return p + this.refAddrSize;
      case DW_FORM.string: {
        const stop = this.bytes.indexOf(0, p);
        if (stop < 0 || stop >= this.end)
          this.sec.fail("bad-dwarf", "DW_FORM_string is not NUL-terminated inside its unit", p);
        return stop + 1;
      }
      case DW_FORM.udata:
      case DW_FORM.sdata:
      case DW_FORM.ref_udata:
      case DW_FORM.strx:
      case DW_FORM.addrx:
      case DW_FORM.loclistx:
      case DW_FORM.rnglistx:
      case DW_FORM.GNU_addr_index:
      case DW_FORM.GNU_str_index:
        return this.skipLeb(p);
      case DW_FORM.block1:
        if (p >= this.end) this.sec.fail("truncated", "block runs past the end of the unit", p);
        return p + 1 + this.bytes[p]!;
      case DW_FORM.block2:
        return p + 2 + this.sec.u16(p);
      case DW_FORM.block4:
        return p + 4 + this.sec.u32(p);
      case DW_FORM.block:
      case DW_FORM.exprloc: {
        const len = this.ulebAt(p);
        return this.lebEnd + len;
      }
      default:
        return this.sec.fail(
          "bad-dwarf",
          `DIE at 0x${die.toString(16)} uses unknown form 0x${form.toString(16)}`,
          p,
        );
    }
  }

  private skipLeb(p: number): number {
    const b = this.bytes;
    const start = p;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) this.sec.fail("truncated", "LEB128 value runs past the end of the unit", start);
      if (b[p++]! < 0x80) return p;
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  /** Set by `ulebAt`: the offset just past the value it read. */
  private lebEnd = 0;

  /** The unsigned LEB128 value at `p` (its end in `lebEnd`: a pair apiece would be garbage per value). */
  private ulebAt(p: number): number {
    const b = this.bytes;
    const start = p;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) this.sec.fail("truncated", "LEB128 value runs past the end of the unit", start);
      const byte = b[p++]!;
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) {
        this.lebEnd = p;
        return v;
      }
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  /** Bytes of the LEB128 value at `p`, up to 10 (as far as the BigInt decoders read). */
  private lebLength(p: number): number {
    const b = this.bytes;
    let n = 1;
    while (n < 10 && b[p + n - 1]! >= 0x80) n++;
    return n;
  }

  private slebAt(p: number): number {
    const b = this.bytes;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const byte = b[p++]!;
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) return byte & 0x40 ? v - mul : v;
    }
    return v;
  }

  /** Index of attribute `at` in the current DIE, or -1. */
  find(at: number): number {
    const attrs = this.attrs;
    for (let i = 0; i < this.count; i++) if (attrs[i] === at) return i;
    return -1;
  }

  /** The (possibly indirect-resolved) form of attribute `i`. */
  form(i: number): number {
    return this.forms[i]!;
  }

  /**
   * An unsigned constant (data*, udata, flag, implicit_const, sec_offset, index forms). data4/data8 and
   * sec_offset go through the relocation map: RISC-V and LoongArch relocate DW_AT_high_pc's data4 as an
   * ADD/SUB pair. sdata is returned as its signed value.
   */
  udata(i: number): number {
    const p = this.pos[i]!;
    switch (this.forms[i]!) {
      case DW_FORM.data1:
      case DW_FORM.flag:
      case DW_FORM.strx1:
      case DW_FORM.addrx1:
      case DW_FORM.ref1:
        return this.bytes[p]!;
      case DW_FORM.data2:
      case DW_FORM.strx2:
      case DW_FORM.addrx2:
      case DW_FORM.ref2:
        return this.sec.u16(p);
      case DW_FORM.strx3:
      case DW_FORM.addrx3:
        return this.sec.u24(p);
      case DW_FORM.data4:
      case DW_FORM.strx4:
      case DW_FORM.addrx4:
      case DW_FORM.ref4:
        return this.sec.offset(p, 4);
      case DW_FORM.data8:
      case DW_FORM.ref8:
        return this.sec.offset(p, 8);
      case DW_FORM.sec_offset:
        return this.sec.offset(p, this.offsetSize);
      case DW_FORM.udata:
      case DW_FORM.strx:
      case DW_FORM.addrx:
      case DW_FORM.loclistx:
      case DW_FORM.rnglistx:
      case DW_FORM.GNU_addr_index:
      case DW_FORM.GNU_str_index:
      case DW_FORM.ref_udata:
        return this.ulebAt(p);
      case DW_FORM.sdata:
        return this.slebAt(p);
      case DW_FORM.implicit_const:
        return Number(this.abbrev!.implicit![i]!);
      case DW_FORM.flag_present:
        return 1;
      default:
        return this.formError(i, "a constant");
    }
  }

  /** A constant read as signed: data1/2/4/8 are sign-extended from their width. */
  sdata(i: number): number {
    const p = this.pos[i]!;
    switch (this.forms[i]!) {
      case DW_FORM.data1:
        return (this.bytes[p]! << 24) >> 24;
      case DW_FORM.data2:
        return (this.sec.u16(p) << 16) >> 16;
      case DW_FORM.data4:
        return this.sec.offset(p, 4) | 0;
      case DW_FORM.data8:
        return Number(BigInt.asIntN(64, this.sec.u64big(p)));
      default:
        return this.udata(i);
    }
  }

  /** A constant as a bigint: `signed` chooses how data1/2/4/8 are extended; sdata/udata carry their own sign. */
  big(i: number, signed: boolean): bigint {
    const p = this.pos[i]!;
    const f = this.forms[i]!;
    switch (f) {
      case DW_FORM.data1:
      case DW_FORM.data2:
      case DW_FORM.data4: {
        // In numbers, so that small values (most enumerators) come from the shared BigInts.
        const w = f === DW_FORM.data1 ? 1 : f === DW_FORM.data2 ? 2 : 4;
        const raw = this.sec.uN(p, w);
        const shift = 32 - w * 8;
        return toBigInt(signed ? (raw << shift) >> shift : raw);
      }
      case DW_FORM.data8: {
        const raw = this.sec.u64big(p);
        return signed ? BigInt.asIntN(64, raw) : raw;
      }
      case DW_FORM.data16:
        // A 128-bit constant (C23 _BitInt enumerators): keep the low 64 bits' value in the file's byte order.
        return this.sec.le ? this.sec.u64big(p) : this.sec.u64big(p + 8);
      case DW_FORM.udata:
        // Up to 7 bytes (49 bits) a number holds the value exactly.
        return this.lebLength(p) <= 7 ? toBigInt(this.ulebAt(p)) : lebBigAt(this.bytes, p, false);
      case DW_FORM.sdata:
        return this.lebLength(p) <= 7 ? toBigInt(this.slebAt(p)) : lebBigAt(this.bytes, p, true);
      case DW_FORM.implicit_const:
        return this.abbrev!.implicit![i]!;
      default:
        return BigInt(this.udata(i));
    }
  }

  /** True for the constant forms (as opposed to blocks, expressions and references). */
  isConstant(i: number): boolean {
    switch (this.forms[i]!) {
      case DW_FORM.data1:
      case DW_FORM.data2:
      case DW_FORM.data4:
      case DW_FORM.data8:
      case DW_FORM.sdata:
      case DW_FORM.udata:
      case DW_FORM.implicit_const:
        return true;
      default:
        return false;
    }
  }

  isReference(i: number): boolean {
    switch (this.forms[i]!) {
      case DW_FORM.ref1:
      case DW_FORM.ref2:
      case DW_FORM.ref4:
      case DW_FORM.ref8:
      case DW_FORM.ref_udata:
      case DW_FORM.ref_addr:
      case DW_FORM.ref_sig8:
      case DW_FORM.GNU_ref_alt:
      case DW_FORM.ref_sup4:
      case DW_FORM.ref_sup8:
        return true;
      default:
        return false;
    }
  }

  flag(i: number): boolean {
    const f = this.forms[i]!;
    if (f === DW_FORM.flag_present) return true;
    if (f === DW_FORM.flag) return this.bytes[this.pos[i]!]! !== 0;
    return this.udata(i) !== 0;
  }

  /**
   * A reference, as an offset in the unit's section. Unit-relative forms must stay inside the unit, ref_addr
   * inside the section. Returns REF_SIGNATURE for ref_sig8 (signature in `sig`) and REF_EXTERNAL for references
   * into a supplementary object file, which this reader does not follow.
   */
  ref(i: number): number {
    const p = this.pos[i]!;
    let rel: number;
    switch (this.forms[i]!) {
      case DW_FORM.ref1:
        rel = this.bytes[p]!;
        break;
      case DW_FORM.ref2:
        rel = this.sec.u16(p);
        break;
      case DW_FORM.ref4:
        rel = this.sec.u32(p);
        break;
      case DW_FORM.ref8:
        rel = this.sec.u64(p);
        break;
      case DW_FORM.ref_udata:
        rel = this.ulebAt(p);
        break;
      case DW_FORM.ref_addr: {
        const o = this.sec.offset(p, this.refAddrSize);
        if (o >= this.sec.length || o < 0) {
          this.sec.fail(
            "bad-dwarf",
            `DW_FORM_ref_addr 0x${o.toString(16)} of DIE 0x${this.offset.toString(16)} is outside ${this.sec.name}`,
            p,
          );
        }
        return o;
      }
      case DW_FORM.ref_sig8:
        this.sig = this.sec.u64big(p);
        return REF_SIGNATURE;
      case DW_FORM.GNU_ref_alt:
      case DW_FORM.ref_sup4:
      case DW_FORM.ref_sup8:
        return REF_EXTERNAL;
      default:
        return this.formError(i, "a reference");
    }
    const u = this.unit;
    if (rel >= u.end - u.offset) {
      this.sec.fail(
        "bad-dwarf",
        `reference 0x${rel.toString(16)} of DIE 0x${this.offset.toString(16)} is outside its unit`,
        p,
      );
    }
    return u.offset + rel;
  }

  /** A string attribute, from whichever string section its form names. */
  str(i: number): string {
    const p = this.pos[i]!;
    switch (this.forms[i]!) {
      case DW_FORM.string: {
        // read() checked that the terminator lies inside the unit. Short names (`x`, `len`) live here rather
        // than in .debug_str, and recur in thousands of DIEs: interned like .debug_str's (see `stringAt`).
        const b = this.bytes;
        let stop = p;
        let h = NAME_HASH_SEED;
        for (let c = b[stop]!; c !== 0; c = b[++stop]!) h = Math.imul(h ^ c, NAME_HASH_PRIME);
        return this.sec.intern(p, stop, h);
      }
      case DW_FORM.strp:
        return this.strp(this.s.str, this.sec.offset(p, this.offsetSize));
      case DW_FORM.line_strp:
        return stringAt(this.s.lineStr, this.sec.offset(p, this.offsetSize));
      case DW_FORM.strx:
      case DW_FORM.strx1:
      case DW_FORM.strx2:
      case DW_FORM.strx3:
      case DW_FORM.strx4:
      case DW_FORM.GNU_str_index:
        return this.strx(this.udata(i), p);
      case DW_FORM.strp_sup:
      case DW_FORM.GNU_strp_alt:
        // The string lives in a supplementary file (dwz) that we do not have; an empty name is the honest answer.
        return "";
      default:
        return this.formError(i, "a string");
    }
  }

  private strp(sec: DebugSection, o: number): string {
    // No cache: in a relocatable object nearly every name has its own offset, and a miss costs more than decoding.
    return stringAt(sec, o);
  }

  /** Entry `index` of the unit's slice of `.debug_str_offsets`. */
  strx(index: number, p: number): string {
    const so = this.s.strOffsets;
    const size = this.offsetSize;
    const at = this.unit.strOffsetsBase + index * size;
    if (at + size > so.length || at < 0) {
      this.sec.fail(
        "bad-dwarf",
        `string index ${index} is outside .debug_str_offsets (size ${so.length})`,
        p,
      );
    }
    return this.strp(this.s.str, so.offset(at, size));
  }

  /**
   * An address attribute (DW_FORM_addr, or an index into `.debug_addr`). Relocated; `addrSection` is the
   * ELF section the relocation resolved against (-1 when none: linked files, or no relocation).
   */
  address(i: number): bigint {
    const p = this.pos[i]!;
    const f = this.forms[i]!;
    if (f === DW_FORM.addr) {
      const v = this.sec.address(p, this.addressSize);
      this.addrSection = this.sec.lastSection;
      return v;
    }
    switch (f) {
      case DW_FORM.addrx:
      case DW_FORM.addrx1:
      case DW_FORM.addrx2:
      case DW_FORM.addrx3:
      case DW_FORM.addrx4:
      case DW_FORM.GNU_addr_index:
        return this.addrx(this.udata(i), p);
      default:
        return this.formError(i, "an address");
    }
  }

  /** Entry `index` of the unit's slice of `.debug_addr`. */
  addrx(index: number, p: number): bigint {
    const as = this.s.addr;
    const size = this.addressSize;
    const at = this.unit.addrBase + index * size;
    if (at + size > as.length || at < 0) {
      this.sec.fail("bad-dwarf", `address index ${index} is outside .debug_addr (size ${as.length})`, p);
    }
    const v = as.address(at, size);
    this.addrSection = as.lastSection;
    return v;
  }

  isAddress(i: number): boolean {
    const f = this.forms[i]!;
    return (
      f === DW_FORM.addr ||
      f === DW_FORM.addrx ||
      f === DW_FORM.addrx1 ||
      f === DW_FORM.addrx2 ||
      f === DW_FORM.addrx3 ||
      f === DW_FORM.addrx4 ||
      f === DW_FORM.GNU_addr_index
    );
  }

  /** For block and exprloc forms: sets `blockStart`/`blockLength` and returns true; false for other forms. */
  block(i: number): boolean {
    const p = this.pos[i]!;
    switch (this.forms[i]!) {
      case DW_FORM.block1:
        this.blockStart = p + 1;
        this.blockLength = this.bytes[p]!;
        return true;
      case DW_FORM.block2:
        this.blockStart = p + 2;
        this.blockLength = this.sec.u16(p);
        return true;
      case DW_FORM.block4:
        this.blockStart = p + 4;
        this.blockLength = this.sec.u32(p);
        return true;
      case DW_FORM.block:
      case DW_FORM.exprloc: {
        this.blockLength = this.ulebAt(p);
        this.blockStart = this.lebEnd;
        return true;
      }
      default:
        return false;
    }
  }

  private formError(i: number, what: string): never {
    return this.sec.fail(
      "bad-dwarf",
      `attribute 0x${this.attrs[i]!.toString(16)} of DIE 0x${this.offset.toString(16)} has form ${formName(this.forms[i]!)}, not ${what}`,
      this.pos[i]!,
    );
  }
}
