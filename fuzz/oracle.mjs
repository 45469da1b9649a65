// The oracle: run one case through the code under test and decide whether it behaved. The only outcomes allowed
// are success and the typed error (ElfError; for the diff also DiffUsageError), within a time bound and an
// allocation bound. Everything the reader decodes lazily is exercised, each accessor on its own, so that one
// typed error does not hide a crash in another table.
import { createHash } from "node:crypto";
import { unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { threadId } from "node:worker_threads";
import { materialise } from "./mutate.mjs";
import { BIG_SEED, seedBytes } from "./seeds.mjs";

/** Per-case time bound (ms); the extended-numbering object gets more. Overridable with FUZZ_CASE_MS. */
export const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 2000);
export const BIG_CASE_MS = Number(process.env.FUZZ_BIG_CASE_MS ?? 30000);
/** Allocation bound: 4 × the input bytes + 64 MB of growth of V8 heap + external (ArrayBuffer) memory. */
export const ALLOC_FIXED = 64 * 1024 * 1024;
export const ALLOC_PER_INPUT_BYTE = 4;

/**
 * The functions under test, from the sources (vitest) or the built dist (pnpm fuzz). `readDwarf`,
 * `readLineTable`, `typeSpelling` and `diffObjects` are optional: a missing one switches its probes off.
 */
export function makeTargets({ elf, dwarf, diff }) {
  return {
    readElf: elf.readElf,
    openElf: typeof elf.openElf === "function" ? elf.openElf : undefined,
    readArchive: elf.readArchive,
    isArchive: elf.isArchive,
    ElfError: elf.ElfError,
    RelocationScratch: elf.RelocationScratch,
    isDefinedInSection: elf.ElfFile?.isDefinedInSection,
    readDwarf: typeof elf.readDwarf === "function" ? elf.readDwarf : undefined,
    typeSpelling: typeof elf.typeSpelling === "function" ? elf.typeSpelling : undefined,
    readLineTable: typeof dwarf?.readLineTable === "function" ? dwarf.readLineTable : undefined,
    setInPlaceRelocationsFrom:
      typeof dwarf?.setInPlaceRelocationsFrom === "function" ? dwarf.setInPlaceRelocationsFrom : undefined,
    setMappedMembersFrom:
      typeof dwarf?.setMappedMembersFrom === "function" ? dwarf.setMappedMembersFrom : undefined,
    setTablePiece: typeof dwarf?.setTablePiece === "function" ? dwarf.setTablePiece : undefined,
    diffObjects: typeof diff?.diffObjects === "function" ? diff.diffObjects : undefined,
    DiffUsageError: diff?.DiffUsageError,
  };
}

/** Modes that can run with these targets. */
export function availableModes(targets, wanted) {
  return wanted.filter((m) =>
    m === "dwarf" ? targets.readDwarf !== undefined : m === "diff" ? targets.diffObjects !== undefined : true,
  );
}

/** A failure of the property: what went wrong where. */
export class FuzzFailure extends Error {
  constructor(bug) {
    super(`${bug.kind} in ${bug.step}: ${bug.message}`);
    this.name = "FuzzFailure";
    this.bug = bug;
  }
}

function describeError(e) {
  if (e instanceof Error) {
    const stack = (e.stack ?? "").split("\n").slice(0, 12).join("\n");
    return { name: e.constructor?.name ?? e.name, message: e.message, stack };
  }
  return { name: typeof e, message: String(e), stack: "" };
}

