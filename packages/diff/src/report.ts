import { z } from "zod";

/**
 * The diff report: the contract of `elfdelta diff --format json` (see shared/contracts.md). These schemas
 * are the single source of truth; `reportJsonSchema()` exports them for non-TypeScript users and the file
 * `schema/report.schema.json` is generated from it. The contract's fields are never changed or removed;
 * everything beyond them is optional and additive (`details`, `pairing`, `patchedName`, ...).
 */

export const SCHEMA_VERSION = 1;

export const Status = z.enum(["changed", "new", "removed", "unchanged"]);
export type Status = z.infer<typeof Status>;

export const Severity = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof Severity>;

export const Verdict = z.enum(["safe", "unsupported"]);
export type Verdict = z.infer<typeof Verdict>;

export const Pairing = z
  .enum(["name", "normalized-name", "static-local-users", "ordinal"])
  .describe(
    "How the symbol was paired with its counterpart: identical names, names equal without compiler numbering, a static local told apart by the function owning or using it, or order among equal names.",
  );
export type Pairing = z.infer<typeof Pairing>;

export const ObjectSide = z.object({
  path: z.string(),
  machine: z.string(),
  class: z.union([z.literal(32), z.literal(64)]),
  endian: z.enum(["little", "big"]),
});
export type ObjectSide = z.infer<typeof ObjectSide>;

/** Structured reasons; `details[i]` says in data what `reasons[i]` says in words. */
export const ReasonDetail = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("size"), original: z.number().int(), patched: z.number().int() }),
  z.object({
    kind: z.literal("bytes"),
    offset: z.number().int().describe("first differing offset from the start of the symbol"),
    original: z.string().describe("hex, a few bytes from that offset"),
    patched: z.string(),
  }),
  z.object({
    kind: z.literal("relocation"),
    offset: z.number().int(),
    type: z.string().optional(),
    original: z.string().optional().describe("what the original's relocation there points at"),
    patched: z.string().optional(),
  }),
  z.object({ kind: z.literal("reference-added"), target: z.string() }),
  z.object({ kind: z.literal("reference-removed"), target: z.string() }),
  z.object({ kind: z.literal("string"), original: z.string(), patched: z.string() }),
  z.object({ kind: z.literal("referenced-data-changed"), target: z.string() }),
  z.object({
    kind: z.literal("line-number"),
    offset: z.number().int(),
    original: z.number().int(),
    patched: z.number().int(),
  }),
  z.object({ kind: z.literal("inlined-callee"), callee: z.string(), evidence: z.string() }),
  z.object({ kind: z.literal("child-changed"), child: z.string() }),
  z.object({ kind: z.literal("section"), original: z.string(), patched: z.string() }),
  z.object({ kind: z.literal("binding"), original: z.string(), patched: z.string() }),
  z.object({ kind: z.literal("symbol-type"), original: z.string(), patched: z.string() }),
  z.object({ kind: z.literal("signature"), original: z.string(), patched: z.string() }),
  z.object({ kind: z.literal("static-local-dropped"), variable: z.string() }),
  z.object({
    kind: z.literal("special-section-entry"),
    section: z.string().describe("the special section (`__jump_table`, `__ex_table`, ...)"),
    offset: z.number().int().describe("where in the function the entry points"),
    change: z.enum(["added", "removed", "changed"]),
    original: z.string().optional().describe("what the original's entry says"),
    patched: z.string().optional(),
  }),
]);
export type ReasonDetail = z.infer<typeof ReasonDetail>;

/**
 * A difference between two builds of a function that the profile discounted (the function stays unchanged):
 * kernel `__LINE__` immediates and `__bug_table` lines, a profiling entry present on one side only, entries
 * in sections with no run-time effect on the code (`.discard.*`, `__ksymtab*`).
 */
export const IgnoredDifference = z.object({
  why: z.enum(["line-number-only", "profiling-entry", "special-section-entry"]),
  message: z.string(),
  section: z
    .string()
    .optional()
    .describe("the section the difference is in (the code, or a special section)"),
  offset: z.number().int().optional().describe("offset from the start of the function"),
  original: z.string().optional(),
  patched: z.string().optional(),
});
export type IgnoredDifference = z.infer<typeof IgnoredDifference>;

export const SymbolEntry = z.object({
  name: z
    .string()
    .describe("the symbol's name in ORIGINAL for changed, unchanged and removed; in PATCHED for new"),
  status: Status,
  section: z.string().describe("the section holding the symbol (its code, for function descriptors)"),
  reasons: z.array(z.string()),
  details: z.array(ReasonDetail).optional(),
  patchedName: z.string().optional().describe("the paired symbol's name in PATCHED, when it differs"),
  patchedSection: z.string().optional().describe("the paired symbol's section in PATCHED, when it differs"),
  pairing: Pairing.optional(),
  parent: z.string().optional().describe("for .cold/.part pieces: the function they belong to"),
  staticLocal: z
    .object({ function: z.string().optional(), variable: z.string() })
    .optional()
    .describe("for static locals: the variable and the function it belongs to"),
  compilerGenerated: z.boolean().optional().describe("made by the compiler, not named in the source"),
  size: z.number().int().optional(),
  binding: z.string().optional(),
  ignored: z.boolean().optional().describe("a policy ignores it: its findings are dropped"),
  ignoredDifferences: z
    .array(IgnoredDifference)
    .optional()
    .describe("differences the profile discounted for this (unchanged) function, and why"),
});
export type SymbolEntry = z.infer<typeof SymbolEntry>;

