import { DW_AT, DW_FORM, DW_OP } from "./constants.js";
import { type DieReader, REF_EXTERNAL, REF_SIGNATURE } from "./forms.js";
import { toBigInt } from "./leb.js";
import type { InlinedCall, Parameter } from "./model.js";
import { SubprogramRecord, VariableRecord } from "./records.js";
import type { DebugSection } from "./relocate.js";
import { type DieKey, type DieLookup, NumVec, type TypeCollector } from "./types.js";

/**
 * Collects subprograms, their parameters, locals and inlined calls, and global/static variables while the DIE
 * walker visits them. Abstract instances, concrete out-of-line instances (DW_AT_abstract_origin) and C++
 * definitions of declared members (DW_AT_specification) each carry part of the picture, possibly in DIEs that
 * come later in the file, so `finish()` merges them once everything has been read, following each chain
 * iteratively with a bound.
 */

interface RawParam {
  name: string | undefined;
  /** DIE key of the type, or NONE. */
  type: DieKey;
  /** DIE key of the abstract origin, or NONE. */
  origin: DieKey;
}

interface RawInlined {
  readonly origin: DieKey;
  readonly file: string | undefined;
  readonly line: number;
}

export interface RawSubprogram {
  readonly key: DieKey;
  /** The public id, made once when first asked for (by the subprogram, inlined calls or static locals). */
  id: string | undefined;
  name: string | undefined;
  linkageName: string | undefined;
  /** EXTERNAL, DECLARATION, INLINE, HAS_TYPE, VARIADIC, PROTOTYPED, LISTED: one field, not seven. */
  flags: number;
  /** DIE key of the return type; NONE for none (void) or when DW_AT_type is absent. */
  returns: DieKey;
  /** `NO_PARAMS` until the first one (so are `locals` and `inlined`): most subprograms lack one or another. */
  params: RawParam[];
  locals: RawParam[];
  lowPc: bigint | undefined;
  highPc: bigint | undefined;
  section: number;
  origin: DieKey;
  spec: DieKey;
  inlined: RawInlined[];
  file: string | undefined;
  line: number;
}

interface RawVariable {
  readonly key: DieKey;
  name: string | undefined;
  linkageName: string | undefined;
  type: DieKey;
  /** EXTERNAL, DECLARATION, LISTED. */
  flags: number;
  /** The enclosing subprogram of a static local. */
  scope: RawSubprogram | undefined;
  address: bigint | undefined;
  section: number;
  spec: DieKey;
  origin: DieKey;
  file: string | undefined;
  line: number;
}

/** Bits of `RawSubprogram.flags` and `RawVariable.flags`. */
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
 * No DIE. Not NaN as elsewhere: keys here sit in the fields of objects made per DIE, and while every value of
 * a field is a small integer V8 stores it in place; one NaN would make it box every value as a heap number.
 */
const NONE = -1;

/**
 * Shared empty lists of the raw subprograms until their first entry. Frozen, so that a push that forgot to
 * replace it throws instead of filling every subprogram's list.
 */
const NO_PARAMS: RawParam[] = Object.freeze([]) as unknown as RawParam[];
const NO_INLINED: RawInlined[] = Object.freeze([]) as unknown as RawInlined[];
/**
 * The published empty list of params, locals or inlined calls: most subprograms have none of one or another,
 * and an empty array apiece would cost as much as the subprogram's other fields. The model is read-only.
 */
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * `list` with `item` added (`list` itself, or a new array). Short lists are copied at their exact length: a
 * push onto a full array grows it to 17 slots or more, and most subprograms have one to three parameters.
 * Handles the shared empty lists, which are frozen.
 */
function append<T>(list: T[], item: T): T[] {
  const n = list.length;
  if (n >= 4) {
    list.push(item);
    return list;
  }
  const out = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) out[i] = list[i]!;
  out[n] = item;
  return out;
}

/** A node of the trie of parameter lists (see `SubprogramCollector.lists`). */
interface ListNode {
  /** The list that ends here, once made. */
  list: readonly Parameter[] | undefined;
  next: Map<Parameter, ListNode> | undefined;
}

/** Lists of parameters or locals up to this long are shared (see `SubprogramCollector.lists`). */
const MAX_SHARED_LIST = 2;