/** Runs the probes; returns `{ typed: string[], bug?: {...} }`. Never throws. */
export function probe(targets, c, bytes, original) {
  const res = { typed: [], steps: 0 };
  const isTyped = (e) =>
    e instanceof targets.ElfError ||
    (targets.DiffUsageError !== undefined && e instanceof targets.DiffUsageError);
  const step = (name, f) => {
    if (res.bug) return undefined;
    res.steps++;
    try {
      return f();
    } catch (e) {
      if (isTyped(e)) {
        res.typed.push(`${name}:${e.code ?? e.name}`);
        return undefined;
      }
      res.bug = { kind: "exception", step: name, ...describeError(e) };
      return undefined;
    }
  };
  switch (c.mode) {
    case "elf":
    case "big":
      elfProbes(targets, step, bytes, c.seed ?? "input", c.mode === "big");
      break;
    case "dwarf": {
      const e = step("readElf", () => targets.readElf(bytes, { path: "fuzz.o" }));
      if (e) {
        dwarfProbes(targets, step, e, bytes);
        elfFileProbes(targets, step, e, false);
      }
      break;
    }
    case "diff": {
      const report = step("diffObjects", () =>
        targets.diffObjects(originalElf(targets, original, c.original), bytes),
      );
      if (targets.openElf) step("diff from disk", () => sameDiffFromDisk(targets, original, bytes, report));
      break;
    }
    case "archive": {
      step("isArchive", () => targets.isArchive(bytes));
      const ar = step("readArchive", () => targets.readArchive(bytes));
      if (ar) {
        for (const m of ar.members.slice(0, 8)) {
          step("member.name", () => String(m.name).length + m.size + m.dataOffset);
          if (!ar.thin) elfProbes(targets, step, m.data, m.name, false);
        }
      }
      break;
    }
    default:
      res.bug = {
        kind: "harness",
        step: "mode",
        name: "Error",
        message: `unknown mode ${c.mode}`,
        stack: "",
      };
  }
  return res;
}

const originals = new WeakMap();
/** The diff's original side, parsed once per seed (it is a real test object, never mutated). */
function originalElf(targets, bytes, name) {
  let m = originals.get(targets);
  if (!m) {
    m = new Map();
    originals.set(targets, m);
  }
  let e = m.get(name);
  if (!e) {
    e = targets.readElf(bytes, { path: name });
    m.set(name, e);
  }
  return e;
}

function elfProbes(targets, step, bytes, path, big) {
  const e = step("readElf", () => targets.readElf(bytes, { path }));
  if (e) elfFileProbes(targets, step, e, big);
  if (targets.openElf && !big) step("relocations from disk", () => sameRelocationsFromDisk(targets, bytes));
}

/**
 * A file opened with its relocation tables left on disk (`openElf(path, { streamRelocations: true })`, as
 * the diff opens paths) must decode every table as the same bytes read whole do, or fail with the same
 * error: in section order, then backwards and again (other reads of the windows onto the file), then
 * through `relocationsInto`. Throws an `Error` (a bug) when it does not.
 */
function sameRelocationsFromDisk(targets, bytes) {
  // From the file a few entries at a time (1 to 8, by the case's length), where by default a table is decoded
  // 64 KiB at a time and no test object has a larger one: the pieces' bounds are what this tries.
  const piece = 1 + (bytes.length % 97);
  const inPieces = (read) => {
    if (!targets.setTablePiece) return read();
    const old = targets.setTablePiece(piece);
    try {
      return read();
    } finally {
      targets.setTablePiece(old);
    }
  };
  sameOpened(targets, bytes, "relocation tables", relocationsOutcome, { streamRelocations: true }, inPieces);
}

/**
 * Every relocation table of `open()` decoded in several orders: the hash of what each gave, or as text. The
 * file is not closed: the reader keeps at most eight open in the process, which this exercises.
 */
