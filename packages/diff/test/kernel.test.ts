import { describe, expect, it } from "vitest";
import {
  DiffUsageError,
  diffObjects,
  PROFILE_NAMES,
  parseName,
  type Report,
  Report as ReportSchema,
  RULES,
} from "../src/index.js";
import { bytes, DATA, R_X86_64_64, R_X86_64_PC32, R_X86_64_PLT32, type RelocSpec } from "./build-object.js";
import {
  EM_PPC64,
  type Fn,
  type KernelSpec,
  kernelObject,
  le32,
  R_PPC64_REL24,
  R_X86_64_32S,
  R_X86_64_PC64,
  strings,
  table,
  words,
} from "./kernel-objects.js";

const kdiff = (o: KernelSpec, p: KernelSpec, sizes?: Record<string, number>): Report => {
  const r = diffObjects(kernelObject(o), kernelObject(p), {
    profile: "kernel",
    ...(sizes ? { specialSectionSizes: sizes } : {}),
  });
  ReportSchema.parse(r);
  return r;
};
const fn = (r: Report, name: string) => r.functions.find((f) => f.name === name)!;
const errors = (r: Report) =>
  [...new Set(r.findings.filter((f) => f.severity === "error").map((f) => f.rule))].sort();
const warnings = (r: Report) =>
  [...new Set(r.findings.filter((f) => f.severity === "warning").map((f) => f.rule))].sort();
const whys = (r: Report, name: string) => [
  ...new Set((fn(r, name).ignoredDifferences ?? []).map((i) => i.why)),
];

/** `call __fentry__` then `body` (x86-64): the profiling entry gcc -pg -mfentry emits. */
function traced(name: string, body: number[], relocs: RelocSpec[] = []): Fn {
  return {
    name,
    code: bytes(0xe8, 0, 0, 0, 0, ...body),
    relocs: [
      { offset: 1, type: R_X86_64_PLT32, symbol: "__fentry__", addend: -4n },
      ...relocs.map((r) => ({ ...r, offset: r.offset + 5 })),
    ],
  };
}

/** The same body without the profiling entry (`notrace`). */
function notrace(name: string, body: number[], relocs: RelocSpec[] = []): Fn {
  return { name, code: bytes(...body), relocs };
}

const mcountLoc = (...names: string[]) =>
  table(
    "__mcount_loc",
    8 * names.length,
    names.map((n, i) => ({ offset: 8 * i, type: R_X86_64_64, symbol: `@.text.${n}` })),
  );

/** `lea 1(%rdi),%eax; ret` and `lea 2(%rdi),%eax; ret`. */
const INC1 = [0x8d, 0x47, 0x01, 0xc3];
const INC2 = [0x8d, 0x47, 0x02, 0xc3];

/** `mov $line,%esi; mov $.str,%rdi; call callee; ret`. */
function lineCall(line: number, callee: string): { body: number[]; relocs: RelocSpec[] } {
  return {
    body: [0xbe, ...le32(line), 0x48, 0xc7, 0xc7, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xc3],
    relocs: [
      { offset: 8, type: R_X86_64_32S, symbol: "@.rodata.str1.1" },
      { offset: 13, type: R_X86_64_PLT32, symbol: callee, addend: -4n },
    ],
  };
}

describe("the kernel profile", () => {
  it("is registered next to general", () => {
    expect(PROFILE_NAMES).toContain("kernel");
    for (const id of [
      "no-patchable-entry",
      "jump-label-module-key",
      "ppc64-sibling-call",
      "exported-symbol-changed",
      "export-added",
      "special-section-size-mismatch",
    ]) {
      expect(RULES[id as keyof typeof RULES]?.help.length).toBeGreaterThan(20);
    }
  });

  it("refuses entry-size overrides for other profiles, and bad sizes", () => {
    const o = kernelObject({ functions: [traced("f", INC1)], externals: ["__fentry__"] });
    expect(() => diffObjects(o, o, { specialSectionSizes: { __bug_table: 16 } })).toThrow(DiffUsageError);
    expect(() => diffObjects(o, o, { profile: "kernel", specialSectionSizes: { __bug_table: 0 } })).toThrow(
      /positive integer/,
    );
    expect(() => diffObjects(o, o, { profile: "kernel", specialSectionSizes: { __bug_table: 1.5 } })).toThrow(
      DiffUsageError,
    );
  });
});

