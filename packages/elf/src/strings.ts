import { cString } from "./bytes.js";
import { fail } from "./errors.js";

/**
 * A string table section (SHT_STRTAB): names are looked up by offset, directly in the file's bytes.
 * Unterminated strings and offsets past the end are typed errors naming the table's file offset.
 */
export class StringTable {
  constructor(
    readonly bytes: Uint8Array,
    /** File offset of the table, for error messages. */
    readonly fileOffset: number,
    readonly what: string,
  ) {}

  get(offset: number): string {
    if (offset >= this.bytes.length) {
      if (offset === 0 && this.bytes.length === 0) return "";
      fail(
        "bad-string-offset",
        `${this.what}: name offset ${offset} is past the end of the string table (size ${this.bytes.length})`,
        this.fileOffset,
      );
    }
    const s = cString(this.bytes, offset);
    if (s === undefined) {
      fail("bad-string-table", `${this.what}: string at offset ${offset} is not NUL-terminated`, this.fileOffset + offset);
    }
    return s;
  }
}
