import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Finding, Report, Severity, SymbolEntry } from "./report.js";
import { RULE_IDS, RULES, type RuleId, ruleInfo } from "./rules/catalogue.js";

/**
 * A policy file (`elfdelta.policy.json`): per-rule severities, waivers for findings about a named type, symbol
 * or section, and functions or sections to ignore. The zod schema below is the single source of truth;
 * `policyJsonSchema()` exports it and `schema/policy.schema.json` is generated from it. Objects are strict:
 * an unknown key is an error (a misspelt `reason` must not silently waive nothing).
 */

const isRuleId = (id: string): id is RuleId => Object.hasOwn(RULES, id);

/** A rule id of the catalogue (the JSON Schema lists them, so editors can complete them). */
const RuleName = z.enum(RULE_IDS as [RuleId, ...RuleId[]], {
  error: (issue) => `unknown rule id '${String(issue.input)}'`,
});

export const PolicySeverity = z.enum(["error", "warning", "info"]);

export const RulePolicy = z.strictObject({
  severity: PolicySeverity.describe("the severity of every finding of this rule"),
});
export type RulePolicy = z.infer<typeof RulePolicy>;

const IsoDate = z.iso
  .date({ error: "expected a date, YYYY-MM-DD" })
  .describe("a date, YYYY-MM-DD: the waiver applies up to and including that day");

export const Waiver = z
  .strictObject({
    rule: RuleName.optional().describe("only findings of this rule; any rule when absent"),
    type: z.string().min(1).optional().describe("findings about this struct, union, enum or typedef"),
    symbol: z.string().min(1).optional().describe("findings about this function or data symbol"),
    section: z.string().min(1).optional().describe("findings about this section"),
    reason: z.string().trim().min(1).describe("why the finding is acceptable: shown in every report"),
    expires: IsoDate.optional(),
  })
  .refine((w) => w.type !== undefined || w.symbol !== undefined || w.section !== undefined, {
    error: "a waiver names a type, a symbol or a section",
  })
  .describe(
    "Waives the findings about the named type, symbol or section (all that are given must match). A waived finding stays in the report, marked with the reason, but no longer counts towards the verdict.",
  );
export type Waiver = z.infer<typeof Waiver>;

export const Policy = z
  .strictObject({
    $schema: z.string().optional().describe("the JSON Schema of this file, for editors"),
    rules: z
      .partialRecord(RuleName, RulePolicy)
      .optional()
      .describe('per rule id: a different severity ("error" fails the gate, "warning" and "info" do not)'),
    waivers: z.array(Waiver).optional(),
    ignore: z
      .strictObject({
        functions: z.array(z.string().min(1)).optional().describe("functions (or data) by symbol name"),
        sections: z.array(z.string().min(1)).optional().describe("sections by name"),
      })
      .optional()
      .describe(
        "Functions, data and sections left out of the judgement: their findings are dropped and their entries are marked ignored.",
      ),
  })
  .describe("elfdelta policy file (elfdelta.policy.json)");
export type Policy = z.infer<typeof Policy>;

/** A policy file that cannot be used: unreadable, not JSON, an unknown key, a wrong type, an unknown rule. */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
  readonly code = "bad-policy";
  constructor(
    message: string,
    /** The policy file. */
    readonly file: string,
    /** The offending key as a path (`waivers[0].reason`), when the problem is one key. */
    readonly key?: string,
  ) {
    super(message);
  }

  /** One line a person can act on: `file: key: problem`. */
  describe(): string {
    return `${this.file}: ${this.message}`;
  }

  toJSON(): { code: "bad-policy"; message: string; file: string; key?: string } {
    return {
      code: this.code,
      message: this.message,
      file: this.file,
      ...(this.key !== undefined ? { key: this.key } : {}),
    };
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Validates parsed JSON as a policy; `file` names it in errors. Throws `PolicyError`. */
export function parsePolicy(json: unknown, file = "<policy>"): Policy {
  const r = Policy.safeParse(json);
  if (r.success) return r.data;
  // A misspelt key also makes the right one "missing": name the misspelling first.
  const issue = r.error.issues.find((i) => i.code === "unrecognized_keys") ?? r.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const key = keyPath([...issue.path, issue.keys[0]!]);
    const what = keyPath(issue.path) === "rules" ? `unknown rule id '${issue.keys[0]}' at` : "unknown key";
    throw new PolicyError(`${what} '${key}'`, file, key);
  }
  if (issue.code === "invalid_key") {
    const key = keyPath(issue.path);
    throw new PolicyError(`'${key}': ${issue.issues[0]?.message ?? issue.message}`, file, key);
  }
  const key = keyPath(issue.path);
  const where = key === "" ? "" : `'${key}': `;
  let message = issue.message;
  if (issue.code === "invalid_type") {
    const value = valueAt(json, issue.path);
    message =
      value === undefined
        ? "missing (required)"
        : `expected ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "an array" : `a ${issue.expected}`}, got ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}`;
  }
  throw new PolicyError(`${where}${message}`, file, key === "" ? undefined : key);
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v = json;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Reads and validates a policy file. Throws `PolicyError` (unreadable, not JSON, invalid). */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PolicyError(
      `cannot read policy file: ${code === "ENOENT" ? "no such file" : (code ?? String(e))}`,
      path,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PolicyError(`not valid JSON: ${(e as Error).message}`, path);
  }
  return parsePolicy(json, path);
}

