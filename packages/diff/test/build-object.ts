/**
 * A small writer of relocatable ELF objects for the diff tests: sections with contents and relocations,
 * symbols by name. Section symbols are made for every section; locals come before globals as the gABI
 * requires. 64-bit RELA (x86-64 by default) or 32-bit REL (i386, ARM) with implicit addends written by the
 * caller into the section bytes.
 */

export type SymType = "NOTYPE" | "OBJECT" | "FUNC" | "SECTION" | "FILE" | "TLS";
export type SymBind = "LOCAL" | "GLOBAL" | "WEAK";

export interface SymSpec {
  name: string;
  /** A section name, or "UND", "ABS", "COMMON". */
  section: string;
  value?: number;
  size?: number;
  type?: SymType;
  bind?: SymBind;
}

export interface RelocSpec {
  offset: number;
  type: number;
  /** A symbol name, or "@.section" for a section's symbol. */
  symbol: string;
  addend?: bigint;
}

export interface SectionSpec {
  name: string;
  /** SHT_*: PROGBITS by default, NOBITS (8) when `size` is given without `data`. */
  type?: number;
  flags?: number;
  data?: Uint8Array;
  size?: number;
  entsize?: number;
  relocs?: RelocSpec[];
}

export interface ObjectSpec {
  machine?: number;
  is64?: boolean;
  littleEndian?: boolean;
  sections: SectionSpec[];
  symbols: SymSpec[];
}

const TYPES: Record<SymType, number> = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 };
const BINDS: Record<SymBind, number> = { LOCAL: 0, GLOBAL: 1, WEAK: 2 };

export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXEC = 4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const TEXT = SHF_ALLOC | SHF_EXEC;
export const DATA = SHF_ALLOC | SHF_WRITE;

