import { ByteView } from "./bytes.js";
import { ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB } from "./constants.js";
import { fail } from "./errors.js";

export interface ElfHeader {
  readonly class: 32 | 64;
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly osabi: number;
  readonly abiVersion: number;
  /** e_type */
  readonly type: number;
  /** e_machine */
  readonly machine: number;
  readonly version: number;
  readonly entry: bigint;
  readonly phoff: number;
  readonly shoff: number;
  readonly flags: number;
  readonly ehsize: number;
  readonly phentsize: number;
  /** e_phnum as stored (PN_XNUM resolution happens in sections.ts when section 0 is read). */
  readonly phnum: number;
  readonly shentsize: number;
  /** e_shnum as stored: 0 means "see section 0's sh_size" when e_shoff is non-zero. */
  readonly shnumRaw: number;
  /** e_shstrndx as stored: SHN_XINDEX means "see section 0's sh_link". */
  readonly shstrndxRaw: number;
}

const MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads and validates the ELF header; everything after it is read lazily by `ElfFile`. */
export function readHeader(bytes: Uint8Array): ElfHeader {
  if (bytes.length < 16) {
    if (!isElf(bytes)) fail("not-elf", "not an ELF file (no \\x7fELF magic)", 0);
    fail("truncated", `ELF identification is truncated (${bytes.length} of 16 bytes)`, 0);
  }
  if (!isElf(bytes)) fail("not-elf", "not an ELF file (no \\x7fELF magic)", 0);
  const cls = bytes[4]!;
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) fail("bad-class", `unknown ELF class ${cls}`, 4);
  const data = bytes[5]!;
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB)
    fail("bad-data-encoding", `unknown ELF data encoding ${data}`, 5);
  if (bytes[6] !== 1) fail("bad-version", `unknown ELF identification version ${bytes[6]}`, 6);
  const is64 = cls === ELFCLASS64;
  const le = data === ELFDATA2LSB;
  const size = is64 ? 64 : 52;
  if (bytes.length < size) fail("truncated", `ELF header is truncated (${bytes.length} of ${size} bytes)`, 0);
  const v = new ByteView(bytes, le);
  const type = v.u16(16);
  const machine = v.u16(18);
  const version = v.u32(20);
  if (version !== 1) fail("bad-version", `unknown ELF version ${version}`, 20);
  const o = is64 ? 24 : 24;
  const entry = v.word(o, is64);
  const w = is64 ? 8 : 4;
  const phoff = v.wordn(o + w, is64, "e_phoff");
  const shoff = v.wordn(o + 2 * w, is64, "e_shoff");
  const p = o + 3 * w;
  const header: ElfHeader = {
    class: is64 ? 64 : 32,
    is64,
    littleEndian: le,
    osabi: bytes[7]!,
    abiVersion: bytes[8]!,
    type,
    machine,
    version,
    entry,
    phoff,
    shoff,
    flags: v.u32(p),
    ehsize: v.u16(p + 4),
    phentsize: v.u16(p + 6),
    phnum: v.u16(p + 8),
    shentsize: v.u16(p + 10),
    shnumRaw: v.u16(p + 12),
    shstrndxRaw: v.u16(p + 14),
  };
  return header;
}
