import { describe, expect, it } from "vitest";
import { diffObjects, KERNEL_SPECIAL_SECTIONS, type Report, specialSectionTable } from "../src/index.js";
import type { RelocSpec, SectionSpec } from "./build-object.js";
import {
  EM_AARCH64,
  EM_LOONGARCH,
  EM_PPC64,
  EM_S390,
  type KernelSpec,
  kernelObject,
  R_390_PLT32DBL,
  R_AARCH64_ABS64,
  R_AARCH64_CALL26,
  R_LARCH_64,
  R_LARCH_B26,
  R_PPC64_REL24,
  table,
  words,
} from "./kernel-objects.js";

/**
 * Per architecture: the profiling entry is recognised (a `notrace` toggle alone is discounted, a changed
 * notrace function refused), and a `__LINE__` loaded into the second argument of a call to __might_sleep is
 * discounted while the same load into another register, or for another callee, is a change.
 */

interface Arch {
  name: string;
  machine: number;
  le: boolean;
  /** The function: profiling entry (or not), `arg`-th argument = line, call `callee`, return. */
  build(
    traced: boolean,
    line: number,
    callee: string,
    arg?: number,
  ): { code: Uint8Array; relocs: RelocSpec[] };
  /** A profiling table, when the architecture records the entry in one. */
  table?: (traced: boolean) => SectionSpec[];
  externals: string[];
}

const S390_BRCL0 = [0xc0, 0x04, 0, 0, 0, 0];

const ARCHES: Arch[] = [
  {
    name: "ppc64le",
    machine: EM_PPC64,
    le: true,
    build(traced, line, callee, arg = 2) {
      const entry = traced ? [0x7c0802a6, 0x48000001] : [];
      const li = 0x38000000 | ((arg + 2) << 21) | line; // li r(arg+2),line
      const ws = [...entry, li, 0x48000001, 0x60000000, 0x4e800020];
      const relocs: RelocSpec[] = [{ offset: 4 * (entry.length + 1), type: R_PPC64_REL24, symbol: callee }];
      if (traced) relocs.unshift({ offset: 4, type: R_PPC64_REL24, symbol: "_mcount" });
      return { code: words(true, ...ws), relocs };
    },
    externals: ["_mcount"],
  },
  {
    name: "s390x",
    machine: EM_S390,
    le: false,
    build(traced, line, callee, arg = 2) {
      const entry = traced ? S390_BRCL0 : [];
      const lghi = [0xa7, ((arg + 1) << 4) | 9, (line >> 8) & 0xff, line & 0xff];
      const code = [...entry, ...lghi, 0xc0, 0xe5, 0, 0, 0, 0, 0x07, 0xfe];
      return {
        code: new Uint8Array(code),
        relocs: [{ offset: entry.length + 6, type: R_390_PLT32DBL, symbol: callee, addend: 2n }],
      };
    },
    table: (traced) =>
      traced ? [table("__mcount_loc", 8, [{ offset: 0, type: 22 /* R_390_64 */, symbol: "@.text.f" }])] : [],
    externals: [],
  },
  {
    name: "aarch64",
    machine: EM_AARCH64,
    le: true,
    build(traced, line, callee, arg = 2) {
      const entry = traced ? [0xd503201f, 0xd503201f] : [];
      const mov = 0x52800000 | (line << 5) | (arg - 1); // mov w(arg-1),#line
      return {
        code: words(true, ...entry, mov, 0x94000000, 0xd65f03c0),
        relocs: [{ offset: 4 * (entry.length + 1), type: R_AARCH64_CALL26, symbol: callee }],
      };
    },
    table: (traced) =>
      traced
        ? [
            table("__patchable_function_entries", 8, [
              { offset: 0, type: R_AARCH64_ABS64, symbol: "@.text.f" },
            ]),
          ]
        : [],
    externals: [],
  },
  {
    name: "loongarch64",
    machine: EM_LOONGARCH,
    le: true,
    build(traced, line, callee, arg = 2) {
      const entry = traced ? [0x03400000, 0x03400000] : [];
      const ori = 0x03800000 | (line << 10) | (arg + 3); // ori $a(arg-1),$zero,line
      return {
        code: words(true, ...entry, ori, 0x54000000, 0x4c000020),
        relocs: [{ offset: 4 * (entry.length + 1), type: R_LARCH_B26, symbol: callee }],
      };
    },
    table: (traced) =>
      traced
        ? [table("__patchable_function_entries", 8, [{ offset: 0, type: R_LARCH_64, symbol: "@.text.f" }])]
        : [],
    externals: [],
  },
];