export const MemberRow = z.object({
  name: z.string(),
  type: z.string(),
  offset: z.number().int(),
  size: z.number().int(),
  bitOffset: z.number().int().optional(),
  bitSize: z.number().int().optional(),
});
export type MemberRow = z.infer<typeof MemberRow>;

const bitPos = z.object({ bitOffset: z.number().int().optional(), bitSize: z.number().int().optional() });

export const TypeChange = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("size-changed"),
    message: z.string(),
    original: z.number().int(),
    patched: z.number().int(),
  }),
  z.object({
    kind: z.literal("member-added"),
    message: z.string(),
    member: z.string(),
    offset: z.number().int(),
    size: z.number().int(),
    inPadding: z.boolean(),
  }),
  z.object({
    kind: z.literal("member-removed"),
    message: z.string(),
    member: z.string(),
    offset: z.number().int(),
  }),
  z.object({
    kind: z.literal("member-moved"),
    message: z.string(),
    member: z.string(),
    original: z.number().int(),
    patched: z.number().int(),
  }),
  z.object({
    kind: z.literal("member-resized"),
    message: z.string(),
    member: z.string(),
    original: z.number().int(),
    patched: z.number().int(),
  }),
  z.object({
    kind: z.literal("member-retyped"),
    message: z.string(),
    member: z.string(),
    original: z.string(),
    patched: z.string(),
  }),
  z.object({
    kind: z.literal("member-bits-changed"),
    message: z.string(),
    member: z.string(),
    original: bitPos,
    patched: bitPos,
  }),
  z.object({
    kind: z.literal("member-type-changed"),
    message: z.string(),
    member: z.string(),
    type: z.string().describe("the member's type whose own layout changed"),
  }),
  z.object({
    kind: z.literal("members-reordered"),
    message: z.string(),
    original: z.array(z.string()),
    patched: z.array(z.string()),
  }),
  z.object({ kind: z.literal("enumerator-added"), message: z.string(), name: z.string(), value: z.string() }),
  z.object({
    kind: z.literal("enumerator-removed"),
    message: z.string(),
    name: z.string(),
    value: z.string(),
  }),
  z.object({
    kind: z.literal("enumerator-value-changed"),
    message: z.string(),
    name: z.string(),
    original: z.string(),
    patched: z.string(),
  }),
  z.object({
    kind: z.literal("typedef-target-changed"),
    message: z.string(),
    original: z.string(),
    patched: z.string(),
  }),
  z.object({
    kind: z.literal("kind-changed"),
    message: z.string(),
    original: z.string(),
    patched: z.string(),
  }),
]);
export type TypeChange = z.infer<typeof TypeChange>;

export const TypeKindName = z.enum(["struct", "union", "class", "enum", "typedef"]);
export type TypeKindName = z.infer<typeof TypeKindName>;

export const TypeEntry = z.object({
  name: z.string().describe("the tag, or the typedef naming an untagged type"),
  kind: TypeKindName,
  status: Status,
  changes: z.array(TypeChange),
  usedBy: z
    .array(z.string())
    .describe(
      "functions whose parameters, locals, return type or accessed globals involve the type, changed or not",
    ),
  size: z.object({ original: z.number().int().optional(), patched: z.number().int().optional() }).optional(),
  layout: z
    .object({ original: z.array(MemberRow), patched: z.array(MemberRow) })
    .optional()
    .describe("changed structs and unions: the members before and after"),
});
export type TypeEntry = z.infer<typeof TypeEntry>;

export const Finding = z.object({
  rule: z.string().describe("a stable rule id from the catalogue"),
  severity: Severity,
  message: z.string(),
  symbol: z.string().optional(),
  section: z.string().optional(),
  type: z.string().optional(),
  help: z.string().optional(),
  location: z
    .object({ file: z.string(), line: z.number().int().positive().optional() })
    .optional()
    .describe("where DWARF declares the symbol or type the finding is about (patched build first)"),
  waived: z
    .object({ reason: z.string(), expires: z.string().optional() })
    .optional()
    .describe("set when a policy waiver covers the finding: it stays listed but no longer counts"),
});
export type Finding = z.infer<typeof Finding>;

const counts = z.object({
  changed: z.number().int(),
  new: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
});

export const Summary = z.object({
  functions: counts,
  data: counts,
  types: counts,
  errors: z.number().int(),
  warnings: z.number().int(),
  waived: z.number().int().optional().describe("findings a policy waived (not in errors/warnings)"),
});
export type Summary = z.infer<typeof Summary>;

export const Report = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  original: ObjectSide,
  patched: ObjectSide,
  profile: z.string().optional(),
  functions: z.array(SymbolEntry),
  data: z.array(SymbolEntry),
  types: z.array(TypeEntry),
  findings: z.array(Finding),
  verdict: Verdict,
  summary: Summary.optional(),
});
export type Report = z.infer<typeof Report>;

/**
 * The report's JSON Schema (draft 2020-12), generated from the zod schema above. Objects stay open
 * (no `additionalProperties: false`): later versions add fields, and old validators must still accept them.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Report, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "https://elfdelta.dev/schema/report.schema.json",
    title: "elfdelta diff report",
    description: "The JSON report of `elfdelta diff --format json` for one pair of objects.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}