function relocationsOutcome(targets, open, full) {
  const text = [];
  const hash = createHash("sha256");
  const add = full ? (part) => text.push(part) : (part) => hash.update(part).update("\n");
  const outcome = (f) => {
    try {
      return f();
    } catch (err) {
      if (err instanceof targets.ElfError) return `error ${err.code} ${err.message}`;
      throw err;
    }
  };
  const e = outcome(open);
  if (typeof e === "string") add(e);
  else {
    const list = outcome(() => e.relocationSections);
    if (typeof list === "string") add(list);
    else {
      const table = (t) =>
        `${t.count} ${t.target} ${Array.from(t.offsets.subarray(0, t.count)).join(",")} ${Array.from(t.types.subarray(0, t.count)).join(",")} ${Array.from(t.symbols.subarray(0, t.count)).join(",")} ${Array.from(t.addends.subarray(0, t.count)).join(",")}`;
      const scratch = targets.RelocationScratch ? new targets.RelocationScratch() : undefined;
      for (const i of [...list, ...[...list].reverse()])
        add(`${i}: ${outcome(() => table(e.relocations(i)))}`);
      if (scratch) for (const i of list) add(`${i}: ${outcome(() => table(e.relocationsInto(i, scratch)))}`);
    }
  }
  return full ? text.join("\n") : hash.digest("hex");
}

/** Every lazily decoded part of an ElfFile, each on its own. */
function elfFileProbes(targets, step, e, big) {
  const sections = step("sections", () => {
    for (const s of e.sections) void s.name.length;
    e.sectionByName(".text");
    void e.machineName;
    void e.usesRel;
    return e.sections;
  });
  if (!sections) return;
  step("segments", () => e.segments.length);
  step("symbols", () => {
    const syms = e.symbols;
    if (targets.isDefinedInSection) for (const s of syms) targets.isDefinedInSection(s);
    return syms.length;
  });
  step("dynamicSymbolTable", () => e.dynamicSymbolTable);
  const limit = big ? 64 : sections.length;
  for (const s of sections.slice(0, limit)) {
    if (s.type === 2 || s.type === 11) step(`symbolsOf[${s.index}]`, () => e.symbolsOf(s.index).length);
    if (s.type === 3) step(`stringTable[${s.index}]`, () => e.stringTable(s.index).get(0));
  }
  const relSections = step("relocationSections", () => e.relocationSections) ?? [];
  const types = new Set();
  for (const i of relSections.slice(0, big ? 64 : relSections.length)) {
    step(`relocations[${i}]`, () => {
      const t = e.relocations(i);
      for (let k = 0; k < t.count; k++) types.add(t.types[k]);
      if (t.count > 0) t.get(t.count - 1);
      return t.count;
    });
  }
  step("relocationsFor", () => {
    const targetsSeen = new Set(relSections.map((i) => sections[i]?.info));
    for (const t of [...targetsSeen].slice(0, 8)) if (t !== undefined) e.relocationsFor(t);
  });
  step("relocationTypeName", () => {
    for (const t of types) e.relocationTypeName(t);
  });
  const groups = step("groups", () => e.groups);
  if (groups) for (const g of groups) step(`groupSignature[${g.index}]`, () => e.groupSignature(g));
  step("notes", () => e.notes());
  for (const s of sections.slice(0, limit)) {
    step(`compression[${s.index}]`, () => e.compression(s.index));
    step(`data[${s.index}]`, () => e.data(s.index).length);
  }
}

function dwarfProbes(targets, step, e, bytes) {
  const info = step("readDwarf", () => targets.readDwarf(e));
  if (targets.setInPlaceRelocationsFrom) step("relocations in place", () => samePaths(targets, bytes));
  if (targets.openElf) step("debug sections on disk", () => sameFromDisk(targets, bytes));
  if (info && targets.typeSpelling) {
    step("typeSpelling", () => {
      let n = 0;
      let k = 0;
      for (const id of info.types.keys()) {
        if (k++ >= 4000) break;
        n += targets.typeSpelling(info, id).length;
      }
      for (const sp of info.subprograms.slice(0, 4000)) {
        n += targets.typeSpelling(info, sp.returns).length;
        for (const p of sp.params) n += targets.typeSpelling(info, p.type).length;
      }
      for (const v of info.variables.slice(0, 4000)) n += targets.typeSpelling(info, v.type).length;
      return n;
    });
  }
  if (targets.readLineTable) step("readLineTable", () => targets.readLineTable(e, 0));
}

