import {
  type ArchTable,
  archTable,
  type ElfFile,
  type ElfSymbol,
  isDefinedIn,
  RelocationScratch,
  type RelocType,
  type Section,
  SHF,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  SHT,
  STB,
  STT,
  type SymbolView,
} from "@elfdelta/elf";
import { fieldMask } from "./compare/fields.js";
import {
  asCompilerMade,
  isHiddenName,
  isPlainName,
  type ParsedName,
  PlainName,
  parseName,
} from "./correlate/names.js";

/**
 * One side of a comparison, derived from an `ElfFile` without touching it: the functions and data objects
 * the report lists (entities), where their bytes are, the relocations that patch them sorted by offset, and
 * the resolution of every relocation target to an entity, a string, a constant or an anonymous chunk.
 * Everything is computed lazily and cached; every step is linear (or n log n for sorting) in the input.
 */

export type EntityKind = "function" | "data";

/** What a profile changes in how one build is read (see `Profile.view`). */
export interface ViewOptions {
  /** Symbols defined in these sections are not listed (metadata such as `.modinfo` strings). */
  readonly unlisted?: (sectionName: string, symbol: ElfSymbol) => boolean;
  /** Objects defined in these sections are never paired by name, like compiler-made statics. */
  readonly neverCorrelated?: (sectionName: string, symbol: ElfSymbol) => boolean;
}

/**
 * A function or data object the report lists. Compact (one number holds the flags and the symbol's type and
 * binding; no symbol object is kept): objects built with -ffunction-sections have hundreds of thousands.
 */
export class Entity {
  constructor(
    /** Position in `ObjectView.entities`. */
    readonly index: number,
    /** The `.symtab` index of its symbol. */
    readonly symbolIndex: number,
    name: ParsedName,
    /** Section holding the bytes (for 64-bit PowerPC ELFv1 descriptors: the code section, not .opd); -1 for COMMON. */
    readonly section: number,
    readonly start: number,
    readonly size: number,
    bits: number,
  ) {
    // A plain name is kept as its string and made again when asked for (see `name`).
    if (isPlainName(name)) {
      this.#name = name.raw;
      this.#bits = bits | (name.compilerMade ? PLAIN_COMPILER_MADE : 0);
    } else {
      this.#name = name;
      this.#bits = bits;
    }
  }

  readonly #bits: number;
  readonly #name: string | ParsedName;

