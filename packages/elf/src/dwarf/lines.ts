import { DW_FORM, DW_LNCT, DW_LNE, DW_LNS } from "./constants.js";
import { Cursor, stringAt } from "./leb.js";
import type { DebugSection } from "./relocate.js";

/** One file of a line table's file list. */
export interface LineFile {
  /** The name as written in the table. */
  readonly name: string;
  /** Its directory, as written (may be relative to the compilation directory). */
  readonly dir: string;
  /** `dir/name`, or `name` when it is absolute or its directory is the compilation directory. */
  readonly path: string;
}

export interface LineHeader {
  readonly offset: number;
  readonly end: number;
  readonly version: number;
  readonly offsetSize: number;
  readonly addressSize: number;
  readonly minInstLength: number;
  readonly maxOps: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardLengths: readonly number[];
  readonly dirs: readonly string[];
  readonly files: readonly LineFile[];
  /** Index of the first entry of `files`: 0 in DWARF 5, 1 before (where 0 means "no file"). */
  readonly fileBase: number;
  readonly programStart: number;
}

export interface LineRow {
  /** The address (section-relative in relocatable files; see `section`). */
  readonly address: bigint;
  /** The ELF section of the sequence's DW_LNE_set_address relocation, or -1. */
  readonly section: number;
  /** Index into the header's file list, in the table's own numbering (see `fileBase`). */
  readonly file: number;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly endSequence: boolean;
}

export interface StringSections {
  readonly str: DebugSection;
  readonly lineStr: DebugSection;
}

/** Directories or files per table beyond which the table is refused. */
const MAX_ENTRIES = 1_000_000;

/**
 * Reads the header of the line number program at `offset` of `.debug_line` (DWARF 2-5): its parameters and the
 * directory and file lists, which `DW_AT_decl_file` and `DW_AT_call_file` index.
 */
