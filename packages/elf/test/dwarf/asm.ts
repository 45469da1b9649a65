/**
 * A tiny DWARF assembler for tests: abbreviation tables, units and DIEs as bytes, wrapped in a relocatable ELF
 * by the ELF test writer. Each malformed-input test starts from `baseline()`, a well-formed unit, and breaks one
 * thing.
 */
import { buildElf, type SectionSpec } from "../build-elf.js";

export const AT = {
  name: 0x03,
  byte_size: 0x0b,
  bit_size: 0x0d,
  count: 0x37,
  upper_bound: 0x2f,
  data_member_location: 0x38,
  encoding: 0x3e,
  type: 0x49,
  abstract_origin: 0x31,
  specification: 0x47,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  low_pc: 0x11,
  declaration: 0x3c,
} as const;

export const FORM = {
  addr: 0x01,
  data1: 0x0b,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  udata: 0x0f,
  sdata: 0x0d,
  strp: 0x0e,
  ref4: 0x13,
  ref_addr: 0x10,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  flag_present: 0x19,
  strx1: 0x25,
  addrx1: 0x29,
  ref_sig8: 0x20,
} as const;

export const TAG = {
  compile_unit: 0x11,
  base_type: 0x24,
  structure_type: 0x13,
  member: 0x0d,
  pointer_type: 0x0f,
  typedef: 0x16,
  array_type: 0x01,
  subrange_type: 0x21,
  subprogram: 0x2e,
  variable: 0x34,
  const_type: 0x26,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

export function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}
export function u64(n: number): number[] {
  return [...u32(n % 0x1_0000_0000), ...u32(Math.floor(n / 0x1_0000_0000))];
}
export function cstr(s: string): number[] {
  return [...new TextEncoder().encode(s), 0];
}

/** One abbreviation: code, tag, children?, [attribute, form] pairs. */
export type AbbrevSpec = [code: number, tag: number, children: boolean, attrs: [number, number][]];

export function abbrevTable(list: AbbrevSpec[]): number[] {
  const out: number[] = [];
  for (const [code, tag, children, attrs] of list) {
    out.push(...uleb(code), ...uleb(tag), children ? 1 : 0);
    for (const [a, f] of attrs) out.push(...uleb(a), ...uleb(f));
    out.push(0, 0);
  }
  out.push(0);
  return out;
}

export interface UnitOptions {
  version?: number;
  unitType?: number;
  addressSize?: number;
  abbrevOffset?: number;
  /** Overrides unit_length (the real one is computed). */
  length?: number;
  /** 64-bit DWARF. */
  dwarf64?: boolean;
}

/** A DWARF 5 (or 2-4) unit header followed by `dies`. */
export function unit(dies: number[], o: UnitOptions = {}): number[] {
  const version = o.version ?? 5;
  const as = o.addressSize ?? 8;
  const abbrev = o.abbrevOffset ?? 0;
  const off = (n: number): number[] => (o.dwarf64 ? u64(n) : u32(n));
  const after: number[] = [...u16(version)];
  if (version >= 5) after.push(o.unitType ?? 1, as, ...off(abbrev));
  else after.push(...off(abbrev), as);
  after.push(...dies);
  const length = o.length ?? after.length;
  return o.dwarf64 ? [0xff, 0xff, 0xff, 0xff, ...u64(length), ...after] : [...u32(length), ...after];
}

/** An x86-64 relocatable ELF holding the given debug sections (no relocations). */
export function elfWith(sections: Record<string, number[]>): Uint8Array {
  const specs: SectionSpec[] = Object.entries(sections).map(([name, data]) => ({
    name,
    type: 1,
    data: new Uint8Array(data),
  }));
  return buildElf({ sections: specs }).bytes;
}

/**
 * A well-formed unit: a compile unit holding `int`, `struct s { int a; int *p; }` and a pointer type, with the
 * DIE offsets the tests patch. Offsets are from the start of .debug_info.
 */
export function baseline(): { info: number[]; abbrev: number[]; str: number[]; at: Record<string, number> } {
  const abbrev = abbrevTable([
    [1, TAG.compile_unit, true, [[AT.name, FORM.string]]],
    [
      2,
      TAG.base_type,
      false,
      [
        [AT.name, FORM.string],
        [AT.byte_size, FORM.data1],
        [AT.encoding, FORM.data1],
      ],
    ],
    [
      3,
      TAG.structure_type,
      true,
      [
        [AT.name, FORM.strp],
        [AT.byte_size, FORM.data1],
      ],
    ],
    [
      4,
      TAG.member,
      false,
      [
        [AT.name, FORM.string],
        [AT.type, FORM.ref4],
        [AT.data_member_location, FORM.data1],
      ],
    ],
    [5, TAG.pointer_type, false, [[AT.type, FORM.ref4]]],
  ]);
  const str = cstr("a_long_struct_name");
  const header = 12; // DWARF 5, 32-bit: length 4, version 2, unit type 1, address size 1, abbrev offset 4
  const dies: number[] = [];
  const at: Record<string, number> = {};
  const mark = (name: string): void => {
    at[name] = header + dies.length;
  };
  mark("cu");
  dies.push(1, ...cstr("t.c"));
  mark("int");
  dies.push(2, ...cstr("int"), 4, 5);
  mark("struct");
  dies.push(3, ...u32(0), 16);
  mark("memberA");
  dies.push(4, ...cstr("a"), ...u32(0), 0); // type patched below
  mark("memberP");
  dies.push(4, ...cstr("p"), ...u32(0), 8);
  dies.push(0); // end of struct's children
  mark("pointer");
  dies.push(5, ...u32(0));
  dies.push(0); // end of the unit's children
  const info = unit(dies);
  // Unit-relative references (DW_FORM_ref4 counts from the unit header).
  setU32(info, at.memberA! + 1 + 2, at.int!);
  setU32(info, at.memberP! + 1 + 2, at.pointer!);
  setU32(info, at.pointer! + 1, at.int!);
  return { info, abbrev, str, at };
}

export function setU32(bytes: number[], at: number, v: number): void {
  bytes.splice(at, 4, ...u32(v));
}
