/**
 * Differential-test helper: runs `llvm-readobj-19 --elf-output-style=JSON`, parses its output, and compares it
 * field by field with our `dump` JSON (`dumpElf` from packages/cli) for one object or every member of an archive.
 *
 * Every mapping between llvm-readobj's spelling and ours is an explicit table below. Every difference that is not
 * ours to fix is a named, commented quirk in `QUIRKS`, counted when it applies; anything else is a disagreement
 * that fails the test. Nothing is skipped silently.
 *
 * llvm-readobj's JSON output has two properties that `JSON.parse` cannot handle, hence the small parser here:
 *  - 64-bit values (addresses, symbol values, RELA addends such as 0xfffffffffffffffc for -4) are printed as
 *    plain JSON integers above 2^53; we keep them exact as bigint.
 *  - `Groups` is an object with one repeated key per group (`{"Group": {...}, "Group": {...}}`); we keep every
 *    value of a repeated key (`Dup`) instead of the last one.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { type ElfFile, openObjects, readElf } from "@elfdelta/elf";
import { describe, expect, it } from "vitest";
import { type DumpJson, dumpElf } from "../../cli/src/commands/dump.js";

// ---------------------------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------------------------

export const READOBJ = "llvm-readobj-19";
/** The Debian package that provides `llvm-readobj-19`. */
export const READOBJ_PACKAGE = "llvm-19";
export const READOBJ_FLAGS = [
  "--elf-output-style=JSON",
  "--sections",
  "--symbols",
  "--relocations",
  "--section-groups",
  // One object per relocation, with the symbol index (`Symbol.Value`) and, for RELA, the addend.
  "--expand-relocs",
];

