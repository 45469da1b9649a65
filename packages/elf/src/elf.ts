import { archTable, machineName, relocTypeName } from "./arch/index.js";
import { type CompressionHeader, decompress, readChdr, readZdebugHeader } from "./compression.js";
import { SHF, SHN_UNDEF, SHT } from "./constants.js";
import { ElfError, fail } from "./errors.js";
import { readGroup, type SectionGroup } from "./groups.js";
import { type ElfHeader, readHeader } from "./header.js";
import { type Note, readNotes } from "./notes.js";
import { type RelocationTable, readRelocations } from "./relocations.js";
import { readSections, type Section } from "./sections.js";
import { readSegments, type Segment } from "./segments.js";
import { StringTable } from "./strings.js";
import { type ElfSymbol, readSymbolTable, type SymbolTable } from "./symbols.js";

export interface ReadOptions {
  /** The file name, used in error messages. */
  path?: string;
}

/**
 * One ELF file over one byte array. The header and section table are read at once (they are needed for
 * anything); everything else — symbols, relocations, groups, notes, decompressed contents — is decoded on first
 * use and cached. Nothing here mutates the input bytes.
 */
export class ElfFile {
  readonly bytes: Uint8Array;
  readonly path: string | undefined;
  readonly header: ElfHeader;
  readonly sections: readonly Section[];
  readonly shstrndx: number;

  #symtab: SymbolTable | null | undefined;
  #dynsym: SymbolTable | null | undefined;
  /** Decoded relocation tables by section index (an array: there can be tens of thousands). */
  #relocs: (RelocationTable | undefined)[];
  #relocsFor: Map<number, number[]> | undefined;
  #relocationSections: readonly number[] | undefined;
  #contents = new Map<number, Uint8Array>();
  #byName: Map<string, Section> | undefined;
  #groups: SectionGroup[] | undefined;
  #segments: Segment[] | undefined;

