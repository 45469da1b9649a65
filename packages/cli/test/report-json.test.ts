import { join } from "node:path";
import { diffObjects, type Report } from "@elfdelta/diff";
import { describe, expect, it } from "vitest";
import { writeReportJson } from "../src/render/json.js";
import { pair, SAFE, UNSAFE, WARNS } from "./fixtures.js";
import { repoRoot } from "./run-cli.js";

function written(r: Report): { text: string; writes: number[] } {
  let text = "";
  const writes: number[] = [];
  writeReportJson(r, (t) => {
    text += t;
    writes.push(t.length);
  });
  return { text, writes };
}

const report = (name: string, target?: string): Report => {
  const [o, p] = pair(name, target).map((f) => join(repoRoot, f));
  return diffObjects(o!, p!);
};

describe("a pair's report written entry by entry", () => {
  it("is the text JSON.stringify gives for the whole report", () => {
    for (const [name, target] of [
      [SAFE, undefined],
      [UNSAFE, undefined],
      [WARNS, undefined],
      [UNSAFE, "aarch64-gcc"],
      [SAFE, "s390x-gcc"],
    ] as const) {
      const r = report(name, target);
      expect(r.functions.length + r.data.length).toBeGreaterThan(0);
      expect(written(r).text).toBe(`${JSON.stringify(r, null, 2)}\n`);
    }
  });

  it("writes lists that are empty, fields left out and holes in a list as JSON.stringify does", () => {
    const r = report(UNSAFE);
    const odd = {
      ...r,
      functions: [],
      data: [undefined, ...r.data, () => 0],
      profile: undefined,
    } as unknown as Report;
    const { text } = written(odd);
    expect(text).toBe(`${JSON.stringify(odd, null, 2)}\n`);
    expect(text).toContain('"functions": [],');
    expect(text).not.toContain('"profile"');
    expect(written({} as Report).text).toBe("{}\n");
  });

  it("gathers the entries of a long list into writes of at least 64 KiB", () => {
    const r = report(SAFE);
    const one = r.functions[0]!;
    const many = Array.from({ length: 5_000 }, (_, i) => ({ ...one, name: `${one.name}_${i}` }));
    const big: Report = { ...r, functions: many };
    const { text, writes } = written(big);
    expect(text).toBe(`${JSON.stringify(big, null, 2)}\n`);
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.slice(0, -1).every((n) => n >= 65_536)).toBe(true);
  });
});
