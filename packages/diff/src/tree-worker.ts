import { parentPort } from "node:worker_threads";
import { type PairTask, runPair } from "./trees.js";

/** A worker of `diffTrees`' pool: diffs one pair per message and answers with the report as JSON. */
const port = parentPort;
if (port) port.on("message", (t: PairTask) => port.postMessage(runPair(t)));
