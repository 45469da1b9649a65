import {
  type ElfFile,
  type ElfSymbol,
  elfTypeNames,
  openObjects,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  sectionTypeName,
  symbolBindNames,
  symbolTypeNames,
  visibilityNames,
} from "@elfdelta/elf";

/** The `dump` JSON of one ELF file, as `contracts.md` describes it. */
export interface DumpJson {
  class: 32 | 64;
  endian: "little" | "big";
  type: string | number;
  machine: string;
  machineCode: number;
  sections: DumpSection[];
  symbols: DumpSymbol[];
  relocations: DumpRelocation[];
  groups: DumpGroup[];
}

export interface DumpSection {
  index: number;
  name: string;
  type: string | number;
  flags: number;
  address: string;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  compressed?: "zlib" | "zstd";
}

export interface DumpSymbol {
  index: number;
  name: string;
  value: string;
  size: number;
  type: string | number;
  bind: string | number;
  visibility: string;
  section: number | "UND" | "ABS" | "COMMON";
}

export interface DumpRelocation {
  section: number;
  target: number;
  offset: number;
  type: string | number;
  typeCode: number;
  symbol: number;
  addend: string;
}

export interface DumpGroup {
  section: number;
  signature: string;
  comdat: boolean;
  members: number[];
}

export function symbolSection(s: ElfSymbol): number | "UND" | "ABS" | "COMMON" {
  if (s.shndxRaw === SHN_UNDEF) return "UND";
  if (s.shndxRaw === SHN_ABS) return "ABS";
  if (s.shndxRaw === SHN_COMMON) return "COMMON";
  return s.shndx;
}

export function dumpElf(elf: ElfFile): DumpJson {
  const h = elf.header;
  const sections: DumpSection[] = elf.sections.map((s) => {
    const c = elf.compression(s.index);
    return {
      index: s.index,
      name: s.name,
      type: sectionTypeName(s.type, h.machine) ?? s.type,
      flags: s.flags,
      address: s.address.toString(),
      offset: s.offset,
      size: s.size,
      link: s.link,
      info: s.info,
      addralign: s.addralign,
      entsize: s.entsize,
      ...(c ? { compressed: c.kind } : {}),
    };
  });
  const symbols: DumpSymbol[] = elf.symbols.map((s) => ({
    index: s.index,
    name: s.name,
    value: s.value.toString(),
    size: s.size,
    type: symbolTypeNames.get(s.type) ?? s.type,
    bind: symbolBindNames.get(s.bind) ?? s.bind,
    visibility: visibilityNames[s.other & 3]!,
    section: symbolSection(s),
  }));
  const relocations: DumpRelocation[] = [];
  for (const index of elf.relocationSections) {
    const t = elf.relocations(index);
    for (let i = 0; i < t.count; i++) {
      const typeCode = t.types[i]!;
      relocations.push({
        section: index,
        target: t.target,
        offset: t.offsets[i]!,
        type: elf.relocationTypeName(typeCode) ?? typeCode,
        typeCode,
        symbol: t.symbols[i]!,
        addend: t.addends[i]!.toString(),
      });
    }
  }
  const groups: DumpGroup[] = elf.groups.map((g) => ({
    section: g.index,
    signature: elf.groupSignature(g),
    comdat: g.comdat,
    members: [...g.members],
  }));
  return {
    class: h.class,
    endian: h.littleEndian ? "little" : "big",
    type: elfTypeNames.get(h.type) ?? h.type,
    machine: elf.machineName,
    machineCode: h.machine,
    sections,
    symbols,
    relocations,
    groups,
  };
}

export type DumpOutput = DumpJson | { members: ({ name: string } & DumpJson)[] };

/** Reads a path (an object or an archive) and builds its dump. Throws ElfError on bad input. */
export function dumpPath(path: string): DumpOutput {
  const { archive, objects } = openObjects(path);
  if (!archive) return dumpElf(objects[0]!.elf);
  return { members: objects.map((o) => ({ name: o.member ?? "", ...dumpElf(o.elf) })) };
}
