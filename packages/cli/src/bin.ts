#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// V8 doubles its young generation (from 8 up to 32 MB) each time the objects surviving it add up to its size.
// What survives a diff is its model (entities, outcomes, report entries), alive to the end: a larger young
// generation then collects nothing more and only holds pages. Held at its first size, a pair diff peaks 15 to
// 25 MB lower and takes as long (bench/README.md, "Memory, seventh pass"). A process setting, so the command's
// and not the library's: embedders decide for their own process.
setFlagsFromString("--semi-space-growth-factor=1");
// Only then the program: loading its modules alone grows the young generation to 16 MB.
const { reportFailure, run } = await import("./main.js");

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportFailure(e, undefined);
  },
);
