import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ElfError, readArchive, readBytes, readElf } from "@elfdelta/elf";
import { type DiffOptions, diffObjects } from "./index.js";
import { applyPolicy, loadPolicy, type Policy } from "./policy.js";
import { DiffUsageError, getProfile } from "./profiles/index.js";
import type { Report } from "./report.js";
import { SCHEMA_VERSION } from "./report.js";
import {
  type ComparedPair,
  isComparedPair,
  type PairError,
  type TreePair,
  type TreeReport,
  type TreeSummary,
} from "./tree-report.js";

/**
 * Two archives or two build directories: objects are paired (archive members by name, duplicates by
 * position; directory entries by relative path), each pair is diffed on a pool of worker threads, and the
 * reports are collected with the objects found on one side only and the pairs that could not be compared.
 */

/** What a path holds. */
export type InputKind = "directory" | "archive" | "object";

/** Tells a directory, an `ar` archive and anything else (an object, or a file the reader will refuse) apart. */
export function inputKind(path: string): InputKind {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    readBytes(path); // throws the reader's typed `io` error naming the file
    return "object";
  }
  if (isDir) return "directory";
  const head = readHead(path, 8);
  return head === "!<arch>\n" || head === "!<thin>\n" ? "archive" : "object";
}

function readHead(path: string, n: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got).toString("latin1");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One side of a pair: a file to read, or bytes already read (an archive member); `label` names it. */
export interface ObjectSource {
  readonly label: string;
  readonly file?: string;
  readonly bytes?: Uint8Array;
}

export interface PlannedPair {
  readonly name: string;
  readonly original?: ObjectSource;
  readonly patched?: ObjectSource;
  /** Set when one side could not even be listed (a malformed archive inside a directory). */
  readonly error?: PairError;
}

/**
 * Pairs the objects of two directories or two archives. Directory entries are ELF files and `ar` archives
 * (whose members are listed as `dir/lib.a(member.o)`); other files are skipped. Throws `ElfError` when a
 * top-level input cannot be read and `DiffUsageError` when the two inputs are not of the same kind.
 */
export function planTree(original: string, patched: string): { kind: InputKind; pairs: PlannedPair[] } {
  const ko = inputKind(original);
  const kp = inputKind(patched);
  if (ko !== kp) {
    throw new DiffUsageError(
      "kind-mismatch",
      `cannot compare ${article(ko)} (${original}) with ${article(kp)} (${patched}): give two objects, two archives or two directories`,
    );
  }
  if (ko === "object") {
    const name = patched.split(/[\\/]/).pop() ?? patched;
    return {
      kind: ko,
      pairs: [
        { name, original: { label: original, file: original }, patched: { label: patched, file: patched } },
      ],
    };
  }
  const left = ko === "archive" ? archiveEntries(original, "") : directoryEntries(original);
  const right = ko === "archive" ? archiveEntries(patched, "") : directoryEntries(patched);
  const names = [...new Set([...left.keys(), ...right.keys()])].sort(byName);
  const pairs = names.map((name): PlannedPair => {
    const o = left.get(name);
    const p = right.get(name);
    const error = o?.error ?? p?.error;
    return {
      name,
      ...(o ? { original: o.source } : {}),
      ...(p ? { patched: p.source } : {}),
      ...(error ? { error } : {}),
    };
  });
  return { kind: ko, pairs };
}

