import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isComparedPair, Report, TreeReport } from "@elfdelta/diff";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  buildArchives,
  buildTrees,
  pair,
  policyFile,
  SAFE,
  scenario,
  tempDir,
  truncatedObject,
  UNSAFE,
  WARNS,
} from "./fixtures.js";
import { binPath, repoRoot, runCli } from "./run-cli.js";

/**
 * End to end: the built CLI run as a user runs it (a child process, from the repository root), on the
 * committed test objects. Each test checks the output and the exit code.
 */

const ESC = "\x1b[";

describe("each format, for a safe and an unsafe pair", () => {
  it("text: the verdict first, exit 0 / 1", () => {
    const safe = runCli(["diff", ...pair(SAFE)]);
    expect(safe.status).toBe(0);
    expect(safe.stdout.split("\n")[0]).toMatch(/^SAFE: .*\(0 errors, 0 warnings\)$/);
    expect(safe.stdout).toMatch(/new {6}audit/);
    const unsafe = runCli(["diff", ...pair(UNSAFE)]);
    expect(unsafe.status).toBe(1);
    expect(unsafe.stdout.split("\n")[0]).toMatch(/^UNSUPPORTED: .*\(1 error, 0 warnings\)$/);
    // the before/after member table: offset, size, member, and what moved
    expect(unsafe.stdout).toMatch(/offset size {2}member\s+offset size {2}member/);
    expect(unsafe.stdout).toMatch(/ 4 {4}4 {2}int state\s+8 {4}4 {2}int state\s+<- moved/);
    expect(unsafe.stdout).toMatch(/4 {4}4 {2}int flags\s+<- added/);
    expect(unsafe.stdout).toContain("struct-member-inserted-middle.c:8");
    expect(unsafe.stdout).not.toContain(ESC); // not a terminal: no colour
  });

  it("json: the contract's report", () => {
    const safe = runCli(["diff", "--format", "json", ...pair(SAFE)]);
    expect(safe.status).toBe(0);
    expect(Report.parse(JSON.parse(safe.stdout)).verdict).toBe("safe");
    const unsafe = runCli(["diff", "--format", "json", ...pair(UNSAFE)]);
    expect(unsafe.status).toBe(1);
    const r = Report.parse(JSON.parse(unsafe.stdout));
    expect(r.verdict).toBe("unsupported");
    expect(r.findings[0]).toMatchObject({
      rule: "struct-layout-changed",
      severity: "error",
      type: "conn",
      location: { file: "struct-member-inserted-middle.c", line: 8 },
    });
    expect(unsafe.stderr).toBe("");
  });

  it("sarif: one result per finding, exit code as for the other formats", () => {
    const safe = runCli(["diff", "--format", "sarif", ...pair(SAFE)]);
    expect(safe.status).toBe(0);
    const s = JSON.parse(safe.stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(s.version).toBe("2.1.0");
    expect(s.runs[0]!.results).toEqual([]);
    const unsafe = runCli(["diff", "--format", "sarif", ...pair(UNSAFE)]);
    expect(unsafe.status).toBe(1);
    const u = JSON.parse(unsafe.stdout) as {
      runs: { results: { ruleId: string; level: string; locations: unknown[] }[] }[];
    };
    expect(u.runs[0]!.results).toHaveLength(1);
    expect(u.runs[0]!.results[0]).toMatchObject({
      ruleId: "struct-layout-changed",
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "struct-member-inserted-middle.c", uriBaseId: "%SRCROOT%" },
            region: { startLine: 8 },
          },
        },
      ],
    });
  });

  it("markdown: a pull-request summary", () => {
    const safe = runCli(["diff", "--format", "markdown", ...pair(SAFE)]);
    expect(safe.status).toBe(0);
    expect(safe.stdout).toMatch(/^## elfdelta: safe to live-patch\n/);
    expect(safe.stdout).toContain("| new | `audit` |");
    const unsafe = runCli(["diff", "--format", "markdown", ...pair(UNSAFE)]);
    expect(unsafe.status).toBe(1);
    expect(unsafe.stdout).toMatch(/^## elfdelta: unsupported live patch \(1 error\)/);
    expect(unsafe.stdout).toContain("| error | `struct-layout-changed` |");
    expect(unsafe.stdout).toMatch(/\| 4 \| 4 \| int state \| 8 \| 4 \| int state \| \*\*moved\*\* \|/);
  });
});