  constructor(bytes: Uint8Array, options: ReadOptions = {}) {
    this.bytes = bytes;
    this.path = options.path;
    this.header = withFile(options.path, () => readHeader(bytes));
    const table = withFile(options.path, () => readSections(bytes, this.header));
    this.sections = table.sections;
    this.shstrndx = table.shstrndx;
    this.#relocs = new Array(table.sections.length);
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

  section(index: number): Section {
    const s = this.sections[index];
    if (!s) throw new ElfError("bad-section-link", `section ${index} does not exist`, 0, this.path);
    return s;
  }

  sectionByName(name: string): Section | undefined {
    if (!this.#byName) {
      this.#byName = new Map();
      for (const s of this.sections) if (!this.#byName.has(s.name)) this.#byName.set(s.name, s);
    }
    return this.#byName.get(name);
  }

  /** The section's bytes as stored in the file (a view, no copy); empty for SHT_NOBITS. */
  rawData(index: number): Uint8Array {
    const s = this.section(index);
    if (s.type === SHT.NOBITS) return new Uint8Array(0);
    return this.bytes.subarray(s.offset, s.offset + s.size);
  }

  /** How the section is compressed, if it is (`SHF_COMPRESSED` or a legacy `.zdebug` name). */
  compression(index: number): CompressionHeader | undefined {
    const s = this.section(index);
    if (s.type === SHT.NOBITS) return undefined;
    return this.guard(() => {
      if (s.flags & SHF.COMPRESSED)
        return readChdr(this.rawData(index), this.is64, this.littleEndian, s.offset);
      if (s.name.startsWith(".zdebug")) return readZdebugHeader(this.rawData(index), s.offset);
      return undefined;
    });
  }

  /** The section's contents, decompressed when compressed (cached); otherwise a view of the file. */
  data(index: number): Uint8Array {
    const cached = this.#contents.get(index);
    if (cached) return cached;
    const hdr = this.compression(index);
    if (!hdr) return this.rawData(index);
    const s = this.section(index);
    const out = this.guard(() => decompress(this.rawData(index), hdr, s.offset));
    this.#contents.set(index, out);
    return out;
  }

  /** `.symtab`, or undefined when the file has none (stripped). */
  get symbolTable(): SymbolTable | undefined {
    if (this.#symtab === undefined) this.#symtab = this.#readTable(SHT.SYMTAB);
    return this.#symtab ?? undefined;
  }

  /** `.symtab` symbols in index order (index 0 included); empty when there is no symbol table. */
  get symbols(): readonly ElfSymbol[] {
    return this.symbolTable?.symbols ?? [];
  }

  get dynamicSymbolTable(): SymbolTable | undefined {
    if (this.#dynsym === undefined) this.#dynsym = this.#readTable(SHT.DYNSYM);
    return this.#dynsym ?? undefined;
  }

  #readTable(type: number): SymbolTable | null {
    const s = this.sections.find((x) => x.type === type);
    if (!s) return null;
    return this.guard(() => readSymbolTable(this.bytes, this.header, this.sections, s.index));
  }

  /** Symbols of the table in section `index` (SYMTAB or DYNSYM). */
  symbolsOf(index: number): readonly ElfSymbol[] {
    if (this.symbolTable?.section.index === index) return this.symbolTable.symbols;
    if (this.dynamicSymbolTable?.section.index === index) return this.dynamicSymbolTable.symbols;
    const s = this.section(index);
    if (s.type !== SHT.SYMTAB && s.type !== SHT.DYNSYM) {
      throw new ElfError("bad-section-link", `section ${index} is not a symbol table`, s.offset, this.path);
    }
    return this.guard(() => readSymbolTable(this.bytes, this.header, this.sections, index)).symbols;
  }

  /** Indexes of the REL/RELA sections, in section order. */
  get relocationSections(): readonly number[] {
    if (!this.#relocationSections) {
      const out: number[] = [];
      for (const s of this.sections) if (s.type === SHT.REL || s.type === SHT.RELA) out.push(s.index);
      this.#relocationSections = Object.freeze(out);
    }
    return this.#relocationSections;
  }

  /** The decoded relocations of one REL/RELA section (cached). */
  relocations(index: number): RelocationTable {
    const cached = this.#relocs[index];
    if (cached) return cached;
    const t = this.guard(() =>
      readRelocations(
        this.bytes,
        this.header,
        this.sections,
        index,
        (tableIndex) => this.symbolsOf(tableIndex).length,
        (target) => this.data(target),
      ),
    );
    this.#relocs[index] = t;
    return t;
  }

  /** The relocation sections that patch section `target` (usually zero or one). */
  relocationsFor(target: number): RelocationTable[] {
    if (!this.#relocsFor) {
      this.#relocsFor = new Map();
      for (const i of this.relocationSections) {
        const info = this.sections[i]!.info;
        if (info === 0) continue;
        const list = this.#relocsFor.get(info);
        if (list) list.push(i);
        else this.#relocsFor.set(info, [i]);
      }
    }
    return (this.#relocsFor.get(target) ?? []).map((i) => this.relocations(i));
  }

  relocationTypeName(type: number): string | undefined {
    return relocTypeName(this.header.machine, type);
  }

  /** Every SHT_GROUP section, decoded. */
  get groups(): readonly SectionGroup[] {
    if (!this.#groups) {
      this.#groups = this.guard(() =>
        this.sections
          .filter((s) => s.type === SHT.GROUP)
          .map((s) =>
            readGroup(this.bytes, this.header, this.sections, s.index, (t) => this.symbolsOf(t).length),
          ),
      );
    }
    return this.#groups;
  }

  /** The signature of a group: the name of its sh_info symbol. */
  groupSignature(g: SectionGroup): string {
    return this.symbolsOf(g.symbolTable)[g.signatureSymbol]?.name ?? "";
  }

  get segments(): readonly Segment[] {
    if (!this.#segments) {
      const s0 = this.sections[0];
      this.#segments = this.guard(() => readSegments(this.bytes, this.header, s0?.info));
    }
    return this.#segments;
  }

  /** Notes of every SHT_NOTE section (relocatable files) or, without sections, every PT_NOTE segment. */
  notes(): { section?: number; notes: Note[] }[] {
    return this.guard(() => {
      const out: { section?: number; notes: Note[] }[] = [];
      for (const s of this.sections) {
        if (s.type !== SHT.NOTE) continue;
        out.push({
          section: s.index,
          notes: readNotes(this.data(s.index), this.littleEndian, s.offset, s.addralign),
        });
      }
      if (this.sections.length === 0) {
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
    return (sym.shndx !== SHN_UNDEF && sym.shndx < 0xff00) || sym.shndxRaw === 0xffff;
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
export function readElf(bytes: Uint8Array, options: ReadOptions = {}): ElfFile {
  return new ElfFile(bytes, options);
}
