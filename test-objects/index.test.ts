// Sanity checks of the committed corpus and of index.ts (independent of the elf package).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listObjects, listScenarioObjects, objectPath, targets, testObjectsDir } from "./index.js";

// [EI_CLASS, EI_DATA, e_machine] per architecture prefix of the target name.
const expected: Record<string, [number, number, number]> = {
  x86_64: [2, 1, 62],
  aarch64: [2, 1, 183],
  ppc64le: [2, 1, 21],
  ppc64: [2, 2, 21],
  s390x: [2, 2, 22],
  riscv64: [2, 1, 243],
  loongarch64: [2, 1, 258],
  i686: [1, 1, 3],
  armhf: [1, 1, 40],
  mips: [1, 2, 8],
};

function header(path: string) {
  const b = readFileSync(path);
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const is64 = b[4] === 2;
  return {
    magic: b.subarray(0, 4).toString("latin1"),
    cls: b[4],
    data: b[5],
    type: u16(16),
    machine: u16(18),
    shnum: u16(is64 ? 60 : 48),
    shstrndx: u16(is64 ? 62 : 50),
  };
}

describe("test-objects", () => {
  it("exposes an absolute directory", () => {
    expect(testObjectsDir.startsWith("/") || /^[A-Za-z]:/.test(testObjectsDir)).toBe(true);
    expect(readFileSync(`${testObjectsDir}/build.sh`, "utf8")).toContain("set -euo pipefail");
  });

  it("lists objects for every target, excluding scenarios", () => {
    const objs = listObjects();
    for (const t of targets) {
      const files = objs.filter((o) => o.target === t).map((o) => o.file);
      expect(files).toContain("types.fs.o");
      expect(files).toContain("structs_gen.zstd.o");
      expect(files).toContain("code.common.o");
    }
    expect(objs.some((o) => o.path.includes("/scenarios/"))).toBe(false);
  });

  it("has the class, data encoding and machine each target promises", () => {
    for (const o of listObjects()) {
      if (o.file.endsWith(".gz")) continue;
      const arch = o.target.slice(0, o.target.lastIndexOf("-"));
      const want = expected[arch];
      expect(want, o.target).toBeDefined();
      const h = header(o.path);
      expect(h.magic, o.path).toBe("\x7fELF");
      expect([h.cls, h.data, h.machine], o.path).toEqual(want);
      expect(h.type, o.path).toBe(1); // ET_REL
    }
  });

  it("has an object that needs extended section numbering", () => {
    const h = header(`${testObjectsDir}/out/x86_64-gcc/many_sections.o`);
    expect(h.shnum).toBe(0);
    expect(h.shstrndx).toBe(0xffff);
  });

  it("builds scenario objects in pairs", () => {
    const scen = listScenarioObjects();
    for (const s of scen) {
      const other = s.side === "orig" ? "patched" : "orig";
      expect(
        scen.some(
          (x) =>
            x.target === s.target && x.scenario === s.scenario && x.variant === s.variant && x.side === other,
        ),
        s.path,
      ).toBe(true);
    }
    expect(objectPath("mips-gcc", "types", "dwarf4")).toBe(`${testObjectsDir}/out/mips-gcc/types.dwarf4.o`);
  });
});
