// Differential test against a second, independent JavaScript ELF reader: the npm package `elfinfo` 0.4.0-beta.
//
// elfinfo is not trusted blindly. An object counts as one "elfinfo parses correctly" only when a sanity check that
// does not involve our reader passes:
//   1. `open()` reports success with no errors;
//   2. its section count equals e_shnum read straight from the ELF header bytes here (and e_shnum is not 0);
//   3. its section names and its `.symtab` symbol count and names equal llvm-readobj-19's.
// On those objects our sections and `.symtab` symbols (and the relocations elfinfo decodes) must agree with
// elfinfo field by field. The objects where elfinfo fails are listed with the reason, and counted.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readElf } from "@elfdelta/elf";
import { open as elfinfoOpen } from "elfinfo";
import { describe, expect, it } from "vitest";
import { dumpElf } from "../../cli/src/commands/dump.js";
import { forEachReadobjDoc, listObjectFiles, type RoDoc, readObjectFile, requireReadobj } from "./readobj.js";

const OUT = fileURLToPath(new URL("../../../test-objects/out/", import.meta.url));

type ElfinfoResult = Awaited<ReturnType<typeof elfinfoOpen>>;
type ElfinfoElf = NonNullable<ElfinfoResult["elf"]>;
type ElfinfoSection = ElfinfoElf["sections"][number];
interface ElfinfoSymbol {
  name: string;
  value: number | bigint;
  size: number;
  type: number;
  binding: number;
  other: number;
  shndx: number;
}
interface ElfinfoRelocation {
  addr: number | bigint;
  addend?: number | bigint;
  symbolIndex: number;
  type: number;
}

/** elfinfo names a section whose sh_name is 0 "<null>" (llvm-readobj and we: ""). */
const ELFINFO_NULL_SECTION_NAME = "<null>";

/** e_shnum straight from the header bytes (not via our reader). */
function headerShnum(b: Uint8Array): number {
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(is64 ? 60 : 48, le);
}

/** Returns why elfinfo's reading of this object cannot be trusted, or undefined when it passes the sanity check. */
function sanity(r: ElfinfoResult, bytes: Uint8Array, ro: RoDoc): string | undefined {
  if (!r.success || !r.elf) return `open() failed: ${r.errors.join("; ")}`;
  if (r.errors.length) return `errors: ${r.errors.join("; ")}`;
  const shnum = headerShnum(bytes);
  const secs = r.elf.sections;
  if (shnum === 0)
    return `e_shnum is 0 (extended numbering: ${ro.sections.length} sections); elfinfo read ${secs.length}`;
  if (secs.length !== shnum) return `${secs.length} sections, e_shnum says ${shnum}`;
  for (let i = 0; i < secs.length; i++) {
    const s = secs[i]!;
    const name = s.nameix === 0 && s.name === ELFINFO_NULL_SECTION_NAME ? "" : s.name;
    if (name !== ro.sections[i]?.name)
      return `section ${i} named ${JSON.stringify(s.name)}, llvm-readobj ${JSON.stringify(ro.sections[i]?.name)}`;
  }
  const symtab = symtabOf(secs);
  const syms = symtab?.symbols ?? [];
  if (syms.length !== ro.symbols.length) return `${syms.length} symbols, llvm-readobj ${ro.symbols.length}`;
  for (let i = 0; i < syms.length; i++) {
    const t = ro.symbols[i]!;
    // llvm-readobj prints an STT_SECTION symbol with st_name 0 under its section's name (see QUIRKS in readobj.ts).
    const expect = t.typeValue === 3 && t.nameOffset === 0 ? "" : t.name;
    if (syms[i]!.name !== expect)
      return `symbol ${i} named ${JSON.stringify(syms[i]!.name)}, llvm-readobj ${JSON.stringify(expect)}`;
  }
  return undefined;
}

