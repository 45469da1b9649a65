import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffObjects, Report, reportJsonSchema } from "../src/index.js";
import { buildObject, bytes, TEXT } from "./build-object.js";

const SCHEMA = new URL("../schema/report.schema.json", import.meta.url);

describe("the report contract", () => {
  it("has its JSON Schema committed and up to date (regenerate: pnpm --filter @elfdelta/diff schema)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA, "utf8")) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });

  it("keeps the contract's fields", () => {
    const o = buildObject({
      sections: [{ name: ".text.f", flags: TEXT, data: bytes(0xc3) }],
      symbols: [{ name: "f", section: ".text.f", type: "FUNC", size: 1 }],
    });
    const r = Report.parse(JSON.parse(JSON.stringify(diffObjects(o, o))));
    expect(r.schemaVersion).toBe(1);
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining([
        "schemaVersion",
        "original",
        "patched",
        "functions",
        "data",
        "types",
        "findings",
        "verdict",
      ]),
    );
    expect(r.original).toEqual({ path: "<original>", machine: "x86_64", class: 64, endian: "little" });
    expect(r.functions[0]).toMatchObject({ name: "f", status: "unchanged", section: ".text.f", reasons: [] });
    const schema = reportJsonSchema() as { required?: string[] };
    expect(schema.required).toEqual(
      expect.arrayContaining([
        "schemaVersion",
        "original",
        "patched",
        "functions",
        "data",
        "types",
        "findings",
        "verdict",
      ]),
    );
  });
});
