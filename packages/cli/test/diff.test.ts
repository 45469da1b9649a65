import { Report } from "@elfdelta/diff";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const scenario = (name: string, side: "orig" | "patched", target = "x86_64-gcc", variant = "fs") =>
  `test-objects/out/${target}/scenarios/${name}/${side}.${variant}.o`;
const pair = (name: string, target?: string) => [
  scenario(name, "orig", target),
  scenario(name, "patched", target),
];

describe("elfdelta diff", () => {
  it("prints the verdict first, then findings, changes and type layouts, and exits 1 when unsupported", () => {
    const r = runCli(["diff", ...pair("struct-member-inserted-middle")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^UNSUPPORTED/);
    const at = (s: string) => r.stdout.indexOf(s);
    expect(at("Findings:")).toBeGreaterThan(0);
    expect(at("struct-layout-changed")).toBeGreaterThan(at("Findings:"));
    expect(at("Functions:")).toBeGreaterThan(at("struct-layout-changed"));
    expect(at("Types:")).toBeGreaterThan(at("Functions:"));
    expect(r.stdout).toMatch(/changed {2}conn_state/);
    expect(r.stdout).toMatch(/before\s+after/);
    expect(r.stdout).toMatch(/int flags\s+<- added/);
  });

  it("exits 0 for a safe patch", () => {
    const r = runCli(["diff", ...pair("new-function")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^SAFE/);
    expect(r.stdout).toMatch(/new {6}audit/);
  });

  it("prints the report of the contract with --format json", () => {
    const r = runCli(["diff", "--format", "json", ...pair("global-data-value-changed")]);
    expect(r.status).toBe(1);
    const report = Report.parse(JSON.parse(r.stdout));
    expect(report.verdict).toBe("unsupported");
    expect(report.data.find((d) => d.name === "max_conns")?.status).toBe("changed");
    expect(report.findings.some((f) => f.rule === "data-changed" && f.severity === "error")).toBe(true);
    expect(report.original.path).toBe(scenario("global-data-value-changed", "orig"));
  });

  it("renders Markdown", () => {
    const r = runCli(["diff", "--format", "markdown", ...pair("new-function")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^## elfdelta: safe to live-patch/);
    expect(r.stdout).toContain("| new | `audit` |");
  });

  it("refuses a bad command line with a usage error (exit 2)", () => {
    const format = runCli(["diff", "--format", "yaml", ...pair("new-function")]);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/argument 'yaml' is invalid/);
    const jobs = runCli(["diff", "--format", "json", "--jobs", "0", ...pair("new-function")]);
    expect(jobs.status).toBe(2);
    expect(JSON.parse(jobs.stdout)).toMatchObject({ error: { code: "usage" } });
    const profile = runCli(["diff", "--profile", "bogus", ...pair("new-function")]);
    expect(profile.status).toBe(2);
  });

  it("reports bad inputs in one line and exits 2", () => {
    const missing = runCli([
      "diff",
      "--format",
      "json",
      "no/such/file.o",
      scenario("new-function", "patched"),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("no/such/file.o");
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: "io", file: "no/such/file.o" } });
    const notElf = runCli(["diff", "package.json", scenario("new-function", "patched")]);
    expect(notElf.status).toBe(2);
    expect(notElf.stderr).toMatch(/package\.json: not an ELF file/);
    const mixed = runCli([
      "diff",
      scenario("new-function", "orig"),
      scenario("new-function", "patched", "aarch64-gcc"),
    ]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/different machines/);
  });
});