describe("profiling entries", () => {
  const ext = ["__fentry__"];

  it("never make a function changed when both builds have them, wherever __mcount_loc puts them", () => {
    const o = {
      functions: [traced("a", INC1), traced("b", INC2)],
      sections: [mcountLoc("a", "b")],
      externals: ext,
    };
    const p = {
      functions: [traced("b", INC2), traced("a", INC1)],
      sections: [mcountLoc("b", "a")],
      externals: ext,
    };
    const r = kdiff(o, p);
    expect(r.functions.map((f) => [f.name, f.status])).toEqual([
      ["a", "unchanged"],
      ["b", "unchanged"],
    ]);
    expect(fn(r, "a").ignoredDifferences).toBeUndefined();
  });

  it("discount a profiling entry present on one side only (notrace toggled), with its __mcount_loc entry", () => {
    const o = { functions: [traced("f", INC1)], sections: [mcountLoc("f")], externals: ext };
    const p = { functions: [notrace("f", INC1)], externals: ext };
    const r = kdiff(o, p);
    expect(fn(r, "f").status).toBe("unchanged");
    expect(whys(r, "f")).toEqual(["profiling-entry"]);
    const msgs = fn(r, "f").ignoredDifferences!.map((i) => i.message);
    expect(msgs.some((m) => /call to __fentry__.*only in the original/.test(m))).toBe(true);
    expect(msgs.some((m) => /__mcount_loc entry is only in the original/.test(m))).toBe(true);
    expect(r.verdict).toBe("safe");
  });

  it("refuse a changed function without one in the original (no-patchable-entry)", () => {
    const r = kdiff(
      { functions: [notrace("raw", INC1), traced("ok", INC1)], externals: ext },
      { functions: [notrace("raw", INC2), traced("ok", INC2)], externals: ext },
    );
    expect(fn(r, "raw").status).toBe("changed");
    expect(fn(r, "ok").status).toBe("changed");
    expect(errors(r)).toEqual(["no-patchable-entry"]);
    expect(r.findings.find((f) => f.rule === "no-patchable-entry")?.symbol).toBe("raw");
  });

  it("judge only the original's entry: a function that gains one and changes is still refused", () => {
    const r = kdiff(
      { functions: [notrace("raw", INC1)], externals: ext },
      { functions: [traced("raw", INC2)], externals: ext },
    );
    expect(fn(r, "raw").status).toBe("changed");
    expect(errors(r)).toEqual(["no-patchable-entry"]);
  });
});

describe("line numbers (x86-64)", () => {
  const ext = ["__fentry__", "__might_sleep", "note_line"];
  const str = strings(".rodata.str1.1", "fs/x.c");
  const obj = (line: number, callee: string): KernelSpec => {
    const c = lineCall(line, callee);
    return { functions: [traced("f", c.body, c.relocs)], sections: [str], externals: ext };
  };

  it("discount a __LINE__ passed to __might_sleep and say which", () => {
    const r = kdiff(obj(16, "__might_sleep"), obj(17, "__might_sleep"));
    expect(fn(r, "f").status).toBe("unchanged");
    const [i] = fn(r, "f").ignoredDifferences!;
    expect(i).toMatchObject({ why: "line-number-only", original: "16", patched: "17", offset: 5 });
    expect(i!.message).toMatch(/__might_sleep\(\).*16 → 17/);
  });

  it("keep a __LINE__ passed to any other function as a change", () => {
    const r = kdiff(obj(16, "note_line"), obj(17, "note_line"));
    expect(fn(r, "f").status).toBe("changed");
    expect(fn(r, "f").ignoredDifferences).toBeUndefined();
  });

  it("keep a change of another immediate as a change", () => {
    const a = obj(16, "__might_sleep");
    const b = obj(16, "__might_sleep");
    b.functions[0]!.code[b.functions[0]!.code.length - 1] = 0xcc; // ret → int3
    expect(fn(kdiff(a, b), "f").status).toBe("changed");
  });
});

/** `ud2; ret` with a 12-byte __bug_table entry { rel addr, rel file, u16 line, u16 flags }. */
function bugger(line: number, flags: number, extra = 0): KernelSpec {
  const entries = 1 + extra;
  const relocs: RelocSpec[] = [];
  for (let k = 0; k < entries; k++) {
    relocs.push({ offset: 12 * k, type: R_X86_64_PC32, symbol: "@.text.f", addend: 5n });
    relocs.push({ offset: 12 * k + 4, type: R_X86_64_PC32, symbol: "@.rodata.str1.1", addend: 0n });
  }
  return {
    functions: [traced("f", [0x0f, 0x0b, 0xc3])],
    sections: [
      strings(".rodata.str1.1", "kernel/x.c"),
      table("__bug_table", 12 * entries, relocs, (b) => {
        for (let k = 0; k < entries; k++) {
          b[12 * k + 8] = line & 0xff;
          b[12 * k + 9] = line >> 8;
          b[12 * k + 10] = flags;
        }
      }),
    ],
    externals: ["__fentry__"],
  };
}

