/**
 * The kernel scenario harness: every test-objects/kernel-scenarios/NAME with an expect.json, compiled by
 * build.sh with the flags of a kernel build for every kernel target it lists, is diffed with
 * `diffObjects(…, { profile: "kernel" })`, and must match the expectation exactly (per-target overrides
 * applied): the sets of changed / new / removed / unchanged functions and data, the changed / new /
 * removed types, the error rule ids, the verdict, the `ignored` records (each function whose difference
 * the profile discounted, with the kind of difference, and nothing else), and the kernel warning ids.
 * Objects that the build should have produced but that are missing make the test fail, never skip.
 *
 * Names follow kernel-scenarios/README.md: functions by their ELF symbol name, numbers included (the
 * original's name for changed and unchanged functions, the patched one's for new ones); data as in the
 * general scenarios (numbers dropped, static locals and compiler statics as `func::var`).
 *
 * ELFDELTA_OUT_DIR points the harness at another build directory (default: test-objects/out);
 * ELFDELTA_KERNEL_SCENARIOS_DIR at other scenario sources.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diffObjects, type Report } from "../packages/diff/src/index.js";
import {
  dataName,
  readJson,
  type StatusSets,
  scenarioNamesIn,
  sorted,
  statusSets,
  type TypeSets,
} from "./expectations.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS = process.env.ELFDELTA_KERNEL_SCENARIOS_DIR ?? join(HERE, "kernel-scenarios");
const OUT = process.env.ELFDELTA_OUT_DIR ?? join(HERE, "out");

const KERNEL_TARGETS = [
  "x86_64-gcc",
  "x86_64-clang",
  "ppc64le-gcc",
  "s390x-gcc",
  "aarch64-gcc",
  "loongarch64-clang",
];

/** The warning ids whose presence the expectations state exactly (README: "Warning ids"). */
const KERNEL_WARNINGS: ReadonlySet<string> = new Set(["export-added"]);

const IGNORED_KINDS = ["line-number-only", "profiling-entry", "special-section-entry"] as const;

interface IgnoredRecord {
  function: string;
  why: string;
}
interface Expectation {
  functions: StatusSets;
  data: StatusSets;
  types: TypeSets;
  ignored: IgnoredRecord[];
  rules: string[];
  verdict: "safe" | "unsupported";
  warnings: string[];
}
interface ExpectFile extends Omit<Expectation, "ignored" | "warnings"> {
  description?: string;
  profile?: string;
  ignored?: IgnoredRecord[];
  warnings?: string[];
  targets?: Record<string, Partial<Expectation> & { why?: string }>;
}
interface BuildFile {
  profile?: string;
  cflags?: string[];
  targets?: string[];
}

function byRecord(a: IgnoredRecord, b: IgnoredRecord): number {
  return a.function < b.function
    ? -1
    : a.function > b.function
      ? 1
      : a.why < b.why
        ? -1
        : a.why > b.why
          ? 1
          : 0;
}

/** The `ignored` records a report states: one per function and kind of discounted difference. */
function ignoredOf(r: Report): IgnoredRecord[] {
  const out: IgnoredRecord[] = [];
  for (const f of r.functions) {
    for (const why of new Set((f.ignoredDifferences ?? []).map((i) => i.why)))
      out.push({ function: f.name, why });
  }
  return out.sort(byRecord);
}

function actualOf(r: Report): Expectation {
  const types: TypeSets = { changed: [], new: [], removed: [] };
  for (const t of r.types) if (t.status !== "unchanged") types[t.status].push(t.name);
  return {
    functions: statusSets(r.functions, (e) => e.name),
    data: statusSets(r.data, dataName),
    types: sorted(types),
    ignored: ignoredOf(r),
    rules: [...new Set(r.findings.filter((f) => f.severity === "error").map((f) => f.rule))].sort(),
    verdict: r.verdict,
    warnings: [
      ...new Set(
        r.findings.filter((f) => f.severity === "warning" && KERNEL_WARNINGS.has(f.rule)).map((f) => f.rule),
      ),
    ].sort(),
  };
}