/**
 * The two ways of resolving a debug section's relocations — an index built up front, and the table read in
 * place (which objects of the test corpus are too small to take) — must give the same DWARF, or the same error.
 * Throws an `Error` (a bug) when they do not.
 */
function samePaths(targets, bytes) {
  // The in-place read also maps the member table on its own from its first byte (by default from 256 KiB,
  // which no test object reaches: see `dwarf/types.ts`), growing it and giving back what it outgrew.
  const read = (from) => (full) => {
    const old = targets.setInPlaceRelocationsFrom(from);
    const mapped = from === 0 ? targets.setMappedMembersFrom?.(0) : undefined;
    try {
      return dwarfOutcome(targets, () => targets.readElf(bytes, { path: "fuzz.o" }), full);
    } finally {
      targets.setInPlaceRelocationsFrom(old);
      if (mapped !== undefined) targets.setMappedMembersFrom(mapped);
    }
  };
  requireSame("the relocation index and the in-place table", read(Number.POSITIVE_INFINITY), read(0));
}

/** A file of this process and thread for the probes that read from disk (removed after each). */
function scratchFile(tag) {
  return join(tmpdir(), `elfdelta-fuzz-${process.pid}-${threadId}-${tag}.o`);
}

/**
 * A file opened with its debug sections left on disk (`openElf(path, { deferDebug: true })`, the path the
 * diff takes) must give the DWARF and line table of the same bytes read whole, or the same error. Throws an
 * `Error` (a bug) when it does not.
 */
function sameFromDisk(targets, bytes) {
  sameOpened(targets, bytes, "DWARF", dwarfOutcome, { deferDebug: true });
}

/**
 * What `outcome(targets, open, full)` makes of `bytes` read whole and of the same bytes in a file opened
 * with `options`: the same, or a bug.
 */
function sameOpened(targets, bytes, what, outcome, options, around = (read) => read()) {
  const path = scratchFile("opened");
  writeFileSync(path, bytes);
  try {
    requireSame(
      `${what} read whole and from disk`,
      (full) => outcome(targets, () => targets.readElf(bytes, { path }), full),
      (full) => around(() => outcome(targets, () => targets.openElf(path, options), full)),
    );
  } finally {
    unlinkSync(path);
  }
}

/**
 * Two ways of reading compared by the hash of what they read (the text of a model whose names garbage made
 * 4 KB long is megabytes, and a case makes several): when the hashes differ, both are read again as text to
 * say where. Each of `a` and `b` reads when called, `full` asking for the text.
 */
function requireSame(what, a, b) {
  if (a(false) === b(false)) return;
  const ta = a(true);
  const tb = b(true);
  throw new Error(`${what} disagree: ${ta === tb ? "(only the hashes)" : firstDifference(ta, tb)}`);
}

/** What reading the DWARF and the first line table of `open()` gives: its hash, or as text; or the typed error. */
function dwarfOutcome(targets, open, full) {
  try {
    const e = open();
    const info = targets.readDwarf(e);
    const lines = targets.readLineTable ? targets.readLineTable(e, 0) : undefined;
    const text = [];
    const hash = createHash("sha256");
    const add = full ? (part) => text.push(part) : (part) => hash.update(part).update("\n");
    add("ok");
    dwarfParts(info, add);
    add(lines ? `${lines.rows.length} ${JSON.stringify(lines.rows.slice(0, 200), big)}` : "-");
    return full ? text.join("\n") : hash.digest("hex");
  } catch (err) {
    if (err instanceof targets.ElfError) return `error ${err.code} ${err.message}`;
    throw err;
  }
}

/**
 * The same for a whole diff: from the two paths (the debug sections left on disk) against `report`, the diff
 * of the two byte arrays the case made (undefined when it threw a typed error: then the same error). Compared
 * in place, without a second copy of reports that garbage can make tens of megabytes.
 */
