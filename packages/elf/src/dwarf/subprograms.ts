import { DW_AT, DW_FORM, DW_OP } from "./constants.js";
import { type DieReader, REF_EXTERNAL, REF_SIGNATURE } from "./forms.js";
import type { InlinedCall, Parameter, Subprogram, Variable } from "./model.js";
import type { DebugSection } from "./relocate.js";
import type { DieKey, DieLookup, TypeCollector } from "./types.js";

/**
 * Collects subprograms, their parameters, locals and inlined calls, and global/static variables while the DIE
 * walker visits them. Abstract instances, concrete out-of-line instances (DW_AT_abstract_origin) and C++
 * definitions of declared members (DW_AT_specification) each carry part of the picture, possibly in DIEs that
 * come later in the file, so `finish()` merges them once everything has been read, following each chain
 * iteratively with a bound.
 */

interface RawParam {
  name: string | undefined;
  /** DIE key of the type, or NaN. */
  type: DieKey;
  /** DIE key of the abstract origin, or NaN. */
  origin: DieKey;
}

interface RawInlined {
  readonly origin: DieKey;
  readonly file: string | undefined;
  readonly line: number;
}

export interface RawSubprogram {
  readonly key: DieKey;
  name: string | undefined;
  linkageName: string | undefined;
  external: boolean;
  declaration: boolean;
  inline: boolean;
  /** DIE key of the return type; NaN for none (void) or when DW_AT_type is absent. */
  returns: DieKey;
  hasType: boolean;
  params: RawParam[];
  variadic: boolean;
  prototyped: boolean;
  locals: RawParam[];
  lowPc: bigint | undefined;
  highPc: bigint | undefined;
  section: number;
  origin: DieKey;
  spec: DieKey;
  inlined: RawInlined[];
  file: string | undefined;
  line: number;
  /** False for member function declarations inside a class: they are only there to be referred to. */
  listed: boolean;
}

interface RawVariable {
  readonly key: DieKey;
  name: string | undefined;
  linkageName: string | undefined;
  type: DieKey;
  external: boolean;
  declaration: boolean;
  scope: DieKey;
  address: bigint | undefined;
  section: number;
  spec: DieKey;
  origin: DieKey;
  file: string | undefined;
  line: number;
  listed: boolean;
}

/** Bound on DW_AT_abstract_origin / DW_AT_specification chains (real ones are 1-3 long). */
const MAX_CHAIN = 32;
/** Bound on parameters, locals and inlined calls per subprogram. */
const MAX_PER_SUBPROGRAM = 1_000_000;

export interface RangeReader {
  /** The first address range of DW_AT_ranges: its start and the section it was relocated against. */
  firstRange(r: DieReader, i: number): { start: bigint; section: number } | undefined;
}

const NONE = Number.NaN;

export class SubprogramCollector {
  readonly subprograms: RawSubprogram[] = [];
  readonly variables: RawVariable[] = [];
  private readonly byKey = new Map<DieKey, RawSubprogram>();
  private readonly varByKey = new Map<DieKey, RawVariable>();
  private readonly paramByKey = new Map<DieKey, RawParam>();
  base = 0;
  fileName: (index: number) => string | undefined = () => undefined;

  constructor(
    private readonly types: TypeCollector,
    private readonly ranges: RangeReader,
    private readonly lookup: DieLookup,
  ) {}

  /** A reference to another DIE of this file as a key; NaN for type signatures and supplementary files. */
  private ref(r: DieReader, i: number): DieKey {
    const off = r.ref(i);
    if (off === REF_SIGNATURE || off === REF_EXTERNAL) return NONE;
    return this.base + off;
  }

