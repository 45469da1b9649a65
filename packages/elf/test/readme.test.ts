import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listFunctions } from "../examples/list-functions.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe("the README example", () => {
  it("is the file the test runs, word for word", () => {
    const readme = readFileSync(here("../README.md"), "utf8");
    const example = readFileSync(here("../examples/list-functions.ts"), "utf8");
    expect(readme).toContain(example.trim());
  });
  it("lists the functions of a committed object", () => {
    const lines = listFunctions(here("../../../test-objects/out/x86_64-gcc/code.fs.o"));
    expect(lines.some((l) => l.startsWith("dispatch in .text.dispatch:"))).toBe(true);
    expect(lines.every((l) => / in \.text/.test(l))).toBe(true);
  });
  it("reports a typed error for a file that is not ELF", () => {
    const lines = listFunctions(here("../README.md"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^not-elf: .*README\.md: not an ELF file/);
  });
});