function sameDiffFromDisk(targets, original, bytes, report) {
  const o = scratchFile("original");
  const p = scratchFile("patched");
  const error = (f) => {
    try {
      f();
      return "no error";
    } catch (err) {
      if (err instanceof targets.ElfError || err instanceof targets.DiffUsageError)
        return `error ${err.code} ${err.message}`;
      throw err;
    }
  };
  writeFileSync(o, original);
  writeFileSync(p, bytes);
  try {
    if (report === undefined) {
      const whole = error(() =>
        targets.diffObjects(targets.readElf(original, { path: o }), targets.readElf(bytes, { path: p })),
      );
      const lean = error(() => targets.diffObjects(o, p));
      if (whole !== lean) throw new Error(`diff of bytes and diff from disk disagree: ${whole} | ${lean}`);
      return;
    }
    let lean;
    const failed = error(() => {
      lean = targets.diffObjects(o, p);
    });
    if (lean === undefined) throw new Error(`the diff of bytes succeeded, from disk: ${failed}`);
    const where = firstUnequal(report, lean, "", labels(report), labels(lean));
    if (where !== undefined) throw new Error(`diff of bytes and diff from disk disagree at ${where}`);
  } finally {
    unlinkSync(o);
    unlinkSync(p);
  }
}

/** A report's inputs' paths, to be set aside in its messages. */
function labels(report) {
  return [report.original?.path, report.patched?.path].filter((x) => typeof x === "string" && x !== "");
}

