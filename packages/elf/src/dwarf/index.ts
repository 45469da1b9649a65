import { SHF, SHT } from "../constants.js";
import { type ElfFile, withFile } from "../elf.js";
import { ElfError, type ElfErrorCode } from "../errors.js";
import { isDefinedIn } from "../symbols.js";
import type { AbbrevTable } from "./abbrev.js";
import { DW_AT, DW_TAG } from "./constants.js";
import { DieReader } from "./forms.js";
import { type LineHeader, type LineRow, readLineHeader, runLineProgram } from "./lines.js";
import type { CompileUnit, DwarfInfo, Subprogram, TypeId, Variable } from "./model.js";
import type { SubprogramRecord, VariableRecord } from "./records.js";
import { DebugSection, resolveRelocations } from "./relocate.js";
import { firstRangeStart, NO_SCOPE, SubprogramCollector } from "./subprograms.js";
import { type DieKey, type DieLookup, NumChunks, TypeCollector, typeId } from "./types.js";
import { type DebugSections, readUnits, type Unit } from "./units.js";

// The reader's settings for the tests and the fuzzer (which loads this module), not the package's API.
export { setTablePiece } from "../relocations.js";
export { DW_AT, DW_ATE, DW_FORM, DW_TAG } from "./constants.js";
export type { LineFile, LineHeader, LineRow } from "./lines.js";
export { setInPlaceRelocationsFrom } from "./relocate.js";
export { declarationSpelling, typeSpelling } from "./spelling.js";
export { setMappedMembersFrom } from "./types.js";

/** DIE nesting beyond which the input is refused (real programs stay well under 100). */
export const MAX_DIE_DEPTH = 1024;

const ET_REL = 1;

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_COMMON = 5;
const STT_TLS = 6;
const STT_GNU_IFUNC = 10;
const SHN_COMMON = 0xfff2;

function isFunc(type: number): boolean {
  return type === STT_FUNC || type === STT_GNU_IFUNC;
}

/** Kinds of DIEs the main pass notes for `functions()`. */
const ROOT_FUNCTION = 0;
/** A member function declared inside a class: read, but only listed through its definition. */
const ROOT_MEMBER_FUNCTION = 1;
const ROOT_VARIABLE = 2;
/** A static data member declared inside a class (DWARF 5). */
const ROOT_MEMBER_VARIABLE = 3;

/** Per unit, what the root DIE said that the rest of the unit needs. */
interface UnitState {
  fileName: (index: number) => string | undefined;
  cxx: boolean;
  lowPc: bigint;
  rnglistsBase: number;
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
  // A file opened with its debug sections left on disk reads them now, into an image the model does not keep.
  return withFile(elf.path, () => {
    const file = elf.withDebugSections();
    return new DwarfReader(file).read(file === elf ? undefined : () => file.release());
  });
}

/**
 * Where the debug sections of a file are, from one pass over its sections (an object can have hundreds of
 * thousands): the info sections, every `.debug_info` (type units may sit in COMDAT copies) then every
 * `.debug_types`; and the first section of each other `.debug_*` name, `.zdebug_*` counting as its
 * `.debug_*`. NOBITS sections are left out, and empty ones from the info sections.
 */
interface DebugSectionIndex {
  readonly info: readonly { index: number; types: boolean }[];
  readonly named: ReadonlyMap<string, number>;
}

function debugSectionIndex(elf: ElfFile): DebugSectionIndex {
  const info: { index: number; types: boolean }[] = [];
  const types: { index: number; types: boolean }[] = [];
  const named = new Map<string, number>();
  // Indexed: this runs once, unoptimised, and a for-of would allocate an iterator result per section. The
  // headers are read in place (no Section object per section).
  const h = elf.headers;
  for (let i = 0; i < h.count; i++) {
    if (h.type(i) === SHT.NOBITS) continue;
    // The name is made only for debug sections: an object of 100,000 functions has 300,000 others.
    if (!h.nameStartsWith(i, ".debug_") && !h.nameStartsWith(i, ".zdebug_")) continue;
    const n = h.name(i);
    let name: string;
    if (n.startsWith(".debug_")) name = n;
    else if (n.startsWith(".zdebug_")) name = `.${n.slice(2)}`;
    else continue;
    if (!named.has(name)) named.set(name, i);
    if (h.size(i) === 0) continue;
    if (name === ".debug_info") info.push({ index: i, types: false });
    else if (name === ".debug_types") types.push({ index: i, types: true });
  }
  for (let i = 0; i < types.length; i++) info.push(types[i]!);
  return { info, named };
}

