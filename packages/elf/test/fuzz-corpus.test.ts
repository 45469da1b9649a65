// Replays every input the fuzzer saved in fuzz/corpus/ (not fuzz/corpus/pending/, which holds inputs for code
// that is still being written): each must end in success or the typed error, within the time and allocation
// bounds. A corpus entry stays forever; a failure here is a regression of a bug the fuzzer once found.
import { describe, expect, it } from "vitest";
import { corpusDir, loadCorpus, makeTargets, measure, type TargetModules } from "../../../fuzz/harness.mjs";
import * as elf from "../src/index.js";

const modules: TargetModules = { elf };
modules.dwarf = await import("../src/dwarf/index.js").catch(() => undefined);
modules.diff = await import("@elfdelta/diff").catch(() => undefined);
const targets = makeTargets(modules);
const corpus = loadCorpus(corpusDir);

describe("fuzz corpus", () => {
  it("has readable entries", () => {
    for (const entry of corpus) expect(entry.record.mode, entry.name).toBeTypeOf("string");
  });
  it.each(corpus.map((e) => [`${e.name} (${e.record.mode}: ${e.record.bug?.message ?? "?"})`, e] as const))(
    "%s",
    (_, entry) => {
      const { mode, seed, original } = entry.record;
      if ((mode === "dwarf" && !targets.readDwarf) || (mode === "diff" && !targets.diffObjects)) return;
      const r = measure(targets, { mode, seed: seed ?? entry.name, original }, entry.bytes, entry.original);
      expect(r.bug, JSON.stringify(r.bug, null, 2)).toBeUndefined();
    },
  );
});
