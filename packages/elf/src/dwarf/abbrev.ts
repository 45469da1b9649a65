import { DW_FORM } from "./constants.js";
import { Cursor } from "./leb.js";
import type { DebugSection } from "./relocate.js";

/** One abbreviation declaration: the shape shared by every DIE that names its code. */
export interface Abbrev {
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  /** Attribute codes, in declaration order. */
  readonly attrs: Uint32Array;
  /** Forms, parallel to `attrs` (DW_FORM_indirect stays as is; the DIE holds the real form). */
  readonly forms: Uint32Array;
  /** DW_FORM_implicit_const values, parallel to `attrs` (0 for other forms). */
  readonly implicit: readonly bigint[] | undefined;
  /** True when any form is DW_FORM_indirect, so the reader must look at each value's own form. */
  readonly hasIndirect: boolean;
  /**
   * Reading plans, made on first use by the collectors: for each attribute a handler wants, its index in this
   * abbreviation (-1 when absent), so that a DIE is decoded without looping over the attributes it ignores.
   */
  memberPlan?: Int32Array;
  typePlan?: Int32Array;
}

/** The plan for `wanted` attributes of abbreviation `a` (see `Abbrev.memberPlan`). */
export function planFor(a: Abbrev, wanted: readonly number[]): Int32Array {
  const p = new Int32Array(wanted.length).fill(-1);
  for (let i = 0; i < a.attrs.length; i++) {
    const k = wanted.indexOf(a.attrs[i]!);
    if (k >= 0 && p[k]! < 0) p[k] = i;
  }
  return p;
}

/** Abbreviation codes are usually 1..n; a dense array serves those, a map the rest. */
const DENSE_LIMIT = 1 << 16;

export class AbbrevTable {
  readonly dense: (Abbrev | undefined)[] = [];
  readonly sparse = new Map<number, Abbrev>();
  count = 0;
  /** The most attributes any declaration has: the size of a DIE reader's scratch arrays. */
  maxAttrs = 0;

  get(code: number): Abbrev | undefined {
    return code < DENSE_LIMIT ? this.dense[code] : this.sparse.get(code);
  }

  /** Adds `a`, which has `attrCount` attributes; false when its code is taken. */
  add(a: Abbrev, attrCount = a.attrs.length): boolean {
    if (this.get(a.code) !== undefined) return false;
    if (attrCount > this.maxAttrs) this.maxAttrs = attrCount;
    if (a.code < DENSE_LIMIT) this.dense[a.code] = a;
    else this.sparse.set(a.code, a);
    this.count++;
    return true;
  }
}

/** Attributes per abbreviation beyond which the table is not plausible (real ones have a few dozen at most). */
const MAX_ATTRS = 4096;

/** Until a declaration's attributes are in the table's one array (see `parseAbbrevTable`). */
const NO_CODES = new Uint32Array(0);

/**
 * Tables parsed lately, with the bytes they were parsed from: the two objects of a diff, and the objects of one
 * build, mostly have equal tables, and a table's declarations cost some hundred bytes apiece to make. A table
 * is a function of its bytes and is never changed once made (its reading plans are functions of it too), so
 * files share it. Small tables only, and a few: what this keeps alive stays small.
 */
interface RecentTable {
  readonly bytes: Uint8Array;
  /** The table ran to the end of its section, without a terminating zero code. */
  readonly toSectionEnd: boolean;
  readonly table: AbbrevTable;
}
const RECENT = 8;
const MAX_RECENT_BYTES = 16384;
const recent: RecentTable[] = [];

function recentTable(sec: DebugSection, offset: number): AbbrevTable | undefined {
  const b = sec.bytes;
  for (let k = 0; k < recent.length; k++) {
    const t = recent[k]!;
    const tb = t.bytes;
    const n = tb.length;
    if (offset + n > b.length || (t.toSectionEnd && offset + n !== b.length)) continue;
    let i = 0;
    while (i < n && b[offset + i] === tb[i]) i++;
    if (i < n) continue;
    if (k > 0) {
      // Most recently used first.
      recent.splice(k, 1);
      recent.unshift(t);
    }
    return t.table;
  }
  return undefined;
}

/**
 * Parses the abbreviation table at `offset` of `.debug_abbrev`. Refuses an offset outside the section, zero or
 * duplicate codes inside the table (a zero code ends it), and declarations that run off the section.
 */
