import { DiffUsageError, PolicyError } from "@elfdelta/diff";
import { ElfError } from "@elfdelta/elf";

/** A problem with the command line itself (exit code 2), as opposed to a problem with an input file. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The report could not be written where `--output` says. */
export class OutputError extends Error {
  override readonly name = "OutputError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface ErrorReport {
  error: { code: string; message: string; file?: string; offset?: number; key?: string };
}

/** Turns anything thrown into the contract's error object; unknown exceptions become "internal". */
export function toErrorReport(e: unknown): ErrorReport {
  if (e instanceof ElfError) return { error: e.toJSON() };
  if (e instanceof PolicyError) return { error: e.toJSON() };
  if (e instanceof UsageError || e instanceof DiffUsageError)
    return { error: { code: "usage", message: e.message } };
  if (e instanceof OutputError) return { error: { code: "io", message: e.message, file: e.file } };
  const message = e instanceof Error ? e.message : String(e);
  return { error: { code: "internal", message } };
}

/** The one line printed on stderr: file, problem, offset (or key, for a policy file). */
export function errorLine(e: unknown): string {
  if (e instanceof ElfError || e instanceof PolicyError) return `elfdelta: ${e.describe()}`;
  if (e instanceof OutputError) return `elfdelta: ${e.file}: ${e.message}`;
  const r = toErrorReport(e).error;
  return `elfdelta: ${r.message}`;
}