describe("the gate", () => {
  it("--fail-on warning fails on warnings too", () => {
    const plain = runCli(["diff", ...pair(WARNS)]);
    expect(plain.status).toBe(0);
    const strict = runCli(["diff", "--fail-on", "warning", ...pair(WARNS)]);
    expect(strict.status).toBe(1);
    expect(strict.stdout.split("\n")[0]).toMatch(/WARNINGS FAIL THE GATE.*\(0 errors, 1 warning\)/);
    const json = runCli(["diff", "--format", "json", "--fail-on", "warning", ...pair(WARNS)]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).verdict).toBe("safe"); // the verdict is the patch's; the gate is the exit code
    expect(runCli(["diff", "--fail-on", "warning", ...pair(SAFE)]).status).toBe(0);
  });

  it("--output writes the report to a file; stdout stays empty", () => {
    const out = join(tempDir("out"), "report.json");
    const r = runCli(["diff", "--format", "json", "--output", out, ...pair(UNSAFE)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(Report.parse(JSON.parse(readFileSync(out, "utf8"))).verdict).toBe("unsupported");
    const bad = runCli(["diff", "-o", join(tempDir("out"), "no/such/dir/r.txt"), ...pair(SAFE)]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/r\.txt: cannot write the report: ENOENT/);
  });

  it("--quiet prints only the verdict", () => {
    const r = runCli(["diff", "--quiet", ...pair(UNSAFE)]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toMatch(/^UNSUPPORTED/);
  });

  it("--color always colours; never and NO_COLOR do not", () => {
    const always = runCli(["diff", "--color", "always", ...pair(UNSAFE)]);
    expect(always.stdout.startsWith(`${ESC}1m${ESC}31mUNSUPPORTED`)).toBe(true);
    expect(runCli(["diff", "--color", "never", ...pair(UNSAFE)]).stdout).not.toContain(ESC);
    // an explicit --color always wins over NO_COLOR (https://no-color.org)
    expect(runCli(["diff", "--color", "always", ...pair(UNSAFE)], { NO_COLOR: "1" }).stdout).toContain(ESC);
    expect(runCli(["diff", "--color", "always", "--format", "json", ...pair(UNSAFE)]).stdout).not.toContain(
      ESC,
    );
  });

  it("colours a terminal unless NO_COLOR is set", () => {
    const tty = inTerminal(["diff", ...pair(UNSAFE)]);
    expect(tty.output).toContain(`${ESC}31mUNSUPPORTED`);
    const noColor = inTerminal(["diff", ...pair(UNSAFE)], { NO_COLOR: "1" });
    expect(noColor.output).toContain("UNSUPPORTED");
    expect(noColor.output).not.toContain(ESC);
  });
});

describe("policies", () => {
  it("a waiver of the struct change makes the patch safe; the finding stays, marked waived with its reason", () => {
    const policy = policyFile({
      waivers: [{ type: "conn", reason: "every conn is created after the patch is applied" }],
    });
    const text = runCli(["diff", "--policy", policy, ...pair(UNSAFE)]);
    expect(text.status).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^SAFE: .*\(0 errors, 0 warnings, 1 waived\)/);
    expect(text.stdout).toMatch(
      /error {3}struct-layout-changed: .*\n {10}waived: every conn is created after/,
    );
    const json = runCli(["diff", "--format", "json", "--policy", policy, ...pair(UNSAFE)]);
    expect(json.status).toBe(0);
    const r = Report.parse(JSON.parse(json.stdout));
    expect(r.findings[0]?.waived).toEqual({ reason: "every conn is created after the patch is applied" });
    const sarif = runCli(["diff", "--format", "sarif", "--policy", policy, ...pair(UNSAFE)]);
    expect(sarif.status).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].results[0].suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "every conn is created after the patch is applied",
      },
    ]);
    const md = runCli(["diff", "--format", "markdown", "--policy", policy, ...pair(UNSAFE)]);
    expect(md.stdout).toContain("| ~~error~~ waived | `struct-layout-changed` |");
  });

  it("an expired waiver is itself a finding, and no longer waives", () => {
    const policy = policyFile({
      waivers: [{ type: "conn", reason: "until release 2", expires: "2020-06-30" }],
    });
    const r = runCli(["diff", "--format", "json", "--policy", policy, ...pair(UNSAFE)]);
    expect(r.status).toBe(1);
    const report = Report.parse(JSON.parse(r.stdout));
    expect(report.findings.map((f) => [f.rule, f.severity, f.waived !== undefined])).toEqual([
      ["struct-layout-changed", "error", false],
      ["waiver-expired", "error", false],
    ]);
    expect(report.findings[1]?.message).toMatch(/expired on 2020-06-30/);
    // an expired waiver fails the gate even when what it waived is gone
    const safe = runCli(["diff", "--policy", policy, ...pair(SAFE)]);
    expect(safe.status).toBe(1);
    expect(safe.stdout).toMatch(/waiver-expired: the waiver for type conn expired on 2020-06-30/);
  });

  it("changes a rule's severity", () => {
    const policy = policyFile({ rules: { "function-signature-changed": { severity: "error" } } });
    const r = runCli(["diff", "--policy", policy, ...pair(WARNS)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^UNSUPPORTED/);
  });

  it("a malformed policy is refused with exit 2, naming the key and the file", () => {
    const cases: [unknown, RegExp, string][] = [
      [
        { waivers: [{ type: "conn", reason: "x", expire: "2030-01-01" }] },
        /unknown key 'waivers\[0\]\.expire'/,
        "waivers[0].expire",
      ],
      [
        { ignore: { functions: "debug_dump" } },
        /'ignore\.functions': expected an array, got a string/,
        "ignore.functions",
      ],
      [
        { rules: { "struct-layout-change": { severity: "warning" } } },
        /unknown rule id 'struct-layout-change'/,
        "rules.struct-layout-change",
      ],
    ];
    for (const [policy, message, key] of cases) {
      const file = policyFile(policy);
      const r = runCli(["diff", "--policy", file, ...pair(SAFE)]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(message);
      const json = runCli(["diff", "--format", "json", "--policy", file, ...pair(SAFE)]);
      expect(json.status).toBe(2);
      expect(JSON.parse(json.stdout)).toEqual({
        error: { code: "bad-policy", message: expect.stringMatching(message), file, key },
      });
    }
    const notJson = policyFile("{ waivers: [ }");
    const r = runCli(["diff", "--policy", notJson, ...pair(SAFE)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/elfdelta\.policy\.json: not valid JSON/);
    const missing = runCli(["diff", "--policy", "no/such/policy.json", ...pair(SAFE)]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no\/such\/policy\.json: cannot read policy file: no such file/);
  });
});

describe("bad inputs exit 2 with one clear line", () => {
  it("a missing file", () => {
    const r = runCli(["diff", "--format", "json", "no/such/orig.o", scenario(SAFE, "patched")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("elfdelta: no/such/orig.o: cannot read file: no such file at offset 0 (0x0)\n");
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "io", file: "no/such/orig.o" } });
  });

  it("a non-ELF file", () => {
    const r = runCli(["diff", "--format", "json", "README.md", scenario(SAFE, "patched")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^elfdelta: README\.md: not an ELF file.* at offset 0/);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "not-elf", file: "README.md", offset: 0 } });
  });

  it("a truncated object", () => {
    const cut = truncatedObject();
    const r = runCli(["diff", cut, scenario(SAFE, "patched")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cut\.o: .* at offset \d+ \(0x[0-9a-f]+\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an object and a directory", () => {
    const { orig } = buildTrees();
    const r = runCli(["diff", scenario(SAFE, "orig"), orig]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot compare an object .* with a directory/);
  });
});

describe("directories and archives", () => {
  it("a directory pair: one report per object pair, new and removed objects, a summary", () => {
    const { orig, patched } = buildTrees();
    const json = runCli(["diff", "--format", "json", orig, patched]);
    expect(json.status).toBe(1);
    expect(json.stderr).toBe(""); // not a terminal: no progress bar
    const t = TreeReport.parse(JSON.parse(json.stdout));
    expect(t.schemaVersion).toBe(1);
    expect(t.pairs.map((p) => [p.name, isComparedPair(p) ? p.verdict : p.status])).toEqual([
      ["core/conn.o", "unsupported"],
      ["fresh.o", "new"],
      ["legacy.o", "removed"],
      ["net/audit.o", "safe"],
    ]);
    expect(t.summary).toMatchObject({ compared: 2, safe: 1, unsupported: 1, new: 1, removed: 1, errors: 0 });
    const text = runCli(["diff", orig, patched]);
    expect(text.status).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toMatch(/^UNSUPPORTED: 1 of 2 object pairs/);
    expect(text.stdout).toMatch(/^== fresh\.o: new object/m);
    expect(text.stdout).toMatch(/^== legacy\.o: removed object/m);
    expect(text.stdout).toMatch(/^== core\/conn\.o: UNSUPPORTED/m);
    expect(lines.at(-2)).toMatch(
      /^Summary: 4 objects: 2 compared \(1 safe, 1 unsupported\), 1 new, 1 removed, 0 errors/,
    );
    const md = runCli(["diff", "--format", "markdown", orig, patched]);
    expect(md.stdout).toMatch(/^## elfdelta: unsupported live patch \(1 of 2 objects, 1 error\)/);
    expect(md.stdout).toContain("| `fresh.o` | new object |");
    const sarif = runCli(["diff", "--format", "sarif", orig, patched]);
    expect(sarif.status).toBe(1);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(1);
  });

  it("a malformed object in one pair goes into its entry; the others are diffed; exit 2", () => {
    const { orig, patched } = buildTrees();
    writeFileSync(
      join(orig, "net/audit.o"),
      readFileSync(join(repoRoot, scenario(SAFE, "orig"))).subarray(0, 3000),
    );
    const r = runCli(["diff", "--format", "json", orig, patched]);
    expect(r.status).toBe(2);
    const t = TreeReport.parse(JSON.parse(r.stdout));
    const bad = t.pairs.find((p) => p.name === "net/audit.o")!;
    expect(bad).toMatchObject({ status: "error", error: { file: join(orig, "net/audit.o") } });
    expect(t.pairs.find((p) => p.name === "core/conn.o")).toMatchObject({ verdict: "unsupported" });
    expect(r.stderr).toMatch(/net\/audit\.o: .* at offset \d+/);
  });

  it("an archive pair: members paired by name", () => {
    const { orig, patched } = buildArchives();
    const r = runCli(["diff", "--format", "json", orig, patched]);
    expect(r.status).toBe(1);
    const t = TreeReport.parse(JSON.parse(r.stdout));
    expect(t.kind).toBe("archive");
    expect(t.pairs.map((p) => [p.name, isComparedPair(p) ? p.verdict : p.status])).toEqual([
      ["audit.o", "safe"],
      ["conn.o", "unsupported"],
      ["fresh.o", "new"],
    ]);
    const conn = t.pairs[1] as Report;
    expect(conn.original.path).toBe(`${orig}(conn.o)`);
    const waived = policyFile({ waivers: [{ type: "conn", reason: "fine" }] });
    const ok = runCli(["diff", "--policy", waived, orig, patched]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^SAFE: every one of 2 object pairs .*1 waived/);
  });

  it("shows a progress bar on a terminal's stderr, and only there", () => {
    const { orig, patched } = buildTrees();
    const tty = inTerminal(["diff", orig, patched]);
    expect(tty.output).toMatch(/\[#{24}\] 2\/2 /);
    expect(tty.output).toMatch(/UNSUPPORTED/);
    const json = inTerminal(["diff", "--format", "json", orig, patched]);
    expect(json.output).not.toMatch(/\[#+-*\]/);
    const quiet = inTerminal(["diff", "--quiet", orig, patched]);
    expect(quiet.output).not.toMatch(/\[#+-*\]/);
  });
});

describe("help and schemas", () => {
  it("elfdelta --help and each command's help give an example", () => {
    for (const args of [
      ["--help"],
      ["diff", "--help"],
      ["dump", "--help"],
      ["types", "--help"],
      ["schema", "--help"],
    ]) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/Examples?:\n {2}\$ elfdelta /);
    }
    const diff = runCli(["diff", "--help"]);
    for (const o of ["--format", "--profile", "--policy", "--output", "--color", "--quiet", "--fail-on"])
      expect(diff.stdout).toContain(o);
  });

  it("elfdelta schema report|policy prints the JSON Schemas", () => {
    const report = runCli(["schema", "report"]);
    expect(report.status).toBe(0);
    const s = JSON.parse(report.stdout) as { oneOf: unknown[]; $defs: Record<string, unknown> };
    expect(s.oneOf).toHaveLength(2);
    expect(Object.keys(s.$defs)).toEqual(["report", "treeReport"]);
    // the reports of one pair and of a tree validate against it
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(s);
    const { orig, patched } = buildTrees();
    for (const args of [pair(UNSAFE), [orig, patched]]) {
      const out = JSON.parse(runCli(["diff", "--format", "json", ...args]).stdout) as unknown;
      expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ schemaVersion: 1, pairs: [] })).toBe(false);
    const policy = runCli(["schema", "policy"]);
    expect(policy.status).toBe(0);
    expect(JSON.parse(policy.stdout).title).toBe("elfdelta policy file");
    expect(readFileSync(join(repoRoot, "packages/diff/schema/policy.schema.json"), "utf8")).toBeTruthy();
    expect(runCli(["schema", "sarif"]).status).toBe(2);
  });
});

/** Runs the CLI in a pseudo-terminal (util-linux `script`): stdout and stderr are both the terminal. */
function inTerminal(args: string[], env: Record<string, string> = {}): { status: number; output: string } {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, binPath, ...args].map(quote).join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, TERM: "xterm", ...env },
  });
  if (!existsSync("/usr/bin/script") && r.error) throw r.error;
  return { status: r.status ?? -1, output: r.stdout };
}
