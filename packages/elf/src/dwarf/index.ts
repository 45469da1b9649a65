import { SHF, SHT } from "../constants.js";
import { type ElfFile, withFile } from "../elf.js";
import { ElfError, type ElfErrorCode } from "../errors.js";
import type { ElfSymbol } from "../symbols.js";
import type { AbbrevTable } from "./abbrev.js";
import { DW_AT, DW_TAG } from "./constants.js";
import { DieReader } from "./forms.js";
import { type LineHeader, type LineRow, readLineHeader, runLineProgram } from "./lines.js";
import type { CompileUnit, DwarfInfo, Subprogram, TypeId, Variable } from "./model.js";
import { DebugSection, resolveRelocations } from "./relocate.js";
import { firstRangeStart, type RawSubprogram, SubprogramCollector } from "./subprograms.js";
import { type DieKey, type DieLookup, TypeCollector, typeId } from "./types.js";
import { type DebugSections, readUnits, type Unit } from "./units.js";

export { DW_AT, DW_ATE, DW_FORM, DW_TAG } from "./constants.js";
export type { LineFile, LineHeader, LineRow } from "./lines.js";
export { declarationSpelling, typeSpelling } from "./spelling.js";

/** DIE nesting beyond which the input is refused (real programs stay well under 100). */
export const MAX_DIE_DEPTH = 1024;

const ET_REL = 1;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_COMMON = 5;
const STT_TLS = 6;
const STT_GNU_IFUNC = 10;
const SHN_COMMON = 0xfff2;

function isFunc(s: ElfSymbol): boolean {
  return s.type === STT_FUNC || s.type === STT_GNU_IFUNC;
}

/** A symbol value as a map key: a number while exact (always, in relocatable files), else the bigint. */
function placeKey(value: bigint): number | bigint {
  return value <= 0x1f_ffff_ffff_ffffn ? Number(value) : value;
}

/** What the children of a DIE are read as. */
enum Frame {
  /** Children of a compile/type/partial unit or namespace: globals. */
  Unit,
  /** Members of a struct, union or class. */
  Aggregate,
  Enum,
  Array,
  FunctionType,
  Subprogram,
  /** A lexical block inside a subprogram. */
  Scope,
  /** An inlined subroutine: its own parameters and locals are copies, only nested inlined calls count. */
  Inlined,
  /** Anything else: only the types inside are collected. */
  Other,
}

/**
 * Reads the DWARF of an ELF file: every type, subprogram and variable of every unit. Throws `ElfError` for
 * malformed DWARF; returns empty lists when the file has no `.debug_info`.
 */
export function readDwarf(elf: ElfFile): DwarfInfo {
  return withFile(elf.path, () => new DwarfReader(elf).read());
}

/** The info sections of a file: every `.debug_info` (type units may sit in COMDAT copies), then `.debug_types`. */
function infoSectionIndexes(elf: ElfFile): { index: number; types: boolean }[] {
  const out: { index: number; types: boolean }[] = [];
  for (const s of elf.sections) {
    if (s.type === SHT.NOBITS || s.size === 0) continue;
    if (s.name === ".debug_info" || s.name === ".zdebug_info") out.push({ index: s.index, types: false });
  }
  for (const s of elf.sections) {
    if (s.type === SHT.NOBITS || s.size === 0) continue;
    if (s.name === ".debug_types" || s.name === ".zdebug_types") out.push({ index: s.index, types: true });
  }
  return out;
}

/** Opens one section for DWARF reading: decompressed, with its relocations resolved in relocatable files. */
export function debugSection(elf: ElfFile, index: number): DebugSection {
  const s = elf.sections[index]!;
  const bytes = elf.data(index);
  const compressed = elf.compression(index) !== undefined;
  const rel = elf.header.type === ET_REL ? resolveRelocations(elf, index, bytes) : undefined;
  return new DebugSection(s.name, index, bytes, elf.littleEndian, compressed ? undefined : s.offset, rel);
}

function namedSection(elf: ElfFile, name: string): DebugSection {
  for (const s of elf.sections) {
    if (s.type === SHT.NOBITS) continue;
    if (s.name === name || s.name === `.z${name.slice(1)}`) return debugSection(elf, s.index);
  }
  return DebugSection.empty(name, elf.littleEndian);
}