describe("special sections", () => {
  it("discount a __bug_table line alone", () => {
    const r = kdiff(bugger(40, 0), bugger(41, 0));
    expect(fn(r, "f").status).toBe("unchanged");
    expect(fn(r, "f").ignoredDifferences).toEqual([
      expect.objectContaining({
        why: "line-number-only",
        section: "__bug_table",
        original: "40",
        patched: "41",
      }),
    ]);
  });

  it("change the function an entry points at when anything else in it differs, never refusing by itself", () => {
    const flags = kdiff(bugger(40, 0), bugger(40, 1));
    expect(fn(flags, "f").status).toBe("changed");
    expect(fn(flags, "f").details).toEqual([
      expect.objectContaining({
        kind: "special-section-entry",
        section: "__bug_table",
        change: "changed",
        offset: 5,
      }),
    ]);
    expect(fn(flags, "f").reasons[0]).toMatch(/__bug_table entry at \+0x5 changed/);
    const added = kdiff(bugger(40, 0), bugger(40, 0, 1));
    expect(fn(added, "f").status).toBe("changed");
    expect(fn(added, "f").details?.[0]).toMatchObject({ change: "added" });
    expect(added.verdict).toBe("safe");
  });

  it("use the override to read entries of another size, and refuse entries that do not fit", () => {
    // A kernel with BUG_FORMAT: 16-byte entries (a rel format field at the end).
    const wide = (line: number): KernelSpec => {
      const b = bugger(line, 0, 1);
      const t = b.sections![1]!;
      t.data = new Uint8Array(32);
      t.data[8] = line;
      t.data[24] = line;
      t.relocs = t.relocs!.map((r, i) => ({ ...r, offset: r.offset + (i >= 2 ? 4 : 0) }));
      return b;
    };
    const bad = kdiff(wide(40), wide(41));
    expect(errors(bad)).toEqual(["special-section-size-mismatch"]);
    expect(bad.findings.find((f) => f.rule === "special-section-size-mismatch")?.message).toMatch(
      /__bug_table is 32 bytes, not a whole number of 12-byte entries/,
    );
    const good = kdiff(wide(40), wide(41), { __bug_table: 16 });
    expect(errors(good)).toEqual([]);
    expect(whys(good, "f")).toEqual(["line-number-only"]);
    // A size that divides the section but misplaces the address fields.
    const misfit = kdiff(bugger(40, 0, 1), bugger(40, 0, 1), { __bug_table: 8 });
    expect(errors(misfit)).toEqual(["special-section-size-mismatch"]);
  });

  it("refuse a changed or new function with a jump label on a key this object does not define", () => {
    const jump = (body: number[], key: string, defined: boolean): KernelSpec => ({
      functions: [traced("f", body)],
      sections: [
        table("__jump_table", 16, [
          { offset: 0, type: R_X86_64_PC32, symbol: "@.text.f", addend: 5n },
          { offset: 4, type: R_X86_64_PC32, symbol: "@.text.f", addend: 10n },
          { offset: 8, type: R_X86_64_PC64, symbol: key, addend: 0n },
        ]),
        ...(defined ? [table(".bss.key", 16, [])] : []),
      ],
      symbols: defined ? [{ name: key, section: ".bss.key", type: "OBJECT", size: 16 }] : [],
      externals: ["__fentry__", ...(defined ? [] : [key])],
    });
    const nop5 = [0x0f, 0x1f, 0x44, 0, 0];
    const changed = kdiff(
      jump([...nop5, ...INC1], "mod_key", false),
      jump([...nop5, ...INC2], "mod_key", false),
    );
    expect(errors(changed)).toEqual(["jump-label-module-key"]);
    expect(changed.findings[0]?.message).toMatch(/f\(\) has a jump label .* key mod_key is not defined/);
    const unchanged = kdiff(
      jump([...nop5, ...INC1], "mod_key", false),
      jump([...nop5, ...INC1], "mod_key", false),
    );
    expect(errors(unchanged)).toEqual([]);
    const local = kdiff(jump([...nop5, ...INC1], "my_key", true), jump([...nop5, ...INC2], "my_key", true));
    expect(errors(local)).toEqual([]);
  });

  it("compare __ex_table entries through their .fixup stub and where it branches back", () => {
    // Each function: `mov (%rdi),%eax; ret`; its stub `mov $imm,%edx; xor %eax,%eax; jmp <function>+7`.
    const obj = (stubs: { fn: string; imm: number; back?: string }[]): KernelSpec => {
      const code: number[] = [];
      const fixupRelocs: RelocSpec[] = [];
      const exRelocs: RelocSpec[] = [];
      stubs.forEach(({ fn: f, imm, back }, k) => {
        const at = code.length;
        code.push(0xba, ...le32(imm), 0x31, 0xc0, 0xe9, 0, 0, 0, 0);
        fixupRelocs.push({
          offset: code.length - 4,
          type: R_X86_64_PC32,
          symbol: `@.text.${back ?? f}`,
          addend: 7n - 4n,
        });
        exRelocs.push({ offset: 12 * k, type: R_X86_64_PC32, symbol: `@.text.${f}`, addend: 5n });
        exRelocs.push({ offset: 12 * k + 4, type: R_X86_64_PC32, symbol: "@.fixup", addend: BigInt(at) });
      });
      return {
        functions: [traced("read_one", [0x8b, 0x07, 0xc3]), traced("read_two", [0x8b, 0x07, 0xc3])],
        sections: [
          { name: ".fixup", flags: 6, data: bytes(...code), relocs: fixupRelocs },
          table("__ex_table", 12 * stubs.length, exRelocs),
        ],
        externals: ["__fentry__"],
      };
    };
    const one = { fn: "read_one", imm: -14 };
    const two = { fn: "read_two", imm: -14 };
    // read_one's entry and stub move behind read_two's: nothing changed.
    const moved = kdiff(obj([one, two]), obj([two, one]));
    expect(moved.functions.map((f) => f.status)).toEqual(["unchanged", "unchanged"]);
    // read_two's stub sets another error: read_two changed, read_one did not.
    const other = kdiff(obj([one, two]), obj([{ ...two, imm: -22 }, one]));
    expect(fn(other, "read_one").status).toBe("unchanged");
    expect(fn(other, "read_two").status).toBe("changed");
    expect(fn(other, "read_two").details?.[0]).toMatchObject({ section: "__ex_table", change: "changed" });
    // read_one's stub now branches back into read_two: read_one changed.
    const back = kdiff(obj([one, two]), obj([{ ...one, back: "read_two" }, two]));
    expect(fn(back, "read_one").status).toBe("changed");
    expect(fn(back, "read_two").status).toBe("unchanged");
  });

  it("discount .discard.* and export entries, warn about an added export, refuse a changed export", () => {
    const exported = (gpl: boolean | undefined, bind: "GLOBAL" | "WEAK" = "GLOBAL"): KernelSpec => {
      const sections = [strings("__ksymtab_strings", "f", "")];
      if (gpl !== undefined) {
        sections.push(
          table(gpl ? "___ksymtab_gpl+f" : "___ksymtab+f", 12, [
            { offset: 0, type: R_X86_64_PC32, symbol: "f", addend: 0n },
            { offset: 4, type: R_X86_64_PC32, symbol: "@__ksymtab_strings", addend: 0n },
            { offset: 8, type: R_X86_64_PC32, symbol: "@__ksymtab_strings", addend: 2n },
          ]),
          table(".discard.addressable", 8, [{ offset: 0, type: R_X86_64_64, symbol: "f" }]),
        );
      }
      return {
        functions: [{ ...traced("f", INC1), bind }],
        sections,
        symbols:
          gpl === undefined
            ? []
            : [
                {
                  name: "__UNIQUE_ID___addressable_f0",
                  section: ".discard.addressable",
                  type: "OBJECT",
                  size: 8,
                  bind: "LOCAL",
                },
              ],
        externals: ["__fentry__"],
      };
    };
    const added = kdiff(exported(undefined), exported(false));
    expect(fn(added, "f").status).toBe("unchanged");
    expect(whys(added, "f")).toEqual(["special-section-entry"]);
    expect(
      fn(added, "f")
        .ignoredDifferences!.map((i) => i.section)
        .sort(),
    ).toEqual([".discard.addressable", "___ksymtab"]);
    expect(added.data).toEqual([]); // __UNIQUE_ID___addressable_f0 is not data of the program
    expect(warnings(added)).toContain("export-added");
    expect(errors(added)).toEqual([]);

    expect(errors(kdiff(exported(false), exported(true)))).toEqual(["exported-symbol-changed"]);
    expect(errors(kdiff(exported(false), exported(undefined)))).toEqual(["exported-symbol-changed"]);
    expect(errors(kdiff(exported(false), exported(false, "WEAK")))).toContain("exported-symbol-changed");
    expect(errors(kdiff(exported(false), exported(false)))).toEqual([]);
  });
});

