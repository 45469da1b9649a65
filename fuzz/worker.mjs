// One fuzzing worker (node:worker_threads): runs fast-check chunks of cases against the built dist until the
// main thread says stop. Before each case it publishes the case (JSON) and bumps a counter in shared memory,
// so that the watchdog in run.mjs can save the input of a case that never returns.
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { availableModes, FuzzFailure, makeTargets, mixedCaseArb, runCase } from "./harness.mjs";

const { modes, seed, chunk, caseMs, shared } = workerData;
const control = new Int32Array(shared, 0, 4); // [0] cases started, [1] stop flag, [2] JSON length
const text = new Uint8Array(shared, 16);
const encoder = new TextEncoder();

const [elf, dwarf, diff] = await Promise.all([
  import("../packages/elf/dist/index.js"),
  import("../packages/elf/dist/dwarf/index.js").catch(() => undefined),
  import("../packages/diff/dist/index.js").catch(() => undefined),
]);
const targets = makeTargets({ elf, dwarf, diff });
if (workerData.replay) {
  // Replay saved inputs (a hang then only costs this worker, which run.mjs replaces).
  const { loadCorpus, measure } = await import("./harness.mjs");
  const wantedNames = new Set(workerData.replay.names);
  for (const e of loadCorpus(workerData.replay.dir).filter((x) => wantedNames.has(x.name))) {
    const c = {
      mode: e.record.mode,
      seed: e.record.seed ?? e.name,
      original: e.record.original,
      replay: e.name,
      edits: [],
    };
    if (availableModes(targets, [c.mode]).length === 0) {
      parentPort.postMessage({
        type: "replayed",
        name: e.name,
        result: { status: "skipped", ms: 0, typed: [`no module for ${c.mode}`] },
      });
      continue;
    }
    publish(c);
    const r = measure(targets, c, e.bytes, e.original, caseMs ? { caseMs } : {});
    parentPort.postMessage({ type: "replayed", name: e.name, result: { ...r, typed: r.typed.slice(0, 6) } });
  }
  parentPort.postMessage({ type: "done" });
  process.exit(0);
}
const usable = availableModes(targets, modes);
if (usable.length < modes.length)
  parentPort.postMessage({
    type: "note",
    text: `modes without their module: ${modes.filter((m) => !usable.includes(m)).join(",")}`,
  });
const arb = mixedCaseArb(usable);

let stats;
let failedOnce;
const resetStats = () => {
  stats = {
    cases: 0,
    ok: 0,
    typed: 0,
    byMode: {},
    codes: {},
    slowest: 0,
    slowestCase: undefined,
    maxGrew: 0,
  };
  failedOnce = false;
};

function publish(c) {
  const json = encoder.encode(JSON.stringify(c));
  const n = Math.min(json.length, text.length);
  text.set(json.subarray(0, n), 0);
  Atomics.store(control, 2, n);
  Atomics.add(control, 0, 1);
}

const property = fc.property(arb, (c) => {
  publish(c);
  const r = runCase(targets, c, caseMs ? { caseMs } : {});
  // Shrinking re-runs cases after the first failure: those are not counted as cases run.
  if (!failedOnce) {
    if (r.bug) failedOnce = true;
    else {
      stats.cases++;
      stats[r.status]++;
      stats.byMode[c.mode] ??= { cases: 0, typed: 0 };
      const m = stats.byMode[c.mode];
      m.cases++;
      if (r.status === "typed") m.typed++;
      for (const t of r.typed) {
        const code = t.slice(t.lastIndexOf(":") + 1);
        stats.codes[code] = (stats.codes[code] ?? 0) + 1;
      }
      if (r.ms > stats.slowest) {
        stats.slowest = r.ms;
        stats.slowestCase = { mode: c.mode, seed: c.seed, labels: c.edits.map((e) => e.label) };
      }
      stats.maxGrew = Math.max(stats.maxGrew, r.grew);
    }
  }
  if (r.bug) throw new FuzzFailure({ ...r.bug, case: c });
});

for (let round = 0; Atomics.load(control, 1) === 0; round++) {
  resetStats();
  const runSeed = (seed + round * 7919) | 0;
  const result = fc.check(property, { numRuns: chunk, seed: runSeed, endOnFailure: false });
  const message = { type: "chunk", seed: runSeed, stats };
  if (result.failed) {
    const err = result.errorInstance;
    const bug =
      err instanceof FuzzFailure
        ? err.bug
        : { kind: "harness", step: "property", name: "Error", message: String(err), stack: err?.stack ?? "" };
    const c = result.counterexample?.[0] ?? bug.case;
    const { case: _drop, ...plain } = bug;
    message.failure = {
      case: c,
      bug: plain,
      seed: runSeed,
      path: result.counterexamplePath,
      shrinks: result.numShrinks,
    };
  }
  parentPort.postMessage(message);
}
parentPort.postMessage({ type: "done" });
