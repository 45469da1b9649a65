// Types of the fuzzing harness (harness.mjs is plain JavaScript so that the worker threads of `pnpm fuzz` can
// load it without a TypeScript loader).
import type { Arbitrary } from "fast-check";

export type Mode = "elf" | "dwarf" | "diff" | "archive" | "big";

export type Edit =
  | { label: string; at: number; width: 1 | 2 | 4 | 8; le: boolean; value: string }
  | { label: string; at: number; hex: string }
  | { label: string; at: number; xor: number }
  | { label: string; at: number; fill: number; count: number }
  | { label: string; len: number };

export interface Case {
  mode: Mode;
  /** Seed path relative to test-objects/out (or ar:/thin:<target> for a synthesised archive). */
  seed: string;
  /** The diff's original side (a committed test object). */
  original?: string;
  /** Present the bytes as a window into a larger buffer. */
  view?: boolean;
  edits: Edit[];
}

export interface Bug {
  kind: "exception" | "slow" | "alloc" | "hang" | "crash" | "harness";
  step: string;
  name: string;
  message: string;
  stack: string;
  signature?: string;
}

export interface RunResult {
  status: "ok" | "typed" | "bug";
  /** `step:code` of every typed error the probes met. */
  typed: string[];
  ms: number;
  /** Peak growth of V8 heap + external memory during the case (bytes, approximate). */
  grew: number;
  bug?: Bug;
}

export interface Targets {
  readonly readDwarf: unknown;
  readonly diffObjects: unknown;
}

export interface TargetModules {
  elf: unknown;
  dwarf?: unknown;
  diff?: unknown;
}

export interface SavedInput {
  name: string;
  bytes: Uint8Array;
  record: { mode: Mode; seed?: string; original?: string; edits?: Edit[]; bug?: Bug };
  original?: Uint8Array;
}

export declare const MODES: readonly Mode[];
export declare const CASE_MS: number;
export declare const BIG_CASE_MS: number;
export declare const ALLOC_FIXED: number;
export declare const ALLOC_PER_INPUT_BYTE: number;
export declare const BIG_SEED: string;
export declare const corpusDir: string;
export declare const pendingDir: string;

export declare class FuzzFailure extends Error {
  constructor(bug: Bug & { case: Case });
  readonly bug: Bug & { case: Case };
}

export declare function makeTargets(modules: TargetModules): Targets;
export declare function availableModes(targets: Targets, wanted: readonly Mode[]): Mode[];
export declare function caseArb(mode: Mode): Arbitrary<Case>;
export declare function mixedCaseArb(
  modes: readonly Mode[],
  weights?: Partial<Record<Mode, number>>,
): Arbitrary<Case>;
export declare function applyEdits(seed: Uint8Array, edits: readonly Edit[]): Uint8Array;
export declare function materialise(c: Case): { bytes: Uint8Array; original?: Uint8Array };
export declare function runCase(targets: Targets, c: Case, opts?: { caseMs?: number }): RunResult;
export declare function checkCase(targets: Targets, c: Case, opts?: { caseMs?: number }): RunResult;
export declare function measure(
  targets: Targets,
  c: Pick<Case, "mode" | "seed" | "original">,
  bytes: Uint8Array,
  original: Uint8Array | undefined,
  opts?: { caseMs?: number },
): RunResult;
export declare function loadCorpus(dir?: string): SavedInput[];
export declare function saveCase(c: Case, bug: Bug, dir?: string, extra?: Record<string, unknown>): string;
export declare function bugSignature(bug: Bug): string;
export declare function knownSignatures(dirs: readonly string[]): Set<string>;
export declare function listSeeds(): {
  objects: string[];
  dwarfObjects: string[];
  scenarios: { original: string; patched: string }[];
  archives: string[];
  big: string[];
};
export declare function seedBytes(name: string): Uint8Array;
