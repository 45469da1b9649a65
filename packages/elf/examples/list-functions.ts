import { ElfError, openElf, STT } from "@elfdelta/elf";

/** Prints each defined function of an object with its section and the relocations that patch that section. */
export function listFunctions(path: string): string[] {
  const lines: string[] = [];
  try {
    const elf = openElf(path);
    for (const sym of elf.symbols) {
      if (sym.type !== STT.FUNC || sym.shndx === 0) continue;
      const section = elf.sections[sym.shndx];
      const relocs = elf.relocationsFor(sym.shndx).reduce((n, t) => n + t.count, 0);
      lines.push(`${sym.name} in ${section?.name}: ${sym.size} bytes, ${relocs} relocations in its section`);
    }
  } catch (e) {
    // Every malformed input is an ElfError with a stable code, the file and the offset.
    if (e instanceof ElfError) lines.push(`${e.code}: ${e.describe()}`);
    else throw e;
  }
  return lines;
}
