/**
 * The compact published subprograms and variables read back every field as it was given: the flags and the
 * section share one number (section indices past 32 bits included), and the symbol shares the name's field.
 */
import { describe, expect, it } from "vitest";
import { SubprogramRecord, VariableRecord } from "../src/dwarf/records.js";

const fields = {
  id: 4294967296,
  name: "f",
  linkageName: undefined,
  external: true,
  declaration: false,
  inline: false,
  returns: "12",
  params: [],
  variadic: true,
  locals: [],
  section: 2 ** 32 + 7,
  lowPc: 0n,
  highPc: 4n,
  inlined: [],
  file: "a.c",
  line: 3,
} as const;

describe("SubprogramRecord", () => {
  it("keeps flags, a large section and the symbol through every setter", () => {
    const sp = new SubprogramRecord(fields);
    expect([sp.id, sp.external, sp.declaration, sp.inline, sp.variadic, sp.section]).toEqual([
      "4294967296",
      true,
      false,
      false,
      true,
      2 ** 32 + 7,
    ]);
    expect(sp.symbol).toBeUndefined();
    sp.setSymbol("f");
    expect([sp.name, sp.linkageName, sp.symbol, sp.section, sp.variadic]).toEqual([
      "f",
      undefined,
      "f",
      2 ** 32 + 7,
      true,
    ]);
    sp.setSymbol("f.cold");
    expect([sp.name, sp.symbol]).toEqual(["f", "f.cold"]);
    sp.setSection(undefined);
    expect([sp.section, sp.symbol, sp.external, sp.variadic]).toEqual([undefined, "f.cold", true, true]);
    sp.setSection(0);
    sp.setSymbol(undefined);
    expect([sp.section, sp.symbol]).toEqual([0, undefined]);
  });
});

describe("VariableRecord", () => {
  it("keeps a linkage name apart from the symbol", () => {
    const v = new VariableRecord({
      id: "1:40",
      name: "x",
      linkageName: "_ZN1a1xE",
      type: undefined,
      external: false,
      declaration: true,
      scope: "9",
      section: undefined,
      address: undefined,
      file: undefined,
      line: undefined,
    });
    v.setSymbol("_ZN1a1xE");
    expect([v.id, v.name, v.linkageName, v.symbol, v.external, v.declaration, v.section]).toEqual([
      "1:40",
      "x",
      "_ZN1a1xE",
      "_ZN1a1xE",
      false,
      true,
      undefined,
    ]);
  });
});
