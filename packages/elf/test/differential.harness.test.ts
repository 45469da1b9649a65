// Checks of the differential-test harness itself (readobj.ts): its JSON parser keeps what JSON.parse would lose,
// and its independent REL addend decoder decodes hand-assembled instructions as the psABI documents say.
import { describe, expect, it } from "vitest";
import { Dup, independentImplicitAddend, JsonReader, readDoc } from "./readobj.js";

const parse = (s: string) => new JsonReader(Buffer.from(s, "utf8")).value();

describe("the llvm-readobj JSON parser", () => {
  it("keeps 64-bit integers exact and small ones as numbers", () => {
    expect(parse("18446744073709551612")).toBe(18446744073709551612n);
    expect(parse("9007199254740993")).toBe(9007199254740993n);
    expect(parse("9007199254740991")).toBe(9007199254740991);
    expect(parse("-42")).toBe(-42);
    expect(parse("[1, 2.5, true, false, null]")).toEqual([1, 2.5, true, false, null]);
  });
  it("keeps every value of a repeated key", () => {
    const v = parse('{"Group": {"Index": 1}, "Group": {"Index": 2}, "Group": {"Index": 3}}') as Record<
      string,
      unknown
    >;
    expect(v.Group).toBeInstanceOf(Dup);
    expect((v.Group as Dup).values).toEqual([{ Index: 1 }, { Index: 2 }, { Index: 3 }]);
  });
  it("decodes escapes and UTF-8", () => {
    expect(parse('"a\\"b\\\\c\\u0001\\n"')).toBe('a"b\\c\u0001\n');
    expect(parse('"caf\u00e9 \u2603"')).toBe("café ☃");
  });
  it("streams the top-level array and refuses trailing garbage", () => {
    const seen: unknown[] = [];
    expect(new JsonReader(Buffer.from(' [1, {"a": [2]}] ')).forEachItem((x) => seen.push(x))).toBe(2);
    expect(seen).toEqual([1, { a: [2] }]);
    expect(() => new JsonReader(Buffer.from("[1] 2")).forEachItem(() => {})).toThrow(/trailing/);
    expect(() => parse('{"a" 1}')).toThrow(/expected ':'/);
  });
  it("checks the shape of a document", () => {
    expect(() => readDoc({ FileSummary: {}, Sections: [] }, "x")).toThrow(/FileSummary.File/);
  });
});

describe("the independent REL implicit-addend decoder", () => {
  const le = (...b: number[]) => Uint8Array.from(b);
  it("reads i386 words", () => {
    expect(independentImplicitAddend("R_386_PC32", le(0xfc, 0xff, 0xff, 0xff), 0, true)).toBe(-4n);
    expect(independentImplicitAddend("R_386_16", le(0x10, 0x80), 0, true)).toBe(-32752n);
    expect(independentImplicitAddend("R_386_TLS_DESC_CALL", le(0xff, 0x10), 0, true)).toBe(0n);
  });
  it("decodes ARM and Thumb instruction fields", () => {
    // bl <.-8+8>: imm24 = 0xfffffe -> -8
    expect(independentImplicitAddend("R_ARM_CALL", le(0xfe, 0xff, 0xff, 0xeb), 0, true)).toBe(-8n);
    // Thumb-2 bl with offset -4: f7ff fffe
    expect(independentImplicitAddend("R_ARM_THM_CALL", le(0xff, 0xf7, 0xfe, 0xff), 0, true)).toBe(-4n);
    // movw r0, #0x1234 (A32): e3010234
    expect(independentImplicitAddend("R_ARM_MOVW_ABS_NC", le(0x34, 0x02, 0x01, 0xe3), 0, true)).toBe(0x1234n);
    // Thumb-2 movw r0, #0xfff8 (-8 as a signed 16-bit addend): f64f 70f8
    expect(independentImplicitAddend("R_ARM_THM_MOVW_PREL_NC", le(0x4f, 0xf6, 0xf8, 0x70), 0, true)).toBe(
      -8n,
    );
    // Thumb-2 b<cond>.w with offset -4: f43f affe
    expect(independentImplicitAddend("R_ARM_THM_JUMP19", le(0x3f, 0xf4, 0xfe, 0xaf), 0, true)).toBe(-4n);
    expect(independentImplicitAddend("R_ARM_PREL31", le(0xf0, 0xff, 0xff, 0x7f), 0, true)).toBe(-16n);
  });
  it("decodes big-endian MIPS fields", () => {
    expect(independentImplicitAddend("R_MIPS_LO16", le(0x24, 0x42, 0xff, 0xf0), 0, false)).toBe(-16n);
    expect(independentImplicitAddend("R_MIPS_PC16", le(0x10, 0x00, 0xff, 0xff), 0, false)).toBe(-4n);
    expect(independentImplicitAddend("R_MIPS_26", le(0x0c, 0x00, 0x00, 0x04), 0, false)).toBe(16n);
  });
  it("says so for a type it has no decoder for, or a field outside the section", () => {
    expect(independentImplicitAddend("R_ARM_ME_TOO", le(0, 0, 0, 0), 0, true)).toMatch(
      /no independent decoder/,
    );
    expect(independentImplicitAddend("R_386_32", le(0, 0), 0, true)).toMatch(/outside the section/);
  });
});
