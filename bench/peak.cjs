// Preloaded (`node --require bench/peak.cjs ...`) into a process whose peak memory scale.mjs measures: writes
// that peak to stderr as the process exits, as a line `elfdelta-bench-peak <bytes>`. On Linux the process'
// own high-water mark (`VmHWM`): `maxRSS` of a spawned process starts at its parent's RSS at the spawn (see
// scale.mjs, peakRss); elsewhere `maxRSS`.
const { readFileSync } = require("node:fs");

process.on("exit", () => {
  let peak;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) peak = Number(m[1]) * 1024;
  } catch {}
  process.stderr.write(`\nelfdelta-bench-peak ${peak ?? process.resourceUsage().maxRSS * 1024}\n`);
});
