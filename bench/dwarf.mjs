// Benchmark of the DWARF reader (part of `pnpm bench`; also runnable alone: `node --expose-gc bench/dwarf.mjs`).
//
// Generates one large relocatable object into bench/out/ (once; gitignored): the corpus generator
// test-objects/src/gen-structs.mjs with 30,000 structs/unions (bit-fields, nested anonymous members, arrays,
// packed and aligned members, a global per type, a reader function for every fourth), compiled with
// `gcc -c -O2 -g -ffunction-sections`: about 7 MB of .debug_info and 250,000 relocations against it.
// Then times, in this one run:
//   - ours, all types (in process): read the file, `readElf`, `readDwarf` (every type with its members, sizes,
//     bit-fields and C-level references resolved, relocations applied), then visit every member of every
//     struct/union; from packages/elf/dist; median of several runs after warm-ups;
//   - ours, all types (new process): the same in a fresh `node` process per run, startup and cold JIT
//     included: what a user of the command line waits for; median of several spawns;
//   - the same two with the subprograms and variables too (readDwarf decodes those on first access);
//   - readelf: `readelf --debug-dump=info FILE > /dev/null`, spawned; median of several runs;
//   - pahole:  `pahole -F dwarf FILE > /dev/null`, spawned; median of several runs;
// and prints a table with the ratios and the verdict lines. No timing is asserted anywhere in the tests.
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, table } from "./stats.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench", "out");
const DIST = join(ROOT, "packages", "elf", "dist", "index.js");
const GENERATOR = join(ROOT, "test-objects", "src", "gen-structs.mjs");
const INCLUDE = join(ROOT, "test-objects", "include");

const STRUCTS = 30_000;
const MIN_DEBUG_INFO = 7_000_000;
const NAME = `dwarf-structs-${STRUCTS / 1000}k`;
const OUR_WARMUPS = 3;
const OUR_RUNS = 7;
const SPAWN_RUNS = 5;

