/**
 * Small kernel-style objects for the kernel-profile tests: functions in their own `.text.<name>` sections
 * (as with -ffunction-sections), plus whatever special sections a test adds, built with build-object.ts.
 */
import {
  buildObject,
  DATA,
  type ObjectSpec,
  type RelocSpec,
  type SectionSpec,
  SHF_ALLOC,
  SHF_MERGE,
  SHF_STRINGS,
  type SymSpec,
  TEXT,
} from "./build-object.js";

export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_LOONGARCH = 258;

export const R_X86_64_32S = 11;
export const R_X86_64_PC64 = 24;
export const R_PPC64_ADDR64 = 38;
export const R_PPC64_REL24 = 10;
export const R_PPC64_REL32 = 26;
export const R_390_64 = 22;
export const R_390_PC32 = 5;
export const R_390_PLT32DBL = 20;
export const R_AARCH64_ABS64 = 257;
export const R_AARCH64_CALL26 = 283;
export const R_LARCH_64 = 2;
export const R_LARCH_B26 = 66;

export interface Fn {
  name: string;
  code: Uint8Array;
  relocs?: RelocSpec[];
  bind?: "GLOBAL" | "LOCAL" | "WEAK";
  /** Default `.text.<name>`. */
  section?: string;
}

export interface KernelSpec {
  machine?: number;
  littleEndian?: boolean;
  functions: Fn[];
  sections?: SectionSpec[];
  symbols?: SymSpec[];
  /** Undefined symbols (callees, keys). */
  externals?: string[];
}

export function kernelObject(spec: KernelSpec): Uint8Array {
  const sections: SectionSpec[] = [];
  const symbols: SymSpec[] = [];
  for (const f of spec.functions) {
    const section = f.section ?? `.text.${f.name}`;
    sections.push({ name: section, flags: TEXT, data: f.code, relocs: f.relocs ?? [] });
    symbols.push({ name: f.name, section, type: "FUNC", size: f.code.length, bind: f.bind ?? "GLOBAL" });
  }
  sections.push(...(spec.sections ?? []));
  symbols.push(...(spec.symbols ?? []));
  for (const x of spec.externals ?? []) symbols.push({ name: x, section: "UND" });
  const o: ObjectSpec = {
    machine: spec.machine ?? EM_X86_64,
    littleEndian: spec.littleEndian ?? true,
    sections,
    symbols,
  };
  return buildObject(o);
}

export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function words(le: boolean, ...ws: number[]): Uint8Array {
  return new Uint8Array(ws.flatMap((w) => (le ? le32(w) : be32(w))));
}

/** A mergeable string section (`.rodata.str1.1`). */
export function strings(name: string, ...texts: string[]): SectionSpec {
  const out: number[] = [];
  for (const t of texts) out.push(...new TextEncoder().encode(t), 0);
  return { name, flags: SHF_ALLOC | SHF_MERGE | SHF_STRINGS, entsize: 1, data: new Uint8Array(out) };
}

/** A writable data section of `n` zero bytes with the given relocations. */
export function table(
  name: string,
  n: number,
  relocs: RelocSpec[],
  init?: (b: Uint8Array) => void,
): SectionSpec {
  const data = new Uint8Array(n);
  init?.(data);
  return { name, flags: DATA, data, relocs };
}
