import { type AbbrevTable, readAbbrevTable } from "./abbrev.js";
import { DW_UT } from "./constants.js";
import { Cursor } from "./leb.js";
import type { DebugSection } from "./relocate.js";

/** The debug sections a reader needs besides the unit's own; absent ones are empty. */
export interface DebugSections {
  readonly abbrev: DebugSection;
  readonly str: DebugSection;
  readonly lineStr: DebugSection;
  readonly strOffsets: DebugSection;
  readonly addr: DebugSection;
  readonly line: DebugSection;
  /** Abbreviation tables by offset, shared by the units that name the same one. */
  readonly abbrevCache: Map<number, AbbrevTable>;
}

/** A unit header (compile, type, partial, skeleton or split unit) and the values its root DIE sets for the rest. */
export interface Unit {
  readonly sec: DebugSection;
  /** Which info section (0 = the first `.debug_info`) the unit lives in; part of every id. */
  readonly ordinal: number;
  readonly offset: number;
  /** Offset just past the unit. */
  readonly end: number;
  /** Offset of the first (root) DIE. */
  readonly dieOffset: number;
  readonly version: number;
  readonly unitType: number;
  readonly offsetSize: 4 | 8;
  readonly addressSize: number;
  readonly abbrevOffset: number;
  readonly abbrevs: AbbrevTable;
  /** Type units: the signature and the section offset of the type DIE. */
  readonly typeSignature?: bigint;
  readonly typeOffset?: number;
  /** From the root DIE (DW_AT_str_offsets_base, DW_AT_addr_base): defaults follow the DWARF 5 header sizes. */
  strOffsetsBase: number;
  addrBase: number;
}

/** Units per section beyond which the input is refused (each takes at least 11 bytes anyway). */
const MAX_UNITS = 10_000_000;

/**
 * Reads every unit header of an info section (`.debug_info`, or `.debug_types` when `isTypes`).
 * Refuses a `unit_length` that runs past the section or uses a reserved value, an unknown version or unit
 * type, an address size other than 1/2/4/8, and an abbreviation offset outside `.debug_abbrev`.
 */
export function readUnits(sec: DebugSection, ordinal: number, isTypes: boolean, s: DebugSections): Unit[] {
  const units: Unit[] = [];
  let at = 0;
  while (at < sec.length) {
    if (units.length >= MAX_UNITS) sec.fail("limit-exceeded", `more than ${MAX_UNITS} units`, at);
    const c = new Cursor(sec, at, sec.length);
    let length = c.u32();
    let offsetSize: 4 | 8 = 4;
    if (length === 0xffffffff) {
      offsetSize = 8;
      length = c.u64();
    } else if (length >= 0xfffffff0) {
      sec.fail("bad-dwarf", `unit_length 0x${length.toString(16)} is a reserved value`, at);
    }
    const end = c.pos + length;
    if (end > sec.length || !Number.isSafeInteger(end)) {
      sec.fail(
        "bad-dwarf",
        `unit_length ${length} runs past the end of ${sec.name} (size ${sec.length})`,
        at,
      );
    }
    c.end = end;
    const version = c.u16();
    if (version < 2 || version > 5 || (isTypes && version > 4)) {
      sec.fail("bad-dwarf", `unsupported DWARF version ${version}`, at + (offsetSize === 8 ? 12 : 4));
    }
    let unitType: number = isTypes ? DW_UT.type : DW_UT.compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = c.u8();
      addressSize = c.u8();
      abbrevOffset = c.offset(offsetSize);
      if (unitType < DW_UT.compile || unitType > DW_UT.split_type) {
        sec.fail("bad-dwarf", `unknown unit type 0x${unitType.toString(16)}`, at);
      }
    } else {
      abbrevOffset = c.offset(offsetSize);
      addressSize = c.u8();
    }
    if (addressSize !== 1 && addressSize !== 2 && addressSize !== 4 && addressSize !== 8) {
      sec.fail("bad-dwarf", `unit address size ${addressSize} is not 1, 2, 4 or 8`, at);
    }
    let typeSignature: bigint | undefined;
    let typeOffset: number | undefined;
    if (unitType === DW_UT.type || unitType === DW_UT.split_type) {
      typeSignature = c.u64big();
      const rel = c.uN(offsetSize);
      typeOffset = at + rel;
      if (rel === 0 || typeOffset >= end)
        sec.fail("bad-dwarf", `type unit's type_offset 0x${rel.toString(16)} is outside the unit`, at);
    } else if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) {
      c.skip(8); // dwo_id
    }
    const dieOffset = c.pos;
    if (typeOffset !== undefined && typeOffset < dieOffset) {
      sec.fail("bad-dwarf", `type unit's type_offset points into its header`, at);
    }
    let abbrevs = s.abbrevCache.get(abbrevOffset);
    if (!abbrevs) {
      abbrevs = readAbbrevTable(s.abbrev, abbrevOffset);
      s.abbrevCache.set(abbrevOffset, abbrevs);
    }
    const headerBase = offsetSize === 8 ? 16 : 8;
    units.push({
      sec,
      ordinal,
      offset: at,
      end,
      dieOffset,
      version,
      unitType,
      offsetSize,
      addressSize,
      abbrevOffset,
      abbrevs,
      ...(typeSignature !== undefined ? { typeSignature, typeOffset } : {}),
      strOffsetsBase: version >= 5 ? headerBase : 0,
      addrBase: version >= 5 ? headerBase : 0,
    });
    at = end;
  }
  return units;
}
