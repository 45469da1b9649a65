import { DW_AT, DW_FORM, DW_OP } from "./constants.js";
import { type DieReader, REF_EXTERNAL, REF_SIGNATURE } from "./forms.js";
import { toBigInt } from "./leb.js";
import type { InlinedCall, Parameter } from "./model.js";
import { SubprogramRecord, VariableRecord } from "./records.js";
import type { DebugSection } from "./relocate.js";
import type { DieKey, DieLookup, TypeCollector } from "./types.js";

/**
 * Collects subprograms, their parameters, locals and inlined calls, and global/static variables while the DIE
 * walker visits them. Abstract instances, concrete out-of-line instances (DW_AT_abstract_origin) and C++
 * definitions of declared members (DW_AT_specification) each carry part of the picture, possibly in DIEs that
 * come later in the file, so `finish()` merges them once everything has been read, following each chain
 * iteratively with a bound.
 *
 * What the walk reads is kept in tables of columns, one row per DIE: typed arrays for numbers, plain arrays
 * for strings and BigInts, and lists (a subprogram's parameters, locals, inlined calls) linked through row
 * indices. A big object has hundreds of thousands of these DIEs, and they live from the walk to `finish()`:
 * long enough for an object per DIE to be promoted to V8's old generation, only to be dropped once the
 * published records are made. The columns are a few allocations, most of them outside the JS heap.
 */

/** Bits of the subprograms' and variables' `flags` columns. */
const EXTERNAL = 1;
const DECLARATION = 2;
const INLINE = 4;
/** DW_AT_type is present. */
const HAS_TYPE = 8;
const VARIADIC = 16;
const PROTOTYPED = 32;
/** Unset for member functions and static data members declared in a class: only there to be referred to. */
const LISTED = 64;
/** A later DIE completes it (DW_AT_specification): listed through that DIE. Set by `finish()`. */
const COMPLETED = 128;
/** A concrete instance (DW_AT_abstract_origin) refers to it. Set by `finish()`. */
const CONCRETE = 256;

function withFlag(flags: number, bit: number, on: boolean): number {
  return on ? flags | bit : flags & ~bit;
}

/** Bound on DW_AT_abstract_origin / DW_AT_specification chains (real ones are 1-3 long). */
const MAX_CHAIN = 32;
/** Bound on parameters, locals and inlined calls per subprogram. */
const MAX_PER_SUBPROGRAM = 1_000_000;

export interface RangeReader {
  /**
   * The first address range of DW_AT_ranges: fills `out` with its start and the section it was relocated
   * against and returns true, or returns false when there is none.
   */
  firstRange(r: DieReader, i: number, out: RangeStart): boolean;
}

/** Where the first range of a DW_AT_ranges list starts (filled in by `firstRangeStart`). */
export interface RangeStart {
  start: bigint;
  section: number;
}

/**
 * No DIE in a key column, no row in a row column. Not NaN as elsewhere: one value for both, tested by `< 0`
 * and `>= 0`.
 */
const NONE = -1;
/** The `scope` of `onVariable` for a variable outside any subprogram. */
export const NO_SCOPE = NONE;

/**
 * The published empty list of params, locals or inlined calls: most subprograms have none of one or another,
 * and an empty array apiece would cost as much as the subprogram's other fields. The model is read-only.
 */
const EMPTY: readonly never[] = Object.freeze([]);

// ---- columns

/** Capacity after `cap` when a table is full: doubling, so that a table of n rows is copied O(n) times. */
function grownCapacity(cap: number): number {
  return Math.max(16, cap * 2);
}

function grownF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function grownI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** `a` copied into an array of `cap` slots (the ones past `a` are holes, read as undefined). */
function grownList<T>(a: readonly T[], cap: number): T[] {
  const b = new Array<T>(cap);
  for (let i = 0; i < a.length; i++) b[i] = a[i]!;
  return b;
}

/** A growable column of row indices. */
class RowVec {
  a: Int32Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.n === this.a.length) this.a = grownI32(this.a, this.n * 2);
    this.a[this.n++] = v;
  }
}

/** What `RowsByKey` searches: a table's column of DIE keys, a key per row. */
interface Keyed {
  readonly key: Float64Array;
}

/**
 * Rows by DIE key. `functions()` reads the DIEs in file order (roots in order, each subtree in DIE order), so
 * keys arrive increasing: the table's own key column, searched by bisection, serves them without a hash
 * table's growth and per-entry cost, or a second column of keys. From a key out of order on (not seen in
 * practice), rows go to a map, which wins on lookup, so a key added twice finds its last row as with a map
 * alone.
 */
class RowsByKey {
  /** Rows [0, sorted) have increasing keys. */
  private sorted = 0;
  private late: Map<DieKey, number> | undefined;

  constructor(private readonly table: Keyed) {}

  /** Notes `row`, the last row added to the table, whose key column holds `key` already. */
  add(key: DieKey, row: number): void {
    if (this.late === undefined && row === this.sorted && (row === 0 || this.table.key[row - 1]! < key)) {
      this.sorted = row + 1;
    } else {
      this.late ??= new Map();
      this.late.set(key, row);
    }
  }

  /** The row of the DIE `key`, or NONE. */
  get(key: DieKey): number {
    if (this.late !== undefined) {
      const v = this.late.get(key);
      if (v !== undefined) return v;
    }
    const a = this.table.key;
    let lo = 0;
    let hi = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sorted && a[lo] === key ? lo : NONE;
  }
}

/**
 * One kind of list (parameters, locals or inlined calls) of each subprogram row: its first and last row and
 * its length, the rows linked in the order read through the `next` column of their table.
 */
class RowLists {
  head = new Int32Array(0);
  tail = new Int32Array(0);
  count = new Int32Array(0);

  grow(cap: number): void {
    this.head = grownI32(this.head, cap);
    this.tail = grownI32(this.tail, cap);
    this.count = grownI32(this.count, cap);
  }

