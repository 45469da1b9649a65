import { giveBack, mappedFloat64s } from "../buffers.js";
import type { ElfErrorCode } from "../errors.js";
import { planFor } from "./abbrev.js";
import { DW_AT, DW_ATE, DW_FORM, DW_OP, DW_TAG, tagName } from "./constants.js";
import { type DieReader, REF_EXTERNAL, REF_SIGNATURE } from "./forms.js";
import type { DwarfType, Enumerator, Member, Subrange, TypeId, TypeKind } from "./model.js";

/**
 * Collects the types of every unit while the DIE walker visits them, then `finish()` resolves the references,
 * refuses cycles, and computes what needs the whole picture: sizes of typedefs, qualifiers and arrays, member
 * sizes, and absolute bit offsets of bit-fields (DWARF 2-4 count those from the top of a storage unit whose size
 * may only be known from a type defined later in the unit).
 *
 * Nothing follows a reference while reading, so forward references and self-reference through pointers cost
 * nothing. References are kept as numeric DIE keys (section base + offset) in typed arrays during the walk; the
 * public string ids are attached once, at the end. The walk allocates little beyond what the model keeps: one
 * object per type, and the names. Members and enumerators are made by `finish()`, which also shares what
 * repeats (the model is read-only): members (found as the walk reads them), subranges, enumerators, and lists of
 * these last two.
 */

/** A DIE's key: its offset plus the base of its info section in one numeric space (see `DieLookup.base`). */
export type DieKey = number;

/**
 * Internal view of a type: every field of every kind, optional. At run time each type is an instance of the
 * class for its kind (below), which holds exactly the fields of `DwarfType` for that kind, all initialised in
 * the constructor: objects of one kind share one shape (V8 keeps loops over them fast, and never has to
 * migrate objects because a field was added later), and no object carries fields of other kinds.
 */
export interface TypeRecord {
  id: TypeId;
  name: string;
  kind: TypeKind;
  size: number | undefined;
  declaration: boolean | undefined;
  file: string | undefined;
  line: number | undefined;
  encoding?: number;
  members?: Member[];
  enumerators?: Enumerator[];
  underlying?: TypeId | undefined;
  target?: TypeId | undefined;
  element?: TypeId;
  dimensions?: Subrange[];
  returns?: TypeId | undefined;
  params?: TypeId[];
  variadic?: boolean;
  prototyped?: boolean;
}

/** Shared empty list for aggregates and enums without children (replaced when the first child arrives). */
const EMPTY: Member[] = Object.freeze([]) as unknown as Member[];
const EMPTY_DIMENSIONS: Subrange[] = EMPTY as unknown as Subrange[];

/**
 * A new type record for `kind`. Object literals rather than classes: V8 tracks the allocation site of a
 * literal and, seeing that nearly all of them live to the end, allocates them straight into the old generation
 * ("pretenuring"), which spares the young-generation collector from copying hundreds of thousands of objects.
 * Every field of the kind is present from the start, in one order, so objects of a kind share one shape.
 */
function newRecord(
  id: TypeId,
  name: string,
  kind: TypeKind,
  size: number | undefined,
  declaration: boolean | undefined,
  file: string | undefined,
  line: number | undefined,
  encoding: number,
  prototyped: boolean,
): TypeRecord {
  // Every field a kind has is set here, from values known when its DIE is read: V8 tracks fields written
  // only at creation as constant, and writing one later throws away the code that relied on it.
  switch (kind) {
    case "base":
      return { id, name, kind, size, declaration, file, line, encoding };
    case "struct":
    case "union":
    case "class":
      return { id, name, kind, size, declaration, file, line, members: EMPTY };
    case "enum":
      return {
        id,
        name,
        kind,
        size,
        declaration,
        file,
        line,
        enumerators: EMPTY as unknown as Enumerator[],
        underlying: undefined,
      };
    case "array":
      return { id, name, kind, size, declaration, file, line, element: "", dimensions: EMPTY_DIMENSIONS };
    case "function":
      return {
        id,
        name,
        kind,
        size,
        declaration,
        file,
        line,
        returns: undefined,
        params: EMPTY as unknown as TypeId[],
        variadic: false,
        prototyped,
      };
    case "unspecified":
      return { id, name, kind, size, declaration, file, line };
    default:
      return { id, name, kind, size, declaration, file, line, target: undefined };
  }
}

/**
 * A member as published, created once its layout is final (literals, for the reason `newRecord` gives). The
 * callers pass 32-bit integers (`x | 0`): V8 then keeps the numeric fields as small integers. Let one double
 * reach a literal site and V8 switches that field of every object from the site to a boxed number, and
 * deprecates the shape of the objects made so far. Members beyond 32-bit offsets get their own sites and
 * their own shapes (literals with the same keys in the same order share one shape).
 */
function plainMember(name: string, type: TypeId, offset: number, size: number): Member {
  return { name, type, offset, size };
}
function bitFieldMember(
  name: string,
  type: TypeId,
  offset: number,
  size: number,
  bitOffset: number,
  bitSize: number,
): Member {
  return { name, type, offset, size, bitOffset, bitSize };
}
function bigMember(name: string, type: TypeId, offset: number, size: number): Member {
  // A different property order gives these a shape of their own, so their doubles cannot widen the other's.
  return { type, name, offset, size };
}
function bigBitFieldMember(
  name: string,
  type: TypeId,
  offset: number,
  size: number,
  bitOffset: number,
  bitSize: number,
): Member {
  return { type, name, offset, size, bitOffset, bitSize };
}

