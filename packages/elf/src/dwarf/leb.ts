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
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end)
        this.sec.fail("truncated", "LEB128 value runs past the end of the data", start);
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    return this.sec.fail("bad-dwarf", "LEB128 value longer than 10 bytes", start);
  }

  slebBig(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end)
        this.sec.fail("truncated", "LEB128 value runs past the end of the data", start);
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) {
        if (byte & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
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

/** The NUL-terminated string at `o` in a string section, or a typed error naming the section. */
export function stringAt(sec: DebugSection, o: number): string {
  const b = sec.bytes;
  const n = b.length;
  if (o < 0 || o >= n)
    sec.fail("bad-string-offset", `string offset 0x${o.toString(16)} is outside ${sec.name}`, o);
  // A plain loop: names are short, and it beats a call into the indexOf builtin for each of them.
  let stop = o;
  while (stop < n && b[stop] !== 0) stop++;
  if (stop >= n) sec.fail("bad-string-offset", `string at 0x${o.toString(16)} is not NUL-terminated`, o);
  return sec.text(o, stop);
}