export interface ApplyPolicyOptions {
  /** Today, for waiver expiry; defaults to the current date (UTC). */
  now?: Date;
}

/**
 * Applies a policy to a report and returns the new report (the input is not changed): ignored functions,
 * data and sections lose their findings and are marked `ignored`; severities are overridden per rule; waived
 * findings are marked `waived` and stop counting; an expired waiver waives nothing and is itself a finding
 * (`waiver-expired`). The verdict and the summary are recomputed.
 */
export function applyPolicy(report: Report, policy: Policy, options: ApplyPolicyOptions = {}): Report {
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const ignoredFns = new Set(policy.ignore?.functions ?? []);
  const ignoredSections = new Set(policy.ignore?.sections ?? []);
  const isIgnored = (e: SymbolEntry) =>
    ignoredFns.has(e.name) ||
    (e.patchedName !== undefined && ignoredFns.has(e.patchedName)) ||
    ignoredSections.has(e.section) ||
    (e.patchedSection !== undefined && ignoredSections.has(e.patchedSection));
  const mark = (entries: readonly SymbolEntry[]) =>
    entries.map((e) => (isIgnored(e) ? { ...e, ignored: true } : e));
  const functions = mark(report.functions);
  const data = mark(report.data);
  const ignoredSymbols = new Set(
    [...functions, ...data].filter((e) => e.ignored).flatMap((e) => [e.name, e.patchedName ?? e.name]),
  );

  const severityOf = (f: Finding): Severity => {
    const p = isRuleId(f.rule) ? policy.rules?.[f.rule] : undefined;
    return p?.severity ?? f.severity;
  };
  const waivers = policy.waivers ?? [];
  const live = waivers.filter((w) => w.expires === undefined || w.expires >= today);
  const findings: Finding[] = [];
  for (const f of report.findings) {
    if (f.symbol !== undefined && (ignoredSymbols.has(f.symbol) || ignoredFns.has(f.symbol))) continue;
    if (f.section !== undefined && ignoredSections.has(f.section)) continue;
    const severity = severityOf(f);
    const w = live.find((x) => covers(x, f));
    const out: Finding = { ...f, severity };
    if (w) out.waived = { reason: w.reason, ...(w.expires !== undefined ? { expires: w.expires } : {}) };
    findings.push(out);
  }
  for (const w of waivers) {
    if (w.expires === undefined || w.expires >= today) continue;
    const info = ruleInfo("waiver-expired");
    const what = [
      w.rule ? `rule ${w.rule}` : "",
      w.type ? `type ${w.type}` : "",
      w.symbol ? `symbol ${w.symbol}` : "",
      w.section ? `section ${w.section}` : "",
    ]
      .filter((s) => s !== "")
      .join(", ");
    findings.push({
      rule: info.id,
      severity: policy.rules?.["waiver-expired"]?.severity ?? info.severity,
      message: `the waiver for ${what} expired on ${w.expires} ("${w.reason}")`,
      ...(w.symbol !== undefined ? { symbol: w.symbol } : {}),
      ...(w.section !== undefined ? { section: w.section } : {}),
      ...(w.type !== undefined ? { type: w.type } : {}),
      help: info.help,
    });
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((x, y) => Number(!!x.waived) - Number(!!y.waived) || rank[x.severity] - rank[y.severity]);

  const counting = findings.filter((f) => !f.waived);
  const errors = counting.filter((f) => f.severity === "error").length;
  const warnings = counting.filter((f) => f.severity === "warning").length;
  const waived = findings.length - counting.length;
  return {
    ...report,
    functions,
    data,
    findings,
    verdict: errors > 0 ? "unsupported" : "safe",
    ...(report.summary
      ? { summary: { ...report.summary, errors, warnings, ...(waived > 0 ? { waived } : {}) } }
      : {}),
  };
}

function covers(w: Waiver, f: Finding): boolean {
  if (w.rule !== undefined && w.rule !== f.rule) return false;
  if (w.type !== undefined && w.type !== f.type) return false;
  if (w.symbol !== undefined && w.symbol !== f.symbol) return false;
  if (w.section !== undefined && w.section !== f.section) return false;
  return true;
}

/** The policy file's JSON Schema (draft 2020-12), generated from the zod schema. */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Policy, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "https://elfdelta.dev/schema/policy.schema.json",
    title: "elfdelta policy file",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}
