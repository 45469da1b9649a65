import { describe, expect, it } from "vitest";
import { DiffUsageError, diffObjects, type Report, RULES } from "../src/index.js";
import {
  buildObject,
  bytes,
  DATA,
  type ObjectSpec,
  R_X86_64_64,
  R_X86_64_PC32,
  SHF_ALLOC,
  TEXT,
} from "./build-object.js";

const diff = (o: ObjectSpec, p: ObjectSpec): Report => diffObjects(buildObject(o), buildObject(p));
const errors = (r: Report) =>
  [...new Set(r.findings.filter((f) => f.severity === "error").map((f) => f.rule))].sort();

/** One global int `x` in `section` (NOBITS when `value` is undefined), and a function reading it. */
function global(
  section: string,
  value: number | undefined,
  opts: { size?: number; bind?: "GLOBAL" | "LOCAL"; type?: "OBJECT" | "FUNC" } = {},
): ObjectSpec {
  const size = opts.size ?? 4;
  const data = value === undefined ? undefined : new Uint8Array(size).fill(0);
  if (data && value !== undefined) new DataView(data.buffer).setInt32(0, value, true);
  return {
    sections: [
      {
        name: ".text.get",
        flags: TEXT,
        data: bytes(0x8b, 0x05, 0, 0, 0, 0, 0xc3),
        relocs: [{ offset: 2, type: R_X86_64_PC32, symbol: "x", addend: -4n }],
      },
      value === undefined
        ? { name: section, flags: DATA, size }
        : { name: section, flags: section.startsWith(".rodata") ? SHF_ALLOC : DATA, data: data! },
    ],
    symbols: [
      { name: "get", section: ".text.get", type: "FUNC", size: 7 },
      { name: "x", section, type: opts.type ?? "OBJECT", size, bind: opts.bind ?? "GLOBAL" },
    ],
  };
}