  /** DW_TAG_subprogram. `listed` is false for member function declarations inside a class. */
  onSubprogram(r: DieReader, listed: boolean): RawSubprogram {
    const sp: RawSubprogram = {
      key: this.base + r.offset,
      name: undefined,
      linkageName: undefined,
      external: false,
      declaration: false,
      inline: false,
      returns: NONE,
      hasType: false,
      params: [],
      variadic: false,
      prototyped: false,
      locals: [],
      lowPc: undefined,
      highPc: undefined,
      section: -1,
      origin: NONE,
      spec: NONE,
      inlined: [],
      file: undefined,
      line: 0,
      listed,
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
          sp.external = r.flag(i);
          break;
        case DW_AT.declaration:
          sp.declaration = r.flag(i);
          break;
        case DW_AT.inline:
          // Whatever its value (GCC writes DW_INL_declared_not_inlined on C++ constructors), DW_AT_inline
          // marks an abstract instance root: the code, if any, is in concrete instances and inlined copies.
          sp.inline = true;
          break;
        case DW_AT.type:
          sp.returns = this.types.typeRef(r, i);
          sp.hasType = true;
          break;
        case DW_AT.prototyped:
          sp.prototyped = r.flag(i);
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
            const first = this.ranges.firstRange(r, i);
            if (first) {
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
      else if (sp.lowPc !== undefined && r.isConstant(highIndex))
        sp.highPc = sp.lowPc + BigInt(r.udata(highIndex));
    }
    this.subprograms.push(sp);
    this.byKey.set(sp.key, sp);
    return sp;
  }

  /** DW_TAG_formal_parameter directly inside a subprogram. */
  onParam(r: DieReader, sp: RawSubprogram): void {
    const p = this.readParam(r);
    if (sp.params.length >= MAX_PER_SUBPROGRAM) r.sec.fail("limit-exceeded", "too many parameters", r.offset);
    sp.params.push(p);
    this.paramByKey.set(this.base + r.offset, p);
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
    sp.inlined.push({ origin, file, line });
  }

  /**
   * DW_TAG_variable. `scope` is the enclosing subprogram for variables inside functions (then only static
   * locals, the ones with a fixed address, are variables; the rest are locals); `listed` is false for static
   * data members declared inside a class.
   */
  onVariable(r: DieReader, scope: RawSubprogram | undefined, listed: boolean): void {
    const v: RawVariable = {
      key: this.base + r.offset,
      name: undefined,
      linkageName: undefined,
      type: NONE,
      external: false,
      declaration: false,
      scope: scope?.key ?? NONE,
      address: undefined,
      section: -1,
      spec: NONE,
      origin: NONE,
      file: undefined,
      line: 0,
      listed,
    };
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
          v.external = r.flag(i);
          break;
        case DW_AT.declaration:
          v.declaration = r.flag(i);
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
      scope.locals.push(p);
      this.paramByKey.set(v.key, p);
      return;
    }
    this.variables.push(v);
    this.varByKey.set(v.key, v);
  }

  /** Reads a fixed address out of a location expression: DW_OP_addr, DW_OP_addrx, or a TLS offset. */
  private staticLocation(r: DieReader, v: RawVariable): void {
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
    sp.variadic = sp.prototyped || this.cxx;
  }

  /** True while reading a C++ unit (set per unit by the walker). */
  cxx = false;

  private checkRef(key: DieKey, from: DieKey): void {
    if (!Number.isNaN(key) && !this.lookup.isDie(key)) {
      this.lookup.fail(
        from,
        `DIE ${this.lookup.hex(from)} refers to ${this.lookup.hex(key)}, which is not the start of a DIE`,
      );
    }
  }

