import { archTable, machineName, relocTypeName } from "./arch/index.js";
import { type CompressionHeader, decompress, readChdr, readZdebugHeader } from "./compression.js";
import { SHF, SHT } from "./constants.js";
import { ElfError, fail } from "./errors.js";
import { readGroup, type SectionGroup } from "./groups.js";
import { type ElfHeader, readHeader } from "./header.js";
import { type Note, readNotes } from "./notes.js";
import {
  type FileWindow,
  type RelocationScratch,
  type RelocationTable,
  readRelocations,
  readRelocationsInto,
  type TableBytes,
} from "./relocations.js";
import { readSections, type Section, type SectionHeaders } from "./sections.js";
import { readSegments, type Segment } from "./segments.js";
import { StringTable } from "./strings.js";
import {
  type ElfSymbol,
  isDefinedIn,
  readSymbolTable,
  type SymbolTable,
  SymbolView,
  symbolTableOf,
} from "./symbols.js";

export interface ReadOptions {
  /** The file name, used in error messages. */
  path?: string;
  /** For `openElf`: the input is an image of the file that leaves some sections out (see `deferred.ts`). */
  partial?: PartialImage;
}

/** What an image of a file leaves out, and how to get it. */
export interface PartialImage {
  /** 1 for each section whose bytes the image does not hold (the rest of the image is the file's). */
  readonly absent: Uint8Array;
  /** Reads section `index` from the file into its place in the image (for what the image left out). */
  readonly load?: (index: number) => void;
  /** The file again, with its debug sections (`withDebugSections`); `file` is this image's file. */
  readonly withDebug?: (file: ElfFile) => ElfFile;
  /**
   * The file whose image holds what this one leaves out: this file takes its headers from it, and its
   * symbols, groups, notes and the contents of the sections it does not hold.
   */
  readonly shared?: ElfFile;
  /** Gives the image's memory back at once (see `ElfFile.release`). */
  readonly release?: () => void;
  /** 1 for each left-out relocation table to be decoded through `window` (see `deferred.ts`). */
  readonly streamed?: Uint8Array;
  /**
   * Bytes `[from, to)` of the file without putting them in the image, for the `streamed` tables, which are
   * decoded and not kept: a window onto the file, valid until the next call.
   */
  readonly window?: TableBytes;
  /** Closes the file `window` keeps open (see `ElfFile.close`). */
  readonly close?: () => void;
}

/**
 * One ELF file over one byte array. The header and section table are read at once (they are needed for
 * anything); everything else — symbols, groups, notes, decompressed contents — is decoded on first use and
 * cached, but for relocation tables, which are decoded on each request (see `relocations`). Nothing here
 * mutates the input bytes.
 */
export class ElfFile {
  readonly bytes: Uint8Array;
  readonly path: string | undefined;
  readonly header: ElfHeader;
  /** The section headers, read from the bytes when asked (no object per section). */
  readonly headers: SectionHeaders;
  readonly shstrndx: number;

  #sections: readonly Section[] | undefined;
  #symtabView: SymbolView | null | undefined;
  #byNameIndex = new Map<string, number>();

  #symtab: SymbolTable | null | undefined;
  #dynsym: SymbolTable | null | undefined;
  /** The REL/RELA sections patching section T: `#relocsOf[#relocsFirst[T]..#relocsFirst[T + 1])`. */
  #relocsFirst: Int32Array | undefined;
  #relocsOf = new Int32Array(0);
  #relocationSections: readonly number[] | undefined;
  #contents = new Map<number, Uint8Array>();
  #groups: SectionGroup[] | undefined;
  #segments: Segment[] | undefined;
  readonly #partial: PartialImage | undefined;
  readonly #shared: ElfFile | undefined;

  constructor(input: Uint8Array, options: ReadOptions = {}) {
    const bytes = plainBytes(input);
    this.bytes = bytes;
    this.path = options.path;
    this.#partial = options.partial;
    const shared = options.partial?.shared;
    this.#shared = shared;
    if (shared) {
      this.header = shared.header;
      this.headers = shared.headers;
      this.shstrndx = shared.shstrndx;
      return;
    }
    this.header = withFile(options.path, () => readHeader(bytes));
    const table = withFile(options.path, () => readSections(bytes, this.header));
    this.headers = table.headers;
    this.shstrndx = table.shstrndx;
  }

