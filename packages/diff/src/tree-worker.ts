import { parentPort } from "node:worker_threads";
import { diffClaimed, type HelperResult, type HelperStart } from "./trees.js";

/**
 * A worker of `diffTrees`: sent the whole tree once, it claims and diffs pairs until none is left, answering
 * one message per pair. Then it ends by itself (nothing listens on its port any more).
 */
const port = parentPort;
port?.once("message", (s: HelperStart) => diffClaimed(s, (r: HelperResult) => port.postMessage(r)));