describe("Linux 6.5+ exports (.export_symbol)", () => {
  const obj = (license: string | undefined, ns = ""): KernelSpec => {
    const text = license === undefined ? [] : [...new TextEncoder().encode(`${license}\0${ns}\0`)];
    const pad = (8 - (text.length % 8)) % 8;
    const data = [...text, ...new Array(pad).fill(0), ...(license === undefined ? [] : new Array(8).fill(0))];
    return {
      functions: [traced("f", INC1)],
      sections:
        license === undefined
          ? []
          : [
              {
                name: ".export_symbol",
                flags: 2,
                data: bytes(...data),
                relocs: [{ offset: text.length + pad, type: R_X86_64_64, symbol: "f" }],
              },
            ],
      symbols: [],
      externals: ["__fentry__"],
    };
  };

  it("read the license and namespace of each export", () => {
    expect(warnings(kdiff(obj(undefined), obj("")))).toContain("export-added");
    expect(errors(kdiff(obj(""), obj("GPL")))).toEqual(["exported-symbol-changed"]);
    expect(errors(kdiff(obj("GPL", "A"), obj("GPL", "B")))).toEqual(["exported-symbol-changed"]);
    expect(errors(kdiff(obj("GPL", "A"), obj("GPL", "A")))).toEqual([]);
    expect(whys(kdiff(obj(undefined), obj("GPL")), "f")).toEqual(["special-section-entry"]);
  });
});

