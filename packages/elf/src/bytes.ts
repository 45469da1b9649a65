import { fail } from "./errors.js";

/**
 * Bounds-checked, endian-aware reads over one byte array. Every read outside the array ends in an
 * `ElfError("truncated")` naming the absolute file offset, never a RangeError or `undefined`.
 *
 * 64-bit quantities come back as `bigint` from the `u64`/`i64` readers; `u64n` returns a `number` and refuses
 * values above 2^53 (offsets and sizes, which must fit in the file anyway).
 */
export class ByteView {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Offset of `bytes[0]` in the file, for error messages. */
  readonly base: number;
  readonly le: boolean;

  constructor(bytes: Uint8Array, littleEndian: boolean, base = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = littleEndian;
    this.base = base;
  }

  get length(): number {
    return this.bytes.length;
  }

  check(offset: number, width: number, what = "read"): void {
    if (
      offset < 0 ||
      width < 0 ||
      offset + width > this.bytes.length ||
      !Number.isSafeInteger(offset + width)
    ) {
      fail(
        "truncated",
        `${what} of ${width} bytes runs past the end of the data`,
        this.base + Math.max(0, offset),
      );
    }
  }

  u8(o: number): number {
    this.check(o, 1);
    return this.bytes[o]!;
  }
  u16(o: number): number {
    this.check(o, 2);
    return this.view.getUint16(o, this.le);
  }
  u32(o: number): number {
    this.check(o, 4);
    return this.view.getUint32(o, this.le);
  }
  i8(o: number): number {
    this.check(o, 1);
    return this.view.getInt8(o);
  }
  i16(o: number): number {
    this.check(o, 2);
    return this.view.getInt16(o, this.le);
  }
  i32(o: number): number {
    this.check(o, 4);
    return this.view.getInt32(o, this.le);
  }
  u64(o: number): bigint {
    this.check(o, 8);
    return this.view.getBigUint64(o, this.le);
  }
  i64(o: number): bigint {
    this.check(o, 8);
    return this.view.getBigInt64(o, this.le);
  }
  /** A 64-bit unsigned value as a number; refuses values that do not fit exactly (offsets, sizes). */
  u64n(o: number, what = "value"): number {
    this.check(o, 8);
    const lo = this.view.getUint32(o + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(o + (this.le ? 4 : 0), this.le);
    if (hi > 0x1fffff)
      fail(
        "bad-table-offset",
        `${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")} is too large`,
        this.base + o,
      );
    return hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
  }
  /** A word of the file's class: 4 bytes (ELF32) or 8 bytes (ELF64), as a bigint. */
  word(o: number, is64: boolean): bigint {
    return is64 ? this.u64(o) : BigInt(this.u32(o));
  }
  /** A class-sized offset or size as a number (refusing > 2^53). */
  wordn(o: number, is64: boolean, what?: string): number {
    return is64 ? this.u64n(o, what) : this.u32(o);
  }
  /** A sub-view sharing the same memory. */
  slice(offset: number, length: number, what = "slice"): ByteView {
    this.check(offset, length, what);
    return new ByteView(this.bytes.subarray(offset, offset + length), this.le, this.base + offset);
  }
}

/**
 * Unchecked readers for hot loops over a table whose bounds the caller has already checked (the section header
 * table, a symbol table, a relocation section): no BigInt is allocated for the common small values.
 */

const views = new WeakMap<Uint8Array, DataView>();

/** A DataView over the whole array, made once per array (a file's bytes are read through one view). */
export function dataView(bytes: Uint8Array): DataView {
  let v = views.get(bytes);
  if (!v) {
    v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, v);
  }
  return v;
}

/** A 64-bit unsigned value as a number (rounded above 2^53, like `Number(bigint)`). */
export function u64Number(dv: DataView, o: number, le: boolean): number {
  const lo = dv.getUint32(o + (le ? 0 : 4), le);
  const hi = dv.getUint32(o + (le ? 4 : 0), le);
  // No floating-point arithmetic for the usual small value: V8 would return it as a boxed double, and an object
  // field that once held a double boxes every later value too (five extra allocations per section header).
  return hi === 0 ? lo : hi * 0x1_0000_0000 + lo;
}

const SMALL_BIG_LIMIT = 4096;
const smallBig: bigint[] = [];

/** A 32-bit unsigned value as a bigint; values below 4096 (addresses and symbol values in objects) are shared. */
export function u64Big32(lo: number): bigint {
  if (lo < SMALL_BIG_LIMIT) {
    const cached = smallBig[lo];
    if (cached !== undefined) return cached;
    const b = BigInt(lo);
    smallBig[lo] = b;
    return b;
  }
  return BigInt(lo);
}

/** A 64-bit unsigned value as a bigint, sharing the small ones. */
export function u64Big(dv: DataView, o: number, le: boolean): bigint {
  const hi = dv.getUint32(o + (le ? 4 : 0), le);
  if (hi === 0) return u64Big32(dv.getUint32(o + (le ? 0 : 4), le));
  return dv.getBigUint64(o, le);
}

/** Unsigned LEB128 at `o`; returns [value, bytesRead]. Refuses encodings longer than 10 bytes. */
export function readUleb(bytes: Uint8Array, o: number, base = 0): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const at = o + i;
    if (at >= bytes.length) fail("truncated", "LEB128 runs past the end of the data", base + o);
    const b = bytes[at]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  return fail("bad-dwarf", "LEB128 value longer than 10 bytes", base + o);
}

/** Signed LEB128 at `o`; returns [value, bytesRead]. */
export function readSleb(bytes: Uint8Array, o: number, base = 0): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const at = o + i;
    if (at >= bytes.length) fail("truncated", "LEB128 runs past the end of the data", base + o);
    const b = bytes[at]!;
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      if (b & 0x40) result -= 1n << shift;
      return [result, i + 1];
    }
  }
  return fail("bad-dwarf", "LEB128 value longer than 10 bytes", base + o);
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/**
 * The NUL-terminated string at `o`. Returns undefined when no NUL follows before `end`: the caller decides
 * which error that is. Names are decoded as UTF-8 when they are not plain ASCII.
 */
export function cString(bytes: Uint8Array, o: number, end = bytes.length): string | undefined {
  const stop = bytes.indexOf(0, o);
  if (stop < 0 || stop >= end) return undefined;
  if (stop === o) return "";
  const part = bytes.subarray(o, stop);
  for (let i = 0; i < part.length; i++) {
    if (part[i]! >= 0x80) return utf8.decode(part);
  }
  return latin1.decode(part);
}
