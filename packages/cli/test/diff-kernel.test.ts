import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const scenario = (target: string, name: string) =>
  ["orig", "patched"].map((s) => `test-objects/out/${target}/kernel-scenarios/${name}/${s}.fs.o`);

describe("elfdelta diff --profile kernel", () => {
  it("reports what it discounted for each function, in JSON", () => {
    const r = runCli([
      "diff",
      "--profile",
      "kernel",
      "--format",
      "json",
      ...scenario("x86_64-gcc", "warn-on-line-shift"),
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.profile).toBe("kernel");
    const sleepy = report.functions.find((f: { name: string }) => f.name === "sleepy");
    expect(sleepy.status).toBe("unchanged");
    expect(sleepy.ignoredDifferences[0]).toMatchObject({
      why: "line-number-only",
      original: "16",
      patched: "17",
    });
  });

  it("says in the text and markdown formats which differences it discounted and why", () => {
    const files = scenario("x86_64-gcc", "warn-on-line-shift");
    const text = runCli(["diff", "--profile", "kernel", "--color", "never", ...files]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/same {5}sleepy {2}\(\.text\.sleepy; differences ignored\)/);
    expect(text.stdout).toMatch(
      /line-number-only: only the line number passed to __might_sleep\(\) changed \(16 → 17/,
    );
    const md = runCli(["diff", "--profile", "kernel", "--format", "markdown", ...files]);
    expect(md.stdout).toMatch(/^- `sleepy` — line-number-only: /m);
  });

  it("takes --special-section-size NAME=BYTES, repeatable, and refuses a size that does not fit", () => {
    const files = scenario("x86_64-gcc", "warn-on-line-shift");
    const ok = runCli([
      "diff",
      "--profile",
      "kernel",
      "--special-section-size",
      "__bug_table=12",
      "--special-section-size",
      ".smp_locks=4",
      ...files,
    ]);
    expect(ok.status).toBe(0);
    const bad = runCli([
      "diff",
      "--profile",
      "kernel",
      "--format",
      "json",
      "--special-section-size",
      "__bug_table=16",
      ...files,
    ]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).findings.map((f: { rule: string }) => f.rule)).toContain(
      "special-section-size-mismatch",
    );
  });

  it("refuses a malformed size, or one without the kernel profile (exit 2)", () => {
    const files = scenario("x86_64-gcc", "warn-on-line-shift");
    const malformed = runCli([
      "diff",
      "--profile",
      "kernel",
      "--special-section-size",
      "__bug_table",
      ...files,
    ]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/NAME=BYTES/);
    const zero = runCli(["diff", "--profile", "kernel", "--special-section-size", "__bug_table=0", ...files]);
    expect(zero.status).toBe(2);
    const general = runCli(["diff", "--special-section-size", "__bug_table=16", ...files]);
    expect(general.status).toBe(2);
    expect(general.stderr).toMatch(/kernel profile/);
  });
});
