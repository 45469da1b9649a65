import type { ElfSymbol } from "@elfdelta/elf";
import { initRules } from "../../rules/init.js";
import { metaRules } from "../../rules/meta.js";
import { signatureRules } from "../../rules/signatures.js";
import { staticLocalRules } from "../../rules/statics.js";
import { symbolRules } from "../../rules/symbols.js";
import { typeRules } from "../../rules/types.js";
import type { Profile } from "../profile.js";
import { refineFunction } from "./compare.js";
import { kernelPair } from "./pair.js";
import {
  exportRules,
  kernelDataRules,
  kernelSectionRules,
  layoutRules,
  moduleKeyRules,
  noPatchableEntryRules,
  siblingCallRules,
} from "./rules.js";
import { specialSectionTable } from "./tables/index.js";

/** Architecture-independent roles, for reading the builds (entry sizes do not matter there). */
const ROLES = specialSectionTable(undefined);

/** Objects of macro-made tables: never paired, like compiler-made statics. */
const NEVER_CORRELATED = [".data.once", ".data.unlikely", "__tracepoints", "__dyndbg"];

/**
 * The kernel live-patch profile (what kpatch's create-diff-object decides, explained): profiling entries
 * and `__mcount_loc`/`__patchable_function_entries` never make a function changed, and a changed function
 * without one is refused; special sections are compared entry by entry and an entry changes the function
 * it points at; `__LINE__`-only changes are discounted; macro statics are never correlated; init code and
 * data, existing data, object sizes, module-defined jump-label and static-call keys, ppc64 sibling calls
 * and changed exports are refused.
 */
export const kernel: Profile = {
  name: "kernel",
  description:
    "Linux kernel live patches (kpatch, livepatch): special sections, profiling entries, __LINE__, exports",
  rules: [
    typeRules,
    kernelDataRules,
    symbolRules,
    initRules,
    staticLocalRules,
    signatureRules,
    kernelSectionRules,
    noPatchableEntryRules,
    moduleKeyRules,
    siblingCallRules,
    exportRules,
    layoutRules,
    metaRules,
  ],
  view: {
    // Module metadata and link-time annotations (.modinfo strings, __ksymtab_f, .discard.* objects) are
    // not data of the program.
    unlisted: (section: string, _sym: ElfSymbol) => ROLES.layoutOf(section)?.role === "metadata",
    neverCorrelated: (section: string, _sym: ElfSymbol) =>
      NEVER_CORRELATED.some((s) => section === s || section.startsWith(`${s}.`)),
  },
  comparison(keys, options) {
    const pair = kernelPair(keys, options);
    return { function: (o, p, general) => refineFunction(pair, o, p, general) };
  },
  options: ["specialSectionSizes"],
};