  get is64(): boolean {
    return this.header.is64;
  }
  get littleEndian(): boolean {
    return this.header.littleEndian;
  }
  get machine(): number {
    return this.header.machine;
  }
  /** Our machine name ("x86_64", "aarch64", ...), or "EM_<n>". */
  get machineName(): string {
    return machineName(this.header.machine, this.header.is64);
  }
  /** True when the psABI of this machine stores addends in the relocated bytes (SHT_REL). */
  get usesRel(): boolean {
    const t = archTable(this.header.machine);
    return t ? !t.usesRela : false;
  }

  /** Runs `f`, stamping any ElfError it throws with this file's path. */
  protected guard<T>(f: () => T): T {
    return withFile(this.path, f);
  }

  /**
   * Every section as a `Section` object, built on first use and kept. Code that walks large objects reads
   * `headers` instead: an object per section costs more than the file's own 64-byte header.
   */
  get sections(): readonly Section[] {
    this.#sections ??= this.headers.all();
    return this.#sections;
  }

  section(index: number): Section {
    const s = this.#sections ? this.#sections[index] : this.headers.at(index);
    if (!s) throw new ElfError("bad-section-link", `section ${index} does not exist`, 0, this.path);
    return s;
  }

  /** The index of the first section named `name`, or -1. */
  sectionIndex(name: string): number {
    let i = this.#byNameIndex.get(name);
    if (i === undefined) {
      i = this.headers.indexOf(name);
      this.#byNameIndex.set(name, i);
    }
    return i;
  }

  sectionByName(name: string): Section | undefined {
    const i = this.sectionIndex(name);
    return i < 0 ? undefined : this.section(i);
  }