function article(k: InputKind): string {
  return k === "directory" ? "a directory" : k === "archive" ? "an archive" : "an object";
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Entry {
  readonly source: ObjectSource;
  readonly error?: PairError;
}

/** Archive members by name; the nth duplicate of a name is `name[n]`. Thin members are read from their files. */
function archiveEntries(path: string, prefix: string): Map<string, Entry> {
  const bytes = readBytes(path);
  let ar: ReturnType<typeof readArchive>;
  try {
    ar = readArchive(bytes);
  } catch (e) {
    if (e instanceof ElfError && e.file === undefined) e.file = path;
    throw e;
  }
  const out = new Map<string, Entry>();
  const seen = new Map<string, number>();
  for (const m of ar.members) {
    const n = (seen.get(m.name) ?? 0) + 1;
    seen.set(m.name, n);
    const key = n === 1 ? m.name : `${m.name}[${n}]`;
    const label = `${path}(${key})`;
    const source: ObjectSource = ar.thin
      ? { label, file: resolve(dirname(path), m.name) }
      : { label, bytes: m.data };
    out.set(prefix === "" ? key : `${prefix}(${key})`, { source });
  }
  return out;
}

/** ELF files and archives under a directory, by path relative to it (always with `/`). */
function directoryEntries(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ElfError(
        "io",
        `cannot read directory: ${code === "EACCES" ? "permission denied" : (code ?? String(e))}`,
        0,
        dir,
      );
    }
  };
  const walk = (dir: string) => {
    for (const d of list(dir)) {
      const path = join(dir, d.name);
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        try {
          const st = statSync(path);
          isFile = st.isFile();
          isDir = false; // symlinked directories are not followed (no cycles)
        } catch {
          continue;
        }
      }
      if (isDir) {
        walk(path);
        continue;
      }
      if (!isFile) continue;
      const rel = relative(root, path).split(sep).join("/");
      const head = readHead(path, 8);
      if (head.startsWith("\x7fELF")) {
        out.set(rel, { source: { label: path, file: path } });
      } else if (head === "!<arch>\n" || head === "!<thin>\n") {
        try {
          for (const [k, v] of archiveEntries(path, rel)) out.set(k, v);
        } catch (e) {
          out.set(rel, { source: { label: path, file: path }, error: errorOf(e) });
        }
      }
    }
  };
  walk(root);
  return out;
}

export interface TreeProgress {
  readonly done: number;
  readonly total: number;
  /** The pair just finished. */
  readonly name: string;
}

/** `diffObjects`' options (applied to every pair; they must be plain data) and how to run the pairs. */
export interface TreeOptions extends DiffOptions {
  /** Worker threads; default `os.availableParallelism()`. 1 diffs in this thread. */
  jobs?: number;
  /** Called after each compared pair. */
  onProgress?: (p: TreeProgress) => void;
}

/**
 * Diffs two directories or two archives (or two objects, as a tree of one pair). Pairs are diffed in
 * parallel on worker threads; a pair that cannot be compared becomes an `error` entry and the others go on.
 * Throws `ElfError` for an unreadable input, `DiffUsageError` for an unknown profile or inputs of different
 * kinds, `PolicyError` for a bad policy.
 */
export async function diffTrees(
  original: string,
  patched: string,
  options: TreeOptions = {},
): Promise<TreeReport> {
  const { jobs: jobsOption, onProgress, policy: policyOption, now, ...pairOptions } = options;
  const profile = getProfile(options.profile ?? "general").name;
  const policy = typeof policyOption === "string" ? loadPolicy(policyOption) : policyOption;
  const wanted = jobsOption ?? availableParallelism();
  const workerUrl = wanted > 1 ? workerScript() : undefined;
  // Two directories or archives: the workers start (and load their modules) while the inputs are listed.
  let pool = workerUrl && isTree(original) ? new WorkerPool(workerUrl, wanted).start() : undefined;
  try {
    const { kind, pairs } = planTree(original, patched);
    const work = pairs.filter((p) => p.original && p.patched && !p.error);
    const task = (p: PlannedPair): PairTask => ({
      original: p.original!,
      patched: p.patched!,
      options: { ...pairOptions, profile },
      ...(policy ? { policy } : {}),
      ...(now ? { now: now.toISOString() } : {}),
    });
    // Reports are parsed as they arrive, while the workers go on (not all at the end).
    const results = new Map<string, Report | { readonly error: PairError }>();
    let done = 0;
    const finished = (name: string, r: PairResult) => {
      results.set(name, "error" in r ? r : (JSON.parse(r.report) as Report));
      done++;
      onProgress?.({ done, total: work.length, name });
    };
    const jobs = Math.max(1, Math.min(wanted, work.length));
    if (!workerUrl || jobs === 1) {
      await pool?.close();
      pool = undefined;
      for (const p of work) {
        finished(p.name, runPair(task(p)));
        await Promise.resolve();
      }
    } else {
      const workers = pool ?? new WorkerPool(workerUrl, jobs);
      pool = workers;
      await Promise.all(work.map((p) => workers.run(task(p)).then((r) => finished(p.name, r))));
    }
    return treeReport(original, patched, profile, kind, pairs, results);
  } finally {
    await pool?.close();
  }
}

