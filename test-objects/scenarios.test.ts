/**
 * The scenario harness: every test-objects/scenarios/NAME with an expect.json, compiled by build.sh for every
 * target (and variant) it lists, is diffed with `diffObjects`, and the exact sets of changed / new / removed /
 * unchanged functions and data, the changed / new / removed types, the error rule ids and the verdict must
 * match the expectations (with per-target overrides applied). Objects that the build should have produced but
 * that are missing make the test fail, never skip.
 *
 * Names are compared the way the expectations write them, by C name: clone numbers dropped (`foo.isra`,
 * `foo.constprop`, `foo.cold`, `foo.part`), LTO and clang hash suffixes dropped, static locals as `func::var`
 * (GCC calls them `var.N`, clang `func.var`; the owner comes from the report, which takes it from DWARF),
 * i686's `__x86.get_pc_thunk.*` left out as scenarios/README.md says.
 *
 * ELFDELTA_OUT_DIR points the harness at another build directory (default: test-objects/out).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diffObjects, type Report } from "../packages/diff/src/index.js";
import {
  cName,
  dataName,
  readJson,
  type StatusSets,
  scenarioNamesIn,
  sorted,
  statusSets,
  type TypeSets,
} from "./expectations.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS = process.env.ELFDELTA_SCENARIOS_DIR ?? join(HERE, "scenarios");
const OUT = process.env.ELFDELTA_OUT_DIR ?? join(HERE, "out");

const GCC_TARGETS = [
  "x86_64-gcc",
  "aarch64-gcc",
  "ppc64le-gcc",
  "ppc64-gcc",
  "s390x-gcc",
  "riscv64-gcc",
  "i686-gcc",
  "armhf-gcc",
  "mips-gcc",
];
const CLANG_TARGETS = [
  "x86_64-clang",
  "aarch64-clang",
  "riscv64-clang",
  "loongarch64-clang",
  "ppc64le-clang",
  "s390x-clang",
  "i686-clang",
  "armhf-clang",
];
const ALL_TARGETS = [...GCC_TARGETS, ...CLANG_TARGETS];
/** Targets whose toolchain has a C++ compiler (build.sh builds C++ scenarios only there by default). */
const CXX_TARGETS = ["x86_64-gcc", "aarch64-gcc", ...CLANG_TARGETS];

interface Expectation {
  functions: StatusSets;
  data: StatusSets;
  types: TypeSets;
  rules: string[];
  verdict: "safe" | "unsupported";
}
interface ExpectFile extends Expectation {
  description?: string;
  targets?: Record<string, Partial<Expectation> & { why?: string }>;
}
interface BuildFile {
  lang?: "c" | "c++";
  targets?: string[];
  variants?: string[];
}

/**
 * i686 GCC's PIC helper, a hidden COMDAT function whose presence depends on register allocation only: the
 * expectations never list it (see scenarios/README.md).
 */
function neverListed(name: string): boolean {
  return name.startsWith("__x86.get_pc_thunk.");
}

function actualOf(r: Report): Expectation {
  const types: TypeSets = { changed: [], new: [], removed: [] };
  for (const t of r.types) if (t.status !== "unchanged") types[t.status].push(t.name);
  return {
    functions: statusSets(
      r.functions,
      (e) => cName(e.name),
      (e) => neverListed(e.name),
    ),
    data: statusSets(r.data, dataName, (e) => neverListed(e.name)),
    types: sorted(types),
    rules: [...new Set(r.findings.filter((f) => f.severity === "error").map((f) => f.rule))].sort(),
    verdict: r.verdict,
  };
}

function expectationFor(file: ExpectFile, target: string): Expectation {
  const o = file.targets?.[target] ?? {};
  return {
    functions: sorted(o.functions ?? file.functions),
    data: sorted(o.data ?? file.data),
    types: sorted(o.types ?? file.types),
    rules: [...(o.rules ?? file.rules)].sort(),
    verdict: o.verdict ?? file.verdict,
  };
}

/** A one-line account of why each non-unchanged symbol is what it is, for failure messages. */
function explain(r: Report): string {
  const lines: string[] = [];
  for (const e of [...r.functions, ...r.data]) {
    if (e.status === "unchanged") continue;
    lines.push(
      `  ${e.status} ${e.name}${e.reasons.length > 0 ? `: ${e.reasons.slice(0, 3).join("; ")}` : ""}`,
    );
  }
  for (const f of r.findings) lines.push(`  [${f.severity}] ${f.rule}: ${f.message}`);
  return lines.join("\n");
}

const scenarioNames = scenarioNamesIn(SCENARIOS);

describe("scenarios", () => {
  it("has scenarios to run", () => {
    expect(scenarioNames.length).toBeGreaterThan(0);
  });

  for (const name of scenarioNames) {
    const dir = join(SCENARIOS, name);
    const file = readJson<ExpectFile>(join(dir, "expect.json"));
    const build: BuildFile = existsSync(join(dir, "build.json"))
      ? readJson<BuildFile>(join(dir, "build.json"))
      : {};
    const lang = build.lang ?? (existsSync(join(dir, "orig.cc")) ? "c++" : "c");
    const targets = build.targets ?? (lang === "c++" ? CXX_TARGETS : ALL_TARGETS);
    const variants = build.variants ?? ["fs"];

    describe(name, () => {
      for (const target of targets) {
        for (const variant of variants) {
          it(`${target} ${variant}`, () => {
            const orig = join(OUT, target, "scenarios", name, `orig.${variant}.o`);
            const patched = join(OUT, target, "scenarios", name, `patched.${variant}.o`);
            const missing = [orig, patched].filter((p) => !existsSync(p));
            if (missing.length > 0) {
              expect.fail(
                `missing compiled objects: ${missing.join(", ")} (run test-objects/build.sh --only-scenarios --targets ${target})`,
              );
            }
            const report = diffObjects(orig, patched);
            const expected = expectationFor(file, target);
            const actual = actualOf(report);
            expect(actual, `${name} on ${target} (${variant}):\n${explain(report)}`).toEqual(expected);
          });
        }
      }
    });
  }
});
