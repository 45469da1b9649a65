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
 * repeats (the model is read-only): subranges, enumerators, and lists of them.
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
 * A growable Float64Array: parallel per-item data without an object per item. Starts small: a collector has
 * nine of them, and most objects of a build tree have a few dozen types.
 */
export class NumVec {
  a = new Float64Array(16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
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
const MSTRIDE = 9;
const M_FLAGS = 0;
const M_LOC = 1;
const M_OWNER = 2;
const M_TYPE = 3;
const M_BIT_SIZE = 4;
const M_BIT_OFFSET = 5;
const M_DATA_BIT_OFFSET = 6;
const M_BYTE_SIZE = 7;
const M_DIE = 8;
/** Keys of placeholder types for things outside the file, beyond every real DIE key. */
const EXTERNAL_KEYS = 2 ** 52;

export class TypeCollector {
  readonly list: TypeRecord[] = [];
  /**
   * Types added by the walk come in increasing key order (sections, units and DIEs are read in order), so a
   * sorted key array with binary search indexes them without hashing; the few added out of order
   * (placeholders for types outside the file or not modelled) go in `late`.
   */
  private readonly sortedKeys = new NumVec();
  private readonly sortedIndex = new NumVec();
  private readonly late = new Map<DieKey, number>();
  /** Per type: the DIE key of the next type in its chain (target, element, return type), or NaN. */
  private readonly chain = new NumVec();
  /** Per type: the enum's underlying type, or the type unit type a DW_AT_signature stub stands for; or NaN. */
  private readonly aux = new NumVec();
  /**
   * Per type: 1 for a DW_AT_signature stub (standing for `aux`), else 0. Typed vectors, like `children`:
   * no heap array to regrow.
   */
  private readonly isAlias = new NumVec();
  private readonly die = new NumVec();
  private readonly children = new NumVec();
  /** Function types' parameter keys, by type index. */
  private readonly paramKeys = new Map<number, number[]>();

  private readonly mName: string[] = [];
  /**
   * The rest of each member's raw data, MSTRIDE numbers per member in one growable array (one capacity check
   * per member instead of one per field): flags (1 inheritance, 2 artificial), byte location, owner type
   * index, type key, DW_AT_bit_size, DW_AT_bit_offset, DW_AT_data_bit_offset, DW_AT_byte_size, DIE key.
   */
  private mData: Float64Array;

  /** Each enumerator's name and raw value; the published objects are made (and shared) by `finish()`. */
  private readonly eName: string[] = [];
  private readonly eValue: bigint[] = [];
  private readonly eOwner = new NumVec();
  /** Width in bytes when the value came from DW_FORM_data1..8 (sign decided by the enum's type), else 0. */
  private readonly eWidth = new NumVec();

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
    /** Total size of the info sections: sizes the member table up front (see below). */
    infoBytes = 0,
  ) {
    // A member DIE takes at least 8 bytes or so; reserving for the most the sections could hold avoids
    // copying a table of tens of megabytes as it grows. Pages never written are never touched.
    // At least a few dozen members: zeroing a larger minimum cost more than the reading of a small object.
    this.mData = new Float64Array(MSTRIDE * Math.min(Math.max(64, Math.ceil(infoBytes / 8)), 1 << 24));
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
    this.chain.push(NONE);
    this.aux.push(NONE);
    this.isAlias.push(0);
    this.die.push(key);
    this.children.push(0);
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
        this.paramKeys.set(at, []);
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
    const k = this.mName.length;
    this.mName.push(name);
    let d = this.mData;
    const at = k * MSTRIDE;
    if (at + MSTRIDE > d.length) {
      d = new Float64Array(d.length * 2);
      d.set(this.mData);
      this.mData = d;
    }
    d[at + M_FLAGS] = (inheritance ? 1 : 0) | (artificial ? 2 : 0);
    d[at + M_LOC] = loc;
    d[at + M_OWNER] = owner;
    d[at + M_TYPE] = type;
    d[at + M_BIT_SIZE] = bitSize;
    d[at + M_BIT_OFFSET] = bitOffset;
    d[at + M_DATA_BIT_OFFSET] = dataBitOffset;
    d[at + M_BYTE_SIZE] = byteSize;
    d[at + M_DIE] = this.base + r.offset;
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
    this.paramKeys.get(owner)?.push(this.typeRef(r, i));
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
      const params = this.paramKeys.get(i);
      // Without parameters the type keeps the shared empty list it was made with.
      if (params && params.length > 0)
        t.params = params.map((k) => this.list[this.resolve(k, this.die.a[i]!)]!.id);
    }
  }

