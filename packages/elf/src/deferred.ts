import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { giveBack, mappedBuffer } from "./buffers.js";
import { ByteView } from "./bytes.js";
import { SHF, SHN_XINDEX, SHT } from "./constants.js";
import { ElfFile } from "./elf.js";
import { ElfError, ioError } from "./errors.js";
import { type ElfHeader, readHeader } from "./header.js";
import { type FileWindow, TABLE_PIECE, type TableBytes } from "./relocations.js";
import { readRaw, readSections, type SectionHeaders } from "./sections.js";
import { PN_XNUM, readSegments, type Segment } from "./segments.js";

/**
 * Reading an ELF file with its DWARF left on disk.
 *
 * In an object built with -g the debug sections and their relocations are about half the file, and only the
 * DWARF reader wants them: a diff that holds both files whole holds their DWARF for its whole run. Opened
 * this way, the file's image (one `Uint8Array` the size of the file, so every offset stays the file's) gets
 * everything but those sections; their pages are never written, and a zero-filled buffer of that size comes
 * from the system as pages it commits only when touched. `ElfFile.withDebugSections()` then reads the DWARF
 * into a second image, which takes everything else (headers, symbols) from the first and which the DWARF
 * reader gives back (`ElfFile.release`) once it has built its model. Anything else that asks for a section
 * left out gets it read into its place then: the image never answers with the zeros that stand for it.
 *
 * Anything unusual — not ELF, a malformed header or section table, a deferred section sharing bytes with one
 * that is kept — and the file is read whole, so that errors and results are those of `readElf` exactly.
 */

/**
 * Whether section `i` is one the image leaves on disk: non-allocated DWARF, or relocations of it. `machine`
 * (the header's e_machine) for MIPS, whose DWARF sections have a type of their own.
 */
export function isDeferredDebug(h: SectionHeaders, i: number, machine = 0): boolean {
  const type = h.type(i);
  if (type === SHT.NOBITS || h.size(i) === 0) return false;
  if (type === SHT.REL || type === SHT.RELA) {
    const target = h.info(i);
    return target !== i && h.has(target) && isDebugContents(h, target, machine);
  }
  return isDebugContents(h, i, machine);
}

/**
 * Whether section `i` is a relocation table the image can leave on disk and hand out through a window
 * (`PartialImage.window`): non-allocated REL/RELA of a section that is not debug information. A diff decodes
 * each a few times, in passes over the object and while comparing, and keeps the tables it works on, not
 * the bytes: in an object with 1,000,000 relocations they are 24 MB of its 60.
 */
export function isStreamedRelocations(h: SectionHeaders, i: number, machine = 0): boolean {
  const type = h.type(i);
  if ((type !== SHT.REL && type !== SHT.RELA) || h.size(i) === 0 || (h.flags(i) & SHF.ALLOC) !== 0)
    return false;
  const target = h.info(i);
  return target !== i && h.has(target) && !isDebugContents(h, target, machine);
}

const EM_MIPS = 8;
const SHT_MIPS_DWARF = 0x7000001e;

/**
 * Only PROGBITS (or MIPS's own type for DWARF): a debug name on another type (an init array, say) is
 * something the diff does read.
 */
function isDebugContents(h: SectionHeaders, i: number, machine: number): boolean {
  const type = h.type(i);
  return (
    (type === SHT.PROGBITS || (machine === EM_MIPS && type === SHT_MIPS_DWARF)) &&
    (h.flags(i) & SHF.ALLOC) === 0 &&
    h.size(i) > 0 &&
    (h.nameStartsWith(i, ".debug_") || h.nameStartsWith(i, ".zdebug_"))
  );
}

/** The smallest file whose debug image is a resizable buffer, given back at once (see `openDebugImage`). */
const RESIZABLE_FROM = 4 * 2 ** 20;

/** `[start, end)` ranges of the file, sorted and merged. */
type Ranges = number[];