describe("data", () => {
  const obj = (init: number, once: number, normal: number): KernelSpec => ({
    functions: [traced("f", INC1)],
    sections: [
      { name: ".init.data", flags: DATA, data: bytes(init, 0, 0, 0) },
      { name: ".data.once", flags: DATA, data: bytes(once) },
      { name: ".data.x", flags: DATA, data: bytes(normal, 0, 0, 0) },
    ],
    symbols: [
      { name: "boot_levels", section: ".init.data", type: "OBJECT", size: 4, bind: "LOCAL" },
      { name: "flag", section: ".data.once", type: "OBJECT", size: 1, bind: "LOCAL" },
      { name: "x", section: ".data.x", type: "OBJECT", size: 4 },
    ],
    externals: ["__fentry__"],
  });

  it("refuse changed init data as init code, existing data as data, and never correlate .data.once", () => {
    expect(errors(kdiff(obj(1, 0, 0), obj(2, 0, 0)))).toEqual(["init-code-changed"]);
    expect(errors(kdiff(obj(1, 0, 0), obj(1, 0, 5)))).toEqual(["data-changed"]);
    const once = kdiff(obj(1, 0, 0), obj(1, 1, 0));
    expect(errors(once)).toEqual([]);
    expect(
      once.data
        .filter((d) => d.name === "flag")
        .map((d) => d.status)
        .sort(),
    ).toEqual(["new", "removed"]);
  });
});

describe("ppc64 sibling calls", () => {
  const obj = (insn: number, k: number): KernelSpec => ({
    machine: EM_PPC64,
    functions: [
      // mflr r0; bl _mcount; li r3,k; <insn helper>
      {
        name: "wrapper",
        code: words(true, 0x7c0802a6, 0x48000001, 0x38600000 | k, insn),
        relocs: [
          { offset: 4, type: R_PPC64_REL24, symbol: "_mcount" },
          { offset: 12, type: R_PPC64_REL24, symbol: "helper" },
        ],
      },
    ],
    externals: ["_mcount", "helper"],
  });

  it("refuse a changed function that ends in b to a global function, not one that calls it with bl", () => {
    expect(errors(kdiff(obj(0x48000000, 1), obj(0x48000000, 2)))).toEqual(["ppc64-sibling-call"]);
    expect(errors(kdiff(obj(0x48000001, 1), obj(0x48000001, 2)))).toEqual([]);
    expect(errors(kdiff(obj(0x48000000, 1), obj(0x48000000, 1)))).toEqual([]);
  });
});

describe("macro statics", () => {
  it("are compiler-made under clang's function.variable names too", () => {
    for (const n of ["rate_a._rs", "probe.__already_done", "init_b.__key", "f.__warned", "_rs.4", "__key.0"])
      expect(parseName(n).compilerMade, n).toBe(true);
    for (const n of ["f.count", "count.3", "f.descriptor"]) expect(parseName(n).compilerMade, n).toBe(false);
  });
});