function childOf(node: ListNode, p: Parameter): ListNode {
  node.next ??= new Map();
  const next = node.next;
  let child = next.get(p);
  if (child === undefined) {
    child = { list: undefined, next: undefined };
    next.set(p, child);
  }
  return child;
}

/** Inlined calls of one callee compared when looking for an equal one to share; later ones are kept apart. */
const MAX_SHARED_CALLS = 16;

/** What `follow` needs of a DIE record: its key and the DIEs it inherits from (-1: none). */
interface Inheriting {
  readonly key: DieKey;
  readonly origin: DieKey;
  readonly spec: DieKey;
}

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

/**
 * Items by DIE key. `functions()` reads the DIEs in file order (roots in order, each subtree in DIE order), so
 * keys arrive increasing: a sorted key array searched by bisection serves them without a hash table's growth
 * and per-entry cost. A key out of order (not seen in practice) goes to a map, which wins on lookup, so a
 * key added twice finds its last item as with a map alone.
 */
class ByKey<T> {
  private readonly keys = new NumVec();
  private readonly items: T[] = [];
  private late: Map<DieKey, T> | undefined;

  add(key: DieKey, item: T): void {
    const k = this.keys;
    if (k.n === 0 || k.a[k.n - 1]! < key) {
      k.push(key);
      this.items.push(item);
    } else {
      this.late ??= new Map();
      this.late.set(key, item);
    }
  }

  get(key: DieKey): T | undefined {
    if (this.late !== undefined) {
      const v = this.late.get(key);
      if (v !== undefined) return v;
    }
    const a = this.keys.a;
    let lo = 0;
    let hi = this.keys.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.keys.n && a[lo] === key ? this.items[lo] : undefined;
  }
}

export class SubprogramCollector {
  readonly subprograms: RawSubprogram[] = [];
  readonly variables: RawVariable[] = [];
  private readonly byKey = new ByKey<RawSubprogram>();
  private readonly varByKey = new ByKey<RawVariable>();
  private readonly paramByKey = new ByKey<RawParam>();
  /** Scratch result of `firstRange`. */
  private readonly range: RangeStart = { start: 0n, section: -1 };
  base = 0;
  fileName: (index: number) => string | undefined = () => undefined;

  constructor(
    private readonly types: TypeCollector,
    private readonly ranges: RangeReader,
    private readonly lookup: DieLookup,
  ) {}

  /** A reference to another DIE of this file as a key; NONE for type signatures and supplementary files. */
  private ref(r: DieReader, i: number): DieKey {
    const off = r.ref(i);
    if (off === REF_SIGNATURE || off === REF_EXTERNAL) return NONE;
    return this.base + off;
  }