/** A number as a small integer when it is one, so that object fields keep one representation. */
function smi(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/** Tags that can never be the target of DW_AT_type. */
const NON_TYPE_TAGS = new Set<number>([
  DW_TAG.compile_unit,
  DW_TAG.partial_unit,
  DW_TAG.type_unit,
  DW_TAG.skeleton_unit,
  DW_TAG.member,
  DW_TAG.formal_parameter,
  DW_TAG.variable,
  DW_TAG.subprogram,
  DW_TAG.lexical_block,
  DW_TAG.inlined_subroutine,
  DW_TAG.enumerator,
  DW_TAG.label,
  DW_TAG.namespace,
  DW_TAG.inheritance,
  DW_TAG.call_site,
  DW_TAG.call_site_parameter,
  DW_TAG.GNU_call_site,
  DW_TAG.GNU_call_site_parameter,
  DW_TAG.unspecified_parameters,
]);

/** Different enumerators of one name, or lists of one first enumerator, compared when sharing them. */
const MAX_SHARED_VALUES = 8;

/** Children (members, enumerators, dimensions, parameters) per type beyond which the input is refused. */
const MAX_CHILDREN = 1_000_000;

export interface DieLookup {
  /** True when the DIE key starts a DIE. */
  isDie(key: DieKey): boolean;
  /** Tag and name of the DIE at `key` (read on demand). */
  describe(key: DieKey): { tag: number; name: string };
  /** The key of a type unit's type, by signature. */
  signature(sig: bigint): DieKey | undefined;
  /** The public id of a DIE key. */
  idOf(key: DieKey): string;
  /** `idOf`, or the offset itself when the id is its decimal spelling (no string made). */
  compactIdOf(key: DieKey): string | number;
  /** The DIE's offset in its section, as hex for messages. */
  hex(key: DieKey): string;
  /** A function from public id to key (the inverse of `idOf`; undefined when it names no DIE), that holds on
   * to nothing but the section bases. */
  keyOfFn(): (id: TypeId) => DieKey | undefined;
  /** Raises a typed error about a DIE ("bad-dwarf" unless told otherwise). */
  fail(key: DieKey, message: string, code?: ElfErrorCode): never;
}

/** The public id of a DIE: its offset, prefixed with its info section's ordinal after the first. */
export function typeId(ordinal: number, offset: number): TypeId {
  return ordinal === 0 ? String(offset) : `${ordinal}:${offset}`;
}

/**
 * A growable Float64Array: parallel per-item data without an object per item. Starts small unless told
 * otherwise: most objects of a build tree have a few dozen types.
 */
export class NumVec {
  a: Float64Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** Entries per chunk of a `NumChunks` (128 KB). */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;

/**
 * A list of numbers that grows without copying: a first chunk that doubles up to CHUNK entries (a small file
 * keeps a small list), then chunks of CHUNK entries. A long list that doubles leaves each outgrown array
 * behind, outside the JS heap, until V8's next full collection: megabytes for a large object.
 */
export class NumChunks {
  private readonly chunks: Float64Array[] = [new Float64Array(16)];
  n = 0;

  push(v: number): void {
    const c = this.n >>> CHUNK_BITS;
    let chunk = this.chunks[c];
    const i = this.n & (CHUNK - 1);
    if (chunk === undefined) {
      chunk = new Float64Array(CHUNK);
      this.chunks.push(chunk);
    } else if (i === chunk.length) {
      const grown = new Float64Array(chunk.length * 2);
      grown.set(chunk);
      chunk = grown;
      this.chunks[0] = chunk;
    }
    chunk[i] = v;
    this.n++;
  }

  /** Entry `k` (below `n`). */
  at(k: number): number {
    return this.chunks[k >>> CHUNK_BITS]![k & (CHUNK - 1)]!;
  }
}

const NONE = Number.NaN;
/** The attributes `scan` reads, in plan order. */
const TYPE_ATTRS = [
  DW_AT.name,
  DW_AT.byte_size,
  DW_AT.bit_size,
  DW_AT.type,
  DW_AT.declaration,
  DW_AT.decl_file,
  DW_AT.decl_line,
  DW_AT.encoding,
  DW_AT.prototyped,
  DW_AT.signature,
] as const;
/** The attributes `onMember` reads, in plan order. */
const MEMBER_ATTRS = [
  DW_AT.name,
  DW_AT.type,
  DW_AT.data_member_location,
  DW_AT.bit_size,
  DW_AT.bit_offset,
  DW_AT.data_bit_offset,
  DW_AT.byte_size,
  DW_AT.external,
  DW_AT.declaration,
  DW_AT.artificial,
] as const;
/**
 * The member table's size from which it is a buffer mapped on its own: reserving one costs ~0.2 ms, a third
 * of the DWARF reading of a 135 KB object, and glibc maps anything over 128 KiB on its own anyway until
 * its threshold moves.
 */
let mappedMembersFrom = 256 * 1024;

/** Sets from how many bytes the member table is mapped on its own, and returns the old setting (tests). */
export function setMappedMembersFrom(bytes: number): number {
  const old = mappedMembersFrom;
  mappedMembersFrom = bytes;
  return old;
}

/** A member table of `count` numbers: mapped on its own when large, as it is dropped once the types are built. */
function memberTable(count: number): Float64Array {
  return count * 8 >= mappedMembersFrom ? mappedFloat64s(count) : new Float64Array(count);
}

/** The member table (`TypeCollector.mData`): MSTRIDE numbers per member. */
const MSTRIDE = 5;
/** Owner type index × 4 + flags (1 inheritance, 2 artificial). */
const M_OWNER = 0;
/** Byte location. */
const M_LOC = 1;
/** Type key (NaN for none); once `finishMembers` has made the member, its index in its owner's list. */
const M_TYPE = 2;
/** DIE key; or, for a repeat of member j (see `onMember`), -1 - j, and nothing else in the row is set. */
const M_DIE = 3;
/** NaN, or where the member's bit-field data starts in `mBits` (a member with DW_AT_bit_size). */
const M_BITS = 4;
/** The bit-field table: DW_AT_bit_size, DW_AT_bit_offset, DW_AT_data_bit_offset, DW_AT_byte_size. */
const B_SIZE = 0;
const B_OFFSET = 1;
const B_DATA_OFFSET = 2;
const B_BYTE_SIZE = 3;
/**
 * Members reserved for by byte of .debug_info to begin with (the table doubles when full): a header-heavy
 * object has a member per 15–25 bytes, an object of functions one per hundreds.
 */
const INFO_BYTES_PER_MEMBER = 32;
/** Types reserved for by byte of .debug_info to begin with (a header-heavy object has one per 50–60 bytes). */
const INFO_BYTES_PER_TYPE = 64;
const MAX_TYPES_RESERVED = 4096;
/** Most entries of the table of recent members (`TypeCollector.recent`): 48 KB, to stay in the CPU caches. */
const MAX_RECENT = 1 << 12;
const RECENT_STRIDE = 3;
/** Characters of a member name that go into its hash (names differ early or by length, in practice). */
const NAME_HASH_CHARS = 24;

/** Equal numbers, NaN equal to NaN (absent attributes). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Keys of placeholder types for things outside the file, beyond every real DIE key. */
const EXTERNAL_KEYS = 2 ** 52;

export class TypeCollector {
  readonly list: TypeRecord[] = [];
  /**
   * Types added by the walk come in increasing key order (sections, units and DIEs are read in order), so a
   * sorted key array with binary search indexes them without hashing; the few added out of order
   * (placeholders for types outside the file or not modelled) go in `late`.
   */
  private readonly sortedKeys: NumVec;
  private readonly sortedIndex: NumVec;
  private readonly late = new Map<DieKey, number>();
  /** Per type: the DIE key of the next type in its chain (target, element, return type), or NaN. */
  private chain: NumVec;
  /** Per type: the enum's underlying type, or the type unit type a DW_AT_signature stub stands for; or NaN. */
  private readonly aux: NumVec;
  /**
   * Per type: 1 for a DW_AT_signature stub (standing for `aux`), else 0. Typed vectors, like `children`:
   * no heap array to regrow.
   */
  private readonly isAlias: NumVec;
  /** Per type: its DIE key, and its number of children. `chain`, `die` and `children` serve `finish()` only. */
  private die: NumVec;
  private children: NumVec;
  /** True once `finish()` is done: placeholders added later need only their key, `aux` and `isAlias`. */
  private finished = false;
  /** Function types' parameters: owner type index and type key, in DIE order. */
  private pOwner = new NumVec();
  private pKey = new NumVec();

  /**
   * Names of the members that are not repeats (see `recent`), in order; the rest of each member's raw data is
   * in `mData`. Released by `finishMembers`, like the other member tables.
   */
  private mName: string[] = [];
  /**
   * The rest of each member's raw data, MSTRIDE numbers per member in one growable array (one capacity check
   * per member instead of one per field): see `M_OWNER` and after. Bit-fields (a tenth of the members, or
   * fewer) have four more numbers in `mBits`.
   */
  private mData: Float64Array;
  private mCount = 0;
  private mBits = new NumVec();
  /**
   * Members repeat: a header's `struct list_head list` at 0 or `spinlock_t lock` at 8, in struct after struct
   * that includes them. The read-only model has one object for equal members, found while the walk reads
   * them (their name is at hand then): by a hash of a member's raw data, the last member read with that hash,
   * RECENT_STRIDE numbers at `(hash & (entries - 1)) * RECENT_STRIDE`: the hash, the member's index + 1 (0
   * for none), the index of its name. A small table rather than one entry per member: lookups stay in the CPU
   * caches, and repeats come close together.
   */
  private recent = new Int32Array(0);
  /** Entries of `recent`, for the members expected (`INFO_BYTES_PER_MEMBER`). */
  private readonly recentEntries: number;

  /** Each enumerator's name and raw value; the published objects are made (and shared) by `finish()`. */
  private eName: string[] = [];
  private eValue: bigint[] = [];
  private eOwner = new NumVec();
  /** Width in bytes when the value came from DW_FORM_data1..8 (sign decided by the enum's type), else 0. */
  private eWidth = new NumVec();

  /** Key base of the current unit's info section, and its ordinal (for ids). */
  base = 0;
  ordinal = 0;
  addressSize = 8;
  /** True while reading a C++ unit. */
  cxx = false;
  /** Resolves a decl_file index of the current unit. */
  fileName: (index: number) => string | undefined = () => undefined;

  /** Per type index after `finish()`: canonical index of the next type in the chain, or -1. */
  private next: Int32Array = new Int32Array(0);
  private sizes: Float64Array = new Float64Array(0);
  private externals = 0;

  // Scratch values of the DIE being read.
  private name = "";
  private byteSize = NONE;
  private target = NONE;
  private declaration = false;
  private fileIndex = -1;
  private line = 0;
  private encoding = 0;
  private prototyped = false;
  private signature = NONE;
  private bitSize = NONE;

  constructor(
    private readonly lookup: DieLookup,
    private readonly littleEndian: boolean,
    /** Total size of the info sections: sizes the member table to begin with (see below). */
    infoBytes = 0,
  ) {
    // The per-type vectors from an estimate (one of 16 that doubles to a thousand is seven arrays made and
    // copied), up to a few thousand types: an object of functions has much fewer types than its DWARF's size
    // suggests.
    const types = Math.min(Math.max(16, Math.ceil(infoBytes / INFO_BYTES_PER_TYPE)), MAX_TYPES_RESERVED);
    this.sortedKeys = new NumVec(types);
    this.sortedIndex = new NumVec(types);
    this.chain = new NumVec(types);
    this.aux = new NumVec(types);
    this.isAlias = new NumVec(types);
    this.die = new NumVec(types);
    this.children = new NumVec(types);
    // The member table from an estimate too, rather than from the most the sections could hold: V8 counts a
    // whole buffer as external memory, written or not, and collects garbage sooner for it. Doubling from there
    // copies less than the final table. At least a few dozen members: zeroing a larger minimum cost more than
    // the reading of a small object.
    const members = Math.min(Math.max(64, Math.ceil(infoBytes / INFO_BYTES_PER_MEMBER)), 1 << 22);
    this.mData = memberTable(MSTRIDE * members);
    this.recentEntries = Math.min(MAX_RECENT, 1 << (32 - Math.clz32(members - 1)));
  }

  /** Reads a DW_AT_type-style reference of attribute `i` as a DIE key. */
  typeRef(r: DieReader, i: number): DieKey {
    const off = r.ref(i);
    if (off === REF_SIGNATURE) {
      const key = this.lookup.signature(r.sig);
      return (
        key ??
        this.external(`sig:${r.sig.toString(16).padStart(16, "0")}`, `<type unit ${r.sig.toString(16)}>`)
      );
    }
    if (off === REF_EXTERNAL) return this.external("ext", "<supplementary file type>");
    return this.base + off;
  }

  /** A placeholder for a type outside this file (a missing type unit, a dwz supplementary file). */
  private external(id: TypeId, name: string): DieKey {
    for (let k = 0; k < this.externals; k++) {
      const key = EXTERNAL_KEYS + k;
      if (this.list[this.indexOfKey(key)]!.id === id) return key;
    }
    const key = EXTERNAL_KEYS + this.externals++;
    this.add(newRecord(id, name, "unspecified", undefined, undefined, undefined, undefined, 0, false), key);
    return key;
  }

  /** The index of the type with DIE key `key`, or -1. */
  private indexOfKey(key: DieKey): number {
    const keys = this.sortedKeys.a;
    const n = this.sortedKeys.n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && keys[lo] === key) return this.sortedIndex.a[lo]!;
    return this.late.get(key) ?? -1;
  }

  private add(t: TypeRecord, key: DieKey): number {
    const at = this.list.length;
    const sk = this.sortedKeys;
    if (key < EXTERNAL_KEYS && (sk.n === 0 || sk.a[sk.n - 1]! < key)) {
      sk.push(key);
      this.sortedIndex.push(at);
    } else {
      this.late.set(key, at);
    }
    this.list.push(t);
    this.aux.push(NONE);
    this.isAlias.push(0);
    if (!this.finished) {
      this.chain.push(NONE);
      this.die.push(key);
      this.children.push(0);
    }
    return at;
  }

  /** Reads the attributes every type DIE may carry into the scratch fields. */
  private scan(r: DieReader): void {
    const a = r.abbrev!;
    const p = a.typePlan ?? planFor(a, TYPE_ATTRS);
    a.typePlan = p;
    const name = p[0]!;
    const byteSize = p[1]!;
    const bitSize = p[2]!;
    const type = p[3]!;
    const declaration = p[4]!;
    const file = p[5]!;
    const line = p[6]!;
    const encoding = p[7]!;
    const prototyped = p[8]!;
    const signature = p[9]!;
    this.name = name >= 0 ? r.str(name) : "";
    this.byteSize = byteSize >= 0 && r.isConstant(byteSize) ? r.udata(byteSize) : NONE;
    this.bitSize = bitSize >= 0 && r.isConstant(bitSize) ? r.udata(bitSize) : NONE;
    this.target = type >= 0 ? this.typeRef(r, type) : NONE;
    this.declaration = declaration >= 0 ? r.flag(declaration) : false;
    this.fileIndex = file >= 0 && r.isConstant(file) ? r.udata(file) : -1;
    this.line = line >= 0 && r.isConstant(line) ? r.udata(line) : 0;
    this.encoding = encoding >= 0 ? r.udata(encoding) : 0;
    this.prototyped = prototyped >= 0 ? r.flag(prototyped) : false;
    this.signature = signature >= 0 ? this.typeRef(r, signature) : NONE;
  }

  /**
   * Handles a DIE whose tag is a type. Returns the new type's index (the parent of the DIE's children:
   * members, enumerators, subranges, parameters), or -1 when the tag is not a type tag.
   */
  onType(r: DieReader): number {
    const tag = r.tag;
    let kind: TypeKind;
    switch (tag) {
      case DW_TAG.base_type:
        kind = "base";
        break;
      case DW_TAG.structure_type:
        kind = "struct";
        break;
      case DW_TAG.union_type:
        kind = "union";
        break;
      case DW_TAG.class_type:
        kind = "class";
        break;
      case DW_TAG.enumeration_type:
        kind = "enum";
        break;
      case DW_TAG.typedef:
        kind = "typedef";
        break;
      case DW_TAG.pointer_type:
        kind = "pointer";
        break;
      case DW_TAG.reference_type:
        kind = "reference";
        break;
      case DW_TAG.rvalue_reference_type:
        kind = "rvalue-reference";
        break;
      case DW_TAG.ptr_to_member_type:
        kind = "ptr-to-member";
        break;
      case DW_TAG.const_type:
      case DW_TAG.immutable_type:
        kind = "const";
        break;
      case DW_TAG.volatile_type:
        kind = "volatile";
        break;
      case DW_TAG.restrict_type:
        kind = "restrict";
        break;
      case DW_TAG.atomic_type:
        kind = "atomic";
        break;
      case DW_TAG.array_type:
        kind = "array";
        break;
      case DW_TAG.subroutine_type:
        kind = "function";
        break;
      case DW_TAG.unspecified_type:
      case DW_TAG.string_type:
      case DW_TAG.set_type:
      case DW_TAG.file_type:
      case DW_TAG.interface_type:
      case DW_TAG.shared_type:
      case DW_TAG.packed_type:
      case DW_TAG.coarray_type:
      case DW_TAG.dynamic_type:
        kind = "unspecified";
        break;
      default:
        return -1;
    }
    this.scan(r);
    let size = Number.isNaN(this.byteSize) ? undefined : smi(this.byteSize);
    if (size === undefined) {
      if (kind === "base" && !Number.isNaN(this.bitSize)) size = Math.ceil(this.bitSize / 8);
      else if (
        kind === "pointer" ||
        kind === "reference" ||
        kind === "rvalue-reference" ||
        kind === "ptr-to-member"
      ) {
        size = this.addressSize;
      }
    }
    let name = this.name;
    if (kind === "unspecified" && tag !== DW_TAG.unspecified_type && name === "")
      name = tagName(tag).replace(/^DW_TAG_/, "");
    const t = newRecord(
      typeId(this.ordinal, r.offset),
      name,
      kind,
      size,
      this.declaration ? true : undefined,
      this.fileIndex >= 0 ? this.fileName(this.fileIndex) : undefined,
      this.line > 0 ? smi(this.line) : undefined,
      smi(this.encoding),
      // C++ types are always prototyped, and producers leave DW_AT_prototyped out for them.
      this.prototyped || this.cxx,
    );
    const at = this.add(t, this.base + r.offset);
    let chain = NONE;
    switch (kind) {
      case "base":
      case "unspecified":
        break;
      case "struct":
      case "union":
      case "class":
        if (!Number.isNaN(this.signature)) {
          this.aux.a[at] = this.signature;
          this.isAlias.a[at] = 1;
        }
        break;
      case "enum":
        if (!Number.isNaN(this.signature)) {
          this.aux.a[at] = this.signature;
          this.isAlias.a[at] = 1;
        } else {
          this.aux.a[at] = this.target;
        }
        break;
      case "array":
        if (Number.isNaN(this.target))
          r.sec.fail("bad-dwarf", `array type at 0x${r.offset.toString(16)} has no element type`, r.offset);
        chain = this.target;
        break;
      case "function":
        chain = this.target;
        break;
      default:
        chain = this.target;
        break;
    }
    this.chain.a[at] = chain;
    return at;
  }

  private countChild(owner: number, r: DieReader): void {
    const n = ++this.children.a[owner]!;
    if (n > MAX_CHILDREN)
      r.sec.fail("limit-exceeded", `type has more than ${MAX_CHILDREN} children`, r.offset);
  }

  /** DW_TAG_member (or DW_TAG_inheritance) inside a struct, union or class. */
  onMember(r: DieReader, owner: number, inheritance: boolean): void {
    const a = r.abbrev!;
    const p = a.memberPlan ?? planFor(a, MEMBER_ATTRS);
    a.memberPlan = p;
    const iName = p[0]!;
    const iType = p[1]!;
    const iLoc = p[2]!;
    const iBitSize = p[3]!;
    const iBitOffset = p[4]!;
    const iDataBitOffset = p[5]!;
    const iByteSize = p[6]!;
    const iExternal = p[7]!;
    const iDeclaration = p[8]!;
    const iArtificial = p[9]!;
    // DWARF 2-4 C++ static data members are DW_TAG_member with DW_AT_external or DW_AT_declaration: they take
    // no room in the layout.
    const isStatic = (iExternal >= 0 && r.flag(iExternal)) || (iDeclaration >= 0 && r.flag(iDeclaration));
    const name = iName >= 0 ? r.str(iName) : "";
    const type = iType >= 0 ? this.typeRef(r, iType) : NONE;
    let loc = 0;
    if (iLoc >= 0) {
      if (r.isConstant(iLoc)) loc = r.udata(iLoc);
      else if (r.block(iLoc)) loc = memberLocation(r);
      // A location list (virtual bases in DWARF 2/3 C++) has no single offset.
    }
    const bitSize = iBitSize >= 0 ? r.udata(iBitSize) : NONE;
    // GCC writes a negative bit_offset (a field that spills past its storage unit) as sdata.
    const bitOffset =
      iBitOffset >= 0
        ? r.form(iBitOffset) === DW_FORM.sdata
          ? r.sdata(iBitOffset)
          : r.udata(iBitOffset)
        : NONE;
    const dataBitOffset = iDataBitOffset >= 0 ? r.udata(iDataBitOffset) : NONE;
    const byteSize = iByteSize >= 0 ? r.udata(iByteSize) : NONE;
    const artificial = iArtificial >= 0 ? r.flag(iArtificial) : false;
    if (isStatic) return;
    this.countChild(owner, r);
    const k = this.mCount++;
    let d = this.mData;
    const at = k * MSTRIDE;
    if (at + MSTRIDE > d.length) {
      d = memberTable(d.length * 2);
      d.set(this.mData);
      giveBack(this.mData);
      this.mData = d;
    }
    const flags = (inheritance ? 1 : 0) | (artificial ? 2 : 0);
    d[at + M_OWNER] = owner * 4 + flags;
    // A repeat of a member read before: the same raw data (hence the same published member).
    let h = Math.imul(flags ^ (type | 0), 0x9e3779b1);
    h = Math.imul(h ^ (loc | 0), 0x85ebca6b);
    if (!Number.isNaN(bitSize))
      h = Math.imul(h ^ bitSize ^ (bitOffset << 8) ^ (dataBitOffset << 16) ^ (byteSize << 24), 0xc2b2ae35);
    const len = name.length;
    h = Math.imul(h ^ len, 0x27d4eb2f);
    for (let i = 0; i < len && i < NAME_HASH_CHARS; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    let recent = this.recent;
    if (recent.length === 0) recent = this.recent = new Int32Array(this.recentEntries * RECENT_STRIDE);
    const slot = ((h ^ (h >>> 16)) & (this.recentEntries - 1)) * RECENT_STRIDE;
    const j = recent[slot + 1]! - 1;
    if (j >= 0 && recent[slot] === h) {
      const jt = j * MSTRIDE;
      const jBits = d[jt + M_BITS]!;
      if (
        (d[jt + M_OWNER]! & 3) === flags &&
        d[jt + M_LOC] === loc &&
        same(d[jt + M_TYPE]!, type) &&
        (Number.isNaN(bitSize)
          ? Number.isNaN(jBits)
          : !Number.isNaN(jBits) && this.sameBits(jBits, bitSize, bitOffset, dataBitOffset, byteSize)) &&
        this.mName[recent[slot + 2]!] === name
      ) {
        d[at + M_DIE] = -1 - j;
        return;
      }
    }
    recent[slot] = h;
    recent[slot + 1] = k + 1;
    recent[slot + 2] = this.mName.length;
    this.mName.push(name);
    d[at + M_LOC] = loc;
    d[at + M_TYPE] = type;
    d[at + M_DIE] = this.base + r.offset;
    if (Number.isNaN(bitSize)) {
      d[at + M_BITS] = NONE;
    } else {
      const b = this.mBits;
      d[at + M_BITS] = b.n;
      b.push(bitSize);
      b.push(bitOffset);
      b.push(dataBitOffset);
      b.push(byteSize);
    }
  }

  private sameBits(
    at: number,
    bitSize: number,
    bitOffset: number,
    dataBitOffset: number,
    byteSize: number,
  ): boolean {
    const b = this.mBits.a;
    return (
      b[at + B_SIZE] === bitSize &&
      same(b[at + B_OFFSET]!, bitOffset) &&
      same(b[at + B_DATA_OFFSET]!, dataBitOffset) &&
      same(b[at + B_BYTE_SIZE]!, byteSize)
    );
  }

  onEnumerator(r: DieReader, owner: number): void {
    let name = "";
    let value = 0n;
    let width = 0;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          name = r.str(i);
          break;
        case DW_AT.const_value: {
          const f = r.form(i);
          value = r.big(i, false);
          width =
            f === DW_FORM.data1
              ? 1
              : f === DW_FORM.data2
                ? 2
                : f === DW_FORM.data4
                  ? 4
                  : f === DW_FORM.data8
                    ? 8
                    : 0;
          break;
        }
      }
    }
    this.countChild(owner, r);
    this.eName.push(name);
    this.eValue.push(value);
    this.eOwner.push(owner);
    this.eWidth.push(width);
  }

  /** DW_TAG_subrange_type inside an array type. */
  onSubrange(r: DieReader, owner: number): void {
    let count: number | undefined;
    let upper: number | undefined;
    let lower = 0;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.count:
          if (r.isConstant(i)) count = r.udata(i);
          break;
        case DW_AT.upper_bound:
          if (r.isConstant(i)) {
            const f = r.form(i);
            upper = f === DW_FORM.sdata ? r.sdata(i) : r.udata(i);
            // Some producers write a zero-length array's bound as -1 in an unsigned form.
            if (
              (f === DW_FORM.data4 && upper === 0xffffffff) ||
              (f === DW_FORM.data8 && upper >= 2 ** 64 - 1)
            )
              upper = -1;
          }
          break;
        case DW_AT.lower_bound:
          if (r.isConstant(i)) lower = r.sdata(i);
          break;
      }
    }
    if (count === undefined && upper !== undefined) count = Math.max(0, upper - lower + 1);
    if (count !== undefined && (!Number.isSafeInteger(count) || count < 0)) {
      r.sec.fail(
        "bad-dwarf",
        `array bound ${count} of DIE 0x${r.offset.toString(16)} is out of range`,
        r.offset,
      );
    }
    this.countChild(owner, r);
    const t = this.list[owner]!;
    const d = this.subrange(count);
    if (t.dimensions === undefined) return;
    if (t.dimensions === EMPTY_DIMENSIONS) t.dimensions = [d];
    else t.dimensions.push(d);
  }

  /**
   * Subranges by count, shared (the model is read-only): a file has a few array lengths and many arrays.
   * NaN keys the one without a count.
   */
  private readonly subranges = new Map<number, Subrange>();

  /** Lists of one (shared) subrange, shared and frozen: most arrays have one dimension of a common length. */
  private readonly oneDimensions = new Map<Subrange, Subrange[]>();

  private oneDimension(d: Subrange): Subrange[] {
    let list = this.oneDimensions.get(d);
    if (list === undefined) {
      list = Object.freeze([d]) as Subrange[];
      this.oneDimensions.set(d, list);
    }
    return list;
  }

  private subrange(count: number | undefined): Subrange {
    const key = count ?? Number.NaN;
    let d = this.subranges.get(key);
    if (d === undefined) {
      d = count === undefined ? {} : { count };
      this.subranges.set(key, d);
    }
    return d;
  }

  /** DW_TAG_formal_parameter / DW_TAG_unspecified_parameters inside a subroutine type. */
  onParam(r: DieReader, owner: number, variadic: boolean): void {
    this.countChild(owner, r);
    if (variadic) {
      // DW_TAG_unspecified_parameters in an unprototyped C type (`void (*)()`) means "unknown", not `...`.
      const t = this.list[owner]!;
      if (t.prototyped) t.variadic = true;
      return;
    }
    const i = r.find(DW_AT.type);
    if (i < 0)
      r.sec.fail(
        "bad-dwarf",
        `parameter at 0x${r.offset.toString(16)} of a function type has no type`,
        r.offset,
      );
    // Function types' children are their parameters: the owner is always one.
    this.pOwner.push(owner);
    this.pKey.push(this.typeRef(r, i));
  }

  /**
   * The index of the type a key refers to: the type itself, or the type unit type a DW_AT_signature stub stands
   * for. A key that starts a DIE this reader does not model as a type (vendor type tags) becomes an opaque
   * "unspecified" type; a key that starts no DIE, or a DIE that cannot be a type, is an error naming `from`.
   */
  resolve(key: DieKey, from: DieKey): number {
    let i = this.indexOfKey(key);
    if (i < 0) {
      if (!this.lookup.isDie(key)) {
        this.lookup.fail(
          from,
          `DIE ${this.offsetIn(from)} refers to ${this.offsetIn(key)}, which is not the start of a DIE`,
        );
      }
      const d = this.lookup.describe(key);
      if (NON_TYPE_TAGS.has(d.tag)) {
        this.lookup.fail(from, `DIE ${this.offsetIn(from)} uses a ${tagName(d.tag)} as a type`);
      }
      const name = d.name || tagName(d.tag).replace(/^DW_TAG_/, "");
      i = this.add(
        newRecord(
          this.lookup.idOf(key),
          name,
          "unspecified",
          undefined,
          undefined,
          undefined,
          undefined,
          0,
          false,
        ),
        key,
      );
      if (this.next.length > 0) this.grow();
    }
    // DW_AT_signature stubs stand for their type unit's type (stubs never chain; bound the walk anyway).
    for (let hops = 0; this.isAlias.a[i] === 1 && hops < 8; hops++) {
      const to = this.indexOfKey(this.aux.a[i]!);
      if (to < 0) break;
      i = to;
    }
    return i;
  }

  /** The public id for a reference key held by a subprogram or variable, or undefined for NaN. */
  idOf(key: DieKey, from: DieKey): TypeId | undefined {
    if (Number.isNaN(key)) return undefined;
    return this.list[this.resolve(key, from)]!.id;
  }

  /** Like `idOf`, but the index of the type (for `idAt`); -1 for no type (a negative key or NaN). */
  indexOf(key: DieKey, from: DieKey): number {
    return key >= 0 ? this.resolve(key, from) : -1;
  }

  idAt(index: number): TypeId {
    return this.list[index]!.id;
  }

  private offsetIn(key: DieKey): string {
    return this.lookup.hex(key);
  }

  /** Keeps the per-type arrays of `finish()` in step with placeholders added afterwards. */
  private grow(): void {
    const n = this.list.length;
    if (this.next.length >= n) return;
    const next = new Int32Array(n).fill(-1);
    next.set(this.next);
    this.next = next;
    const sizes = new Float64Array(n).fill(Number.NaN);
    sizes.set(this.sizes);
    this.sizes = sizes;
  }

  /** Resolves references, refuses cycles, computes sizes and member layouts. */
  finish(): void {
    const n0 = this.list.length;
    this.next = new Int32Array(n0).fill(-1);
    this.sizes = new Float64Array(n0).fill(Number.NaN);
    // Resolve every chain reference first (placeholders may be appended; `grow` keeps arrays in step).
    for (let i = 0; i < this.list.length; i++) {
      const k = this.chain.a[i]!;
      if (!Number.isNaN(k)) {
        const to = this.resolve(k, this.die.a[i]!);
        this.grow();
        this.next[i] = to;
      }
    }
    this.checkChains();
    this.computeSizes();
    this.attachIds();
    this.finishMembers();
    this.finishEnumerators();
    // Placeholders added from here on (by subprograms and variables) need no chain, size or count (without
    // `next`, no copy of these per placeholder either: see `resolve`), and the collector lives until the
    // subprograms are read.
    this.finished = true;
    this.next = new Int32Array(0);
    this.sizes = new Float64Array(0);
    this.chain = new NumVec();
    this.die = new NumVec();
    this.children = new NumVec();
  }

  /**
   * Every type has at most one "next" type (target, element, return type), so the types form a functional
   * graph and a cycle is found by walking each chain once, stamping the nodes with the walk's number.
   * Struct members and function parameters are not chain edges: self-reference through them is normal.
   */
  private checkChains(): void {
    const n = this.list.length;
    const next = this.next;
    const stamp = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      if (done[s]) continue;
      let v = s;
      while (v >= 0 && !done[v]) {
        if (stamp[v] === s) {
          const t = this.list[v]!;
          this.lookup.fail(
            this.die.a[v]!,
            `type chain through DIE ${t.id} ('${t.name}') refers back to itself`,
            "dwarf-cycle",
          );
        }
        stamp[v] = s;
        v = next[v]!;
      }
      v = s;
      while (v >= 0 && !done[v]) {
        done[v] = 1;
        v = next[v]!;
      }
    }
  }

  /** Sizes of every type (NaN where none is known), following the (now acyclic) chains iteratively. */
  private computeSizes(): void {
    const n = this.list.length;
    const sizes = this.sizes;
    const next = this.next;
    const state = new Uint8Array(n); // 0 unknown, 1 computed
    // The chain being walked: path[0..top). A count, not `path.length = 0`, which would drop the array's
    // storage and allocate it anew for each of a hundred thousand chains.
    const path: number[] = [];
    for (let s = 0; s < n; s++) {
      if (state[s]) continue;
      let top = 0;
      let v = s;
      while (v >= 0 && !state[v]) {
        path[top++] = v;
        const t = this.list[v]!;
        if (this.hasOwnSize(t)) break;
        v = next[v]!;
      }
      for (let k = top - 1; k >= 0; k--) {
        const u = path[k]!;
        const t = this.list[u]!;
        if (this.hasOwnSize(t)) sizes[u] = t.size ?? Number.NaN;
        else {
          const w = next[u]!;
          sizes[u] = this.derivedSize(t, w < 0 ? Number.NaN : sizes[w]!, u);
        }
        state[u] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      const t = this.list[i]!;
      const sz = sizes[i]!;
      if (t.size === undefined && !Number.isNaN(sz) && t.kind !== "function") t.size = smi(sz);
    }
  }

  /** True when a type's size does not come from the type after it (explicit byte size, or not a chain kind). */
  private hasOwnSize(t: TypeRecord): boolean {
    switch (t.kind) {
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "atomic":
      case "array":
        return t.size !== undefined;
      default:
        return true;
    }
  }

  private derivedSize(t: TypeRecord, inner: number, index: number): number {
    if (t.kind !== "array") return inner;
    let count = 1;
    for (const d of t.dimensions ?? []) {
      if (d.count === undefined) return 0; // flexible or unknown bound: takes no room in the layout
      count *= d.count;
    }
    if (Number.isNaN(inner)) return Number.NaN;
    const size = count * inner;
    if (!Number.isSafeInteger(size)) {
      this.lookup.fail(
        this.die.a[index]!,
        `array type ${t.id}: bounds × element size (${count} × ${inner}) overflows`,
      );
    }
    return size;
  }

  /** Replaces reference keys by the public ids of the types they resolve to. */
  private attachIds(): void {
    // Parameters by function type: `first[i]` is where type i's start in `order` (a stable sort of the flat
    // list by owner), `first[i + 1]` where they end. Types added from here on have none.
    const np = this.pOwner.n;
    const owners = this.pOwner.a;
    const nt = np > 0 ? this.list.length : 0;
    const first = new Int32Array(nt + 1);
    for (let k = 0; k < np; k++) first[owners[k]! + 1]!++;
    for (let i = 0; i < nt; i++) first[i + 1]! += first[i]!;
    const order = new Int32Array(np);
    const at = first.slice(0, nt);
    for (let k = 0; k < np; k++) order[at[owners[k]!]!++] = k;
    const keys = this.pKey.a;
    for (let i = 0; i < this.list.length; i++) {
      const t = this.list[i]!;
      const nx = this.next[i]!;
      if (nx >= 0) {
        const id = this.list[nx]!.id;
        if (t.kind === "array") t.element = id;
        else if (t.kind === "function") t.returns = id;
        else t.target = id;
      }
      if (t.kind === "enum" && this.isAlias.a[i] !== 1) {
        const k = this.aux.a[i]!;
        if (!Number.isNaN(k)) t.underlying = this.list[this.resolve(k, this.die.a[i]!)]!.id;
      }
      if (t.kind === "array" && t.dimensions!.length === 1)
        t.dimensions = this.oneDimension(t.dimensions![0]!);
      // Without parameters the type keeps the shared empty list it was made with.
      if (i < nt && first[i + 1]! > first[i]!) {
        const p0 = first[i]!;
        const params = new Array<TypeId>(first[i + 1]! - p0);
        for (let j = 0; j < params.length; j++)
          params[j] = this.list[this.resolve(keys[order[p0 + j]!]!, this.die.a[i]!)]!.id;
        t.params = params;
      }
    }
    this.pOwner = new NumVec();
    this.pKey = new NumVec();
  }

  private finishMembers(): void {
    const le = this.littleEndian;
    const n = this.mCount;
    const d = this.mData;
    const bits = this.mBits.a;
    const names = this.mName;
    const list = this.list;
    // Each aggregate's list is allocated at its final length (the walk counted the members): no regrowth.
    const fill = new Int32Array(list.length);
    // The names are those of the members that are not repeats, in order.
    let q = 0;
    for (let k = 0; k < n; k++) {
      const at = k * MSTRIDE;
      const of = d[at + M_OWNER]!;
      const flags = of & 3;
      const oi = (of - flags) / 4;
      const owner = list[oi]!;
      const die = d[at + M_DIE]!;
      let m: Member;
      if (die < 0) {
        // A repeat of an earlier member: the object made for that one.
        const jt = (-1 - die) * MSTRIDE;
        const jo = d[jt + M_OWNER]!;
        m = list[(jo - (jo & 3)) / 4]!.members![d[jt + M_TYPE]!]!;
      } else {
        const name = names[q++]!;
        const key = d[at + M_TYPE]!;
        let size = 0;
        let type = "";
        if (!Number.isNaN(key)) {
          const ti = this.resolve(key, die);
          this.grow();
          type = list[ti]!.id;
          const s = this.sizes[ti]!;
          if (!Number.isNaN(s)) size = s;
        }
        const offset = d[at + M_LOC]!;
        const bi = d[at + M_BITS]!;
        if (!Number.isNaN(bi)) {
          const bs = bits[bi + B_SIZE]!;
          const dataBit = bits[bi + B_DATA_OFFSET]!;
          const bitOff = bits[bi + B_OFFSET]!;
          let bit: number;
          if (!Number.isNaN(dataBit)) {
            bit = dataBit;
          } else if (!Number.isNaN(bitOff)) {
            // DWARF 2-4: bit_offset counts from the most significant bit of a storage unit of byte_size bytes
            // at the member location. On a little-endian target the most significant bit is the last one.
            const byteSize = bits[bi + B_BYTE_SIZE]!;
            const unit = Number.isNaN(byteSize) ? size : byteSize;
            bit = le ? offset * 8 + unit * 8 - bitOff - bs : offset * 8 + bitOff;
          } else {
            bit = offset * 8;
          }
          if (bit < 0 || !Number.isSafeInteger(bit)) {
            this.lookup.fail(
              die,
              `bit-field '${name}' of ${owner.kind} '${owner.name}' has a negative bit offset`,
            );
          }
          const o = Math.floor(bit / 8);
          // 32-bit integers keep every member's fields small integers (see `plainMember`); a struct larger
          // than 256 MB is not worth a faster path.
          if ((o | 0) === o && (size | 0) === size && (bit | 0) === bit && (bs | 0) === bs) {
            m = bitFieldMember(name, type, o | 0, size | 0, bit | 0, bs | 0);
          } else {
            m = bigBitFieldMember(name, type, o, size, bit, bs);
          }
        } else {
          if ((offset | 0) === offset && (size | 0) === size)
            m = plainMember(name, type, offset | 0, size | 0);
          else m = bigMember(name, type, offset, size);
        }
        if (flags & 1) (m as { inheritance?: boolean }).inheritance = true;
        if (flags & 2) (m as { artificial?: boolean }).artificial = true;
        d[at + M_TYPE] = fill[oi]!;
      }
      let members = owner.members!;
      if (members === EMPTY) {
        members = new Array<Member>(this.children.a[oi]!);
        owner.members = members;
      }
      members[fill[oi]!++] = m;
    }
    for (let i = 0; i < fill.length; i++) {
      const members = list[i]!.members;
      if (members !== undefined && members !== EMPTY && members.length !== fill[i]) members.length = fill[i]!;
    }
    // The tables are not needed any more, and the collector lives as long as the subprograms are not read.
    this.mName = [];
    giveBack(this.mData);
    this.mData = new Float64Array(0);
    this.mBits = new NumVec();
    this.mCount = 0;
    this.recent = new Int32Array(0);
  }

  /**
   * Makes the enumerators, and shares what repeats (the model is read-only): every unit that includes a
   * header has its own copy of the header's enums, equal enumerator for enumerator, so equal enumerators are
   * one object and equal lists one (frozen) array.
   */
  private finishEnumerators(): void {
    const byName = new Map<string, Enumerator | Enumerator[]>();
    const enumerator = (name: string, value: bigint): Enumerator => {
      const hit = byName.get(name);
      if (hit === undefined) {
        const e: Enumerator = { name, value };
        byName.set(name, e);
        return e;
      }
      if (Array.isArray(hit)) {
        for (let i = 0; i < hit.length; i++) if (hit[i]!.value === value) return hit[i]!;
        const e: Enumerator = { name, value };
        if (hit.length < MAX_SHARED_VALUES) hit.push(e);
        return e;
      }
      if (hit.value === value) return hit;
      const e: Enumerator = { name, value };
      byName.set(name, [hit, e]);
      return e;
    };
    // Each enum's list is allocated at its final length (the walk counted the enumerators).
    const fill = new Int32Array(this.eName.length > 0 ? this.list.length : 0);
    // Whether the last enum asked about is signed (its enumerators come one after another).
    let signedOwner = -1;
    let signed = false;
    for (let k = 0; k < this.eName.length; k++) {
      const raw = this.eValue[k]!;
      const oi = this.eOwner.a[k]!;
      const owner = this.list[oi]!;
      const width = this.eWidth.a[k]!;
      // DW_FORM_data<n> carries no sign: it is the enum's underlying type that says whether 0xff is 255 or -1.
      if (width > 0 && signedOwner !== oi) {
        signedOwner = oi;
        // `attachIds` set `underlying` from this same resolution (which adds nothing the second time).
        signed =
          owner.underlying !== undefined && this.isSigned(this.resolve(this.aux.a[oi]!, this.die.a[oi]!));
      }
      const value = width > 0 && signed ? BigInt.asIntN(width * 8, raw) : raw;
      let list = owner.enumerators!;
      if (list === (EMPTY as unknown)) list = owner.enumerators = new Array<Enumerator>(this.children.a[oi]!);
      list[fill[oi]!++] = enumerator(this.eName[k]!, value);
    }
    for (let i = 0; i < fill.length; i++) {
      const list = this.list[i]!.enumerators;
      if (list !== undefined && list.length !== fill[i]) list.length = fill[i]!;
    }
    // Equal lists: same length, same (shared) enumerators in the same order; candidates by first entry.
    const lists = new Map<Enumerator, Enumerator[][]>();
    for (let i = 0; i < this.list.length; i++) {
      const t = this.list[i]!;
      const list = t.enumerators;
      if (list === undefined || list.length === 0) continue;
      let candidates = lists.get(list[0]!);
      if (candidates === undefined) {
        candidates = [];
        lists.set(list[0]!, candidates);
      }
      let found: Enumerator[] | undefined;
      for (let c = 0; c < candidates.length && found === undefined; c++) {
        const other = candidates[c]!;
        if (other.length !== list.length) continue;
        let j = 1;
        while (j < list.length && other[j] === list[j]) j++;
        if (j === list.length) found = other;
      }
      if (found === undefined) {
        found = Object.freeze(list) as Enumerator[];
        if (candidates.length < MAX_SHARED_VALUES) candidates.push(found);
      }
      t.enumerators = found;
    }
    this.eName = [];
    this.eValue = [];
    this.eOwner = new NumVec();
    this.eWidth = new NumVec();
  }

  /**
   * True when a type (by index; through typedefs and qualifiers, whose `target` is the id of `next`) is a signed
   * integer base type.
   */
  private isSigned(i: number): boolean {
    for (let hops = 0; i >= 0 && hops < 64; hops++) {
      const t = this.list[i]!;
      if (t.kind === "base") return t.encoding === DW_ATE.signed || t.encoding === DW_ATE.signed_char;
      if (t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "atomic")
        i = i < this.next.length ? this.next[i]! : -1;
      else return false;
    }
    return false;
  }

  /** The public map of every type by id (built once, after subprograms and variables resolved theirs). */
  publish(): ReadonlyMap<TypeId, DwarfType> {
    // The table keeps only what finding an id needs, not the collector and its scratch arrays. `list` and
    // `late` stay live: reading subprograms later may still add placeholder types.
    const list = this.list;
    const keys = this.sortedKeys.a.slice(0, this.sortedKeys.n);
    const index = Int32Array.from(this.sortedIndex.a.subarray(0, this.sortedIndex.n));
    const late = this.late;
    const keyOf = this.lookup.keyOfFn();
    const stubs = new Map<number, number>();
    for (let i = 0; i < this.isAlias.n; i++) {
      if (this.isAlias.a[i] !== 1) continue;
      const to = this.indexOfKey(this.aux.a[i]!);
      if (to >= 0) stubs.set(i, to);
    }
    return new TypeTable(
      list as unknown as DwarfType[],
      (id) => {
        const key = keyOf(id);
        if (key !== undefined) {
          let lo = 0;
          let hi = keys.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (keys[mid]! < key) lo = mid + 1;
            else hi = mid;
          }
          if (lo < keys.length && keys[lo] === key) return index[lo]!;
          return late.get(key) ?? -1;
        }
        // Placeholders for types outside the file ("sig:…", "ext"): few, and only in `late`.
        for (const i of late.values()) if (list[i]!.id === id) return i;
        return -1;
      },
      stubs,
    );
  }
}