function symtabOf(secs: readonly ElfinfoSection[]): { index: number; symbols: ElfinfoSymbol[] } | undefined {
  const s = secs.find((x) => x.type === 2);
  if (!s) return undefined;
  return { index: s.index, symbols: (s as unknown as { symbols?: ElfinfoSymbol[] }).symbols ?? [] };
}

describe("our reader agrees with elfinfo 0.4.0-beta where elfinfo parses correctly", () => {
  it("test-objects/out/**/*.o", async () => {
    requireReadobj();
    const paths = listObjectFiles(OUT);
    expect(paths.length, "no test objects under test-objects/out: run test-objects/build.sh").toBeGreaterThan(
      500,
    );
    const tmp = mkdtempSync(join(tmpdir(), "elfdelta-elfinfo-"));
    const failures = new Map<string, string>();
    const disagreements: string[] = [];
    const counts = { objects: 0, sections: 0, symbols: 0, relocations: 0 };
    let elfinfoMs = 0;
    try {
      const files = paths.map((p, i) => {
        const bytes = readObjectFile(p);
        let readobjPath = p;
        if (p.endsWith(".gz")) {
          readobjPath = join(tmp, `${i}-${basename(p, ".gz")}`);
          writeFileSync(readobjPath, bytes);
        }
        return { readobjPath, label: relative(OUT, p), bytes };
      });
      const docs: RoDoc[] = [];
      // llvm-readobj's sections and symbols, for the sanity check.
      await forEachReadobjDoc(
        files.map((f) => f.readobjPath),
        (ro, i) => {
          docs[i] = ro;
        },
        ["--elf-output-style=JSON", "--sections", "--symbols"],
      );
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const ro = docs[i]!;
        const t0 = performance.now();
        const r = await elfinfoOpen(f.bytes);
        elfinfoMs += performance.now() - t0;
        const why = sanity(r, f.bytes, ro);
        if (why !== undefined) {
          failures.set(f.label, why);
          continue;
        }
        const e = r.elf!;
        const elf = readElf(f.bytes, { path: f.label });
        const d = dumpElf(elf);
        const bad = (what: string, ours: unknown, theirs: unknown) => {
          const show = (v: unknown) => (typeof v === "bigint" ? `${v}` : JSON.stringify(v));
          if (disagreements.length < 300)
            disagreements.push(`${f.label}: ${what}: ours ${show(ours)}, elfinfo ${show(theirs)}`);
          else disagreements.length++;
        };
        counts.objects++;
        // Sections
        if (d.sections.length !== e.sections.length)
          bad("section count", d.sections.length, e.sections.length);
        for (let k = 0; k < Math.min(d.sections.length, e.sections.length); k++) {
          const o = d.sections[k]!;
          const t = e.sections[k]!;
          const w = `section ${k}`;
          counts.sections++;
          if (o.index !== t.index) bad(`${w} index`, o.index, t.index);
          const tname = t.nameix === 0 && t.name === ELFINFO_NULL_SECTION_NAME ? "" : t.name;
          if (o.name !== tname) bad(`${w} name`, o.name, t.name);
          if (elf.sections[k]!.type !== t.type) bad(`${w} type`, elf.sections[k]!.type, t.type);
          if (o.flags !== t.flags) bad(`${w} flags`, o.flags, t.flags);
          if (BigInt(o.address) !== BigInt(t.addr)) bad(`${w} address`, o.address, t.addr);
          if (o.offset !== t.offset) bad(`${w} offset`, o.offset, t.offset);
          if (o.size !== t.size) bad(`${w} size`, o.size, t.size);
          if (o.link !== t.link) bad(`${w} link`, o.link, t.link);
          if (o.info !== t.info) bad(`${w} info`, o.info, t.info);
          if (o.addralign !== t.addralign) bad(`${w} addralign`, o.addralign, t.addralign);
          if (o.entsize !== t.entsize) bad(`${w} entsize`, o.entsize, t.entsize);
        }
        // Symbols (.symtab)
        const es = symtabOf(e.sections)?.symbols ?? [];
        if (d.symbols.length !== es.length) bad("symbol count", d.symbols.length, es.length);
        for (let k = 0; k < Math.min(d.symbols.length, es.length); k++) {
          const o = d.symbols[k]!;
          const raw = elf.symbols[k]!;
          const t = es[k]!;
          const w = `symbol ${k}`;
          counts.symbols++;
          if (o.name !== t.name) bad(`${w} name`, o.name, t.name);
          if (BigInt(o.value) !== BigInt(t.value)) bad(`${w} value`, o.value, t.value);
          if (o.size !== t.size) bad(`${w} size`, o.size, t.size);
          if (raw.type !== t.type) bad(`${w} type`, raw.type, t.type);
          if (raw.bind !== t.binding) bad(`${w} bind`, raw.bind, t.binding);
          if (raw.other !== t.other) bad(`${w} st_other`, raw.other, t.other);
          // elfinfo keeps st_shndx as stored (it does not resolve SHN_XINDEX).
          if (raw.shndxRaw !== t.shndx) bad(`${w} st_shndx`, raw.shndxRaw, t.shndx);
          const expSection =
            t.shndx === 0 ? "UND" : t.shndx === 0xfff1 ? "ABS" : t.shndx === 0xfff2 ? "COMMON" : t.shndx;
          if (t.shndx !== 0xffff && o.section !== expSection) bad(`${w} section`, o.section, t.shndx);
        }
        // Relocations elfinfo decodes (offset, type, symbol; the addend of RELA only: it does not decode REL's).
        const bySection = new Map<number, typeof d.relocations>();
        for (const x of d.relocations) {
          const list = bySection.get(x.section);
          if (list) list.push(x);
          else bySection.set(x.section, [x]);
        }
        for (const t of e.sections) {
          const rels = (t as unknown as { relocations?: ElfinfoRelocation[] }).relocations;
          if (!rels) continue;
          const ours = bySection.get(t.index) ?? [];
          if (ours.length !== rels.length)
            bad(`relocation section ${t.index} count`, ours.length, rels.length);
          for (let k = 0; k < Math.min(ours.length, rels.length); k++) {
            const o = ours[k]!;
            const x = rels[k]!;
            const w = `relocation section ${t.index} #${k}`;
            counts.relocations++;
            if (BigInt(o.offset) !== BigInt(x.addr)) bad(`${w} offset`, o.offset, x.addr);
            if (o.typeCode !== x.type) bad(`${w} type`, o.typeCode, x.type);
            if (o.symbol !== x.symbolIndex) bad(`${w} symbol`, o.symbol, x.symbolIndex);
            if (x.addend !== undefined && BigInt(o.addend) !== BigInt(x.addend))
              bad(`${w} addend`, o.addend, x.addend);
          }
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    console.log(
      `elfinfo agrees with us on ${counts.objects} of ${paths.length} test objects: ` +
        `${counts.sections} sections, ${counts.symbols} symbols, ${counts.relocations} relocations compared ` +
        `(elfinfo took ${(elfinfoMs / 1000).toFixed(1)} s in all)`,
    );
    console.log(
      `elfinfo fails its sanity check on ${failures.size} objects:\n` +
        [...failures].map(([f, why]) => `  ${f}: ${why}`).join("\n"),
    );
    expect(disagreements, disagreements.join("\n")).toEqual([]);
    // A broken harness must not pass by trusting elfinfo on nothing.
    expect(counts.objects).toBeGreaterThan(paths.length / 2);
    expect(counts.symbols).toBeGreaterThan(10_000);
    // Known elfinfo failure: extended section numbering (e_shnum = 0) gives zero sections.
    const many = [...failures].filter(([f]) => basename(f).startsWith("many_sections"));
    expect(many.length, "the extended-numbering object is expected to defeat elfinfo").toBeGreaterThan(0);
    for (const [, why] of many) expect(why).toMatch(/e_shnum is 0/);
  });
});
