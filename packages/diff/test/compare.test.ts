import { describe, expect, it } from "vitest";
import { diffObjects, type Report, Report as ReportSchema } from "../src/index.js";
import { armPicDistance, x86TrailingImmediate } from "../src/object.js";
import {
  buildObject,
  bytes,
  cstr,
  DATA,
  type ObjectSpec,
  R_X86_64_PC32,
  R_X86_64_PLT32,
  SHF_ALLOC,
  SHF_MERGE,
  SHF_STRINGS,
  TEXT,
} from "./build-object.js";

const diff = (o: ObjectSpec, p: ObjectSpec): Report => {
  const r = diffObjects(buildObject(o), buildObject(p));
  ReportSchema.parse(r);
  return r;
};
const fn = (r: Report, name: string) =>
  r.functions.find((f) => f.name === name || (f.status === "new" && f.name === name));
const datum = (r: Report, name: string) => r.data.find((f) => f.name === name);

/** `mov b(%rip), %eax; ret` with the PC32 displacement at offset 2. */
const LOAD = bytes(0x8b, 0x05, 0, 0, 0, 0, 0xc3);
/** `movl $5, b(%rip); ret`: an imm32 follows the displacement, so the addend is -8. */
const STORE_IMM = bytes(0xc7, 0x05, 0, 0, 0, 0, 5, 0, 0, 0, 0xc3);

function withData(
  code: Uint8Array,
  reloc: { symbol: string; addend: bigint },
  objects: [string, number][],
): ObjectSpec {
  const size = objects.reduce((n, [, s]) => n + s, 0);
  let at = 0;
  const symbols = objects.map(([name, s]) => {
    const sym = {
      name,
      section: ".data",
      value: at,
      size: s,
      type: "OBJECT" as const,
      bind: "LOCAL" as const,
    };
    at += s;
    return sym;
  });
  return {
    sections: [
      { name: ".text.f", flags: TEXT, data: code, relocs: [{ offset: 2, type: R_X86_64_PC32, ...reloc }] },
      { name: ".data", flags: DATA, data: new Uint8Array(size) },
    ],
    symbols: [{ name: "f", section: ".text.f", type: "FUNC", size: code.length }, ...symbols],
  };
}

