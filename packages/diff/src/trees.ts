import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ElfError, openElf, readArchive, readBytes, readElf } from "@elfdelta/elf";
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
  /**
   * Pairs diffed at once: this thread and `jobs - 1` worker threads; default `os.availableParallelism()`.
   * 1 diffs every pair in this thread, without workers.
   */
  jobs?: number;
  /** Called after each compared pair. */
  onProgress?: (p: TreeProgress) => void;
}

/**
 * Diffs two directories or two archives (or two objects, as a tree of one pair). Pairs are diffed in
 * parallel, in this thread and on worker threads; a pair that cannot be compared becomes an `error` entry
 * and the others go on. Throws `ElfError` for an unreadable input, `DiffUsageError` for an unknown profile
 * or inputs of different kinds, `PolicyError` for a bad policy.
 */
export function diffTrees(original: string, patched: string, options: TreeOptions = {}): Promise<TreeReport> {
  return runTree(original, patched, options, true);
}

/** What a tree report says before its pairs. */
export type TreeHead = Omit<TreeReport, "pairs" | "summary">;

/** Where `streamTree` sends a tree's entries. */
export interface TreeSink {
  /** Once the inputs are listed, before any entry. */
  start?(head: TreeHead): void;
  /**
   * Each entry, in the tree report's order (by name), as soon as it and every entry before it are done. What
   * it throws stops the tree, as `onProgress` does.
   */
  pair(entry: TreePair): void;
}

/**
 * `diffTrees` for a tree too big to hold: every entry goes to `sink` in the tree report's order as soon as it
 * can, and is not kept (only the pairs finished ahead of one still in progress wait, with their reports).
 * Returns the tree report without its pairs. The command line writes a tree's report this way.
 */
export function streamTree(
  original: string,
  patched: string,
  options: TreeOptions,
  sink: TreeSink,
): Promise<TreeHead & { summary: TreeSummary }> {
  return run(original, patched, options, true, sink);
}

/**
 * `diffTrees`, saying whether this thread diffs pairs too. With `inThread` false every pair goes to `jobs`
 * workers: the tests use it to see pairs diffed on workers, which this thread would otherwise race to.
 */
export async function runTree(
  original: string,
  patched: string,
  options: TreeOptions,
  inThread: boolean,
): Promise<TreeReport> {
  const pairs: TreePair[] = [];
  const { summary, ...head } = await run(original, patched, options, inThread, {
    pair: (p) => pairs.push(p),
  });
  return { ...head, pairs, summary };
}

