import { cString } from "./bytes.js";
import { fail } from "./errors.js";

const latin1 = new TextDecoder("latin1");
const NON_ASCII = /[\u0080-\uffff]/;
/** Node's Buffer, when there is one: its latin1 decoding is a plain native copy, several times faster. */
const NodeBuffer: typeof Buffer | undefined = typeof Buffer === "function" ? Buffer : undefined;

/** The bytes as a string of one character per byte (ASCII bytes map to themselves; others are caught later). */
function decodeBytes(b: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  return latin1.decode(b);
}

/**
 * A string table section (SHT_STRTAB): names are looked up by offset, directly in the file's bytes.
 * Unterminated strings and offsets past the end are typed errors naming the table's file offset.
 *
 * The first lookup decodes the whole table into one JavaScript string, once; when the table is plain ASCII (the
 * usual case) every name is then a `slice` of it, which is several times cheaper than decoding each name on its
 * own (a 70,000-section object has 210,000 names). Tables with other bytes decode each name as UTF-8.
 */
export class StringTable {
  /** The whole table, one character per byte, when it is all ASCII; null when it is not; undefined before use. */
  #text: string | null | undefined;

  constructor(
    readonly bytes: Uint8Array,
    /** File offset of the table, for error messages. */
    readonly fileOffset: number,
    readonly what: string,
  ) {}

  /** Throws as `get` would for this offset, without making the string. */
  check(offset: number): void {
    if (offset < this.bytes.length && this.bytes[this.bytes.length - 1] === 0) return;
    this.get(offset);
  }

  /** True when the string at `offset` is `s` (ASCII `s`: compared byte by byte, no string made). */
  equals(offset: number, s: string): boolean {
    const b = this.bytes;
    if (offset + s.length >= b.length) return offset < b.length && this.get(offset) === s;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) return this.get(offset) === s;
      if (b[offset + k] !== c) return false;
    }
    return b[offset + s.length] === 0;
  }

  /** True when the string at `offset` starts with `prefix` (ASCII `prefix`), without making the string. */
  startsWith(offset: number, prefix: string): boolean {
    const b = this.bytes;
    for (let k = 0; k < prefix.length; k++) {
      const at = offset + k;
      if (at >= b.length || b[at] !== prefix.charCodeAt(k)) return false;
    }
    return true;
  }

  get(offset: number): string {
    if (offset >= this.bytes.length) {
      if (offset === 0 && this.bytes.length === 0) return "";
      fail(
        "bad-string-offset",
        `${this.what}: name offset ${offset} is past the end of the string table (size ${this.bytes.length})`,
        this.fileOffset,
      );
    }
    if (this.#text === undefined) {
      const text = decodeBytes(this.bytes);
      this.#text = NON_ASCII.test(text) ? null : text;
    }
    const text = this.#text;
    const s = text !== null ? asciiString(text, offset) : cString(this.bytes, offset);
    if (s === undefined) {
      fail(
        "bad-string-table",
        `${this.what}: string at offset ${offset} is not NUL-terminated`,
        this.fileOffset + offset,
      );
    }
    return s;
  }
}

function asciiString(text: string, offset: number): string | undefined {
  const stop = text.indexOf("\0", offset);
  return stop < 0 ? undefined : text.slice(offset, stop);
}
