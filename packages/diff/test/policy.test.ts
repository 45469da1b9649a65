import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyPolicy,
  diffObjects,
  loadPolicy,
  type Policy,
  PolicyError,
  parsePolicy,
  policyJsonSchema,
  type Report,
} from "../src/index.js";

const SCHEMA = new URL("../schema/policy.schema.json", import.meta.url);
const scenario = (name: string, side: "orig" | "patched") =>
  new URL(`../../../test-objects/out/x86_64-gcc/scenarios/${name}/${side}.fs.o`, import.meta.url).pathname;
const pair = (name: string) => [scenario(name, "orig"), scenario(name, "patched")] as const;

function rejects(json: unknown): PolicyError {
  try {
    parsePolicy(json, "team.policy.json");
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return e as PolicyError;
  }
  throw new Error("the policy was accepted");
}

describe("policy files", () => {
  it("have their JSON Schema committed and up to date (regenerate: pnpm --filter @elfdelta/diff schema)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA, "utf8")) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(policyJsonSchema())));
  });

  it("accept every documented key", () => {
    const p = parsePolicy({
      $schema: "./node_modules/@elfdelta/diff/schema/policy.schema.json",
      rules: { "enum-extended": { severity: "error" }, "no-debug-info": { severity: "info" } },
      waivers: [
        { type: "conn", reason: "conn objects are all created after the patch", expires: "2999-12-31" },
        { rule: "data-changed", symbol: "max_conns", reason: "reset by the patch callback" },
        { section: ".init_array", reason: "constructors are re-run by the loader" },
      ],
      ignore: { functions: ["debug_dump"], sections: [".comment"] },
    });
    expect(p.waivers).toHaveLength(3);
  });

  it("reject an unknown key, a wrong type and an unknown rule id, naming the key and the file", () => {
    const unknown = rejects({ waivers: [{ type: "conn", reason: "x", expire: "2030-01-01" }] });
    expect(unknown.key).toBe("waivers[0].expire");
    expect(unknown.describe()).toBe("team.policy.json: unknown key 'waivers[0].expire'");
    const wrongType = rejects({ ignore: { functions: "debug_dump" } });
    expect(wrongType.key).toBe("ignore.functions");
    expect(wrongType.message).toMatch(/expected an array, got a string/);
    const rule = rejects({ rules: { "struct-layout-change": { severity: "warning" } } });
    expect(rule.key).toBe("rules.struct-layout-change");
    expect(rule.message).toMatch(/unknown rule id 'struct-layout-change'/);
    const waiverRule = rejects({ waivers: [{ rule: "nope", type: "conn", reason: "x" }] });
    expect(waiverRule.message).toMatch(/'waivers\[0\]\.rule': unknown rule id 'nope'/);
    expect(rejects({ waivers: [{ type: "conn" }] }).message).toMatch(/'waivers\[0\]\.reason': missing/);
    expect(rejects({ waivers: [{ reason: "why" }] }).message).toMatch(/names a type, a symbol or a section/);
    expect(rejects({ waivers: [{ type: "t", reason: "r", expires: "next year" }] }).key).toBe(
      "waivers[0].expires",
    );
    expect(rejects({ rules: { "data-changed": { severity: "fatal" } } }).key).toBe(
      "rules.data-changed.severity",
    );
  });

  it("reports unreadable files and bad JSON as PolicyError with the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-policy-"));
    expect(() => loadPolicy(join(dir, "missing.json"))).toThrow(/missing\.json|no such file/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ rules: }");
    try {
      loadPolicy(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).file).toBe(bad);
      expect((e as PolicyError).message).toMatch(/not valid JSON/);
    }
  });
});

describe("applying a policy", () => {
  const unsafe = () => diffObjects(...pair("struct-member-inserted-middle"));

  it("waives a struct change: the finding stays, marked, and the verdict becomes safe", () => {
    const before = unsafe();
    expect(before.verdict).toBe("unsupported");
    const policy: Policy = { waivers: [{ type: "conn", reason: "no conn outlives the patch" }] };
    const r = diffObjects(...pair("struct-member-inserted-middle"), { policy });
    expect(r.verdict).toBe("safe");
    const f = r.findings.find((x) => x.rule === "struct-layout-changed")!;
    expect(f.severity).toBe("error");
    expect(f.waived).toEqual({ reason: "no conn outlives the patch" });
    expect(r.summary).toMatchObject({ errors: 0, waived: 1 });
    // the input report is not changed
    expect(before.findings.find((x) => x.rule === "struct-layout-changed")?.waived).toBeUndefined();
  });

  it("an expired waiver waives nothing and is itself an error finding", () => {
    const policy: Policy = {
      waivers: [{ type: "conn", reason: "until the next release", expires: "2020-01-31" }],
    };
    const r = applyPolicy(unsafe(), policy, { now: new Date("2021-06-01T12:00:00Z") });
    expect(r.verdict).toBe("unsupported");
    expect(r.findings.find((x) => x.rule === "struct-layout-changed")?.waived).toBeUndefined();
    const expired = r.findings.find((x) => x.rule === "waiver-expired")!;
    expect(expired).toMatchObject({ severity: "error", type: "conn" });
    expect(expired.message).toMatch(/expired on 2020-01-31.*until the next release/);
    // on its last day it still applies
    const lastDay = applyPolicy(unsafe(), policy, { now: new Date("2020-01-31T23:00:00Z") });
    expect(lastDay.verdict).toBe("safe");
  });

  it("changes severities per rule", () => {
    const r = applyPolicy(unsafe(), { rules: { "struct-layout-changed": { severity: "warning" } } });
    expect(r.verdict).toBe("safe");
    expect(r.findings.find((x) => x.rule === "struct-layout-changed")?.severity).toBe("warning");
    expect(r.summary?.warnings).toBeGreaterThan(0);
  });

  it("ignores named functions and sections: entries marked, findings dropped", () => {
    const base = diffObjects(...pair("global-data-value-changed"));
    expect(base.verdict).toBe("unsupported");
    const r = applyPolicy(base, { ignore: { functions: ["max_conns"] } });
    expect(r.data.find((d) => d.name === "max_conns")?.ignored).toBe(true);
    expect(r.findings.some((f) => f.symbol === "max_conns")).toBe(false);
    expect(r.verdict).toBe("safe");
    const section = base.data.find((d) => d.name === "max_conns")!.section;
    const bySection = applyPolicy(base, { ignore: { sections: [section] } });
    expect(bySection.findings.some((f) => f.symbol === "max_conns")).toBe(false);
  });

  it("loads a policy given as a path", () => {
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-policy-"));
    const file = join(dir, "elfdelta.policy.json");
    writeFileSync(file, JSON.stringify({ waivers: [{ type: "conn", reason: "ok" }] }));
    const r: Report = diffObjects(...pair("struct-member-inserted-middle"), { policy: file });
    expect(r.verdict).toBe("safe");
    expect(() => diffObjects(...pair("new-function"), { policy: join(dir, "nope.json") })).toThrow(
      PolicyError,
    );
  });
});

describe("finding locations", () => {
  it("point at the DWARF declaration of the type or function", () => {
    const r = diffObjects(...pair("struct-member-inserted-middle"));
    const f = r.findings.find((x) => x.rule === "struct-layout-changed")!;
    expect(f.location).toEqual({ file: "struct-member-inserted-middle.c", line: 8 });
  });
});