  private finishMembers(): void {
    const le = this.littleEndian;
    const n = this.mName.length;
    const d = this.mData;
    // Each aggregate's list is allocated at its final length (the walk counted the members): no regrowth.
    const fill = new Int32Array(this.list.length);
    for (let k = 0; k < n; k++) {
      const at = k * MSTRIDE;
      const name = this.mName[k]!;
      const oi = d[at + M_OWNER]!;
      const owner = this.list[oi]!;
      const key = d[at + M_TYPE]!;
      let size = 0;
      let type = "";
      if (!Number.isNaN(key)) {
        const ti = this.resolve(key, d[at + M_DIE]!);
        this.grow();
        type = this.list[ti]!.id;
        const s = this.sizes[ti]!;
        if (!Number.isNaN(s)) size = s;
      }
      const offset = d[at + M_LOC]!;
      let m: Member;
      const bs = d[at + M_BIT_SIZE]!;
      if (!Number.isNaN(bs)) {
        const dataBit = d[at + M_DATA_BIT_OFFSET]!;
        const bitOff = d[at + M_BIT_OFFSET]!;
        let bit: number;
        if (!Number.isNaN(dataBit)) {
          bit = dataBit;
        } else if (!Number.isNaN(bitOff)) {
          // DWARF 2-4: bit_offset counts from the most significant bit of a storage unit of byte_size bytes at
          // the member location. On a little-endian target the most significant bit is the last one.
          const byteSize = d[at + M_BYTE_SIZE]!;
          const unit = Number.isNaN(byteSize) ? size : byteSize;
          bit = le ? offset * 8 + unit * 8 - bitOff - bs : offset * 8 + bitOff;
        } else {
          bit = offset * 8;
        }
        if (bit < 0 || !Number.isSafeInteger(bit)) {
          this.lookup.fail(
            d[at + M_DIE]!,
            `bit-field '${name}' of ${owner.kind} '${owner.name}' has a negative bit offset`,
          );
        }
        const o = Math.floor(bit / 8);
        // 32-bit integers keep every member's fields small integers (see `plainMember`); a struct larger than
        // 256 MB is not worth a faster path.
        if ((o | 0) === o && (size | 0) === size && (bit | 0) === bit && (bs | 0) === bs) {
          m = bitFieldMember(name, type, o | 0, size | 0, bit | 0, bs | 0);
        } else {
          m = bigBitFieldMember(name, type, o, size, bit, bs);
        }
      } else {
        if ((offset | 0) === offset && (size | 0) === size) m = plainMember(name, type, offset | 0, size | 0);
        else m = bigMember(name, type, offset, size);
      }
      const flags = d[at + M_FLAGS]!;
      if (flags & 1) (m as { inheritance?: boolean }).inheritance = true;
      if (flags & 2) (m as { artificial?: boolean }).artificial = true;
      let list = owner.members!;
      if (list === EMPTY) {
        list = new Array<Member>(this.children.a[oi]!);
        owner.members = list;
      }
      list[fill[oi]!++] = m;
    }
    for (let i = 0; i < fill.length; i++) {
      const list = this.list[i]!.members;
      if (list !== undefined && list !== EMPTY && list.length !== fill[i]) list.length = fill[i]!;
    }
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
    for (let k = 0; k < this.eName.length; k++) {
      const raw = this.eValue[k]!;
      const owner = this.list[this.eOwner.a[k]!]!;
      const width = this.eWidth.a[k]!;
      // DW_FORM_data<n> carries no sign: it is the enum's underlying type that says whether 0xff is 255 or -1.
      const value = width > 0 && this.isSigned(owner.underlying) ? BigInt.asIntN(width * 8, raw) : raw;
      let list = owner.enumerators!;
      if (list === (EMPTY as unknown)) list = owner.enumerators = [];
      list.push(enumerator(this.eName[k]!, value));
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
  }

  /** True when a type (through typedefs and qualifiers) is a signed integer base type. */
  private isSigned(id: TypeId | undefined): boolean {
    for (let hops = 0; id !== undefined && hops < 64; hops++) {
      const i = this.byId().get(id);
      const t = i === undefined ? undefined : this.list[i];
      if (t === undefined) return false;
      if (t.kind === "base") return t.encoding === DW_ATE.signed || t.encoding === DW_ATE.signed_char;
      if (t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "atomic")
        id = t.target;
      else return false;
    }
    return false;
  }

  #byId: Map<TypeId, number> | undefined;
  private byId(): Map<TypeId, number> {
    if (!this.#byId) {
      this.#byId = new Map();
      for (let i = 0; i < this.list.length; i++) this.#byId.set(this.list[i]!.id, i);
    }
    return this.#byId;
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