export function readLineHeader(
  sec: DebugSection,
  offset: number,
  strings: StringSections,
  unitAddressSize: number,
  /** File paths seen so far, to share one string per path across the units that list it. */
  paths?: Map<string, string>,
): LineHeader {
  if (offset < 0 || offset >= sec.length)
    sec.fail(
      "bad-dwarf",
      `line table offset 0x${offset.toString(16)} is outside ${sec.name}`,
      Math.max(0, Math.min(offset, sec.length)),
    );
  const c = new Cursor(sec, offset, sec.length);
  let length = c.u32();
  let offsetSize = 4;
  if (length === 0xffffffff) {
    offsetSize = 8;
    length = c.u64();
  } else if (length >= 0xfffffff0) {
    sec.fail("bad-dwarf", `line table unit_length 0x${length.toString(16)} is a reserved value`, offset);
  }
  const end = c.pos + length;
  if (end > sec.length || !Number.isSafeInteger(end))
    sec.fail("bad-dwarf", `line table unit_length ${length} runs past the end of ${sec.name}`, offset);
  c.end = end;
  const version = c.u16();
  if (version < 2 || version > 5) sec.fail("bad-dwarf", `unsupported line table version ${version}`, offset);
  let addressSize = unitAddressSize;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment_selector_size
    if (addressSize !== 1 && addressSize !== 2 && addressSize !== 4 && addressSize !== 8) {
      sec.fail("bad-dwarf", `line table address size ${addressSize} is not 1, 2, 4 or 8`, offset);
    }
  }
  const headerLength = c.uN(offsetSize);
  const programStart = c.pos + headerLength;
  if (programStart > end) sec.fail("bad-dwarf", "line table header_length runs past the table", offset);
  const minInstLength = c.u8();
  const maxOps = version >= 4 ? c.u8() : 1;
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = (c.u8() << 24) >> 24;
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) sec.fail("bad-dwarf", "line table line_range is 0", offset);
  const standardLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(c.u8());
  c.end = programStart;
  const dirs: string[] = [];
  const rawFiles: { name: string; dir: number }[] = [];
  if (version >= 5) {
    const readEntries = (what: string, files: boolean): void => {
      const formatCount = c.u8();
      const types: number[] = [];
      const forms: number[] = [];
      for (let i = 0; i < formatCount; i++) {
        types.push(c.uleb());
        forms.push(c.uleb());
      }
      const count = c.uleb();
      if (count > MAX_ENTRIES) sec.fail("limit-exceeded", `line table has ${count} ${what}`, c.pos);
      // An entry that names a path or a directory takes a byte at least: more entries than the header has
      // bytes left is a count it cannot hold (entries of zero-size forms alone say nothing, a million times).
      if (count > c.end - c.pos)
        sec.fail("bad-dwarf", `line table lists ${count} ${what} in ${c.end - c.pos} bytes`, c.pos);
      for (let k = 0; k < count; k++) {
        let path = "";
        let dir = 0;
        for (let i = 0; i < formatCount; i++) {
          const type = types[i]!;
          const form = forms[i]!;
          if (type === DW_LNCT.path) path = lineString(c, form, offsetSize, strings);
          else if (type === DW_LNCT.directory_index) dir = lineNumber(c, form, offsetSize);
          else skipLineForm(c, form, offsetSize);
        }
        if (files) rawFiles.push({ name: path, dir });
        else dirs.push(path);
      }
    };
    readEntries("directories", false);
    readEntries("files", true);
  } else {
    dirs.push(""); // directory 0: the compilation directory
    for (;;) {
      const d = c.cstring();
      if (d === "") break;
      if (dirs.length > MAX_ENTRIES) sec.fail("limit-exceeded", "line table has too many directories", c.pos);
      dirs.push(d);
    }
    for (;;) {
      const name = c.cstring();
      if (name === "") break;
      const dir = c.uleb();
      c.uleb(); // mtime
      c.uleb(); // length
      if (rawFiles.length > MAX_ENTRIES) sec.fail("limit-exceeded", "line table has too many files", c.pos);
      rawFiles.push({ name, dir });
    }
  }
  const files = rawFiles.map((f) => {
    const dir = dirs[f.dir] ?? "";
    // Directory 0 is the compilation directory: names relative to it are kept as they are.
    let path = f.name.startsWith("/") || f.dir === 0 || dir === "" ? f.name : joinPath(dir, f.name);
    if (paths !== undefined) {
      const seen = paths.get(path);
      if (seen === undefined) paths.set(path, path);
      else path = seen;
    }
    return { name: f.name, dir, path };
  });
  return {
    offset,
    end,
    version,
    offsetSize,
    addressSize,
    minInstLength,
    maxOps,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardLengths,
    dirs,
    files,
    fileBase: version >= 5 ? 0 : 1,
    programStart,
  };
}

function joinPath(dir: string, name: string): string {
  const d = dir.endsWith("/") ? dir.slice(0, -1) : dir;
  // A join, not `+`: it makes one flat string, where `+` makes a pair (dir, name) that V8 flattens into a
  // second copy the first time the path is compared or hashed, and the model keeps the path of every DIE.
  return d === "." ? name : [d, name].join("/");
}

function lineString(c: Cursor, form: number, offsetSize: number, s: StringSections): string {
  switch (form) {
    case DW_FORM.string:
      return c.cstring();
    case DW_FORM.line_strp:
      return stringAt(s.lineStr, c.offset(offsetSize));
    case DW_FORM.strp:
      return stringAt(s.str, c.offset(offsetSize));
    default:
      skipLineForm(c, form, offsetSize);
      return "";
  }
}

function lineNumber(c: Cursor, form: number, offsetSize: number): number {
  switch (form) {
    case DW_FORM.data1:
      return c.u8();
    case DW_FORM.data2:
      return c.u16();
    case DW_FORM.data4:
      return c.u32();
    case DW_FORM.data8:
      return c.u64();
    case DW_FORM.udata:
      return c.uleb();
    default:
      skipLineForm(c, form, offsetSize);
      return 0;
  }
}

