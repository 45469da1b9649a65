// Where the memory of one pair diff goes, phase by phase (see "Memory, fifth pass" in bench/README.md):
//   node bench/phases.mjs <original.o> <patched.o>
// A worker thread reads this process' RSS from /proc/self/status every 3 ms while the main thread runs the
// diff's phases one after another (`diffObjects` split at its seams, `analyse` through its `phase` hook). For each
// phase it prints the highest RSS seen while the phase ran and what the phase added, in MiB above the process
// once the packages are loaded. Linux only. The peak of one run varies by some MiB with V8's collection timing:
// compare medians of several runs.
//
//   node bench/phases.mjs --kept <MiB>
// What keeping that much of small objects alive costs in peak RSS, against the same in typed arrays: each in a
// process of its own (the young generation's growth is part of the answer).
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const rssMiB = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
const peakMiB = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;

const args = process.argv.slice(2);
if (args[0] === "--kept") kept(Number(args[1]));
else if (args[0] === "--kept-child") keptChild(Number(args[1]), args[2] === "typed");
else if (args.length === 2) await phases(args[0], args[1]);
else {
  console.error("usage: node bench/phases.mjs <original.o> <patched.o> | --kept <MiB>");
  process.exit(2);
}

async function phases(original, patched) {
  const dist = (p) => pathToFileURL(`${ROOT}packages/${p}`).href;
  const { openElf } = await import(dist("elf/dist/index.js"));
  const { ObjectView, analyse, getProfile, readDebugInfo } = await import(dist("diff/dist/index.js"));
  const { buildReport } = await import(dist("diff/dist/build.js"));
  const { locateFindings } = await import(dist("diff/dist/locate.js"));

  // The sampler: (time, RSS) pairs in shared memory, written by the worker, read here at the end.
  const samples = new Float64Array(new SharedArrayBuffer(8 * 200_000));
  const worker = new Worker(
    `const { workerData } = require("node:worker_threads");
     const { readFileSync } = require("node:fs");
     const s = new Float64Array(workerData);
     let i = 2;
     setInterval(() => {
       const kb = Number(/^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]);
       if (i + 1 < s.length) { s[i++] = performance.timeOrigin + performance.now(); s[i++] = kb / 1024; s[0] = i; }
     }, 3);`,
    { eval: true, workerData: samples.buffer },
  );
  await new Promise((r) => setTimeout(r, 200));
  const now = () => performance.timeOrigin + performance.now();
  const base = rssMiB();
  const ends = [];
  const phase = (name) => ends.push([name, now()]);
  const start = now();

  // In the order of `diffObjects` on two paths: each file's image without its debug sections (see openElf's
  // deferDebug), its DWARF read at once, then the views and the analysis.
  const profile = getProfile("general");
  const o = openElf(original, { deferDebug: true, streamRelocations: true });
  const od = readDebugInfo(o, "original");
  phase("original opened, its DWARF read");
  const p = openElf(patched, { deferDebug: true, streamRelocations: true });
  const pd = readDebugInfo(p, "patched");
  phase("patched opened, its DWARF read");
  const ov = new ObjectView(o, profile.view);
  phase("ObjectView, original");
  const pv = new ObjectView(p, profile.view);
  phase("ObjectView, patched");
  const analysis = analyse(ov, pv, { phase }, { original: od, patched: pd });
  const report = locateFindings(buildReport(analysis, profile), analysis);
  phase("rest of the analysis, report");
  await new Promise((r) => setTimeout(r, 30));
  await worker.terminate();

  const n = samples[0];
  let from = start;
  let before = 0;
  const rows = [["phase", "highest RSS", "added"]];
  for (const [name, end] of ends) {
    let high = 0;
    for (let i = 2; i < n; i += 2)
      if (samples[i] >= from && samples[i] <= end) high = Math.max(high, samples[i + 1] - base);
    high = Math.max(high, before);
    rows.push([name, `${high.toFixed(0)} MiB`, `+${(high - before).toFixed(0)}`]);
    before = high;
    from = end;
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    console.log(r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  "));
  const files = (statSync(original).size + statSync(patched).size) / 2 ** 20;
  console.log(
    `files ${files.toFixed(0)} MiB; limit (twice the files) ${(2 * files).toFixed(0)} MiB; ` +
      `peak of the process over the packages loaded ${(peakMiB() - base).toFixed(0)} MiB; ` +
      `${report.functions.length} functions listed`,
  );
}

function kept(mib) {
  for (const kind of ["objects", "typed"]) {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--kept-child", String(mib), kind],
      {
        encoding: "utf8",
      },
    );
    process.stdout.write(r.stdout || r.stderr);
  }
}

function keptChild(mib, typed) {
  const base = peakMiB();
  const keep = [];
  if (typed) {
    for (let i = 0; i < mib; i++) keep.push(new Float64Array(131072).fill(1));
  } else {
    // Four small-integer fields: 56 bytes an object on 64-bit Node without pointer compression.
    for (let i = 0; i < (mib * 2 ** 20) / 56; i++) keep.push({ a: i, b: i + 1, c: i + 2, d: i });
  }
  console.log(
    `${mib} MiB kept as ${typed ? "Float64Arrays" : "small objects"}: peak RSS +${(peakMiB() - base).toFixed(0)} MiB (${keep.length} items)`,
  );
}
