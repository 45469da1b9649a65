/**
 * Differential test of struct layouts against pahole: for every object of the committed corpus (every target,
 * both byte orders, 32 and 64 bit, gcc DWARF 2/4/5 and clang DWARF 4/5, zlib and zstd), pahole runs on the file
 * at test time and every struct, union and class it prints must agree with `readDwarf`: total size, member
 * order, names, offsets, sizes, and absolute bit offsets and widths of bit-fields, recursively through
 * anonymous members.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { listObjects } from "../../../test-objects/index.js";
import { readDwarf, readElf } from "../src/index.js";
import { compareWithPahole, parsePahole, runPahole, tryPahole } from "./dwarf/pahole.js";

/**
 * Objects not compared, and why. Every other object of `listObjects()` is compared; an object that yields no
 * struct on either side fails the test unless it is listed here.
 */
const NOT_COMPARED: ReadonlyMap<string, string> = new Map([
  // The extended-numbering stress object: 70,000 one-line functions compiled without -g. No DWARF at all
  // (pahole: "has no dwarf type information"); the test below checks that we find no types in it either.
  ["x86_64-gcc/many_sections.o", "built without -g: no DWARF"],
  ["x86_64-gcc/many_sections.o.gz", "built without -g: no DWARF"],
]);

/**
 * Structs in which pahole 1.24 prints `<ERROR(__class__fprintf...)>` instead of some members: it does not know
 * DW_TAG_atomic_type (DWARF 5), so `_Atomic` members of `struct qualified` (types.c) are dropped from its output.
 * Their other members are still compared, by name. Any other struct with pahole errors fails the test.
 */
const PAHOLE_CANNOT_PRINT: ReadonlySet<string> = new Set(["struct qualified"]);

/**
 * Objects whose sources define no aggregate: pahole prints nothing and our model has no struct either; the
 * test checks both sides are empty instead of comparing layouts.
 */
const NO_AGGREGATES = /^code\./;

let havePahole = true;
try {
  execFileSync("pahole", ["--version"], { stdio: "ignore" });
} catch {
  havePahole = false;
}
/** Only an explicit opt-out skips the comparison; a machine without pahole otherwise fails the test. */
const skip = process.env.ELFDELTA_SKIP_PAHOLE === "1";

it.skipIf(skip)("pahole is installed (Debian package dwarves; .ci/run installs it)", () => {
  expect(havePahole).toBe(true);
});

const objects = listObjects().filter((o) => !NOT_COMPARED.has(`${o.target}/${o.file}`));

describe.runIf(havePahole && !skip)("struct layouts agree with pahole", () => {
  it("finds no DWARF where pahole finds none", () => {
    for (const o of listObjects().filter(
      (x) => NOT_COMPARED.has(`${x.target}/${x.file}`) && x.file.endsWith(".o"),
    )) {
      const info = readDwarf(readElf(new Uint8Array(readFileSync(o.path)), { path: o.path }));
      expect(info.types.size).toBe(0);
      expect(tryPahole(o.path) ?? "").not.toMatch(/^(struct|union|class)\b/m);
    }
  });

  it("covers the corpus", () => {
    // The corpus must be there: a missing out/ directory must not turn this test into a silent pass.
    expect(objects.length).toBeGreaterThan(100);
    const targets = new Set(objects.map((o) => o.target));
    expect(targets.size).toBeGreaterThanOrEqual(17);
  });

  const totals = { objects: 0, structs: 0, members: 0, decompressed: 0 };
  const partial: string[] = [];
  const quirks: string[] = [];

  it.each(objects.map((o) => [`${o.target}/${o.file}`, o.path] as const))("%s", (name, path) => {
    const bytes = path.endsWith(".gz")
      ? new Uint8Array(gunzipSync(readFileSync(path)))
      : new Uint8Array(readFileSync(path));
    const info = readDwarf(readElf(bytes, { path }));
    // pahole's output is plausible when every struct name it prints is one of ours (wrong relocations show as
    // names that are not names at all).
    const names = new Set([...info.types.values()].map((t) => t.name));
    const run = runPahole(path, (text) => {
      const structs = parsePahole(text);
      return structs.length > 0 && structs.every((s) => s.name === "" || names.has(s.name));
    });
    const pahole = parsePahole(run.text);
    const cmp = compareWithPahole(info, pahole);
    const oursCount = [...info.types.values()].filter(
      (t) =>
        (t.kind === "struct" || t.kind === "union" || t.kind === "class") && !t.declaration && t.name !== "",
    ).length;
    if (NO_AGGREGATES.test(name.split("/")[1]!) && pahole.length === 0) {
      expect(oursCount, `${name}: pahole prints no struct; neither should we`).toBeLessThanOrEqual(2);
    } else {
      expect(pahole.length, `${name}: pahole printed no struct (${run.how})`).toBeGreaterThan(0);
    }
    expect(cmp.missing, `${name}: structs pahole prints that we lack`).toEqual([]);
    expect(cmp.disagreements, `${name}: layouts disagree with pahole (${run.how})`).toEqual([]);
    expect(cmp.unprinted, `${name}: named structs of ours that pahole does not print`).toEqual([]);
    totals.objects++;
    totals.structs += cmp.structs;
    totals.members += cmp.members;
    if (run.how !== "direct") totals.decompressed++;
    partial.push(...cmp.paholeErrors.map((s) => `${name}: ${s}`));
    quirks.push(...cmp.quirks.map((q) => `${name}: ${q}`));
  });

  it("summary", () => {
    // Printed for the record: how much was compared, and where pahole itself could not print every member.
    console.log(
      `pahole comparison: ${totals.objects} objects, ${totals.structs} structs/unions, ${totals.members} members, ` +
        `${totals.decompressed} objects decompressed or linked first; pahole <ERROR> in ${partial.length} structs ` +
        `(compared by name); ${quirks.length} members where pahole prints size 0 for an array of member-less structs`,
    );
    const erroring = new Set(partial.map((p) => p.slice(p.indexOf(": ") + 2)));
    console.log(`structs where pahole printed <ERROR>: ${[...erroring].join(", ")}`);
    for (const e of erroring) expect(PAHOLE_CANNOT_PRINT.has(e), `pahole <ERROR> in ${e}`).toBe(true);
    if (totals.objects === objects.length) expect(totals.structs).toBeGreaterThan(10_000);
  });
});
