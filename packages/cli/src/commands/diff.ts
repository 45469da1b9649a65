import {
  closeSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import {
  type DiffOptions,
  DiffUsageError,
  diffObjects,
  inputKind,
  isComparedPair,
  loadPolicy,
  type Report,
  streamTree,
  type TreePair,
  type TreeReport,
} from "@elfdelta/diff";
import { OutputError, UsageError } from "../errors.js";
import { RELEASE_FROM_BYTES, releaseHeap } from "../heap.js";
import { renderDiffMarkdown, renderTreeMarkdown } from "../render/diff-markdown.js";
import { renderSarif } from "../render/diff-sarif.js";
import { forTreeRendering, renderDiffText, renderTreeText } from "../render/diff-text.js";
import { TreeJsonWriter, writeReportJson } from "../render/json.js";
import { terminalProgress } from "../render/progress.js";
import { type ColorWhen, chooseStyle } from "../render/style.js";
import { VERSION } from "../version.js";

export const DIFF_FORMATS = ["text", "json", "sarif", "markdown"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffCommandOptions {
  format: string;
  profile: string;
  policy?: string;
  output?: string;
  color?: ColorWhen;
  quiet?: boolean;
  failOn?: "error" | "warning";
  jobs?: string;
}

export type FailOn = "error" | "warning";

/**
 * Exit code of one report for the gate: 1 when the patch is unsupported, or when `failOn` is "warning" and a
 * warning was not waived; 0 otherwise.
 */
export function exitCodeOf(r: Report, failOn: FailOn = "error"): number {
  if (r.verdict === "unsupported") return 1;
  if (failOn === "warning" && r.findings.some((f) => f.severity === "warning" && !f.waived)) return 1;
  return 0;
}

/**
 * `elfdelta diff ORIGINAL PATCHED`: two objects, two archives or two build directories. Builds the report(s),
 * renders them, writes them to stdout or `--output`, and returns the exit code. Input errors surface as the
 * reader's ElfError, command-line errors as UsageError, policy errors as PolicyError (all exit 2 in main.ts);
 * in a tree, a pair that cannot be compared is reported in its entry and on stderr, and the exit code is 2.
 */
export async function diffCommand(
  original: string,
  patched: string,
  opts: DiffCommandOptions,
  /** More of the library's options, as parsed from the command line (e.g. the kernel profile's). */
  extra: Omit<DiffOptions, "profile" | "policy"> = {},
): Promise<number> {
  if (!(DIFF_FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`unknown format '${opts.format}' (${DIFF_FORMATS.join(", ")})`);
  }
  const format = opts.format as DiffFormat;
  const failOn: FailOn = opts.failOn ?? "error";
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
    throw new UsageError(`--jobs wants a whole number of at least 1, not '${opts.jobs}'`);
  }
  const policy = opts.policy !== undefined ? loadPolicy(opts.policy) : undefined;
  const options: DiffOptions = { ...extra, profile: opts.profile, ...(policy ? { policy } : {}) };

  const style = chooseStyle(
    opts.color ?? "auto",
    process.env,
    !!process.stdout.isTTY,
    opts.output !== undefined,
  );
  const view = { style, quiet: !!opts.quiet, failOnWarning: failOn === "warning" };
  let result: Report | TreeReport;
  let exitCode: number;
  try {
    if (inputKind(original) === "object" && inputKind(patched) === "object") {
      if (sizeOf(original) + sizeOf(patched) >= RELEASE_FROM_BYTES) releaseHeap();
      result = diffObjects(original, patched, options);
      exitCode = exitCodeOf(result, failOn);
    } else {
      const showProgress =
        !!process.stderr.isTTY && !opts.quiet && (format === "text" || format === "markdown");
      const progress = showProgress ? terminalProgress(process.stderr) : undefined;
      // JSON goes out entry by entry as the tree is diffed; the other formats open with the verdict, so
      // they keep the entries (without the lists of what did not change) until the end.
      const out = format === "json" ? new Output(opts.output) : undefined;
      const json = out ? new TreeJsonWriter((text) => out.write(text)) : undefined;
      const kept: TreePair[] = [];
      let failing = false;
      try {
        const tree = await streamTree(
          original,
          patched,
          {
            ...options,
            ...(jobs !== undefined ? { jobs } : {}),
            ...(progress ? { onProgress: (p) => progress.update(p.done, p.total, p.name) } : {}),
          },
          {
            start: (head) => json?.start(head),
            pair: (p) => {
              if (isComparedPair(p)) {
                if (exitCodeOf(p, failOn) === 1) failing = true;
              } else if (p.status === "error") {
                const e = p.error;
                const where =
                  e.offset !== undefined ? ` at offset ${e.offset} (0x${e.offset.toString(16)})` : "";
                process.stderr.write(`elfdelta: ${e.file ?? p.name}: ${e.message}${where}\n`);
              }
              if (json) json.pair(p);
              else kept.push(forTreeRendering(p));
            },
          },
        );
        json?.end(tree.summary);
        out?.done();
        const { summary, ...head } = tree;
        result = { ...head, pairs: kept, summary };
        // 2 when a pair could not be compared, else 1 when any pair fails the gate.
        exitCode = summary.errors > 0 ? 2 : failing ? 1 : 0;
      } catch (e) {
        out?.abandon();
        throw e;
      } finally {
        progress?.end();
      }
      if (out) return exitCode;
    }
  } catch (e) {
    if (e instanceof DiffUsageError) throw new UsageError(e.message);
    throw e;
  }

  const tree = "pairs" in result;
  if (format === "json") {
    // A pair's report (a tree's went out as it was diffed): in pieces, as JSON.stringify would write it whole.
    const out = new Output(opts.output);
    try {
      writeReportJson(result as Report, (text) => out.write(text));
      out.done();
    } catch (e) {
      out.abandon();
      throw e;
    }
    return exitCode;
  }
  let output: string;
  switch (format) {
    case "sarif":
      output = renderSarif(result, { cwd: process.cwd(), version: VERSION });
      break;
    case "markdown":
      output = tree
        ? renderTreeMarkdown(result as TreeReport, view)
        : renderDiffMarkdown(result as Report, view);
      break;
    case "text":
      output = tree ? renderTreeText(result as TreeReport, view) : renderDiffText(result as Report, view);
      break;
  }
  if (opts.output !== undefined) {
    try {
      writeFileSync(opts.output, output);
    } catch (e) {
      throw cannotWrite(e, opts.output);
    }
  } else {
    process.stdout.write(output);
  }
  return exitCode;
}

/** A file's size, 0 when it cannot be read (the diff then says why). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function cannotWrite(e: unknown, path: string): OutputError {
  return new OutputError(`cannot write the report: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, path);
}

/**
 * Where a report written in pieces goes: stdout, or `--output`. A regular file (or a new one) is written
 * through a temporary file beside it, renamed into place once the report is whole, so that a tree that fails
 * half way leaves no half report there; anything else (`/dev/stdout`, a pipe) is written to directly, since
 * renaming over it would replace the device or the pipe itself.
 */
class Output {
  readonly #path: string | undefined;
  /** `#path`, or the file its symbolic links lead to. */
  readonly #target: string | undefined;
  readonly #temp: string | undefined;
  #fd: number | undefined;

  constructor(path: string | undefined) {
    this.#path = path;
    if (path === undefined) return;
    // Through a symbolic link, the file it names is the one replaced.
    let target = path;
    let regular = true;
    try {
      target = realpathSync(path);
      regular = statSync(target).isFile();
    } catch {
      // Not there yet: made through the temporary file.
    }
    this.#target = target;
    if (regular) this.#temp = `${target}.${process.pid}.tmp`;
    try {
      this.#fd = openSync(this.#temp ?? target, "w");
    } catch (e) {
      throw cannotWrite(e, path);
    }
  }

  write(text: string): void {
    if (this.#fd === undefined) {
      process.stdout.write(text);
      return;
    }
    try {
      writeSync(this.#fd, text);
    } catch (e) {
      this.abandon();
      throw cannotWrite(e, this.#path!);
    }
  }

  done(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#temp === undefined) return;
    try {
      renameSync(this.#temp, this.#target!);
    } catch (e) {
      rmSync(this.#temp, { force: true });
      throw cannotWrite(e, this.#path!);
    }
  }

  abandon(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#temp !== undefined) rmSync(this.#temp, { force: true });
  }
}
