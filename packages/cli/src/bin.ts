#!/usr/bin/env node
import { reportFailure, run } from "./main.js";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportFailure(e, undefined);
  },
);
