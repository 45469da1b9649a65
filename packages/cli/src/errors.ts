import { ElfError } from "@elfdelta/elf";

/** A problem with the command line itself (exit code 2), as opposed to a problem with an input file. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ErrorReport {
  error: { code: string; message: string; file?: string; offset?: number };
}

/** Turns anything thrown into the contract's error object; unknown exceptions become "internal". */
export function toErrorReport(e: unknown): ErrorReport {
  if (e instanceof ElfError) return { error: e.toJSON() };
  if (e instanceof UsageError) return { error: { code: "usage", message: e.message } };
  const message = e instanceof Error ? e.message : String(e);
  return { error: { code: "internal", message } };
}

/** The one line printed on stderr: file, problem, offset. */
export function errorLine(e: unknown): string {
  if (e instanceof ElfError) return `elfdelta: ${e.describe()}`;
  const r = toErrorReport(e).error;
  return `elfdelta: ${r.message}`;
}
