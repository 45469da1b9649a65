import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { buildObject, bytes, TEXT } from "../../diff/test/build-object.js";
import { buildTrees, pair, policyFile, SAFE, tempDir, truncatedObject, UNSAFE, WARNS } from "./fixtures.js";
import { repoRoot, runCli } from "./run-cli.js";

/**
 * The SARIF output against the OASIS SARIF 2.1.0 JSON Schema (`fixtures/sarif-2.1.0-rtm.5.json`, the OASIS
 * standard's schema file as published; a draft-04 schema, hence ajv-draft-04), plus what GitHub code scanning needs on top
 * of the schema: rules with ids and help, results with a rule id, a message and a located artifact.
 */

const schemaPath = new URL("./fixtures/sarif-2.1.0-rtm.5.json", import.meta.url);
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
// Both are CommonJS modules: their class and function are `default` of the module object.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
// unicodeRegExp: false: the schema's `language` pattern has a stray `]` that only non-unicode RegExps accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: { id: string; shortDescription: { text: string }; help: { text: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string };
          region?: { startLine: number };
        };
      }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

function sarifOf(args: string[]): { status: number; log: SarifLog } {
  const r = runCli(["diff", "--format", "sarif", ...args]);
  return { status: r.status, log: JSON.parse(r.stdout) as SarifLog };
}

function expectValid(log: SarifLog): void {
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
  // What GitHub code scanning requires beyond the schema.
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0]!;
  expect(run.tool.driver.name).toBe("elfdelta");
  const ids = run.tool.driver.rules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of run.tool.driver.rules) {
    expect(rule.shortDescription.text.length).toBeGreaterThan(0);
    expect(rule.help.text.length).toBeGreaterThan(20);
  }
  for (const result of run.results) {
    expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    expect(["error", "warning", "note"]).toContain(result.level);
    expect(result.message.text.length).toBeGreaterThan(0);
    expect(result.locations.length).toBeGreaterThanOrEqual(1);
    const loc = result.locations[0]!.physicalLocation;
    const uri = loc.artifactLocation.uri;
    if (loc.artifactLocation.uriBaseId !== undefined) {
      expect(loc.artifactLocation.uriBaseId).toBe("%SRCROOT%");
      expect(uri).not.toMatch(/^(\/|\.\/|\.\.\/|[a-z]+:)/);
    } else {
      expect(uri).toMatch(/^file:\/\//);
    }
    if (loc.region) expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
    expect(Object.keys(result.partialFingerprints).length).toBeGreaterThan(0);
  }
}

describe("SARIF 2.1.0", () => {
  it("the schema is the SARIF 2.1.0 one", () => {
    expect(String(schema.title)).toMatch(/SARIF\) Version 2\.1\.0/);
    // and the validator refuses what is not SARIF: a driver without a name, a result without a message
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{}] }] })).toBe(
      false,
    );
  });

  it("validates for a safe pair, an unsafe pair and a pair with warnings", () => {
    const safe = sarifOf(pair(SAFE));
    expect(safe.status).toBe(0);
    expectValid(safe.log);
    const unsafe = sarifOf(pair(UNSAFE));
    expect(unsafe.status).toBe(1);
    expectValid(unsafe.log);
    expect(unsafe.log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 8 });
    const warns = sarifOf(pair(WARNS));
    expectValid(warns.log);
    expect(warns.log.runs[0]!.results.map((r) => r.level)).toEqual(["warning"]);
  });

  it("validates with waived findings (suppressions) and expired waivers", () => {
    const waived = policyFile({
      waivers: [
        { type: "conn", reason: "fine" },
        { symbol: "nothing", reason: "old", expires: "2001-01-01" },
      ],
    });
    const r = sarifOf(["--policy", waived, ...pair(UNSAFE)]);
    expect(r.status).toBe(1);
    expectValid(r.log);
    expect(r.log.runs[0]!.results.map((x) => x.ruleId).sort()).toEqual([
      "struct-layout-changed",
      "waiver-expired",
    ]);
  });

  it("validates for a directory pair with new, removed and broken objects", () => {
    const { orig, patched } = buildTrees();
    copyFileSync(truncatedObject(), join(orig, "broken.o"));
    copyFileSync(join(repoRoot, pair(SAFE)[1]!), join(patched, "broken.o"));
    const r = sarifOf([orig, patched]);
    expect(r.status).toBe(2);
    expectValid(r.log);
    const run = r.log.runs[0] as unknown as {
      invocations: { toolExecutionNotifications: { level: string }[] }[];
    };
    expect(run.invocations[0]!.toolExecutionNotifications.map((n) => n.level).sort()).toEqual([
      "error",
      "note",
      "note",
    ]);
  });

  it("locates a finding DWARF cannot place at the object, relative to the working directory", () => {
    const dir = tempDir("sarif");
    const f = (code: number) =>
      buildObject({
        sections: [{ name: ".text.f", flags: TEXT, data: bytes(code, 0xc3) }],
        symbols: [{ name: "f", section: ".text.f", type: "FUNC", size: 2 }],
      });
    writeFileSync(join(dir, "a.o"), f(0x90));
    writeFileSync(join(dir, "b.o"), f(0xcc));
    const r = runCli(["diff", "--format", "sarif", "a.o", "b.o"], {}, dir);
    const log = JSON.parse(r.stdout) as SarifLog;
    expectValid(log);
    const noDwarf = log.runs[0]!.results.find((x) => x.ruleId === "no-debug-info")!;
    expect(noDwarf.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "b.o", uriBaseId: "%SRCROOT%" },
    });
  });
});