/** Throws a message naming the Debian package when llvm-readobj-19 cannot be run. */
export function requireReadobj(): void {
  const r = spawnSync(READOBJ, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${READOBJ} is not installed (${r.error?.message ?? `exit ${r.status}`}): install the Debian package ` +
        `'${READOBJ_PACKAGE}' (scripts/setup.sh does)`,
    );
  }
}

/** Runs llvm-readobj on some paths (objects or archives) and returns its stdout: one JSON array of documents. */
export function runReadobj(
  paths: readonly string[],
  flags: readonly string[] = READOBJ_FLAGS,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(READOBJ, [...flags, ...paths], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) =>
      reject(new Error(`cannot run ${READOBJ}: ${e.message} (Debian package ${READOBJ_PACKAGE})`)),
    );
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString("utf8").trim();
      if (code !== 0 || stderr !== "") {
        reject(new Error(`${READOBJ} ${paths.join(" ")} exited ${code}: ${stderr.slice(0, 2000)}`));
      } else resolve(Buffer.concat(out));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// A JSON parser that keeps big integers exact and repeated keys
// ---------------------------------------------------------------------------------------------------------------

/** All values of a key that an object repeats (llvm-readobj's `Groups`). */
export class Dup {
  constructor(readonly values: unknown[]) {}
}

/**
 * A small recursive-descent JSON parser over the whole output decoded once as UTF-8 (llvm's JSON writer emits
 * valid UTF-8). About as fast as `JSON.parse` on llvm-readobj's output, which matters at 100+ MB per archive.
 */
export class JsonReader {
  pos = 0;
  readonly s: string;
  constructor(input: Uint8Array | string) {
    this.s =
      typeof input === "string"
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("utf8");
  }

  fail(what: string): never {
    const near = this.s.slice(Math.max(0, this.pos - 40), this.pos + 40);
    throw new Error(`llvm-readobj JSON: ${what} at character ${this.pos} near ${JSON.stringify(near)}`);
  }

  peek(): number {
    const s = this.s;
    let p = this.pos;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
    return p < s.length ? s.charCodeAt(p) : -1;
  }

  expect(c: number): void {
    if (this.peek() !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.pos++;
  }

  atEnd(): boolean {
    return this.peek() === -1;
  }

  value(): unknown {
    const c = this.peek();
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x6e: // n
        return this.literal("null", null);
      default:
        return this.number();
    }
  }

  literal<T>(text: string, v: T): T {
    if (!this.s.startsWith(text, this.pos)) this.fail(`bad literal, expected ${text}`);
    this.pos += text.length;
    return v;
  }

  object(): Record<string, unknown> {
    this.expect(0x7b);
    const o: Record<string, unknown> = {};
    if (this.peek() === 0x7d) {
      this.pos++;
      return o;
    }
    for (;;) {
      if (this.peek() !== 0x22) this.fail("expected a key");
      const k = this.string();
      this.expect(0x3a);
      const v = this.value();
      if (Object.hasOwn(o, k)) {
        const prev = o[k];
        if (prev instanceof Dup) prev.values.push(v);
        else o[k] = new Dup([prev, v]);
      } else o[k] = v;
      const c = this.peek();
      this.pos++;
      if (c === 0x7d) return o;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  array(): unknown[] {
    this.expect(0x5b);
    const a: unknown[] = [];
    if (this.peek() === 0x5d) {
      this.pos++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      const c = this.peek();
      this.pos++;
      if (c === 0x5d) return a;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  /** A string; the reader is on its opening quote. */
  string(): string {
    const s = this.s;
    const start = this.pos + 1;
    let p = start;
    for (;;) {
      if (p >= s.length) this.fail("unterminated string");
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return s.slice(start, p);
      }
      if (c === 0x5c) break;
      p++;
    }
    // Slow path: escapes.
    let out = s.slice(start, p);
    for (;;) {
      if (p >= s.length) this.fail("unterminated string");
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return out;
      }
      if (c !== 0x5c) {
        out += s[p];
        p++;
        continue;
      }
      const e = s[p + 1];
      p += 2;
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = s.slice(p, p + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          this.fail("bad escape");
      }
    }
  }

  /** An integer (number when exact, bigint above 2^53) or, should one appear, a float. */
  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let p = start;
    const neg = s.charCodeAt(p) === 0x2d;
    if (neg) p++;
    let v = 0;
    let digits = 0;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      digits++;
      p++;
    }
    if (digits === 0) this.fail("expected a value");
    const c = p < s.length ? s.charCodeAt(p) : -1;
    if (c === 0x2e || c === 0x65 || c === 0x45) {
      // A float: not expected from llvm-readobj, but parse it rather than misread it.
      while (p < s.length && /[0-9.eE+-]/.test(s[p]!)) p++;
      this.pos = p;
      return Number(s.slice(start, p));
    }
    this.pos = p;
    if (digits <= 15) return neg ? -v : v;
    const big = BigInt(s.slice(start, p));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }

  /** Calls `f` on each element of the top-level array without keeping them all in memory. */
  forEachItem(f: (item: unknown, i: number) => void): number {
    this.expect(0x5b);
    let i = 0;
    if (this.peek() === 0x5d) {
      this.pos++;
    } else {
      for (;;) {
        f(this.value(), i++);
        const c = this.peek();
        this.pos++;
        if (c === 0x5d) break;
        if (c !== 0x2c) {
          this.pos--;
          this.fail("expected ',' or ']'");
        }
      }
    }
    if (!this.atEnd()) this.fail("trailing data after the top-level array");
    return i;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// llvm-readobj's document, checked and normalised (plain checks: every field read is type-checked)
// ---------------------------------------------------------------------------------------------------------------

export interface RoSection {
  index: number;
  name: string;
  nameOffset: number;
  typeName: string;
  typeValue: number;
  flags: bigint;
  address: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
}

export interface RoSymbol {
  name: string;
  nameOffset: number;
  value: bigint;
  size: bigint;
  bindName: string;
  bindValue: number;
  typeName: string;
  typeValue: number;
  other: number;
  sectionName: string;
  sectionValue: number;
}

export interface RoRelocation {
  offset: bigint;
  typeName: string;
  typeValue: number;
  symbolName: string;
  symbolIndex: number;
  /** Absent for SHT_REL: llvm-readobj prints no addend for REL relocations (see `QUIRKS.relNoAddend`). */
  addend: bigint | undefined;
}

export interface RoGroup {
  name: string;
  index: number;
  link: number;
  info: number;
  typeName: string;
  typeValue: number;
  signature: string;
  members: { name: string; index: number }[];
}

export interface RoDoc {
  file: string;
  format: string;
  arch: string;
  addressSize: string;
  sections: RoSection[];
  symbols: RoSymbol[];
  relocations: { sectionIndex: number; relocs: RoRelocation[] }[];
  groups: RoGroup[];
}

class Shape {
  constructor(readonly where: string) {}
  err(path: string, what: string, v: unknown): never {
    const shown = typeof v === "bigint" ? `${v}n` : JSON.stringify(v)?.slice(0, 200);
    throw new Error(`llvm-readobj JSON for ${this.where}: ${path} ${what}, got ${shown}`);
  }
  obj(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Dup)
      this.err(path, "is not an object", v);
    return v as Record<string, unknown>;
  }
  arr(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.err(path, "is not an array", v);
    return v;
  }
  str(v: unknown, path: string): string {
    if (typeof v !== "string") this.err(path, "is not a string", v);
    return v;
  }
  int(v: unknown, path: string): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) this.err(path, "is not a safe integer", v);
    return v;
  }
  big(v: unknown, path: string): bigint {
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
    return this.err(path, "is not an integer", v);
  }
  named(v: unknown, path: string): { name: string; value: number } {
    const o = this.obj(v, path);
    return { name: this.str(o.Name, `${path}.Name`), value: this.int(o.Value, `${path}.Value`) };
  }
}

/** Checks and normalises one document of llvm-readobj's JSON array. */
export function readDoc(doc: unknown, where: string): RoDoc {
  const s = new Shape(where);
  const d = s.obj(doc, "document");
  const fs = s.obj(d.FileSummary, "FileSummary");
  const sections = s.arr(d.Sections, "Sections").map((x, i) => {
    const p = `Sections[${i}].Section`;
    const o = s.obj(s.obj(x, `Sections[${i}]`).Section, p);
    const name = s.named(o.Name, `${p}.Name`);
    const type = s.named(o.Type, `${p}.Type`);
    const flags = s.obj(o.Flags, `${p}.Flags`);
    const r: RoSection = {
      index: s.int(o.Index, `${p}.Index`),
      name: name.name,
      nameOffset: name.value,
      typeName: type.name,
      typeValue: type.value,
      flags: s.big(flags.Value, `${p}.Flags.Value`),
      address: s.big(o.Address, `${p}.Address`),
      offset: s.big(o.Offset, `${p}.Offset`),
      size: s.big(o.Size, `${p}.Size`),
      link: s.int(o.Link, `${p}.Link`),
      info: s.int(o.Info, `${p}.Info`),
      addralign: s.big(o.AddressAlignment, `${p}.AddressAlignment`),
      entsize: s.big(o.EntrySize, `${p}.EntrySize`),
    };
    return r;
  });
  const symbols = (d.Symbols === undefined ? [] : s.arr(d.Symbols, "Symbols")).map((x, i) => {
    const p = `Symbols[${i}].Symbol`;
    const o = s.obj(s.obj(x, `Symbols[${i}]`).Symbol, p);
    const name = s.named(o.Name, `${p}.Name`);
    const bind = s.named(o.Binding, `${p}.Binding`);
    const type = s.named(o.Type, `${p}.Type`);
    const sec = s.named(o.Section, `${p}.Section`);
    const r: RoSymbol = {
      name: name.name,
      nameOffset: name.value,
      value: s.big(o.Value, `${p}.Value`),
      size: s.big(o.Size, `${p}.Size`),
      bindName: bind.name,
      bindValue: bind.value,
      typeName: type.name,
      typeValue: type.value,
      other: s.int(s.obj(o.Other, `${p}.Other`).Value, `${p}.Other.Value`),
      sectionName: sec.name,
      sectionValue: sec.value,
    };
    return r;
  });
  const relocations = (d.Relocations === undefined ? [] : s.arr(d.Relocations, "Relocations")).map((x, i) => {
    const p = `Relocations[${i}]`;
    const o = s.obj(x, p);
    return {
      sectionIndex: s.int(o.SectionIndex, `${p}.SectionIndex`),
      relocs: s.arr(o.Relocs, `${p}.Relocs`).map((y, j) => {
        const q = `${p}.Relocs[${j}].Relocation`;
        const r = s.obj(s.obj(y, `${p}.Relocs[${j}]`).Relocation, q);
        const type = s.named(r.Type, `${q}.Type`);
        const sym = s.named(r.Symbol, `${q}.Symbol`);
        const rr: RoRelocation = {
          offset: s.big(r.Offset, `${q}.Offset`),
          typeName: type.name,
          typeValue: type.value,
          symbolName: sym.name,
          symbolIndex: sym.value,
          addend: r.Addend === undefined ? undefined : s.big(r.Addend, `${q}.Addend`),
        };
        return rr;
      }),
    };
  });
  // `Groups` is `{}` (none), `{"Group": {...}}` (one) or `{"Group": Dup[...]}` (several; see the file comment).
  const groupsObj = d.Groups === undefined ? {} : s.obj(d.Groups, "Groups");
  for (const k of Object.keys(groupsObj))
    if (k !== "Group") s.err("Groups", `has an unexpected key '${k}'`, groupsObj);
  const g = groupsObj.Group;
  const groupList = g === undefined ? [] : g instanceof Dup ? g.values : [g];
  const groups = groupList.map((x, i) => {
    const p = `Groups.Group[${i}]`;
    const o = s.obj(x, p);
    const type = s.named(o.Type, `${p}.Type`);
    const r: RoGroup = {
      name: s.named(o.Name, `${p}.Name`).name,
      index: s.int(o.Index, `${p}.Index`),
      link: s.int(o.Link, `${p}.Link`),
      info: s.int(o.Info, `${p}.Info`),
      typeName: type.name,
      typeValue: type.value,
      signature: s.str(o.Signature, `${p}.Signature`),
      members: s.arr(o.GroupSections, `${p}.GroupSections`).map((m, j) => {
        const mo = s.obj(m, `${p}.GroupSections[${j}]`);
        return {
          name: s.str(mo.Name, `${p}.GroupSections[${j}].Name`),
          index: s.int(mo.Index, `${p}.GroupSections[${j}].Index`),
        };
      }),
    };
    return r;
  });
  return {
    file: s.str(fs.File, "FileSummary.File"),
    format: s.str(fs.Format, "FileSummary.Format"),
    arch: s.str(fs.Arch, "FileSummary.Arch"),
    addressSize: s.str(fs.AddressSize, "FileSummary.AddressSize"),
    sections,
    symbols,
    relocations,
    groups,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Explicit name mappings: llvm-readobj's spelling -> ours
// ---------------------------------------------------------------------------------------------------------------

/** Section types: llvm-readobj prints `SHT_<name>`; our dump prints the name without the prefix. */
export const SECTION_TYPES: ReadonlyMap<string, string> = new Map([
  ["SHT_NULL", "NULL"],
  ["SHT_PROGBITS", "PROGBITS"],
  ["SHT_SYMTAB", "SYMTAB"],
  ["SHT_STRTAB", "STRTAB"],
  ["SHT_RELA", "RELA"],
  ["SHT_HASH", "HASH"],
  ["SHT_DYNAMIC", "DYNAMIC"],
  ["SHT_NOTE", "NOTE"],
  ["SHT_NOBITS", "NOBITS"],
  ["SHT_REL", "REL"],
  ["SHT_SHLIB", "SHLIB"],
  ["SHT_DYNSYM", "DYNSYM"],
  ["SHT_INIT_ARRAY", "INIT_ARRAY"],
  ["SHT_FINI_ARRAY", "FINI_ARRAY"],
  ["SHT_PREINIT_ARRAY", "PREINIT_ARRAY"],
  ["SHT_GROUP", "GROUP"],
  ["SHT_SYMTAB_SHNDX", "SYMTAB_SHNDX"],
  ["SHT_RELR", "RELR"],
  ["SHT_GNU_ATTRIBUTES", "GNU_ATTRIBUTES"],
  ["SHT_GNU_HASH", "GNU_HASH"],
  ["SHT_GNU_verdef", "GNU_verdef"],
  ["SHT_GNU_verneed", "GNU_verneed"],
  ["SHT_GNU_versym", "GNU_versym"],
  ["SHT_LLVM_ADDRSIG", "LLVM_ADDRSIG"],
  ["SHT_LLVM_DEPENDENT_LIBRARIES", "LLVM_DEPENDENT_LIBRARIES"],
  ["SHT_LLVM_LINKER_OPTIONS", "LLVM_LINKER_OPTIONS"],
  ["SHT_LLVM_CALL_GRAPH_PROFILE", "LLVM_CALL_GRAPH_PROFILE"],
  ["SHT_X86_64_UNWIND", "X86_64_UNWIND"],
  ["SHT_ARM_EXIDX", "ARM_EXIDX"],
  ["SHT_ARM_PREEMPTMAP", "ARM_PREEMPTMAP"],
  ["SHT_ARM_ATTRIBUTES", "ARM_ATTRIBUTES"],
  ["SHT_ARM_DEBUGOVERLAY", "ARM_DEBUGOVERLAY"],
  ["SHT_ARM_OVERLAYSECTION", "ARM_OVERLAYSECTION"],
  ["SHT_AARCH64_ATTRIBUTES", "AARCH64_ATTRIBUTES"],
  ["SHT_RISCV_ATTRIBUTES", "RISCV_ATTRIBUTES"],
  ["SHT_MIPS_REGINFO", "MIPS_REGINFO"],
  ["SHT_MIPS_OPTIONS", "MIPS_OPTIONS"],
  ["SHT_MIPS_DWARF", "MIPS_DWARF"],
  ["SHT_MIPS_ABIFLAGS", "MIPS_ABIFLAGS"],
]);

/** Symbol types: llvm-readobj's words -> our STT names. */
export const SYMBOL_TYPES: ReadonlyMap<string, string> = new Map([
  ["None", "NOTYPE"],
  ["Object", "OBJECT"],
  ["Function", "FUNC"],
  ["Section", "SECTION"],
  ["File", "FILE"],
  ["Common", "COMMON"],
  ["TLS", "TLS"],
  ["GNU_IFunc", "GNU_IFUNC"],
]);

/** Symbol bindings. */
export const SYMBOL_BINDS: ReadonlyMap<string, string> = new Map([
  ["Local", "LOCAL"],
  ["Global", "GLOBAL"],
  ["Weak", "WEAK"],
  ["Unique", "GNU_UNIQUE"],
]);

/** st_other & 3 -> our visibility (llvm-readobj prints the whole st_other as `Other.Value`). */
export const VISIBILITIES = ["DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"] as const;

/** Reserved symbol section indexes: llvm-readobj's `Section.Name` -> our `section`. */
export const SYMBOL_SECTIONS: ReadonlyMap<string, "UND" | "ABS" | "COMMON"> = new Map([
  ["Undefined", "UND"],
  ["Absolute", "ABS"],
  ["Common", "COMMON"],
]);

/** Group types: llvm-readobj's `Type.Name` for the group flags word. */
export const GROUP_TYPES: ReadonlyMap<string, boolean> = new Map([
  ["COMDAT", true],
  ["(unknown)", false],
]);

// ---------------------------------------------------------------------------------------------------------------
// Quirks: differences that are llvm-readobj's, each named, explained and counted
// ---------------------------------------------------------------------------------------------------------------

export const QUIRKS = {
  /**
   * llvm-readobj prints no `Addend` for SHT_REL relocations (i386, ARM, MIPS32); GNU `objdump -r` and `readelf -r`
   * of the cross binutils print none either (checked: they show only the symbol). So for REL sections we compare
   * our implicit addend with `independentImplicitAddend` below: a second decoder written in this file from the
   * psABI documents, reading the relocated field straight from the file at llvm-readobj's section offset (after
   * decompressing with node:zlib or the `zstd` CLI when the target is SHF_COMPRESSED), independent of the
   * reader's `arch/*` tables.
   */
  relNoAddend: "REL relocation: llvm-readobj prints no addend; checked against the independent decoder",
  /** Relocations against symbol 0 are printed with the symbol name "-". */
  relSymbolZeroDash: "relocation against symbol 0: llvm-readobj names it '-'",
  /** For a relocation against an STT_SECTION symbol, llvm-readobj prints the section's name as the symbol name. */
  relSectionSymbolName: "relocation against a section symbol: llvm-readobj prints the section's name",
  /**
   * llvm-readobj prints an STT_SECTION symbol's name as the name of its section (its `Name.Value`, the st_name
   * offset, is still the real one, 0). The contract's `name` is the string at st_name, "" for these.
   */
  sectionSymbolName: "STT_SECTION symbol with st_name 0: llvm-readobj prints its section's name",
} as const;
export type QuirkName = keyof typeof QUIRKS;

// ---------------------------------------------------------------------------------------------------------------
// An independent decoder of SHT_REL implicit addends (i386, ARM, MIPS32)
// ---------------------------------------------------------------------------------------------------------------

type Field =
  | "none"
  | "le8"
  | "le16"
  | "le32"
  | "le64"
  | "prel31"
  | "arm-b24"
  | "arm-imm16"
  | "arm-ldr12"
  | "thm-bl"
  | "thm-b19"
  | "thm-b11"
  | "thm-b8"
  | "thm-imm16"
  | "mips-16"
  | "mips-pc16"
  | "mips-26";

/**
 * Which field each REL relocation type patches, keyed by the type *name* llvm-readobj prints (so a wrong number
 * in our tables cannot hide here). From the i386 psABI, ARM's AAELF32 ("Static ARM relocations": the REL addend
 * of a data relocation is the word, of an instruction relocation the instruction's immediate field) and the
 * MIPS psABI. "le32" means a 32-bit word in the file's byte order (the name is historical: MIPS is big-endian).
 */
const REL_FIELDS: ReadonlyMap<string, Field> = new Map<string, Field>([
  // i386
  ["R_386_NONE", "none"],
  ["R_386_32", "le32"],
  ["R_386_PC32", "le32"],
  ["R_386_GOT32", "le32"],
  ["R_386_PLT32", "le32"],
  ["R_386_GOTOFF", "le32"],
  ["R_386_GOTPC", "le32"],
  ["R_386_GOT32X", "le32"],
  ["R_386_32PLT", "le32"],
  ["R_386_TLS_TPOFF", "le32"],
  ["R_386_TLS_IE", "le32"],
  ["R_386_TLS_GOTIE", "le32"],
  ["R_386_TLS_LE", "le32"],
  ["R_386_TLS_GD", "le32"],
  ["R_386_TLS_LDM", "le32"],
  ["R_386_TLS_LDO_32", "le32"],
  ["R_386_TLS_IE_32", "le32"],
  ["R_386_TLS_LE_32", "le32"],
  ["R_386_TLS_DTPMOD32", "le32"],
  ["R_386_TLS_DTPOFF32", "le32"],
  ["R_386_TLS_TPOFF32", "le32"],
  ["R_386_TLS_GOTDESC", "le32"],
  ["R_386_TLS_DESC_CALL", "none"], // a marker on `call *(%eax)`: no field
  ["R_386_SIZE32", "le32"],
  ["R_386_16", "le16"],
  ["R_386_PC16", "le16"],
  ["R_386_8", "le8"],
  ["R_386_PC8", "le8"],
  // ARM: data
  ["R_ARM_NONE", "none"],
  ["R_ARM_V4BX", "none"], // a marker on BX: no field
  ["R_ARM_ABS32", "le32"],
  ["R_ARM_REL32", "le32"],
  ["R_ARM_ABS32_NOI", "le32"],
  ["R_ARM_REL32_NOI", "le32"],
  ["R_ARM_SBREL32", "le32"],
  ["R_ARM_BASE_PREL", "le32"],
  ["R_ARM_GOT_BREL", "le32"],
  ["R_ARM_GOT_PREL", "le32"],
  ["R_ARM_GOTOFF32", "le32"],
  ["R_ARM_TARGET1", "le32"],
  ["R_ARM_TARGET2", "le32"],
  ["R_ARM_TLS_GD32", "le32"],
  ["R_ARM_TLS_LDM32", "le32"],
  ["R_ARM_TLS_LDO32", "le32"],
  ["R_ARM_TLS_IE32", "le32"],
  ["R_ARM_TLS_LE32", "le32"],
  ["R_ARM_TLS_GOTDESC", "le32"],
  ["R_ARM_TLS_DTPMOD32", "le32"],
  ["R_ARM_TLS_DTPOFF32", "le32"],
  ["R_ARM_TLS_TPOFF32", "le32"],
  ["R_ARM_ABS16", "le16"],
  ["R_ARM_ABS8", "le8"],
  ["R_ARM_PREL31", "prel31"],
  // ARM: A32 instructions
  ["R_ARM_CALL", "arm-b24"],
  ["R_ARM_JUMP24", "arm-b24"],
  ["R_ARM_PC24", "arm-b24"],
  ["R_ARM_PLT32", "arm-b24"],
  ["R_ARM_TLS_CALL", "arm-b24"],
  ["R_ARM_MOVW_ABS_NC", "arm-imm16"],
  ["R_ARM_MOVT_ABS", "arm-imm16"],
  ["R_ARM_MOVW_PREL_NC", "arm-imm16"],
  ["R_ARM_MOVT_PREL", "arm-imm16"],
  ["R_ARM_MOVW_BREL_NC", "arm-imm16"],
  ["R_ARM_MOVT_BREL", "arm-imm16"],
  ["R_ARM_MOVW_BREL", "arm-imm16"],
  ["R_ARM_ABS12", "arm-ldr12"],
  ["R_ARM_LDR_PC_G0", "arm-ldr12"],
  ["R_ARM_GOT_BREL12", "arm-ldr12"],
  ["R_ARM_GOTOFF12", "arm-ldr12"],
  // ARM: Thumb instructions
  ["R_ARM_THM_CALL", "thm-bl"],
  ["R_ARM_THM_JUMP24", "thm-bl"],
  ["R_ARM_THM_TLS_CALL", "thm-bl"],
  ["R_ARM_THM_JUMP19", "thm-b19"],
  ["R_ARM_THM_JUMP11", "thm-b11"],
  ["R_ARM_THM_JUMP8", "thm-b8"],
  ["R_ARM_THM_MOVW_ABS_NC", "thm-imm16"],
  ["R_ARM_THM_MOVT_ABS", "thm-imm16"],
  ["R_ARM_THM_MOVW_PREL_NC", "thm-imm16"],
  ["R_ARM_THM_MOVT_PREL", "thm-imm16"],
  ["R_ARM_THM_MOVW_BREL_NC", "thm-imm16"],
  ["R_ARM_THM_MOVT_BREL", "thm-imm16"],
  ["R_ARM_THM_MOVW_BREL", "thm-imm16"],
  // MIPS (o32)
  ["R_MIPS_NONE", "none"],
  ["R_MIPS_JALR", "none"], // a hint on JALR: no field
  ["R_MIPS_32", "le32"],
  ["R_MIPS_REL32", "le32"],
  ["R_MIPS_GPREL32", "le32"],
  ["R_MIPS_TLS_DTPMOD32", "le32"],
  ["R_MIPS_TLS_DTPREL32", "le32"],
  ["R_MIPS_TLS_TPREL32", "le32"],
  ["R_MIPS_64", "le64"],
  ["R_MIPS_26", "mips-26"],
  ["R_MIPS_PC16", "mips-pc16"], // branch offset in words: the field sign-extended, times 4
  // The 16-bit immediates: the addend is the field as stored, sign-extended (a HI16's full addend AHL also needs
  // its paired LO16; the dump, like the contract, reports each relocation's own field).
  ["R_MIPS_HI16", "mips-16"],
  ["R_MIPS_LO16", "mips-16"],
  ["R_MIPS_GOT16", "mips-16"],
  ["R_MIPS_CALL16", "mips-16"],
  ["R_MIPS_GPREL16", "mips-16"],
  ["R_MIPS_GOT_HI16", "mips-16"],
  ["R_MIPS_GOT_LO16", "mips-16"],
  ["R_MIPS_CALL_HI16", "mips-16"],
  ["R_MIPS_CALL_LO16", "mips-16"],
  ["R_MIPS_GOT_DISP", "mips-16"],
  ["R_MIPS_GOT_PAGE", "mips-16"],
  ["R_MIPS_GOT_OFST", "mips-16"],
  ["R_MIPS_TLS_GD", "mips-16"],
  ["R_MIPS_TLS_LDM", "mips-16"],
  ["R_MIPS_TLS_DTPREL_HI16", "mips-16"],
  ["R_MIPS_TLS_DTPREL_LO16", "mips-16"],
  ["R_MIPS_TLS_GOTTPREL", "mips-16"],
  ["R_MIPS_TLS_TPREL_HI16", "mips-16"],
  ["R_MIPS_TLS_TPREL_LO16", "mips-16"],
]);

const sext = (v: number, bits: number): number => {
  const shift = 32 - bits;
  return (v << shift) >> shift;
};

/**
 * The implicit addend of a REL relocation of type `typeName` at `offset` in `data` (the target section's
 * uncompressed bytes), or a string saying why it cannot be decoded.
 */
export function independentImplicitAddend(
  typeName: string,
  data: Uint8Array,
  offset: number,
  le: boolean,
): bigint | string {
  const field = REL_FIELDS.get(typeName);
  if (field === undefined) return `no independent decoder for ${typeName}`;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const need =
    field === "none"
      ? 0
      : field === "le8"
        ? 1
        : field === "le16" || field === "thm-b11" || field === "thm-b8"
          ? 2
          : field === "le64"
            ? 8
            : 4;
  if (offset + need > data.length)
    return `field of ${need} bytes at ${offset} is outside the section (${data.length} bytes)`;
  const u32 = () => dv.getUint32(offset, le);
  // A 32-bit Thumb instruction: two halfwords, the first at the lower address.
  const hw = (k: number) => dv.getUint16(offset + 2 * k, le);
  switch (field) {
    case "none":
      return 0n;
    case "le8":
      return BigInt(dv.getInt8(offset));
    case "le16":
      return BigInt(dv.getInt16(offset, le));
    case "le32":
      return BigInt(dv.getInt32(offset, le));
    case "le64":
      return dv.getBigInt64(offset, le);
    case "prel31":
      return BigInt(sext(u32() & 0x7fffffff, 31));
    case "arm-b24": {
      const insn = u32();
      let v = sext((insn & 0xffffff) << 2, 26);
      if (insn >>> 28 === 0xf) v += ((insn >>> 24) & 1) * 2; // BLX: H bit
      return BigInt(v);
    }
    case "arm-imm16": {
      const insn = u32();
      return BigInt(sext(((insn >>> 4) & 0xf000) | (insn & 0xfff), 16));
    }
    case "arm-ldr12": {
      const insn = u32();
      return BigInt(insn & (1 << 23) ? insn & 0xfff : -(insn & 0xfff));
    }
    case "thm-bl": {
      const [h, l] = [hw(0), hw(1)];
      const s = (h >>> 10) & 1;
      const i1 = ~(((l >>> 13) & 1) ^ s) & 1;
      const i2 = ~(((l >>> 11) & 1) ^ s) & 1;
      return BigInt(sext((s << 24) | (i1 << 23) | (i2 << 22) | ((h & 0x3ff) << 12) | ((l & 0x7ff) << 1), 25));
    }
    case "thm-b19": {
      const [h, l] = [hw(0), hw(1)];
      const s = (h >>> 10) & 1;
      const j1 = (l >>> 13) & 1;
      const j2 = (l >>> 11) & 1;
      return BigInt(sext((s << 20) | (j2 << 19) | (j1 << 18) | ((h & 0x3f) << 12) | ((l & 0x7ff) << 1), 21));
    }
    case "thm-b11":
      return BigInt(sext((hw(0) & 0x7ff) << 1, 12));
    case "thm-b8":
      return BigInt(sext((hw(0) & 0xff) << 1, 9));
    case "thm-imm16": {
      const [h, l] = [hw(0), hw(1)];
      return BigInt(
        sext(((h & 0xf) << 12) | (((h >>> 10) & 1) << 11) | (((l >>> 12) & 7) << 8) | (l & 0xff), 16),
      );
    }
    case "mips-16":
      return BigInt(sext(u32() & 0xffff, 16));
    case "mips-pc16":
      return BigInt(sext(u32() & 0xffff, 16) * 4);
    case "mips-26":
      return BigInt((u32() & 0x3ffffff) * 4);
  }
}

/**
 * A section's bytes as relocations see them: decompressed when SHF_COMPRESSED (node:zlib for zlib, the `zstd`
 * CLI for zstd: both independent of the reader's decompression), read from the file at llvm-readobj's offsets.
 */
export function uncompressedSection(file: Uint8Array, s: RoSection, is64: boolean, le: boolean): Uint8Array {
  const off = Number(s.offset);
  const raw = file.subarray(off, off + Number(s.size));
  if ((s.flags & 0x800n) === 0n) return raw;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const chType = dv.getUint32(0, le);
  const chSize = is64 ? Number(dv.getBigUint64(8, le)) : dv.getUint32(4, le);
  const body = raw.subarray(is64 ? 24 : 12);
  let out: Uint8Array;
  if (chType === 1) out = inflateSync(body);
  else if (chType === 2) {
    const r = spawnSync("zstd", ["-d", "-c", "-q"], { input: body, maxBuffer: 1 << 30 });
    if (r.error || r.status !== 0) {
      throw new Error(
        `zstd -d failed (${r.error?.message ?? r.stderr.toString()}): install the Debian package 'zstd'`,
      );
    }
    out = r.stdout;
  } else throw new Error(`section ${s.index} '${s.name}' has unknown ch_type ${chType}`);
  if (out.length !== chSize)
    throw new Error(`section ${s.index} '${s.name}' decompressed to ${out.length}, ch_size ${chSize}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------------------------

export interface Counts {
  objects: number;
  sections: number;
  symbols: number;
  relocations: number;
  /** REL relocations whose implicit addend was checked against `independentImplicitAddend`. */
  relAddends: number;
  groups: number;
  quirks: Partial<Record<QuirkName, number>>;
}

export function newCounts(): Counts {
  return { objects: 0, sections: 0, symbols: 0, relocations: 0, relAddends: 0, groups: 0, quirks: {} };
}

export function addCounts(a: Counts, b: Counts): void {
  a.objects += b.objects;
  a.sections += b.sections;
  a.symbols += b.symbols;
  a.relocations += b.relocations;
  a.relAddends += b.relAddends;
  a.groups += b.groups;
  for (const [k, v] of Object.entries(b.quirks) as [QuirkName, number][])
    a.quirks[k] = (a.quirks[k] ?? 0) + v;
}

export function formatCounts(label: string, c: Counts): string {
  const q = Object.entries(c.quirks)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return (
    `${label}: ${c.objects} objects, ${c.sections} sections, ${c.symbols} symbols, ${c.relocations} relocations ` +
    `(${c.relAddends} REL implicit addends decoded independently), ${c.groups} groups; quirks: ${q || "none"}`
  );
}

/** Collects disagreements, keeping the first few hundred messages and counting the rest. */
export class Disagreements {
  readonly messages: string[] = [];
  total = 0;
  add(where: string, field: string, ours: unknown, theirs: unknown, source = "llvm-readobj"): void {
    this.total++;
    if (this.messages.length < 300) {
      const show = (v: unknown) => (typeof v === "bigint" ? v.toString() : JSON.stringify(v));
      this.messages.push(`${where}: ${field}: ours ${show(ours)}, ${source} ${show(theirs)}`);
    }
  }
  summary(): string {
    return `${this.total} disagreements${this.total > this.messages.length ? ` (first ${this.messages.length})` : ""}:\n${this.messages.join("\n")}`;
  }
}

const big = (v: string | number): bigint => BigInt(v);

/**
 * Compares our dump of one ELF object with llvm-readobj's document for it. `file` is the object's bytes (the
 * member's bytes for an archive member), used only by the independent REL addend decoder.
 */
export function compareObject(elf: ElfFile, ro: RoDoc, where: string, c: Counts, dis: Disagreements): void {
  const quirk = (q: QuirkName) => {
    c.quirks[q] = (c.quirks[q] ?? 0) + 1;
  };
  let d: DumpJson;
  try {
    d = dumpElf(elf);
  } catch (e) {
    dis.add(where, "dump", e instanceof Error ? e.message : String(e), "readable");
    return;
  }
  c.objects++;
  const is64 = d.class === 64;
  if (ro.addressSize !== `${d.class}bit`) dis.add(where, "class", d.class, ro.addressSize);

  // Sections
  if (d.sections.length !== ro.sections.length)
    dis.add(where, "section count", d.sections.length, ro.sections.length);
  const n = Math.min(d.sections.length, ro.sections.length);
  for (let i = 0; i < n; i++) {
    const o = d.sections[i]!;
    const t = ro.sections[i]!;
    const w = `${where} section ${i}`;
    c.sections++;
    if (o.index !== t.index) dis.add(w, "index", o.index, t.index);
    if (o.name !== t.name) dis.add(w, "name", o.name, t.name);
    const expectType = SECTION_TYPES.get(t.typeName);
    if (expectType === undefined)
      dis.add(w, "type (llvm name missing from SECTION_TYPES)", o.type, t.typeName);
    else if (o.type !== expectType) dis.add(w, "type", o.type, t.typeName);
    if (elf.sections[i]!.type !== t.typeValue) dis.add(w, "type value", elf.sections[i]!.type, t.typeValue);
    if (big(o.flags) !== t.flags) dis.add(w, "flags", o.flags, t.flags);
    if (big(o.address) !== t.address) dis.add(w, "address", o.address, t.address);
    if (big(o.offset) !== t.offset) dis.add(w, "offset", o.offset, t.offset);
    if (big(o.size) !== t.size) dis.add(w, "size", o.size, t.size);
    if (o.link !== t.link) dis.add(w, "link", o.link, t.link);
    if (o.info !== t.info) dis.add(w, "info", o.info, t.info);
    if (big(o.addralign) !== t.addralign) dis.add(w, "addralign", o.addralign, t.addralign);
    if (big(o.entsize) !== t.entsize) dis.add(w, "entsize", o.entsize, t.entsize);
    // `compressed` is ours only: check it against the Chdr read straight from the file.
    if ((t.flags & 0x800n) !== 0n && t.typeName !== "SHT_NOBITS") {
      const at = Number(t.offset);
      const chType = new DataView(elf.bytes.buffer, elf.bytes.byteOffset + at, 4).getUint32(
        0,
        d.endian === "little",
      );
      const kind = chType === 1 ? "zlib" : chType === 2 ? "zstd" : `ch_type ${chType}`;
      if (o.compressed !== kind) dis.add(w, "compressed", o.compressed, kind);
    } else if (o.compressed !== undefined && !o.name.startsWith(".zdebug"))
      dis.add(w, "compressed", o.compressed, "not SHF_COMPRESSED");
  }

  // Symbols
  if (d.symbols.length !== ro.symbols.length)
    dis.add(where, "symbol count", d.symbols.length, ro.symbols.length);
  const ns = Math.min(d.symbols.length, ro.symbols.length);
  for (let i = 0; i < ns; i++) {
    const o = d.symbols[i]!;
    const t = ro.symbols[i]!;
    const w = `${where} symbol ${i}`;
    c.symbols++;
    if (o.index !== i) dis.add(w, "index", o.index, i);
    if (o.name !== t.name) {
      const secName = typeof o.section === "number" ? d.sections[o.section]?.name : undefined;
      if (o.type === "SECTION" && o.name === "" && t.nameOffset === 0 && t.name === secName)
        quirk("sectionSymbolName");
      else dis.add(w, "name", o.name, t.name);
    }
    if (big(o.value) !== t.value) dis.add(w, "value", o.value, t.value);
    if (big(o.size) !== t.size) dis.add(w, "size", o.size, t.size);
    const expType = SYMBOL_TYPES.get(t.typeName);
    if (expType === undefined) {
      // A type llvm-readobj has no word for (it prints the number): ours must then be the same number.
      if (o.type !== t.typeValue)
        dis.add(w, "type (llvm name missing from SYMBOL_TYPES)", o.type, t.typeName);
    } else if (o.type !== expType) dis.add(w, "type", o.type, t.typeName);
    if (elf.symbols[i]!.type !== t.typeValue) dis.add(w, "type value", elf.symbols[i]!.type, t.typeValue);
    const expBind = SYMBOL_BINDS.get(t.bindName);
    if (expBind === undefined) dis.add(w, "bind (llvm name missing from SYMBOL_BINDS)", o.bind, t.bindName);
    else if (o.bind !== expBind) dis.add(w, "bind", o.bind, t.bindName);
    if (elf.symbols[i]!.bind !== t.bindValue) dis.add(w, "bind value", elf.symbols[i]!.bind, t.bindValue);
    if (o.visibility !== VISIBILITIES[t.other & 3]) dis.add(w, "visibility", o.visibility, t.other);
    if (elf.symbols[i]!.other !== t.other) dis.add(w, "st_other", elf.symbols[i]!.other, t.other);
    const reserved = SYMBOL_SECTIONS.get(t.sectionName);
    if (reserved !== undefined && (t.sectionValue === 0 || t.sectionValue >= 0xff00)) {
      if (o.section !== reserved) dis.add(w, "section", o.section, t.sectionName);
    } else if (o.section !== t.sectionValue)
      dis.add(w, "section", o.section, `${t.sectionName} (${t.sectionValue})`);
  }

  // Relocations, section by section in section order
  const ours = new Map<number, DumpJson["relocations"]>();
  for (const r of d.relocations) {
    const list = ours.get(r.section);
    if (list) list.push(r);
    else ours.set(r.section, [r]);
  }
  const oursOrder = elf.relocationSections.filter((i) => (ours.get(i)?.length ?? 0) > 0);
  const theirsOrder = ro.relocations.filter((g) => g.relocs.length > 0).map((g) => g.sectionIndex);
  if (oursOrder.join(",") !== theirsOrder.join(",")) {
    dis.add(where, "relocation sections", oursOrder.join(","), theirsOrder.join(","));
  }
  const uncompressed = new Map<number, Uint8Array>();
  const le = d.endian === "little";
  for (const g of ro.relocations) {
    const list = ours.get(g.sectionIndex) ?? [];
    const rs = ro.sections[g.sectionIndex];
    const w0 = `${where} relocation section ${g.sectionIndex}`;
    if (!rs) {
      dis.add(w0, "exists", "no", "yes");
      continue;
    }
    if (list.length !== g.relocs.length) dis.add(w0, "count", list.length, g.relocs.length);
    const isRel = rs.typeName === "SHT_REL";
    const nr = Math.min(list.length, g.relocs.length);
    for (let i = 0; i < nr; i++) {
      const o = list[i]!;
      const t = g.relocs[i]!;
      const w = `${w0} #${i}`;
      c.relocations++;
      if (o.target !== rs.info) dis.add(w, "target", o.target, rs.info);
      if (big(o.offset) !== t.offset) dis.add(w, "offset", o.offset, t.offset);
      if (o.type !== t.typeName) dis.add(w, "type", o.type, t.typeName);
      if (o.typeCode !== t.typeValue) dis.add(w, "typeCode", o.typeCode, t.typeValue);
      if (o.symbol !== t.symbolIndex) dis.add(w, "symbol", o.symbol, t.symbolIndex);
      // The symbol name llvm-readobj prints, from our symbol table.
      const sym = d.symbols[o.symbol];
      let expName: string | undefined = sym?.name;
      if (o.symbol === 0) {
        expName = "-";
        quirk("relSymbolZeroDash");
      } else if (sym && sym.type === "SECTION" && typeof sym.section === "number") {
        expName = d.sections[sym.section]?.name;
        quirk("relSectionSymbolName");
      }
      if (expName !== t.symbolName) dis.add(w, "symbol name", expName, t.symbolName);
      if (isRel) {
        if (t.addend !== undefined)
          dis.add(w, "REL addend printed by llvm-readobj (unexpected)", o.addend, t.addend);
        quirk("relNoAddend");
        const target = ro.sections[rs.info];
        if (!target) {
          dis.add(w, "target section", rs.info, "missing");
          continue;
        }
        let data = uncompressed.get(rs.info);
        if (!data) {
          data =
            target.typeName === "SHT_NOBITS"
              ? new Uint8Array(0)
              : uncompressedSection(elf.bytes, target, is64, le);
          uncompressed.set(rs.info, data);
        }
        const exp = independentImplicitAddend(t.typeName, data, Number(t.offset), le);
        if (typeof exp === "string")
          dis.add(w, `implicit addend (${exp})`, o.addend, "?", "independent decoder");
        else if (big(o.addend) !== exp)
          dis.add(w, `implicit addend of ${t.typeName}`, o.addend, exp, "independent decoder");
        c.relAddends++;
      } else {
        if (t.addend === undefined) dis.add(w, "addend", o.addend, "absent");
        else if (big(o.addend) !== BigInt.asIntN(is64 ? 64 : 32, t.addend)) {
          dis.add(w, "addend", o.addend, BigInt.asIntN(is64 ? 64 : 32, t.addend));
        }
      }
    }
  }

  // Groups
  if (d.groups.length !== ro.groups.length) dis.add(where, "group count", d.groups.length, ro.groups.length);
  const ng = Math.min(d.groups.length, ro.groups.length);
  for (let i = 0; i < ng; i++) {
    const o = d.groups[i]!;
    const t = ro.groups[i]!;
    const w = `${where} group ${i}`;
    c.groups++;
    if (o.section !== t.index) dis.add(w, "section", o.section, t.index);
    if (o.signature !== t.signature) dis.add(w, "signature", o.signature, t.signature);
    const comdat = GROUP_TYPES.get(t.typeName);
    if (comdat === undefined) dis.add(w, "type (llvm name missing from GROUP_TYPES)", o.comdat, t.typeName);
    else if (o.comdat !== comdat || o.comdat !== ((t.typeValue & 1) === 1))
      dis.add(w, "comdat", o.comdat, t.typeName);
    const tm = t.members.map((m) => m.index).join(",");
    if (o.members.join(",") !== tm) dis.add(w, "members", o.members.join(","), tm);
    for (const m of t.members) {
      if (d.sections[m.index]?.name !== m.name)
        dis.add(w, `member ${m.index} name`, d.sections[m.index]?.name, m.name);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Drivers
// ---------------------------------------------------------------------------------------------------------------

export interface LibcArch {
  /** Debian architecture-ish name used in test names. */
  name: string;
  path: string;
  /** The Debian package that ships `path`. */
  debianPackage: string;
  /** e_machine every member must have. */
  machine: number;
}

export const LIBC_ARCHES: readonly LibcArch[] = [
  { name: "x86_64", path: "/usr/lib/x86_64-linux-gnu/libc.a", debianPackage: "libc6-dev", machine: 62 },
  { name: "i386", path: "/usr/i686-linux-gnu/lib/libc.a", debianPackage: "libc6-dev-i386-cross", machine: 3 },
  {
    name: "armhf",
    path: "/usr/arm-linux-gnueabihf/lib/libc.a",
    debianPackage: "libc6-dev-armhf-cross",
    machine: 40,
  },
  {
    name: "aarch64",
    path: "/usr/aarch64-linux-gnu/lib/libc.a",
    debianPackage: "libc6-dev-arm64-cross",
    machine: 183,
  },
  {
    name: "ppc64el",
    path: "/usr/powerpc64le-linux-gnu/lib/libc.a",
    debianPackage: "libc6-dev-ppc64el-cross",
    machine: 21,
  },
  {
    name: "ppc64",
    path: "/usr/powerpc64-linux-gnu/lib/libc.a",
    debianPackage: "libc6-dev-ppc64-cross",
    machine: 21,
  },
  {
    name: "s390x",
    path: "/usr/s390x-linux-gnu/lib/libc.a",
    debianPackage: "libc6-dev-s390x-cross",
    machine: 22,
  },
  {
    name: "riscv64",
    path: "/usr/riscv64-linux-gnu/lib/libc.a",
    debianPackage: "libc6-dev-riscv64-cross",
    machine: 243,
  },
];

export interface ArchiveResult {
  counts: Counts;
  dis: Disagreements;
  machines: Set<number>;
}

/** Compares every member of an `ar` archive with one llvm-readobj run over the whole archive. */
export async function compareArchive(path: string): Promise<ArchiveResult> {
  const json = await runReadobj([path]);
  const { objects } = openObjects(path);
  const counts = newCounts();
  const dis = new Disagreements();
  const machines = new Set<number>();
  const reader = new JsonReader(json);
  const docs = reader.forEachItem((item, i) => {
    const obj = objects[i];
    const ro = readDoc(item, `${path} document ${i}`);
    if (!obj) {
      dis.add(`${path} document ${i}`, "member", "missing", ro.file);
      return;
    }
    const where = `${path}(${obj.member})`;
    if (ro.file !== where) dis.add(where, "member name", where, ro.file);
    machines.add(obj.elf.machine);
    compareObject(obj.elf, ro, where, counts, dis);
  });
  if (docs !== objects.length) dis.add(path, "member count", objects.length, docs);
  return { counts, dis, machines };
}

/** Every object under a directory (recursively): `*.o`, and `*.o.gz` decompressed to memory. */
export function listObjectFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && (e.name.endsWith(".o") || e.name.endsWith(".o.gz"))) out.push(p);
    }
  };
  if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  return out;
}