  #checkIndex(index: number): void {
    if (!this.headers.has(index))
      throw new ElfError("bad-section-link", `section ${index} does not exist`, 0, this.path);
  }

  /**
   * Whether `bytes` holds section `index`'s contents: always, but for a file opened with its debug sections
   * or its relocation tables left on disk (`openElf`), where those are read by `withDebugSections` or through
   * a window when decoded (or into this image the first time anything else asks for them: everything here
   * reads them right, at the cost of their memory).
   */
  holds(index: number): boolean {
    return this.#partial === undefined || this.#partial.absent[index] !== 1;
  }

  /**
   * This file with its debug sections in memory: itself, or for a file opened with them left on disk a new
   * `ElfFile` over a second image, read now and not kept (the DWARF reader asks for it and drops it).
   */
  withDebugSections(): ElfFile {
    const open = this.#partial?.withDebug;
    return open ? withFile(this.path, () => open(this)) : this;
  }

  /**
   * Gives the memory of an image read by `withDebugSections` back now, rather than when the collector gets
   * to it (the two sides' images would otherwise overlap: ~60 MB each for an object of 100,000 functions;
   * the image of a file under 4 MiB is left to the collector). Its sections are then read through the file
   * it shares the rest with. Nothing for other files.
   */
  release(): void {
    const p = this.#partial;
    if (p === undefined || this.#shared === undefined) return;
    p.absent.fill(1);
    p.release?.();
  }

  /**
   * Closes the file an image that leaves relocation tables on disk keeps open to read them (`openElf` with
   * `streamRelocations`); a later read opens it again. Without it the file is closed once eight others are
   * kept open in the process and it is the least recently read of them. Nothing for other files.
   */
  close(): void {
    this.#partial?.close?.();
  }

  /** Whether reads of section `index` go to the file this one shares its headers with (`PartialImage.shared`). */
  #elsewhere(index: number): boolean {
    return this.#shared !== undefined && this.#partial!.absent[index] === 1;
  }

  /**
   * Where relocation table `index` is read from: a window onto the file for a table the image left out to
   * be read that way (`PartialImage.window`), otherwise the image (the table read into its place first).
   */
  #tableBytes(index: number): TableBytes {
    const p = this.#partial;
    if (
      p?.window !== undefined &&
      p.streamed?.[index] === 1 &&
      p.absent[index] === 1 &&
      this.headers.has(index)
    )
      return p.window;
    this.#ensureHeld(index);
    return this.#whole;
  }
  /** The image as `TableBytes`: every range is in it. */
  readonly #whole: TableBytes = () => (this.#wholeWindow ??= { bytes: this.bytes, base: 0 });
  #wholeWindow: FileWindow | undefined;

  /** Reads a section the image left out into its place, rather than read the zeros there. */
  #ensureHeld(index: number): void {
    const p = this.#partial;
    if (p === undefined || p.absent[index] !== 1 || !this.headers.has(index)) return;
    p.load?.(index);
    p.absent[index] = 0;
  }

  /** The section's bytes as stored in the file (a view, no copy); empty for SHT_NOBITS. */
  rawData(index: number): Uint8Array {
    this.#checkIndex(index);
    if (this.#elsewhere(index)) return this.#shared!.rawData(index);
    this.#ensureHeld(index);
    const h = this.headers;
    if (h.type(index) === SHT.NOBITS) return new Uint8Array(0);
    const offset = h.offset(index);
    return this.bytes.subarray(offset, offset + h.size(index));
  }

  /** How the section is compressed, if it is (`SHF_COMPRESSED` or a legacy `.zdebug` name). */
  compression(index: number): CompressionHeader | undefined {
    this.#checkIndex(index);
    const h = this.headers;
    if (h.type(index) === SHT.NOBITS) return undefined;
    const offset = h.offset(index);
    if (h.flags(index) & SHF.COMPRESSED)
      return this.guard(() => readChdr(this.rawData(index), this.is64, this.littleEndian, offset));
    if (!h.nameStartsWith(index, ".zdebug")) return undefined;
    return this.guard(() => readZdebugHeader(this.rawData(index), offset));
  }

  /** The section's contents, decompressed when compressed (cached); otherwise a view of the file. */
  data(index: number): Uint8Array {
    const cached = this.#contents.get(index);
    if (cached) return cached;
    const hdr = this.compression(index);
    if (!hdr) return this.rawData(index);
    const offset = this.headers.offset(index);
    const out = this.guard(() => decompress(this.rawData(index), hdr, offset));
    this.#contents.set(index, out);
    return out;
  }

  /** `.symtab`, or undefined when the file has none (stripped). */
  get symbolTable(): SymbolTable | undefined {
    if (this.#shared) return this.#shared.symbolTable;
    if (this.#symtab === undefined) {
      // From the view (validated once), which the diff and the DWARF reader may have made already.
      const view = this.symbolView;
      this.#symtab = view ? symbolTableOf(view, this.headers) : null;
    }
    return this.#symtab ?? undefined;
  }

  /** `.symtab` symbols in index order (index 0 included); empty when there is no symbol table. */
  get symbols(): readonly ElfSymbol[] {
    return this.symbolTable?.symbols ?? [];
  }

  get dynamicSymbolTable(): SymbolTable | undefined {
    if (this.#shared) return this.#shared.dynamicSymbolTable;
    if (this.#dynsym === undefined) this.#dynsym = this.#readTable(SHT.DYNSYM);
    return this.#dynsym ?? undefined;
  }

  #readTable(type: number): SymbolTable | null {
    const i = this.#firstOfType(type);
    if (i < 0) return null;
    return this.guard(() => readSymbolTable(this.bytes, this.header, this.headers, i));
  }

  #firstOfType(type: number): number {
    for (let i = 0; i < this.headers.count; i++) if (this.headers.type(i) === type) return i;
    return -1;
  }

  /**
   * `.symtab` read in place (no object per symbol; see `SymbolView`), or undefined when there is none. The
   * same entries as `symbols`, for code that walks large tables.
   */
  get symbolView(): SymbolView | undefined {
    if (this.#shared) return this.#shared.symbolView;
    if (this.#symtabView === undefined) {
      const i = this.#firstOfType(SHT.SYMTAB);
      this.#symtabView =
        i < 0 ? null : this.guard(() => new SymbolView(this.bytes, this.header, this.headers, i));
    }
    return this.#symtabView ?? undefined;
  }

  /** Symbols of the table in section `index` (SYMTAB or DYNSYM). */
  symbolsOf(index: number): readonly ElfSymbol[] {
    if (this.#shared) return this.#shared.symbolsOf(index);
    if (this.symbolTable?.section.index === index) return this.symbolTable.symbols;
    if (this.dynamicSymbolTable?.section.index === index) return this.dynamicSymbolTable.symbols;
    this.#checkSymbolTable(index);
    return this.guard(() => readSymbolTable(this.bytes, this.header, this.headers, index)).symbols;
  }

  /** How many entries the SYMTAB or DYNSYM section `index` has (without decoding them). */
  symbolCountOf(index: number): number {
    if (this.#shared) return this.#shared.symbolCountOf(index);
    const view = this.symbolView;
    if (view && view.tableIndex === index) return view.count;
    if (this.#symtab && this.#symtab.section.index === index) return this.#symtab.symbols.length;
    this.#checkSymbolTable(index);
    return this.guard(() => new SymbolView(this.bytes, this.header, this.headers, index)).count;
  }

  #checkSymbolTable(index: number): void {
    this.#checkIndex(index);
    const type = this.headers.type(index);
    if (type !== SHT.SYMTAB && type !== SHT.DYNSYM) {
      throw new ElfError(
        "bad-section-link",
        `section ${index} is not a symbol table`,
        this.headers.offset(index),
        this.path,
      );
    }
  }

  /** Indexes of the REL/RELA sections, in section order. */
  get relocationSections(): readonly number[] {
    if (!this.#relocationSections) {
      const out: number[] = [];
      const h = this.headers;
      for (let i = 0; i < h.count; i++) {
        const type = h.type(i);
        if (type === SHT.REL || type === SHT.RELA) out.push(i);
      }
      this.#relocationSections = Object.freeze(out);
    }
    return this.#relocationSections;
  }

  /**
   * The decoded relocations of one REL/RELA section, decoded anew on every call and not kept: together the
   * tables take more memory than the file (typed arrays and their headers per table), and a caller that
   * visits each table once, as dump and the DWARF reader do, would only keep them alive for nothing. The
   * diff keeps the few it is working on (`ObjectView.relocs`).
   */
  relocations(index: number): RelocationTable {
    // No closure per call (the diff decodes tables again in each pass): the callbacks are made once.
    if (this.#elsewhere(index)) return this.#shared!.relocations(index);
    try {
      return readRelocations(
        this.#tableBytes(index),
        this.header,
        this.headers,
        index,
        this.#symbolCountFn,
        this.#dataFn,
      );
    } catch (e) {
      if (e instanceof ElfError && e.file === undefined && this.path !== undefined) e.file = this.path;
      throw e;
    }
  }

  /**
   * Decodes REL/RELA section `index` into `scratch` (see `RelocationScratch`): what `relocations` gives,
   * without new arrays, valid until the next decode into the same scratch.
   */
  relocationsInto(index: number, scratch: RelocationScratch): RelocationScratch {
    if (this.#elsewhere(index)) return this.#shared!.relocationsInto(index, scratch);
    try {
      return readRelocationsInto(
        this.#tableBytes(index),
        this.header,
        this.headers,
        index,
        this.#symbolCountFn,
        this.#dataFn,
        scratch,
      );
    } catch (e) {
      if (e instanceof ElfError && e.file === undefined && this.path !== undefined) e.file = this.path;
      throw e;
    }
  }

  /** The REL/RELA sections patching `target`: how many, and the index of the `k`th (`relocationSectionOf`). */
  relocationSectionCount(target: number): number {
    const first = this.#relocationIndex();
    return target < 0 || target + 1 >= first.length ? 0 : first[target + 1]! - first[target]!;
  }
  relocationSectionOf(target: number, k: number): number {
    return this.#relocsOf[this.#relocationIndex()[target]! + k]!;
  }

  readonly #symbolCountFn = (tableIndex: number): number => this.symbolCountOf(tableIndex);
  readonly #dataFn = (target: number): Uint8Array => this.data(target);

  /** The relocation sections that patch section `target` (usually zero or one). */
  relocationsFor(target: number): RelocationTable[] {
    const first = this.#relocationIndex();
    if (target < 0 || target + 1 >= first.length) return [];
    const out: RelocationTable[] = [];
    for (let k = first[target]!; k < first[target + 1]!; k++) out.push(this.relocations(this.#relocsOf[k]!));
    return out;
  }

  /** Groups the REL/RELA sections by the section they patch (one array for all: there can be 100,000s). */
  #relocationIndex(): Int32Array {
    if (this.#relocsFirst) return this.#relocsFirst;
    const h = this.headers;
    const n = h.count;
    const first = new Int32Array(n + 1);
    const patching = this.relocationSections.filter((i) => {
      const info = h.info(i);
      return info !== 0 && info < n;
    });
    // Indexed: this runs once per file, before V8 optimises it, when a for-of makes a result per step.
    for (let k = 0; k < patching.length; k++) first[h.info(patching[k]!) + 1]!++;
    for (let k = 1; k <= n; k++) first[k]! += first[k - 1]!;
    const fill = first.slice(0, n);
    const of = new Int32Array(patching.length);
    for (let k = 0; k < patching.length; k++) {
      const i = patching[k]!;
      of[fill[h.info(i)]!++] = i;
    }
    this.#relocsOf = of;
    this.#relocsFirst = first;
    return first;
  }

  relocationTypeName(type: number): string | undefined {
    return relocTypeName(this.header.machine, type);
  }

  /** Every SHT_GROUP section, decoded. */
  get groups(): readonly SectionGroup[] {
    if (this.#shared) return this.#shared.groups;
    if (!this.#groups) {
      this.#groups = this.guard(() =>
        this.#ofType(SHT.GROUP).map((i) =>
          readGroup(this.bytes, this.header, this.headers, i, (t) => this.symbolCountOf(t)),
        ),
      );
    }
    return this.#groups;
  }

  #ofType(type: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.headers.count; i++) if (this.headers.type(i) === type) out.push(i);
    return out;
  }

  /** The signature of a group: the name of its sh_info symbol. */
  groupSignature(g: SectionGroup): string {
    const view = this.symbolView;
    if (view && view.tableIndex === g.symbolTable)
      return g.signatureSymbol < view.count ? view.name(g.signatureSymbol) : "";
    return this.symbolsOf(g.symbolTable)[g.signatureSymbol]?.name ?? "";
  }

  get segments(): readonly Segment[] {
    if (this.#shared) return this.#shared.segments;
    if (!this.#segments) {
      const s0info = this.headers.count > 0 ? this.headers.info(0) : undefined;
      this.#segments = this.guard(() => readSegments(this.bytes, this.header, s0info));
    }
    return this.#segments;
  }

  /** Notes of every SHT_NOTE section (relocatable files) or, without sections, every PT_NOTE segment. */
  notes(): { section?: number; notes: Note[] }[] {
    if (this.#shared) return this.#shared.notes();
    return this.guard(() => {
      const out: { section?: number; notes: Note[] }[] = [];
      const h = this.headers;
      for (const i of this.#ofType(SHT.NOTE)) {
        out.push({
          section: i,
          notes: readNotes(this.data(i), this.littleEndian, h.offset(i), h.addralign(i)),
        });
      }
      if (h.count === 0) {
        for (const p of this.segments) {
          if (p.type !== 4) continue;
          if (p.offset + p.filesz > this.bytes.length)
            fail("bad-note", "PT_NOTE segment is outside the file", p.offset);
          const d = this.bytes.subarray(p.offset, p.offset + p.filesz);
          out.push({ notes: readNotes(d, this.littleEndian, p.offset, Number(p.align)) });
        }
      }
      return out;
    });
  }

  /** A string table section as a lookup object. */
  stringTable(index: number): StringTable {
    const s = this.section(index);
    if (s.type !== SHT.STRTAB)
      throw new ElfError("bad-string-table", `section ${index} is not a string table`, s.offset, this.path);
    return new StringTable(this.rawData(index), s.offset, s.name);
  }

  /** True for symbols defined in a real section (not UND/ABS/COMMON or another reserved index). */
  static isDefinedInSection(sym: ElfSymbol): boolean {
    return isDefinedIn(sym.shndx, sym.shndxRaw);
  }
}

/** Runs `f` and stamps the file name on any ElfError it throws. */
export function withFile<T>(path: string | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ElfError && e.file === undefined && path !== undefined) e.file = path;
    throw e;
  }
}

/** Reads an ELF file from bytes. Throws `ElfError` for anything malformed. */
/**
 * The caller's bytes as a plain `Uint8Array` over the same memory. A Node `Buffer` (what `readFileSync`
 * returns) is a subclass whose `slice` does not copy: code that copies a range with `slice` to change it
 * (masking relocation fields, for one) would write into the caller's file, and a second diff of the same
 * buffers would read the changed bytes.
 */
function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype
    ? b
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function readElf(bytes: Uint8Array, options: ReadOptions = {}): ElfFile {
  return new ElfFile(bytes, options);
}
