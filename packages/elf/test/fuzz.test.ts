// Bounded property-based fuzzing of the ELF reader, the DWARF reader and the diff (the CI part of fuzz/; the
// long run is `pnpm fuzz`). Each case is a structured mutation of a committed test object; the only outcomes
// allowed are success and the typed error, within the time and allocation bounds of fuzz/oracle.mjs.
//
// Environment:
//   FUZZ_RUNS   total cases over all modes (default 24000: about a minute on two cores)
//   FUZZ_SEED   fast-check seed (default: random, printed; a failure prints seed, path and the shrunk case)
//   FUZZ_MODES  comma-separated subset of elf,dwarf,diff,archive,big (the switch for code that is not ready)
//   FUZZ_SAVE_DIR  when set, a failing case is also saved there as <hash>.bin + .json
import fc from "fast-check";
import { describe, it } from "vitest";
import {
  availableModes,
  caseArb,
  FuzzFailure,
  MODES,
  type Mode,
  makeTargets,
  runCase,
  saveCase,
  type TargetModules,
} from "../../../fuzz/harness.mjs";
import * as elf from "../src/index.js";

async function loadTargets() {
  const modules: TargetModules = { elf };
  // The DWARF reader and the diff are optional: a module that does not load switches its modes off.
  modules.dwarf = await import("../src/dwarf/index.js").catch(() => undefined);
  modules.diff = await import("@elfdelta/diff").catch(() => undefined);
  return makeTargets(modules);
}

const targets = await loadTargets();
const wanted = (process.env.FUZZ_MODES?.split(",") ?? [...MODES]) as Mode[];
const modes = availableModes(targets, wanted);
const total = Number(process.env.FUZZ_RUNS ?? 24_000);
const seed =
  process.env.FUZZ_SEED !== undefined
    ? Number(process.env.FUZZ_SEED)
    : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
const share: Record<Mode, number> = { elf: 0.5, dwarf: 0.18, diff: 0.12, archive: 0.2, big: 0.0003 };

console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} to replay), ${total} cases over ${modes.join(",")}`);

describe.each(modes)("fuzz %s", (mode) => {
  const numRuns = Math.max(mode === "big" ? 2 : 20, Math.round(total * share[mode]));
  it(`${numRuns} mutated inputs end in success or ElfError, within bounds`, () => {
    fc.assert(
      fc.property(caseArb(mode), (c) => {
        const r = runCase(targets, c);
        if (r.bug) {
          if (process.env.FUZZ_SAVE_DIR) saveCase(c, r.bug, process.env.FUZZ_SAVE_DIR);
          throw new FuzzFailure({ ...r.bug, case: c });
        }
      }),
      {
        seed: seed + MODES.indexOf(mode),
        numRuns,
        interruptAfterTimeLimit: 240_000,
        markInterruptAsFailure: false,
      },
    );
  });
});