class DwarfReader implements DieLookup {
  private readonly info: DebugSection[] = [];
  private readonly unitsByOrdinal: Unit[][] = [];
  private readonly dieStarts: Uint8Array[] = [];
  /** Key base of each info section: keys of different sections never overlap. */
  private readonly bases: number[] = [];
  private readonly signatures = new Map<bigint, DieKey>();
  private readonly s: DebugSections;
  #ranges: DebugSection | undefined;
  #rnglists: DebugSection | undefined;
  private readonly types: TypeCollector;
  private readonly subs: SubprogramCollector;
  private readonly compileUnits: CompileUnit[] = [];
  private unitLowPc = 0n;
  private rnglistsBase = 0;

  constructor(private readonly elf: ElfFile) {
    const list = infoSectionIndexes(elf);
    const lazy = <T>(f: () => T): (() => T) => {
      let v: T | undefined;
      return () => (v ??= f());
    };
    // Sections other than .debug_info are opened only if the units need them.
    const abbrev = namedSection(elf, ".debug_abbrev");
    const str = lazy(() => namedSection(elf, ".debug_str"));
    const lineStr = lazy(() => namedSection(elf, ".debug_line_str"));
    const strOffsets = lazy(() => namedSection(elf, ".debug_str_offsets"));
    const addr = lazy(() => namedSection(elf, ".debug_addr"));
    const line = lazy(() => namedSection(elf, ".debug_line"));
    const abbrevCache = new Map<number, AbbrevTable>();
    this.s = {
      abbrev,
      get str() {
        return str();
      },
      get lineStr() {
        return lineStr();
      },
      get strOffsets() {
        return strOffsets();
      },
      get addr() {
        return addr();
      },
      get line() {
        return line();
      },
      abbrevCache,
    };
    const self = this;
    this.types = new TypeCollector(this, elf.littleEndian);
    this.subs = new SubprogramCollector(
      this.types,
      {
        firstRange(r, i) {
          return firstRangeStart(r, i, self.ranges, self.rnglists, self.unitLowPc, self.rnglistsBase);
        },
      },
      this,
    );
    let base = 0;
    list.forEach((x, ordinal) => {
      const sec = debugSection(elf, x.index);
      this.info.push(sec);
      this.bases.push(base);
      base += sec.length + 1;
      this.dieStarts.push(new Uint8Array((sec.length >> 3) + 1));
      this.unitsByOrdinal.push(readUnits(sec, ordinal, x.types, this.s));
    });
    for (const units of this.unitsByOrdinal) {
      for (const u of units) {
        if (
          u.typeSignature !== undefined &&
          u.typeOffset !== undefined &&
          !this.signatures.has(u.typeSignature)
        ) {
          this.signatures.set(u.typeSignature, this.bases[u.ordinal]! + u.typeOffset);
        }
      }
    }
  }

  private get ranges(): DebugSection {
    this.#ranges ??= namedSection(this.elf, ".debug_ranges");
    return this.#ranges;
  }
  private get rnglists(): DebugSection {
    this.#rnglists ??= namedSection(this.elf, ".debug_rnglists");
    return this.#rnglists;
  }

  read(): DwarfInfo {
    for (const units of this.unitsByOrdinal) for (const u of units) this.walk(u);
    this.types.finish();
    const { subprograms, variables } = this.subs.finish();
    const named = this.attachSymbols(subprograms, variables);
    return {
      units: this.compileUnits,
      types: this.types.publish(),
      subprograms: named.subprograms,
      variables: named.variables,
    };
  }

  // ---- DieLookup

  /** The info section ordinal and offset of a key. */
  private split(key: DieKey): [number, number] {
    const bases = this.bases;
    let o = bases.length - 1;
    while (o > 0 && bases[o]! > key) o--;
    return [o, key - bases[o]!];
  }

  isDie(key: DieKey): boolean {
    if (!(key >= 0)) return false;
    const [ordinal, offset] = this.split(key);
    const bits = this.dieStarts[ordinal];
    if (!bits || offset >= this.info[ordinal]!.length) return false;
    return (bits[offset >> 3]! & (1 << (offset & 7))) !== 0;
  }

  describe(key: DieKey): { tag: number; name: string } {
    const [ordinal, offset] = this.split(key);
    const u = this.unitAt(ordinal, offset);
    const r = new DieReader(u, this.s);
    if (!r.read(offset)) return { tag: 0, name: "" };
    const i = r.find(DW_AT.name);
    return { tag: r.tag, name: i >= 0 ? r.str(i) : "" };
  }

  signature(sig: bigint): DieKey | undefined {
    return this.signatures.get(sig);
  }

  idOf(key: DieKey): TypeId {
    const [ordinal, offset] = this.split(key);
    return typeId(ordinal, offset);
  }

