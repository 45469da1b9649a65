import type { Severity } from "../report.js";

/**
 * Every rule a profile can apply: a stable id (part of the JSON contract: CI gates and policy files name
 * rules by id), its default severity, a one-line title and help a person can act on. Ids are never renamed
 * or reused; a retired rule keeps its entry.
 */
export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly help: string;
}

const SHADOW =
  "Live patches replace code, not data already in memory: keep the old layout and attach new state beside the old object (a shadow variable), or convert existing objects in a callback when the patch is applied.";

export const RULES = {
  "struct-layout-changed": {
    id: "struct-layout-changed",
    severity: "error",
    title: "a struct, union or class layout changed",
    help: `Objects created before the patch keep the old layout, and unchanged functions still read them with it. ${SHADOW}`,
  },
  "enum-changed": {
    id: "enum-changed",
    severity: "error",
    title: "an enum's constants changed value or were removed",
    help: "Values already stored in memory, and unchanged code comparing against them, keep the old numbering. Add new constants at the end instead of renumbering existing ones.",
  },
  "enum-extended": {
    id: "enum-extended",
    severity: "warning",
    title: "an enum gained constants (existing values unchanged)",
    help: "Unchanged code does not know the new constants; check that no unchanged function switches over this enum.",
  },
  "typedef-changed": {
    id: "typedef-changed",
    severity: "error",
    title: "a typedef now names a different type",
    help: `Every object declared through the typedef changes its layout. ${SHADOW}`,
  },
  "data-changed": {
    id: "data-changed",
    severity: "error",
    title: "the initial value of an existing data object changed",
    help: "A live patch does not re-run initialisation: the running program keeps the old value. Set the new value from a patch callback, or leave the initialiser alone.",
  },
  "data-size-changed": {
    id: "data-size-changed",
    severity: "error",
    title: "the size of an existing data object changed",
    help: `Unchanged code and the memory already allocated use the old size. ${SHADOW}`,
  },
  "data-section-changed": {
    id: "data-section-changed",
    severity: "error",
    title: "an existing data object moved to another kind of section",
    help: "The object changed its nature (made const, initialised, thread-local); the running program keeps the old object where it was.",
  },
  "symbol-binding-changed": {
    id: "symbol-binding-changed",
    severity: "error",
    title: "a symbol's binding or type changed",
    help: "Other objects linked against the old symbol (a global made static, a function made a variable) cannot be redirected by replacing functions.",
  },
  "init-code-changed": {
    id: "init-code-changed",
    severity: "error",
    title: "initialisation code changed",
    help: "Constructors and .init.text code ran when the program or module was loaded and will not run again; move the change into a function that runs later, or into a patch callback.",
  },
  "init-code-new": {
    id: "init-code-new",
    severity: "warning",
    title: "new initialisation code",
    help: "A new constructor or .init.text function will not run in a program that is already running.",
  },
  "static-local-removed": {
    id: "static-local-removed",
    severity: "error",
    title: "a function no longer uses one of its static local variables",
    help: "The state the static local held would be lost: the patched function starts from a fresh variable. Keep the static local, or carry its value over in a patch callback.",
  },
  "function-signature-changed": {
    id: "function-signature-changed",
    severity: "warning",
    title: "a function's parameters or return type changed",
    help: "Every caller must be patched together with the function; callers in other objects, and calls through pointers, still use the old signature.",
  },
  "section-changed": {
    id: "section-changed",
    severity: "warning",
    title: "an unnamed allocated section changed",
    help: "Contents no symbol names changed; check what the section holds before applying the patch.",
  },
  "no-debug-info": {
    id: "no-debug-info",
    severity: "warning",
    title: "no usable DWARF: type layouts were not compared",
    help: "Build both objects with -g so that struct, union and enum changes can be detected.",
  },
  "no-symbol-table": {
    id: "no-symbol-table",
    severity: "error",
    title: "an object has no symbol table",
    help: "Without .symtab (a stripped object) functions and data cannot be told apart or paired: compare the unstripped build outputs.",
  },
  "no-change": {
    id: "no-change",
    severity: "info",
    title: "nothing changed",
    help: "The two objects have the same functions and data; there is nothing to patch.",
  },
  "waiver-expired": {
    id: "waiver-expired",
    severity: "error",
    title: "a policy waiver has expired",
    help: "The waiver no longer applies, so the findings it covered count again. Fix what it waived, or review the waiver and give it a new `expires` date.",
  },
  // The kernel profile (profiles/kernel/).
  "no-patchable-entry": {
    id: "no-patchable-entry",
    severity: "error",
    title: "a changed function has no profiling entry (notrace)",
    help: "Kernel live patches redirect a function through its ftrace entry (the __fentry__/_mcount call or the patchable nops); a notrace function in the running kernel has none. Patch its callers instead, so that they call the new code.",
  },
  "jump-label-module-key": {
    id: "jump-label-module-key",
    severity: "error",
    title: "a jump label or static call in patched code uses a key defined elsewhere",
    help: "The patch module's __jump_table and .static_call_sites entries must name their keys when the module is loaded; a key of another module (or of vmlinux, when patching a module) cannot be resolved then. Use a plain condition or a direct call in the patched function instead.",
  },
  "ppc64-sibling-call": {
    id: "ppc64-sibling-call",
    severity: "error",
    title: "ppc64: a patched function makes a sibling call to a global function",
    help: "The patch module has its own TOC: a tail call (b, not bl) out of it reaches the kernel's function without restoring r2. Prevent the tail call in the patched function (for example with a barrier after the call), so that the compiler emits bl and a TOC restore.",
  },
  "exported-symbol-changed": {
    id: "exported-symbol-changed",
    severity: "error",
    title: "an exported function's interface changed",
    help: "Modules already loaded are bound to the old prototype, symbol and export; they would call the new code with the old interface. Keep the exported interface and add a new function for the new one.",
  },
  "export-added": {
    id: "export-added",
    severity: "warning",
    title: "the patched build exports a function the running kernel does not",
    help: "A live patch cannot add an entry to the running kernel's symbol tables: modules cannot bind to the new export. The function's code is patched as usual.",
  },
  "special-section-size-mismatch": {
    id: "special-section-size-mismatch",
    severity: "error",
    title: "a special section does not fit its entry size",
    help: "The entry size the kernel profile uses for this section and architecture does not match the object (another kernel version?): its entries cannot be attributed to functions. Give the right size with --special-section-size NAME=BYTES.",
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function ruleInfo(id: RuleId): RuleInfo {
  return RULES[id];
}