describe("functions", () => {
  it("are unchanged when bytes and relocations correspond", () => {
    const o = withData(LOAD, { symbol: "b", addend: -4n }, [
      ["a", 4],
      ["b", 4],
    ]);
    const r = diff(o, o);
    expect(fn(r, "f")).toMatchObject({ status: "unchanged", pairing: "name", reasons: [] });
    expect(r.verdict).toBe("safe");
    expect(r.findings.map((f) => f.rule)).toContain("no-change");
  });

  it("resolve a section symbol plus offset to the object there before comparing", () => {
    const o = withData(LOAD, { symbol: "@.data", addend: 4n - 4n }, [
      ["a", 4],
      ["b", 4],
    ]);
    const p = withData(LOAD, { symbol: "@.data", addend: 8n - 4n }, [
      ["x", 4],
      ["a", 4],
      ["b", 4],
    ]);
    const r = diff(o, p);
    expect(fn(r, "f")?.status).toBe("unchanged");
    expect(datum(r, "x")?.status).toBe("new");
    const q = withData(LOAD, { symbol: "@.data", addend: 4n - 4n }, [
      ["x", 4],
      ["a", 4],
      ["b", 4],
    ]);
    const r2 = diff(o, q);
    expect(fn(r2, "f")?.status).toBe("changed");
    expect(fn(r2, "f")?.reasons.join("\n")).toContain("now refers to a instead of b");
  });

  it("take the immediate after an x86-64 displacement out of the PC bias", () => {
    expect(x86TrailingImmediate(STORE_IMM, 2)).toBe(4);
    expect(x86TrailingImmediate(LOAD, 2)).toBe(0);
    expect(x86TrailingImmediate(bytes(0x83, 0x05, 0, 0, 0, 0, 1), 2)).toBe(1);
    expect(x86TrailingImmediate(bytes(0xe8, 0, 0, 0, 0), 1)).toBe(0);
    // movl $5, b: the addend is b - 8. Read naively (b - 4), the original would point into a and the patched
    // one into c.
    const o = withData(STORE_IMM, { symbol: "@.data", addend: 4n - 8n }, [
      ["a", 4],
      ["b", 4],
    ]);
    const p = withData(STORE_IMM, { symbol: "@.data", addend: 8n - 8n }, [
      ["a", 4],
      ["c", 4],
      ["b", 4],
    ]);
    expect(fn(diff(o, p), "f")?.status).toBe("unchanged");
  });

  it("compare references into mergeable string sections by the string", () => {
    const obj = (strings: Uint8Array, at: number): ObjectSpec => ({
      sections: [
        {
          name: ".text.f",
          flags: TEXT,
          data: bytes(0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xc3),
          relocs: [{ offset: 3, type: R_X86_64_PC32, symbol: "@.rodata.str1.1", addend: BigInt(at - 4) }],
        },
        { name: ".rodata.str1.1", flags: SHF_ALLOC | SHF_MERGE | SHF_STRINGS, entsize: 1, data: strings },
      ],
      symbols: [{ name: "f", section: ".text.f", type: "FUNC", size: 8 }],
    });
    const o = obj(cstr("hello", "world"), 6);
    expect(fn(diff(o, obj(cstr("new", "hello", "world"), 10)), "f")?.status).toBe("unchanged");
    const changed = fn(diff(o, obj(cstr("hello", "world!"), 6)), "f");
    expect(changed?.status).toBe("changed");
    expect(changed?.reasons).toContain('string literal changed: "world" → "world!"');
    expect(changed?.details).toContainEqual({ kind: "string", original: "world", patched: "world!" });
  });

  it("work without -ffunction-sections: ranges of .text, relocations by offset", () => {
    // g calls f through the section symbol (a local function): call .text + f - 4.
    const f = bytes(0x31, 0xc0, 0xc3, 0x90);
    const g = bytes(0xe8, 0, 0, 0, 0, 0xc3, 0x90, 0x90);
    const h = bytes(0xb8, 1, 0, 0, 0, 0xc3, 0x90, 0x90);
    const o: ObjectSpec = {
      sections: [
        {
          name: ".text",
          flags: TEXT,
          data: new Uint8Array([...f, ...g]),
          relocs: [{ offset: 4 + 1, type: R_X86_64_PLT32, symbol: "@.text", addend: -4n }],
        },
      ],
      symbols: [
        { name: "f", section: ".text", value: 0, size: 4, type: "FUNC", bind: "LOCAL" },
        { name: "g", section: ".text", value: 4, size: 8, type: "FUNC" },
      ],
    };
    const p: ObjectSpec = {
      sections: [
        {
          name: ".text",
          flags: TEXT,
          data: new Uint8Array([...h, ...f, ...g]),
          relocs: [{ offset: 12 + 1, type: R_X86_64_PLT32, symbol: "@.text", addend: 8n - 4n }],
        },
      ],
      symbols: [
        { name: "h", section: ".text", value: 0, size: 8, type: "FUNC" },
        { name: "f", section: ".text", value: 8, size: 4, type: "FUNC", bind: "LOCAL" },
        { name: "g", section: ".text", value: 12, size: 8, type: "FUNC" },
      ],
    };
    const r = diff(o, p);
    expect(fn(r, "f")?.status).toBe("unchanged");
    expect(fn(r, "g")?.status).toBe("unchanged");
    expect(fn(r, "h")?.status).toBe("new");
  });

  it("tie .cold pieces to their parent", () => {
    const obj = (cold: number): ObjectSpec => ({
      sections: [
        { name: ".text.parse", flags: TEXT, data: bytes(0x31, 0xc0, 0xc3) },
        { name: ".text.unlikely.parse", flags: TEXT, data: bytes(0xb8, cold, 0, 0, 0, 0xc3) },
      ],
      symbols: [
        { name: "parse", section: ".text.parse", type: "FUNC", size: 3 },
        { name: "parse.cold", section: ".text.unlikely.parse", type: "FUNC", size: 6, bind: "LOCAL" },
      ],
    });
    const r = diff(obj(1), obj(2));
    expect(fn(r, "parse.cold")).toMatchObject({ status: "changed", parent: "parse" });
    expect(fn(r, "parse")?.status).toBe("changed");
    expect(fn(r, "parse")?.reasons).toContain("its part parse.cold changed");
  });
});