  /** Merges abstract origins and specifications into the public subprograms and variables. */
  finish(): { subprograms: Subprogram[]; variables: Variable[] } {
    const types = this.types;
    // Declarations that a later DIE completes (DW_AT_specification) are not listed on their own.
    const completed = new Set<DieKey>();
    // Every reference must name a DIE, and no chain of them may loop, whether or not the DIE is listed.
    for (const sp of this.subprograms) {
      this.checkRef(sp.origin, sp.key);
      this.checkRef(sp.spec, sp.key);
      if (!Number.isNaN(sp.spec)) completed.add(sp.spec);
      if (!Number.isNaN(sp.origin) || !Number.isNaN(sp.spec)) this.chain(sp);
    }
    for (const v of this.variables) {
      this.checkRef(v.origin, v.key);
      this.checkRef(v.spec, v.key);
      if (!Number.isNaN(v.spec)) completed.add(v.spec);
      if (!Number.isNaN(v.origin) || !Number.isNaN(v.spec)) this.varChain(v);
    }
    // Abstract instances that have a concrete copy (out of line, or a C++ constructor variant) are listed
    // through that copy.
    const concrete = new Set<DieKey>();
    for (const sp of this.subprograms) if (!Number.isNaN(sp.origin)) concrete.add(sp.origin);

    // Output objects are literals with every field present (undefined when absent), so they share one shape.
    const subprograms: Subprogram[] = [];
    for (const sp of this.subprograms) {
      if (!sp.listed || completed.has(sp.key)) continue;
      // An abstract instance (with DW_AT_inline, or a C++ constructor's out-of-class DIE without it) whose
      // code exists as a concrete instance is listed through that instance.
      if (sp.lowPc === undefined && concrete.has(sp.key)) continue;
      let name = sp.name;
      let linkageName = sp.linkageName;
      let external = sp.external;
      let inline = sp.inline;
      let variadic = sp.variadic;
      let typed: RawSubprogram | undefined = sp.hasType ? sp : undefined;
      let withFile: RawSubprogram | undefined = sp.file !== undefined ? sp : undefined;
      let withParams = sp;
      if (!Number.isNaN(sp.origin) || !Number.isNaN(sp.spec)) {
        const chain = this.chain(sp);
        // Parameters: an out-of-line copy of an inline function may drop optimised-away parameters, so the
        // declared list comes from the abstract instance when there is one.
        let paramsFound = Number.isNaN(sp.origin);
        for (const c of chain) {
          name ??= c.name;
          linkageName ??= c.linkageName;
          external ||= c.external;
          inline ||= c.inline;
          variadic ||= c.variadic;
          if (typed === undefined && c.hasType) typed = c;
          if (withFile === undefined && c.file !== undefined) withFile = c;
          if (!paramsFound && c !== sp && c.params.length > 0) {
            withParams = c;
            paramsFound = true;
          }
        }
      }
      const params: Parameter[] = new Array(withParams.params.length);
      for (let i = 0; i < params.length; i++) params[i] = this.param(withParams.params[i]!, sp.key);
      const locals: Parameter[] = new Array(sp.locals.length);
      for (let i = 0; i < locals.length; i++) locals[i] = this.param(sp.locals[i]!, sp.key);
      const inlined: InlinedCall[] = new Array(sp.inlined.length);
      for (let i = 0; i < inlined.length; i++) inlined[i] = this.inlinedCall(sp.inlined[i]!, sp.key);
      const out: Mutable<Subprogram> = {
        id: this.lookup.idOf(sp.key),
        name: name ?? "",
        linkageName,
        external,
        declaration: sp.declaration,
        inline: sp.lowPc === undefined && inline,
        returns: typed ? types.idOf(typed.returns, typed.key) : undefined,
        params,
        variadic,
        locals,
        section: sp.lowPc !== undefined && sp.section >= 0 ? sp.section : undefined,
        lowPc: sp.lowPc,
        highPc: sp.highPc,
        inlined,
        file: withFile?.file,
        line: withFile && withFile.line > 0 ? withFile.line : undefined,
        symbol: undefined,
      };
      subprograms.push(out);
    }

    const variables: Variable[] = [];
    for (const v of this.variables) {
      if (!v.listed || completed.has(v.key)) continue;
      let name = v.name;
      let linkageName = v.linkageName;
      let external = v.external;
      let typed: RawVariable | undefined = Number.isNaN(v.type) ? undefined : v;
      let withFile: RawVariable | undefined = v.file !== undefined ? v : undefined;
      if (!Number.isNaN(v.origin) || !Number.isNaN(v.spec)) {
        for (const c of this.varChain(v)) {
          name ??= c.name;
          linkageName ??= c.linkageName;
          external ||= c.external;
          if (typed === undefined && !Number.isNaN(c.type)) typed = c;
          if (withFile === undefined && c.file !== undefined) withFile = c;
        }
      }
      const out: Mutable<Variable> = {
        id: this.lookup.idOf(v.key),
        name: name ?? "",
        linkageName,
        type: typed ? types.idOf(typed.type, typed.key) : undefined,
        external,
        declaration: v.declaration,
        scope: Number.isNaN(v.scope) ? undefined : this.lookup.idOf(v.scope),
        section: v.address !== undefined && v.section >= 0 ? v.section : undefined,
        address: v.address,
        file: withFile?.file,
        line: withFile && withFile.line > 0 ? withFile.line : undefined,
        symbol: undefined,
      };
      variables.push(out);
    }
    return { subprograms, variables };
  }

  /** The subprogram and everything it inherits from (abstract origin, specification), breadth first. */
  private chain(sp: RawSubprogram): RawSubprogram[] {
    const out: RawSubprogram[] = [sp];
    for (let k = 0; k < out.length; k++) {
      const c = out[k]!;
      for (const ref of [c.origin, c.spec]) {
        if (Number.isNaN(ref)) continue;
        const t = this.byKey.get(ref);
        if (!t) continue; // refers to something that is not a subprogram: nothing to inherit
        if (out.includes(t)) {
          this.lookup.fail(
            sp.key,
            `DW_AT_abstract_origin/DW_AT_specification of DIE ${this.lookup.hex(sp.key)} form a cycle`,
            "dwarf-cycle",
          );
        }
        if (out.length >= MAX_CHAIN) {
          this.lookup.fail(
            sp.key,
            `DW_AT_abstract_origin/DW_AT_specification chain of DIE ${this.lookup.hex(sp.key)} is too long`,
            "dwarf-cycle",
          );
        }
        out.push(t);
      }
    }
    return out;
  }