describe("the general profile", () => {
  it("accepts a change of code only", () => {
    const r = diff(global(".data.x", 1), global(".data.x", 1));
    expect(r.verdict).toBe("safe");
    expect(errors(r)).toEqual([]);
  });

  it("refuses changed initial values, sizes and sections of existing data", () => {
    const changed = diff(global(".data.x", 1), global(".data.x", 2));
    expect(changed.data.find((d) => d.name === "x")?.status).toBe("changed");
    expect(errors(changed)).toEqual(["data-changed"]);
    expect(changed.verdict).toBe("unsupported");

    const bss = diff(global(".bss.x", undefined, { size: 16 }), global(".bss.x", undefined, { size: 32 }));
    expect(errors(bss)).toEqual(["data-size-changed"]);
    expect(diff(global(".bss.x", undefined), global(".bss.x", undefined)).verdict).toBe("safe");

    const moved = diff(global(".data.x", 1), global(".rodata.x", 1));
    expect(errors(moved)).toEqual(["data-section-changed"]);

    const initialised = diff(global(".bss.x", undefined), global(".data.x", 7));
    expect(errors(initialised)).toEqual(["data-changed", "data-section-changed"]);
  });

  it("refuses a global made static and a function made a variable", () => {
    const r = diff(global(".data.x", 1), global(".data.x", 1, { bind: "LOCAL" }));
    expect(errors(r)).toEqual(["symbol-binding-changed"]);
    expect(r.data.find((d) => d.name === "x")?.reasons).toContain("binding changed from GLOBAL to LOCAL");

    const fnToVar: ObjectSpec = {
      sections: [{ name: ".text.probe", flags: TEXT, data: bytes(0xc3) }],
      symbols: [{ name: "probe", section: ".text.probe", type: "FUNC", size: 1 }],
    };
    const varNow: ObjectSpec = {
      sections: [{ name: ".data.probe", flags: DATA, data: new Uint8Array(4) }],
      symbols: [{ name: "probe", section: ".data.probe", type: "OBJECT", size: 4 }],
    };
    const t = diff(fnToVar, varNow);
    expect(t.functions.find((f) => f.name === "probe")?.status).toBe("removed");
    expect(t.data.find((f) => f.name === "probe")?.status).toBe("new");
    expect(errors(t)).toEqual(["symbol-binding-changed"]);
  });

  it("refuses changed initialisation code: .init.text and constructors", () => {
    const init = (imm: number): ObjectSpec => ({
      sections: [{ name: ".init.text", flags: TEXT, data: bytes(0xb8, imm, 0, 0, 0, 0xc3) }],
      symbols: [{ name: "setup", section: ".init.text", type: "FUNC", size: 6 }],
    });
    expect(errors(diff(init(1), init(2)))).toEqual(["init-code-changed"]);

    const ctor = (imm: number): ObjectSpec => ({
      sections: [
        { name: ".text.startup.setup", flags: TEXT, data: bytes(0xb8, imm, 0, 0, 0, 0xc3) },
        {
          name: ".init_array",
          type: 14,
          flags: DATA,
          data: new Uint8Array(8),
          relocs: [{ offset: 0, type: R_X86_64_64, symbol: "@.text.startup.setup", addend: 0n }],
        },
      ],
      symbols: [{ name: "setup", section: ".text.startup.setup", type: "FUNC", size: 6, bind: "LOCAL" }],
    });
    const r = diff(ctor(1), ctor(2));
    expect(errors(r)).toEqual(["init-code-changed"]);
    expect(r.findings[0]?.message).toContain("listed in .init_array");
    expect(diff(ctor(1), ctor(1)).verdict).toBe("safe");
  });

  it("refuses a function that drops its static local", () => {
    const o: ObjectSpec = {
      sections: [
        {
          name: ".text.next_id",
          flags: TEXT,
          data: bytes(0x8b, 0x05, 0, 0, 0, 0, 0xc3),
          relocs: [{ offset: 2, type: R_X86_64_PC32, symbol: "last.1", addend: -4n }],
        },
        { name: ".bss.last.1", flags: DATA, size: 4 },
      ],
      symbols: [
        { name: "next_id", section: ".text.next_id", type: "FUNC", size: 7 },
        { name: "last.1", section: ".bss.last.1", type: "OBJECT", size: 4, bind: "LOCAL" },
      ],
    };
    const p: ObjectSpec = {
      sections: [{ name: ".text.next_id", flags: TEXT, data: bytes(0x31, 0xc0, 0xc3) }],
      symbols: [{ name: "next_id", section: ".text.next_id", type: "FUNC", size: 3 }],
    };
    const r = diff(o, p);
    expect(errors(r)).toEqual(["static-local-removed"]);
    expect(r.data.find((d) => d.name === "last.1")).toMatchObject({
      status: "removed",
      staticLocal: { function: "next_id", variable: "last" },
    });
  });

  it("warns when unnamed writable data changes, but not when a pool only grows", () => {
    // One function per word of the pool, each loading its word through the section symbol.
    const pool = (words: number[]): ObjectSpec => {
      const data = new Uint8Array(words.length * 4);
      words.forEach((w, i) => {
        new DataView(data.buffer).setUint32(i * 4, w, true);
      });
      return {
        sections: [
          ...words.map((_, i) => ({
            name: `.text.get${i}`,
            flags: TEXT,
            data: bytes(0x8b, 0x05, 0, 0, 0, 0, 0xc3),
            relocs: [{ offset: 2, type: R_X86_64_PC32, symbol: "@.data.pool", addend: BigInt(i * 4 - 4) }],
          })),
          { name: ".data.pool", flags: DATA, data },
        ],
        symbols: words.map((_, i) => ({
          name: `get${i}`,
          section: `.text.get${i}`,
          type: "FUNC" as const,
          size: 7,
        })),
      };
    };
    const grown = diff(pool([7]), pool([7, 9]));
    expect(grown.findings.filter((f) => f.rule === "section-changed")).toEqual([]);
    expect(grown.functions.find((f) => f.name === "get0")?.status).toBe("unchanged");
    const changed = diff(pool([7]), pool([8]));
    expect(changed.findings.find((f) => f.rule === "section-changed")?.severity).toBe("warning");
    expect(changed.functions[0]?.reasons).toContain("the unnamed data in .data.pool it uses changed");
  });

  it("says so when there is no DWARF to compare types with", () => {
    const r = diff(global(".data.x", 1), global(".data.x", 1));
    expect(r.findings.find((f) => f.rule === "no-debug-info")?.severity).toBe("warning");
    expect(r.types).toEqual([]);
  });
});

describe("usage errors", () => {
  it("refuses unknown profiles and mismatched machines with a typed error", () => {
    const o = buildObject(global(".data.x", 1));
    expect(() => diffObjects(o, o, { profile: "no-such-profile" })).toThrow(DiffUsageError);
    const arm = buildObject({ ...global(".data.x", 1), machine: 183 });
    expect(() => diffObjects(o, arm)).toThrow(/different machines/);
  });

  it("has a catalogue entry, with help, for every rule", () => {
    for (const [id, r] of Object.entries(RULES)) {
      expect(r.id).toBe(id);
      expect(r.help.length).toBeGreaterThan(20);
    }
  });
});
