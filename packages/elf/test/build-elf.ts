/**
 * A small ELF writer for tests: builds valid relocatable files from a list of sections so that each malformed
 * case can start from something well-formed and break exactly one field.
 */
export interface SectionSpec {
  name: string;
  type: number;
  flags?: number;
  data?: Uint8Array;
  /** For NOBITS: the size to claim. */
  size?: number;
  link?: number;
  info?: number;
  addralign?: number;
  entsize?: number;
}

export interface BuildOptions {
  is64?: boolean;
  littleEndian?: boolean;
  machine?: number;
  type?: number;
  sections: SectionSpec[];
}

export interface BuiltElf {
  bytes: Uint8Array;
  /** File offset of the section header table. */
  shoff: number;
  shentsize: number;
  /** File offset of each section's data, by index (0 for section 0 / NOBITS). */
  dataOffsets: number[];
}

/** Writes an ELF file; section 0 (NULL) and `.shstrtab` (last) are added automatically. */
export function buildElf(o: BuildOptions): BuiltElf {
  const is64 = o.is64 ?? true;
  const le = o.littleEndian ?? true;
  const specs: SectionSpec[] = [{ name: "", type: 0 }, ...o.sections];
  const shstrIndex = specs.length;
  const names: number[] = [];
  const strBytes: number[] = [0];
  const enc = new TextEncoder();
  for (const s of [...specs, { name: ".shstrtab", type: 3 }]) {
    if (s.name === "") {
      names.push(0);
      continue;
    }
    names.push(strBytes.length);
    strBytes.push(...enc.encode(s.name), 0);
  }
  specs.push({ name: ".shstrtab", type: 3, data: new Uint8Array(strBytes) });
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  let off = ehsize;
  const dataOffsets: number[] = [];
  for (const s of specs) {
    if (s.type === 8 || !s.data || s.data.length === 0) {
      dataOffsets.push(s.type === 8 ? off : 0);
      continue;
    }
    off = align(off, 8);
    dataOffsets.push(off);
    off += s.data.length;
  }
  const shoff = align(off, 8);
  const total = shoff + specs.length * shentsize;
  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0]);
  v.setUint16(16, o.type ?? 1, le);
  v.setUint16(18, o.machine ?? (is64 ? 62 : 3), le);
  v.setUint32(20, 1, le);
  if (is64) {
    v.setBigUint64(40, BigInt(shoff), le);
    v.setUint16(52, ehsize, le);
    v.setUint16(58, shentsize, le);
    v.setUint16(60, specs.length, le);
    v.setUint16(62, shstrIndex, le);
  } else {
    v.setUint32(32, shoff, le);
    v.setUint16(40, ehsize, le);
    v.setUint16(46, shentsize, le);
    v.setUint16(48, specs.length, le);
    v.setUint16(50, shstrIndex, le);
  }
  specs.forEach((s, i) => {
    if (s.data && s.type !== 8) bytes.set(s.data, dataOffsets[i]!);
    const at = shoff + i * shentsize;
    const size = s.type === 8 ? (s.size ?? 0) : (s.data?.length ?? 0);
    if (is64) {
      v.setUint32(at, names[i]!, le);
      v.setUint32(at + 4, s.type, le);
      v.setBigUint64(at + 8, BigInt(s.flags ?? 0), le);
      v.setBigUint64(at + 24, BigInt(dataOffsets[i]!), le);
      v.setBigUint64(at + 32, BigInt(size), le);
      v.setUint32(at + 40, s.link ?? 0, le);
      v.setUint32(at + 44, s.info ?? 0, le);
      v.setBigUint64(at + 48, BigInt(s.addralign ?? 1), le);
      v.setBigUint64(at + 56, BigInt(s.entsize ?? 0), le);
    } else {
      v.setUint32(at, names[i]!, le);
      v.setUint32(at + 4, s.type, le);
      v.setUint32(at + 8, s.flags ?? 0, le);
      v.setUint32(at + 16, dataOffsets[i]!, le);
      v.setUint32(at + 20, size, le);
      v.setUint32(at + 24, s.link ?? 0, le);
      v.setUint32(at + 28, s.info ?? 0, le);
      v.setUint32(at + 32, s.addralign ?? 1, le);
      v.setUint32(at + 36, s.entsize ?? 0, le);
    }
  });
  return { bytes, shoff, shentsize, dataOffsets };
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Bytes of a symbol table entry. */
export function symbolEntry(
  is64: boolean,
  le: boolean,
  s: {
    name: number;
    value?: bigint;
    size?: number;
    type?: number;
    bind?: number;
    other?: number;
    shndx: number;
  },
): Uint8Array {
  const b = new Uint8Array(is64 ? 24 : 16);
  const v = new DataView(b.buffer);
  const info = ((s.bind ?? 0) << 4) | (s.type ?? 0);
  if (is64) {
    v.setUint32(0, s.name, le);
    b[4] = info;
    b[5] = s.other ?? 0;
    v.setUint16(6, s.shndx, le);
    v.setBigUint64(8, s.value ?? 0n, le);
    v.setBigUint64(16, BigInt(s.size ?? 0), le);
  } else {
    v.setUint32(0, s.name, le);
    v.setUint32(4, Number(s.value ?? 0n), le);
    v.setUint32(8, s.size ?? 0, le);
    b[12] = info;
    b[13] = s.other ?? 0;
    v.setUint16(14, s.shndx, le);
  }
  return b;
}

