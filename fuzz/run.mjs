#!/usr/bin/env node
// The long fuzzing run: `pnpm fuzz [--cases N | --seconds S] [--workers K] [--modes elf,dwarf,diff,archive,big]
//   [--seed X] [--chunk C] [--case-ms MS] [--hang-ms MS] [--pending | --corpus DIR] [--quiet]`
//   `node fuzz/run.mjs --replay DIR` replays saved inputs in a worker under the watchdog (safe for hangs).
// Runs fast-check over structured mutations in K worker threads against the built packages/*/dist (`pnpm fuzz`
// builds first), prints cases/s and totals, and saves each new failing input (one per bug signature) to
// fuzz/corpus/ (or fuzz/corpus/pending/ with --pending). A watchdog terminates a worker whose case runs past
// --hang-ms, saves that case as a hang and starts a new worker.
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { bugSignature, corpusDir, knownSignatures, pendingDir, saveCase } from "./corpus.mjs";
import { MODES } from "./mutate.mjs";

function parseArgs(argv) {
  const o = {
    cases: undefined,
    seconds: undefined,
    workers: availableParallelism(),
    modes: MODES,
    seed: Date.now() % 2 ** 31,
    chunk: 250,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--cases") o.cases = Number(next());
    else if (a === "--seconds") o.seconds = Number(next());
    else if (a === "--workers") o.workers = Number(next());
    else if (a === "--modes") o.modes = next().split(",");
    else if (a === "--seed") o.seed = Number(next());
    else if (a === "--chunk") o.chunk = Number(next());
    else if (a === "--case-ms") o.caseMs = Number(next());
    else if (a === "--hang-ms") o.hangMs = Number(next());
    else if (a === "--pending") o.pending = true;
    else if (a === "--corpus") o.corpus = next();
    else if (a === "--replay") o.replay = next();
    else if (a === "--quiet") o.quiet = true;
    else if (a === "--") continue;
    else throw new Error(`unknown argument ${a} (see fuzz/README.md)`);
  }
  for (const m of o.modes)
    if (!MODES.includes(m)) throw new Error(`unknown mode ${m}; modes: ${MODES.join(",")}`);
  if (o.cases === undefined && o.seconds === undefined) o.seconds = 60;
  o.hangMs ??= Math.max(30_000, 10 * (o.caseMs ?? 2000));
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const saveDir = opts.corpus ?? (opts.pending ? pendingDir : corpusDir);
const known = knownSignatures([corpusDir, pendingDir]);
const totals = {
  cases: 0,
  ok: 0,
  typed: 0,
  byMode: {},
  codes: {},
  bugs: 0,
  newBugs: [],
  hangs: 0,
  slowest: 0,
  slowestCase: undefined,
  maxGrew: 0,
};
const start = Date.now();
let stopping = false;

function log(s) {
  if (!opts.quiet) process.stdout.write(`${s}\n`);
}

function record(kind, c, bug, extra) {
  totals.bugs++;
  const signature = bugSignature({ ...bug, case: c });
  if (known.has(signature)) return;
  known.add(signature);
  const file = saveCase(c, bug, saveDir, extra);
  totals.newBugs.push({ signature, file });
  log(
    `\n!! ${kind}: ${bug.kind} in ${bug.step}: ${bug.name}: ${bug.message}\n   ${c.mode} ${c.seed} [${c.edits.map((e) => e.label).join(", ")}]\n   saved ${file}`,
  );
}

function done() {
  if (opts.cases !== undefined && totals.cases >= opts.cases) return true;
  if (opts.seconds !== undefined && Date.now() - start >= opts.seconds * 1000) return true;
  return false;
}

const workers = new Map();
const notes = new Set();
let nextId = 0;

function spawn() {
  const id = nextId++;
  const shared = new SharedArrayBuffer(16 + 256 * 1024);
  const control = new Int32Array(shared, 0, 4);
  const w = new Worker(new URL("./worker.mjs", import.meta.url), {
    workerData: {
      modes: opts.modes,
      seed: (opts.seed + id * 1_000_003) | 0,
      chunk: opts.chunk,
      caseMs: opts.caseMs,
      shared,
    },
    resourceLimits: { maxOldGenerationSizeMb: 4096 },
  });
  const state = { w, shared, control, lastCount: 0, lastChange: Date.now(), finished: false, killed: false };
  workers.set(id, state);
  w.on("message", (m) => {
    if (m.type === "chunk") {
      const s = m.stats;
      totals.cases += s.cases;
      totals.ok += s.ok;
      totals.typed += s.typed;
      for (const [k, v] of Object.entries(s.byMode)) {
        totals.byMode[k] ??= { cases: 0, typed: 0 };
        const t = totals.byMode[k];
        t.cases += v.cases;
        t.typed += v.typed;
      }
      for (const [k, v] of Object.entries(s.codes)) totals.codes[k] = (totals.codes[k] ?? 0) + v;
      if (s.slowest > totals.slowest) {
        totals.slowest = s.slowest;
        totals.slowestCase = s.slowestCase;
      }
      totals.maxGrew = Math.max(totals.maxGrew, s.maxGrew);
      if (m.failure)
        record("failure", m.failure.case, m.failure.bug, {
          fuzzSeed: m.failure.seed,
          path: m.failure.path,
          shrinks: m.failure.shrinks,
        });
      if (done()) Atomics.store(control, 1, 1);
    } else if (m.type === "note") {
      if (!notes.has(m.text)) log(`note: ${m.text}`);
      notes.add(m.text);
    } else if (m.type === "done") {
      state.finished = true;
    }
  });
  w.on("error", (e) => {
    // A worker that dies (out of memory, stack exhaustion outside a try) takes its current case with it.
    if (state.killed) return;
    const c = currentCase(state);
    if (c)
      record("crash", c, {
        kind: "crash",
        step: "worker",
        name: e?.name ?? "Error",
        message: String(e?.message ?? e),
        stack: e?.stack ?? "",
      });
  });
  w.on("exit", () => {
    workers.delete(id);
    if (!state.finished && !stopping && !done()) spawn();
    if (workers.size === 0) finish();
  });
}

function currentCase(state) {
  const n = Atomics.load(state.control, 2);
  if (n === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(new Uint8Array(state.shared, 16, n)));
  } catch {
    return undefined;
  }
}

