import { DiffUsageError, diffObjects, type Report } from "@elfdelta/diff";
import { UsageError } from "../errors.js";
import { renderDiffMarkdown } from "../render/diff-markdown.js";
import { renderDiffText } from "../render/diff-text.js";

export interface DiffCommandOptions {
  format: string;
  profile: string;
  policy?: string;
}

/** Exit code of a report: 0 when the patch is safe, 1 when it is unsupported. */
export function exitCodeOf(r: Report): number {
  return r.verdict === "unsupported" ? 1 : 0;
}

/**
 * `elfdelta diff ORIGINAL PATCHED`: builds the report and renders it. Input errors surface as the reader's
 * ElfError, command-line errors as UsageError (both exit 2 in main.ts).
 */
export function diffCommand(
  original: string,
  patched: string,
  opts: DiffCommandOptions,
): { output: string; exitCode: number } {
  if (opts.policy !== undefined) {
    throw new UsageError("--policy is not supported yet: policy files come with a later version of elfdelta");
  }
  if (opts.format === "sarif") {
    throw new UsageError(
      "--format sarif is not supported yet; use --format json (the schema is in packages/diff/schema)",
    );
  }
  if (opts.format !== "text" && opts.format !== "json" && opts.format !== "markdown") {
    throw new UsageError(`unknown format '${opts.format}' (text, json, markdown)`);
  }
  let report: Report;
  try {
    report = diffObjects(original, patched, { profile: opts.profile });
  } catch (e) {
    if (e instanceof DiffUsageError) throw new UsageError(e.message);
    throw e;
  }
  const output =
    opts.format === "json"
      ? `${JSON.stringify(report, null, 2)}\n`
      : opts.format === "markdown"
        ? renderDiffMarkdown(report)
        : renderDiffText(report);
  return { output, exitCode: exitCodeOf(report) };
}