  keyOfFn(): (id: TypeId) => DieKey | undefined {
    const bases = this.bases.slice();
    return (id) => {
      const m = /^(?:(\d+):)?(\d+)$/.exec(id);
      if (!m) return undefined;
      const base = bases[m[1] === undefined ? 0 : Number(m[1])];
      return base === undefined ? undefined : base + Number(m[2]);
    };
  }

  hex(key: DieKey): string {
    const [ordinal, offset] = this.split(key);
    const sec = this.info[ordinal]!;
    return `${ordinal > 0 ? `${sec.name}@${sec.index}:` : ""}0x${offset.toString(16)}`;
  }

  fail(key: DieKey, message: string, code: ElfErrorCode = "bad-dwarf"): never {
    const [ordinal, offset] = this.split(key);
    return this.info[ordinal]!.fail(code, message, offset);
  }

  private unitAt(ordinal: number, offset: number): Unit {
    const units = this.unitsByOrdinal[ordinal]!;
    let lo = 0;
    let hi = units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = units[mid]!;
      if (offset < u.offset) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    return this.info[ordinal]!.fail("bad-dwarf", `offset 0x${offset.toString(16)} is in no unit`, offset);
  }

  // ---- the walk

  /** Reads the root DIE's attributes that other attributes depend on, then records the unit. */
  private readRoot(r: DieReader, u: Unit): { fileName: (i: number) => string | undefined } {
    // str_offsets_base and addr_base first: the root's own strx/addrx attributes need them.
    for (let i = 0; i < r.count; i++) {
      const a = r.attrs[i]!;
      if (a === DW_AT.str_offsets_base) u.strOffsetsBase = r.udata(i);
      else if (a === DW_AT.addr_base || a === DW_AT.GNU_addr_base) u.addrBase = r.udata(i);
    }
    let name = "";
    let producer = "";
    let language = 0;
    let compDir: string | undefined;
    let stmtList = -1;
    this.unitLowPc = 0n;
    this.rnglistsBase = u.version >= 5 ? (u.offsetSize === 8 ? 20 : 12) : 0;
    for (let i = 0; i < r.count; i++) {
      switch (r.attrs[i]!) {
        case DW_AT.name:
          name = r.str(i);
          break;
        case DW_AT.producer:
          producer = r.str(i);
          break;
        case DW_AT.language:
          language = r.udata(i);
          break;
        case DW_AT.comp_dir:
          compDir = r.str(i);
          break;
        case DW_AT.stmt_list:
          stmtList = r.udata(i);
          break;
        case DW_AT.low_pc:
          if (r.isAddress(i)) this.unitLowPc = r.address(i);
          break;
        case DW_AT.rnglists_base:
          this.rnglistsBase = r.udata(i);
          break;
      }
    }
    // DW_LANG_C_plus_plus (4), _03 (0x19), _11 (0x1a), _14 (0x21): prototypes are implicit.
    this.subs.cxx = language === 0x4 || language === 0x19 || language === 0x1a || language === 0x21;
    this.types.cxx = this.subs.cxx;
    if (r.tag === DW_TAG.compile_unit || r.tag === DW_TAG.partial_unit || r.tag === DW_TAG.skeleton_unit) {
      this.compileUnits.push({
        offset: u.offset,
        version: u.version,
        name,
        producer,
        language,
        addressSize: u.addressSize,
        ...(compDir !== undefined ? { compDir } : {}),
      });
    }
    // The file list of the unit's line table, read the first time a DW_AT_decl_file needs it.
    let header: LineHeader | null | undefined;
    const fileName = (index: number): string | undefined => {
      if (header === undefined) {
        header = stmtList >= 0 ? readLineHeader(this.s.line, stmtList, this.s, u.addressSize) : null;
      }
      if (header === null) return undefined;
      if (index === 0 && header.fileBase === 1) return undefined;
      return header.files[index - header.fileBase]?.path;
    };
    return { fileName };
  }