  /** DW_TAG_subprogram. `listed` is false for member function declarations inside a class. */
  onSubprogram(r: DieReader, listed: boolean): RawSubprogram {
    const sp: RawSubprogram = {
      key: this.base + r.offset,
      id: undefined,
      name: undefined,
      linkageName: undefined,
      flags: listed ? LISTED : 0,
      returns: NONE,
      params: NO_PARAMS,
      locals: NO_PARAMS,
      lowPc: undefined,
      highPc: undefined,
      section: -1,
      origin: NONE,
      spec: NONE,
      inlined: NO_INLINED,
      file: undefined,
      line: 0,
    };
    let highIndex = -1;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          sp.name = r.str(i);
          break;
        case DW_AT.linkage_name:
        case DW_AT.MIPS_linkage_name:
          sp.linkageName = r.str(i);
          break;
        case DW_AT.external:
          sp.flags = withFlag(sp.flags, EXTERNAL, r.flag(i));
          break;
        case DW_AT.declaration:
          sp.flags = withFlag(sp.flags, DECLARATION, r.flag(i));
          break;
        case DW_AT.inline:
          // Whatever its value (GCC writes DW_INL_declared_not_inlined on C++ constructors), DW_AT_inline
          // marks an abstract instance root: the code, if any, is in concrete instances and inlined copies.
          sp.flags |= INLINE;
          break;
        case DW_AT.type:
          sp.returns = this.types.typeRef(r, i);
          sp.flags |= HAS_TYPE;
          break;
        case DW_AT.prototyped:
          sp.flags = withFlag(sp.flags, PROTOTYPED, r.flag(i));
          break;
        case DW_AT.low_pc:
          if (r.isAddress(i)) {
            sp.lowPc = r.address(i);
            sp.section = r.addrSection;
          }
          break;
        case DW_AT.high_pc:
          highIndex = i;
          break;
        case DW_AT.ranges:
          if (sp.lowPc === undefined) {
            const first = this.range;
            if (this.ranges.firstRange(r, i, first)) {
              sp.lowPc = first.start;
              sp.section = first.section;
            }
          }
          break;
        case DW_AT.abstract_origin:
          sp.origin = this.ref(r, i);
          break;
        case DW_AT.specification:
          sp.spec = this.ref(r, i);
          break;
        case DW_AT.decl_file:
          if (r.isConstant(i)) sp.file = this.fileName(r.udata(i));
          break;
        case DW_AT.decl_line:
          if (r.isConstant(i)) sp.line = r.udata(i);
          break;
      }
    }
    if (highIndex >= 0) {
      // DWARF 4+ writes high_pc as a length from low_pc (a constant form); DWARF 2/3 as an address.
      if (r.isAddress(highIndex)) sp.highPc = r.address(highIndex);
      else if (sp.lowPc !== undefined && r.isConstant(highIndex)) {
        const length = r.udata(highIndex);
        // In numbers while exact (always, in practice): one BigInt instead of two, and a shared one for the
        // small values of function-per-section objects.
        const low = sp.lowPc <= 0x1f_ffff_ffff_ffffn ? Number(sp.lowPc) : -1;
        const high = low + length;
        sp.highPc = low >= 0 && high <= Number.MAX_SAFE_INTEGER ? toBigInt(high) : sp.lowPc + BigInt(length);
      }
    }
    this.subprograms.push(sp);
    this.byKey.add(sp.key, sp);
    return sp;
  }

  /** DW_TAG_formal_parameter directly inside a subprogram. */
  onParam(r: DieReader, sp: RawSubprogram): void {
    const p = this.readParam(r);
    if (sp.params.length >= MAX_PER_SUBPROGRAM) r.sec.fail("limit-exceeded", "too many parameters", r.offset);
    sp.params = append(sp.params, p);
    this.paramByKey.add(this.base + r.offset, p);
  }

  private readParam(r: DieReader): RawParam {
    const p: RawParam = { name: undefined, type: NONE, origin: NONE };
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          p.name = r.str(i);
          break;
        case DW_AT.type:
          p.type = this.types.typeRef(r, i);
          break;
        case DW_AT.abstract_origin:
          p.origin = this.ref(r, i);
          break;
      }
    }
    return p;
  }

  onInlined(r: DieReader, sp: RawSubprogram): void {
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
    if (sp.inlined.length >= MAX_PER_SUBPROGRAM)
      r.sec.fail("limit-exceeded", "too many inlined calls", r.offset);
    sp.inlined = append(sp.inlined, { origin, file, line });
  }

  /**
   * DW_TAG_variable. `scope` is the enclosing subprogram for variables inside functions (then only static
   * locals, the ones with a fixed address, are variables; the rest are locals); `listed` is false for static
   * data members declared inside a class.
   */
  onVariable(r: DieReader, scope: RawSubprogram | undefined, listed: boolean): void {
    // Read into the scratch: most variables inside functions are locals, which keep three fields of it.
    const v = this.scratchVar;
    v.key = this.base + r.offset;
    v.name = undefined;
    v.linkageName = undefined;
    v.type = NONE;
    v.flags = listed ? LISTED : 0;
    v.scope = scope;
    v.address = undefined;
    v.section = -1;
    v.spec = NONE;
    v.origin = NONE;
    v.file = undefined;
    v.line = 0;
    const attrs = r.attrs;
    for (let i = 0; i < r.count; i++) {
      switch (attrs[i]!) {
        case DW_AT.name:
          v.name = r.str(i);
          break;
        case DW_AT.linkage_name:
        case DW_AT.MIPS_linkage_name:
          v.linkageName = r.str(i);
          break;
        case DW_AT.type:
          v.type = this.types.typeRef(r, i);
          break;
        case DW_AT.external:
          v.flags = withFlag(v.flags, EXTERNAL, r.flag(i));
          break;
        case DW_AT.declaration:
          v.flags = withFlag(v.flags, DECLARATION, r.flag(i));
          break;
        case DW_AT.specification:
          v.spec = this.ref(r, i);
          break;
        case DW_AT.abstract_origin:
          v.origin = this.ref(r, i);
          break;
        case DW_AT.location:
          if (r.block(i)) this.staticLocation(r, v);
          break;
        case DW_AT.decl_file:
          if (r.isConstant(i)) v.file = this.fileName(r.udata(i));
          break;
        case DW_AT.decl_line:
          if (r.isConstant(i)) v.line = r.udata(i);
          break;
      }
    }
    if (scope !== undefined && v.address === undefined) {
      // An automatic variable: a local of the function, not a variable of the object.
      if (scope.locals.length >= MAX_PER_SUBPROGRAM)
        r.sec.fail("limit-exceeded", "too many local variables", r.offset);
      const p: RawParam = { name: v.name, type: v.type, origin: v.origin };
      scope.locals = append(scope.locals, p);
      this.paramByKey.add(v.key, p);
      v.scope = undefined;
      return;
    }
    const made: RawVariable = {
      key: v.key,
      name: v.name,
      linkageName: v.linkageName,
      type: v.type,
      flags: v.flags,
      scope: v.scope,
      address: v.address,
      section: v.section,
      spec: v.spec,
      origin: v.origin,
      file: v.file,
      line: v.line,
    };
    v.scope = undefined;
    this.variables.push(made);
    this.varByKey.add(made.key, made);
  }

  /** The variable `onVariable` is reading (its scope let go of between reads). */
  private readonly scratchVar: Mutable<RawVariable> = {
    key: NONE,
    name: undefined,
    linkageName: undefined,
    type: NONE,
    flags: 0,
    scope: undefined,
    address: undefined,
    section: -1,
    spec: NONE,
    origin: NONE,
    file: undefined,
    line: 0,
  };

  /** Reads a fixed address out of a location expression: DW_OP_addr, DW_OP_addrx, or a TLS offset. */
  private staticLocation(r: DieReader, v: Mutable<RawVariable>): void {
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
      v.address = sec.address(start + 1, as);
      v.section = sec.lastSection;
    } else if (op === DW_OP.addrx || op === DW_OP.GNU_addr_index) {
      let idx = 0;
      let mul = 1;
      for (let p = start + 1, k = 0; p < start + len && k < 10; p++, k++) {
        const byte = r.bytes[p]!;
        idx += (byte & 0x7f) * mul;
        mul *= 128;
        if (byte < 0x80) break;
      }
      v.address = r.addrx(idx, start);
      v.section = r.addrSection;
    } else if ((op === DW_OP.const4u || op === DW_OP.const8u) && len >= (op === DW_OP.const4u ? 6 : 10)) {
      // Thread-local: DW_OP_const<n>u <offset in the TLS block> DW_OP_(GNU_push_tls_address|form_tls_address).
      const w = op === DW_OP.const4u ? 4 : 8;
      const next = r.bytes[start + 1 + w]!;
      if (next === DW_OP.GNU_push_tls_address || next === DW_OP.form_tls_address) {
        v.address = sec.address(start + 1, w);
        v.section = sec.lastSection;
      }
    }
  }

  onVariadic(sp: RawSubprogram): void {
    // In an unprototyped C function, DW_TAG_unspecified_parameters means "unknown", not `...`. C++ functions
    // are always prototyped but DWARF omits the attribute for them.
    sp.flags = withFlag(sp.flags, VARIADIC, (sp.flags & PROTOTYPED) !== 0 || this.cxx);
  }

  /** True while reading a C++ unit (set per unit by the walker). */
  cxx = false;

  private checkRef(key: DieKey, from: DieKey): void {
    if (key >= 0 && !this.lookup.isDie(key)) {
      this.lookup.fail(
        from,
        `DIE ${this.lookup.hex(from)} refers to ${this.lookup.hex(key)}, which is not the start of a DIE`,
      );
    }
  }

  /** The public id of a raw subprogram, made once however many things refer to it. */
  private idOf(sp: RawSubprogram): string {
    sp.id ??= this.lookup.idOf(sp.key);
    return sp.id;
  }

  /** Merges abstract origins and specifications into the public subprograms and variables. */
  finish(): { subprograms: SubprogramRecord[]; variables: VariableRecord[] } {
    const types = this.types;
    // Declarations that a later DIE completes (DW_AT_specification) are not listed on their own. Marked in
    // their flags (a key names one DIE, read once) rather than in sets of keys as large as the lists.
    // Every reference must name a DIE, and no chain of them may loop, whether or not the DIE is listed.
    for (let k = 0; k < this.subprograms.length; k++) {
      const sp = this.subprograms[k]!;
      this.checkRef(sp.origin, sp.key);
      this.checkRef(sp.spec, sp.key);
      if (sp.spec >= 0) this.complete(sp.spec);
      if (sp.origin >= 0 || sp.spec >= 0) this.chain(sp);
    }
    for (let k = 0; k < this.variables.length; k++) {
      const v = this.variables[k]!;
      this.checkRef(v.origin, v.key);
      this.checkRef(v.spec, v.key);
      if (v.spec >= 0) this.complete(v.spec);
      if (v.origin >= 0 || v.spec >= 0) this.varChain(v);
    }
    // Abstract instances that have a concrete copy (out of line, or a C++ constructor variant) are listed
    // through that copy.
    for (let k = 0; k < this.subprograms.length; k++) {
      const origin = this.subprograms[k]!.origin;
      if (origin < 0) continue;
      const abstract = this.byKey.get(origin);
      if (abstract !== undefined) abstract.flags |= CONCRETE;
    }

    const subprograms: SubprogramRecord[] = [];
    for (let k = 0; k < this.subprograms.length; k++) {
      const sp = this.subprograms[k]!;
      if ((sp.flags & LISTED) === 0 || (sp.flags & COMPLETED) !== 0) continue;
      // An abstract instance (with DW_AT_inline, or a C++ constructor's out-of-class DIE without it) whose
      // code exists as a concrete instance is listed through that instance.
      if (sp.lowPc === undefined && (sp.flags & CONCRETE) !== 0) continue;
      let name = sp.name;
      let linkageName = sp.linkageName;
      // EXTERNAL, INLINE and VARIADIC of the subprogram or anything along its chain.
      let inherited = sp.flags;
      let typed: RawSubprogram | undefined = sp.flags & HAS_TYPE ? sp : undefined;
      let withFile: RawSubprogram | undefined = sp.file !== undefined ? sp : undefined;
      let withParams = sp;
      if (sp.origin >= 0 || sp.spec >= 0) {
        const n = this.chain(sp);
        const chain = this.chainItems;
        // Parameters: an out-of-line copy of an inline function may drop optimised-away parameters, so the
        // declared list comes from the abstract instance when there is one.
        let paramsFound = sp.origin < 0;
        for (let j = 0; j < n; j++) {
          const c = chain[j]!;
          name ??= c.name;
          linkageName ??= c.linkageName;
          inherited |= c.flags & (EXTERNAL | INLINE | VARIADIC);
          if (typed === undefined && c.flags & HAS_TYPE) typed = c;
          if (withFile === undefined && c.file !== undefined) withFile = c;
          if (!paramsFound && c !== sp && c.params.length > 0) {
            withParams = c;
            paramsFound = true;
          }
        }
      }
      // In this order: resolving a type reference may fail or add a placeholder type.
      const params = this.params(withParams.params, sp.key);
      const locals = this.params(sp.locals, sp.key);
      const inlined = this.inlinedCalls(sp.inlined, sp.key);
      const out = new SubprogramRecord({
        // The id's string when something made it already, else its offset (spelled when read).
        id: sp.id ?? this.lookup.compactIdOf(sp.key),
        name: name ?? "",
        linkageName,
        external: (inherited & EXTERNAL) !== 0,
        declaration: (sp.flags & DECLARATION) !== 0,
        inline: sp.lowPc === undefined && (inherited & INLINE) !== 0,
        returns: typed ? types.idOf(typed.returns, typed.key) : undefined,
        params,
        variadic: (inherited & VARIADIC) !== 0,
        locals,
        section: sp.lowPc !== undefined && sp.section >= 0 ? sp.section : undefined,
        lowPc: sp.lowPc,
        highPc: sp.highPc,
        inlined,
        file: withFile?.file,
        line: withFile && withFile.line > 0 ? withFile.line : undefined,
      });
      subprograms.push(out);
    }

    const variables: VariableRecord[] = [];
    for (let k = 0; k < this.variables.length; k++) {
      const v = this.variables[k]!;
      if ((v.flags & LISTED) === 0 || (v.flags & COMPLETED) !== 0) continue;
      let name = v.name;
      let linkageName = v.linkageName;
      let external = (v.flags & EXTERNAL) !== 0;
      let typed: RawVariable | undefined = v.type < 0 ? undefined : v;
      let withFile: RawVariable | undefined = v.file !== undefined ? v : undefined;
      if (v.origin >= 0 || v.spec >= 0) {
        const n = this.varChain(v);
        const chain = this.varChainItems;
        for (let j = 0; j < n; j++) {
          const c = chain[j]!;
          name ??= c.name;
          linkageName ??= c.linkageName;
          external ||= (c.flags & EXTERNAL) !== 0;
          if (typed === undefined && c.type >= 0) typed = c;
          if (withFile === undefined && c.file !== undefined) withFile = c;
        }
      }
      const out = new VariableRecord({
        id: this.lookup.compactIdOf(v.key),
        name: name ?? "",
        linkageName,
        type: typed ? types.idOf(typed.type, typed.key) : undefined,
        external,
        declaration: (v.flags & DECLARATION) !== 0,
        scope: v.scope === undefined ? undefined : this.idOf(v.scope),
        section: v.address !== undefined && v.section >= 0 ? v.section : undefined,
        address: v.address,
        file: withFile?.file,
        line: withFile && withFile.line > 0 ? withFile.line : undefined,
      });
      variables.push(out);
    }
    return { subprograms, variables };
  }

  /** Marks the subprogram or variable with key `key` as completed by a later DIE. */
  private complete(key: DieKey): void {
    const sp = this.byKey.get(key);
    if (sp !== undefined) sp.flags |= COMPLETED;
    const v = this.varByKey.get(key);
    if (v !== undefined) v.flags |= COMPLETED;
  }

  /** What `chain` and `varChain` find, read before the next call (at most MAX_CHAIN entries). */
  private readonly chainItems: RawSubprogram[] = [];
  private readonly varChainItems: RawVariable[] = [];

  /**
   * The subprogram and everything it inherits from (abstract origin, specification), breadth first, into
   * `chainItems`; returns how many. A count rather than a new array or `length = 0`, which drops the
   * array's storage: this runs for every concrete instance, twice.
   */
  private chain(sp: RawSubprogram): number {
    return this.follow(sp, this.chainItems, this.byKey, true, SUBPROGRAM_CHAIN);
  }

  /** Like `chain`, for variables (into `varChainItems`; the specification first). */
  private varChain(v: RawVariable): number {
    return this.follow(v, this.varChainItems, this.varByKey, false, VARIABLE_CHAIN);
  }

  /** `chain` and `varChain`: `start` and what it inherits from into `out`, refusing cycles and long chains. */
  private follow<T extends Inheriting>(
    start: T,
    out: T[],
    byKey: ByKey<T>,
    originFirst: boolean,
    say: ChainMessages,
  ): number {
    out[0] = start;
    let n = 1;
    for (let k = 0; k < n; k++) {
      const c = out[k]!;
      n = this.link(start, out, n, byKey, originFirst ? c.origin : c.spec, say);
      n = this.link(start, out, n, byKey, originFirst ? c.spec : c.origin, say);
    }
    return n;
  }

  /**
   * Appends the DIE `ref` names (when it is one of `byKey`'s) to `start`'s chain of `n` so far, refusing a
   * cycle and a chain too long; returns the new count.
   */
  private link<T extends Inheriting>(
    start: T,
    out: T[],
    n: number,
    byKey: ByKey<T>,
    ref: DieKey,
    say: ChainMessages,
  ): number {
    if (ref < 0) return n;
    const t = byKey.get(ref);
    if (!t) return n; // refers to something of another kind: nothing to inherit
    for (let i = 0; i < n; i++) {
      if (out[i] === t) this.lookup.fail(start.key, say.cycle(this.lookup.hex(start.key)), "dwarf-cycle");
    }
    if (n >= MAX_CHAIN) this.lookup.fail(start.key, say.tooLong(this.lookup.hex(start.key)), "dwarf-cycle");
    out[n] = t;
    return n + 1;
  }

  /**
   * Short lists of parameters or locals made so far, as a trie on their (shared) entries: functions of one
   * signature (`(struct ctx *ctx)`) get one list. Longer lists seldom repeat, and a trie over them would cost
   * more while reading than sharing them saves. Shared lists are frozen.
   */
  private readonly lists: ListNode = { list: undefined, next: undefined };

  /** The public list of raw parameters or locals (the shared empty list for none). */
  private params(raw: readonly RawParam[], from: DieKey): readonly Parameter[] {
    const n = raw.length;
    if (n === 0) return EMPTY;
    if (n > MAX_SHARED_LIST) {
      const out: Parameter[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = this.param(raw[i]!, from);
      return out;
    }
    const p0 = this.param(raw[0]!, from);
    let node = childOf(this.lists, p0);
    if (n === 1) {
      node.list ??= Object.freeze([p0]);
      return node.list;
    }
    const p1 = this.param(raw[1]!, from);
    node = childOf(node, p1);
    node.list ??= Object.freeze([p0, p1]);
    return node.list;
  }

  /**
   * Parameters and locals by type index and name, shared: the same few (`ctx` of type `struct ctx *`) recur
   * across thousands of functions. Per type index, the first one alone, or a map by name once a second name
   * comes; type index -1 stands for no type.
   */
  private readonly sharedParams = new Map<number, Parameter | Map<string, Parameter>>();

  /** A parameter or local with the name and type of its abstract origin filled in. */
  private param(p: RawParam, from: DieKey): Parameter {
    let name = p.name;
    let type = p.type;
    let cur: RawParam | undefined = p;
    for (let hops = 0; cur && cur.origin >= 0 && (name === undefined || type < 0); hops++) {
      if (hops >= MAX_CHAIN) break;
      cur = this.paramByKey.get(cur.origin);
      if (!cur) break;
      name ??= cur.name;
      if (type < 0) type = cur.type;
    }
    const n = name ?? "";
    const ti = this.types.indexOf(type, from);
    const shared = this.sharedParams.get(ti);
    if (shared === undefined) {
      const q: Parameter = { name: n, type: ti < 0 ? undefined : this.types.idAt(ti) };
      this.sharedParams.set(ti, q);
      return q;
    }
    if (shared instanceof Map) {
      const hit = shared.get(n);
      if (hit !== undefined) return hit;
      const q: Parameter = { name: n, type: ti < 0 ? undefined : this.types.idAt(ti) };
      shared.set(n, q);
      return q;
    }
    if (shared.name === n) return shared;
    const q: Parameter = { name: n, type: shared.type };
    this.sharedParams.set(
      ti,
      new Map([
        [shared.name, shared],
        [n, q],
      ]),
    );
    return q;
  }

  /**
   * Inlined calls already made, by callee key: one function inlined into another that is itself inlined in
   * many places leaves a copy of the same call (callee, file, line) in each of them.
   */
  private readonly sharedCalls = new Map<DieKey, InlinedCall[]>();

  private inlinedCalls(raw: readonly RawInlined[], from: DieKey): readonly InlinedCall[] {
    if (raw.length === 0) return EMPTY;
    const out: InlinedCall[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = this.inlinedCall(raw[i]!, from);
    return out;
  }

  private inlinedCall(c: RawInlined, from: DieKey): InlinedCall {
    let callee = "";
    let calleeId: string | undefined;
    let sp: RawSubprogram | undefined;
    if (c.origin >= 0) {
      this.checkRef(c.origin, from);
      sp = this.byKey.get(c.origin);
      if (sp) {
        callee = sp.name ?? this.chainName(sp);
        calleeId = this.idOf(sp);
      }
    }
    const line = c.line > 0 ? c.line : undefined;
    if (sp === undefined) return { callee, calleeId, file: c.file, line };
    // Equal calls share one object (the model is read-only); the fields of a shared call are its own.
    let list = this.sharedCalls.get(sp.key);
    if (list === undefined) {
      list = [];
      this.sharedCalls.set(sp.key, list);
    }
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      if (x.file === c.file && x.line === line && x.callee === callee) return x;
    }
    const made: InlinedCall = { callee, calleeId, file: c.file, line };
    if (list.length < MAX_SHARED_CALLS) list.push(made);
    return made;
  }

  /** The first name along a subprogram's chain, or "". */
  private chainName(sp: RawSubprogram): string {
    const n = this.chain(sp);
    const chain = this.chainItems;
    for (let i = 0; i < n; i++) {
      const name = chain[i]!.name;
      if (name !== undefined) return name;
    }
    return "";
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