  /** Makes the list of subprogram row `sp` empty. */
  clear(sp: number): void {
    this.head[sp] = NONE;
    this.tail[sp] = NONE;
    this.count[sp] = 0;
  }

  /** Appends `row` to the list of subprogram row `sp`; `next` is the link column of `row`'s table. */
  append(sp: number, row: number, next: Int32Array): void {
    const last = this.tail[sp]!;
    if (last === NONE) this.head[sp] = row;
    else next[last] = row;
    next[row] = NONE;
    this.tail[sp] = row;
    this.count[sp] = this.count[sp]! + 1;
  }
}

/** What `follow` reads of subprogram and variable rows: the key and the DIEs a row inherits from. */
interface Inheriting {
  readonly key: Float64Array;
  readonly origin: Float64Array;
  readonly spec: Float64Array;
  readonly byKey: RowsByKey;
}

/** The subprograms read, a row per DIE; the caller of `add` fills in the row's columns. */
class SubprogramRows implements Inheriting {
  n = 0;
  private cap = 0;
  key = new Float64Array(0);
  name: (string | undefined)[] = [];
  linkageName: (string | undefined)[] = [];
  /** EXTERNAL, DECLARATION, INLINE, HAS_TYPE, VARIADIC, PROTOTYPED, LISTED, COMPLETED, CONCRETE. */
  flags = new Int32Array(0);
  /** DIE key of the return type; NONE for none (void) or when DW_AT_type is absent. */
  returns = new Float64Array(0);
  lowPc: (bigint | undefined)[] = [];
  highPc: (bigint | undefined)[] = [];
  /** The section `lowPc` was relocated against, or -1. */
  section = new Float64Array(0);
  origin = new Float64Array(0);
  spec = new Float64Array(0);
  file: (string | undefined)[] = [];
  /** DW_AT_decl_line, 0 when absent. */
  line = new Float64Array(0);
  readonly params = new RowLists();
  readonly locals = new RowLists();
  readonly inlined = new RowLists();
  readonly byKey = new RowsByKey(this);

  reserve(cap: number): void {
    if (cap > this.cap) this.grow(cap);
  }

  /** A new row for the DIE `key`, with empty lists; returns its index. */
  add(key: DieKey): number {
    if (this.n === this.cap) this.grow(grownCapacity(this.cap));
    const sp = this.n++;
    this.key[sp] = key;
    this.params.clear(sp);
    this.locals.clear(sp);
    this.inlined.clear(sp);
    this.byKey.add(key, sp);
    return sp;
  }

  private grow(cap: number): void {
    this.cap = cap;
    this.key = grownF64(this.key, cap);
    this.name = grownList(this.name, cap);
    this.linkageName = grownList(this.linkageName, cap);
    this.flags = grownI32(this.flags, cap);
    this.returns = grownF64(this.returns, cap);
    this.lowPc = grownList(this.lowPc, cap);
    this.highPc = grownList(this.highPc, cap);
    this.section = grownF64(this.section, cap);
    this.origin = grownF64(this.origin, cap);
    this.spec = grownF64(this.spec, cap);
    this.file = grownList(this.file, cap);
    this.line = grownF64(this.line, cap);
    this.params.grow(cap);
    this.locals.grow(cap);
    this.inlined.grow(cap);
  }
}

/** The global and static variables read, a row per DIE; the caller of `add` fills in the row's columns. */
class VariableRows implements Inheriting {
  n = 0;
  private cap = 0;
  key = new Float64Array(0);
  name: (string | undefined)[] = [];
  linkageName: (string | undefined)[] = [];
  /** DIE key of the type, or NONE. */
  type = new Float64Array(0);
  /** EXTERNAL, DECLARATION, LISTED, COMPLETED. */
  flags = new Int32Array(0);
  /** The subprogram row enclosing a static local, or NONE. */
  scope = new Int32Array(0);
  address: (bigint | undefined)[] = [];
  /** The section `address` was relocated against, or -1. */
  section = new Float64Array(0);
  spec = new Float64Array(0);
  origin = new Float64Array(0);
  file: (string | undefined)[] = [];
  /** DW_AT_decl_line, 0 when absent. */
  line = new Float64Array(0);
  readonly byKey = new RowsByKey(this);

  reserve(cap: number): void {
    if (cap > this.cap) this.grow(cap);
  }

  /** A new row for the DIE `key`; returns its index. */
  add(key: DieKey): number {
    if (this.n === this.cap) this.grow(grownCapacity(this.cap));
    const v = this.n++;
    this.key[v] = key;
    this.byKey.add(key, v);
    return v;
  }

  private grow(cap: number): void {
    this.cap = cap;
    this.key = grownF64(this.key, cap);
    this.name = grownList(this.name, cap);
    this.linkageName = grownList(this.linkageName, cap);
    this.type = grownF64(this.type, cap);
    this.flags = grownI32(this.flags, cap);
    this.scope = grownI32(this.scope, cap);
    this.address = grownList(this.address, cap);
    this.section = grownF64(this.section, cap);
    this.spec = grownF64(this.spec, cap);
    this.origin = grownF64(this.origin, cap);
    this.file = grownList(this.file, cap);
    this.line = grownF64(this.line, cap);
  }
}

/** The parameters and locals read (a local keeps a parameter's fields), a row per DIE. */
class ParamRows implements Keyed {
  n = 0;
  private cap = 0;
  key = new Float64Array(0);
  name: (string | undefined)[] = [];
  /** DIE key of the type, or NONE. */
  type = new Float64Array(0);
  /** DIE key of the abstract origin, or NONE. */
  origin = new Float64Array(0);
  /** The next row of the same list (`RowLists`). */
  next = new Int32Array(0);
  readonly byKey = new RowsByKey(this);

  reserve(cap: number): void {
    if (cap > this.cap) this.grow(cap);
  }

  add(key: DieKey, name: string | undefined, type: DieKey, origin: DieKey): number {
    if (this.n === this.cap) this.grow(grownCapacity(this.cap));
    const p = this.n++;
    this.key[p] = key;
    this.name[p] = name;
    this.type[p] = type;
    this.origin[p] = origin;
    this.byKey.add(key, p);
    return p;
  }

