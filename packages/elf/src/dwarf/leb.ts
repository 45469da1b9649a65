import type { DebugSection } from "./relocate.js";

/**
 * A forward cursor over one debug section, bounded by `end` (a unit's or table's end, never past the section).
 * LEB128 values come back as numbers on the hot path; `ulebBig`/`slebBig` exist for the few attributes whose
 * values may exceed 2^53 (enumerator values, 64-bit constants). Encodings longer than 10 bytes are refused:
 * they cannot hold a 64-bit value and are a classic way to make a reader spin.
 */
export class Cursor {
  readonly bytes: Uint8Array;
  constructor(
    readonly sec: DebugSection,
    public pos: number,
    public end: number,
  ) {
    this.bytes = sec.bytes;
    if (end > sec.length) this.end = sec.length;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  need(n: number): void {
    if (this.pos + n > this.end || n < 0) {
      this.sec.fail(
        "truncated",
        `read of ${n} bytes runs past the end of the data (0x${this.end.toString(16)})`,
        this.pos,
      );
    }
  }

  u8(): number {
    if (this.pos >= this.end) this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.sec.view.getUint16(this.pos, this.sec.le);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.sec.view.getUint32(this.pos, this.sec.le);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.sec.u64(this.pos);
    this.pos += 8;
    return v;
  }
  u64big(): bigint {
    this.need(8);
    const v = this.sec.u64big(this.pos);
    this.pos += 8;
    return v;
  }
  /** A relocatable 4/8-byte section offset. */
  offset(size: number): number {
    this.need(size);
    const v = this.sec.offset(this.pos, size);
    this.pos += size;
    return v;
  }
  uN(size: number): number {
    this.need(size);
    const v = this.sec.uN(this.pos, size);
    this.pos += size;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  uleb(): number {
    const b = this.bytes;
    let p = this.pos;
    if (p < this.end) {
      const first = b[p]!;
      if (first < 0x80) {
        this.pos = p + 1;
        return first;
      }
    }
    let result = 0;
    let mul = 1;
    const start = p;
    for (let i = 0; i < 10; i++, p++) {
      if (p >= this.end) this.sec.fail("truncated", "LEB128 value runs past the end of the data", start);
      const byte = b[p]!;
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) {
        this.pos = p + 1;
        return result;
      }
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  sleb(): number {
    const b = this.bytes;
    let p = this.pos;
    let result = 0;
    let mul = 1;
    const start = p;
    for (let i = 0; i < 10; i++, p++) {
      if (p >= this.end) this.sec.fail("truncated", "LEB128 value runs past the end of the data", start);
      const byte = b[p]!;
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) {
        this.pos = p + 1;
        return byte & 0x40 ? result - mul : result;
      }
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  ulebBig(): bigint {
    const start = this.pos;
    this.pos = this.#lebEnd();
    return lebBigAt(this.bytes, start, false);
  }

  slebBig(): bigint {
    const start = this.pos;
    this.pos = this.#lebEnd();
    return lebBigAt(this.bytes, start, true);
  }

  /** Where the LEB128 value at `pos` ends: checked to lie inside [pos, end) and to take at most 10 bytes. */
  #lebEnd(): number {
    const start = this.pos;
    for (let i = 0, p = start; i < 10; i++, p++) {
      if (p >= this.end) this.sec.fail("truncated", "LEB128 value runs past the end of the data", start);
      if (this.bytes[p]! < 0x80) return p + 1;
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  /** A NUL-terminated string inside [pos, end). */
  cstring(): string {
    const start = this.pos;
    const stop = this.bytes.indexOf(0, start);
    if (stop < 0 || stop >= this.end) this.sec.fail("bad-dwarf", "string is not NUL-terminated", start);
    this.pos = stop + 1;
    return this.sec.text(start, stop);
  }
}

const utf8 = new TextDecoder("utf-8");

/**
 * Decodes bytes [start, stop) as a name. Short ASCII names (nearly all of them) are built with
 * `String.fromCharCode`, which is several times faster than a TextDecoder call for a handful of bytes.
 */
export function decodeString(b: Uint8Array, start: number, stop: number): string {
  const n = stop - start;
  if (n === 0) return "";
  if (n <= 48) {
    let ascii = true;
    for (let i = start; i < stop; i++) {
      if (b[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // Apply over a subarray is the quickest way to build a short string from bytes.
      return String.fromCharCode.apply(null, b.subarray(start, stop) as unknown as number[]);
    }
  }
  return utf8.decode(b.subarray(start, stop));
}

/**
 * The NUL-terminated string at `o` in a string section, or a typed error naming the section. Equal names give
 * one string object (see `DebugSection.intern`): the model keeps every name it reads, and the same few
 * (`next`, `size`, `flags`, a common type's name) recur in thousands of DIEs, at one offset or, in objects
 * linked with `ld -r`, at one offset per input file.
 */
export function stringAt(sec: DebugSection, o: number): string {
  const b = sec.bytes;
  const n = b.length;
  if (o < 0 || o >= n)
    sec.fail("bad-string-offset", `string offset 0x${o.toString(16)} is outside ${sec.name}`, o);
  // A plain loop: names are short, and it beats a call into the indexOf builtin for each of them.
  let stop = o;
  let h = NAME_HASH_SEED;
  for (; stop < n; stop++) {
    const c = b[stop]!;
    if (c === 0) break;
    h = Math.imul(h ^ c, NAME_HASH_PRIME);
  }
  if (stop >= n) sec.fail("bad-string-offset", `string at 0x${o.toString(16)} is not NUL-terminated`, o);
  return sec.intern(o, stop, h);
}

/** FNV-1a over a name's bytes, as `DebugSection.intern` wants it: start from the seed, fold in each byte. */
export const NAME_HASH_SEED = 0x811c9dc5 | 0;
export const NAME_HASH_PRIME = 0x01000193;

/** Offsets a `NameTable` holds: below this (they are kept in an Int32Array, plus one). */
export const MAX_NAME_OFFSET = 0x7fff_fffe;
/** Slots a `NameTable` grows to (1 MB of table); past that, a new name may take an older one's place. */
const MAX_NAME_SLOTS = 1 << 16;
/** Slots a lookup looks at before it gives up: bounds the cost of a miss in a full table. */
const MAX_PROBES = 16;

/**
 * The names of one section by content: where each lies (its offset; the bytes up to a NUL are the name), its
 * hash and its string, in an open-addressing table kept at most half full. Exact while it may grow; at its
 * size bound, a name that finds no free slot near its own takes the first one, evicting an older name.
 * Losing an entry only costs a second copy of that string, so the bound keeps the table small in files where
 * names do not repeat, and names that do repeat keep coming back.
 */
export class NameTable {
  /** Per slot, side by side (one cache line for both): the hash, and the offset + 1 (0: an empty slot). */
  // Small at first (a table per file, and most files are small); it doubles as names come.
  #slots = new Int32Array(128);
  #values: (string | undefined)[] = new Array(64);
  #count = 0;

  /** The string for the bytes [start, stop) of `b` (a name ending at a NUL at `stop`) hashing to `h`. */
  find(b: Uint8Array, start: number, stop: number, h: number): string | undefined {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    const len = stop - start;
    for (let k = 0, i = mix(h) & mask; k < MAX_PROBES; k++, i = (i + 1) & mask) {
      const o = slots[2 * i + 1]! - 1;
      if (o < 0) return undefined;
      if (slots[2 * i] !== h || b[o + len] !== 0) continue;
      let j = 0;
      while (j < len && b[o + j] === b[start + j]) j++;
      if (j === len) return this.#values[i];
    }
    return undefined;
  }

  /** Records `s` as the name at `start` (below MAX_NAME_OFFSET) hashing to `h`, which `find` did not know. */
  add(start: number, h: number, s: string): void {
    if (2 * (this.#count + 1) > this.#values.length && this.#values.length < MAX_NAME_SLOTS) this.#grow();
    this.#put(start + 1, h, s);
  }

  #put(key: number, h: number, s: string): void {
    const slots = this.#slots;
    const size = slots.length >> 1;
    const mask = size - 1;
    const home = mix(h) & mask;
    let at = home;
    if (2 * this.#count < size) {
      for (let k = 0; k < MAX_PROBES && slots[2 * at + 1] !== 0; k++) at = (at + 1) & mask;
    }
    if (slots[2 * at + 1] === 0) this.#count++;
    else at = home; // full, or no room nearby: evict
    slots[2 * at] = h;
    slots[2 * at + 1] = key;
    this.#values[at] = s;
  }

  #grow(): void {
    const slots = this.#slots;
    const values = this.#values;
    const size = values.length * 2;
    this.#slots = new Int32Array(2 * size);
    this.#values = new Array(size);
    this.#count = 0;
    for (let k = 0; k < values.length; k++) {
      if (slots[2 * k + 1] !== 0) this.#put(slots[2 * k + 1]!, slots[2 * k]!, values[k]!);
    }
  }
}

/** Spreads the high bits of a name hash into the low ones, which pick the slot. */
function mix(h: number): number {
  return h ^ (h >>> 15);
}

/**
 * The LEB128 value at `p` as a 64-bit BigInt (unsigned, or signed when `signed`), read up to its last byte or
 * 10 bytes: the caller has checked that it lies inside `b` (`Cursor.#lebEnd`, `DieReader.lebLength`).
 */
export function lebBigAt(b: Uint8Array, p: number, signed: boolean): bigint {
  let v = 0n;
  let shift = 0n;
  for (let k = 0; k < 10; k++) {
    const byte = b[p++]!;
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) {
      if (signed && byte & 0x40) v -= 1n << shift;
      break;
    }
  }
  return signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
}

/** Values below this get one shared BigInt each (see `toBigInt`). */
const SMALL_BIGINTS = 4096;
const smallBigInts: (bigint | undefined)[] = new Array(SMALL_BIGINTS);

/**
 * `BigInt(v)` for an integer `v`, shared for small non-negative values: every BigInt is a heap object of its
 * own, and in objects built with one section per function nearly every low_pc is 0 and every high_pc a short
 * length. The cache is bounded and holds only immutable primitives.
 */
export function toBigInt(v: number): bigint {
  if (v >= 0 && v < SMALL_BIGINTS) {
    const i = v | 0;
    if (i === v) {
      let b = smallBigInts[i];
      if (b === undefined) {
        b = BigInt(i);
        smallBigInts[i] = b;
      }
      return b;
    }
  }
  return BigInt(v);
}