function merged(list: [number, number][]): Ranges {
  list.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [s, e] of list) {
    const n = out.length;
    if (n > 0 && s <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

/** Whether `[s, e)` meets any of the ranges (a binary search: there are few, the sections many). */
function meets(r: Ranges, s: number, e: number): boolean {
  let lo = 0;
  let hi = r.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r[2 * mid + 1]! <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.length / 2 && r[2 * lo]! < e;
}

/** The largest file read into an image: `readFileSync`'s limit, so that both ways refuse the same files. */
const MAX_IMAGE = 2 ** 31 - 1;

/** An open file read by ranges into an image of its full size. */
class Source {
  readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw ioError(e, path);
    }
  }

  /** Copies `[start, end)` of the file into the same place of `image`, or from `into` on when given. */
  read(image: Uint8Array, start: number, end: number, into = start): void {
    let at = start;
    try {
      while (at < end) {
        const n = readSync(this.fd, image, into + at - start, end - at, at);
        if (n === 0) throw new ElfError("io", "the file got shorter while it was read", at, this.path);
        at += n;
      }
    } catch (e) {
      throw e instanceof ElfError ? e : ioError(e, this.path);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The file opened again, for more of it: refused (typed) when it is no longer the size it was. */
  static again(path: string, size: number): Source {
    const src = new Source(path);
    if (src.size !== size) {
      src.close();
      throw new ElfError("io", "the file changed size while it was read", 0, path);
    }
    return src;
  }
}

/** The frame of a file, as the reader decodes it: header, section headers, program headers. */
interface Frame {
  readonly header: ElfHeader;
  readonly headers: SectionHeaders;
  readonly segments: readonly Segment[];
}

/**
 * What the image must hold before anything else: the ELF header, section 0, the section header table, the
 * section-name table and the program header table, read in that order (each tells where the next is) and
 * decoded by the reader. Undefined when the file is not plainly an ELF file with a section table, or the
 * reader refuses any of it: the caller reads the file whole, for the reader's own error.
 */
function readFrame(src: Source, image: Uint8Array): Frame | undefined {
  src.read(image, 0, Math.min(src.size, 64));
  try {
    const header = readHeader(image);
    const entry = header.is64 ? 64 : 40;
    if (header.shoff === 0 || header.shentsize !== entry || header.shoff + entry > src.size) return undefined;
    src.read(image, header.shoff, header.shoff + entry);
    const v = new ByteView(image, header.littleEndian);
    const s0 = readRaw(v, header.shoff, header.is64);
    const count = header.shnumRaw !== 0 ? header.shnumRaw : s0.size;
    const tableEnd = header.shoff + count * entry;
    if (!Number.isSafeInteger(tableEnd) || tableEnd > src.size) return undefined;
    src.read(image, header.shoff, tableEnd);
    const shstrndx = header.shstrndxRaw === SHN_XINDEX ? s0.link : header.shstrndxRaw;
    if (shstrndx !== 0 && shstrndx < count) {
      const names = readRaw(v, header.shoff + shstrndx * entry, header.is64);
      const end = names.offset + names.size;
      if (!Number.isSafeInteger(end) || end > src.size) return undefined;
      src.read(image, names.offset, end);
    }
    // PN_XNUM puts the count in section 0, past the table read here: read whole.
    if (header.phnum === PN_XNUM) return undefined;
    if (header.phoff !== 0 && header.phnum > 0) {
      const end = header.phoff + header.phnum * header.phentsize;
      if (!Number.isSafeInteger(end) || end > src.size) return undefined;
      src.read(image, header.phoff, end);
    }
    return {
      header,
      headers: readSections(image, header).headers,
      segments: readSegments(image, header, undefined),
    };
  } catch (e) {
    if (e instanceof ElfError) return undefined;
    throw e;
  }
}

/** Whether the frame or a kept section has bytes in the ranges `out` of the sections left out (`absent`). */
function sharesBytes(frame: Frame, out: Ranges, absent: Uint8Array): boolean {
  for (const [s, e] of frameRanges(frame)) if (meets(out, s, e)) return true;
  const h = frame.headers;
  for (let i = 1; i < h.count; i++) {
    if (absent[i] || h.type(i) === SHT.NOBITS || h.size(i) === 0) continue;
    const [s, e] = sectionRange(h, i);
    if (meets(out, s, e)) return true;
  }
  return false;
}

/**
 * The file's frame (header, program and section header tables) and the bytes of its segments as ranges:
 * notes and segments are read by file offset, not by section.
 */
function frameRanges({ header, headers, segments }: Frame): [number, number][] {
  const out: [number, number][] = [[0, header.is64 ? 64 : 52]];
  out.push([header.shoff, header.shoff + headers.count * header.shentsize]);
  if (segments.length === 0) return out;
  out.push([header.phoff, header.phoff + segments.length * header.phentsize]);
  for (const p of segments) if (p.filesz > 0) out.push([p.offset, p.offset + p.filesz]);
  return out;
}

function sectionRange(h: SectionHeaders, i: number): [number, number] {
  const o = h.offset(i);
  return [o, o + h.size(i)];
}

/** What `openPartial` leaves on disk. */
export interface LeftOut {
  /** The debug sections and their relocations (`isDeferredDebug`). */
  readonly debug: boolean;
  /** The other relocation tables (`isStreamedRelocations`), read through a window when decoded. */
  readonly relocations: boolean;
}

/**
 * Opens `path` with its debug sections, its relocation tables or both left on disk (see above): read whole
 * into the same image when there is nothing to leave out or a kept section shares bytes with one left out;
 * undefined when the frame is anything unusual, for the caller to read the file whole as `readElf` would.
 */
export function openPartial(path: string, leave: LeftOut): ElfFile | undefined {
  const src = new Source(path);
  try {
    // Past what `readFileSync` reads (2 GiB), its typed error, from the caller's whole read.
    if (src.size >= MAX_IMAGE) return undefined;
    const image = new Uint8Array(src.size);
    const frame = readFrame(src, image);
    if (!frame) return undefined;
    const h = frame.headers;
    const machine = frame.header.machine;
    const absent = new Uint8Array(h.count);
    const streamed = new Uint8Array(h.count);
    const deferred: [number, number][] = [];
    let debug = false;
    for (let i = 1; i < h.count; i++) {
      if (leave.debug && isDeferredDebug(h, i, machine)) debug = true;
      else if (leave.relocations && isStreamedRelocations(h, i, machine)) streamed[i] = 1;
      else continue;
      absent[i] = 1;
      deferred.push(sectionRange(h, i));
    }
    const out = merged(deferred);
    if (out.length === 0 || sharesBytes(frame, out, absent)) {
      src.read(image, 0, src.size);
      return new ElfFile(image, { path });
    }
    let at = 0;
    for (let k = 0; k < out.length; k += 2) {
      src.read(image, at, out[k]!);
      at = out[k + 1]!;
    }
    src.read(image, at, src.size);
    const size = src.size;
    const load = (index: number): void => readSection(path, size, image, sectionRange(h, index));
    const w = streamed.includes(1) ? windowOnto(path, size) : undefined;
    return new ElfFile(image, {
      path,
      partial: {
        absent,
        load,
        ...(debug ? { withDebug: (file: ElfFile) => openDebugImage(file, path, size, streamed) } : {}),
        ...(w ? { streamed, window: w.window, close: w.close } : {}),
      },
    });
  } finally {
    src.close();
  }
}

/** Reads one left-out section into its place, from the file opened again. */
function readSection(path: string, size: number, image: Uint8Array, [start, end]: [number, number]): void {
  const src = Source.again(path, size);
  try {
    src.read(image, start, end);
  } finally {
    src.close();
  }
}

/**
 * The most a window reads at once: what follows the table asked for, while tables are read in file order.
 * Also the most it is asked for: the decoder reads a larger table piece by piece (`TABLE_PIECE`).
 */
const WINDOW = TABLE_PIECE;
/** The first read-ahead of tables read in file order (a table read out of order is read alone). */
const FIRST_AHEAD = 4096;

/** Windows onto one file: the diff reads two or three series of tables at once (see `windowOnto`). */
const WINDOWS = 4;

/** A window onto a file and the means to close the file it keeps open (see `windowOnto`). */
interface Window {
  readonly window: TableBytes;
  readonly close: () => void;
}

/** Bytes `[base, end)` of the file in `bytes`, how far the last read looked ahead, when last used. */
interface Pane {
  readonly bytes: Uint8Array;
  base: number;
  end: number;
  ahead: number;
  used: number;
}

/**
 * `PartialImage.window`: a few buffers ("panes"), each refilled from the file with the bytes asked for and
 * what follows them. Read-ahead as a kernel does it, per pane: a read that starts a little past where a
 * pane's last one ended refills that pane with twice as much ahead as the last (4 KiB at first, 64 KiB at
 * most); any other refills the least recently used pane with the bytes alone. Tables decoded in file order
 * cost one read per 64 KiB, even when two series of them are decoded in turn (the comparison of each
 * function's relocations, and the merged tables of the data it refers to), and so do the pieces of a large
 * table; tables decoded out of order cost no more than themselves. The file stays open between reads
 * (`KeptOpen`). Never asked for more than a pane: the decoder reads at most `TABLE_PIECE` bytes at a time.
 */
function windowOnto(path: string, size: number): Window {
  const panes: Pane[] = [];
  let clock = 0;
  const file = new KeptOpen(path, size);
  const read = (start: number, end: number): FileWindow => {
    clock++;
    let pane: Pane | undefined;
    let onward = false;
    for (const p of panes) {
      if (start >= p.base && end <= p.end) {
        p.used = clock;
        return p;
      }
      // After the pane, and not far: the next table of its series (GCC puts each function's after its code).
      if (start >= p.end && start - p.end <= Math.max(p.ahead, FIRST_AHEAD)) {
        pane = p;
        onward = true;
      }
    }
    if (!pane) {
      if (panes.length < WINDOWS) {
        pane = { bytes: new Uint8Array(WINDOW), base: 0, end: 0, ahead: 0, used: 0 };
        panes.push(pane);
      } else {
        pane = panes.reduce((a, b) => (b.used < a.used ? b : a));
      }
    }
    pane.ahead = onward ? Math.min(WINDOW, Math.max(FIRST_AHEAD, 2 * pane.ahead)) : 0;
    pane.used = clock;
    const last = Math.min(start + Math.max(pane.ahead, end - start), size);
    pane.base = start;
    pane.end = start;
    file.read(pane.bytes, start, last);
    pane.end = last;
    return pane;
  };
  return { window: read, close: () => file.close() };
}

/** At most this many files are kept open by windows at once (see `KeptOpen`). */
const MAX_KEPT_OPEN = 8;
/** The files windows keep open, the least recently read first. */
const keptOpen = new Set<KeptOpen>();

/**
 * The file a window reads, opened on its first read and kept open for the next ones (an open costs ~10 µs, a
 * read ~2 µs) until `close`, or until more than `MAX_KEPT_OPEN` are open in the process, when the least
 * recently read is closed (it opens again on its next read): callers that never close an `ElfFile` hold no
 * more descriptors than that, however many files they open, and a file nobody closes stays open until others
 * push it out. Apart from the panes, so that the set holds nothing big. (Not a FinalizationRegistry: its
 * callbacks wait for the event loop, and a synchronous loop over thousands of files kept every one's panes
 * alive until then: 160 KB a file, gigabytes in the long fuzz run.)
 */
class KeptOpen {
  #src: Source | undefined;

  constructor(
    private readonly path: string,
    private readonly size: number,
  ) {}

  /** Copies `[start, end)` of the file to `bytes[0..]`. */
  read(bytes: Uint8Array, start: number, end: number): void {
    if (this.#src === undefined) {
      this.#src = Source.again(this.path, this.size);
      for (const other of keptOpen) {
        if (keptOpen.size < MAX_KEPT_OPEN) break;
        other.close();
      }
    }
    keptOpen.delete(this);
    keptOpen.add(this);
    try {
      this.#src.read(bytes, start, end, 0);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  close(): void {
    this.#src?.close();
    this.#src = undefined;
    keptOpen.delete(this);
  }
}

/**
 * The image the DWARF reader works on: the deferred sections alone, the rest (headers, symbols) shared with
 * `main`, the file opened without them.
 */
function openDebugImage(main: ElfFile, path: string, size: number, streamed: Uint8Array): ElfFile {
  const src = Source.again(path, size);
  try {
    // Resizable, to be given back the moment the DWARF reader is done (`ElfFile.release`): V8 decommits a
    // resizable buffer's pages when it shrinks, where a plain one waits for a collection. Not for small files:
    // reserving and freeing one costs ~0.2 ms, as much as a third of the DWARF reading of a 135 KB object.
    const resizable = size >= RESIZABLE_FROM ? mappedBuffer(size) : undefined;
    const buffer = resizable ?? new ArrayBuffer(size);
    const image = new Uint8Array(buffer, 0, size);
    const h = main.headers;
    const absent = new Uint8Array(h.count).fill(1);
    const wanted: [number, number][] = [];
    for (let i = 1; i < h.count; i++) {
      // Relocation tables left out of `main` to be read through its window stay with it.
      if (main.holds(i) || streamed[i] === 1) continue;
      absent[i] = 0;
      wanted.push(sectionRange(h, i));
    }
    const ranges = merged(wanted);
    for (let k = 0; k < ranges.length; k += 2) src.read(image, ranges[k]!, ranges[k + 1]!);
    return new ElfFile(image, {
      path,
      partial: { absent, shared: main, ...(resizable ? { release: () => giveBack(resizable) } : {}) },
    });
  } finally {
    src.close();
  }
}