describe("correlation", () => {
  it("pairs same-named static locals by the functions that use them, whatever their numbers", () => {
    const obj = (names: { fa: string; fb: string }, order: ("fa" | "fb")[]): ObjectSpec => ({
      sections: [
        {
          name: ".text.fa",
          flags: TEXT,
          data: LOAD,
          relocs: [{ offset: 2, type: R_X86_64_PC32, symbol: names.fa, addend: -4n }],
        },
        {
          name: ".text.fb",
          flags: TEXT,
          data: LOAD,
          relocs: [{ offset: 2, type: R_X86_64_PC32, symbol: names.fb, addend: -4n }],
        },
        { name: ".bss", flags: DATA, size: 8 },
      ],
      symbols: [
        { name: "fa", section: ".text.fa", type: "FUNC", size: LOAD.length },
        { name: "fb", section: ".text.fb", type: "FUNC", size: LOAD.length },
        ...order.map((who, i) => ({
          name: names[who],
          section: ".bss",
          value: i * 4,
          size: 4,
          type: "OBJECT" as const,
          bind: "LOCAL" as const,
        })),
      ],
    });
    const r = diff(obj({ fa: "n.1", fb: "n.2" }, ["fa", "fb"]), obj({ fa: "n.5", fb: "n.2" }, ["fb", "fa"]));
    const a = datum(r, "n.1");
    expect(a).toMatchObject({ status: "unchanged", patchedName: "n.5", pairing: "static-local-users" });
    expect(a?.staticLocal).toEqual({ function: "fa", variable: "n" });
    expect(datum(r, "n.2")?.staticLocal).toEqual({ function: "fb", variable: "n" });
    expect(fn(r, "fa")?.status).toBe("unchanged");
    expect(fn(r, "fb")?.status).toBe("unchanged");
  });

  it("never pairs different clone kinds nor compiler-made statics, yet compares references to the latter by content", () => {
    const obj = (clone: string, funcName: string, funcText: string): ObjectSpec => ({
      sections: [
        { name: `.text.${clone}`, flags: TEXT, data: bytes(0x31, 0xc0, 0xc3) },
        {
          name: ".text.fa",
          flags: TEXT,
          data: bytes(0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xc3),
          relocs: [{ offset: 3, type: R_X86_64_PC32, symbol: funcName, addend: -4n }],
        },
        { name: `.rodata.${funcName}`, flags: SHF_ALLOC, data: cstr(funcText) },
      ],
      symbols: [
        { name: clone, section: `.text.${clone}`, type: "FUNC", size: 3, bind: "LOCAL" },
        { name: "fa", section: ".text.fa", type: "FUNC", size: 8 },
        {
          name: funcName,
          section: `.rodata.${funcName}`,
          type: "OBJECT",
          size: funcText.length + 1,
          bind: "LOCAL",
        },
      ],
    });
    const r = diff(obj("foo.isra.0", "__func__.0", "fa"), obj("foo.constprop.0", "__func__.3", "fa"));
    expect(fn(r, "foo.isra.0")?.status).toBe("removed");
    expect(fn(r, "foo.constprop.0")?.status).toBe("new");
    expect(datum(r, "__func__.0")).toMatchObject({ status: "removed", compilerGenerated: true });
    expect(datum(r, "__func__.3")).toMatchObject({ status: "new", compilerGenerated: true });
    expect(fn(r, "fa")?.status).toBe("unchanged");
    // Different contents: the function that uses it changed.
    const r2 = diff(obj("foo.isra.0", "__func__.0", "fa"), obj("foo.isra.0", "__func__.0", "fb"));
    expect(
      r2.data
        .filter((d) => d.name === "__func__.0")
        .map((d) => d.status)
        .sort(),
    ).toEqual(["new", "removed"]);
    expect(fn(r2, "fa")?.status).toBe("changed");
  });
});

describe("architecture details", () => {
  it("find the distance an ARM PIC literal's addend includes", () => {
    // ldr r3, [pc, #8]; add r3, pc; ldr r0, [r3]; bx lr; ... literal at 12 = sym - (.LPIC0 + 4), .LPIC0 = 2.
    const code = bytes(0x02, 0x4b, 0x7b, 0x44, 0x18, 0x68, 0x70, 0x47, 0, 0, 0, 0, 6, 0, 0, 0);
    expect(armPicDistance(code, 12, true)).toBe(6);
    expect(armPicDistance(code, 8, true)).toBe(0);
  });

  it("combine MIPS HI16/LO16 pairs before resolving a section symbol", () => {
    // lui v0, %hi(.bss + X); lw v0, %lo(.bss + X)(v0); the implicit addends are in the instructions.
    const code = (hi: number, lo: number) => {
      const b = new Uint8Array(12);
      const v = new DataView(b.buffer);
      v.setUint32(0, 0x3c020000 | hi);
      v.setUint32(4, 0x8c420000 | lo);
      v.setUint32(8, 0x03e00008);
      return b;
    };
    const obj = (hi: number, lo: number): ObjectSpec => ({
      machine: 8,
      is64: false,
      littleEndian: false,
      sections: [
        {
          name: ".text",
          flags: TEXT,
          data: code(hi, lo),
          relocs: [
            { offset: 0, type: 5, symbol: "@.bss" },
            { offset: 4, type: 6, symbol: "@.bss" },
          ],
        },
        { name: ".bss", flags: DATA, size: 0x1000c },
      ],
      symbols: [
        { name: "f", section: ".text", type: "FUNC", size: 12 },
        { name: "big", section: ".bss", value: 0, size: 0x10004, type: "OBJECT" },
        { name: "x", section: ".bss", value: 0x10004, size: 4, type: "OBJECT" },
        { name: "y", section: ".bss", value: 0x10008, size: 4, type: "OBJECT" },
      ],
    });
    expect(fn(diff(obj(1, 4), obj(1, 4)), "f")?.status).toBe("unchanged");
    const r = diff(obj(1, 4), obj(1, 8));
    expect(fn(r, "f")?.status).toBe("changed");
    expect(fn(r, "f")?.reasons.join("\n")).toContain("now refers to y instead of x");
  });
});