  private grow(cap: number): void {
    this.cap = cap;
    this.key = grownF64(this.key, cap);
    this.name = grownList(this.name, cap);
    this.type = grownF64(this.type, cap);
    this.origin = grownF64(this.origin, cap);
    this.next = grownI32(this.next, cap);
  }
}

/** The inlined calls read, a row per DIE. */
class InlinedRows {
  n = 0;
  private cap = 0;
  /** DIE key of the callee (DW_AT_abstract_origin), or NONE. */
  origin = new Float64Array(0);
  file: (string | undefined)[] = [];
  /** DW_AT_call_line, 0 when absent. */
  line = new Float64Array(0);
  /** The next row of the same list (`RowLists`). */
  next = new Int32Array(0);

  reserve(cap: number): void {
    if (cap > this.cap) this.grow(cap);
  }

  add(origin: DieKey, file: string | undefined, line: number): number {
    if (this.n === this.cap) this.grow(grownCapacity(this.cap));
    const c = this.n++;
    this.origin[c] = origin;
    this.file[c] = file;
    this.line[c] = line;
    return c;
  }

  private grow(cap: number): void {
    this.cap = cap;
    this.origin = grownF64(this.origin, cap);
    this.file = grownList(this.file, cap);
    this.line = grownF64(this.line, cap);
    this.next = grownI32(this.next, cap);
  }
}

/**
 * A hash table from pairs of non-negative 32-bit integers to non-negative integers, in one Int32Array (open
 * addressing, linear probing). The sharing of parameters and lists in `finish()` keys tens of thousands of
 * entries by pairs; maps of maps would cost an object or two apiece.
 */
class PairTable {
  /** Three entries per slot: the pair, then the value (NONE in an empty slot). */
  private slots = new Int32Array(3 * 64).fill(NONE);
  private size = 0;
  /**
   * Per table, at random: the pairs come from untrusted files, and with a hash anyone can compute, pairs
   * chosen to collide would make every lookup a long probe.
   */
  private readonly seed = (Math.random() * 0x1_0000_0000) | 0;

  /** The value of the pair, or NONE. */
  get(a: number, b: number): number {
    const s = this.slots;
    const mask = s.length / 3 - 1;
    for (let i = pairHash(this.seed, a, b) & mask; ; i = (i + 1) & mask) {
      const value = s[3 * i + 2]!;
      if (value === NONE || (s[3 * i] === a && s[3 * i + 1] === b)) return value;
    }
  }

  /** Adds a pair that is not in the table yet. */
  add(a: number, b: number, value: number): void {
    // At most half full, which keeps probe sequences short.
    if (2 * (this.size + 1) > this.slots.length / 3) this.grow();
    this.place(a, b, value);
    this.size++;
  }

  private place(a: number, b: number, value: number): void {
    const s = this.slots;
    const mask = s.length / 3 - 1;
    let i = pairHash(this.seed, a, b) & mask;
    while (s[3 * i + 2] !== NONE) i = (i + 1) & mask;
    s[3 * i] = a;
    s[3 * i + 1] = b;
    s[3 * i + 2] = value;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(NONE);
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] !== NONE) this.place(old[i]!, old[i + 1]!, old[i + 2]!);
    }
  }
}