/** Opens one section for DWARF reading: decompressed, with its relocations resolved in relocatable files. */
export function debugSection(elf: ElfFile, index: number): DebugSection {
  const h = elf.headers;
  const bytes = elf.data(index);
  const compressed = elf.compression(index) !== undefined;
  const rel = elf.header.type === ET_REL ? resolveRelocations(elf, index, bytes) : undefined;
  return new DebugSection(
    h.name(index),
    index,
    bytes,
    elf.littleEndian,
    compressed ? undefined : h.offset(index),
    rel,
  );
}

/** The first section called `name` (or its `.zdebug_` form), opened; an empty one when there is none. */
function namedSection(elf: ElfFile, name: string, index: DebugSectionIndex): DebugSection {
  const i = index.named.get(name);
  return i === undefined ? DebugSection.empty(name, elf.littleEndian) : debugSection(elf, i);
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
  private readonly allUnits: Unit[] = [];
  private readonly unitStates: UnitState[] = [];
  /**
   * DIEs noted by the main pass for `functions()`, in DIE order, as offset × 4 + ROOT_* kind: one number
   * apiece (outside the JS heap), where the unit is known from `rootEnds`. Exact while offsets stay below
   * 2^51, which no section that fits in memory reaches.
   */
  private readonly roots = new NumChunks();
  /** Per unit index, where its roots end in `roots`. */
  private readonly rootEnds: number[] = [];
  /** How many of the roots are variables. */
  private rootVariables = 0;
  /**
   * DIEs inside subprograms that `functions()` makes a row of (see `walkSubprogram`), counted by the main
   * pass so that the rows are reserved at once: nested subprograms, parameters, variables (local or static),
   * inlined calls.
   */
  private readonly inner = { subprograms: 0, params: 0, variables: 0, calls: 0 };
  private unitLowPc = 0n;
  private rnglistsBase = 0;
  private readonly sectionIndex: DebugSectionIndex;
  /** File paths of the units' line tables, one string per path (every unit including a header lists it). */
  private readonly paths = new Map<string, string>();
  /** Scratch of `walk`, reused from one unit to the next (an object can have thousands). */
  private readonly frames = new Uint8Array(MAX_DIE_DEPTH + 2);
  private readonly owners = new Int32Array(MAX_DIE_DEPTH + 2);
  /** Scratch of `walkSubprogram`, reused from one subprogram to the next. */
  private readonly subFrames = new Uint8Array(MAX_DIE_DEPTH + 2);
  /** The collector's row of the subprogram enclosing each depth. */
  private readonly subScopes = new Int32Array(MAX_DIE_DEPTH + 2);

  constructor(private readonly elf: ElfFile) {
    const index = debugSectionIndex(elf);
    this.sectionIndex = index;
    const list = index.info;
    const lazy = <T>(f: () => T): (() => T) => {
      let v: T | undefined;
      return () => (v ??= f());
    };
    // Sections other than .debug_info are opened only if the units need them.
    const abbrev = namedSection(elf, ".debug_abbrev", index);
    const str = lazy(() => namedSection(elf, ".debug_str", index));
    const lineStr = lazy(() => namedSection(elf, ".debug_line_str", index));
    const strOffsets = lazy(() => namedSection(elf, ".debug_str_offsets", index));
    const addr = lazy(() => namedSection(elf, ".debug_addr", index));
    const line = lazy(() => namedSection(elf, ".debug_line", index));
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
    let infoBytes = 0;
    for (let k = 0; k < list.length; k++) infoBytes += elf.headers.size(list[k]!.index);
    this.types = new TypeCollector(this, elf.littleEndian, infoBytes);
    this.subs = new SubprogramCollector(
      this.types,
      {
        firstRange(r, i, out) {
          return firstRangeStart(r, i, self.ranges, self.rnglists, self.unitLowPc, self.rnglistsBase, out);
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
    this.#ranges ??= namedSection(this.elf, ".debug_ranges", this.sectionIndex);
    return this.#ranges;
  }
  private get rnglists(): DebugSection {
    this.#rnglists ??= namedSection(this.elf, ".debug_rnglists", this.sectionIndex);
    return this.#rnglists;
  }

  /**
   * Reads every unit: types at once; subprograms and variables when first asked for (a reader of layouts
   * does not pay for them). Malformed DWARF in the DIE tree, an abbreviation or any attribute's encoding is
   * refused here; a broken reference between subprograms or variables is refused when they are read.
   */
  read(done?: () => void): DwarfInfo {
    for (const units of this.unitsByOrdinal) for (const u of units) this.allUnits.push(u);
    for (let i = 0; i < this.allUnits.length; i++) this.walk(this.allUnits[i]!, i);
    this.types.finish();
    const types = this.types.publish();
    let reader: DwarfReader | undefined = this;
    // Dropped once called: the closure below lives as long as the model, and `done` holds the debug image.
    let finish = done;
    let functions: { subprograms: Subprogram[]; variables: Variable[] } | undefined;
    const path = this.elf.path;
    let failure: unknown;
    const get = (): { subprograms: Subprogram[]; variables: Variable[] } => {
      if (functions === undefined) {
        if (reader === undefined) throw failure;
        const self = reader;
        try {
          functions = withFile(path, () => self.functions());
        } catch (e) {
          failure = e;
          throw e;
        } finally {
          reader = undefined; // nothing more to read: let the reader's scratch state go
          finish?.();
          finish = undefined;
        }
      }
      return functions;
    };
    return {
      units: this.compileUnits,
      types,
      get subprograms() {
        return get().subprograms;
      },
      get variables() {
        return get().variables;
      },
    };
  }

  // ---- DieLookup

  /** The ordinal of the info section a key falls in (its offset there is the key less `bases[ordinal]`). */
  private ordinalOf(key: DieKey): number {
    const bases = this.bases;
    let o = bases.length - 1;
    while (o > 0 && bases[o]! > key) o--;
    return o;
  }

  isDie(key: DieKey): boolean {
    if (!(key >= 0)) return false;
    const ordinal = this.ordinalOf(key);
    const offset = key - this.bases[ordinal]!;
    const bits = this.dieStarts[ordinal];
    if (!bits || offset >= this.info[ordinal]!.length) return false;
    return (bits[offset >> 3]! & (1 << (offset & 7))) !== 0;
  }

  describe(key: DieKey): { tag: number; name: string } {
    const ordinal = this.ordinalOf(key);
    const offset = key - this.bases[ordinal]!;
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
    const ordinal = this.ordinalOf(key);
    return typeId(ordinal, key - this.bases[ordinal]!);
  }

  compactIdOf(key: DieKey): string | number {
    const ordinal = this.ordinalOf(key);
    const offset = key - this.bases[ordinal]!;
    return ordinal === 0 ? offset : typeId(ordinal, offset);
  }

  keyOfFn(): (id: TypeId) => DieKey | undefined {
    const bases = this.bases.slice();
    // `offset` or `ordinal:offset`, decimal: read by hand (the type comparison looks ids up per member).
    return (id) => {
      let ordinal = 0;
      let n = 0;
      let digits = 0;
      let colon = false;
      for (let i = 0; i < id.length; i++) {
        const c = id.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          n = n * 10 + (c - 48);
          digits++;
        } else if (c === 58 && !colon && digits > 0) {
          colon = true;
          ordinal = n;
          n = 0;
          digits = 0;
        } else {
          return undefined;
        }
      }
      if (digits === 0) return undefined;
      const base = bases[ordinal];
      return base === undefined ? undefined : base + n;
    };
  }

  hex(key: DieKey): string {
    const ordinal = this.ordinalOf(key);
    const offset = key - this.bases[ordinal]!;
    const sec = this.info[ordinal]!;
    return `${ordinal > 0 ? `${sec.name}@${sec.index}:` : ""}0x${offset.toString(16)}`;
  }

  fail(key: DieKey, message: string, code: ElfErrorCode = "bad-dwarf"): never {
    const ordinal = this.ordinalOf(key);
    return this.info[ordinal]!.fail(code, message, key - this.bases[ordinal]!);
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
  private readRoot(r: DieReader, u: Unit): UnitState {
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
    let lowPc = 0n;
    let rnglistsBase = u.version >= 5 ? (u.offsetSize === 8 ? 20 : 12) : 0;
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
          if (r.isAddress(i)) lowPc = r.address(i);
          break;
        case DW_AT.rnglists_base:
          rnglistsBase = r.udata(i);
          break;
      }
    }
    // DW_LANG_C_plus_plus (4), _03 (0x19), _11 (0x1a), _14 (0x21): prototypes are implicit.
    const cxx = language === 0x4 || language === 0x19 || language === 0x1a || language === 0x21;
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
        header =
          stmtList >= 0 ? readLineHeader(this.s.line, stmtList, this.s, u.addressSize, this.paths) : null;
      }
      if (header === null) return undefined;
      if (index === 0 && header.fileBase === 1) return undefined;
      return header.files[index - header.fileBase]?.path;
    };
    return { fileName, cxx, lowPc, rnglistsBase };
  }

  /**
   * The main pass over a unit: every DIE is read (which checks the tree, the abbreviations and every form) and
   * every type recorded. Subprograms and variables are only noted (where they start); `functions()` decodes
   * them if and when they are asked for.
   */
  private walk(u: Unit, unitIndex: number): void {
    const r = new DieReader(u, this.s);
    const types = this.types;
    const bits = this.dieStarts[u.ordinal]!;
    const base = this.bases[u.ordinal]!;
    types.ordinal = u.ordinal;
    types.base = base;
    types.addressSize = u.addressSize;
    const frames = this.frames;
    const owners = this.owners;
    const roots = this.roots;
    let depth = 0;
    /** Depth of the outermost subprogram being read, or -1: its contents are left to `functions()`. */
    let inSubprogram = -1;
    // What `inner` counts, in locals while the unit is read.
    let innerSubprograms = 0;
    let innerParams = 0;
    let innerVariables = 0;
    let innerCalls = 0;
    let rootVariables = 0;
    let at = u.dieOffset;
    let root = true;
    while (at < u.end) {
      if (!r.read(at)) {
        // A null entry closes the innermost sibling list (or pads the end of the unit at depth 0).
        if (depth > 0) depth--;
        if (depth < inSubprogram) inSubprogram = -1;
        at = r.next;
        continue;
      }
      bits[at >> 3]! |= 1 << (at & 7);
      const tag = r.tag;
      let frame: Frame = Frame.Other;
      let owner = -1;
      if (root) {
        root = false;
        this.unitStates[unitIndex] = this.readRoot(r, u);
        types.fileName = this.unitStates[unitIndex]!.fileName;
        types.cxx = this.unitStates[unitIndex]!.cxx;
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
              else if (parent === Frame.Subprogram && inSubprogram >= 0) innerParams++;
              break;
            case DW_TAG.unspecified_parameters:
              if (parent === Frame.FunctionType) types.onParam(r, parentOwner, true);
              break;
            case DW_TAG.subprogram:
              if (inSubprogram < 0) {
                roots.push(at * 4 + (parent === Frame.Aggregate ? ROOT_MEMBER_FUNCTION : ROOT_FUNCTION));
                if (r.abbrev!.hasChildren) inSubprogram = depth + 1;
              } else {
                innerSubprograms++;
              }
              frame = Frame.Subprogram;
              break;
            case DW_TAG.variable:
              if (inSubprogram < 0) {
                if (parent === Frame.Unit || parent === Frame.Aggregate) {
                  roots.push(at * 4 + (parent === Frame.Unit ? ROOT_VARIABLE : ROOT_MEMBER_VARIABLE));
                  rootVariables++;
                }
              } else if (
                parent === Frame.Subprogram ||
                parent === Frame.Scope ||
                parent === Frame.Aggregate
              ) {
                innerVariables++;
              }
              break;
            // Frames as `walkSubprogram` has them, for the counts above (to the types they are `Other`).
            case DW_TAG.lexical_block:
              if (parent === Frame.Subprogram || parent === Frame.Scope) frame = Frame.Scope;
              else if (parent === Frame.Inlined) frame = Frame.Inlined;
              break;
            case DW_TAG.inlined_subroutine:
              if (inSubprogram >= 0) innerCalls++;
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
      }
      at = r.next;
    }
    this.rootEnds[unitIndex] = roots.n;
    this.rootVariables += rootVariables;
    const inner = this.inner;
    inner.subprograms += innerSubprograms;
    inner.params += innerParams;
    inner.variables += innerVariables;
    inner.calls += innerCalls;
  }

  /** Decodes the subprograms and variables the main pass noted, and names them by their ELF symbols. */
  functions(): { subprograms: Subprogram[]; variables: Variable[] } {
    const subs = this.subs;
    const types = this.types;
    const roots = this.roots;
    const n = roots.n;
    // Room in the collector's columns for every row it can make: the roots noted and what is inside them (a
    // variable inside a subprogram is a local or a static one: room for it in both tables).
    const inner = this.inner;
    subs.reserve(
      n - this.rootVariables + inner.subprograms,
      this.rootVariables + inner.variables,
      inner.params + inner.variables,
      inner.calls,
    );
    let k = 0;
    for (let ui = 0; ui < this.allUnits.length; ui++) {
      const end = this.rootEnds[ui]!;
      if (k === end) continue;
      const u = this.allUnits[ui]!;
      const state = this.unitStates[ui]!;
      const r = new DieReader(u, this.s);
      for (; k < end; k++) {
        const root = roots.at(k);
        const kind = root % 4;
        // As a small integer when it is one (always, in practice): a value read from a Float64Array stays a
        // double through `r.offset` and what is computed from it, which V8 boxes where an object field holds
        // it.
        const offset = (root - kind) / 4;
        const at = (offset | 0) === offset ? offset | 0 : offset;
        types.ordinal = u.ordinal;
        types.base = this.bases[u.ordinal]!;
        subs.base = types.base;
        subs.fileName = state.fileName;
        subs.cxx = state.cxx;
        this.unitLowPc = state.lowPc;
        this.rnglistsBase = state.rnglistsBase;
        r.read(at);
        if (kind === ROOT_VARIABLE || kind === ROOT_MEMBER_VARIABLE)
          subs.onVariable(r, NO_SCOPE, kind === ROOT_VARIABLE);
        else this.walkSubprogram(r, kind === ROOT_FUNCTION);
      }
    }
    const { subprograms, variables } = subs.finish();
    return this.attachSymbols(subprograms, variables);
  }

  /** Reads one subprogram's subtree: parameters, locals, static locals, inlined calls, nested functions. */
  private walkSubprogram(r: DieReader, listed: boolean): void {
    const subs = this.subs;
    const sp = subs.onSubprogram(r, listed);
    if (!r.abbrev!.hasChildren) return;
    const frames = this.subFrames;
    const scopes = this.subScopes;
    let depth = 1;
    frames[1] = Frame.Subprogram;
    scopes[1] = sp;
    let at = r.next;
    while (depth > 0) {
      if (!r.read(at)) {
        depth--;
        at = r.next;
        continue;
      }
      const parent = frames[depth] as Frame;
      let scope = scopes[depth]!;
      let frame: Frame = Frame.Other;
      switch (r.tag) {
        case DW_TAG.formal_parameter:
          if (parent === Frame.Subprogram) subs.onParam(r, scope);
          break;
        case DW_TAG.unspecified_parameters:
          if (parent === Frame.Subprogram) subs.onVariadic(scope);
          break;
        case DW_TAG.subprogram:
          // A nested function (GNU C), or a method of a class local to the function.
          scope = subs.onSubprogram(r, parent !== Frame.Aggregate);
          frame = Frame.Subprogram;
          break;
        case DW_TAG.variable:
          if (parent === Frame.Subprogram || parent === Frame.Scope) subs.onVariable(r, scope, true);
          else if (parent === Frame.Aggregate) subs.onVariable(r, NO_SCOPE, false);
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
          subs.onInlined(r, scope);
          frame = Frame.Inlined;
          break;
        case DW_TAG.structure_type:
        case DW_TAG.union_type:
        case DW_TAG.class_type:
          frame = Frame.Aggregate;
          break;
      }
      if (r.abbrev!.hasChildren) {
        // The main pass has checked the depth of this tree already.
        depth++;
        frames[depth] = frame;
        scopes[depth] = scope;
      }
      at = r.next;
    }
  }

  // ---- symbols

  /** Names each subprogram and variable by the ELF symbol at its address (in place: the objects are ours). */
  private attachSymbols(
    subprograms: SubprogramRecord[],
    variables: VariableRecord[],
  ): { subprograms: Subprogram[]; variables: Variable[] } {
    const relocatable = this.elf.header.type === ET_REL;
    // Read in place: no ElfSymbol object per symbol.
    const sv = this.elf.symbolView;
    if (sv === undefined || sv.count === 0) return { subprograms, variables };
    // Places asked for: section × 2^32 + offset in relocatable files (offsets are section-relative), the
    // address in linked ones. Offset 0, the place of every function in an object built with a section per
    // function, is -1 - section instead: a small integer, which a map key or a return value need not box.
    const placeOf = (section: number | undefined, address: bigint | undefined): number | undefined => {
      if (address === undefined || address > 0x1f_ffff_ffff_ffffn) return undefined;
      if (!relocatable) return Number(address);
      if (section === undefined || address >= 0x1_0000_0000n) return undefined;
      return address === 0n ? -1 - section : section * 0x1_0000_0000 + Number(address);
    };
    // The symbols at each place asked for, in symbol order: the first one's index by place (-1: none), and
    // each one's successor in `nextAt`. Only symbols at one of these places are looked at further. Places at
    // the start of a section (every function's, with a section per function) are kept in a column by section,
    // as the first index + 2 (0: not asked for), the others in a map: a map of hundreds of thousands of places
    // would cost ~30 bytes each, and as much again in the tables its growth leaves behind.
    const atStart = new Int32Array(relocatable ? this.elf.headers.count : 0);
    const elsewhere = new Map<number, number>();
    const ask = (key: number): void => {
      const section = -1 - key;
      if (section >= 0 && section < atStart.length) atStart[section] = 1;
      else elsewhere.set(key, -1);
    };
    const headAt = (key: number): number | undefined => {
      const section = -1 - key;
      if (section >= 0 && section < atStart.length) {
        const v = atStart[section]!;
        return v === 0 ? undefined : v - 2;
      }
      return elsewhere.get(key);
    };
    const setHead = (key: number, i: number): void => {
      const section = -1 - key;
      if (section >= 0 && section < atStart.length) atStart[section] = i + 2;
      else elsewhere.set(key, i);
    };
    // Indexed loops: these run once per file, before V8 optimises them, when a for-of allocates per step.
    for (let k = 0; k < subprograms.length; k++) {
      const sp = subprograms[k]!;
      if (sp.declaration || sp.lowPc === undefined) continue;
      if (sp.section === undefined && !relocatable) sp.setSection(this.sectionOf(sp.lowPc));
      const key = placeOf(sp.section, sp.lowPc);
      if (key !== undefined) ask(key);
    }
    for (let k = 0; k < variables.length; k++) {
      const v = variables[k]!;
      if (v.declaration) continue;
      if (v.section === undefined && !relocatable && v.address !== undefined)
        v.setSection(this.sectionOf(v.address));
      const key = placeOf(v.section, v.address);
      if (key !== undefined) ask(key);
    }
    // The symbols' names are compared in place in their string table (validated with the symbol table) rather
    // than made into strings: one per symbol at a place asked for, hundreds of thousands, each equal to a
    // DWARF name that is kept already.
    const strtab = this.elf.rawData(this.elf.headers.link(sv.tableIndex));
    const nameIs = (i: number, s: string): boolean => {
      const at = sv.nameOffset(i);
      if (at + s.length >= strtab.length) return sv.name(i) === s;
      for (let k = 0; k < s.length; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) return sv.name(i) === s;
        if (strtab[at + k] !== c) return false;
      }
      return strtab[at + s.length] === 0;
    };
    const nsyms = sv.count;
    const nextAt = new Int32Array(nsyms);
    // Backwards, each symbol put in front of its place's list, so that the lists come out in symbol order.
    for (let i = nsyms - 1; i >= 0; i--) {
      const t = sv.type(i);
      if (t !== STT_OBJECT && t !== STT_FUNC && t !== STT_COMMON && t !== STT_TLS && t !== STT_GNU_IFUNC)
        continue;
      const shndx = sv.shndx(i);
      if (!isDefinedIn(shndx, sv.shndxRaw(i))) continue;
      const key = placeOf(shndx, sv.value(i));
      if (key === undefined) continue;
      const head = headAt(key);
      if (head === undefined) continue;
      // An empty name is a NUL where it starts.
      if (sv.nameOffset(i) === 0 || strtab[sv.nameOffset(i)] === 0) continue;
      nextAt[i] = head;
      setHead(key, i);
    }
    let byName: Map<string, number> | undefined;
    const named = (name: string, linkageName: string | undefined, func: boolean): string | undefined => {
      if (byName === undefined) {
        byName = new Map();
        for (let i = 0; i < nsyms; i++) {
          const shndx = sv.shndx(i);
          const defined = isDefinedIn(shndx, sv.shndxRaw(i)) || shndx === SHN_COMMON;
          if (!defined || sv.nameOffset(i) === 0) continue;
          const n = sv.name(i);
          if (n !== "" && !byName.has(n)) byName.set(n, i);
        }
      }
      const byLinkage = linkageName !== undefined ? byName.get(linkageName) : undefined;
      const i = byLinkage ?? byName.get(name);
      if (i === undefined || isFunc(sv.type(i)) !== func) return undefined;
      // The symbol's name is the one it was found by: that string, not a copy.
      return byLinkage !== undefined ? linkageName : name;
    };
    const pick = (
      key: number | undefined,
      name: string,
      linkageName: string | undefined,
      func: boolean,
    ): string | undefined => {
      const head = key === undefined ? undefined : headAt(key);
      if (head !== undefined) {
        // Several symbols at one place (aliases, linker-made markers such as __TMC_END__): the one with the
        // name, then a compiler-renamed static local (`counter.0` with gcc, `next_id.counter` with clang),
        // then one with a size, a global, or the first.
        let renamed: string | undefined;
        let sized: string | undefined;
        let global: string | undefined;
        let firstSym: string | undefined;
        for (let i = head; i >= 0; i = nextAt[i]!) {
          if (isFunc(sv.type(i)) !== func) continue;
          // The DWARF's string, equal and already kept: not a second copy per subprogram.
          if (linkageName !== undefined && nameIs(i, linkageName)) return linkageName;
          if (nameIs(i, name)) return name;
          const sname = sv.name(i);
          if (name !== "" && (sname.startsWith(`${name}.`) || sname.endsWith(`.${name}`))) renamed ??= sname;
          if (sv.size(i) > 0) sized ??= sname;
          if (sv.bind(i) !== 0) global ??= sname;
          firstSym ??= sname;
        }
        const best = renamed ?? sized ?? global ?? firstSym;
        if (best !== undefined) return best;
      }
      return named(name, linkageName, func);
    };
    for (let k = 0; k < subprograms.length; k++) {
      const sp = subprograms[k]!;
      if (sp.declaration || sp.lowPc === undefined) continue;
      sp.setSymbol(pick(placeOf(sp.section, sp.lowPc), sp.name, sp.linkageName, true));
    }
    for (let k = 0; k < variables.length; k++) {
      const v = variables[k]!;
      if (v.declaration) continue;
      v.setSymbol(pick(placeOf(v.section, v.address), v.name, v.linkageName, false));
    }
    return { subprograms, variables };
  }

  private allocSections: { start: bigint; end: bigint; index: number }[] | undefined;

  /** In linked files: the allocated section that holds an address. */
  private sectionOf(address: bigint): number | undefined {
    if (!this.allocSections) {
      const h = this.elf.headers;
      const list: { start: bigint; end: bigint; index: number }[] = [];
      for (let i = 0; i < h.count; i++) {
        if ((h.flags(i) & SHF.ALLOC) === 0 || h.size(i) === 0) continue;
        const start = h.address(i);
        list.push({ start, end: start + BigInt(h.size(i)), index: i });
      }
      this.allocSections = list;
    }
    const list = this.allocSections;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (address >= s.start && address < s.end) return s.index;
    }
    return undefined;
  }
}

/**
 * The line table of the unit whose `.debug_line` contribution starts at `offset` (0: the first): its file list
 * and rows. Addresses in relocatable files are section-relative, with the section in each row.
 */
export function readLineTable(
  file: ElfFile,
  offset = 0,
): { header: LineHeader; rows: LineRow[] } | undefined {
  return withFile(file.path, () => {
    const elf = file.withDebugSections();
    const index = debugSectionIndex(elf);
    const line = namedSection(elf, ".debug_line", index);
    if (line.length === 0) return undefined;
    const strings = {
      str: namedSection(elf, ".debug_str", index),
      lineStr: namedSection(elf, ".debug_line_str", index),
    };
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