  private varChain(v: RawVariable): RawVariable[] {
    const out: RawVariable[] = [v];
    for (let k = 0; k < out.length; k++) {
      const c = out[k]!;
      for (const ref of [c.spec, c.origin]) {
        if (Number.isNaN(ref)) continue;
        const t = this.varByKey.get(ref);
        if (!t) continue;
        if (out.includes(t)) {
          this.lookup.fail(
            v.key,
            `DW_AT_specification of variable DIE ${this.lookup.hex(v.key)} forms a cycle`,
            "dwarf-cycle",
          );
        }
        if (out.length >= MAX_CHAIN) {
          this.lookup.fail(
            v.key,
            `DW_AT_specification chain of DIE ${this.lookup.hex(v.key)} is too long`,
            "dwarf-cycle",
          );
        }
        out.push(t);
      }
    }
    return out;
  }

  /** A parameter or local with the name and type of its abstract origin filled in. */
  private param(p: RawParam, from: DieKey): Parameter {
    let name = p.name;
    let type = p.type;
    let cur: RawParam | undefined = p;
    for (
      let hops = 0;
      cur && !Number.isNaN(cur.origin) && (name === undefined || Number.isNaN(type));
      hops++
    ) {
      if (hops >= MAX_CHAIN) break;
      cur = this.paramByKey.get(cur.origin);
      if (!cur) break;
      name ??= cur.name;
      if (Number.isNaN(type)) type = cur.type;
    }
    return { name: name ?? "", type: this.types.idOf(type, from) };
  }

  private inlinedCall(c: RawInlined, from: DieKey): InlinedCall {
    let callee = "";
    let calleeId: string | undefined;
    if (!Number.isNaN(c.origin)) {
      this.checkRef(c.origin, from);
      const sp = this.byKey.get(c.origin);
      if (sp) {
        callee = sp.name ?? this.chain(sp).find((x) => x.name !== undefined)?.name ?? "";
        calleeId = this.lookup.idOf(c.origin);
      }
    }
    return { callee, calleeId, file: c.file, line: c.line > 0 ? c.line : undefined };
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads the start of the first range of a DW_AT_ranges list (DWARF 2-4 `.debug_ranges`, DWARF 5 `.debug_rnglists`). */
export function firstRangeStart(
  r: DieReader,
  i: number,
  ranges: DebugSection,
  rnglists: DebugSection,
  unitLowPc: bigint,
  rnglistsBase: number,
): { start: bigint; section: number } | undefined {
  const u = r.unit;
  const as = u.addressSize;
  if (u.version < 5) {
    if (r.form(i) !== DW_FORM.sec_offset && !r.isConstant(i)) return undefined;
    let at = r.udata(i);
    let base = unitLowPc;
    for (let k = 0; k < 1_000_000; k++, at += 2 * as) {
      if (at + 2 * as > ranges.length) return undefined;
      const startRaw = ranges.address(at, as);
      const section = ranges.lastSection;
      const end = ranges.address(at + as, as);
      if (startRaw === 0n && end === 0n && section < 0) return undefined;
      const max = as === 8 ? 0xffffffffffffffffn : (1n << BigInt(as * 8)) - 1n;
      if (startRaw === max) {
        base = end;
        continue;
      }
      if (startRaw === end && section < 0) continue; // empty range
      return { start: section >= 0 ? startRaw : base + startRaw, section };
    }
    return undefined;
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
  for (let k = 0; k < 1_000_000; k++) {
    if (at >= rnglists.length) return undefined;
    const kind = rnglists.u8(at++);
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
    switch (kind) {
      case 0: // DW_RLE_end_of_list
        return undefined;
      case 1: // base_addressx
        base = r.addrx(uleb(), at);
        baseSection = r.addrSection;
        break;
      case 2: // startx_endx
      case 3: {
        // startx_length
        const start = r.addrx(uleb(), at);
        return { start, section: r.addrSection };
      }
      case 4: {
        // offset_pair
        const s = uleb();
        uleb();
        return { start: base + BigInt(s), section: baseSection };
      }
      case 5: // base_address
        base = rnglists.address(at, as);
        baseSection = rnglists.lastSection;
        at += as;
        break;
      case 6: // start_end
      case 7: {
        // start_length
        const start = rnglists.address(at, as);
        return { start, section: rnglists.lastSection };
      }
      default:
        return rnglists.fail("bad-dwarf", `unknown range list entry kind ${kind}`, at - 1);
    }
  }
  return undefined;
}