/** A 32-bit hash of a pair for `PairTable` (seeded multiply-xorshift: nearby pairs land far apart). */
function pairHash(seed: number, a: number, b: number): number {
  let h = Math.imul(a ^ seed, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}

// ---- the collector

/** Lists of parameters or locals up to this long are shared (see `SubprogramCollector.paramList`). */
const MAX_SHARED_LIST = 2;

/** Inlined calls of one callee compared when looking for an equal one to share; later ones are kept apart. */
const MAX_SHARED_CALLS = 16;

/** How `follow` words its refusals, per kind of DIE. */
interface ChainMessages {
  cycle(die: string): string;
  tooLong(die: string): string;
}

const SUBPROGRAM_CHAIN: ChainMessages = {
  cycle: (die) => `DW_AT_abstract_origin/DW_AT_specification of DIE ${die} form a cycle`,
  tooLong: (die) => `DW_AT_abstract_origin/DW_AT_specification chain of DIE ${die} is too long`,
};
const VARIABLE_CHAIN: ChainMessages = {
  cycle: (die) => `DW_AT_specification of variable DIE ${die} forms a cycle`,
  tooLong: (die) => `DW_AT_specification chain of DIE ${die} is too long`,
};

/** Scratch of `onVariable`: the fixed address `staticLocation` finds, and the section of it. */
interface Place {
  address: bigint | undefined;
  section: number;
}

export class SubprogramCollector {
  private readonly subs = new SubprogramRows();
  private readonly vars = new VariableRows();
  private readonly paramRows = new ParamRows();
  private readonly callRows = new InlinedRows();
  /** Scratch result of `firstRange`. */
  private readonly range: RangeStart = { start: 0n, section: -1 };
  private readonly place: Place = { address: undefined, section: -1 };
  base = 0;
  fileName: (index: number) => string | undefined = () => undefined;
  /** True while reading a C++ unit (set per unit by the walker). */
  cxx = false;

  constructor(
    private readonly types: TypeCollector,
    private readonly ranges: RangeReader,
    private readonly lookup: DieLookup,
  ) {}

  /**
   * Room for as many rows of each table as the main pass saw DIEs that may become one, so that the columns
   * need not grow while they fill: each doubling leaves the old columns behind, and they outlive enough young
   * collections to stay until a full one (megabytes for an object of 100,000 functions). The counts are of
   * DIEs read, so bounded by the size of the sections.
   */
  reserve(subprograms: number, variables: number, params: number, calls: number): void {
    this.subs.reserve(subprograms);
    this.vars.reserve(variables);
    this.paramRows.reserve(params);
    this.callRows.reserve(calls);
  }

  /** A reference to another DIE of this file as a key; NONE for type signatures and supplementary files. */
  private ref(r: DieReader, i: number): DieKey {
    const off = r.ref(i);
    if (off === REF_SIGNATURE || off === REF_EXTERNAL) return NONE;
    return this.base + off;
  }

  /**
   * DW_TAG_subprogram; returns its row, the scope of what the walker reads inside it. `listed` is false for
   * member function declarations inside a class.
   */
  onSubprogram(r: DieReader, listed: boolean): number {
    let name: string | undefined;
    let linkageName: string | undefined;
    let flags = listed ? LISTED : 0;
    let returns = NONE;
    let lowPc: bigint | undefined;
    let highPc: bigint | undefined;
    let section = -1;
    let origin = NONE;
    let spec = NONE;
    let file: string | undefined;
    let line = 0;
    let highIndex = -1;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          name = r.str(i);
          break;
        case DW_AT.linkage_name:
        case DW_AT.MIPS_linkage_name:
          linkageName = r.str(i);
          break;
        case DW_AT.external:
          flags = withFlag(flags, EXTERNAL, r.flag(i));
          break;
        case DW_AT.declaration:
          flags = withFlag(flags, DECLARATION, r.flag(i));
          break;
        case DW_AT.inline:
          // Whatever its value (GCC writes DW_INL_declared_not_inlined on C++ constructors), DW_AT_inline
          // marks an abstract instance root: the code, if any, is in concrete instances and inlined copies.
          flags |= INLINE;
          break;
        case DW_AT.type:
          returns = this.types.typeRef(r, i);
          flags |= HAS_TYPE;
          break;
        case DW_AT.prototyped:
          flags = withFlag(flags, PROTOTYPED, r.flag(i));
          break;
        case DW_AT.low_pc:
          if (r.isAddress(i)) {
            lowPc = r.address(i);
            section = r.addrSection;
          }
          break;
        case DW_AT.high_pc:
          highIndex = i;
          break;
        case DW_AT.ranges:
          if (lowPc === undefined) {
            const first = this.range;
            if (this.ranges.firstRange(r, i, first)) {
              lowPc = first.start;
              section = first.section;
            }
          }
          break;
        case DW_AT.abstract_origin:
          origin = this.ref(r, i);
          break;
        case DW_AT.specification:
          spec = this.ref(r, i);
          break;
        case DW_AT.decl_file:
          if (r.isConstant(i)) file = this.fileName(r.udata(i));
          break;
        case DW_AT.decl_line:
          if (r.isConstant(i)) line = r.udata(i);
          break;
      }
    }
    if (highIndex >= 0) {
      // DWARF 4+ writes high_pc as a length from low_pc (a constant form); DWARF 2/3 as an address.
      if (r.isAddress(highIndex)) highPc = r.address(highIndex);
      else if (lowPc !== undefined && r.isConstant(highIndex)) {
        const length = r.udata(highIndex);
        // In numbers while exact (always, in practice): one BigInt instead of two, and a shared one for the
        // small values of function-per-section objects.
        const low = lowPc <= 0x1f_ffff_ffff_ffffn ? Number(lowPc) : -1;
        const high = low + length;
        highPc = low >= 0 && high <= Number.MAX_SAFE_INTEGER ? toBigInt(high) : lowPc + BigInt(length);
      }
    }
    const t = this.subs;
    const sp = t.add(this.base + r.offset);
    t.name[sp] = name;
    t.linkageName[sp] = linkageName;
    t.flags[sp] = flags;
    t.returns[sp] = returns;
    t.lowPc[sp] = lowPc;
    t.highPc[sp] = highPc;
    t.section[sp] = section;
    t.origin[sp] = origin;
    t.spec[sp] = spec;
    t.file[sp] = file;
    t.line[sp] = line;
    return sp;
  }

  /** DW_TAG_formal_parameter directly inside the subprogram of row `sp`. */
  onParam(r: DieReader, sp: number): void {
    let name: string | undefined;
    let type = NONE;
    let origin = NONE;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          name = r.str(i);
          break;
        case DW_AT.type:
          type = this.types.typeRef(r, i);
          break;
        case DW_AT.abstract_origin:
          origin = this.ref(r, i);
          break;
      }
    }
    const lists = this.subs.params;
    if (lists.count[sp]! >= MAX_PER_SUBPROGRAM) r.sec.fail("limit-exceeded", "too many parameters", r.offset);
    const p = this.paramRows.add(this.base + r.offset, name, type, origin);
    lists.append(sp, p, this.paramRows.next);
  }

  /** DW_TAG_inlined_subroutine inside the subprogram of row `sp`. */
  onInlined(r: DieReader, sp: number): void {
    let origin = NONE;
    let file: string | undefined;
    let line = 0;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.abstract_origin:
          origin = this.ref(r, i);
          break;
        case DW_AT.call_file:
          if (r.isConstant(i)) file = this.fileName(r.udata(i));
          break;
        case DW_AT.call_line:
          if (r.isConstant(i)) line = r.udata(i);
          break;
      }
    }
    const lists = this.subs.inlined;
    if (lists.count[sp]! >= MAX_PER_SUBPROGRAM)
      r.sec.fail("limit-exceeded", "too many inlined calls", r.offset);
    const c = this.callRows.add(origin, file, line);
    lists.append(sp, c, this.callRows.next);
  }

  /**
   * DW_TAG_variable. `scope` is the row of the enclosing subprogram for variables inside functions, else
   * NO_SCOPE (inside functions only static locals, the ones with a fixed address, are variables; the rest are
   * locals); `listed` is false for static data members declared inside a class.
   */
  onVariable(r: DieReader, scope: number, listed: boolean): void {
    const key = this.base + r.offset;
    let name: string | undefined;
    let linkageName: string | undefined;
    let type = NONE;
    let flags = listed ? LISTED : 0;
    let spec = NONE;
    let origin = NONE;
    let file: string | undefined;
    let line = 0;
    const place = this.place;
    place.address = undefined;
    place.section = -1;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          name = r.str(i);
          break;
        case DW_AT.linkage_name:
        case DW_AT.MIPS_linkage_name:
          linkageName = r.str(i);
          break;
        case DW_AT.type:
          type = this.types.typeRef(r, i);
          break;
        case DW_AT.external:
          flags = withFlag(flags, EXTERNAL, r.flag(i));
          break;
        case DW_AT.declaration:
          flags = withFlag(flags, DECLARATION, r.flag(i));
          break;
        case DW_AT.specification:
          spec = this.ref(r, i);
          break;
        case DW_AT.abstract_origin:
          origin = this.ref(r, i);
          break;
        case DW_AT.location:
          if (r.block(i)) this.staticLocation(r, place);
          break;
        case DW_AT.decl_file:
          if (r.isConstant(i)) file = this.fileName(r.udata(i));
          break;
        case DW_AT.decl_line:
          if (r.isConstant(i)) line = r.udata(i);
          break;
      }
    }
    if (scope >= 0 && place.address === undefined) {
      // An automatic variable: a local of the function, not a variable of the object.
      const lists = this.subs.locals;
      if (lists.count[scope]! >= MAX_PER_SUBPROGRAM)
        r.sec.fail("limit-exceeded", "too many local variables", r.offset);
      const p = this.paramRows.add(key, name, type, origin);
      lists.append(scope, p, this.paramRows.next);
      return;
    }
    const t = this.vars;
    const v = t.add(key);
    t.name[v] = name;
    t.linkageName[v] = linkageName;
    t.type[v] = type;
    t.flags[v] = flags;
    t.scope[v] = scope;
    t.address[v] = place.address;
    t.section[v] = place.section;
    t.spec[v] = spec;
    t.origin[v] = origin;
    t.file[v] = file;
    t.line[v] = line;
  }

  /** Reads a fixed address out of a location expression: DW_OP_addr, DW_OP_addrx, or a TLS offset. */
  private staticLocation(r: DieReader, out: Place): void {
    const start = r.blockStart;
    const len = r.blockLength;
    if (len === 0) return;
    if (start + len > r.end)
      r.sec.fail("truncated", "location expression runs past the end of its unit", start);
    const sec: DebugSection = r.sec;
    const op = r.bytes[start]!;
    const as = r.addressSize;
    if (op === DW_OP.addr) {
      if (len < 1 + as)
        r.sec.fail("bad-dwarf", "DW_OP_addr operand runs past the end of its expression", start);
      out.address = sec.address(start + 1, as);
      out.section = sec.lastSection;
    } else if (op === DW_OP.addrx || op === DW_OP.GNU_addr_index) {
      let idx = 0;
      let mul = 1;
      for (let p = start + 1, k = 0; p < start + len && k < 10; p++, k++) {
        const byte = r.bytes[p]!;
        idx += (byte & 0x7f) * mul;
        mul *= 128;
        if (byte < 0x80) break;
      }
      out.address = r.addrx(idx, start);
      out.section = r.addrSection;
    } else if ((op === DW_OP.const4u || op === DW_OP.const8u) && len >= (op === DW_OP.const4u ? 6 : 10)) {
      // Thread-local: DW_OP_const<n>u <offset in the TLS block> DW_OP_(GNU_push_tls_address|form_tls_address).
      const w = op === DW_OP.const4u ? 4 : 8;
      const next = r.bytes[start + 1 + w]!;
      if (next === DW_OP.GNU_push_tls_address || next === DW_OP.form_tls_address) {
        out.address = sec.address(start + 1, w);
        out.section = sec.lastSection;
      }
    }
  }

  /** DW_TAG_unspecified_parameters directly inside the subprogram of row `sp`. */
  onVariadic(sp: number): void {
    // In an unprototyped C function, DW_TAG_unspecified_parameters means "unknown", not `...`. C++ functions
    // are always prototyped but DWARF omits the attribute for them.
    const flags = this.subs.flags;
    flags[sp] = withFlag(flags[sp]!, VARIADIC, (flags[sp]! & PROTOTYPED) !== 0 || this.cxx);
  }

  private checkRef(key: DieKey, from: DieKey): void {
    if (key >= 0 && !this.lookup.isDie(key)) {
      this.lookup.fail(
        from,
        `DIE ${this.lookup.hex(from)} refers to ${this.lookup.hex(key)}, which is not the start of a DIE`,
      );
    }
  }

  // ---- finish

  /**
   * Public ids of subprogram rows made by `idOf` (for inlined calls and static locals), so that the callee,
   * the scope and the subprogram itself share one string. Made by the first `idOf` of a `finish()`.
   */
  private ids: (string | undefined)[] | undefined;

  /** The public id of a subprogram row, made once however many things refer to it. */
  private idOf(sp: number): string {
    this.ids ??= new Array<string | undefined>(this.subs.n);
    let id = this.ids[sp];
    if (id === undefined) {
      id = this.lookup.idOf(this.subs.key[sp]!);
      this.ids[sp] = id;
    }
    return id;
  }

  /** Merges abstract origins and specifications into the public subprograms and variables. */
  finish(): { subprograms: SubprogramRecord[]; variables: VariableRecord[] } {
    const subs = this.subs;
    const vars = this.vars;
    this.ids = undefined;
    this.lastCall = undefined;
    // Declarations that a later DIE completes (DW_AT_specification) are not listed on their own. Marked in
    // their flags (a key names one DIE, read once) rather than in sets of keys as large as the lists.
    // Every reference must name a DIE, and no chain of them may loop, whether or not the DIE is listed.
    for (let sp = 0; sp < subs.n; sp++) {
      const key = subs.key[sp]!;
      const origin = subs.origin[sp]!;
      const spec = subs.spec[sp]!;
      this.checkRef(origin, key);
      this.checkRef(spec, key);
      if (spec >= 0) this.complete(spec);
      if (origin >= 0 || spec >= 0) this.follow(sp, subs, true, SUBPROGRAM_CHAIN);
    }
    for (let v = 0; v < vars.n; v++) {
      const key = vars.key[v]!;
      const origin = vars.origin[v]!;
      const spec = vars.spec[v]!;
      this.checkRef(origin, key);
      this.checkRef(spec, key);
      if (spec >= 0) this.complete(spec);
      if (origin >= 0 || spec >= 0) this.follow(v, vars, false, VARIABLE_CHAIN);
    }
    // Abstract instances that have a concrete copy (out of line, or a C++ constructor variant) are listed
    // through that copy.
    for (let sp = 0; sp < subs.n; sp++) {
      const origin = subs.origin[sp]!;
      if (origin < 0) continue;
      const abstract = subs.byKey.get(origin);
      if (abstract >= 0) subs.flags[abstract]! |= CONCRETE;
    }

    // The rows listed first, so that the published arrays, which stay, are made at their length.
    const listed = new RowVec(Math.max(16, subs.n, vars.n));
    for (let sp = 0; sp < subs.n; sp++) {
      const flags = subs.flags[sp]!;
      if ((flags & LISTED) === 0 || (flags & COMPLETED) !== 0) continue;
      // An abstract instance (with DW_AT_inline, or a C++ constructor's out-of-class DIE without it) whose
      // code exists as a concrete instance is listed through that instance.
      if (subs.lowPc[sp] === undefined && (flags & CONCRETE) !== 0) continue;
      listed.push(sp);
    }
    const subprograms = new Array<SubprogramRecord>(listed.n);
    for (let i = 0; i < listed.n; i++) subprograms[i] = this.subprogramRecord(listed.a[i]!);
    listed.n = 0;
    for (let v = 0; v < vars.n; v++) {
      const flags = vars.flags[v]!;
      if ((flags & LISTED) !== 0 && (flags & COMPLETED) === 0) listed.push(v);
    }
    const variables = new Array<VariableRecord>(listed.n);
    for (let i = 0; i < listed.n; i++) variables[i] = this.variableRecord(listed.a[i]!);
    return { subprograms, variables };
  }

  /** The published subprogram of row `sp`, with what it inherits along its chain. */
  private subprogramRecord(sp: number): SubprogramRecord {
    const t = this.subs;
    const key = t.key[sp]!;
    const flags = t.flags[sp]!;
    const lowPc = t.lowPc[sp];
    let name = t.name[sp];
    let linkageName = t.linkageName[sp];
    // EXTERNAL, INLINE and VARIADIC of the subprogram or anything along its chain.
    let inherited = flags;
    // Rows (or NONE) that give the return type, the file and line, and the parameters.
    let typed = flags & HAS_TYPE ? sp : NONE;
    let withFile = t.file[sp] !== undefined ? sp : NONE;
    let withParams = sp;
    const origin = t.origin[sp]!;
    if (origin >= 0 || t.spec[sp]! >= 0) {
      const n = this.follow(sp, t, true, SUBPROGRAM_CHAIN);
      const chain = this.chainRows;
      // Parameters: an out-of-line copy of an inline function may drop optimised-away parameters, so the
      // declared list comes from the abstract instance when there is one.
      let paramsFound = origin < 0;
      for (let j = 0; j < n; j++) {
        const c = chain[j]!;
        const cFlags = t.flags[c]!;
        name ??= t.name[c];
        linkageName ??= t.linkageName[c];
        inherited |= cFlags & (EXTERNAL | INLINE | VARIADIC);
        if (typed === NONE && cFlags & HAS_TYPE) typed = c;
        if (withFile === NONE && t.file[c] !== undefined) withFile = c;
        if (!paramsFound && c !== sp && t.params.count[c]! > 0) {
          withParams = c;
          paramsFound = true;
        }
      }
    }
    // In this order: resolving a type reference may fail or add a placeholder type.
    const params = this.paramList(t.params, withParams, key);
    const locals = this.paramList(t.locals, sp, key);
    const inlined = this.inlinedCalls(sp, key);
    return new SubprogramRecord({
      // The id's string when something made it already, else its offset (spelled when read).
      id: this.ids?.[sp] ?? this.lookup.compactIdOf(key),
      name: name ?? "",
      linkageName,
      external: (inherited & EXTERNAL) !== 0,
      declaration: (flags & DECLARATION) !== 0,
      inline: lowPc === undefined && (inherited & INLINE) !== 0,
      returns: typed >= 0 ? this.types.idOf(t.returns[typed]!, t.key[typed]!) : undefined,
      params,
      variadic: (inherited & VARIADIC) !== 0,
      locals,
      section: lowPc !== undefined && t.section[sp]! >= 0 ? t.section[sp] : undefined,
      lowPc,
      highPc: t.highPc[sp],
      inlined,
      file: withFile >= 0 ? t.file[withFile] : undefined,
      line: withFile >= 0 && t.line[withFile]! > 0 ? t.line[withFile] : undefined,
    });
  }

  /** The published variable of row `v`, with what it inherits along its chain. */
  private variableRecord(v: number): VariableRecord {
    const t = this.vars;
    const key = t.key[v]!;
    const flags = t.flags[v]!;
    let name = t.name[v];
    let linkageName = t.linkageName[v];
    let external = (flags & EXTERNAL) !== 0;
    // Rows (or NONE) that give the type, and the file and line.
    let typed = t.type[v]! < 0 ? NONE : v;
    let withFile = t.file[v] !== undefined ? v : NONE;
    if (t.origin[v]! >= 0 || t.spec[v]! >= 0) {
      const n = this.follow(v, t, false, VARIABLE_CHAIN);
      const chain = this.chainRows;
      for (let j = 0; j < n; j++) {
        const c = chain[j]!;
        name ??= t.name[c];
        linkageName ??= t.linkageName[c];
        external ||= (t.flags[c]! & EXTERNAL) !== 0;
        if (typed === NONE && t.type[c]! >= 0) typed = c;
        if (withFile === NONE && t.file[c] !== undefined) withFile = c;
      }
    }
    const address = t.address[v];
    const scope = t.scope[v]!;
    return new VariableRecord({
      id: this.lookup.compactIdOf(key),
      name: name ?? "",
      linkageName,
      type: typed >= 0 ? this.types.idOf(t.type[typed]!, t.key[typed]!) : undefined,
      external,
      declaration: (flags & DECLARATION) !== 0,
      scope: scope < 0 ? undefined : this.idOf(scope),
      section: address !== undefined && t.section[v]! >= 0 ? t.section[v] : undefined,
      address,
      file: withFile >= 0 ? t.file[withFile] : undefined,
      line: withFile >= 0 && t.line[withFile]! > 0 ? t.line[withFile] : undefined,
    });
  }

  /** Marks the subprogram or variable with key `key` as completed by a later DIE. */
  private complete(key: DieKey): void {
    const sp = this.subs.byKey.get(key);
    if (sp >= 0) this.subs.flags[sp]! |= COMPLETED;
    const v = this.vars.byKey.get(key);
    if (v >= 0) this.vars.flags[v]! |= COMPLETED;
  }

  /** What `follow` finds, read before the next call (at most MAX_CHAIN rows). */
  private readonly chainRows = new Int32Array(MAX_CHAIN);

  /**
   * Row `start` of `t` and the rows it inherits from (abstract origin, specification; the one or the other
   * first as `originFirst` says), breadth first, into `chainRows`; returns how many. Refuses cycles and long
   * chains.
   */
  private follow(start: number, t: Inheriting, originFirst: boolean, say: ChainMessages): number {
    this.chainRows[0] = start;
    let n = 1;
    for (let k = 0; k < n; k++) {
      const c = this.chainRows[k]!;
      n = this.link(start, t, n, originFirst ? t.origin[c]! : t.spec[c]!, say);
      n = this.link(start, t, n, originFirst ? t.spec[c]! : t.origin[c]!, say);
    }
    return n;
  }

  /**
   * Appends the row of the DIE `ref` (when it is one of `t`'s) to `start`'s chain of `n` so far, refusing a
   * cycle and a chain too long; returns the new count.
   */
  private link(start: number, t: Inheriting, n: number, ref: DieKey, say: ChainMessages): number {
    if (ref < 0) return n;
    const row = t.byKey.get(ref);
    if (row < 0) return n; // refers to something of another kind: nothing to inherit
    const out = this.chainRows;
    const key = t.key[start]!;
    for (let i = 0; i < n; i++) {
      if (out[i] === row) this.lookup.fail(key, say.cycle(this.lookup.hex(key)), "dwarf-cycle");
    }
    if (n >= MAX_CHAIN) this.lookup.fail(key, say.tooLong(this.lookup.hex(key)), "dwarf-cycle");
    out[n] = row;
    return n + 1;
  }

  /** The first name along the chain of subprogram row `sp`, or "". */
  private chainName(sp: number): string {
    const n = this.follow(sp, this.subs, true, SUBPROGRAM_CHAIN);
    for (let i = 0; i < n; i++) {
      const name = this.subs.name[this.chainRows[i]!];
      if (name !== undefined) return name;
    }
    return "";
  }

  // ---- parameters and locals, shared

  /**
   * Parameters and locals made, each one shared by every one of equal type and name (the same few, `ctx` of
   * type `struct ctx *`, recur across thousands of functions). Its index here stands for it in the tables.
   */
  private readonly madeParams: Parameter[] = [];
  /** Index in `madeParams` by type index + 1 (0: no type) and name index. */
  private readonly paramsByTypeName = new PairTable();
  /** Index of each parameter name, for `paramsByTypeName`. */
  private readonly nameIndex = new Map<string, number>();
  /**
   * Short lists of parameters or locals made, shared: functions of one signature (`(struct ctx *ctx)`) get
   * one list. Longer lists seldom repeat, and looking them up would cost more than sharing them saves.
   * Shared lists are frozen.
   */
  private readonly madeLists: (readonly Parameter[])[] = [];
  /** Index in `madeLists` by first parameter and second parameter + 1 (0: a list of one). */
  private readonly listsByParams = new PairTable();

  /** The public list of the parameters or locals (`lists`) of subprogram row `sp`. */
  private paramList(lists: RowLists, sp: number, from: DieKey): readonly Parameter[] {
    const n = lists.count[sp]!;
    if (n === 0) return EMPTY;
    const next = this.paramRows.next;
    let p = lists.head[sp]!;
    if (n > MAX_SHARED_LIST) {
      const out: Parameter[] = new Array(n);
      for (let i = 0; i < n; i++, p = next[p]!) out[i] = this.madeParams[this.param(p, from)]!;
      return out;
    }
    const first = this.param(p, from);
    const second = n === 2 ? this.param(next[p]!, from) : NONE;
    let at = this.listsByParams.get(first, second + 1);
    if (at === NONE) {
      const made = this.madeParams;
      const list = second === NONE ? [made[first]!] : [made[first]!, made[second]!];
      at = this.madeLists.length;
      this.madeLists.push(Object.freeze(list));
      this.listsByParams.add(first, second + 1, at);
    }
    return this.madeLists[at]!;
  }

  /**
   * Parameter row `p` with the name and type of its abstract origin filled in, as its index in `madeParams`.
   */
  private param(p: number, from: DieKey): number {
    const t = this.paramRows;
    let name = t.name[p];
    let type = t.type[p]!;
    let cur = p;
    for (let hops = 0; cur >= 0 && t.origin[cur]! >= 0 && (name === undefined || type < 0); hops++) {
      if (hops >= MAX_CHAIN) break;
      cur = t.byKey.get(t.origin[cur]!);
      if (cur < 0) break;
      name ??= t.name[cur];
      if (type < 0) type = t.type[cur]!;
    }
    const n = name ?? "";
    const ti = this.types.indexOf(type, from);
    let ni = this.nameIndex.get(n);
    if (ni === undefined) {
      ni = this.nameIndex.size;
      this.nameIndex.set(n, ni);
    }
    let at = this.paramsByTypeName.get(ti + 1, ni);
    if (at === NONE) {
      at = this.madeParams.length;
      this.madeParams.push({ name: n, type: ti < 0 ? undefined : this.types.idAt(ti) });
      this.paramsByTypeName.add(ti + 1, ni, at);
    }
    return at;
  }

  // ---- inlined calls, shared

  /**
   * Inlined calls made, and by callee row the last one made (`lastCall`, NONE for none; made by the first call
   * of a `finish()`), each linked to the one made before for that callee (`callBefore`): one function inlined
   * into another that is itself inlined in many places leaves a copy of the same call (callee, file, line) in
   * each of them.
   */
  private readonly madeCalls: InlinedCall[] = [];
  private readonly callBefore = new RowVec();
  private lastCall: Int32Array | undefined;

  /** The public list of inlined calls of subprogram row `sp`. */
  private inlinedCalls(sp: number, from: DieKey): readonly InlinedCall[] {
    const lists = this.subs.inlined;
    const n = lists.count[sp]!;
    if (n === 0) return EMPTY;
    const out: InlinedCall[] = new Array(n);
    const next = this.callRows.next;
    let c = lists.head[sp]!;
    for (let i = 0; i < n; i++, c = next[c]!) out[i] = this.inlinedCall(c, from);
    return out;
  }

  private inlinedCall(c: number, from: DieKey): InlinedCall {
    const origin = this.callRows.origin[c]!;
    const file = this.callRows.file[c];
    let callee = "";
    let calleeId: string | undefined;
    let sp = NONE;
    if (origin >= 0) {
      this.checkRef(origin, from);
      sp = this.subs.byKey.get(origin);
      if (sp >= 0) {
        callee = this.subs.name[sp] ?? this.chainName(sp);
        calleeId = this.idOf(sp);
      }
    }
    const line = this.callRows.line[c]! > 0 ? this.callRows.line[c] : undefined;
    if (sp < 0) return { callee, calleeId, file, line };
    // Equal calls share one object (the model is read-only); the fields of a shared call are its own.
    this.lastCall ??= new Int32Array(this.subs.n).fill(NONE);
    let kept = 0;
    for (let i = this.lastCall[sp]!; i >= 0; i = this.callBefore.a[i]!, kept++) {
      const x = this.madeCalls[i]!;
      if (x.file === file && x.line === line && x.callee === callee) return x;
    }
    const made: InlinedCall = { callee, calleeId, file, line };
    if (kept < MAX_SHARED_CALLS) {
      this.callBefore.push(this.lastCall[sp]!);
      this.lastCall[sp] = this.madeCalls.length;
      this.madeCalls.push(made);
    }
    return made;
  }
}

