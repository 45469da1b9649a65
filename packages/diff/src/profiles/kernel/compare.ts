import type { Entity } from "../../object.js";
import type { IgnoredDifference, ReasonDetail } from "../../report.js";
import { codeImage, sameCode, sameRelocs } from "./code.js";
import type { Entry } from "./entries.js";
import { lineNumberChanges } from "./lines.js";
import type { KernelPair } from "./pair.js";
import type { ProfilingEntry } from "./profiling.js";

/**
 * The kernel profile's refinement of one pair of functions (see ComparisonHooks.function):
 * 1. a difference in the code is discounted when it is only the profiling entry (present in one build:
 *    `notrace` changed) or only `__LINE__` immediates passed to the functions of lines.ts;
 * 2. the function's special-section entries are compared by what they say: a different `__bug_table`,
 *    `__jump_table`, `__ex_table`, `.altinstructions`... entry changes the function (never refuses by
 *    itself); a different `__bug_table` line alone, profiling-table entries and `.discard.*`/export entries
 *    are discounted.
 * Discounted differences are reported only for functions that end up unchanged.
 */
export function refineFunction(
  pair: KernelPair,
  o: Entity,
  p: Entity,
  general: readonly ReasonDetail[],
): { details: ReasonDetail[]; ignored: IgnoredDifference[] } {
  const code = general.filter(isCodeDetail);
  let details: ReasonDetail[] = [...general];
  const ignored: IgnoredDifference[] = [];
  const po = pair.original.profiling(o);
  const pp = pair.patched.profiling(p);
  const toggled = !po !== !pp;
  if (code.length > 0) {
    const explained = explainCode(pair, o, p, toggled ? po : undefined, toggled ? pp : undefined);
    if (explained) {
      details = general.filter((d) => !isCodeDetail(d));
      ignored.push(...explained);
    }
  }
  const entries = compareEntries(pair, o, p, toggled ? po : undefined, toggled ? pp : undefined);
  // Changed by its entries: the code differences the profile would have discounted still explain it.
  if (entries.details.length > 0) return { details: [...general, ...entries.details], ignored: [] };
  if (details.length > 0) return { details, ignored: [] };
  return { details, ignored: [...ignored, ...entries.ignored] };
}

/** Details that say the code differs (as opposed to the symbol's binding or type). */
function isCodeDetail(d: ReasonDetail): boolean {
  return d.kind !== "binding" && d.kind !== "symbol-type";
}

const hex = (n: number) => `0x${n.toString(16)}`;

function explainCode(
  pair: KernelPair,
  o: Entity,
  p: Entity,
  cutO: ProfilingEntry | undefined,
  cutP: ProfilingEntry | undefined,
): IgnoredDifference[] | undefined {
  const keys = pair.keys;
  const ov = keys.view("original");
  if (o.section < 0 || p.section < 0 || o.nobits || p.nobits) return undefined;
  const a = codeImage(keys, "original", o, cutO);
  const b = codeImage(keys, "patched", p, cutP);
  const out: IgnoredDifference[] = [];
  const section = ov.sectionName(o.section);
  const entry = cutO ?? cutP;
  if (entry) {
    const where = cutO ? "original" : "patched";
    out.push({
      why: "profiling-entry",
      message: `the profiling entry (${entry.what}) is only in the ${where} build (notrace changed); ftrace, not the function's logic, uses it`,
      section,
      offset: entry.offset,
      ...(cutO ? { original: entry.what } : { patched: entry.what }),
    });
  }
  if (sameCode(a, b)) return entry ? out : undefined;
  if (!pair.arch || !sameRelocs(a, b)) return undefined;
  const lines = lineNumberChanges(pair.arch, a, b, ov.elf.littleEndian);
  if (!lines) return undefined;
  for (const l of lines) {
    out.push({
      why: "line-number-only",
      message: `only the line number passed to ${l.callee}() changed (${l.original} → ${l.patched} at +${hex(l.offset)}): kpatch's __LINE__ rule, the patched code would print another line`,
      section,
      offset: l.offset,
      original: String(l.original),
      patched: String(l.patched),
    });
  }
  return out;
}

/**
 * The special-section entries of a pair, compared as multisets keyed by what they say. Entry offsets in the
 * function are compared as if the profiling entry (when only one build has it) were not there.
 */