export function readAbbrevTable(sec: DebugSection, offset: number): AbbrevTable {
  if (offset < 0 || offset >= sec.length) {
    sec.fail(
      "bad-dwarf",
      `abbreviation table offset 0x${offset.toString(16)} is outside ${sec.name} (size ${sec.length})`,
      Math.max(0, Math.min(offset, sec.length)),
    );
  }
  const known = recentTable(sec, offset);
  if (known !== undefined) return known;
  const c = new Cursor(sec, offset, sec.length);
  const table = new AbbrevTable();
  const terminated = parseAbbrevTable(sec, c, table);
  if (c.pos - offset <= MAX_RECENT_BYTES) {
    if (recent.length >= RECENT) recent.pop();
    recent.unshift({ bytes: sec.bytes.slice(offset, c.pos), toSectionEnd: !terminated, table });
  }
  return table;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Parses declarations from `c` into `table` until a zero code or the section's end, leaving `c` after the
 * table; true when a zero code ended it.
 */
function parseAbbrevTable(sec: DebugSection, c: Cursor, table: AbbrevTable): boolean {
  let terminated = false;
  const attrs: number[] = [];
  const forms: number[] = [];
  const implicit: bigint[] = [];
  // Every declaration's attributes then its forms, end to end: one typed array for the table, of which each
  // declaration's `attrs` and `forms` are views (a typed array of its own apiece costs twice as much).
  const codes: number[] = [];
  const made: Mutable<Abbrev>[] = [];
  const starts: number[] = [];
  for (;;) {
    const at = c.pos;
    if (c.atEnd) break; // a table may end at the section end without its terminating zero
    const code = c.uleb();
    if (code === 0) {
      terminated = true;
      break;
    }
    const tag = c.uleb();
    if (tag === 0) sec.fail("bad-dwarf", `abbreviation ${code} has tag 0`, at);
    const children = c.u8();
    if (children > 1) sec.fail("bad-dwarf", `abbreviation ${code} has children flag ${children}`, at);
    attrs.length = 0;
    forms.length = 0;
    implicit.length = 0;
    let hasImplicit = false;
    let hasIndirect = false;
    for (;;) {
      const attr = c.uleb();
      const form = c.uleb();
      if (attr === 0 && form === 0) break;
      if (attr === 0 || form === 0)
        sec.fail(
          "bad-dwarf",
          `abbreviation ${code} has attribute 0x${attr.toString(16)} with form 0x${form.toString(16)}`,
          at,
        );
      if (attr > 0xffffffff || form > 0xffffffff)
        sec.fail("bad-dwarf", `abbreviation ${code} has an attribute or form code out of range`, at);
      if (attrs.length >= MAX_ATTRS)
        sec.fail("limit-exceeded", `abbreviation ${code} has more than ${MAX_ATTRS} attributes`, at);
      let value = 0n;
      if (form === DW_FORM.implicit_const) {
        value = c.slebBig();
        hasImplicit = true;
      }
      if (form === DW_FORM.indirect) hasIndirect = true;
      attrs.push(attr);
      forms.push(form);
      implicit.push(value);
    }
    const a: Mutable<Abbrev> = {
      code,
      tag,
      hasChildren: children === 1,
      attrs: NO_CODES,
      forms: NO_CODES,
      implicit: hasImplicit ? implicit.slice() : undefined,
      hasIndirect,
    };
    // `add` sizes the readers' scratch by the attribute count, before the views exist.
    if (!table.add(a, attrs.length)) sec.fail("bad-dwarf", `duplicate abbreviation code ${code}`, at);
    starts.push(codes.length);
    for (let i = 0; i < attrs.length; i++) codes.push(attrs[i]!);
    for (let i = 0; i < forms.length; i++) codes.push(forms[i]!);
    made.push(a);
  }
  const all = Uint32Array.from(codes);
  for (let k = 0; k < made.length; k++) {
    const a = made[k]!;
    const s = starts[k]!;
    const n = ((k + 1 < made.length ? starts[k + 1]! : all.length) - s) / 2;
    a.attrs = all.subarray(s, s + n);
    a.forms = all.subarray(s + n, s + 2 * n);
  }
  return terminated;
}