/**
 * Reads the start of the first range of a DW_AT_ranges list (DWARF 2-4 `.debug_ranges`, DWARF 5
 * `.debug_rnglists`) into `out`; false when the list has none.
 */
export function firstRangeStart(
  r: DieReader,
  i: number,
  ranges: DebugSection,
  rnglists: DebugSection,
  unitLowPc: bigint,
  rnglistsBase: number,
  out: RangeStart,
): boolean {
  const u = r.unit;
  const as = u.addressSize;
  if (u.version < 5) {
    if (r.form(i) !== DW_FORM.sec_offset && !r.isConstant(i)) return false;
    let at = r.udata(i);
    let base = unitLowPc;
    const max = as === 8 ? 0xffffffffffffffffn : (1n << BigInt(as * 8)) - 1n;
    for (let k = 0; k < 1_000_000; k++, at += 2 * as) {
      if (at + 2 * as > ranges.length) return false;
      const startRaw = ranges.address(at, as);
      const section = ranges.lastSection;
      const end = ranges.address(at + as, as);
      if (startRaw === 0n && end === 0n && section < 0) return false;
      if (startRaw === max) {
        base = end;
        continue;
      }
      if (startRaw === end && section < 0) continue; // empty range
      out.start = section >= 0 ? startRaw : base + startRaw;
      out.section = section;
      return true;
    }
    return false;
  }
  let at: number;
  if (r.form(i) === DW_FORM.rnglistx) {
    const idx = r.udata(i);
    const o = rnglistsBase + idx * u.offsetSize;
    if (o + u.offsetSize > rnglists.length)
      r.sec.fail("bad-dwarf", `range list index ${idx} is outside .debug_rnglists`, r.pos[i]!);
    at = rnglistsBase + rnglists.offset(o, u.offsetSize);
  } else {
    at = r.udata(i);
  }
  let base = unitLowPc;
  let baseSection = -1;
  const uleb = (): number => {
    let v = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      const byte = rnglists.u8(at++);
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) return v;
    }
    return rnglists.fail("bad-dwarf", "LEB128 value longer than 10 bytes", at);
  };
  for (let k = 0; k < 1_000_000; k++) {
    if (at >= rnglists.length) return false;
    const kind = rnglists.u8(at++);
    switch (kind) {
      case 0: // DW_RLE_end_of_list
        return false;
      case 1: // base_addressx
        base = r.addrx(uleb(), at);
        baseSection = r.addrSection;
        break;
      case 2: // startx_endx
      case 3: {
        // startx_length
        out.start = r.addrx(uleb(), at);
        out.section = r.addrSection;
        return true;
      }
      case 4: {
        // offset_pair
        const s = uleb();
        uleb();
        out.start = base + BigInt(s);
        out.section = baseSection;
        return true;
      }
      case 5: // base_address
        base = rnglists.address(at, as);
        baseSection = rnglists.lastSection;
        at += as;
        break;
      case 6: // start_end
      case 7: {
        // start_length
        out.start = rnglists.address(at, as);
        out.section = rnglists.lastSection;
        return true;
      }
      default:
        return rnglists.fail("bad-dwarf", `unknown range list entry kind ${kind}`, at - 1);
    }
  }
  return false;
}
