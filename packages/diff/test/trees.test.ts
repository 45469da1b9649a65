import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ElfError } from "@elfdelta/elf";
import { describe, expect, it } from "vitest";
import {
  type ComparedPair,
  DiffUsageError,
  diffObjects,
  diffOutputJsonSchema,
  diffTrees,
  isComparedPair,
  planTree,
  streamTree,
  type TreeHead,
  type TreePair,
  TreeReport,
} from "../src/index.js";
import { runTree } from "../src/trees.js";
import { writeArchive } from "./archive.js";

const SCHEMA = new URL("../schema/diff-output.schema.json", import.meta.url);
const obj = (name: string, side: "orig" | "patched") =>
  new URL(`../../../test-objects/out/x86_64-gcc/scenarios/${name}/${side}.fs.o`, import.meta.url).pathname;

function place(root: string, rel: string, from: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  copyFileSync(from, join(root, rel));
}

/** orig/ and patched/ build directories: a safe pair, an unsafe pair in a subdirectory, one object per side only, a truncated object. */
function buildDirs(): { a: string; b: string } {
  const root = mkdtempSync(join(tmpdir(), "elfdelta-tree-"));
  const a = join(root, "orig");
  const b = join(root, "patched");
  place(a, "net/new-fn.o", obj("new-function", "orig"));
  place(b, "net/new-fn.o", obj("new-function", "patched"));
  place(a, "core/conn.o", obj("struct-member-inserted-middle", "orig"));
  place(b, "core/conn.o", obj("struct-member-inserted-middle", "patched"));
  place(a, "old.o", obj("body-change", "orig"));
  place(b, "fresh.o", obj("body-change", "patched"));
  writeFileSync(join(a, "cut.o"), readFileSync(obj("body-change", "orig")).subarray(0, 3000));
  place(b, "cut.o", obj("body-change", "patched"));
  writeFileSync(join(a, "README"), "not an object: skipped\n");
  return { a, b };
}