/**
 * The types of a file by id: a read-only map over the list the reader built, finding an id through the DIE
 * offset it spells instead of hashing a hundred thousand strings into a `Map` that nobody may need.
 */
class TypeTable implements ReadonlyMap<TypeId, DwarfType> {
  constructor(
    private readonly list: readonly DwarfType[],
    private readonly indexOf: (id: TypeId) => number,
    /** DW_AT_signature stubs (by index) and the type unit type each stands for: looked up, never listed. */
    private readonly stubs: ReadonlyMap<number, number>,
  ) {}
  private at(id: TypeId): number {
    const i = this.indexOf(id);
    return i < 0 ? i : (this.stubs.get(i) ?? i);
  }
  get size(): number {
    return this.list.length - this.stubs.size;
  }
  get(id: TypeId): DwarfType | undefined {
    const i = this.at(id);
    return i < 0 ? undefined : this.list[i];
  }
  has(id: TypeId): boolean {
    return this.at(id) >= 0;
  }
  forEach(
    f: (value: DwarfType, key: TypeId, map: ReadonlyMap<TypeId, DwarfType>) => void,
    thisArg?: unknown,
  ): void {
    for (const t of this.values()) f.call(thisArg, t, t.id, this);
  }
  *entries(): MapIterator<[TypeId, DwarfType]> {
    for (const t of this.values()) yield [t.id, t];
  }
  *keys(): MapIterator<TypeId> {
    for (const t of this.values()) yield t.id;
  }
  values(): MapIterator<DwarfType> {
    if (this.stubs.size === 0) return this.list.values() as MapIterator<DwarfType>;
    const list = this.list;
    const stubs = this.stubs;
    return (function* () {
      for (let i = 0; i < list.length; i++) if (!stubs.has(i)) yield list[i]!;
    })() as MapIterator<DwarfType>;
  }
  [Symbol.iterator](): MapIterator<[TypeId, DwarfType]> {
    return this.entries();
  }
}

/**
 * Evaluates a DW_AT_data_member_location expression. Producers write `DW_OP_plus_uconst N` (GCC with
 * -gstrict-dwarf, DWARF 2) or `DW_OP_constu N` (then `DW_OP_plus`); anything else (virtual base offsets read
 * from the object) has no static offset and yields 0.
 */
function memberLocation(r: DieReader): number {
  const b = r.bytes;
  const start = r.blockStart;
  const len = r.blockLength;
  if (start + len > r.end)
    r.sec.fail("truncated", "member location expression runs past the end of its unit", start);
  if (len === 0) return 0;
  const op = b[start]!;
  if (op === DW_OP.plus_uconst || op === DW_OP.constu) {
    let v = 0;
    let mul = 1;
    for (let p = start + 1, k = 0; p < start + len && k < 10; p++, k++) {
      const byte = b[p]!;
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) break;
    }
    return v;
  }
  // DW_OP_lit0..31
  if (op >= 0x30 && op <= 0x4f) return op - 0x30;
  return 0;
}
