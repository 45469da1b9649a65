import { type ElfFile, openElf, readElf } from "@elfdelta/elf";
import { type AnalysisHooks, analyse } from "./analysis.js";
import { buildReport } from "./build.js";
import { type DwarfRead, readDebugInfo } from "./debuginfo.js";
import { locateFindings } from "./locate.js";
import { ObjectView } from "./object.js";
import { applyPolicy, loadPolicy, type Policy } from "./policy.js";
import { DiffUsageError, getProfile, type Profile, profileHooks } from "./profiles/index.js";
import type { Report } from "./report.js";

export type { Analysis, AnalysisHooks, AnalysisPhase } from "./analysis.js";
export { analyse, type DwarfReads } from "./analysis.js";
export { type ParsedName, parseName } from "./correlate/names.js";
export { type Correlation, type PairingMethod, pairingMethod } from "./correlate/symbols.js";
export { type DwarfRead, readDebugInfo } from "./debuginfo.js";
export { ObjectView } from "./object.js";
export {
  type ApplyPolicyOptions,
  applyPolicy,
  loadPolicy,
  Policy,
  PolicyError,
  PolicySeverity,
  parsePolicy,
  policyJsonSchema,
  RulePolicy,
  Waiver,
} from "./policy.js";
export {
  DiffUsageError,
  getProfile,
  PROFILE_NAMES,
  PROFILES,
  type Profile,
  type ProfileOptions,
} from "./profiles/index.js";
export { KERNEL_SPECIAL_SECTIONS, specialSectionTable } from "./profiles/kernel/tables/index.js";
export * from "./report.js";
export { RULE_IDS, RULES, type RuleId, type RuleInfo, ruleInfo } from "./rules/catalogue.js";
export * from "./tree-report.js";
export {
  diffTrees,
  type InputKind,
  inputKind,
  type ObjectSource,
  type PlannedPair,
  planTree,
  streamTree,
  type TreeHead,
  type TreeOptions,
  type TreeProgress,
  type TreeSink,
} from "./trees.js";

export type DiffInput = ElfFile | Uint8Array | string;

export interface DiffOptions {
  /** The rule set; "general" by default. Unknown names throw `DiffUsageError`. */
  profile?: string;
  /** A policy (parsed, or the path of a policy file) applied to the report; a bad one throws `PolicyError`. */
  policy?: Policy | string;
  /** Today, for waiver expiry; the current date by default. */
  now?: Date;
  /**
   * Kernel profile: special-section entry sizes in bytes by section name, overriding the built-in table of
   * the object's architecture (`--special-section-size NAME=BYTES`). Other profiles refuse it.
   */
  specialSectionSizes?: Readonly<Record<string, number>>;
}

/**
 * Compares an original and a patched build of one ELF object and decides whether the change can be applied
 * by replacing functions. Inputs are parsed files, bytes, or paths. Malformed inputs throw `ElfError`;
 * incompatible inputs and unknown profiles throw `DiffUsageError`; a bad policy throws `PolicyError`.
 */
export function diffObjects(original: DiffInput, patched: DiffInput, options: DiffOptions = {}): Report {
  const profile = getProfile(options.profile ?? "general");
  const hooks = profileHooks(
    profile,
    options.specialSectionSizes ? { specialSectionSizes: options.specialSectionSizes } : {},
  );
  const policy = typeof options.policy === "string" ? loadPolicy(options.policy) : options.policy;
  // Each build's DWARF is read as soon as its file is open, before anything else is built (see readDebugInfo).
  const opened: ElfFile[] = [];
  try {
    const o = load(original, "original", opened);
    const od = readDebugInfo(o, "original");
    const p = load(patched, "patched", opened);
    return compared(o, od, p, profile, hooks, policy, options);
  } finally {
    // Files opened from paths keep theirs open for their relocation tables (see OpenOptions.streamRelocations).
    for (const f of opened) f.close();
  }
}

function compared(
  o: ElfFile,
  od: DwarfRead,
  p: ElfFile,
  profile: Profile,
  hooks: AnalysisHooks,
  policy: Policy | undefined,
  options: DiffOptions,
): Report {
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
  const pd = readDebugInfo(p, "patched");
  const analysis = analyse(new ObjectView(o, profile.view), new ObjectView(p, profile.view), hooks, {
    original: od,
    patched: pd,
  });
  const report = locateFindings(buildReport(analysis, profile), analysis);
  return policy ? applyPolicy(report, policy, options.now ? { now: options.now } : {}) : report;
}

function load(x: DiffInput, which: string, opened: ElfFile[]): ElfFile {
  // From a path the DWARF stays on disk until the DWARF reader wants it (about half of a -g object), and the
  // relocation tables until each is decoded.
  if (typeof x === "string") {
    const f = openElf(x, { deferDebug: true, streamRelocations: true });
    opened.push(f);
    return f;
  }
  if (x instanceof Uint8Array) return readElf(x, { path: `<${which}>` });
  return x;
}