export function rela64(le: boolean, offset: number, sym: number, type: number, addend: bigint): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(offset), le);
  v.setBigUint64(8, (BigInt(sym) << 32n) | BigInt(type), le);
  v.setBigInt64(16, addend, le);
  return b;
}

export function rel32(le: boolean, offset: number, sym: number, type: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, offset, le);
  v.setUint32(4, ((sym << 8) | type) >>> 0, le);
  return b;
}

/**
 * The REL (ELF32) or RELA (ELF64) section patching section `target` (named `targetName`), with its symbols in
 * section `symtab`: the x86 convention of `rela64`/`rel32`.
 */
export function relocationSection(
  is64: boolean,
  targetName: string,
  target: number,
  data: Uint8Array,
  symtab: number,
  addralign?: number,
): SectionSpec {
  return {
    name: is64 ? `.rela${targetName}` : `.rel${targetName}`,
    type: is64 ? 4 : 9,
    flags: 0x40,
    data,
    link: symtab,
    info: target,
    entsize: is64 ? 24 : 8,
    ...(addralign === undefined ? {} : { addralign }),
  };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function cstrings(...names: string[]): { bytes: Uint8Array; offsets: number[] } {
  const enc = new TextEncoder();
  const out: number[] = [0];
  const offsets: number[] = [];
  for (const n of names) {
    offsets.push(out.length);
    out.push(...enc.encode(n), 0);
  }
  return { bytes: new Uint8Array(out), offsets };
}

/** A well-formed x86-64 (or i386 when !is64) relocatable object with .text, .data, .symtab, .strtab, .rela/.rel.text. */
export function sampleObject(is64 = true, le = true): BuiltElf & { layout: Record<string, number> } {
  const str = cstrings("main", "counter", "helper_function_name");
  const text = new Uint8Array(32).fill(0x90);
  // i386 REL: implicit addend -4 stored in the relocated bytes at offset 4.
  if (!is64) new DataView(text.buffer).setInt32(4, -4, le);
  const data = new Uint8Array(8).fill(1);
  const syms = concat(
    symbolEntry(is64, le, { name: 0, shndx: 0 }),
    symbolEntry(is64, le, { name: 0, type: 3, shndx: 1 }),
    symbolEntry(is64, le, { name: str.offsets[0]!, type: 2, bind: 1, shndx: 1, size: 16 }),
    symbolEntry(is64, le, { name: str.offsets[1]!, type: 1, bind: 1, shndx: 2, size: 8 }),
    symbolEntry(is64, le, { name: str.offsets[2]!, type: 0, bind: 1, shndx: 0 }),
  );
  const relocs = is64
    ? concat(rela64(le, 4, 4, 4 /* R_X86_64_PLT32 */, -4n), rela64(le, 12, 3, 2 /* R_X86_64_PC32 */, -4n))
    : concat(rel32(le, 4, 4, 2 /* R_386_PC32 */));
  const built = buildElf({
    is64,
    littleEndian: le,
    machine: is64 ? 62 : 3,
    sections: [
      { name: ".text", type: 1, flags: 6, data: text, addralign: 16 },
      { name: ".data", type: 1, flags: 3, data },
      { name: ".symtab", type: 2, data: syms, link: 4, info: 2, entsize: is64 ? 24 : 16, addralign: 8 },
      { name: ".strtab", type: 3, data: str.bytes },
      relocationSection(is64, ".text", 1, relocs, 3, 8),
    ],
  });
  return { ...built, layout: { text: 1, data: 2, symtab: 3, strtab: 4, rel: 5, shstrtab: 6 } };
}
