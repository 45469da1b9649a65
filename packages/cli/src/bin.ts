#!/usr/bin/env node
import { holdHeap } from "./heap.js";

// First, before the program's modules load: loading them alone grows V8's young generation to 16 MB.
holdHeap();
const { reportFailure, run } = await import("./main.js");

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportFailure(e, undefined);
  },
);