function compareEntries(
  pair: KernelPair,
  o: Entity,
  p: Entity,
  cutO: ProfilingEntry | undefined,
  cutP: ProfilingEntry | undefined,
): { details: ReasonDetail[]; ignored: IgnoredDifference[] } {
  const eo = pair.original.entries.byOwner.get(pair.original.view.primary(o)) ?? [];
  const ep = pair.patched.entries.byOwner.get(pair.patched.view.primary(p)) ?? [];
  const details: ReasonDetail[] = [];
  const ignored: IgnoredDifference[] = [];
  if (eo.length === 0 && ep.length === 0) return { details, ignored };
  const at = (e: Entry, cut: ProfilingEntry | undefined) =>
    cut && e.layout.role !== "profiling" && e.ownerOffset >= cut.offset + cut.length
      ? e.ownerOffset - cut.length
      : e.ownerOffset;
  const full = (e: Entry, cut: ProfilingEntry | undefined) =>
    `${e.table}|${at(e, cut)}|${e.key}|${e.line ?? ""}`;
  const removed = subtract(
    eo,
    ep,
    (e) => full(e, cutO),
    (e) => full(e, cutP),
  );
  const added = subtract(
    ep,
    eo,
    (e) => full(e, cutP),
    (e) => full(e, cutO),
  );
  if (removed.length === 0 && added.length === 0) return { details, ignored };

  // A bug-table entry whose line alone changed.
  const sans = (e: Entry, cut: ProfilingEntry | undefined) => `${e.table}|${at(e, cut)}|${e.key}`;
  for (let i = 0; i < removed.length; i++) {
    const r = removed[i]!;
    if (r.line === undefined) continue;
    const j = added.findIndex((x) => x.line !== undefined && sans(x, cutP) === sans(r, cutO));
    if (j < 0) continue;
    const x = added[j]!;
    ignored.push({
      why: "line-number-only",
      message: `only the line of its ${r.table} ${r.layout.what} at +${hex(r.ownerOffset)} changed (${r.line} → ${x.line})`,
      section: r.table,
      offset: r.ownerOffset,
      original: String(r.line),
      patched: String(x.line),
    });
    removed.splice(i--, 1);
    added.splice(j, 1);
  }

  const role = (e: Entry) => e.layout.role;
  // Code entries: the function changed. An entry at the same place with other fields is "changed".
  const codeAdded = added.filter((e) => role(e) === "code");
  for (const r of removed.filter((e) => role(e) === "code")) {
    const j = codeAdded.findIndex((x) => x.table === r.table && at(x, cutP) === at(r, cutO));
    if (j >= 0) {
      const x = codeAdded.splice(j, 1)[0]!;
      details.push({
        kind: "special-section-entry",
        section: r.table,
        offset: r.ownerOffset,
        change: "changed",
        original: r.text || r.layout.what,
        patched: x.text || x.layout.what,
      });
    } else {
      details.push({
        kind: "special-section-entry",
        section: r.table,
        offset: r.ownerOffset,
        change: "removed",
        original: r.text || r.layout.what,
      });
    }
  }
  for (const x of codeAdded) {
    details.push({
      kind: "special-section-entry",
      section: x.table,
      offset: x.ownerOffset,
      change: "added",
      patched: x.text || x.layout.what,
    });
  }

  // Profiling tables and metadata: discounted.
  for (const [list, where] of [
    [removed, "original"],
    [added, "patched"],
  ] as const) {
    for (const e of list) {
      if (role(e) === "profiling") {
        ignored.push({
          why: "profiling-entry",
          message: `its ${e.table} entry is only in the ${where} build: ftrace's table, never a change of the function`,
          section: e.table,
          offset: e.ownerOffset,
        });
      } else if (role(e) === "metadata") {
        const other = where === "original" ? "patched" : "original";
        ignored.push({
          why: "special-section-entry",
          message: `its ${e.table} entry (${e.layout.what}${e.text ? `: ${e.text}` : ""}) is in the ${where} build, not in the ${other}: ${e.table} has no effect on the running code`,
          section: e.table,
          offset: e.ownerOffset,
          ...(where === "original" ? { original: e.text } : { patched: e.text }),
        });
      }
    }
  }
  return { details, ignored };
}

/** The elements of `xs` not matched one for one by an element of `ys` with the same key. */
function subtract<T>(xs: readonly T[], ys: readonly T[], kx: (x: T) => string, ky: (y: T) => string): T[] {
  const count = new Map<string, number>();
  for (const y of ys) {
    const k = ky(y);
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  const out: T[] = [];
  for (const x of xs) {
    const k = kx(x);
    const n = count.get(k) ?? 0;
    if (n > 0) count.set(k, n - 1);
    else out.push(x);
  }
  return out;
}