/** Where two reports (plain JSON data) first differ, the inputs' paths aside; undefined when they do not. */
function firstUnequal(a, b, at, la, lb) {
  if (a === b) return undefined;
  if (typeof a === "string" && typeof b === "string") {
    const set = (x, l) => l.reduce((s, path, k) => s.split(path).join(`<input ${k}>`), x);
    return set(a, la) === set(b, lb) ? undefined : at;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return at || "(root)";
  if (Array.isArray(a) !== Array.isArray(b)) return at;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return `${at} (keys)`;
  for (const k of keys) {
    if (at === "" && (k === "original" || k === "patched")) {
      const { path: _a, ...ra } = a[k];
      const { path: _b, ...rb } = b[k];
      const w = firstUnequal(ra, rb, `.${k}`, la, lb);
      if (w !== undefined) return w;
      continue;
    }
    if (!(k in b)) return `${at}.${k}`;
    const w = firstUnequal(a[k], b[k], `${at}.${k}`, la, lb);
    if (w !== undefined) return w;
  }
  return undefined;
}

function firstDifference(a, b) {
  let i = 0;
  while (a[i] === b[i]) i++;
  return `at ${i}: ${a.slice(Math.max(0, i - 60), i + 120)} | ${b.slice(Math.max(0, i - 60), i + 120)}`;
}

const big = (_k, v) => (typeof v === "bigint" ? `${v}n` : v);

/** What the DWARF model says, part by part to `add` (its records have getters, which JSON.stringify does not see). */
function dwarfParts(info, add) {
  for (const sp of info.subprograms.slice(0, 2000)) {
    add(
      JSON.stringify(
        [sp.id, sp.name, sp.linkageName, sp.symbol, sp.external, sp.declaration, sp.inline, sp.returns],
        big,
      ),
    );
    add(
      JSON.stringify([sp.params, sp.variadic, sp.locals, sp.section, sp.lowPc, sp.highPc, sp.inlined], big),
    );
    add(JSON.stringify([sp.file, sp.line], big));
  }
  for (const v of info.variables.slice(0, 2000)) {
    add(
      JSON.stringify(
        [v.id, v.name, v.linkageName, v.symbol, v.type, v.external, v.declaration, v.scope],
        big,
      ),
    );
    add(JSON.stringify([v.section, v.address, v.file, v.line], big));
  }
  let k = 0;
  for (const [id, t] of info.types) {
    if (k++ >= 2000) break;
    add(id);
    add(JSON.stringify(t, big));
  }
}

let gcFn;
function gc() {
  if (!gcFn) {
    gcFn = globalThis.gc;
    if (!gcFn) {
      v8.setFlagsFromString("--expose-gc");
      gcFn = vm.runInNewContext("gc");
    }
  }
  gcFn();
}

const used = () => {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
};

/**
 * Runs one case and measures it. Returns `{ status: "ok" | "typed" | "bug", typed, ms, grew, bug? }`.
 * The allocation check is approximate: it compares V8 heap + external memory before and after the case (garbage
 * included, a GC inside the case hides some); a case over the bound is re-run after a forced GC and only then
 * reported.
 */
export function runCase(targets, c, opts = {}) {
  const { bytes, original } = materialise(c);
  return measure(targets, c, bytes, original, opts);
}

/**
 * Runs `f` and returns the peak growth of V8 heap + external (ArrayBuffer) memory above the level before it:
 * the larger of the level at the end and the level just before each GC that ran inside `f` (from
 * v8.GCProfiler, which records heap statistics around every GC). Approximate: garbage left by earlier cases and
 * collected inside `f` lowers the estimate, and an allocation freed between two GCs is seen only if a GC ran
 * while it was alive (V8 collects when external memory grows fast, which is exactly when it matters).
 */
function peakGrowth(f) {
  const prof = new v8.GCProfiler();
  const before = used();
  prof.start();
  let result;
  let stats;
  try {
    result = f();
  } finally {
    stats = prof.stop();
  }
  let peak = used();
  for (const s of stats?.statistics ?? []) {
    const h = s.beforeGC?.heapStatistics;
    if (h) peak = Math.max(peak, h.usedHeapSize + (h.externalMemory ?? 0));
  }
  return { result, grew: peak - before };
}

/** Runs the probes over given bytes (a saved corpus input, or a materialised case) with both bounds. */
export function measure(targets, c, bytes, original, opts = {}) {
  const inputBytes = bytes.length + (original?.length ?? 0);
  const timeBound = opts.caseMs ?? (c.seed === BIG_SEED ? BIG_CASE_MS : CASE_MS);
  const allocBound = ALLOC_FIXED + ALLOC_PER_INPUT_BYTE * inputBytes;
  let t0 = performance.now();
  let { result: res, grew } = peakGrowth(() => probe(targets, c, bytes, original));
  let ms = performance.now() - t0;
  if (!res.bug && grew > allocBound) {
    // Confirm from a clean heap, so that garbage of earlier cases cannot be blamed on this one.
    gc();
    t0 = performance.now();
    ({ result: res, grew } = peakGrowth(() => probe(targets, c, bytes, original)));
    ms = performance.now() - t0;
    if (!res.bug && grew > allocBound) {
      res.bug = {
        kind: "alloc",
        step: "case",
        name: "AllocationBound",
        message: `peak growth ${(grew / 2 ** 20).toFixed(1)} MB for ${inputBytes} input bytes (bound ${(allocBound / 2 ** 20).toFixed(1)} MB)`,
        stack: "",
      };
    }
  }
  if (!res.bug && ms > timeBound) {
    // Confirm once: on a loaded machine a case can be descheduled past the bound.
    t0 = performance.now();
    res = probe(targets, c, bytes, original);
    ms = Math.min(ms, performance.now() - t0);
  }
  if (!res.bug && ms > timeBound) {
    res.bug = {
      kind: "slow",
      step: "case",
      name: "TimeBound",
      message: `took ${ms.toFixed(0)} ms (bound ${timeBound} ms)`,
      stack: "",
    };
  }
  return {
    status: res.bug ? "bug" : res.typed.length > 0 ? "typed" : "ok",
    typed: res.typed,
    ms,
    grew,
    bug: res.bug,
  };
}

/** The fast-check predicate: throws FuzzFailure (with the case attached) on a bug. */
export function checkCase(targets, c, opts) {
  const r = runCase(targets, c, opts);
  if (r.bug) throw new FuzzFailure({ ...r.bug, case: c });
  return r;
}

/** Bytes of the original side of a diff case (a committed test object). */
export function originalBytes(name) {
  return seedBytes(name);
}
