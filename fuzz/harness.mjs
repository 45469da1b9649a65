// The fuzzing harness's public face, for the vitest tests and the runner. See README.md.
export { bugSignature, corpusDir, knownSignatures, loadCorpus, pendingDir, saveCase } from "./corpus.mjs";
export { applyEdits, caseArb, MODES, materialise, mixedCaseArb } from "./mutate.mjs";
export {
  ALLOC_FIXED,
  ALLOC_PER_INPUT_BYTE,
  availableModes,
  BIG_CASE_MS,
  CASE_MS,
  checkCase,
  FuzzFailure,
  makeTargets,
  measure,
  runCase,
} from "./oracle.mjs";
export { BIG_SEED, listSeeds, seedBytes } from "./seeds.mjs";
