// Helpers for tests that read the committed test-object corpus (see README.md).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the test-objects/ directory. */
export const testObjectsDir: string = fileURLToPath(new URL(".", import.meta.url)).replace(/[\\/]$/, "");

/** Absolute path of test-objects/out/. */
export const outDir: string = join(testObjectsDir, "out");

/** Every target directory that build.sh writes (out/<target>/). */
export const targets: readonly string[] = Object.freeze([
  "x86_64-gcc",
  "aarch64-gcc",
  "ppc64le-gcc",
  "ppc64-gcc",
  "s390x-gcc",
  "riscv64-gcc",
  "i686-gcc",
  "armhf-gcc",
  "mips-gcc",
  "x86_64-clang",
  "aarch64-clang",
  "riscv64-clang",
  "loongarch64-clang",
  "ppc64le-clang",
  "s390x-clang",
  "i686-clang",
  "armhf-clang",
]);

/** Variant names used in out/<target>/<stem>.<variant>.o. */
export const variants: readonly string[] = Object.freeze([
  "fs",
  "nofs",
  "dwarf4",
  "zlib",
  "zstd",
  "common",
  "dwarf2strict",
]);

export interface TestObject {
  /** Target directory name, e.g. "aarch64-gcc". */
  target: string;
  /** File name inside out/<target>/, e.g. "types.dwarf4.o" or "many_sections.o". */
  file: string;
  /** Absolute path. */
  path: string;
}

const isObject = (name: string): boolean => name.endsWith(".o") || name.endsWith(".o.gz");

function sortedEntries(dir: string) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/**
 * Every object directly under out/<target>/ (scenario objects are excluded), sorted by target
 * directory name then file name.  Includes `.o.gz` files, which callers gunzip themselves.
 */
export function listObjects(): TestObject[] {
  const result: TestObject[] = [];
  if (!existsSync(outDir)) return result;
  for (const t of sortedEntries(outDir)) {
    if (!t.isDirectory()) continue;
    const targetDir = join(outDir, t.name);
    for (const f of sortedEntries(targetDir)) {
      if (f.isFile() && isObject(f.name)) {
        result.push({ target: t.name, file: f.name, path: join(targetDir, f.name) });
      }
    }
  }
  return result;
}

/** Absolute path of out/<target>/<stem>.<variant>.o (whether or not it exists). */
export function objectPath(target: string, stem: string, variant = "fs"): string {
  return join(outDir, target, `${stem}.${variant}.o`);
}

export interface ScenarioObject {
  target: string;
  /** Scenario directory name, e.g. "body-change". */
  scenario: string;
  side: "orig" | "patched";
  /** "fs", or "nofs" when the scenario's build.json asks for it. */
  variant: string;
  /** Absolute path of out/<target>/scenarios/<scenario>/<side>.<variant>.o. */
  path: string;
}

/** Every scenario object under out/<target>/scenarios/, sorted by target, scenario, file name. */
export function listScenarioObjects(): ScenarioObject[] {
  const result: ScenarioObject[] = [];
  if (!existsSync(outDir)) return result;
  for (const t of sortedEntries(outDir)) {
    const scenDir = join(outDir, t.name, "scenarios");
    if (!t.isDirectory() || !existsSync(scenDir)) continue;
    for (const s of sortedEntries(scenDir)) {
      if (!s.isDirectory()) continue;
      for (const f of sortedEntries(join(scenDir, s.name))) {
        const m = /^(orig|patched)\.([A-Za-z0-9]+)\.o$/.exec(f.name);
        if (!f.isFile() || m === null) continue;
        result.push({
          target: t.name,
          scenario: s.name,
          side: m[1] === "orig" ? "orig" : "patched",
          variant: m[2] ?? "",
          path: join(scenDir, s.name, f.name),
        });
      }
    }
  }
  return result;
}