export function buildObject(spec: ObjectSpec): Uint8Array {
  const is64 = spec.is64 ?? true;
  const le = spec.littleEndian ?? true;
  const machine = spec.machine ?? 62;
  const rela = is64;

  // Section indexes: 0 null, then the given sections, then .symtab, .strtab, the relocation sections, .shstrtab.
  const secIndex = new Map<string, number>();
  spec.sections.forEach((s, i) => {
    secIndex.set(s.name, i + 1);
  });
  const symtabIndex = spec.sections.length + 1;
  const strtabIndex = symtabIndex + 1;
  const relSections = spec.sections.filter((s) => (s.relocs?.length ?? 0) > 0);

  // Symbols: null, section symbols, locals, globals.
  const strtab: number[] = [0];
  const addString = (n: string): number => {
    if (n === "") return 0;
    const at = strtab.length;
    strtab.push(...new TextEncoder().encode(n), 0);
    return at;
  };
  interface Row {
    name: number;
    value: number;
    size: number;
    info: number;
    shndx: number;
  }
  const shndxOf = (s: string): number =>
    s === "UND"
      ? 0
      : s === "ABS"
        ? 0xfff1
        : s === "COMMON"
          ? 0xfff2
          : (secIndex.get(s) ?? fail(`no section ${s}`));
  const rows: Row[] = [{ name: 0, value: 0, size: 0, info: 0, shndx: 0 }];
  const symIndex = new Map<string, number>();
  spec.sections.forEach((s) => {
    symIndex.set(`@${s.name}`, rows.length);
    rows.push({ name: 0, value: 0, size: 0, info: TYPES.SECTION, shndx: secIndex.get(s.name)! });
  });
  const locals = spec.symbols.filter((s) => (s.bind ?? "GLOBAL") === "LOCAL");
  const globals = spec.symbols.filter((s) => (s.bind ?? "GLOBAL") !== "LOCAL");
  for (const s of [...locals, ...globals]) {
    symIndex.set(s.name, rows.length);
    rows.push({
      name: addString(s.name),
      value: s.value ?? 0,
      size: s.size ?? 0,
      info: (BINDS[s.bind ?? "GLOBAL"] << 4) | TYPES[s.type ?? "NOTYPE"],
      shndx: shndxOf(s.section),
    });
  }
  const firstGlobal = rows.length - globals.length;

  const entsize = is64 ? 24 : 16;
  const symtab = new Uint8Array(rows.length * entsize);
  const sv = new DataView(symtab.buffer);
  rows.forEach((r, i) => {
    const at = i * entsize;
    if (is64) {
      sv.setUint32(at, r.name, le);
      symtab[at + 4] = r.info;
      sv.setUint16(at + 6, r.shndx, le);
      sv.setBigUint64(at + 8, BigInt(r.value), le);
      sv.setBigUint64(at + 16, BigInt(r.size), le);
    } else {
      sv.setUint32(at, r.name, le);
      sv.setUint32(at + 4, r.value, le);
      sv.setUint32(at + 8, r.size, le);
      symtab[at + 12] = r.info;
      sv.setUint16(at + 14, r.shndx, le);
    }
  });

  const relEnt = is64 ? 24 : rela ? 12 : 8;
  const relData = relSections.map((s) => {
    const out = new Uint8Array(s.relocs!.length * relEnt);
    const v = new DataView(out.buffer);
    s.relocs!.forEach((r, i) => {
      const sym = symIndex.get(r.symbol) ?? fail(`no symbol ${r.symbol}`);
      const at = i * relEnt;
      if (is64) {
        v.setBigUint64(at, BigInt(r.offset), le);
        v.setBigUint64(at + 8, (BigInt(sym) << 32n) | BigInt(r.type), le);
        v.setBigInt64(at + 16, r.addend ?? 0n, le);
      } else {
        v.setUint32(at, r.offset, le);
        v.setUint32(at + 4, ((sym << 8) | r.type) >>> 0, le);
      }
    });
    return out;
  });

  interface Hdr {
    name: string;
    type: number;
    flags: number;
    data: Uint8Array;
    size: number;
    link: number;
    info: number;
    align: number;
    entsize: number;
  }
  const headers: Hdr[] = [
    { name: "", type: 0, flags: 0, data: new Uint8Array(0), size: 0, link: 0, info: 0, align: 0, entsize: 0 },
  ];
  for (const s of spec.sections) {
    const nobits = s.type === 8 || (s.data === undefined && s.size !== undefined);
    const data = nobits ? new Uint8Array(0) : (s.data ?? new Uint8Array(0));
    headers.push({
      name: s.name,
      type: s.type ?? (nobits ? 8 : 1),
      flags: s.flags ?? 0,
      data,
      size: nobits ? (s.size ?? 0) : data.length,
      link: 0,
      info: 0,
      align: 8,
      entsize: s.entsize ?? 0,
    });
  }
  headers.push({
    name: ".symtab",
    type: 2,
    flags: 0,
    data: symtab,
    size: symtab.length,
    link: strtabIndex,
    info: firstGlobal,
    align: 8,
    entsize,
  });
  const strBytes = new Uint8Array(strtab);
  headers.push({
    name: ".strtab",
    type: 3,
    flags: 0,
    data: strBytes,
    size: strBytes.length,
    link: 0,
    info: 0,
    align: 1,
    entsize: 0,
  });
  relSections.forEach((s, i) => {
    headers.push({
      name: `${rela ? ".rela" : ".rel"}${s.name}`,
      type: rela ? 4 : 9,
      flags: 0x40,
      data: relData[i]!,
      size: relData[i]!.length,
      link: symtabIndex,
      info: secIndex.get(s.name)!,
      align: 8,
      entsize: relEnt,
    });
  });
  const shstr: number[] = [0];
  const nameOff = headers.map((h) => {
    if (h.name === "") return 0;
    const at = shstr.length;
    shstr.push(...new TextEncoder().encode(h.name), 0);
    return at;
  });
  const shstrName = shstr.length;
  shstr.push(...new TextEncoder().encode(".shstrtab"), 0);
  const shstrBytes = new Uint8Array(shstr);
  headers.push({
    name: ".shstrtab",
    type: 3,
    flags: 0,
    data: shstrBytes,
    size: shstrBytes.length,
    link: 0,
    info: 0,
    align: 1,
    entsize: 0,
  });
  nameOff.push(shstrName);

  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  let off = ehsize;
  const offsets = headers.map((h) => {
    off = Math.ceil(off / 8) * 8;
    const at = off;
    off += h.data.length;
    return at;
  });
  const shoff = Math.ceil(off / 8) * 8;
  const bytes = new Uint8Array(shoff + headers.length * shentsize);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0]);
  v.setUint16(16, 1, le);
  v.setUint16(18, machine, le);
  v.setUint32(20, 1, le);
  if (is64) {
    v.setBigUint64(40, BigInt(shoff), le);
    v.setUint16(52, ehsize, le);
    v.setUint16(58, shentsize, le);
    v.setUint16(60, headers.length, le);
    v.setUint16(62, headers.length - 1, le);
  } else {
    v.setUint32(32, shoff, le);
    v.setUint16(40, ehsize, le);
    v.setUint16(46, shentsize, le);
    v.setUint16(48, headers.length, le);
    v.setUint16(50, headers.length - 1, le);
  }
  headers.forEach((h, i) => {
    bytes.set(h.data, offsets[i]!);
    const at = shoff + i * shentsize;
    if (is64) {
      v.setUint32(at, nameOff[i]!, le);
      v.setUint32(at + 4, h.type, le);
      v.setBigUint64(at + 8, BigInt(h.flags), le);
      v.setBigUint64(at + 24, BigInt(h.type === 8 ? 0 : offsets[i]!), le);
      v.setBigUint64(at + 32, BigInt(h.size), le);
      v.setUint32(at + 40, h.link, le);
      v.setUint32(at + 44, h.info, le);
      v.setBigUint64(at + 48, BigInt(h.align), le);
      v.setBigUint64(at + 56, BigInt(h.entsize), le);
    } else {
      v.setUint32(at, nameOff[i]!, le);
      v.setUint32(at + 4, h.type, le);
      v.setUint32(at + 8, h.flags, le);
      v.setUint32(at + 16, h.type === 8 ? 0 : offsets[i]!, le);
      v.setUint32(at + 20, h.size, le);
      v.setUint32(at + 24, h.link, le);
      v.setUint32(at + 28, h.info, le);
      v.setUint32(at + 32, h.align, le);
      v.setUint32(at + 36, h.entsize, le);
    }
  });
  return bytes;
}

function fail(message: string): never {
  throw new Error(message);
}

export function bytes(...xs: number[]): Uint8Array {
  return new Uint8Array(xs);
}

export function cstr(...strings: string[]): Uint8Array {
  const out: number[] = [];
  for (const s of strings) out.push(...new TextEncoder().encode(s), 0);
  return new Uint8Array(out);
}

/** x86-64 relocation types used by the tests. */
export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_PLT32 = 4;
