import { setFlagsFromString } from "node:v8";

/**
 * V8's young generation, for the command's process (packages/cli/src/bin.ts, commands/diff.ts).
 *
 * V8 doubles its young generation (from 8 up to 32 MB) each time the objects surviving it add up to its
 * size. What survives a diff is mostly its model (entities, outcomes, report entries), alive to the end: a
 * larger young generation then collects nothing more and only holds pages, so the command holds it at its
 * first size, 15 to 25 MB less at the peak in the same time. On inputs of hundreds of megabytes the balance
 * turns: what a phase makes and drops lives long enough to survive a young generation that small, is
 * promoted and stays until a full collection (100,000 functions, 240 MB: 60 MB more at the peak; at 120 MB
 * of inputs holding it still costs nothing or saves 14 MB). bench/README.md, "Memory, seventh pass". A
 * process setting: the command's, not the library's.
 */

/** Keeps the young generation at its first size; called before the program's modules load (they grow it). */
export function holdYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}

/** Inputs (both files together) from which `releaseYoungGeneration` is worth it. */
export const RELEASE_FROM_BYTES = 192 * 2 ** 20;

/** Lets it grow again as V8 would (its default growth factor). */
export function releaseYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=2");
}
