import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { diffTrees, isComparedPair, type TreeReport } from "@elfdelta/diff";
import { describe, expect, it } from "vitest";
import { renderTreeMarkdown } from "../src/render/diff-markdown.js";
import { renderSarif } from "../src/render/diff-sarif.js";
import { forTreeRendering, renderTreeText } from "../src/render/diff-text.js";
import { TreeJsonWriter } from "../src/render/json.js";
import { buildTrees, SAFE, scenario, tempDir, UNSAFE } from "./fixtures.js";
import { repoRoot, runCli } from "./run-cli.js";

/** A tree of the fixtures, with a pair where only a type changed and a pair where nothing did. */
async function fixtureTree(): Promise<TreeReport> {
  const { orig, patched } = buildTrees();
  return diffTrees(orig, patched, { jobs: 1 });
}

function written(t: TreeReport): string {
  let out = "";
  const w = new TreeJsonWriter((text) => {
    out += text;
  });
  const { pairs, summary, ...head } = t;
  w.start(head);
  for (const p of pairs) w.pair(p);
  w.end(summary);
  return out;
}

describe("a tree's report written entry by entry", () => {
  it("is the text JSON.stringify gives for the whole report, also without pairs", async () => {
    const t = await fixtureTree();
    expect(t.pairs.length).toBeGreaterThan(3);
    expect(written(t)).toBe(`${JSON.stringify(t, null, 2)}\n`);
    const empty: TreeReport = { ...t, pairs: [], summary: { ...t.summary, pairs: 0, compared: 0 } };
    expect(written(empty)).toBe(`${JSON.stringify(empty, null, 2)}\n`);
  });

  it("renders as text, Markdown and SARIF as the whole report does, with unchanged pairs kept short", async () => {
    const t = await fixtureTree();
    const kept: TreeReport = { ...t, pairs: t.pairs.map(forTreeRendering) };
    // The safe pair of the fixtures changes a function; a pair of identical objects is the one kept short.
    const same = await (async () => {
      const root = tempDir("same");
      for (const side of ["a", "b"]) mkdirSync(join(root, side));
      copyFileSync(join(repoRoot, scenario(SAFE, "orig")), join(root, "a", "x.o"));
      copyFileSync(join(repoRoot, scenario(SAFE, "orig")), join(root, "b", "x.o"));
      copyFileSync(join(repoRoot, scenario(UNSAFE, "orig")), join(root, "a", "y.o"));
      copyFileSync(join(repoRoot, scenario(UNSAFE, "patched")), join(root, "b", "y.o"));
      return diffTrees(join(root, "a"), join(root, "b"), { jobs: 1 });
    })();
    const short = same.pairs.map(forTreeRendering);
    const x = short.find((p) => p.name === "x.o")!;
    expect(isComparedPair(x) && x.functions.length + x.types.length).toBe(0);
    const y = short.find((p) => p.name === "y.o")!;
    expect(isComparedPair(y) && y.types.length).toBeGreaterThan(0);
    for (const [whole, slim] of [
      [t, kept],
      [same, { ...same, pairs: short }],
    ] as const) {
      for (const opts of [{}, { quiet: true }, { failOnWarning: true }]) {
        expect(renderTreeText(slim, opts)).toBe(renderTreeText(whole, opts));
        expect(renderTreeMarkdown(slim, opts)).toBe(renderTreeMarkdown(whole, opts));
      }
      const sarif = { cwd: repoRoot, version: "0" };
      expect(renderSarif(slim, sarif)).toBe(renderSarif(whole, sarif));
    }
  });

  it("goes to --output through a temporary file renamed into place", () => {
    const { orig, patched } = buildTrees();
    const dir = tempDir("out");
    const file = join(dir, "tree.json");
    const r = runCli(["diff", "--format", "json", "-o", file, orig, patched]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const stdout = runCli(["diff", "--format", "json", orig, patched]);
    expect(readFileSync(file, "utf8")).toBe(stdout.stdout);
    expect(readdirSync(dir)).toEqual(["tree.json"]);
    // Not a regular file: written to as it is, never renamed over (that replaced /dev/null itself as root).
    const devNull = runCli(["diff", "--format", "json", "-o", "/dev/null", orig, patched]);
    expect(devNull.status).toBe(1);
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
    // Through a symbolic link: the file it names gets the report, the link stays.
    const real = join(dir, "real.json");
    writeFileSync(real, "old\n");
    symlinkSync(real, join(dir, "link.json"));
    expect(runCli(["diff", "--format", "json", "-o", join(dir, "link.json"), orig, patched]).status).toBe(1);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe(stdout.stdout);
    rmSync(real);
    rmSync(join(dir, "link.json"));
    // A tree that cannot be diffed leaves nothing behind.
    const bad = runCli(["diff", "--format", "json", "-o", join(dir, "bad.json"), orig, join(dir, "nope")]);
    expect(bad.status).toBe(2);
    expect(existsSync(join(dir, "bad.json"))).toBe(false);
    expect(readdirSync(dir)).toEqual(["tree.json"]);
  });
});