  private walk(u: Unit): void {
    const r = new DieReader(u, this.s);
    const types = this.types;
    const subs = this.subs;
    const bits = this.dieStarts[u.ordinal]!;
    types.ordinal = u.ordinal;
    types.base = this.bases[u.ordinal]!;
    types.addressSize = u.addressSize;
    subs.base = this.bases[u.ordinal]!;
    const frames = new Uint8Array(MAX_DIE_DEPTH + 2);
    const owners = new Int32Array(MAX_DIE_DEPTH + 2);
    const scopes: (RawSubprogram | undefined)[] = new Array(MAX_DIE_DEPTH + 2);
    let depth = 0;
    let at = u.dieOffset;
    let root = true;
    while (at < u.end) {
      if (!r.read(at)) {
        // A null entry closes the innermost sibling list (or pads the end of the unit at depth 0).
        if (depth > 0) depth--;
        at = r.next;
        continue;
      }
      bits[at >> 3]! |= 1 << (at & 7);
      const tag = r.tag;
      let frame: Frame = Frame.Other;
      let owner = -1;
      let scope = scopes[depth];
      if (root) {
        root = false;
        const { fileName } = this.readRoot(r, u);
        types.fileName = fileName;
        subs.fileName = fileName;
        frame = Frame.Unit;
      } else {
        const parent = depth === 0 ? Frame.Unit : (frames[depth] as Frame);
        const parentOwner = owners[depth]!;
        const t = types.onType(r);
        if (t >= 0) {
          owner = t;
          switch (tag) {
            case DW_TAG.structure_type:
            case DW_TAG.union_type:
            case DW_TAG.class_type:
              frame = Frame.Aggregate;
              break;
            case DW_TAG.enumeration_type:
              frame = Frame.Enum;
              break;
            case DW_TAG.array_type:
              frame = Frame.Array;
              break;
            case DW_TAG.subroutine_type:
              frame = Frame.FunctionType;
              break;
          }
        } else {
          switch (tag) {
            case DW_TAG.member:
              if (parent === Frame.Aggregate) types.onMember(r, parentOwner, false);
              break;
            case DW_TAG.inheritance:
              if (parent === Frame.Aggregate) types.onMember(r, parentOwner, true);
              break;
            case DW_TAG.enumerator:
              if (parent === Frame.Enum) types.onEnumerator(r, parentOwner);
              break;
            case DW_TAG.subrange_type:
              if (parent === Frame.Array) types.onSubrange(r, parentOwner);
              break;
            case DW_TAG.formal_parameter:
              if (parent === Frame.FunctionType) types.onParam(r, parentOwner, false);
              else if (parent === Frame.Subprogram && scope) subs.onParam(r, scope);
              break;
            case DW_TAG.unspecified_parameters:
              if (parent === Frame.FunctionType) types.onParam(r, parentOwner, true);
              else if (parent === Frame.Subprogram && scope) subs.onVariadic(scope);
              break;
            case DW_TAG.subprogram: {
              const sp = subs.onSubprogram(r, parent !== Frame.Aggregate);
              scope = sp;
              frame = Frame.Subprogram;
              break;
            }
            case DW_TAG.variable:
              if (parent === Frame.Unit) subs.onVariable(r, undefined, true);
              else if (parent === Frame.Aggregate) subs.onVariable(r, undefined, false);
              else if ((parent === Frame.Subprogram || parent === Frame.Scope) && scope)
                subs.onVariable(r, scope, true);
              break;
            case DW_TAG.lexical_block:
              frame =
                parent === Frame.Subprogram || parent === Frame.Scope
                  ? Frame.Scope
                  : parent === Frame.Inlined
                    ? Frame.Inlined
                    : Frame.Other;
              break;
            case DW_TAG.inlined_subroutine:
              if (scope) subs.onInlined(r, scope);
              frame = Frame.Inlined;
              break;
            case DW_TAG.namespace:
            case DW_TAG.module:
              frame = Frame.Unit;
              break;
          }
        }
      }
      if (r.abbrev!.hasChildren) {
        if (++depth > MAX_DIE_DEPTH) {
          u.sec.fail("dwarf-too-deep", `DIEs nested more than ${MAX_DIE_DEPTH} deep`, at);
        }
        frames[depth] = frame;
        owners[depth] = owner;
        scopes[depth] = scope;
      }
      at = r.next;
    }
  }

  // ---- symbols

