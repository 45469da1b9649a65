import { type ElfFile, openElf, readElf } from "@elfdelta/elf";
import { analyse } from "./analysis.js";
import { buildReport } from "./build.js";
import { ObjectView } from "./object.js";
import { DiffUsageError, getProfile } from "./profiles/index.js";
import type { Report } from "./report.js";

export type { Analysis } from "./analysis.js";
export { analyse } from "./analysis.js";
export { type ParsedName, parseName } from "./correlate/names.js";
export type { Correlation, PairingMethod } from "./correlate/symbols.js";
export { ObjectView } from "./object.js";
export { DiffUsageError, getProfile, PROFILE_NAMES, PROFILES, type Profile } from "./profiles/index.js";
export * from "./report.js";
export { RULE_IDS, RULES, type RuleId, type RuleInfo, ruleInfo } from "./rules/catalogue.js";

export type DiffInput = ElfFile | Uint8Array | string;

export interface DiffOptions {
  /** The rule set; "general" by default. Unknown names throw `DiffUsageError`. */
  profile?: string;
}

/**
 * Compares an original and a patched build of one ELF object and decides whether the change can be applied
 * by replacing functions. Inputs are parsed files, bytes, or paths. Malformed inputs throw `ElfError`;
 * incompatible inputs and unknown profiles throw `DiffUsageError`.
 */
export function diffObjects(original: DiffInput, patched: DiffInput, options: DiffOptions = {}): Report {
  const profile = getProfile(options.profile ?? "general");
  const o = load(original, "original");
  const p = load(patched, "patched");
  if (o.machine !== p.machine) {
    throw new DiffUsageError(
      "machine-mismatch",
      `the objects are for different machines (${o.machineName} and ${p.machineName}): compare two builds of the same object`,
    );
  }
  if (o.is64 !== p.is64) {
    throw new DiffUsageError(
      "class-mismatch",
      "one object is 32-bit and the other 64-bit: compare two builds of the same object",
    );
  }
  return buildReport(analyse(new ObjectView(o), new ObjectView(p)), profile);
}

function load(x: DiffInput, which: string): ElfFile {
  if (typeof x === "string") return openElf(x);
  if (x instanceof Uint8Array) return readElf(x, { path: `<${which}>` });
  return x;
}