function run1(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Generates and compiles the object when it is missing (a minute or so, once). */
async function ensureObject() {
  mkdirSync(OUT, { recursive: true });
  const obj = join(OUT, `${NAME}.o`);
  if (existsSync(obj)) return obj;
  const src = join(OUT, `${NAME}.c`);
  if (!existsSync(src)) writeFileSync(src, run1(process.execPath, [GENERATOR, String(STRUCTS)]));
  console.log(
    `bench: compiling bench/out/${NAME}.c (${STRUCTS.toLocaleString("en-US")} structs, -O2 -g) ...`,
  );
  const gccInclude = run1("gcc", ["-print-file-name=include"]).trim();
  const tmp = `${obj}.tmp`;
  await new Promise((resolve, reject) => {
    // The corpus' flags: no libc headers, only the compiler's and the stdint shim.
    const args = ["-c", "-std=gnu17", "-O2", "-g", "-ffunction-sections", "-w", "-nostdinc"];
    args.push("-isystem", INCLUDE, "-isystem", gccInclude, src, "-o", tmp);
    const child = spawn("gcc", args, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", (e) => reject(new Error(`cannot run gcc (Debian package gcc): ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`gcc exited ${code}`))));
  });
  renameSync(tmp, obj);
  return obj;
}

/**
 * What we time: the file read, the ELF and DWARF reads, and a walk over every member of every aggregate
 * (so that nothing the model holds can be skipped). With `everything`, also the subprograms and variables,
 * which `readDwarf` decodes on first access.
 */
export function readAll(lib, path, everything = false) {
  const elf = lib.readElf(new Uint8Array(readFileSync(path)), { path });
  const info = lib.readDwarf(elf);
  let aggregates = 0;
  let members = 0;
  let acc = 0;
  for (const t of info.types.values()) {
    if (t.kind !== "struct" && t.kind !== "union" && t.kind !== "class") continue;
    aggregates++;
    for (const m of t.members) {
      members++;
      acc += m.offset + m.size + m.name.length + m.type.length + (m.bitOffset ?? 0);
    }
  }
  const shape = { acc, types: info.types.size, aggregates, members };
  if (everything) {
    shape.subprograms = info.subprograms.length;
    shape.variables = info.variables.length;
    for (const sp of info.subprograms) acc += sp.params.length + sp.inlined.length;
  }
  return shape;
}

function timeInProcess(lib, path, everything) {
  const gc = globalThis.gc ?? (() => {});
  let shape;
  for (let i = 0; i < OUR_WARMUPS; i++) shape = readAll(lib, path, everything);
  const times = [];
  for (let i = 0; i < OUR_RUNS; i++) {
    gc();
    const t0 = performance.now();
    readAll(lib, path, everything);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), shape };
}

/** Median wall time of `cmd args > /dev/null`, after one unmeasured run that warms the page cache. */
function timeSpawn(cmd, args, what) {
  const devnull = openSync("/dev/null", "w");
  try {
    const times = [];
    for (let i = 0; i < SPAWN_RUNS + 1; i++) {
      const t0 = performance.now();
      const r = spawnSync(cmd, args, { stdio: ["ignore", devnull, "pipe"], maxBuffer: 1 << 28 });
      const ms = performance.now() - t0;
      if (r.error) throw new Error(`cannot run ${what}: ${r.error.message}`);
      if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
      if (i > 0) times.push(ms);
    }
    return { ms: median(times) };
  } finally {
    closeSync(devnull);
  }
}

const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const fmtX = (x) => `${x.toFixed(2)}×`;

export async function run() {
  console.log("\n## DWARF reader: ours vs readelf --debug-dump=info vs pahole\n");
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b packages/elf)`);
  const lib = await import(pathToFileURL(DIST).href);
  if (!globalThis.gc) console.log("(run with node --expose-gc for steadier numbers: pnpm bench does)");
  const path = await ensureObject();
  const elf = lib.readElf(new Uint8Array(readFileSync(path)), { path });
  const infoSize = elf.sectionByName(".debug_info")?.size ?? 0;
  if (infoSize < MIN_DEBUG_INFO)
    throw new Error(`${path}: .debug_info is ${infoSize} bytes, expected at least ${MIN_DEBUG_INFO}`);
  const relocs = elf.relocationSections
    .filter((i) => elf.sections[i].info === elf.sectionByName(".debug_info").index)
    .reduce((n, i) => n + elf.sections[i].size / elf.sections[i].entsize, 0);

  process.stdout.write(`bench: ${NAME}.o: ours in process`);
  const inProcess = timeInProcess(lib, path, false);
  const everything = timeInProcess(lib, path, true);
  process.stdout.write(", ours in a new process");
  const script = (all) =>
    `import(${JSON.stringify(pathToFileURL(join(ROOT, "bench", "dwarf.mjs")).href)}).then(async (m) => { const lib = await import(${JSON.stringify(pathToFileURL(DIST).href)}); m.readAll(lib, process.argv[1], ${all}); });`;
  const newProcess = timeSpawn(process.execPath, ["--input-type=module", "-e", script(false), path], "node");
  const newProcessAll = timeSpawn(
    process.execPath,
    ["--input-type=module", "-e", script(true), path],
    "node",
  );
  process.stdout.write(", readelf");
  const readelf = timeSpawn("readelf", ["--debug-dump=info", path], "readelf (Debian package binutils)");
  process.stdout.write(", pahole");
  const pahole = timeSpawn("pahole", ["-F", "dwarf", path], "pahole (Debian package dwarves)");
  process.stdout.write("\n");

  const s = everything.shape;
  console.log(
    `\nbench/out/${NAME}.o: ${(statSync(path).size / 1e6).toFixed(2)} MB, .debug_info ${(infoSize / 1e6).toFixed(2)} MB ` +
      `with ${relocs.toLocaleString("en-US")} relocations; ${s.types.toLocaleString("en-US")} types ` +
      `(${s.aggregates.toLocaleString("en-US")} structs/unions, ${s.members.toLocaleString("en-US")} members), ` +
      `${s.subprograms.toLocaleString("en-US")} subprograms, ${s.variables.toLocaleString("en-US")} variables\n`,
  );
  const row = (label, ms) => [label, fmtMs(ms), fmtX(readelf.ms / ms), fmtX(pahole.ms / ms)];
  const rows = [
    ["reader", "time", "readelf ÷ this", "pahole ÷ this"],
    row("ours: all types, in process (warm)", inProcess.ms),
    row("ours: all types, new node process", newProcess.ms),
    row("ours: + functions, variables, in process", everything.ms),
    row("ours: + functions, variables, new process", newProcessAll.ms),
    row("readelf --debug-dump=info", readelf.ms),
    row("pahole -F dwarf", pahole.ms),
  ];
  console.log(`${table(rows)}\n`);
  console.log(
    `ours in process: median of ${OUR_RUNS} runs after ${OUR_WARMUPS} warm-ups, file read included; ours in a new ` +
      `process, readelf, pahole: median of ${SPAWN_RUNS} spawns after one warm-up, output to /dev/null.`,
  );
  const verdict = (label, ms) => {
    const a = readelf.ms / ms;
    const b = pahole.ms / ms;
    console.log(
      `${label}: faster than readelf: ${a > 1 ? "yes" : "no"} (${fmtX(a)}); faster than pahole: ${b > 1 ? "yes" : "no"} (${fmtX(b)})`,
    );
    return a > 1 && b > 1;
  };
  const warm = verdict("all types, in process", inProcess.ms);
  const cold = verdict("all types, new process", newProcess.ms);
  verdict("types + functions + variables, in process", everything.ms);
  verdict("types + functions + variables, new process", newProcessAll.ms);
  return {
    inProcess,
    newProcess,
    everything,
    newProcessAll,
    readelf,
    pahole,
    fasterInProcess: warm,
    fasterInNewProcess: cold,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((e) => {
    console.error(`bench/dwarf.mjs: ${e.message}`);
    process.exit(1);
  });
}
