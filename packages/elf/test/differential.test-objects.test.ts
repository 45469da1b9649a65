// Differential test: our dump vs llvm-readobj-19 on every object under test-objects/out/ (see readobj.ts),
// scenarios and the extended-numbering object (many_sections.o, possibly committed as .o.gz) included.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listObjects, listScenarioObjects } from "../../../test-objects/index.js";
import {
  addCounts,
  type Counts,
  compareFiles,
  Disagreements,
  formatCounts,
  listObjectFiles,
  newCounts,
  readObjectFile,
  requireReadobj,
} from "./readobj.js";

const OUT = fileURLToPath(new URL("../../../test-objects/out/", import.meta.url));

describe("dump agrees with llvm-readobj-19 on every test object", () => {
  it("test-objects/out/**/*.o", async () => {
    requireReadobj();
    const paths = listObjectFiles(OUT);
    expect(paths.length, "no test objects under test-objects/out: run test-objects/build.sh").toBeGreaterThan(
      500,
    );
    // The corpus helpers list nothing this walk misses.
    const walked = new Set(paths);
    for (const o of [...listObjects(), ...listScenarioObjects()])
      expect(walked.has(o.path), o.path).toBe(true);

    const tmp = mkdtempSync(join(tmpdir(), "elfdelta-differential-"));
    try {
      const files = paths.map((p, i) => {
        const bytes = readObjectFile(p);
        let readobjPath = p;
        if (p.endsWith(".gz")) {
          // llvm-readobj reads files: give it the decompressed copy of what we parse.
          readobjPath = join(tmp, `${i}-${basename(p, ".gz")}`);
          writeFileSync(readobjPath, bytes);
        }
        return { readobjPath, label: relative(OUT, p), bytes };
      });
      const perTarget = new Map<string, Counts>();
      let maxSections = 0;
      const dis = new Disagreements();
      const total = await compareFiles(
        files,
        (label, c) => {
          const target = label.split(sep)[0]!;
          let t = perTarget.get(target);
          if (!t) {
            t = newCounts();
            perTarget.set(target, t);
          }
          addCounts(t, c);
          maxSections = Math.max(maxSections, c.sections);
        },
        dis,
      );
      for (const [target, c] of perTarget) console.log(formatCounts(target, c));
      console.log(formatCounts("all test objects", total));
      expect(dis.total, dis.summary()).toBe(0);
      expect(total.objects).toBe(paths.length);
      expect(total.relocations).toBeGreaterThan(10_000);
      // The extended-numbering object (e_shnum = 0, more than 0xff00 sections) was compared.
      expect(maxSections).toBeGreaterThan(0xff00);
      // REL targets had their implicit addends checked.
      for (const t of ["i686-gcc", "armhf-gcc", "mips-gcc"]) {
        if (perTarget.has(t)) expect(perTarget.get(t)!.relAddends, t).toBeGreaterThan(100);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
