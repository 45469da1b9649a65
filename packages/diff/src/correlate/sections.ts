import { SHF, SHT } from "@elfdelta/elf";
import type { ObjectView } from "../object.js";
import { KeyTable } from "./keytable.js";

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
  /** Original section index → how it was paired (made when first read). */
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

/** The original sections under one key when there are several, and the patched ones that share it. */
interface Bucket {
  readonly o: number[];
  readonly p: number[];
}

export function correlateSections(original: ObjectView, patched: ObjectView): SectionCorrelation {
  const forward = new Int32Array(original.elf.headers.count).fill(-1);
  const backward = new Int32Array(patched.elf.headers.count).fill(-1);
  /** By original section: paired by ordinal, several sections of one side sharing its key. */
  const ordinal = new Uint8Array(original.elf.headers.count);
  // Only the original side is indexed: a patched section pairs as soon as it is looked up, when one original
  // section has its key (the usual case), so that nothing is made per key of the other side.
  const unheld = unheldSections(original);
  const table = new KeyTable(unheld.length);
  /** By the first original section of a key, when others share the key (rare). */
  const shared = new Map<number, Bucket>();
  for (let i = 0; i < unheld.length; i++) {
    const o = unheld[i]!;
    const first = table.add(0, original.sectionKey(o), i);
    if (first < 0) continue;
    const head = unheld[first]!;
    const b = shared.get(head);
    if (b) b.o.push(o);
    else shared.set(head, { o: [head, o], p: [] });
  }
  const buckets: Bucket[] = [];
  for (let p = 0; p < patched.elf.headers.count; p++) {
    if (!isUnheld(patched, p)) continue;
    const first = table.find(0, patched.sectionKey(p));
    if (first < 0) continue;
    const o = unheld[first]!;
    const b = shared.size > 0 ? shared.get(o) : undefined;
    if (b) {
      if (b.p.length === 0) buckets.push(b);
      b.p.push(p);
    } else if (forward[o]! < 0) {
      forward[o] = p;
      backward[p] = o;
    } else {
      // Sections come in index order: the first with the key stays paired.
      ordinal[o] = 1;
    }
  }
  for (const b of buckets) {
    const n = Math.min(b.o.length, b.p.length);
    for (let i = 0; i < n; i++) {
      const o = b.o[i]!;
      const p = b.p[i]!;
      forward[o] = p;
      backward[p] = o;
      ordinal[o] = 1;
    }
  }
  // Made when first read (nothing in a diff reads it): an array as long as the section table, and both
  // names of every pair to compare, cost more than the pairing on objects with 100,000s of sections.
  let method: (SectionPairing | undefined)[] | undefined;
  return {
    forward,
    backward,
    get method() {
      method ??= pairingMethods(original, patched, forward, ordinal);
      return method;
    },
  };
}

/** Every content section no listed symbol lives in, in index order. */
function unheldSections(view: ObjectView): number[] {
  const out: number[] = [];
  for (let index = 0; index < view.elf.headers.count; index++) if (isUnheld(view, index)) out.push(index);
  return out;
}

/** Sections holding functions or data pair through their symbols; only the others need pairing here. */
function isUnheld(view: ObjectView, index: number): boolean {
  return isContentSection(view, index) && !view.holdsEntities(index);
}

function pairingMethods(
  original: ObjectView,
  patched: ObjectView,
  forward: Int32Array,
  ordinal: Uint8Array,
): (SectionPairing | undefined)[] {
  const method: (SectionPairing | undefined)[] = new Array(forward.length).fill(undefined);
  for (let o = 0; o < forward.length; o++) {
    const p = forward[o]!;
    if (p < 0) continue;
    if (ordinal[o] === 1) method[o] = "ordinal";
    else method[o] = original.sectionName(o) === patched.sectionName(p) ? "name" : "normalized-name";
  }
  return method;
}
