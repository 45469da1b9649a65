// The corpus of failing inputs: fuzz/corpus/<hash>.bin (the mutated bytes; for the diff, the patched side) and
// <hash>.json (mode, seed, original, edits, the failure). The replay test reads every pair directly in
// fuzz/corpus/; fuzz/corpus/pending/ holds inputs for code that is still being written and is not replayed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { materialise } from "./mutate.mjs";
import { corpusDir, seedBytes } from "./seeds.mjs";

export { corpusDir, pendingDir } from "./seeds.mjs";

/** A stable one-line signature of a bug, to keep one input per bug. */
export function bugSignature(bug) {
  const frame = (bug.stack ?? "")
    .split("\n")
    .slice(1)
    .find((l) => /packages\/|fuzz\//.test(l));
  const where = frame
    ? (frame.match(/(packages\/[^:)]+|fuzz\/[^:)]+):(\d+)/) ?? []).slice(1, 3).join(":")
    : "";
  const msg = String(bug.message ?? "")
    .replace(/\d+/g, "N")
    .slice(0, 80);
  // Bounds failures have no stack: tell them apart by what the case aimed at.
  const aim = bug.stack
    ? ""
    : `|${(bug.case?.edits ?? []).map((e) => e.label.replace(/[@+[]?\d+\]?|\d+/g, "")).join(",")}`;
  return `${bug.kind}|${bug.step?.replace(/\[\d+\]/g, "[]")}|${bug.name}|${where || msg}${aim}`;
}

/** Saves a failing case; returns the path of the .bin. */
export function saveCase(c, bug, dir = corpusDir, extra = {}) {
  mkdirSync(dir, { recursive: true });
  const { bytes } = materialise(c);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  const bin = join(dir, `${hash}.bin`);
  writeFileSync(bin, bytes);
  const { case: _drop, ...bugOnly } = bug;
  const record = {
    mode: c.mode,
    seed: c.seed,
    ...(c.original ? { original: c.original } : {}),
    ...(c.view ? { view: true } : {}),
    edits: c.edits,
    bug: { ...bugOnly, signature: bugSignature({ ...bugOnly, case: c }) },
    found: new Date().toISOString(),
    ...extra,
  };
  writeFileSync(join(dir, `${hash}.json`), `${JSON.stringify(record, null, 2)}\n`);
  return bin;
}

/** Every saved input directly in `dir`: { name, bytes, record, original? }. */
export function loadCorpus(dir = corpusDir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".bin"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const jsonPath = join(dir, `${name}.json`);
      const record = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, "utf8")) : { mode: "elf" };
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      const original = record.original ? seedBytes(record.original) : undefined;
      return { name, bytes, record, original };
    });
}

/** Signatures of the bugs already saved in the corpus (and pending), so a run saves each new bug once. */
export function knownSignatures(dirs) {
  const out = new Set();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".json")) continue;
      try {
        const r = JSON.parse(readFileSync(join(dir, f), "utf8"));
        if (r.bug?.signature) out.add(r.bug.signature);
      } catch {
        // an unreadable record is simply not a known signature
      }
    }
  }
  return out;
}
