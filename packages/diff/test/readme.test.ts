import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { blockers } from "../examples/check-build.js";
import { planPatch } from "../examples/check-object.js";
import { diffObjects, parsePolicy } from "../src/index.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const scenario = (name: string, side: "orig" | "patched") =>
  here(`../../../test-objects/out/x86_64-gcc/scenarios/${name}/${side}.fs.o`);

describe("the README examples", () => {
  const readme = readFileSync(here("../README.md"), "utf8");

  for (const file of ["check-object.ts", "check-build.ts", "elfdelta.policy.json"]) {
    it(`quotes examples/${file} word for word`, () => {
      expect(readme).toContain(readFileSync(here(`../examples/${file}`), "utf8").trim());
    });
  }

  it("planPatch lists the functions to replace, or why there can be no patch", () => {
    expect(planPatch(scenario("new-function", "orig"), scenario("new-function", "patched"))).toEqual({
      replace: ["store", "audit"],
      refused: [],
    });
    const refused = planPatch(
      scenario("struct-member-inserted-middle", "orig"),
      scenario("struct-member-inserted-middle", "patched"),
    );
    expect(refused.replace).toEqual([]);
    expect(refused.refused[0]).toMatch(/^struct-layout-changed: struct conn/);
    const dir = mkdtempSync(join(tmpdir(), "elfdelta-readme-"));
    const policy = join(dir, "elfdelta.policy.json");
    writeFileSync(
      policy,
      JSON.stringify({ waivers: [{ type: "conn", reason: "no conn survives the patch" }] }),
    );
    const waived = planPatch(
      scenario("struct-member-inserted-middle", "orig"),
      scenario("struct-member-inserted-middle", "patched"),
      policy,
    );
    expect(waived.replace.sort()).toEqual(["conn_bytes", "conn_state"]);
    expect(planPatch(here("../README.md"), scenario("new-function", "patched")).refused[0]).toMatch(
      /README\.md: not an ELF file/,
    );
    writeFileSync(policy, JSON.stringify({ waivers: [{ type: "conn" }] }));
    expect(
      planPatch(scenario("new-function", "orig"), scenario("new-function", "patched"), policy).refused[0],
    ).toMatch(/elfdelta\.policy\.json: 'waivers\[0\]\.reason': missing/);
  });

  it("the example policy is valid and waives the struct change until it expires", () => {
    const file = here("../examples/elfdelta.policy.json");
    const policy = parsePolicy(JSON.parse(readFileSync(file, "utf8")), file);
    const [o, p] = [
      scenario("struct-member-inserted-middle", "orig"),
      scenario("struct-member-inserted-middle", "patched"),
    ];
    const before = diffObjects(o, p, { policy, now: new Date("2027-06-30T12:00:00Z") });
    expect(before.verdict).toBe("safe");
    expect(before.findings[0]?.waived?.reason).toMatch(/no struct conn outlives the patch/);
    const after = diffObjects(o, p, { policy, now: new Date("2027-07-01T00:00:00Z") });
    expect(after.verdict).toBe("unsupported");
    expect(after.findings.map((f) => f.rule)).toContain("waiver-expired");
  });

  it("blockers lists the objects of a build that block the patch", async () => {
    const root = mkdtempSync(join(tmpdir(), "elfdelta-readme-"));
    for (const [side, dir] of [
      ["orig", "a"],
      ["patched", "b"],
    ] as const) {
      mkdirSync(join(root, dir, "core"), { recursive: true });
      copyFileSync(scenario("struct-member-inserted-middle", side), join(root, dir, "core/conn.o"));
      copyFileSync(scenario("new-function", side), join(root, dir, "audit.o"));
    }
    expect(await blockers(join(root, "a"), join(root, "b"))).toEqual(["core/conn.o: struct-layout-changed"]);
  });
});