  /** Names each subprogram and variable by the ELF symbol at its address (in place: the objects are ours). */
  private attachSymbols(
    subprograms: Subprogram[],
    variables: Variable[],
  ): { subprograms: Subprogram[]; variables: Variable[] } {
    const relocatable = this.elf.header.type === ET_REL;
    const syms = this.elf.symbols;
    // Symbols by place: per section, by offset, in relocatable files; by address in linked ones.
    const bySection = new Map<number, Map<number | bigint, ElfSymbol[]>>();
    const byName = new Map<string, ElfSymbol>();
    for (const s of syms) {
      const t = s.type;
      if (t !== STT_OBJECT && t !== STT_FUNC && t !== STT_COMMON && t !== STT_TLS && t !== STT_GNU_IFUNC)
        continue;
      if (s.name === "") continue;
      const defined = (s.shndx !== 0 && s.shndx < 0xff00) || s.shndxRaw === 0xffff;
      if (defined) {
        const k = relocatable ? s.shndx : 0;
        let m = bySection.get(k);
        if (m === undefined) {
          m = new Map();
          bySection.set(k, m);
        }
        const key = placeKey(s.value);
        const list = m.get(key);
        if (list) list.push(s);
        else m.set(key, [s]);
      }
      if ((defined || s.shndx === SHN_COMMON) && !byName.has(s.name)) byName.set(s.name, s);
    }
    const pick = (
      section: number,
      address: bigint,
      name: string,
      linkageName: string | undefined,
      func: boolean,
    ): string | undefined => {
      const list = bySection.get(relocatable ? section : 0)?.get(placeKey(address));
      if (list === undefined) return undefined;
      let first: ElfSymbol | undefined;
      let global: ElfSymbol | undefined;
      for (const s of list) {
        if (isFunc(s) !== func) continue;
        if (s.name === linkageName || s.name === name) return s.name;
        first ??= s;
        if (s.bind !== 0) global ??= s;
      }
      return (global ?? first)?.name;
    };
    const named = (name: string, linkageName: string | undefined, func: boolean): string | undefined => {
      const s = (linkageName !== undefined ? byName.get(linkageName) : undefined) ?? byName.get(name);
      return s !== undefined && isFunc(s) === func ? s.name : undefined;
    };
    for (const sp of subprograms as Mutable<Subprogram>[]) {
      if (sp.declaration || sp.lowPc === undefined) continue;
      if (sp.section === undefined && !relocatable) sp.section = this.sectionOf(sp.lowPc);
      const placed =
        sp.section !== undefined || !relocatable
          ? pick(sp.section ?? 0, sp.lowPc, sp.name, sp.linkageName, true)
          : undefined;
      sp.symbol = placed ?? named(sp.name, sp.linkageName, true);
    }
    for (const v of variables as Mutable<Variable>[]) {
      if (v.declaration) continue;
      if (v.section === undefined && !relocatable && v.address !== undefined)
        v.section = this.sectionOf(v.address);
      const placed =
        v.address !== undefined && (v.section !== undefined || !relocatable)
          ? pick(v.section ?? 0, v.address, v.name, v.linkageName, false)
          : undefined;
      v.symbol = placed ?? named(v.name, v.linkageName, false);
    }
    return { subprograms, variables };
  }

  private allocSections: { start: bigint; end: bigint; index: number }[] | undefined;

  /** In linked files: the allocated section that holds an address. */
  private sectionOf(address: bigint): number | undefined {
    if (!this.allocSections) {
      this.allocSections = this.elf.sections
        .filter((s) => s.flags & SHF.ALLOC && s.size > 0)
        .map((s) => ({ start: s.address, end: s.address + BigInt(s.size), index: s.index }));
    }
    return this.allocSections.find((s) => address >= s.start && address < s.end)?.index;
  }
}

/**
 * The line table of the unit whose `.debug_line` contribution starts at `offset` (0: the first): its file list
 * and rows. Addresses in relocatable files are section-relative, with the section in each row.
 */
export function readLineTable(elf: ElfFile, offset = 0): { header: LineHeader; rows: LineRow[] } | undefined {
  return withFile(elf.path, () => {
    const line = namedSection(elf, ".debug_line");
    if (line.length === 0) return undefined;
    const strings = { str: namedSection(elf, ".debug_str"), lineStr: namedSection(elf, ".debug_line_str") };
    const header = readLineHeader(line, offset, strings, elf.is64 ? 8 : 4);
    return { header, rows: runLineProgram(line, header) };
  });
}

/** Where a function is defined: its declaration's file and line (the definition's, when there are several). */
export function functionSource(info: DwarfInfo, name: string): { file: string; line: number } | undefined {
  let best: Subprogram | undefined;
  for (const sp of info.subprograms) {
    if (sp.name !== name && sp.linkageName !== name && sp.symbol !== name) continue;
    if (sp.file === undefined) continue;
    if (
      !best ||
      (best.lowPc === undefined && sp.lowPc !== undefined) ||
      (best.declaration && !sp.declaration)
    )
      best = sp;
  }
  return best?.file !== undefined ? { file: best.file, line: best.line ?? 0 } : undefined;
}

/** Errors thrown by this module are `ElfError`s; re-exported for callers that only import the DWARF part. */
export { ElfError };