/**
 * Runs llvm-readobj over `paths`, `batch` files per run, and calls `f` with each file's checked document (in
 * order: llvm-readobj prints one document per file).
 */
export async function forEachReadobjDoc(
  paths: readonly string[],
  f: (doc: RoDoc, index: number) => void,
  flags: readonly string[] = READOBJ_FLAGS,
  batch = 64,
): Promise<void> {
  for (let b = 0; b < paths.length; b += batch) {
    const chunk = paths.slice(b, b + batch);
    const json = await runReadobj(chunk, flags);
    const docs = new JsonReader(json).forEachItem((item, i) => {
      const ro = readDoc(item, `${chunk[i] ?? "?"}`);
      if (ro.file !== chunk[i])
        throw new Error(`llvm-readobj document ${b + i} is for ${ro.file}, expected ${chunk[i]}`);
      f(ro, b + i);
    });
    if (docs !== chunk.length)
      throw new Error(`llvm-readobj printed ${docs} documents for ${chunk.length} files`);
  }
}

/**
 * Compares standalone object files. `readobjPath` is the file llvm-readobj reads (a decompressed copy for
 * `.o.gz`), `bytes` what we parse, `label` the name used in messages.
 */
export async function compareFiles(
  files: readonly { readobjPath: string; label: string; bytes: Uint8Array }[],
  perFile: (label: string, c: Counts) => void,
  dis: Disagreements,
): Promise<Counts> {
  const total = newCounts();
  await forEachReadobjDoc(
    files.map((f) => f.readobjPath),
    (ro, i) => {
      const f = files[i]!;
      const c = newCounts();
      let elf: ElfFile;
      try {
        elf = readElf(f.bytes, { path: f.label });
      } catch (e) {
        dis.add(f.label, "read", e instanceof Error ? e.message : String(e), "readable");
        return;
      }
      compareObject(elf, ro, f.label, c, dis);
      perFile(f.label, c);
      addCounts(total, c);
    },
  );
  return total;
}

