import { AARCH64 } from "./aarch64.js";
import { type ArchLayouts, canonicalSection, KNOWN_LAYOUTS, type SectionLayout } from "./layouts.js";
import { LOONGARCH64 } from "./loongarch64.js";
import { PPC64LE } from "./ppc64le.js";
import { S390X } from "./s390x.js";
import { altReplacementLength, X86_64 } from "./x86_64.js";

export { canonicalSection, type SectionLayout, type SectionRole } from "./layouts.js";

/** The architectures the kernel profile has built-in entry sizes for. */
export type KernelArch = "x86_64" | "ppc64le" | "s390x" | "aarch64" | "loongarch64";

const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_LOONGARCH = 258;

export function kernelArch(machine: number, littleEndian: boolean, is64: boolean): KernelArch | undefined {
  if (!is64) return undefined;
  switch (machine) {
    case EM_X86_64:
      return "x86_64";
    case EM_PPC64:
      return littleEndian ? "ppc64le" : undefined;
    case EM_S390:
      return "s390x";
    case EM_AARCH64:
      return "aarch64";
    case EM_LOONGARCH:
      return "loongarch64";
    default:
      return undefined;
  }
}

const ARCH_LAYOUTS: Readonly<Record<KernelArch, ArchLayouts>> = {
  x86_64: X86_64,
  ppc64le: PPC64LE,
  s390x: S390X,
  aarch64: AARCH64,
  loongarch64: LOONGARCH64,
};

/** Field offsets that follow from an overridden entry size. */
const RESIZED: Readonly<Record<string, (size: number) => Partial<SectionLayout>>> = {
  ".altinstructions": (size) => ({ poolLength: altReplacementLength(size) }),
};

/** The names of every section the kernel profile knows (`.discard.*` is a prefix). */
export const KERNEL_SPECIAL_SECTIONS: readonly string[] = KNOWN_LAYOUTS.map((l) => l.name);

/** Where an entry-size came from, for messages. */
export type SizeSource = "built-in" | "override" | "entsize";

/** The layouts of the special sections of one architecture, with the caller's entry-size overrides. */
export interface LayoutTable {
  readonly arch: KernelArch | undefined;
  /**
   * The layout of a section by its name (as stored: `___ksymtab+f` is `___ksymtab`); `entsize` is the
   * section header's, used when neither the table nor an override gives a size. Undefined: not special.
   */
  layoutOf(
    sectionName: string,
    entsize?: number,
  ): (SectionLayout & { readonly source?: SizeSource }) | undefined;
}

export function specialSectionTable(
  arch: KernelArch | undefined,
  overrides: Readonly<Record<string, number>> = {},
): LayoutTable {
  const sizes = arch ? ARCH_LAYOUTS[arch] : {};
  const byName = new Map<string, SectionLayout & { source?: SizeSource }>();
  for (const base of KNOWN_LAYOUTS) {
    const own = sizes[base.name];
    byName.set(base.name, own ? { ...base, ...own, source: "built-in" } : base);
  }
  // Sizes of sections a prefix stands for (`.discard.addressable` under `.discard.*`).
  for (const [name, own] of Object.entries(sizes)) {
    if (byName.has(name) || !name.startsWith(".discard.")) continue;
    byName.set(name, { ...byName.get(".discard.*")!, ...own, name, source: "built-in" });
  }
  for (const [raw, size] of Object.entries(overrides)) {
    const name = canonicalSection(raw);
    const known = byName.get(name) ?? (name.startsWith(".discard.") ? byName.get(".discard.*") : undefined);
    const base: SectionLayout = known
      ? { ...known, name }
      : { name, role: "code", owner: 0, what: `${name} entry` };
    byName.set(name, { ...base, size, ...(RESIZED[name]?.(size) ?? {}), source: "override" });
  }
  return {
    arch,
    layoutOf(sectionName, entsize) {
      const name = canonicalSection(sectionName);
      let l = byName.get(name);
      if (!l && name.startsWith(".discard.")) l = { ...byName.get(".discard.*")!, name };
      if (!l) return undefined;
      if (l.size === undefined && entsize !== undefined && entsize > 0 && l.role !== "pool")
        return { ...l, size: entsize, source: "entsize" };
      return l;
    },
  };
}