// The watchdog: a worker whose case counter has not moved for hangMs is stuck in one case.
const watchdog = setInterval(() => {
  const now = Date.now();
  for (const state of workers.values()) {
    const count = Atomics.load(state.control, 0);
    if (count !== state.lastCount) {
      state.lastCount = count;
      state.lastChange = now;
    } else if (count > 0 && !state.finished && !state.killed && now - state.lastChange > opts.hangMs) {
      state.killed = true;
      totals.hangs++;
      const c = currentCase(state);
      if (c)
        record("hang", c, {
          kind: "hang",
          step: "case",
          name: "Hang",
          message: `no progress for ${opts.hangMs} ms`,
          stack: "",
        });
      state.w.terminate();
    }
  }
}, 1000);

let lastReport = Date.now();
const progress = setInterval(() => {
  const s = (Date.now() - start) / 1000;
  if (!opts.quiet && Date.now() - lastReport >= 10_000) {
    lastReport = Date.now();
    log(
      `${s.toFixed(0)}s  cases ${totals.cases}  (${(totals.cases / s).toFixed(0)}/s)  typed ${totals.typed}  bugs ${totals.bugs} (new ${totals.newBugs.length})  hangs ${totals.hangs}`,
    );
  }
  if (done()) for (const st of workers.values()) Atomics.store(st.control, 1, 1);
}, 500);

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  clearInterval(watchdog);
  clearInterval(progress);
  const s = (Date.now() - start) / 1000;
  const summary = {
    seconds: Math.round(s),
    workers: opts.workers,
    seed: opts.seed,
    modes: opts.modes,
    cases: totals.cases,
    casesPerSecond: Math.round(totals.cases / s),
    clean: totals.cases,
    endedInTypedError: totals.typed,
    byMode: totals.byMode,
    errorCodes: totals.codes,
    failures: totals.bugs,
    hangs: totals.hangs,
    newBugs: totals.newBugs,
    slowestCaseMs: Math.round(totals.slowest),
    slowestCase: totals.slowestCase,
    maxPeakGrowthMB: Math.round(totals.maxGrew / 2 ** 20),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = totals.newBugs.length > 0 ? 1 : 0;
}

process.on("SIGINT", () => {
  stopping = true;
  for (const st of workers.values()) Atomics.store(st.control, 1, 1);
});

/** `--replay DIR`: every saved input once, in a worker under the watchdog; a hang is reported and skipped. */
function replayMain(dir) {
  const remaining = readdirSync(dir)
    .filter((f) => f.endsWith(".bin"))
    .map((f) => f.slice(0, -4))
    .sort();
  let bad = 0;
  let current;
  const timer = setInterval(() => {
    const st = current;
    if (!st || st.hung !== undefined) return;
    const count = Atomics.load(st.control, 0);
    if (count !== st.lastCount) {
      st.lastCount = count;
      st.lastChange = Date.now();
    } else if (count > 0 && Date.now() - st.lastChange > opts.hangMs) {
      st.hung = currentCase(st)?.replay;
      st.w.terminate();
    }
  }, 250);
  const next = () => {
    if (remaining.length === 0) {
      log(`replayed ${dir}: ${bad} failing`);
      process.exitCode = bad > 0 ? 1 : 0;
      clearInterval(timer);
      return;
    }
    const shared = new SharedArrayBuffer(16 + 256 * 1024);
    const control = new Int32Array(shared, 0, 4);
    const w = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: {
        modes: opts.modes,
        seed: 0,
        chunk: 0,
        caseMs: opts.caseMs,
        shared,
        replay: { dir, names: [...remaining] },
      },
    });
    const state = { w, shared, control, lastCount: 0, lastChange: Date.now(), hung: undefined };
    current = state;
    w.on("message", (m) => {
      if (m.type !== "replayed") return;
      remaining.splice(remaining.indexOf(m.name), 1);
      const r = m.result;
      if (r.bug) bad++;
      log(
        `${m.name}  ${r.status}  ${r.ms.toFixed(0)} ms  ${r.bug ? `${r.bug.kind} in ${r.bug.step}: ${r.bug.name}: ${r.bug.message}` : r.typed.join(" ")}`,
      );
    });
    w.on("exit", () => {
      if (state.hung !== undefined) {
        bad++;
        remaining.splice(remaining.indexOf(state.hung), 1);
        log(`${state.hung}  HANG  (no result within ${opts.hangMs} ms)`);
      }
      next();
    });
  };
  next();
}

if (opts.replay) {
  clearInterval(watchdog);
  clearInterval(progress);
  replayMain(opts.replay);
} else {
  log(
    `fuzzing ${opts.modes.join(",")} with ${opts.workers} workers, seed ${opts.seed}, ${opts.cases !== undefined ? `${opts.cases} cases` : `${opts.seconds} s`}`,
  );
  for (let i = 0; i < opts.workers; i++) spawn();
}
