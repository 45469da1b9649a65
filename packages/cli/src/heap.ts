import { setFlagsFromString } from "node:v8";

/**
 * V8's heap, for the command's process (packages/cli/src/bin.ts, commands/diff.ts). Process settings: the
 * command's, not the library's.
 *
 * The young generation: V8 doubles it (from 8 up to 32 MB) each time the objects surviving it add up to its
 * size. What survives a diff is mostly its model (entities, outcomes, report entries), alive to the end: a
 * larger young generation then collects nothing more and only holds pages, so the command holds it at its
 * first size, 15 to 25 MB less at the peak in the same time (bench/README.md, "Memory, seventh pass").
 *
 * The old generation: after each full collection V8 lets it grow to some multiple of what survived before
 * the next, up to four times on a small heap. A diff ends with its model and report alive and the garbage of
 * its phases beside them, uncollected, since nothing asked for a collection: 10 MB of the 12,500-function
 * diff's 37 at its end. The command holds the multiple at 1.5: 6 MB less at the peak there, 16 MB at
 * 1,000,000 relocations, 27 MB at 50,000 functions, for 1–8% more time ("Memory, eighth pass").
 *
 * On inputs of hundreds of megabytes the balance turns: what a phase makes and drops lives long enough to
 * survive a young generation that small, is promoted and stays until a full collection (100,000 functions,
 * 240 MB: 60 MB more at the peak; at 120 MB of inputs holding it still costs nothing or saves 14 MB), and
 * the old generation's multiple saves nothing. From `RELEASE_FROM_BYTES` on, both are V8's again.
 */

/** Holds the heap close to what is alive; called before the program's modules load (they grow it). */
export function holdHeap(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
  setFlagsFromString("--heap-growing-percent=50");
}

/** Inputs (both files together) from which `releaseHeap` is worth it. */
export const RELEASE_FROM_BYTES = 192 * 2 ** 20;

/** Lets the heap grow as V8 would (its default growth factor; 0: V8 chooses the old generation's). */
export function releaseHeap(): void {
  setFlagsFromString("--semi-space-growth-factor=2");
  setFlagsFromString("--heap-growing-percent=0");
}