function spec(a: Arch, traced: boolean, line: number, callee = "__might_sleep", arg = 2): KernelSpec {
  const { code, relocs } = a.build(traced, line, callee, arg);
  return {
    machine: a.machine,
    littleEndian: a.le,
    functions: [{ name: "f", code, relocs }],
    sections: a.table?.(traced) ?? [],
    externals: [...a.externals, callee],
  };
}

const kdiff = (o: KernelSpec, p: KernelSpec): Report =>
  diffObjects(kernelObject(o), kernelObject(p), { profile: "kernel" });
const f = (r: Report) => r.functions.find((x) => x.name === "f")!;
const whys = (r: Report) => [...new Set((f(r).ignoredDifferences ?? []).map((i) => i.why))];
const errors = (r: Report) => [
  ...new Set(r.findings.filter((x) => x.severity === "error").map((x) => x.rule)),
];

describe.each(ARCHES)("kernel profile on $name", (a) => {
  it("discounts a line number passed to __might_sleep", () => {
    const r = kdiff(spec(a, true, 16), spec(a, true, 17));
    expect(f(r).status).toBe("unchanged");
    expect(whys(r)).toEqual(["line-number-only"]);
    expect(f(r).ignoredDifferences?.[0]).toMatchObject({ original: "16", patched: "17" });
  });

  it("keeps a line number passed to an unlisted function, or in another register, as a change", () => {
    expect(f(kdiff(spec(a, true, 16, "note_line"), spec(a, true, 17, "note_line"))).status).toBe("changed");
    expect(
      f(kdiff(spec(a, true, 16, "__might_sleep", 1), spec(a, true, 17, "__might_sleep", 1))).status,
    ).toBe("changed");
  });

  it("discounts a profiling entry present on one side only", () => {
    const r = kdiff(spec(a, true, 16), spec(a, false, 16));
    expect(f(r).status).toBe("unchanged");
    expect(whys(r)).toEqual(["profiling-entry"]);
    const back = kdiff(spec(a, false, 16), spec(a, true, 16));
    expect(f(back).status).toBe("unchanged");
    expect(whys(back)).toEqual(["profiling-entry"]);
  });

  it("discounts both at once: notrace toggled and a line moved", () => {
    const r = kdiff(spec(a, true, 16), spec(a, false, 17));
    expect(f(r).status).toBe("unchanged");
    expect(whys(r).sort()).toEqual(["line-number-only", "profiling-entry"]);
  });

  it("refuses a changed function without a profiling entry, not one with", () => {
    expect(errors(kdiff(spec(a, false, 16, "note_line"), spec(a, false, 17, "note_line")))).toEqual([
      "no-patchable-entry",
    ]);
    expect(errors(kdiff(spec(a, true, 16, "note_line"), spec(a, true, 17, "note_line")))).toEqual([]);
  });
});

describe("special-section tables", () => {
  it("have sizes for the five architectures, from their own files", () => {
    const sizes = (arch: Parameters<typeof specialSectionTable>[0], name: string) =>
      specialSectionTable(arch).layoutOf(name)?.size;
    expect(sizes("x86_64", "__bug_table")).toBe(12);
    expect(sizes("x86_64", ".altinstructions")).toBe(14);
    expect(sizes("ppc64le", "__ex_table")).toBe(8);
    expect(sizes("s390x", "___ksymtab+foo")).toBe(24);
    expect(sizes("aarch64", "___ksymtab_gpl+foo")).toBe(12);
    expect(sizes("loongarch64", "___ksymtab+foo")).toBe(24);
    expect(sizes("aarch64", ".discard.addressable")).toBe(8);
    expect(sizes("x86_64", ".smp_locks")).toBe(4);
    expect(specialSectionTable("x86_64").layoutOf(".text.f")).toBeUndefined();
    expect(KERNEL_SPECIAL_SECTIONS).toEqual(
      expect.arrayContaining(["__jump_table", ".orc_unwind_ip", ".discard.*"]),
    );
  });

  it("take overrides, for known and unknown sections", () => {
    const t = specialSectionTable("x86_64", { ".altinstructions": 12, ".my_sites": 4 });
    expect(t.layoutOf(".altinstructions")).toMatchObject({ size: 12, poolLength: { field: 4, byteAt: 11 } });
    expect(
      specialSectionTable("x86_64", { ".altinstructions": 13 }).layoutOf(".altinstructions"),
    ).toMatchObject({
      poolLength: { byteAt: 11 },
    });
    expect(t.layoutOf(".my_sites")).toMatchObject({ role: "code", size: 4, owner: 0 });
  });
});