/** Reads a test object, gunzipping `.o.gz`. */
export function readObjectFile(path: string): Uint8Array {
  const b = readFileSync(path);
  return path.endsWith(".gz")
    ? new Uint8Array(gunzipSync(b))
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---------------------------------------------------------------------------------------------------------------
// The libc.a test body, shared by the per-architecture test files (one file each, so vitest runs them in parallel)
// ---------------------------------------------------------------------------------------------------------------

/** Defines the vitest test comparing every member of one architecture's Debian libc.a. */
export function libcDifferential(name: string): void {
  const arch = LIBC_ARCHES.find((a) => a.name === name);
  if (!arch) throw new Error(`unknown libc architecture ${name}`);
  describe(`dump agrees with ${READOBJ} on every member of Debian's ${arch.name} libc.a`, () => {
    it(arch.path, async () => {
      if (!existsSync(arch.path)) {
        throw new Error(
          `${arch.path} is missing: install the Debian package '${arch.debianPackage}' (scripts/setup.sh does)`,
        );
      }
      requireReadobj();
      const { counts, dis, machines } = await compareArchive(arch.path);
      console.log(formatCounts(`libc.a ${arch.name}`, counts));
      expect(dis.total, dis.summary()).toBe(0);
      expect([...machines]).toEqual([arch.machine]);
      // A broken harness must not pass by comparing nothing.
      expect(counts.objects).toBeGreaterThan(1000);
      expect(counts.sections).toBeGreaterThan(10 * counts.objects);
      expect(counts.symbols).toBeGreaterThan(10_000);
      expect(counts.relocations).toBeGreaterThan(10_000);
      if (arch.machine === 3 || arch.machine === 40) expect(counts.relAddends).toBe(counts.relocations);
    });
  });
}
