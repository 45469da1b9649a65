import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Report, TreeReport } from "@elfdelta/diff";
import { describe, expect, it } from "vitest";
import { pair, SAFE, tempDir, UNSAFE, WARNS } from "./fixtures.js";
import { binPath, repoRoot } from "./run-cli.js";

/** The README's examples are real files, quoted word for word; these tests run them as a user would. */

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const example = (name: string) => here(`../examples/${name}`);
const EXAMPLES = ["ci-gate.sh", "github-workflow.yml", "livepatch.mk"];

/** A directory holding an `elfdelta` command that runs the built CLI, for PATH. */
function shimDir(): string {
  const dir = tempDir("bin");
  const shim = join(dir, "elfdelta");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

function sh(command: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command[0]!, command.slice(1), {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PATH: `${shimDir()}:${process.env.PATH}`, ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with the two builds of one scenario as build/release and build/patched (directories). */
function workspace(scenario: string): string {
  const ws = tempDir("ws");
  const [orig, patched] = pair(scenario);
  for (const [dir, from] of [
    ["build/release", orig!],
    ["build/patched", patched!],
  ] as const) {
    mkdirSync(join(ws, dir, "net"), { recursive: true });
    copyFileSync(join(repoRoot, from), join(ws, dir, "net", "unit.o"));
  }
  return ws;
}

describe("the README examples", () => {
  const readme = readFileSync(here("../README.md"), "utf8");

  for (const name of EXAMPLES) {
    it(`quotes examples/${name} word for word`, () => {
      expect(readme).toContain(readFileSync(example(name), "utf8").trim());
    });
  }

  it("ci-gate.sh passes a safe patch, fails an unsafe one, and leaves the Markdown and SARIF reports", () => {
    const ws = tempDir("gate");
    const [so, sp] = pair(SAFE).map((p) => join(repoRoot, p));
    const safe = sh(["bash", example("ci-gate.sh"), so!, sp!], ws);
    expect(safe.status).toBe(0);
    expect(safe.stdout).toBe("## elfdelta: safe to live-patch\n");
    expect(JSON.parse(readFileSync(join(ws, "elfdelta.sarif"), "utf8")).version).toBe("2.1.0");

    const [uo, up] = pair(UNSAFE).map((p) => join(repoRoot, p));
    const unsafe = sh(["bash", example("ci-gate.sh"), uo!, up!], ws);
    expect(unsafe.status).toBe(1);
    expect(readFileSync(join(ws, "elfdelta.md"), "utf8")).toMatch(/^## elfdelta: unsupported live patch/);
    const sarif = JSON.parse(readFileSync(join(ws, "elfdelta.sarif"), "utf8"));
    expect(sarif.runs[0].results[0].ruleId).toBe("struct-layout-changed");

    // the team's policy file is picked up from the working directory
    writeFileSync(
      join(ws, "elfdelta.policy.json"),
      JSON.stringify({ waivers: [{ type: "conn", reason: "ok" }] }),
    );
    expect(sh(["bash", example("ci-gate.sh"), uo!, up!], ws).status).toBe(0);

    const [wo, wp] = pair(WARNS).map((p) => join(repoRoot, p));
    expect(sh(["bash", example("ci-gate.sh"), wo!, wp!], ws).status).toBe(0);
    expect(sh(["bash", example("ci-gate.sh"), wo!, wp!], ws, { FAIL_ON: "warning" }).status).toBe(1);
    expect(sh(["bash", example("ci-gate.sh"), join(ws, "missing.o"), wp!], ws).status).toBe(2);
  });

  it("github-workflow.yml's steps run the gate and fill the job summary", () => {
    const workflow = readFileSync(example("github-workflow.yml"), "utf8");
    const steps = [...workflow.matchAll(/^\s+(?:- )?run: (.*)$/gm)].map((m) => m[1]!.replace(/ #.*$/, ""));
    expect(steps).toHaveLength(4);
    for (const scenario of [SAFE, UNSAFE]) {
      const ws = workspace(scenario);
      mkdirSync(join(ws, "ci"));
      copyFileSync(example("ci-gate.sh"), join(ws, "ci/ci-gate.sh"));
      const summary = join(ws, "step-summary.md");
      const statuses = steps
        .filter((s) => !s.startsWith("make ") && !s.startsWith("npm install")) // the build, the install
        .map((s) => sh(["bash", "-c", s], ws, { GITHUB_STEP_SUMMARY: summary }).status);
      expect(statuses).toEqual([scenario === SAFE ? 0 : 1, 0]);
      expect(readFileSync(summary, "utf8")).toMatch(
        scenario === SAFE ? /^## elfdelta: safe to live-patch/ : /^## elfdelta: unsupported live patch/,
      );
      const sarifFile = /sarif_file: (\S+)/.exec(workflow)![1]!;
      expect(existsSync(join(ws, sarifFile))).toBe(true);
    }
  });

  it("livepatch.mk keeps the report of a safe patch and stops the build for an unsafe one", () => {
    const make = (ws: string) =>
      sh(
        [
          "make",
          "--no-print-directory",
          "-f",
          example("livepatch.mk"),
          "livepatch-check",
          "ELFDELTA=elfdelta",
        ],
        ws,
      );
    const ok = workspace(SAFE);
    const safe = make(ok);
    expect(safe.status).toBe(0);
    expect(safe.stdout).toContain("live patch OK: build/livepatch/elfdelta.json lists what to replace");
    const tree = TreeReport.parse(
      JSON.parse(readFileSync(join(ok, "build/livepatch/elfdelta.json"), "utf8")),
    );
    const unit = tree.pairs[0] as Report;
    expect(unit.functions.filter((f) => f.status !== "unchanged").map((f) => f.name)).toEqual([
      "store",
      "audit",
    ]);

    const bad = workspace(UNSAFE);
    const unsafe = make(bad);
    expect(unsafe.status).not.toBe(0);
    expect(unsafe.stderr).toMatch(/^UNSUPPORTED: 1 of 1 object pair/m);
    expect(existsSync(join(bad, "build/livepatch/elfdelta.json"))).toBe(true);
  });
});
