import { describe, expect, it } from "vitest";
import { isHiddenName, parentKey, parseName } from "../src/correlate/names.js";
import { normalizeSectionName } from "../src/object.js";

describe("parseName", () => {
  it("drops clone numbers but keeps clone kinds, in order", () => {
    expect(parseName("foo.isra.0").key).toBe("foo.isra");
    expect(parseName("foo.constprop.3").key).toBe("foo.constprop");
    expect(parseName("foo.constprop.0.isra.1").clones).toEqual(["constprop", "isra"]);
    expect(parseName("foo.part.0").key).toBe("foo.part");
    expect(parseName("foo.cold").key).toBe("foo.cold");
    expect(parseName("foo.isra.0").key).not.toBe(parseName("foo.constprop.0").key);
  });
  it("drops LTO and clang decorations", () => {
    expect(parseName("foo.lto_priv.0").key).toBe("foo");
    expect(parseName("foo.llvm.13248271239871234").key).toBe("foo");
    expect(parseName("foo.llvm.13248271239871234").privatised).toBe(true);
    expect(parseName("foo.__uniq.1234").key).toBe("foo");
  });
  it("reads GCC and clang static locals", () => {
    const gcc = parseName("hits.3");
    expect(gcc).toMatchObject({ base: "hits", numbered: true, inner: [], key: "hits" });
    const clang = parseName("count_a.hits");
    expect(clang).toMatchObject({ base: "count_a", inner: ["hits"], key: "count_a.hits" });
  });
  it("marks compiler-made statics", () => {
    for (const n of [
      "__func__.3",
      "__key.12",
      "__warned.1",
      "_rs.7",
      "CSWTCH.42",
      "__already_done.2",
      "__func__.count_a",
      "switch.table.f",
    ]) {
      expect(parseName(n).compilerMade, n).toBe(true);
    }
    expect(parseName("counter").compilerMade).toBe(false);
    expect(parseName("hits.0").compilerMade).toBe(false);
  });
  it("hides labels and mapping symbols", () => {
    for (const n of [
      "",
      ".LC0",
      ".L.str",
      ".Lpcrel_hi0",
      ".L0 ",
      "$x",
      "$d",
      "$t.1",
      "$xrv64i2p1_m2p0",
      "$LC0",
    ]) {
      expect(isHiddenName(n), n).toBe(true);
    }
    for (const n of ["main", "x", "$dollar_ident", "_start"]) expect(isHiddenName(n), n).toBe(false);
  });
  it("finds the parent of .cold and .part pieces", () => {
    expect(parentKey(parseName("parse.cold"))).toBe("parse");
    expect(parentKey(parseName("parse.part.0"))).toBe("parse");
    expect(parentKey(parseName("parse.isra.0.cold"))).toBe("parse.isra");
    expect(parentKey(parseName("parse.isra.0"))).toBeUndefined();
  });
});

describe("normalizeSectionName", () => {
  it("drops numbers from the symbol part of section names", () => {
    expect(normalizeSectionName(".text.foo.isra.0")).toBe(".text.foo.isra");
    expect(normalizeSectionName(".bss.hits.3")).toBe(".bss.hits");
    expect(normalizeSectionName(".text.unlikely.parse.cold")).toBe(".text.unlikely.parse.cold");
    expect(normalizeSectionName(".rodata.str1.1")).toBe(".rodata.str1.1");
    expect(normalizeSectionName(".rodata.cst8")).toBe(".rodata.cst8");
    expect(normalizeSectionName(".text")).toBe(".text");
  });
});