  /** The symbol's name, taken apart (a new object per call for plain names: they are most). */
  get name(): ParsedName {
    const n = this.#name;
    return typeof n === "string" ? new PlainName(n, (this.#bits & PLAIN_COMPILER_MADE) !== 0, false) : n;
  }

  /** `name.compilerMade`, without making the parsed name. */
  get compilerMade(): boolean {
    const n = this.#name;
    return typeof n === "string" ? (this.#bits & PLAIN_COMPILER_MADE) !== 0 : n.compilerMade;
  }

  /** `name.key`, without making the parsed name (a plain name is its own key). */
  get nameKey(): string {
    const n = this.#name;
    return typeof n === "string" ? n : n.key;
  }

  /** The symbol's name as stored (`name.raw`, without making the parsed name). */
  get rawName(): string {
    const n = this.#name;
    return typeof n === "string" ? n : n.raw;
  }

  static bits(o: {
    kind: EntityKind;
    nobits: boolean;
    common: boolean;
    tls: boolean;
    bind: number;
    type: number;
    thumb: boolean;
  }): number {
    return (
      (o.kind === "data" ? 1 : 0) |
      (o.nobits ? 2 : 0) |
      (o.common ? 4 : 0) |
      (o.tls ? 8 : 0) |
      (o.thumb ? 16 : 0) |
      ((o.bind & 0xf) << 5) |
      ((o.type & 0xf) << 9)
    );
  }

  get kind(): EntityKind {
    return this.#bits & 1 ? "data" : "function";
  }
  get nobits(): boolean {
    return (this.#bits & 2) !== 0;
  }
  get common(): boolean {
    return (this.#bits & 4) !== 0;
  }
  get tls(): boolean {
    return (this.#bits & 8) !== 0;
  }
  /** The symbol's value has its low bit set (ARM: a Thumb function). */
  get thumbBit(): boolean {
    return (this.#bits & 16) !== 0;
  }
  /** The symbol's STB_* binding. */
  get bind(): number {
    return (this.#bits >> 5) & 0xf;
  }
  /** The symbol's STT_* type. */
  get symbolType(): number {
    return (this.#bits >> 9) & 0xf;
  }
}

/**
 * The relocations of one section, merged from every REL/RELA section that patches it and sorted by offset.
 * A single `RelocationTable` of the reader is used as it is (it has this shape; a fresh decode, ordered in
 * place when it is not in order), without a copy.
 */
export interface SectionRelocs {
  /** The section the relocations patch. */
  readonly target: number;
  readonly count: number;
  readonly offsets: Float64Array;
  readonly types: Uint32Array;
  readonly symbols: Uint32Array;
  /** Effective addends: explicit (RELA), implicit (REL), MIPS HI16/GOT16 + LO16 pairs combined. */
  readonly addends: BigInt64Array;
}

export type Target =
  | { readonly kind: "none" }
  | { readonly kind: "external"; readonly name: string; readonly addend: bigint }
  | { readonly kind: "absolute"; readonly name: string; readonly value: bigint; readonly addend: bigint }
  | { readonly kind: "entity"; readonly entity: Entity; readonly offset: bigint }
  /** A defined symbol the report does not list (a global NOTYPE label, a hidden FUNC): compared by name. */
  | { readonly kind: "named"; readonly name: string; readonly addend: bigint }
  /** A string in a mergeable string section: compared by its text, never by its offset. */
  | {
      readonly kind: "string";
      readonly section: number;
      readonly at: number;
      readonly text: string;
      readonly bias: number;
    }
  /** A constant in a mergeable constant section (`.rodata.cst8`): compared by its bytes. */
  | {
      readonly kind: "constant";
      readonly section: number;
      readonly hex: string;
      readonly within: number;
      readonly bias: number;
    }
  /** Bytes no symbol covers (jump tables, TOC entries, literal pools): compared by their content. */
  | {
      readonly kind: "chunk";
      readonly section: number;
      readonly start: number;
      readonly end: number;
      readonly offset: number;
    }
  /** Anything else in a section: compared by the section's name and the offset. */
  | { readonly kind: "section"; readonly section: number; readonly offset: number };

const EMPTY_RELOCS: SectionRelocs = {
  target: 0,
  count: 0,
  offsets: new Float64Array(0),
  types: new Uint32Array(0),
  symbols: new Uint32Array(0),
  addends: new BigInt64Array(0),
};

const NO_ENTITIES: readonly Entity[] = Object.freeze([]);

/** `Entity` bit: its plain name is compiler-made (see `ParsedName.compilerMade`). */
const PLAIN_COMPILER_MADE = 1 << 13;

/**
 * How many sections' relocations an `ObjectView` keeps (see `#ring`): sections of several entities (shared
 * data, a whole `.text`), which the comparison comes back to, and the others (a function's own section).
 */
const RECENT_SHARED_SECTIONS = 512;
const RECENT_OWN_SECTIONS = 64;
/** Relocations in a table kept with the shared sections' whatever its section holds. */
const BIG_TABLE = 1024;

interface RecentRelocs {
  readonly section: number;
  readonly relocs: SectionRelocs;
  targets: (Target | undefined)[] | undefined;
}

const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;

export class ObjectView {
  readonly elf: ElfFile;
  readonly arch: ArchTable | undefined;
  readonly machine: number;
  readonly entities: readonly Entity[];
  readonly functions: readonly Entity[];
  readonly data: readonly Entity[];
  /** Symbol index → entity index + 1, 0 for none (see `entityOfSymbol`). */
  readonly #entityOfSymbol: Int32Array;
  /** Entity index → the index + 1 of the primary it is an alias of (see `primary`), 0 for a primary. */
  #aliasOf: Int32Array;

  /**
   * Where entities are, for "what is at section S offset X": every primary entity sorted by section then
   * start, in three parallel arrays; `#firstAnchor[S]`..`#firstAnchor[S + 1]` is section S's slice.
   */
  #anchorStart = new Float64Array(0);
  #anchorEnd = new Float64Array(0);
  /** Entity indices. */
  #anchorEntity = new Int32Array(0);
  #firstAnchor = new Int32Array(1);
  /**
   * The merged relocations (and resolved targets) of the sections worked on last. Bounded:
   * kept for every section, they took more memory than the file, while the diff works through the object
   * section by section and returns to a section soon or never. Two regions, each first in, first out: the
   * first `#sharedSlots` for sections of several entities, which the comparison comes back to (and big
   * tables), the rest for sections of one entity or none, which it seldom does. Kept 512 deep, those lived
   * long enough for V8 to move each to its old generation (~38 MB at 100,000 functions), and pushed the
   * shared ones out.
   */
  #ring: (RecentRelocs | undefined)[];
  #sharedSlots: number;
  #sharedNext = 0;
  #ownNext = 0;
  /** Section index → its slot in `#ring`, or -1. */
  #slotOf: Int32Array;
  #last: RecentRelocs | undefined;
  #masks = new Map<number, Uint8Array>();
  /**
   * Chunk boundaries of every section, in one array: `#boundaryAt[#boundaryFirst[S]..#boundaryFirst[S+1])`
   * are section S's, sorted (one typed array per section took more memory than the points themselves).
   */
  #boundaryFirst: Int32Array | undefined;
  #boundaryAt = new Float64Array(0);
  /** By entity index. */
  #refs: (Entity[] | undefined)[] | undefined;
  #users: (Entity[] | undefined)[] | undefined;
  /** By section index (the correlation of sections asks for every one). */
  #sectionKeys: (string | undefined)[];
  #fileBuffer: Buffer | undefined;
  /** `.symtab` read in place; no object per symbol (see `SymbolView`). */
  #sv: SymbolView | undefined;
  #symbolCount: number;
  /** Per symbol, what relocation resolution asks of it again and again (SYM_* bits). */
  #symBits: Uint8Array;
  /** By symbol index, for the few symbols asked for. */
  #externalNames: Map<number, string> | undefined;

  constructor(elf: ElfFile, options: ViewOptions = {}) {
    this.elf = elf;
    this.machine = elf.machine;
    this.arch = archTable(elf.machine);
    const sv = elf.symbolView;
    this.#sv = sv;
    this.#symbolCount = sv?.count ?? 0;
    this.#symBits = symbolBits(sv);
    const headers = elf.headers;
    const sectionCount = headers.count;
    this.#slotOf = new Int32Array(sectionCount).fill(-1);
    // No bigger than the object: most objects of a build tree have a few dozen sections.
    this.#sharedSlots = Math.max(1, Math.min(RECENT_SHARED_SECTIONS, sectionCount));
    const ownSlots = Math.max(1, Math.min(RECENT_OWN_SECTIONS, sectionCount));
    this.#ring = new Array(this.#sharedSlots + ownSlots).fill(undefined);
    this.#sectionKeys = new Array<string | undefined>(sectionCount).fill(undefined);
    const entities: Entity[] = [];
    const bySymbol = new Int32Array(this.#symbolCount);
    const opd = elf.machine === EM_PPC64 ? elf.sectionIndex(".opd") : -1;
    const hooks = options.unlisted !== undefined || options.neverCorrelated !== undefined;
    for (let si = 1; si < this.#symbolCount; si++) {
      const kind = entityKind(sv!.type(si));
      if (!kind) continue;
      const shndx = sv!.shndx(si);
      const common = shndx === SHN_COMMON;
      if (!common && (this.#symBits[si]! & SYM_DEFINED) === 0) continue;
      // Read from the table in place: an `ElfSymbol` only for a profile's hooks.
      let name = parseName(sv!.name(si));
      if (name.hidden) continue;
      if (hooks) {
        const sym = sv!.symbol(si);
        const home = common ? "COMMON" : headers.has(shndx) ? headers.name(shndx) : "";
        if (options.unlisted?.(home, sym)) continue;
        if (!name.compilerMade && options.neverCorrelated?.(home, sym)) name = asCompilerMade(name);
      }
      const type = sv!.type(si);
      const value = sv!.valueNumber(si);
      let section = common ? -1 : shndx;
      let start = common ? 0 : value;
      if (kind === "function" && elf.machine === EM_ARM) start &= ~1;
      if (opd >= 0 && kind === "function" && section === opd) {
        const code = this.#descriptorTarget(opd, start);
        if (code) {
          section = code.section;
          start = code.offset;
        }
      }
      const placed = section >= 0 && headers.has(section);
      const nobits = placed ? headers.type(section) === SHT.NOBITS : common;
      const tls = type === STT.TLS || (placed ? (headers.flags(section) & SHF.TLS) !== 0 : false);
      const bits = Entity.bits({
        kind,
        nobits,
        common,
        tls,
        bind: sv!.bind(si),
        type,
        thumb: value <= Number.MAX_SAFE_INTEGER ? (value & 1) === 1 : (sv!.value(si) & 1n) === 1n,
      });
      const e = new Entity(entities.length, si, name, section, start, sv!.size(si), bits);
      entities.push(e);
      bySymbol[si] = entities.length;
    }
    this.entities = entities;
    this.#entityOfSymbol = bySymbol;
    this.#aliasOf = new Int32Array(entities.length);
    this.#buildAnchors(entities);
    this.functions = entities.filter((e) => e.kind === "function");
    this.data = entities.filter((e) => e.kind === "data");
  }

  /** ELFv1: the code address an .opd descriptor at `offset` points at (its first relocation). */
  #descriptorTarget(opdIndex: number, offset: number): { section: number; offset: number } | undefined {
    const r = this.relocs(opdIndex);
    const i = lowerBound(r.offsets, offset);
    if (i >= r.count || r.offsets[i] !== offset) return undefined;
    const si = r.symbols[i]!;
    if ((this.#symBits[si]! & SYM_DEFINED) === 0) return undefined;
    return { section: this.#sv!.shndx(si), offset: this.#sv!.valueNumber(si) + Number(r.addends[i]!) };
  }

  #buildAnchors(entities: Entity[]): void {
    const sectionCount = this.elf.headers.count;
    // Placed entities ordered by section, start, size (largest first) and rank, ties in table order: a
    // counting sort by section, then a sort inside each section (most hold one entity: -ffunction-sections).
    // Indexed loops here and in the other passes over every entity or section: they run once per object,
    // mostly before V8 optimises them, when a for-of makes an iterator result per step.
    const { order: all, first: runs } = bySection(entities, sectionCount);
    // Positions are indexes here (the view's own list); the COMMON ones, first, are not placed.
    const common = runs[1]!;
    const order = all.subarray(common);
    const placedCount = order.length;
    const inSection = (a: number, b: number): number => {
      const x = entities[a]!;
      const y = entities[b]!;
      return x.section - y.section || x.start - y.start || y.size - x.size || rank(x) - rank(y);
    };
    for (let k = 1; k + 1 < runs.length; k++) {
      const from = runs[k]! - common;
      const to = runs[k + 1]! - common;
      if (to - from > 1) order.set(Array.from(order.subarray(from, to)).sort(inSection), from);
    }
    const starts = new Float64Array(placedCount);
    const ends = new Float64Array(placedCount);
    /** The primaries placed so far, by entity index: [0, placed). */
    const primaries = new Int32Array(placedCount);
    let placed = 0;
    const first = new Int32Array(sectionCount + 1);
    for (let i = 0; i < placedCount; i++) {
      const e = entities[order[i]!]!;
      const prev = placed > 0 ? entities[primaries[placed - 1]!] : undefined;
      if (
        prev &&
        prev.section === e.section &&
        prev.start === e.start &&
        prev.kind === e.kind &&
        prev.size === e.size
      ) {
        this.#aliasOf[e.index] = prev.index + 1;
        continue;
      }
      let end = e.start + e.size;
      if (e.size === 0 && e.kind === "function") {
        // Hand-written code without a size: up to the next symbol or the end of the section.
        let next = this.elf.headers.has(e.section) ? this.elf.headers.size(e.section) : e.start;
        for (let j = i + 1; j < placedCount && entities[order[j]!]!.section === e.section; j++) {
          const start = entities[order[j]!]!.start;
          if (start > e.start) {
            next = start;
            break;
          }
        }
        end = next;
        (e as { size: number }).size = Math.max(0, next - e.start);
      }
      starts[placed] = e.start;
      ends[placed] = end;
      primaries[placed++] = e.index;
      if (e.section < sectionCount) first[e.section + 1]!++;
    }
    for (let k = 1; k <= sectionCount; k++) first[k]! += first[k - 1]!;
    this.#anchorStart = starts.subarray(0, placed);
    this.#anchorEnd = ends.subarray(0, placed);
    this.#anchorEntity = primaries.subarray(0, placed);
    this.#firstAnchor = first;
  }

  /** The index of the last anchor of `section` starting at or before `offset`, or -1. */
  #anchorBefore(section: number, offset: number): number {
    if (section < 0 || section + 1 >= this.#firstAnchor.length) return -1;
    let lo = this.#firstAnchor[section]!;
    const from = lo;
    let hi = this.#firstAnchor[section + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#anchorStart[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 >= from ? lo - 1 : -1;
  }

  /** True when some listed function or data object lives in `section`. */
  holdsEntities(section: number): boolean {
    return (
      section >= 0 &&
      section + 1 < this.#firstAnchor.length &&
      this.#firstAnchor[section + 1]! > this.#firstAnchor[section]!
    );
  }

  /** Section `index` as an object (a new one each call: hot paths read `elf.headers`). */
  section(index: number): Section | undefined {
    return this.elf.headers.at(index);
  }

  /**
   * The section's bytes, decompressed (empty for NOBITS). Not kept here: `elf.data` keeps what it
   * decompressed, and a view of the file costs less to make again than to keep for every section.
   */
  bytes(section: number): Uint8Array {
    return this.elf.data(section);
  }

  /**
   * Where `section[start, start + n)` is in the file's bytes (`elf.bytes`), when the section is stored
   * uncompressed and the range lies inside it; -1 otherwise (use `bytes`).
   */
  fileOffset(section: number, start: number, n: number): number {
    const h = this.elf.headers;
    if (
      !h.has(section) ||
      h.type(section) === SHT.NOBITS ||
      (h.flags(section) & SHF.COMPRESSED) !== 0 ||
      !this.elf.holds(section)
    )
      return -1;
    const offset = h.offset(section);
    if (start < 0 || start + n > h.size(section) || offset + start + n > this.elf.bytes.length) return -1;
    // Legacy `.zdebug*` sections are compressed without SHF_COMPRESSED.
    if (h.nameStartsWith(section, ".zdebug")) return -1;
    return offset + start;
  }

  /** The file's bytes as a `Buffer` (the same memory), for native comparisons. */
  get fileBuffer(): Buffer {
    this.#fileBuffer ??= Buffer.from(
      this.elf.bytes.buffer,
      this.elf.bytes.byteOffset,
      this.elf.bytes.byteLength,
    );
    return this.#fileBuffer;
  }

  /** The bytes of an entity (empty for NOBITS and COMMON). */
  entityBytes(e: Entity): Uint8Array {
    if (e.nobits || e.section < 0) return new Uint8Array(0);
    const d = this.bytes(e.section);
    return d.subarray(e.start, Math.min(d.length, e.start + e.size));
  }

  /** Symbol `index` as an object (a new one each call), or undefined. */
  symbol(index: number): ElfSymbol | undefined {
    return index >= 0 && index < this.#symbolCount ? this.#sv!.symbol(index) : undefined;
  }

  /** How many `.symtab` entries there are. */
  get symbolCount(): number {
    return this.#symbolCount;
  }

  /**
   * The name of the symbol when a relocation against it targets `external` (see `target`); undefined for
   * the others. Kept once asked: relocations name the same few external functions again and again.
   */
  externalName(index: number): string | undefined {
    if (index <= 0 || index >= this.#symbolCount || this.#entityOfSymbol[index] !== 0) return undefined;
    if ((this.#symBits[index]! & SYM_UNDEF) === 0) return undefined;
    this.#externalNames ??= new Map();
    let name = this.#externalNames.get(index);
    if (name === undefined) {
      name = this.#sv!.name(index);
      this.#externalNames.set(index, name);
    }
    return name;
  }

  /** The entity whose range holds `offset` in `section`, if any (aliases resolve to their primary). */
  entityAt(section: number, offset: number): Entity | undefined {
    const k = this.#anchorBefore(section, offset);
    if (k < 0) return undefined;
    const start = this.#anchorStart[k]!;
    const end = this.#anchorEnd[k]!;
    if (offset < end || (start === end && offset === start)) return this.entities[this.#anchorEntity[k]!];
    return undefined;
  }

  /** Every relocation that patches `section`, merged and sorted by offset (cached). */
  relocs(section: number): SectionRelocs {
    return this.#recentRelocs(section).relocs;
  }

  /**
   * `relocs(section)` for a look the caller does not keep (the numeric first comparison of two entities,
   * which usually finds them the same): valid until the next `relocsOnce` of this view, so nothing it
   * calls may call `relocsOnce` again. See `#passRelocs`.
   */
  relocsOnce(section: number): SectionRelocs {
    this.#onceScratch ??= new RelocationScratch();
    return this.#passRelocs(section, this.#onceScratch, true);
  }

  /**
   * Lets go of every decoded relocation table this view keeps (the recent sections, their resolved targets,
   * the scratches): for when the comparison is over and the report is made, which needs few of them again
   * and is the diff's largest step. A table asked for later is decoded again.
   */
  forgetRelocations(): void {
    this.#ring.fill(undefined);
    this.#slotOf.fill(-1);
    this.#last = undefined;
    this.#sharedNext = 0;
    this.#ownNext = 0;
    this.#onceScratch = undefined;
    this.#passScratchMade = undefined;
  }

  /** Ends a `relocsOnce` look: a large table's buffer is not kept for the next one (see `RelocationScratch.drop`). */
  relocsOnceDone(): void {
    this.#onceScratch?.drop();
  }

  #onceScratch: RelocationScratch | undefined;
  /**
   * The scratch of the whole-object passes (chunk boundaries, references, users), which never run inside
   * one another (a pass resolves targets to entities, not to chunks). `relocsOnce` has its own: a target
   * it resolves can start the chunk-boundary pass.
   */
  #passScratchMade: RelocationScratch | undefined;
  get #passScratch(): RelocationScratch {
    this.#passScratchMade ??= new RelocationScratch();
    return this.#passScratchMade;
  }

  /**
   * `relocs(section)` for a pass over the whole object, valid until the next call with the same scratch.
   * Such a pass visits every section once: decoded into `scratch`, its tables neither make new arrays nor
   * push out of the cache the sections the comparison is working on. The cache still serves the sections it
   * holds, sections a pass may come back to (`revisits`: several entities in them) and the rare ones that
   * need merging (several tables, unsorted offsets, MIPS pairs).
   */
  #passRelocs(section: number, scratch: RelocationScratch, revisits: boolean): SectionRelocs {
    const elf = this.elf;
    const tables = elf.relocationSectionCount(section);
    if (tables === 0) return EMPTY_RELOCS;
    if (
      tables > 1 ||
      this.machine === EM_MIPS ||
      (this.#slotOf[section] ?? -1) >= 0 ||
      (revisits && this.#anchorsIn(section) > 1)
    )
      return this.relocs(section);
    const r = elf.relocationsInto(elf.relocationSectionOf(section, 0), scratch);
    if (!isSorted(r.offsets)) sortByOffset(r);
    return r;
  }

  /** How many primary entities `section` holds. */
  #anchorsIn(section: number): number {
    const first = this.#firstAnchor;
    return section >= 0 && section + 1 < first.length ? first[section + 1]! - first[section]! : 0;
  }

  #recentRelocs(section: number): RecentRelocs {
    const last = this.#last;
    if (last !== undefined && last.section === section) return last;
    const slot = this.#slotOf[section] ?? -1;
    let hit = slot >= 0 ? this.#ring[slot] : undefined;
    if (hit === undefined) {
      hit = { section, relocs: this.#mergeRelocs(section), targets: undefined };
      // First in, first out: no bookkeeping on a hit, none of a Map's garbage on an eviction.
      let at: number;
      // A big table goes with the shared ones too: decoding it again would cost more than keeping it.
      if (this.#anchorsIn(section) > 1 || hit.relocs.count > BIG_TABLE) {
        at = this.#sharedNext;
        this.#sharedNext = (at + 1) % this.#sharedSlots;
      } else {
        at = this.#sharedSlots + this.#ownNext;
        this.#ownNext = (this.#ownNext + 1) % (this.#ring.length - this.#sharedSlots);
      }
      const old = this.#ring[at];
      if (old !== undefined && old.section >= 0 && old.section < this.#slotOf.length)
        this.#slotOf[old.section] = -1;
      this.#ring[at] = hit;
      if (section >= 0 && section < this.#slotOf.length) this.#slotOf[section] = at;
    }
    this.#last = hit;
    return hit;
  }

  #mergeRelocs(section: number): SectionRelocs {
    const tables = this.elf.relocationsFor(section);
    let out: SectionRelocs;
    if (tables.length === 0) {
      out = EMPTY_RELOCS;
    } else if (tables.length === 1) {
      // A fresh decode, ours to reorder (GCC leaves the relocations of many functions out of order).
      out = tables[0]!;
      if (!isSorted(out.offsets)) sortByOffset(out);
    } else {
      const n = tables.reduce((s, t) => s + t.count, 0);
      const offsets = new Float64Array(n);
      const types = new Uint32Array(n);
      const symbols = new Uint32Array(n);
      const addends = new BigInt64Array(n);
      let k = 0;
      for (const t of tables) {
        offsets.set(t.offsets, k);
        types.set(t.types, k);
        symbols.set(t.symbols, k);
        addends.set(t.addends, k);
        k += t.count;
      }
      out = { target: section, count: n, offsets, types, symbols, addends };
      // Stable: relocations at one offset stay in table order, then in the order of their table.
      if (!isSorted(offsets)) sortByOffset(out);
    }
    if (this.machine === EM_MIPS && out.count > 0) out = this.#combineMipsHiLo(out);
    return out;
  }

  /**
   * MIPS REL objects split an address over HI16 (or GOT16 for local symbols) and LO16: the real addend is
   * (AHI << 16) + sign-extended ALO. Both relocations of a pair get the combined value, so that a section
   * symbol plus offset can be resolved to the object it points at.
   */
  #combineMipsHiLo(r: SectionRelocs): SectionRelocs {
    const addends = new BigInt64Array(r.addends);
    const HI16 = 5;
    const LO16 = 6;
    const GOT16 = 9;
    const pendingHi = new Map<number, number[]>();
    const lastHi = new Map<number, bigint>();
    for (let i = 0; i < r.count; i++) {
      const type = r.types[i]! & 0xff;
      const symIndex = r.symbols[i]!;
      const local = symIndex < this.#symbolCount ? this.#sv!.bind(symIndex) === STB.LOCAL : false;
      if (type === HI16 || (type === GOT16 && local)) {
        const list = pendingHi.get(symIndex);
        if (list) list.push(i);
        else pendingHi.set(symIndex, [i]);
      } else if (type === LO16) {
        const lo = r.addends[i]!;
        const his = pendingHi.get(symIndex);
        if (his && his.length > 0) {
          const hi = r.addends[his[0]!]!;
          const combined = (hi << 16n) + lo;
          for (const h of his) addends[h] = combined;
          addends[i] = combined;
          pendingHi.delete(symIndex);
          lastHi.set(symIndex, hi);
        } else {
          const hi = lastHi.get(symIndex);
          if (hi !== undefined) addends[i] = (hi << 16n) + lo;
        }
      }
    }
    return {
      target: r.target,
      count: r.count,
      offsets: r.offsets,
      types: r.types,
      symbols: r.symbols,
      addends,
    };
  }

  /** Indices [from, to) of the relocations of `section` whose offset lies in [start, end). */
  relocRange(section: number, start: number, end: number): [number, number] {
    const r = this.relocs(section);
    return [lowerBound(r.offsets, start), lowerBound(r.offsets, end)];
  }

  relocType(type: number): RelocType | undefined {
    return (
      this.arch?.types.get(type) ?? (this.machine === EM_MIPS ? this.arch?.types.get(type & 0xff) : undefined)
    );
  }

  relocTypeName(type: number): string {
    return this.relocType(type)?.name ?? `type ${type}`;
  }

  /** The byte mask of a relocation type's field (see fields.ts), cached per type. */
  mask(type: number): Uint8Array {
    let m = this.#masks.get(type);
    if (!m) {
      const t = this.relocType(type);
      m = t ? fieldMask(this.machine, this.elf.littleEndian, t) : new Uint8Array(0);
      this.#masks.set(type, m);
    }
    return m;
  }

  /**
   * For a relocation against a section symbol or a local label: the section and the offset it designates.
   * `x` is symbol value + addend as stored; `at` is the start of the thing pointed at, once the bias a
   * PC-relative instruction puts in its addend is taken out (x86: -4 minus any immediate after the field;
   * s390x *DBL: +2; ARM/Thumb branches: -8/-4).
   */
  sectionPoint(r: SectionRelocs, i: number): { section: number; x: number; at: number } | undefined {
    const si = r.symbols[i]!;
    const bits = this.#symBits[si] ?? 0;
    if ((bits & SYM_DEFINED) === 0) return undefined;
    if ((bits & SYM_SECTION) === 0 && this.#entityOfSymbol[si] !== 0) return undefined;
    if ((bits & SYM_LABEL) === 0) return undefined;
    const x = this.#sv!.valueNumber(si) + Number(r.addends[i]!);
    return { section: this.#sv!.shndx(si), x, at: x + this.#bias(r, i) };
  }

  #bias(r: SectionRelocs, i: number): number {
    const type = this.relocType(r.types[i]!);
    if (!type?.pcRelative) return 0;
    const h = this.elf.headers;
    const code = h.has(r.target) ? (h.flags(r.target) & SHF.EXECINSTR) !== 0 : false;
    switch (this.machine) {
      case EM_X86_64:
        if (!code || type.width !== 4) return 0;
        return 4 + this.#x86Immediate(r.target, r.offsets[i]!);
      case EM_386:
        return code && type.width === 4 ? 4 : 0;
      case EM_S390:
        return type.name.endsWith("DBL") ? -2 : 0;
      case EM_ARM:
        if (/^R_ARM_THM_(CALL|JUMP24|JUMP19|JUMP11|JUMP8|PC22)$/.test(type.name)) return 4;
        if (/^R_ARM_(CALL|JUMP24|PC24|PLT32)$/.test(type.name)) return 8;
        if (code && type.name === "R_ARM_REL32")
          return -armPicDistance(this.bytes(r.target), r.offsets[i]!, this.elf.littleEndian);
        return 0;
      default:
        return 0;
    }
  }

  /**
   * `x86TrailingImmediate` over the section's bytes in the file when it is stored uncompressed (no view of
   * the section made and cached: this runs for every PC-relative relocation against a section symbol).
   */
  #x86Immediate(section: number, field: number): number {
    const at = this.fileOffset(section, 0, field + 1);
    if (at < 0) return x86TrailingImmediate(this.bytes(section), field);
    return x86TrailingImmediate(this.elf.bytes, field, at);
  }

  /**
   * The entity relocation `i` of `r` points at, when it is one, without building a Target (the hot path
   * of reference indexing). Same resolution as `target()`.
   */
  entityTarget(r: SectionRelocs, i: number): Entity | undefined {
    const symIndex = r.symbols[i]!;
    const direct = this.entityOfSymbol(symIndex);
    if (direct) return direct;
    const bits = this.#symBits[symIndex] ?? 0;
    if (symIndex === 0 || (bits & SYM_DEFINED) === 0 || (bits & SYM_LABEL) === 0) return undefined;
    const shndx = this.#sv!.shndx(symIndex);
    const h = this.elf.headers;
    if (!h.has(shndx)) return undefined;
    const flags = h.flags(shndx);
    if ((flags & SHF.ALLOC) === 0 || flags & SHF.MERGE) return undefined;
    return this.entityAt(shndx, this.#sv!.valueNumber(symIndex) + Number(r.addends[i]!) + this.#bias(r, i));
  }

  /** Symbol value plus addend of relocation `i` of `r`, as a number (the `x` of `sectionPoint`). */
  pointOf(r: SectionRelocs, i: number): number {
    const si = r.symbols[i]!;
    return si < this.#symbolCount ? this.#sv!.valueNumber(si) + Number(r.addends[i]!) : Number.NaN;
  }

  /** What relocation `i` of `r` points at (cached). */
  target(r: SectionRelocs, i: number): Target {
    const slot = this.#slotOf[r.target] ?? -1;
    const recent = this.#last?.relocs === r ? this.#last : slot >= 0 ? this.#ring[slot] : undefined;
    // `r` may be an evicted copy of the same relocations: then its targets are not kept.
    if (recent === undefined || recent.relocs !== r) return this.#resolve(r, i);
    recent.targets ??= new Array<Target | undefined>(r.count);
    const cache = recent.targets;
    const hit = cache[i];
    if (hit) return hit;
    const t = this.#resolve(r, i);
    cache[i] = t;
    return t;
  }

  #resolve(r: SectionRelocs, i: number): Target {
    const symIndex = r.symbols[i]!;
    const addend = r.addends[i]!;
    if (symIndex === 0 || symIndex >= this.#symbolCount) return { kind: "none" };
    const sv = this.#sv!;
    const e = this.entityOfSymbol(symIndex);
    if (e) return { kind: "entity", entity: e, offset: addend };
    const bits = this.#symBits[symIndex]!;
    if (bits & SYM_UNDEF) return { kind: "external", name: this.externalName(symIndex)!, addend };
    if (sv.shndx(symIndex) === SHN_ABS)
      return { kind: "absolute", name: sv.name(symIndex), value: sv.value(symIndex), addend };
    if ((bits & SYM_DEFINED) === 0) return { kind: "named", name: sv.name(symIndex), addend };
    if ((bits & SYM_LABEL) === 0) return { kind: "named", name: sv.name(symIndex), addend };
    const p = this.sectionPoint(r, i)!;
    return this.locate(p.section, p.x, p.at);
  }

  /** Resolves "section + offset" (x as stored, at with the PC bias removed) to the best target. */
  locate(section: number, x: number, at: number): Target {
    const h = this.elf.headers;
    const flags = h.has(section) ? h.flags(section) : 0;
    if ((flags & SHF.ALLOC) === 0) return { kind: "section", section, offset: x };
    if (flags & SHF.MERGE && h.type(section) !== SHT.NOBITS) {
      const data = this.bytes(section);
      const entsize = h.entsize(section);
      if (flags & SHF.STRINGS) {
        const width = Math.max(1, entsize);
        return { kind: "string", section, at, text: readString(data, at, width), bias: x - at };
      }
      const size = Math.max(1, entsize);
      const base = Math.floor(at / size) * size;
      return {
        kind: "constant",
        section,
        hex: hex(data, base, base + size),
        within: at - base,
        bias: x - at,
      };
    }
    const e = this.entityAt(section, at);
    if (e) return { kind: "entity", entity: e, offset: BigInt(x - e.start) };
    const chunk = this.chunkAt(section, at);
    if (chunk) return { kind: "chunk", section, start: chunk[0], end: chunk[1], offset: x - chunk[0] };
    return { kind: "section", section, offset: x };
  }

  /**
   * The anonymous chunk of `section` that starts at `at`: up to the next place anything points at, the next
   * symbol, or the end of the section. Boundaries come from one pass over every relocation of the file.
   */
  chunkAt(section: number, at: number): [number, number] | undefined {
    const h = this.elf.headers;
    if (!h.has(section)) return undefined;
    const sectionSize = h.size(section);
    if (at < 0 || at > sectionSize) return undefined;
    const first = this.#chunkBoundaries();
    let end = sectionSize;
    if (section + 1 < first.length) {
      const k = upperBound(this.#boundaryAt, at, first[section]!, first[section + 1]!);
      if (k < first[section + 1]!) end = Math.min(end, this.#boundaryAt[k]!);
    }
    const k = this.#anchorBefore(section, at) + 1;
    const limit = this.#firstAnchor[section + 1] ?? 0;
    const next = k > 0 ? k : (this.#firstAnchor[section] ?? 0);
    if (next < limit) end = Math.min(end, this.#anchorStart[next]!);
    return [at, Math.max(at, end)];
  }

  /** An unnamed section cut at every place something points at: its chunks, in order. */
  chunks(section: number): [number, number][] {
    const size = this.elf.headers.has(section) ? this.elf.headers.size(section) : 0;
    const out: [number, number][] = [];
    for (let at = 0; at < size; ) {
      const c = this.chunkAt(section, at);
      if (!c || c[1] <= at) {
        out.push([at, size]);
        break;
      }
      out.push(c);
      at = c[1];
    }
    return out;
  }

  #chunkBoundaries(): Int32Array {
    if (this.#boundaryFirst) return this.#boundaryFirst;
    const h = this.elf.headers;
    const sectionCount = h.count;
    // One pass over every relocation of the file collects (section, point) pairs; a counting sort by
    // section then puts each section's points together.
    let secs = new Int32Array(1024);
    let ats = new Float64Array(1024);
    let n = 0;
    // The sections relocations patch, marked by index (a set of 150,000 numbers took 7 MB per object; the
    // order of the visits does not matter, the points are sorted below).
    const patched = new Uint8Array(sectionCount);
    const relocationSections = this.elf.relocationSections;
    for (let k = 0; k < relocationSections.length; k++) {
      const target = h.info(relocationSections[k]!);
      if (target < sectionCount) patched[target] = 1;
    }
    const sv = this.#sv;
    const scratch = this.#passScratch;
    for (let target = 0; target < sectionCount; target++) {
      if (patched[target] === 0 || (h.flags(target) & SHF.ALLOC) === 0 || !sv) continue;
      const r = this.#passRelocs(target, scratch, false);
      for (let i = 0; i < r.count; i++) {
        // `sectionPoint` without an object per relocation (this visits every relocation of the file).
        const si = r.symbols[i]!;
        const bits = this.#symBits[si] ?? 0;
        if ((bits & SYM_DEFINED) === 0 || (bits & SYM_LABEL) === 0) continue;
        if ((bits & SYM_SECTION) === 0 && this.#entityOfSymbol[si] !== 0) continue;
        const shndx = sv.shndx(si);
        if (shndx >= sectionCount) continue;
        if (n === secs.length) {
          const s2 = new Int32Array(n * 2);
          s2.set(secs);
          secs = s2;
          const a2 = new Float64Array(n * 2);
          a2.set(ats);
          ats = a2;
        }
        secs[n] = shndx;
        ats[n] = sv.valueNumber(si) + Number(r.addends[i]!) + this.#bias(r, i);
        n++;
      }
    }
    const first = new Int32Array(sectionCount + 1);
    for (let i = 0; i < n; i++) first[secs[i]! + 1]!++;
    for (let k = 1; k <= sectionCount; k++) first[k]! += first[k - 1]!;
    const fill = first.slice(0, sectionCount);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[fill[secs[i]!]!++] = ats[i]!;
    for (let k = 0; k < sectionCount; k++) {
      if (first[k + 1]! - first[k]! > 1) out.subarray(first[k]!, first[k + 1]!).sort();
    }
    this.#boundaryAt = out;
    this.#boundaryFirst = first;
    return first;
  }

  /** Every entity the code or data of `e` refers to through relocations (deduplicated, in order). */
  references(e: Entity): readonly Entity[] {
    this.#indexReferences();
    return this.#refs![e.index] ?? NO_ENTITIES;
  }

  /** Every entity whose relocations refer to `e`. */
  users(e: Entity): readonly Entity[] {
    this.#indexReferences();
    return this.#users![e.index] ?? NO_ENTITIES;
  }

  /**
   * `users(d)` of each of `targets`, without indexing every relocation of the file when that was not done
   * already: only relocations whose symbol can lead to one of them (theirs, their aliases', the section
   * symbols and local labels of their sections) are resolved.
   */
  usersOfEach(targets: readonly Entity[]): Map<Entity, readonly Entity[]> {
    const out = new Map<Entity, Entity[]>();
    const wanted = new Set(targets.map((t) => this.primary(t)));
    if (wanted.size === 0) return out;
    if (this.#refs) {
      for (const d of wanted) out.set(d, [...this.users(d)]);
      return out;
    }
    const sections = new Set<number>();
    for (const d of wanted) if (d.section >= 0) sections.add(d.section);
    const maybe = new Uint8Array(this.#symbolCount);
    for (let si = 0; si < this.#symbolCount; si++) {
      const e = this.entityOfSymbol(si);
      const bits = this.#symBits[si]!;
      if (e !== undefined) {
        if (wanted.has(this.primary(e))) maybe[si] = 1;
      } else if (bits & SYM_DEFINED && bits & SYM_LABEL && sections.has(this.#sv!.shndx(si))) {
        maybe[si] = 1;
      }
    }
    const scratch = this.#passScratch;
    const entities = this.entities;
    // The primaries in the order of their sections (the anchors), so in the order of their relocation
    // tables in the file; each list is put back in entity order at the end.
    const anchors = this.#anchorEntity;
    for (let k = 0; k < anchors.length; k++) {
      const e = entities[anchors[k]!]!;
      if (e.nobits) continue;
      const r = this.#passRelocs(e.section, scratch, true);
      const to = lowerBound(r.offsets, e.start + e.size);
      for (let i = lowerBound(r.offsets, e.start); i < to; i++) {
        if (maybe[r.symbols[i]!] !== 1) continue;
        const target = this.entityTarget(r, i);
        if (!target) continue;
        const ref = this.primary(target);
        if (ref === e || !wanted.has(ref)) continue;
        const list = out.get(ref);
        if (!list) out.set(ref, [e]);
        else if (list[list.length - 1] !== e) list.push(e); // e's relocations come one after another
      }
    }
    for (const list of out.values()) if (list.length > 1) list.sort(byIndex);
    return out;
  }

  #indexReferences(): void {
    if (this.#refs) return;
    const n = this.entities.length;
    const refs: (Entity[] | undefined)[] = new Array(n).fill(undefined);
    const users: (Entity[] | undefined)[] = new Array(n).fill(undefined);
    const scratch = this.#passScratch;
    const entities = this.entities;
    // The primaries in the order of their sections (the anchors), so in the order of their relocation
    // tables in the file; each list is put back in entity order at the end.
    const anchors = this.#anchorEntity;
    for (let k = 0; k < anchors.length; k++) {
      const e = entities[anchors[k]!]!;
      if (e.nobits) continue;
      const r = this.#passRelocs(e.section, scratch, true);
      const from = lowerBound(r.offsets, e.start);
      const to = lowerBound(r.offsets, e.start + e.size);
      let list: Entity[] | undefined;
      let seen: Set<Entity> | undefined;
      for (let i = from; i < to; i++) {
        const target = this.entityTarget(r, i);
        if (!target) continue;
        const ref = this.primary(target);
        if (ref === e) continue;
        // Deduplicated by a scan while the list is short (most are), by a set beyond.
        if (list === undefined) list = [];
        else if (seen !== undefined) {
          if (seen.has(ref)) continue;
          seen.add(ref);
        } else if (list.includes(ref)) continue;
        else if (list.length >= 16) seen = new Set(list).add(ref);
        list.push(ref);
        const u = users[ref.index];
        if (u) u.push(e);
        else users[ref.index] = [e];
      }
      if (list) refs[e.index] = list;
    }
    for (let k = 0; k < n; k++) {
      const u = users[k];
      if (u !== undefined && u.length > 1) u.sort(byIndex);
    }
    this.#refs = refs;
    this.#users = users;
  }

  primary(e: Entity): Entity {
    const a = this.#aliasOf[e.index]!;
    return a === 0 ? e : this.entities[a - 1]!;
  }

  /** True when `e` is an alias of another entity (same kind, section, start and size), not the primary. */
  isAlias(e: Entity): boolean {
    return this.#aliasOf[e.index] !== 0;
  }

  /** The entity of symbol `index` (descriptor symbols of ELFv1 map to their function), if it has one. */
  entityOfSymbol(index: number): Entity | undefined {
    const k = this.#entityOfSymbol[index] ?? 0;
    return k === 0 ? undefined : this.entities[k - 1];
  }

  /**
   * A name for a section that is the same in both builds when the section plays the same part: numbered
   * suffixes dropped (`.text.foo.isra.0` → `.text.foo.isra`), COMDAT group signature appended.
   */
  sectionKey(index: number): string {
    let k = this.#sectionKeys[index];
    if (k === undefined) {
      const h = this.elf.headers;
      k = h.has(index) ? normalizeSectionName(h.name(index)) : `#${index}`;
      if (h.has(index) && h.flags(index) & SHF.GROUP) {
        for (const g of this.elf.groups) {
          if (g.members.includes(index)) {
            k += `[${parseName(this.elf.groupSignature(g)).key}]`;
            break;
          }
        }
      }
      if (h.has(index)) this.#sectionKeys[index] = k;
    }
    return k;
  }

  sectionName(index: number): string {
    if (index < 0) return "COMMON";
    return this.elf.headers.has(index) ? this.elf.headers.name(index) : `#${index}`;
  }
}

function entityKind(type: number): EntityKind | undefined {
  switch (type) {
    case STT.FUNC:
    case STT.GNU_IFUNC:
      return "function";
    case STT.OBJECT:
    case STT.TLS:
    case STT.COMMON:
      return "data";
    default:
      return undefined;
  }
}

function rank(e: Entity): number {
  // The primary of a group of aliases: global before weak before local, plain names before decorated ones.
  const b = e.bind === STB.GLOBAL ? 0 : e.bind === STB.WEAK ? 1 : 2;
  return b * 2 + (e.name.raw.includes(".") ? 1 : 0);
}

/** Defined in a real section (see `isDefinedIn`). */
const SYM_DEFINED = 1;
/**
 * A section symbol, a local label or another symbol whose meaning is "this place in the section", not an
 * object (section symbols included).
 */
const SYM_LABEL = 2;
const SYM_SECTION = 4;
/** Undefined: a relocation against it targets `external`. */
const SYM_UNDEF = 8;

/** The SYM_* bits of every symbol, in one pass (names are looked at only where the type does not decide). */
function symbolBits(sv: SymbolView | undefined): Uint8Array {
  const n = sv?.count ?? 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const type = sv!.type(i);
    const shndx = sv!.shndx(i);
    const raw = sv!.shndxRaw(i);
    let b = 0;
    if (isDefinedIn(shndx, raw)) b |= SYM_DEFINED;
    if (shndx === SHN_UNDEF && raw !== 0xffff) b |= SYM_UNDEF;
    if (type === STT.SECTION) b |= SYM_SECTION | SYM_LABEL;
    else if (type === STT.NOTYPE && sv!.bind(i) === STB.LOCAL) b |= SYM_LABEL;
    else if (i > 0 && isHiddenName(sv!.name(i))) b |= SYM_LABEL;
    out[i] = b;
  }
  return out;
}

export function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Orders relocations by offset in place, stably (at one offset they keep their order). Insertion sort for
 * the short tables of a function; beyond, a sorted permutation applied through copies.
 */
function sortByOffset(r: SectionRelocs): void {
  const { offsets, types, symbols, addends, count } = r;
  if (count <= 64) {
    for (let i = 1; i < count; i++) {
      const o = offsets[i]!;
      if (o >= offsets[i - 1]!) continue;
      const t = types[i]!;
      const s = symbols[i]!;
      const a = addends[i]!;
      let j = i - 1;
      for (; j >= 0 && offsets[j]! > o; j--) {
        offsets[j + 1] = offsets[j]!;
        types[j + 1] = types[j]!;
        symbols[j + 1] = symbols[j]!;
        addends[j + 1] = addends[j]!;
      }
      offsets[j + 1] = o;
      types[j + 1] = t;
      symbols[j + 1] = s;
      addends[j + 1] = a;
    }
    return;
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((x, y) => offsets[x]! - offsets[y]! || x - y);
  const o = offsets.slice(0, count);
  const t = types.slice(0, count);
  const s = symbols.slice(0, count);
  const a = addends.slice(0, count);
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    offsets[k] = o[i]!;
    types[k] = t[i]!;
    symbols[k] = s[i]!;
    addends[k] = a[i]!;
  }
}

function isSorted(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** The NUL-terminated string at `at` (entries of `width` bytes for wide-string sections). */
export function readString(data: Uint8Array, at: number, width: number): string {
  if (at < 0 || at >= data.length) return "";
  let end = at;
  if (width === 1) {
    while (end < data.length && data[end] !== 0) end++;
    return decoder.decode(data.subarray(at, end));
  }
  outer: while (end + width <= data.length) {
    for (let k = 0; k < width; k++)
      if (data[end + k] !== 0) {
        end += width;
        continue outer;
      }
    break;
  }
  return hex(data, at, end);
}

/**
 * The bytes `[from, to)` in hexadecimal, as one flat string: digests built from it are kept for the whole
 * diff, and a string grown by `+=` stays a chain of one node per step until something flattens it.
 */
export function hex(data: Uint8Array, from: number, to: number): string {
  const a = Math.max(0, from);
  const b = Math.min(to, data.length);
  if (b <= a) return "";
  if (NodeBuffer) return NodeBuffer.from(data.buffer, data.byteOffset + a, b - a).toString("hex");
  const parts = new Array<string>(b - a);
  for (let i = a; i < b; i++) parts[i - a] = data[i]!.toString(16).padStart(2, "0");
  return parts.join("");
}

/** Node's Buffer, when there is one (its hex encoding is native). */
const NodeBuffer: typeof Buffer | undefined = typeof Buffer === "function" ? Buffer : undefined;

/** `.text.foo.isra.0` → `.text.foo.isra`, `.bss.hits.3` → `.bss.hits`, `.text.f.llvm.123` → `.text.f`. */
export function normalizeSectionName(name: string): string {
  // Pools (.rodata.str1.1, .rodata.cst16) are named by their entry size, not by a symbol.
  if (/^\.rodata\.(str\d+\.\d+|cst\d+)$/.test(name)) return name;
  for (const prefix of SECTION_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return prefix + parseName(name.slice(prefix.length)).key;
    }
  }
  return name;
}

const SECTION_PREFIXES = [
  ".text.unlikely.",
  ".text.hot.",
  ".text.startup.",
  ".text.exit.",
  ".text.",
  ".data.rel.ro.local.",
  ".data.rel.ro.",
  ".data.rel.local.",
  ".data.rel.",
  ".data.",
  ".rodata.",
  ".bss.",
  ".tdata.",
  ".tbss.",
  ".sdata.",
  ".sbss.",
  ".srodata.",
  ".init.text.",
  ".ldata.",
  ".lbss.",
  ".lrodata.",
];

/**
 * How many immediate bytes follow a RIP-relative 32-bit displacement at `field` (x86-64). The bias of the
 * addend is -(4 + that). Looks at the ModRM byte before the field and the opcode before it; instructions
 * without ModRM (call, jmp, jcc rel32) have no immediate after their displacement.
 */
export function x86TrailingImmediate(code: Uint8Array, field: number, base = 0): number {
  // `base`: where the section starts in `code` (the file's bytes); `field` stays section-relative, so no
  // byte before the section is read.
  if (field < 2) return 0;
  const modrm = code[base + field - 1]!;
  if ((modrm & 0xc7) !== 0x05) return 0;
  const op = code[base + field - 2]!;
  const esc = field >= 3 ? code[base + field - 3]! : -1;
  const reg = (modrm >> 3) & 7;
  const opsize16 =
    esc === 0x66 || (esc >= 0x40 && esc <= 0x4f && field >= 4 && code[base + field - 4] === 0x66);
  if (esc === 0x0f) {
    if (op === 0xba || (op >= 0x70 && op <= 0x73) || op === 0xc2 || op === 0xc4 || op === 0xc5 || op === 0xc6)
      return 1;
    if (op === 0xa4 || op === 0xac) return 1;
    return 0;
  }
  if (esc === 0x3a && field >= 4 && code[base + field - 4] === 0x0f) return 1;
  switch (op) {
    case 0x80:
    case 0x82:
    case 0x83:
    case 0xc0:
    case 0xc1:
    case 0xc6:
    case 0x6b:
      return 1;
    case 0x81:
    case 0xc7:
    case 0x69:
      return opsize16 ? 2 : 4;
    case 0xf6:
      return reg <= 1 ? 1 : 0;
    case 0xf7:
      return reg <= 1 ? (opsize16 ? 2 : 4) : 0;
    default:
      return 0;
  }
}

/**
 * ARM PIC literal pools hold `sym - (.LPICn + 4)` (Thumb) or `sym - (.LPICn + 8)` (ARM): the REL32 addend is
 * the symbol offset plus the distance from the `add rX, pc` at .LPICn to the literal. Finds the load of the
 * literal at `literal` and the `add rX, pc` after it, and returns that distance (0 when not found).
 */
export function armPicDistance(code: Uint8Array, literal: number, le: boolean): number {
  const hw = (q: number) => (le ? code[q]! | (code[q + 1]! << 8) : (code[q]! << 8) | code[q + 1]!);
  const w32 = (q: number) =>
    (le
      ? code[q]! | (code[q + 1]! << 8) | (code[q + 2]! << 16) | (code[q + 3]! << 24)
      : (code[q]! << 24) | (code[q + 1]! << 16) | (code[q + 2]! << 8) | code[q + 3]!) >>> 0;
  const lowest = Math.max(0, literal - 4096);
  // Thumb: LDR (literal) T1 `ldr rt, [pc, #imm8*4]` or T2 `ldr.w rt, [pc, #+-imm12]`, then `add rt, pc`.
  for (let q = literal - 2; q >= lowest; q -= 2) {
    const h = hw(q);
    let rt = -1;
    let end = q + 2;
    if ((h & 0xf800) === 0x4800 && ((q + 4) & ~3) + (h & 0xff) * 4 === literal) rt = (h >> 8) & 7;
    else if ((h === 0xf8df || h === 0xf85f) && q + 4 <= code.length) {
      const h2 = hw(q + 2);
      const imm = h2 & 0xfff;
      const target = ((q + 4) & ~3) + (h === 0xf8df ? imm : -imm);
      if (target === literal) {
        rt = h2 >> 12;
        end = q + 4;
      }
    }
    if (rt < 0) continue;
    for (let k = end; k + 2 <= literal && k < end + 64; k += 2) {
      const a = hw(k);
      if ((a & 0xff78) === 0x4478 && ((a & 7) | ((a >> 4) & 8)) === rt) return literal - (k + 4);
    }
    break;
  }
  // ARM: LDR (literal) `ldr rt, [pc, #+-imm12]`, then `add rt, pc, rt`.
  for (let q = (literal & ~3) - 4; q >= lowest; q -= 4) {
    const w = w32(q);
    if ((w & 0x0f7f0000) !== 0x051f0000) continue;
    const imm = w & 0xfff;
    if (q + 8 + ((w & 0x00800000) !== 0 ? imm : -imm) !== literal) continue;
    const rt = (w >> 12) & 0xf;
    for (let k = q + 4; k + 4 <= literal && k < q + 128; k += 4) {
      const a = w32(k);
      // ADD (register) rd = rt, rn = pc, rm = rt, no shift.
      if ((a & 0x0fff0fff) === (0x008f0000 | (rt << 12) | rt)) return literal - (k + 8);
    }
    break;
  }
  return 0;
}

/**
 * Positions in `es` grouped by section, in list order within one (a counting sort): COMMON entities (no
 * section) first, in `order[first[0]..first[1])`, then section s's in `order[first[s + 1]..first[s + 2])`
 * (sections past `sectionCount` with the last).
 */
export function bySection(
  es: readonly Entity[],
  sectionCount: number,
): { readonly order: Int32Array<ArrayBuffer>; readonly first: Int32Array<ArrayBuffer> } {
  const slot = (e: Entity) => (e.section < 0 ? 0 : Math.min(e.section, sectionCount) + 1);
  const first = new Int32Array(sectionCount + 3);
  for (let i = 0; i < es.length; i++) first[slot(es[i]!) + 1]!++;
  for (let k = 1; k < first.length; k++) first[k]! += first[k - 1]!;
  const fill = first.slice(0, first.length - 1);
  const order = new Int32Array(es.length);
  for (let i = 0; i < es.length; i++) order[fill[slot(es[i]!)]!++] = i;
  return { order, first };
}

function byIndex(a: Entity, b: Entity): number {
  return a.index - b.index;
}