/** Skips a value of a form allowed in DWARF 5 line table entry formats. */
function skipLineForm(c: Cursor, form: number, offsetSize: number): void {
  switch (form) {
    case DW_FORM.string:
      c.cstring();
      return;
    case DW_FORM.line_strp:
    case DW_FORM.strp:
    case DW_FORM.sec_offset:
      c.skip(offsetSize);
      return;
    case DW_FORM.strx:
    case DW_FORM.udata:
    case DW_FORM.sdata:
      c.uleb();
      return;
    case DW_FORM.strx1:
    case DW_FORM.data1:
      c.skip(1);
      return;
    case DW_FORM.strx2:
    case DW_FORM.data2:
      c.skip(2);
      return;
    case DW_FORM.strx3:
      c.skip(3);
      return;
    case DW_FORM.strx4:
    case DW_FORM.data4:
      c.skip(4);
      return;
    case DW_FORM.data8:
      c.skip(8);
      return;
    case DW_FORM.data16:
      c.skip(16);
      return;
    case DW_FORM.block:
      c.skip(c.uleb());
      return;
    default:
      c.sec.fail("bad-dwarf", `unsupported form 0x${form.toString(16)} in a line table entry format`, c.pos);
  }
}

/** Rows per line program beyond which the program is refused (each row takes at least one byte anyway). */
const MAX_ROWS = 50_000_000;

/**
 * Runs the line number program of a table: the rows of the (address → file, line) matrix. `DW_LNE_set_address`
 * operands are relocated, so in a relocatable file each sequence's addresses are section-relative and `section`
 * tells which section.
 */
export function runLineProgram(sec: DebugSection, h: LineHeader): LineRow[] {
  const c = new Cursor(sec, h.programStart, h.end);
  const rows: LineRow[] = [];
  let address = 0n;
  let section = -1;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = h.defaultIsStmt;
  const maxOps = Math.max(1, h.maxOps);
  const reset = (): void => {
    address = 0n;
    section = -1;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = h.defaultIsStmt;
  };
  const emit = (end: boolean): void => {
    if (rows.length >= MAX_ROWS)
      sec.fail("limit-exceeded", `line program has more than ${MAX_ROWS} rows`, c.pos);
    rows.push({ address, section, file, line, column, isStmt, endSequence: end });
  };
  const advance = (opAdvance: number): void => {
    if (maxOps === 1) {
      address += BigInt(h.minInstLength * opAdvance);
    } else {
      const total = opIndex + opAdvance;
      address += BigInt(h.minInstLength * Math.floor(total / maxOps));
      opIndex = total % maxOps;
    }
  };
  while (!c.atEnd) {
    const op = c.u8();
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      advance(Math.floor(adj / h.lineRange));
      line += h.lineBase + (adj % h.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb();
        const start = c.pos;
        if (len === 0) break;
        c.need(len);
        const sub = c.u8();
        if (sub === DW_LNE.end_sequence) {
          emit(true);
          reset();
        } else if (sub === DW_LNE.set_address) {
          const size = len - 1;
          if (size === 1 || size === 2 || size === 4 || size === 8) {
            address = sec.address(c.pos, size);
            section = sec.lastSection;
          }
          opIndex = 0;
        }
        // define_file, set_discriminator and vendor opcodes: skipped by their length.
        c.pos = start + len;
        break;
      }
      case DW_LNS.copy:
        emit(false);
        break;
      case DW_LNS.advance_pc: {
        const at = c.pos;
        // The operand may be a relocated ULEB128 (RISC-V SET_ULEB128/SUB_ULEB128 pairs).
        const raw = c.uleb();
        advance(sec.isRelocated(at) ? sec.relocatedValue(at) : raw);
        break;
      }
      case DW_LNS.advance_line:
        line += c.sleb();
        break;
      case DW_LNS.set_file:
        file = c.uleb();
        break;
      case DW_LNS.set_column:
        column = c.uleb();
        break;
      case DW_LNS.negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS.set_basic_block:
      case DW_LNS.set_prologue_end:
      case DW_LNS.set_epilogue_begin:
        break;
      case DW_LNS.const_add_pc:
        advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
        break;
      case DW_LNS.fixed_advance_pc: {
        // A 2-byte operand, relocated on RISC-V and LoongArch (ADD16/SUB16 pairs).
        const at = c.pos;
        c.need(2);
        const v = sec.offset(at, 2);
        c.pos += 2;
        address += BigInt(v);
        opIndex = 0;
        break;
      }
      case DW_LNS.set_isa:
        c.uleb();
        break;
      default: {
        // An opcode this version does not define: skip its ULEB128 operands as the header says.
        const n = h.standardLengths[op - 1] ?? 0;
        for (let i = 0; i < n; i++) c.uleb();
      }
    }
  }
  return rows;
}