/** Whether `path` is a directory or an archive (a tree of pairs); false when it cannot be read. */
function isTree(path: string): boolean {
  try {
    return inputKind(path) !== "object";
  } catch {
    return false;
  }
}

function treeReport(
  original: string,
  patched: string,
  profile: string,
  kind: InputKind,
  pairs: readonly PlannedPair[],
  results: ReadonlyMap<string, Report | { readonly error: PairError }>,
): TreeReport {
  const entries: TreePair[] = pairs.map((p) => {
    if (p.error) {
      return {
        name: p.name,
        status: "error",
        original: p.original?.label ?? "",
        patched: p.patched?.label ?? "",
        error: p.error,
      };
    }
    if (!p.original) return { name: p.name, status: "new", patched: p.patched!.label };
    if (!p.patched) return { name: p.name, status: "removed", original: p.original.label };
    const r = results.get(p.name)!;
    if ("error" in r) {
      return {
        name: p.name,
        status: "error",
        original: p.original.label,
        patched: p.patched.label,
        error: r.error,
      };
    }
    return { name: p.name, ...r };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: kind === "archive" ? "archive" : "directory",
    original,
    patched,
    profile,
    pairs: entries,
    summary: summarise(entries),
  };
}

/** The summary of a tree's entries. */
export function summarise(pairs: readonly TreePair[]): TreeSummary {
  const s: TreeSummary = {
    pairs: pairs.length,
    compared: 0,
    safe: 0,
    unsupported: 0,
    new: 0,
    removed: 0,
    errors: 0,
    findings: { errors: 0, warnings: 0, waived: 0 },
    verdict: "safe",
  };
  for (const p of pairs) {
    if (!isComparedPair(p)) {
      if (p.status === "new") s.new++;
      else if (p.status === "removed") s.removed++;
      else s.errors++;
      continue;
    }
    s.compared++;
    if (p.verdict === "safe") s.safe++;
    else s.unsupported++;
    for (const f of (p as ComparedPair).findings) {
      if (f.waived) s.findings.waived++;
      else if (f.severity === "error") s.findings.errors++;
      else if (f.severity === "warning") s.findings.warnings++;
    }
  }
  s.verdict = s.unsupported > 0 ? "unsupported" : "safe";
  return s;
}

/** What a worker is asked to do: plain data, structured-cloned (bytes are transferred). */
export interface PairTask {
  readonly original: ObjectSource;
  readonly patched: ObjectSource;
  /** `diffObjects`' options other than the policy (applied after, with `now`). */
  readonly options: Omit<DiffOptions, "policy" | "now">;
  readonly policy?: Policy;
  /** ISO date-time. */
  readonly now?: string;
}

/** What comes back: the report as JSON, or the error that stopped the pair. */
export type PairResult = { readonly report: string } | { readonly error: PairError };

/** Diffs one pair; never throws (the worker and the in-thread path share it). */
export function runPair(t: PairTask): PairResult {
  try {
    const load = (s: ObjectSource) => readElf(s.bytes ?? readBytes(s.file ?? s.label), { path: s.label });
    const report = diffObjects(load(t.original), load(t.patched), t.options);
    const final = t.policy ? applyPolicy(report, t.policy, t.now ? { now: new Date(t.now) } : {}) : report;
    return { report: JSON.stringify(final) };
  } catch (e) {
    return { error: errorOf(e) };
  }
}

function errorOf(e: unknown): PairError {
  if (e instanceof ElfError) return e.toJSON();
  if (e instanceof DiffUsageError) return { code: e.code, message: e.message };
  return { code: "internal", message: e instanceof Error ? e.message : String(e) };
}

/**
 * The worker script next to this module once built (`dist/tree-worker.js`); when running from the sources
 * (tests), the built one in `../dist`; undefined when neither exists (then pairs are diffed in this thread).
 */
function workerScript(): URL | undefined {
  for (const rel of ["./tree-worker.js", "../dist/tree-worker.js"]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

interface Job {
  readonly task: PairTask;
  readonly resolve: (r: PairResult) => void;
}

/**
 * Jobs sent to a worker before it answers the previous one: with two, a worker that finishes a pair finds
 * the next one already in its queue instead of waiting a round trip through this thread.
 */
const IN_FLIGHT = 2;

/**
 * A fixed-size pool of workers, each diffing one pair at a time with the next one queued; a worker that dies
 * is replaced (the pair it was diffing becomes an error, the one queued behind it is sent again).
 */
class WorkerPool {
  private readonly queue: Job[] = [];
  /** Per worker, the jobs sent to it and not answered yet, oldest (the one running) first. */
  private readonly sent = new Map<Worker, Job[]>();

  constructor(
    private readonly url: URL,
    private readonly max: number,
  ) {}

  /** Starts every worker now (they load their modules meanwhile) rather than at the first pairs. */
  start(): this {
    while (this.sent.size < this.max) this.spawn();
    return this;
  }

  run(task: PairTask): Promise<PairResult> {
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const w = this.pick();
      if (!w) return;
      const job = this.queue.shift()!;
      this.sent.get(w)!.push(job);
      // Member bytes are views of the whole archive: send copies, and move them rather than copy twice.
      const own = (s: ObjectSource): ObjectSource => (s.bytes ? { ...s, bytes: s.bytes.slice() } : s);
      const task = { ...job.task, original: own(job.task.original), patched: own(job.task.patched) };
      const transfer = [task.original.bytes, task.patched.bytes]
        .filter((b): b is Uint8Array => b !== undefined)
        .map((b) => b.buffer as ArrayBuffer);
      w.postMessage(task, transfer);
    }
  }

  /** An idle worker, else a new one while the pool is not full, else the least busy one with room. */
  private pick(): Worker | undefined {
    let best: Worker | undefined;
    let least = IN_FLIGHT;
    for (const [w, jobs] of this.sent) {
      if (jobs.length < least) {
        best = w;
        least = jobs.length;
      }
    }
    if (least === 0) return best;
    if (this.sent.size < this.max) return this.spawn();
    return best;
  }

  private spawn(): Worker {
    // Workers inherit node's options; `--input-type` (a caller run with `node --input-type=module -e`) is
    // refused for a worker script file, so it is left out.
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
    const w = new Worker(this.url, { execArgv });
    this.sent.set(w, []);
    w.on("message", (r: PairResult) => {
      this.sent.get(w)?.shift()?.resolve(r);
      this.pump();
    });
    const lost = (why: string) => {
      const jobs = this.sent.get(w);
      if (!jobs) return;
      this.sent.delete(w);
      const [running, ...queued] = jobs;
      running?.resolve({
        error: { code: "internal", message: `the worker diffing this pair stopped: ${why}` },
      });
      this.queue.unshift(...queued);
      this.pump();
    };
    w.on("error", (e) => lost(e.message));
    w.on("exit", (code) => lost(`exit code ${code}`));
    return w;
  }

  async close(): Promise<void> {
    const all = [...this.sent.keys()];
    this.sent.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}
