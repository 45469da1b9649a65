/** Numeric constants from the System V gABI that more than one module needs. */

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const SHT = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  HASH: 5,
  DYNAMIC: 6,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  SHLIB: 10,
  DYNSYM: 11,
  INIT_ARRAY: 14,
  FINI_ARRAY: 15,
  PREINIT_ARRAY: 16,
  GROUP: 17,
  SYMTAB_SHNDX: 18,
  RELR: 19,
} as const;

/** Names for section types, as llvm-readobj and our dump print them (without the SHT_ prefix). */
export const sectionTypeNames: ReadonlyMap<number, string> = new Map([
  [0, "NULL"],
  [1, "PROGBITS"],
  [2, "SYMTAB"],
  [3, "STRTAB"],
  [4, "RELA"],
  [5, "HASH"],
  [6, "DYNAMIC"],
  [7, "NOTE"],
  [8, "NOBITS"],
  [9, "REL"],
  [10, "SHLIB"],
  [11, "DYNSYM"],
  [14, "INIT_ARRAY"],
  [15, "FINI_ARRAY"],
  [16, "PREINIT_ARRAY"],
  [17, "GROUP"],
  [18, "SYMTAB_SHNDX"],
  [19, "RELR"],
  [0x60000001, "ANDROID_REL"],
  [0x60000002, "ANDROID_RELA"],
  [0x6fff4c00, "LLVM_ODRTAB"],
  [0x6fff4c01, "LLVM_LINKER_OPTIONS"],
  [0x6fff4c02, "LLVM_CALL_GRAPH_PROFILE"],
  [0x6fff4c03, "LLVM_ADDRSIG"],
  [0x6fff4c04, "LLVM_DEPENDENT_LIBRARIES"],
  [0x6fff4c05, "LLVM_SYMPART"],
  [0x6fff4c06, "LLVM_PART_EHDR"],
  [0x6fff4c07, "LLVM_PART_PHDR"],
  [0x6fff4c08, "LLVM_BB_ADDR_MAP_V0"],
  [0x6fff4c09, "LLVM_CALL_GRAPH_PROFILE"],
  [0x6fff4c0a, "LLVM_BB_ADDR_MAP"],
  [0x6fff4c0b, "LLVM_OFFLOADING"],
  [0x6fff4c0c, "LLVM_LTO"],
  [0x6ffffff5, "GNU_ATTRIBUTES"],
  [0x6ffffff6, "GNU_HASH"],
  [0x6ffffff7, "GNU_LIBLIST"],
  [0x6ffffff8, "CHECKSUM"],
  [0x6ffffffd, "GNU_verdef"],
  [0x6ffffffe, "GNU_verneed"],
  [0x6fffffff, "GNU_versym"],
]);

export const SHF = {
  WRITE: 0x1,
  ALLOC: 0x2,
  EXECINSTR: 0x4,
  MERGE: 0x10,
  STRINGS: 0x20,
  INFO_LINK: 0x40,
  LINK_ORDER: 0x80,
  OS_NONCONFORMING: 0x100,
  GROUP: 0x200,
  TLS: 0x400,
  COMPRESSED: 0x800,
  EXCLUDE: 0x80000000,
} as const;

export const STT = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  GNU_IFUNC: 10,
} as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;

export const symbolTypeNames: ReadonlyMap<number, string> = new Map([
  [0, "NOTYPE"],
  [1, "OBJECT"],
  [2, "FUNC"],
  [3, "SECTION"],
  [4, "FILE"],
  [5, "COMMON"],
  [6, "TLS"],
  [10, "GNU_IFUNC"],
]);
export const symbolBindNames: ReadonlyMap<number, string> = new Map([
  [0, "LOCAL"],
  [1, "GLOBAL"],
  [2, "WEAK"],
  [10, "GNU_UNIQUE"],
]);
export const visibilityNames = ["DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"] as const;
export type Visibility = (typeof visibilityNames)[number];

export const elfTypeNames: ReadonlyMap<number, string> = new Map([
  [0, "NONE"],
  [1, "REL"],
  [2, "EXEC"],
  [3, "DYN"],
  [4, "CORE"],
]);

export const GRP_COMDAT = 1;

/** Processor-specific section type names, keyed by e_machine then sh_type. */
const processorSectionTypes: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [62, new Map([[0x70000001, "X86_64_UNWIND"]])],
  [
    40,
    new Map([
      [0x70000001, "ARM_EXIDX"],
      [0x70000002, "ARM_PREEMPTMAP"],
      [0x70000003, "ARM_ATTRIBUTES"],
      [0x70000004, "ARM_DEBUGOVERLAY"],
      [0x70000005, "ARM_OVERLAYSECTION"],
    ]),
  ],
  [
    183,
    new Map([
      [0x70000003, "AARCH64_ATTRIBUTES"],
      [0x70000002, "AARCH64_MEMTAG_GLOBALS_STATIC"],
      [0x70000001, "AARCH64_AUTH_RELR"],
    ]),
  ],
  [243, new Map([[0x70000003, "RISCV_ATTRIBUTES"]])],
  [
    8,
    new Map([
      [0x70000006, "MIPS_REGINFO"],
      [0x7000000d, "MIPS_OPTIONS"],
      [0x7000001e, "MIPS_DWARF"],
      [0x7000002a, "MIPS_ABIFLAGS"],
    ]),
  ],
  [22, new Map<number, string>()],
  [21, new Map<number, string>()],
]);

/** The section type's name without the SHT_ prefix, or undefined for a number we have no name for. */
export function sectionTypeName(type: number, machine: number): string | undefined {
  return sectionTypeNames.get(type) ?? processorSectionTypes.get(machine)?.get(type);
}
