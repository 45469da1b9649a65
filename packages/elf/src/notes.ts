import { ByteView, cString } from "./bytes.js";
import { fail } from "./errors.js";

export interface Note {
  readonly name: string;
  readonly type: number;
  /** A view of the descriptor bytes. */
  readonly desc: Uint8Array;
  /** File offset of the note header. */
  readonly offset: number;
}

/**
 * Parses the notes of one SHT_NOTE section or PT_NOTE segment. Entries are padded to 4 bytes, or to 8 when the
 * container is 8-aligned (as `.note.gnu.property` is on 64-bit targets).
 */
export function readNotes(
  data: Uint8Array,
  littleEndian: boolean,
  fileOffset: number,
  align: number,
): Note[] {
  const a = align === 8 ? 8 : 4;
  const v = new ByteView(data, littleEndian, fileOffset);
  const notes: Note[] = [];
  let o = 0;
  while (o < data.length) {
    if (o + 12 > data.length) fail("bad-note", "note header is truncated", fileOffset + o);
    const namesz = v.u32(o);
    const descsz = v.u32(o + 4);
    const type = v.u32(o + 8);
    const nameAt = o + 12;
    const descAt = nameAt + pad(namesz, a);
    const end = descAt + pad(descsz, a);
    if (nameAt + namesz > data.length || descAt + descsz > data.length) {
      fail(
        "bad-note",
        `note (name size ${namesz}, descriptor size ${descsz}) runs past the end of its section`,
        fileOffset + o,
      );
    }
    const name =
      namesz === 0
        ? ""
        : (cString(data, nameAt, nameAt + namesz) ?? latin(data.subarray(nameAt, nameAt + namesz)));
    notes.push({ name, type, desc: data.subarray(descAt, descAt + descsz), offset: fileOffset + o });
    o = Math.min(end, data.length);
  }
  return notes;
}

function pad(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** A name without a NUL, byte for byte; in slices, as spreading ~120 KB into fromCharCode overflows the stack. */
function latin(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