async function run(
  original: string,
  patched: string,
  options: TreeOptions,
  inThread: boolean,
  sink: TreeSink,
): Promise<TreeHead & { summary: TreeSummary }> {
  const { jobs: jobsOption, onProgress, policy: policyOption, now, ...pairOptions } = options;
  const profile = getProfile(options.profile ?? "general").name;
  const policy = typeof policyOption === "string" ? loadPolicy(policyOption) : policyOption;
  const jobs = Math.max(1, Math.floor(jobsOption ?? availableParallelism()));
  const helpers = inThread ? jobs - 1 : jobs;
  const workerUrl = helpers > 0 ? workerScript() : undefined;
  // Two directories or archives: the workers start (and load their modules) while the inputs are listed.
  let pool = workerUrl && isTree(original) ? new Helpers(workerUrl, helpers) : undefined;
  try {
    const { kind, pairs } = planTree(original, patched);
    const head: TreeHead = {
      schemaVersion: SCHEMA_VERSION,
      kind: kind === "archive" ? "archive" : "directory",
      original,
      patched,
      profile,
    };
    sink.start?.(head);
    const work = pairs.filter((p) => p.original && p.patched && !p.error);
    const settings: PairSettings = {
      options: { ...pairOptions, profile },
      ...(policy ? { policy } : {}),
      ...(now ? { now: now.toISOString() } : {}),
    };
    const tally = new Tally(pairs, work, onProgress, sink);
    const diffHere = (i: number) => {
      const p = work[i]!;
      tally.finish(i, diffPair(p.original!, p.patched!, settings));
    };
    // Only as many workers as can get a pair: this thread takes one itself.
    const useful = Math.min(helpers, work.length - (inThread ? 1 : 0));
    if (!workerUrl || useful < 1) {
      await pool?.close();
      pool = undefined;
      for (let i = 0; i < work.length; i++) {
        diffHere(i);
        await Promise.resolve();
      }
    } else {
      pool ??= new Helpers(workerUrl, useful);
      const shared = shareWork(work, settings, helpers);
      pool.begin(shared, useful, tally);
      // This thread claims pairs from the same counter as the workers (whoever is free takes the next), so
      // a slow pair here never leaves a worker waiting for this thread to hand it work.
      const board = new Int32Array(shared.board);
      const diffRest = async () => {
        for (let i = claim(board); i < work.length; i = claim(board)) {
          diffHere(i);
          // A turn of the event loop: the workers' reports are taken in (and reported) as they come.
          await new Promise<void>((r) => setImmediate(r));
          tally.rethrow();
        }
      };
      if (inThread) await diffRest();
      // Workers that could not start leave their pairs unclaimed: once none is left, this thread takes them.
      await Promise.race([tally.all, pool.gone]);
      await diffRest();
      await tally.all;
    }
    return { ...head, summary: tally.summary };
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

/** The entry of planned pair `p`, given its outcome when it was compared. */
function entryOf(p: PlannedPair, r: PairOutcome | undefined): TreePair {
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
  if (r === undefined || "error" in r) {
    return {
      name: p.name,
      status: "error",
      original: p.original.label,
      patched: p.patched.label,
      error: r?.error ?? { code: "internal", message: "the pair was not diffed" },
    };
  }
  return { name: p.name, ...r };
}

/** A tree's summary before any entry (`count` adds them). */
function emptySummary(): TreeSummary {
  return {
    pairs: 0,
    compared: 0,
    safe: 0,
    unsupported: 0,
    new: 0,
    removed: 0,
    errors: 0,
    findings: { errors: 0, warnings: 0, waived: 0 },
    verdict: "safe",
  };
}

/** Adds entry `p` to summary `s`. */
function count(s: TreeSummary, p: TreePair): void {
  s.pairs++;
  if (!isComparedPair(p)) {
    if (p.status === "new") s.new++;
    else if (p.status === "removed") s.removed++;
    else s.errors++;
    return;
  }
  s.compared++;
  if (p.verdict === "safe") s.safe++;
  else s.unsupported++;
  for (const f of (p as ComparedPair).findings) {
    if (f.waived) s.findings.waived++;
    else if (f.severity === "error") s.findings.errors++;
    else if (f.severity === "warning") s.findings.warnings++;
  }
  s.verdict = s.unsupported > 0 ? "unsupported" : "safe";
}

/** What applies to every pair of a tree: `diffObjects`' options, and the policy applied after. */
export interface PairSettings {
  /** `diffObjects`' options other than the policy (applied after, with `now`). */
  readonly options: Omit<DiffOptions, "policy" | "now">;
  readonly policy?: Policy;
  /** ISO date-time. */
  readonly now?: string;
}

/** What comes back from a worker: the report as JSON, or the error that stopped the pair. */
export type PairResult = { readonly report: string } | { readonly error: PairError };

/** A pair's report, or the error that stopped it. */
export type PairOutcome = Report | { readonly error: PairError };

/**
 * Diffs one pair; never throws (the workers and this thread share it). Reports are plain JSON data (no
 * undefined fields, no class instances: a test holds them to it), so the report this thread keeps is the
 * same object a worker's JSON makes.
 */
export function diffPair(original: ObjectSource, patched: ObjectSource, s: PairSettings): PairOutcome {
  try {
    // A file named by its own path is opened as `diffObjects` opens paths: its DWARF left on disk until read.
    const load = (o: ObjectSource) =>
      o.bytes === undefined && o.file !== undefined && o.file === o.label
        ? openElf(o.file, { deferDebug: true })
        : readElf(o.bytes ?? readBytes(o.file ?? o.label), { path: o.label });
    const report = diffObjects(load(original), load(patched), s.options);
    return s.policy ? applyPolicy(report, s.policy, s.now ? { now: new Date(s.now) } : {}) : report;
  } catch (e) {
    return { error: errorOf(e) };
  }
}

/** `diffPair` for a worker: the report as JSON, to be posted. */
export function runPair(original: ObjectSource, patched: ObjectSource, s: PairSettings): PairResult {
  const r = diffPair(original, patched, s);
  if ("error" in r) return r;
  try {
    return { report: JSON.stringify(r) };
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
 * The outcomes of a tree's pairs as they are finished, here or on a worker: `onProgress` for each, and the
 * entries to the sink in the tree's order, each as soon as every entry before it is there. Outcomes that come
 * ahead of their turn wait here; an entry sent is not kept.
 */
class Tally {
  /** Settles when every pair has a result, or as soon as `onProgress` or the sink throws (rejected with it). */
  readonly all: Promise<void>;
  readonly summary = emptySummary();
  /** By work index: the outcome, until its entry is sent. */
  private readonly waiting: (PairOutcome | undefined)[];
  /** By work index: 1 once an outcome came (the first counts: a worker's answer after it was given up is dropped). */
  private readonly finished: Uint8Array;
  /** The next planned pair to send, and the work index of the next compared one. */
  private nextPair = 0;
  private nextWork = 0;
  private done = 0;
  private failure: { readonly error: unknown } | undefined;
  private settle!: () => void;
  private fail!: (e: unknown) => void;

  constructor(
    private readonly pairs: readonly PlannedPair[],
    private readonly work: readonly PlannedPair[],
    private readonly onProgress: ((p: TreeProgress) => void) | undefined,
    private readonly sink: TreeSink,
  ) {
    this.waiting = new Array<PairOutcome | undefined>(work.length).fill(undefined);
    this.finished = new Uint8Array(work.length);
    this.all = new Promise<void>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    // Nobody awaits `all` while this thread is still diffing: a rejection then is not an unhandled one.
    this.all.catch(() => undefined);
    // The objects on one side only and the pairs that could not be listed, before the first compared pair.
    this.send();
    if (work.length === 0) this.settle();
  }

  /** Records pair `i`'s outcome and sends the entries now in turn. */
  finish(i: number, r: PairOutcome): void {
    if (this.finished[i] === 1) return;
    this.finished[i] = 1;
    this.waiting[i] = r;
    this.done++;
    this.onProgress?.({ done: this.done, total: this.work.length, name: this.work[i]!.name });
    this.send();
    if (this.done === this.work.length) this.settle();
  }

  /** `finish`, from an event handler: what `onProgress` or the sink throws fails the tree, not the process. */
  finishFromWorker(i: number, r: PairResult): void {
    try {
      if (this.finished[i] === 1) return;
      this.finish(i, "error" in r ? r : (JSON.parse(r.report) as Report));
    } catch (e) {
      this.failure ??= { error: e };
      this.fail(e);
    }
  }

  /** Throws what `onProgress` or the sink threw during a worker's report, if it did. */
  rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  private send(): void {
    const pairs = this.pairs;
    while (this.nextPair < pairs.length) {
      const p = pairs[this.nextPair]!;
      // `work` is the compared pairs in the same order: the next one of them is this pair, if it was compared.
      const compared = this.nextWork < this.work.length && this.work[this.nextWork] === p;
      let outcome: PairOutcome | undefined;
      if (compared) {
        if (this.finished[this.nextWork] !== 1) return;
        outcome = this.waiting[this.nextWork];
        this.waiting[this.nextWork] = undefined;
        this.nextWork++;
      }
      this.nextPair++;
      const entry = entryOf(p, outcome);
      count(this.summary, entry);
      this.sink.pair(entry);
    }
  }
}

/** One side of a pair as a worker gets it: a file to read, or `size` bytes at `at` in the shared bytes. */
export interface SharedSource {
  readonly label: string;
  readonly file?: string;
  readonly at?: number;
  readonly size?: number;
}

/** What every worker is sent once: the whole tree, whose pairs it claims one at a time on `board`. */
export interface SharedWork {
  /**
   * Int32s: at `NEXT` the next pair to claim (this thread claims there too); at `1 + slot` the pair the
   * worker in that slot is diffing, -1 between pairs (so that a pair whose worker dies is known).
   */
  readonly board: SharedArrayBuffer;
  readonly pairs: readonly (readonly [SharedSource, SharedSource])[];
  /** Archive members' bytes, copied here once for all the workers. */
  readonly bytes?: SharedArrayBuffer;
  readonly settings: PairSettings;
}

/** A worker's start message: the tree, and its slot on the board. */
export interface HelperStart extends SharedWork {
  readonly slot: number;
}

/** A worker's answer, one per pair. */
export interface HelperResult {
  readonly index: number;
  readonly result: PairResult;
}

const NEXT = 0;

/** The next unclaimed pair (at least the number of pairs when none is left). */
function claim(board: Int32Array): number {
  return Atomics.add(board, NEXT, 1);
}

function shareWork(work: readonly PlannedPair[], settings: PairSettings, slots: number): SharedWork {
  let size = 0;
  for (const p of work) size += (p.original!.bytes?.byteLength ?? 0) + (p.patched!.bytes?.byteLength ?? 0);
  // Archive members are views of the archives read here: one shared copy serves every worker, where
  // sending each member to each worker would copy the archives once per worker.
  const bytes = size > 0 ? new SharedArrayBuffer(size) : undefined;
  const view = bytes ? new Uint8Array(bytes) : undefined;
  let at = 0;
  const share = (s: ObjectSource): SharedSource => {
    if (!s.bytes || !view)
      return s.file === undefined ? { label: s.label } : { label: s.label, file: s.file };
    view.set(s.bytes, at);
    const out = { label: s.label, at, size: s.bytes.byteLength };
    at += s.bytes.byteLength;
    return out;
  };
  const board = new SharedArrayBuffer(4 * (1 + slots));
  new Int32Array(board).fill(-1, 1);
  return {
    board,
    pairs: work.map((p) => [share(p.original!), share(p.patched!)] as const),
    ...(bytes ? { bytes } : {}),
    settings,
  };
}

/**
 * A worker's whole job (`tree-worker.ts`): diffs pairs claimed on the board until none is left, answering
 * each as it is done. The slot says which pair is in progress, for the pool to blame it if the worker dies.
 */
export function diffClaimed(s: HelperStart, answer: (r: HelperResult) => void): void {
  const board = new Int32Array(s.board);
  const source = (o: SharedSource): ObjectSource =>
    s.bytes && o.at !== undefined && o.size !== undefined
      ? // A private copy: the reader is not written for memory other threads can see.
        { label: o.label, bytes: new Uint8Array(s.bytes, o.at, o.size).slice() }
      : o;
  for (let i = claim(board); i < s.pairs.length; i = claim(board)) {
    const [original, patched] = s.pairs[i]!;
    Atomics.store(board, 1 + s.slot, i);
    answer({ index: i, result: runPair(source(original), source(patched), s.settings) });
    Atomics.store(board, 1 + s.slot, -1);
  }
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

/**
 * Worker threads that diff a tree's pairs beside this thread. They are started before the tree is known (so
 * that they load their modules meanwhile), then sent the whole tree once; each claims pairs itself, so
 * there is no message per pair from this thread. A worker that dies in a pair (out of memory) turns that
 * pair into an error and is replaced while pairs are left; one that dies between pairs is not (the others
 * and this thread take its share).
 */
class Helpers {
  /** Running workers by slot on the board. */
  private readonly slots = new Map<Worker, number>();
  /**
   * Node's options for the workers: this process' own, less `--input-type` (a caller run with
   * `node --input-type=module -e`), which a worker script file refuses.
   */
  private execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
  private work: SharedWork | undefined;
  private tally: Tally | undefined;
  /** Resolves once the tree was given out and no worker is left. */
  readonly gone: Promise<void>;
  private noneLeft!: () => void;

  constructor(
    private readonly url: URL,
    count: number,
  ) {
    this.gone = new Promise<void>((resolve) => {
      this.noneLeft = resolve;
    });
    for (let slot = 0; slot < count; slot++) this.spawn(slot);
  }

  /** Gives the tree to the first `count` workers (more would find no pair) and stops the others. */
  begin(work: SharedWork, count: number, tally: Tally): void {
    this.work = work;
    this.tally = tally;
    for (const [w, slot] of this.slots) {
      if (slot < count) {
        w.postMessage({ ...work, slot } satisfies HelperStart);
      } else {
        this.slots.delete(w);
        void w.terminate();
      }
    }
    for (let slot = 0; slot < count; slot++) {
      if (![...this.slots.values()].includes(slot)) this.spawn(slot);
    }
    if (this.slots.size === 0) this.noneLeft();
  }

  private spawn(slot: number): void {
    let w: Worker;
    try {
      w = new Worker(this.url, { execArgv: this.execArgv });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV" || this.execArgv.length === 0)
        return; // this thread does the work
      // Node refuses V8's options for a worker (`--max-old-space-size`, `--expose-gc`): they apply to the
      // whole process anyway, so the workers start without any.
      this.execArgv = [];
      this.spawn(slot);
      return;
    }
    this.slots.set(w, slot);
    let why = "";
    w.on("message", (m: HelperResult) => this.tally?.finishFromWorker(m.index, m.result));
    // 'exit' follows 'error', after the messages the worker sent are delivered.
    w.on("error", (e) => {
      why = e.message;
    });
    w.on("exit", (code) => this.lost(w, why || `exit code ${code}`));
    if (this.work) w.postMessage({ ...this.work, slot } satisfies HelperStart);
  }

  private lost(w: Worker, why: string): void {
    const slot = this.slots.get(w);
    this.slots.delete(w);
    // Stopped by `begin` or `close`, or gone before it had work: nothing of the tree was lost.
    if (slot === undefined || !this.work || !this.tally) return;
    const board = new Int32Array(this.work.board);
    const i = Atomics.exchange(board, 1 + slot, -1);
    if (i >= 0) {
      this.tally.finishFromWorker(i, {
        error: { code: "internal", message: `the worker diffing this pair stopped: ${why}` },
      });
      // The pair is to blame, not the worker: a new one takes its place while pairs are left.
      if (Atomics.load(board, NEXT) < this.work.pairs.length) this.spawn(slot);
    }
    if (this.slots.size === 0) this.noneLeft();
  }

  async close(): Promise<void> {
    const all = [...this.slots.keys()];
    this.slots.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}
