import { z } from "zod";
import { Report, reportJsonSchema, SCHEMA_VERSION, Verdict } from "./report.js";

/**
 * The report of two archives or two build directories: one entry per object pair, then a summary. Like the
 * single-pair report (`report.ts`, whose schema the compared pairs reuse), these schemas are the contract of
 * `elfdelta diff --format json` and `treeReportJsonSchema()` exports them.
 */

export const PairError = z
  .object({
    code: z.string().describe("a stable error code: the reader's (not-elf, truncated, ...) or the diff's"),
    message: z.string(),
    file: z.string().optional(),
    offset: z.number().int().optional(),
  })
  .describe("why the pair could not be compared");
export type PairError = z.infer<typeof PairError>;

const pairName = z
  .string()
  .describe(
    "the pair's key: the relative path in the directories, or the archive member (with [n] for the nth duplicate)",
  );

export const ComparedPair = Report.extend({ name: pairName }).describe("a pair of objects that was compared");
export type ComparedPair = z.infer<typeof ComparedPair>;

export const NewObject = z
  .object({ name: pairName, status: z.literal("new"), patched: z.string() })
  .describe("an object only in PATCHED");
export const RemovedObject = z
  .object({ name: pairName, status: z.literal("removed"), original: z.string() })
  .describe("an object only in ORIGINAL");
export const ErrorPair = z
  .object({
    name: pairName,
    status: z.literal("error"),
    original: z.string(),
    patched: z.string(),
    error: PairError,
  })
  .describe("a pair that could not be compared (malformed object, different machines)");

export const TreePair = z.union([ComparedPair, NewObject, RemovedObject, ErrorPair]);
export type TreePair = z.infer<typeof TreePair>;

export const TreeSummary = z.object({
  pairs: z.number().int().describe("entries in pairs"),
  compared: z.number().int(),
  safe: z.number().int(),
  unsupported: z.number().int(),
  new: z.number().int(),
  removed: z.number().int(),
  errors: z.number().int().describe("pairs that could not be compared (the exit code is then 2)"),
  findings: z.object({
    errors: z.number().int(),
    warnings: z.number().int(),
    waived: z.number().int(),
  }),
  verdict: Verdict.describe("unsupported when any compared pair is unsupported"),
});
export type TreeSummary = z.infer<typeof TreeSummary>;

export const TreeReport = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z.enum(["directory", "archive"]).describe("what ORIGINAL and PATCHED are"),
  original: z.string(),
  patched: z.string(),
  profile: z.string().optional(),
  pairs: z.array(TreePair),
  summary: TreeSummary,
});
export type TreeReport = z.infer<typeof TreeReport>;

/** Tells a tree entry that was compared from one that is new, removed or in error. */
export function isComparedPair(p: TreePair): p is ComparedPair {
  return !("status" in p);
}

/** The tree report's JSON Schema (draft 2020-12). */
export function treeReportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TreeReport, { target: "draft-2020-12", io: "input" }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: "https://elfdelta.dev/schema/tree-report.schema.json",
    title: "elfdelta diff report of two archives or build directories",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}

/**
 * What `elfdelta diff --format json` prints, whatever the inputs: the report of one pair or of a tree
 * (exactly one of the two matches). `elfdelta schema report` prints it.
 */
export function diffOutputJsonSchema(): Record<string, unknown> {
  const strip = (s: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$schema" && k !== "$id"));
  const single = reportJsonSchema();
  const tree = treeReportJsonSchema();
  return {
    $schema: single.$schema,
    $id: "https://elfdelta.dev/schema/diff-output.schema.json",
    title: "elfdelta diff --format json",
    description:
      "The report of one pair of objects, or of two archives or build directories ({schemaVersion, pairs, summary}).",
    oneOf: [{ $ref: "#/$defs/report" }, { $ref: "#/$defs/treeReport" }],
    $defs: { report: strip(single), treeReport: strip(tree) },
  };
}
