import { SHF, SHT } from "@elfdelta/elf";
import type { ObjectView } from "../object.js";

/**
 * Pairs the sections of two builds that no listed symbol lives in (string and constant pools, jump tables,
 * `.init_array`, `.toc`, anonymous data) by name, with compiler numbering dropped and COMDAT group
 * signatures taken into account (see `ObjectView.sectionKey`). Sections with the same key on one side
 * (several `.rodata.str1.1`) pair in order. Sections holding functions and data pair through their symbols.
 */

export type SectionPairing = "name" | "normalized-name" | "ordinal";

export interface SectionCorrelation {
  /** Original section index → patched section index, or -1. */
  readonly forward: Int32Array;
  readonly backward: Int32Array;
  readonly method: readonly (SectionPairing | undefined)[];
}

/** Sections that hold program contents (not symbol tables, relocations, string tables or groups). */
export function isContentSection(view: ObjectView, index: number): boolean {
  const h = view.elf.headers;
  if (!h.has(index) || index === 0) return false;
  switch (h.type(index)) {
    case SHT.SYMTAB:
    case SHT.STRTAB:
    case SHT.REL:
    case SHT.RELA:
    case SHT.GROUP:
    case SHT.SYMTAB_SHNDX:
    case SHT.NULL:
      return false;
    default:
      return (h.flags(index) & SHF.ALLOC) !== 0;
  }
}

export function correlateSections(original: ObjectView, patched: ObjectView): SectionCorrelation {
  const forward = new Int32Array(original.elf.headers.count).fill(-1);
  const backward = new Int32Array(patched.elf.headers.count).fill(-1);
  const method: (SectionPairing | undefined)[] = new Array(original.elf.headers.count).fill(undefined);
  const buckets = new Map<string, { o: number[]; p: number[] }>();
  const add = (view: ObjectView, side: "o" | "p") => {
    for (let index = 0; index < view.elf.headers.count; index++) {
      // Sections holding functions or data pair through their symbols; only the others need pairing here.
      if (!isContentSection(view, index) || view.holdsEntities(index)) continue;
      const key = view.sectionKey(index);
      let b = buckets.get(key);
      if (!b) {
        b = { o: [], p: [] };
        buckets.set(key, b);
      }
      b[side].push(index);
    }
  };
  add(original, "o");
  add(patched, "p");
  for (const b of buckets.values()) {
    const n = Math.min(b.o.length, b.p.length);
    for (let i = 0; i < n; i++) {
      const o = b.o[i]!;
      const p = b.p[i]!;
      forward[o] = p;
      backward[p] = o;
      const same = original.sectionName(o) === patched.sectionName(p);
      method[o] = b.o.length > 1 || b.p.length > 1 ? "ordinal" : same ? "name" : "normalized-name";
    }
  }
  return { forward, backward, method };
}
