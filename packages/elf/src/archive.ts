import { fail } from "./errors.js";

export interface ArchiveMember {
  /** The member's name, with GNU `/` terminators and BSD `#1/` prefixes resolved. */
  readonly name: string;
  /** Offset of the member's 60-byte header in the archive. */
  readonly headerOffset: number;
  /** Offset of the member's data in the archive (for thin archives: where it would be; data is then empty). */
  readonly dataOffset: number;
  readonly size: number;
  /** A view of the member's bytes; empty for thin archives, whose members live in files named by `name`. */
  readonly data: Uint8Array;
}

export interface Archive {
  readonly thin: boolean;
  readonly members: readonly ArchiveMember[];
}

const MAGIC = "!<arch>\n";
const THIN = "!<thin>\n";
const HDR = 60;

export function isArchive(bytes: Uint8Array): boolean {
  const head = ascii(bytes, 0, 8);
  return head === MAGIC || head === THIN;
}

/**
 * Lists the object members of an `ar` archive: the symbol tables (`/`, `/SYM64/`, `__.SYMDEF`) and the GNU
 * long-name table (`//`) are consumed, not listed.
 */
export function readArchive(bytes: Uint8Array): Archive {
  const head = ascii(bytes, 0, 8);
  if (head !== MAGIC && head !== THIN) fail("bad-archive", "not an ar archive (no !<arch> magic)", 0);
  const thin = head === THIN;
  const members: ArchiveMember[] = [];
  let longNames: Uint8Array | undefined;
  let o = 8;
  while (o < bytes.length) {
    if (bytes.length - o === 1 && bytes[o] === 0x0a) break; // trailing pad byte
    if (o + HDR > bytes.length) fail("bad-archive", "archive member header is truncated", o);
    if (bytes[o + 58] !== 0x60 || bytes[o + 59] !== 0x0a)
      fail("bad-archive", "archive member header has a bad terminator", o + 58);
    const rawName = ascii(bytes, o, 16).trimEnd();
    const sizeText = ascii(bytes, o + 48, 10).trim();
    if (!/^\d+$/.test(sizeText))
      fail("bad-archive", `archive member size '${sizeText}' is not a number`, o + 48);
    let size = Number(sizeText);
    let dataOffset = o + HDR;
    let name = rawName;
    const special =
      rawName === "/" || rawName === "/SYM64/" || rawName === "//" || rawName.startsWith("__.SYMDEF");
    // Thin archives embed only the symbol and name tables; members are separate files.
    const embedded = !thin || special;
    if (embedded && dataOffset + size > bytes.length) {
      fail("bad-archive", `archive member '${rawName}' (${size} bytes) runs past the end of the archive`, o);
    }
    if (rawName === "//") {
      longNames = bytes.subarray(dataOffset, dataOffset + size);
    } else if (rawName.startsWith("#1/")) {
      const n = Number(rawName.slice(3));
      if (!Number.isInteger(n) || n > size)
        fail("bad-archive", `BSD long name length '${rawName}' is bad`, o);
      name = utf8(bytes.subarray(dataOffset, dataOffset + n)).replace(/\0+$/, "");
      dataOffset += n;
      size -= n;
    } else if (/^\/\d+$/.test(rawName)) {
      const at = Number(rawName.slice(1));
      if (!longNames || at >= longNames.length)
        fail("bad-archive", `long name offset ${at} is outside the // table`, o);
      let end = at;
      while (end < longNames.length && longNames[end] !== 0x0a && longNames[end] !== 0) end++;
      name = utf8(longNames.subarray(at, end)).replace(/\/$/, "");
    } else if (name.endsWith("/")) {
      name = name.slice(0, -1);
    }
    if (!special) {
      members.push({
        name,
        headerOffset: o,
        dataOffset,
        size,
        data: embedded ? bytes.subarray(dataOffset, dataOffset + size) : new Uint8Array(0),
      });
    }
    const consumed = embedded ? dataOffset + size - o - HDR : 0;
    o += HDR + consumed;
    if (o % 2 === 1) o++;
  }
  return { thin, members };
}

function ascii(b: Uint8Array, o: number, n: number): string {
  let s = "";
  for (let i = o; i < o + n && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

const decoder = new TextDecoder();
function utf8(b: Uint8Array): string {
  return decoder.decode(b);
}