describe("diffTrees", () => {
  it("has the JSON Schema of its output committed and up to date (regenerate: pnpm --filter @elfdelta/diff schema)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA, "utf8")) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(diffOutputJsonSchema())));
  });

  it("pairs two build directories by relative path, on worker threads", async () => {
    const { a, b } = buildDirs();
    const progress: string[] = [];
    const t = await diffTrees(a, b, { jobs: 2, onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
    TreeReport.parse(t);
    expect(t.kind).toBe("directory");
    const by = new Map(t.pairs.map((p) => [p.name, p]));
    expect([...by.keys()]).toEqual(["core/conn.o", "cut.o", "fresh.o", "net/new-fn.o", "old.o"]);
    expect((by.get("core/conn.o") as ComparedPair).verdict).toBe("unsupported");
    expect((by.get("net/new-fn.o") as ComparedPair).verdict).toBe("safe");
    expect(by.get("fresh.o")).toEqual({ name: "fresh.o", status: "new", patched: join(b, "fresh.o") });
    expect(by.get("old.o")).toEqual({ name: "old.o", status: "removed", original: join(a, "old.o") });
    expect(by.get("cut.o")).toMatchObject({ status: "error", error: { file: join(a, "cut.o") } });
    expect(t.summary).toMatchObject({
      pairs: 5,
      compared: 2,
      safe: 1,
      unsupported: 1,
      new: 1,
      removed: 1,
      errors: 1,
      verdict: "unsupported",
    });
    expect(progress).toEqual(["1/3", "2/3", "3/3"]);
  });

  it("gives the same reports in this thread and on workers", async () => {
    const { a, b } = buildDirs();
    const one = await diffTrees(a, b, { jobs: 1 });
    const many = await diffTrees(a, b, { jobs: 3 });
    expect(many).toEqual(one);
  });

  it("gives the same reports when every pair is diffed on a worker", async () => {
    // diffTrees diffs pairs in this thread too, which can take all three before a worker has started:
    // runTree(..., false) leaves them all to the workers.
    const { a, b } = buildDirs();
    const progress: number[] = [];
    const one = await diffTrees(a, b, { jobs: 1 });
    const workers = await runTree(a, b, { jobs: 2, onProgress: (p) => progress.push(p.done) }, false);
    expect(workers).toEqual(one);
    expect(progress).toEqual([1, 2, 3]);
  });

  it("rejects with what onProgress throws, also when a worker's report calls it", async () => {
    const { a, b } = buildDirs();
    const onProgress = () => {
      throw new Error("stop here");
    };
    await expect(diffTrees(a, b, { jobs: 1, onProgress })).rejects.toThrow("stop here");
    await expect(runTree(a, b, { jobs: 1, onProgress }, false)).rejects.toThrow("stop here");
  });

  it("pairs archive members by name, and duplicates by position", async () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-ar-"));
    const read = (n: string, s: "orig" | "patched") => readFileSync(obj(n, s));
    writeArchive(join(dir, "orig.a"), [
      ["conn.o", read("struct-member-inserted-middle", "orig")],
      ["dup.o", read("new-function", "orig")],
      ["dup.o", read("struct-member-inserted-middle", "orig")],
      ["gone.o", read("body-change", "orig")],
    ]);
    writeArchive(join(dir, "patched.a"), [
      ["dup.o", read("new-function", "patched")],
      ["conn.o", read("struct-member-inserted-middle", "patched")],
      ["dup.o", read("struct-member-inserted-middle", "patched")],
    ]);
    const t = await diffTrees(join(dir, "orig.a"), join(dir, "patched.a"), { jobs: 2 });
    expect(t.kind).toBe("archive");
    const names = t.pairs.map((p) => [p.name, isComparedPair(p) ? p.verdict : p.status]);
    expect(names).toEqual([
      ["conn.o", "unsupported"],
      ["dup.o", "safe"],
      ["dup.o[2]", "unsupported"],
      ["gone.o", "removed"],
    ]);
    const dup = t.pairs[1] as ComparedPair;
    expect(dup.original.path).toBe(`${join(dir, "orig.a")}(dup.o)`);
    // Members reach the workers through shared memory: the same reports as in this thread.
    const workers = await runTree(join(dir, "orig.a"), join(dir, "patched.a"), { jobs: 2 }, false);
    expect(workers).toEqual(await diffTrees(join(dir, "orig.a"), join(dir, "patched.a"), { jobs: 1 }));
  });

  it("streams the entries in the tree report's order, each as soon as those before it are done", async () => {
    const { a, b } = buildDirs();
    const whole = await diffTrees(a, b, { jobs: 1 });
    for (const jobs of [1, 3]) {
      const events: string[] = [];
      const sent: TreePair[] = [];
      let head: TreeHead | undefined;
      const rest = await streamTree(
        a,
        b,
        { jobs, onProgress: (p) => events.push(`done ${p.name}`) },
        {
          start: (h) => {
            head = h;
            events.push("start");
          },
          pair: (p) => {
            sent.push(p);
            events.push(`sent ${p.name}`);
          },
        },
      );
      expect({ ...head, pairs: sent, summary: rest.summary }, `jobs ${jobs}`).toEqual(whole);
      expect(rest).toEqual({ ...head, summary: whole.summary });
      expect(events[0]).toBe("start");
      // A diffed pair's entry goes out after its pair is done; the objects on one side only need no diff.
      for (const p of whole.pairs) {
        const sentAt = events.indexOf(`sent ${p.name}`);
        const doneAt = events.indexOf(`done ${p.name}`);
        if (isComparedPair(p) || p.status === "error") {
          expect(doneAt, p.name).toBeGreaterThan(0);
          expect(doneAt, p.name).toBeLessThan(sentAt);
        } else {
          expect(doneAt, p.name).toBe(-1);
        }
      }
      // Not held to the end: in one thread the first entry is out before the last pair is diffed.
      if (jobs === 1)
        expect(events.indexOf("sent core/conn.o")).toBeLessThan(events.indexOf("done net/new-fn.o"));
    }
  });

  it("stops the tree with what the sink throws", async () => {
    const { a, b } = buildDirs();
    const sink = {
      pair: (p: TreePair) => {
        if (p.name === "fresh.o") throw new Error("disk full");
      },
    };
    await expect(streamTree(a, b, { jobs: 1 }, sink)).rejects.toThrow("disk full");
    await expect(streamTree(a, b, { jobs: 2 }, sink)).rejects.toThrow("disk full");
  });

  it("throws typed errors for inputs it cannot use", async () => {
    const { a } = buildDirs();
    await expect(diffTrees(a, obj("new-function", "orig"))).rejects.toBeInstanceOf(DiffUsageError);
    await expect(diffTrees(a, join(a, "nope"))).rejects.toBeInstanceOf(ElfError);
    await expect(diffTrees(a, a, { profile: "nope" })).rejects.toBeInstanceOf(DiffUsageError);
    expect(() => planTree(join(a, "nope"), a)).toThrow(ElfError);
  });
});

describe("a pair's report", () => {
  it("is plain JSON data, so this thread's report and a worker's (through JSON) are the same object", () => {
    // diffTrees keeps the report of a pair diffed in this thread as it is and parses a worker's JSON.
    const out = new URL("../../../test-objects/out/", import.meta.url).pathname;
    let checked = 0;
    for (const target of ["x86_64-gcc", "aarch64-gcc", "armhf-clang", "ppc64-gcc"]) {
      for (const [dir, profile] of [
        ["scenarios", "general"],
        ["kernel-scenarios", "kernel"],
      ] as const) {
        // Kernel scenarios are built for the kernel's architectures only.
        if (!existsSync(join(out, target, dir))) continue;
        for (const name of readdirSync(join(out, target, dir))) {
          const at = join(out, target, dir, name);
          let report: unknown;
          try {
            report = diffObjects(`${at}/orig.fs.o`, `${at}/patched.fs.o`, { profile });
          } catch {
            continue; // a scenario built without -ffunction-sections only, or refused as a usage error
          }
          expect(JSON.parse(JSON.stringify(report)), `${target}/${dir}/${name}`).toStrictEqual(report);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