function expectationFor(file: ExpectFile, target: string): Expectation {
  const o = file.targets?.[target] ?? {};
  return {
    functions: sorted(o.functions ?? file.functions),
    data: sorted(o.data ?? file.data),
    types: sorted(o.types ?? file.types),
    ignored: [...(o.ignored ?? file.ignored ?? [])].sort(byRecord),
    rules: [...(o.rules ?? file.rules)].sort(),
    verdict: o.verdict ?? file.verdict,
    warnings: [...(o.warnings ?? file.warnings ?? [])].sort(),
  };
}

/** Why each function and data object that is not unchanged is what it is, for failure messages. */
function explain(r: Report): string {
  const lines: string[] = [];
  for (const e of [...r.functions, ...r.data]) {
    if (e.status !== "unchanged")
      lines.push(
        `  ${e.status} ${e.name}${e.reasons.length > 0 ? `: ${e.reasons.slice(0, 4).join("; ")}` : ""}`,
      );
    for (const i of e.ignoredDifferences ?? []) lines.push(`  ignored ${e.name} (${i.why}): ${i.message}`);
  }
  for (const f of r.findings) lines.push(`  [${f.severity}] ${f.rule}: ${f.message}`);
  return lines.join("\n");
}

const scenarioNames = scenarioNamesIn(SCENARIOS);

describe("kernel scenarios", () => {
  it("has scenarios to run", () => {
    expect(scenarioNames.length).toBeGreaterThan(0);
  });

  for (const name of scenarioNames) {
    const dir = join(SCENARIOS, name);
    const file = readJson<ExpectFile>(join(dir, "expect.json"));
    const build: BuildFile = existsSync(join(dir, "build.json"))
      ? readJson<BuildFile>(join(dir, "build.json"))
      : {};
    const targets = build.targets ?? KERNEL_TARGETS;

    describe(name, () => {
      it("is a well-formed kernel expectation", () => {
        expect(file.profile ?? "kernel").toBe("kernel");
        for (const [t, o] of Object.entries(file.targets ?? {})) {
          expect(KERNEL_TARGETS, `override for unknown target ${t}`).toContain(t);
          expect(o.why, `override for ${t} needs a "why"`).toBeTruthy();
        }
        for (const t of targets) {
          const e = expectationFor(file, t);
          expect(e.verdict === "unsupported", `${t}: verdict and rules disagree`).toBe(e.rules.length > 0);
          for (const rec of e.ignored) {
            expect(IGNORED_KINDS, `${t}: unknown ignored kind`).toContain(rec.why);
            expect(e.functions.unchanged, `${t}: ignored ${rec.function} must be unchanged`).toContain(
              rec.function,
            );
          }
        }
      });

      for (const target of targets) {
        it(target, () => {
          const orig = join(OUT, target, "kernel-scenarios", name, "orig.fs.o");
          const patched = join(OUT, target, "kernel-scenarios", name, "patched.fs.o");
          const missing = [orig, patched].filter((p) => !existsSync(p));
          if (missing.length > 0) {
            expect.fail(
              `missing compiled objects: ${missing.join(", ")} (run test-objects/build.sh --only-kernel --targets ${target})`,
            );
          }
          const report = diffObjects(orig, patched, { profile: "kernel" });
          expect(report.profile).toBe("kernel");
          const expected = expectationFor(file, target);
          const actual = actualOf(report);
          expect(actual, `${name} on ${target}:\n${explain(report)}`).toEqual(expected);
          // Every decision is explained: a changed function or object says why, every ignored difference
          // what it was.
          for (const e of [...report.functions, ...report.data]) {
            if (e.status === "changed") expect(e.reasons.length, `${e.name}: no reason`).toBeGreaterThan(0);
          }
          for (const f of report.functions) {
            for (const i of f.ignoredDifferences ?? [])
              expect(i.message.length, `${f.name}: ${i.why}`).toBeGreaterThan(0);
          }
        });
      }
    });
  }
});
