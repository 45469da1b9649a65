import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readElf } from "@elfdelta/elf";
import { describe, expect, it } from "vitest";
import { diffObjects, type Report } from "../src/index.js";

const OUT = fileURLToPath(new URL("../../../test-objects/out/", import.meta.url));
const run = (target: string, scenario: string, variant = "fs"): Report =>
  diffObjects(
    `${OUT}${target}/scenarios/${scenario}/orig.${variant}.o`,
    `${OUT}${target}/scenarios/${scenario}/patched.${variant}.o`,
  );
const fn = (r: Report, name: string) => r.functions.find((f) => f.name === name);

describe("reasons on real objects", () => {
  it("say when only a __LINE__ immediate changed", () => {
    for (const target of ["x86_64-gcc", "aarch64-clang", "s390x-gcc", "armhf-gcc"]) {
      const r = run(target, "comment-added-at-top");
      expect(fn(r, "check_positive")?.reasons, target).toEqual([
        expect.stringMatching(/^only a line number immediate changed \(14 → 15/),
      ]);
      expect(fn(r, "plain")?.status).toBe("unchanged");
    }
  });

  it("name the inlined callee that changed", () => {
    const r = run("x86_64-gcc", "static-helper-inlined");
    expect(fn(r, "reader_a")?.details).toContainEqual(
      expect.objectContaining({ kind: "inlined-callee", callee: "clamp_scale" }),
    );
  });

  it("give a changed string literal's new text, also without -ffunction-sections", () => {
    for (const variant of ["fs", "nofs"]) {
      const r = run("aarch64-gcc", "string-literal-changed", variant);
      expect(fn(r, "greet")?.details).toContainEqual({
        kind: "string",
        original: "hello %d\n",
        patched: "hello there, number %d\n",
      });
      expect(fn(r, "farewell")?.status).toBe("unchanged");
    }
  });
});

describe("types on real objects", () => {
  it("list every function that uses a changed struct, unchanged ones too", () => {
    const r = run("x86_64-gcc", "struct-member-inserted-middle");
    const conn = r.types.find((t) => t.name === "conn");
    expect(conn?.status).toBe("changed");
    expect(conn?.usedBy).toEqual(["conn_bytes", "conn_fd", "conn_state"]);
    expect(fn(r, "conn_fd")?.status).toBe("unchanged");
    expect(conn?.layout?.patched.map((m) => m.name)).toEqual(["fd", "flags", "state", "bytes"]);
  });

  it("name an untagged struct by its typedef", () => {
    const r = run("riscv64-clang", "typedef-struct-changed");
    expect(r.types.filter((t) => t.name === "pair_t").map((t) => [t.kind, t.status])).toEqual([
      ["struct", "changed"],
    ]);
  });
});

describe("correlation on real objects", () => {
  it("pairs GCC's renumbered static locals through DWARF and explains section-anchor offsets", () => {
    for (const target of ["riscv64-gcc", "s390x-gcc", "armhf-gcc", "x86_64-gcc"]) {
      const r = run(target, "static-locals-renumbered", "nofs");
      expect(fn(r, "count_a")?.status, target).toBe("unchanged");
      expect(fn(r, "count_b")?.status, target).toBe("unchanged");
      const statics = r.data
        .filter((d) => d.staticLocal)
        .map((d) => `${d.staticLocal?.function}::${d.staticLocal?.variable} ${d.status}`);
      expect(statics.sort(), target).toEqual([
        "count_a::hits unchanged",
        "count_b::hits unchanged",
        "count_new::hits new",
      ]);
    }
  });
});

describe("inputs", () => {
  const pair = (target: string, scenario: string) =>
    [
      readFileSync(`${OUT}${target}/scenarios/${scenario}/orig.fs.o`),
      readFileSync(`${OUT}${target}/scenarios/${scenario}/patched.fs.o`),
    ] as const;

  it("are not written to: a second diff of the same Buffers gives the same report", () => {
    // REL targets keep addends in the relocated bytes, which the comparison masks in a copy.
    for (const [target, scenario] of [
      ["armhf-clang", "cold-part"],
      ["i686-gcc", "static-helper-inlined"],
      ["riscv64-gcc", "switch-jump-table"],
    ] as const) {
      const [o, p] = pair(target, scenario);
      const before = [Buffer.from(o), Buffer.from(p)];
      const first = JSON.stringify(diffObjects(o, p));
      expect(o.equals(before[0]!), target).toBe(true);
      expect(p.equals(before[1]!), target).toBe(true);
      expect(JSON.stringify(diffObjects(o, p)), target).toBe(first);
    }
  });

  it("give the same report from paths (the DWARF left on disk until read) as from bytes", () => {
    let pairs = 0;
    for (const target of ["x86_64-gcc", "armhf-gcc", "ppc64-gcc", "s390x-clang"]) {
      for (const scenario of readdirSync(`${OUT}${target}/scenarios`)) {
        for (const variant of ["fs", "nofs"]) {
          const o = `${OUT}${target}/scenarios/${scenario}/orig.${variant}.o`;
          const p = `${OUT}${target}/scenarios/${scenario}/patched.${variant}.o`;
          if (!existsSync(o) || !existsSync(p)) continue;
          const fromBytes = diffObjects(
            readElf(readFileSync(o), { path: o }),
            readElf(readFileSync(p), { path: p }),
          );
          expect(diffObjects(o, p), `${target} ${scenario} ${variant}`).toEqual(fromBytes);
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(100);
  });

  it("are quoted as they are in the file where code differs", () => {
    const [o, p] = pair("riscv64-gcc", "static-helper-inlined");
    const reason = diffObjects(o, p)
      .functions.find((f) => f.name === "reader_a")
      ?.reasons.find((r) => r.startsWith("code differs"));
    const m = /^code differs from offset 0x([0-9a-f]+) \(([0-9a-f ]+) → ([0-9a-f ]+)\)/.exec(reason ?? "");
    expect(m, reason).not.toBeNull();
    const at = Number.parseInt(m![1]!, 16);
    const quoted = (elf: ReturnType<typeof readElf>, hex: string) => {
      const bytes = elf.data(elf.sectionIndex(".text.reader_a"));
      const n = hex.split(" ").length;
      return Array.from(bytes.subarray(at, at + n), (b) => b.toString(16).padStart(2, "0")).join(" ");
    };
    expect(m![2]).toBe(quoted(readElf(o), m![2]!));
    expect(m![3]).toBe(quoted(readElf(p), m![3]!));
  });
});

describe("DWARF read before the analysis", () => {
  it("gives the analysis and its problems that reading it inside gives", async () => {
    const { analyse, getProfile, ObjectView, readDebugInfo } = await import("../src/index.js");
    const { buildReport } = await import("../src/build.js");
    const profile = getProfile("general");
    const dir = `${OUT}x86_64-gcc/scenarios/struct-member-inserted-middle`;
    const orig = readFileSync(`${dir}/orig.fs.o`);
    // A patched build whose .debug_info starts with a unit of a version no reader knows: a DWARF problem.
    const broken = new Uint8Array(readFileSync(`${dir}/patched.fs.o`));
    const elf = readElf(broken);
    const info = elf.headers.offset(elf.sectionIndex(".debug_info"));
    new DataView(broken.buffer).setUint16(info + 4, 99, true);
    for (const patched of [readFileSync(`${dir}/patched.fs.o`), broken]) {
      const inside = analyse(
        new ObjectView(readElf(orig), profile.view),
        new ObjectView(readElf(patched), profile.view),
      );
      const o = readElf(orig);
      const p = readElf(patched);
      const before = analyse(
        new ObjectView(o, profile.view),
        new ObjectView(p, profile.view),
        {},
        {
          original: readDebugInfo(o, "original"),
          patched: readDebugInfo(p, "patched"),
        },
      );
      expect(before.debug.problems).toEqual(inside.debug.problems);
      expect(buildReport(before, profile)).toEqual(buildReport(inside, profile));
    }
    const p = readElf(broken);
    const read = readDebugInfo(p, "patched");
    expect(read.ok).toBe(false);
    expect(read.ok ? "" : read.problem).toMatch(/^the patched object's DWARF is unreadable: /);
  });
});

describe("analyse's phase hook", () => {
  it("names each phase once, in order, as the phase ends", async () => {
    const { analyse, getProfile, ObjectView } = await import("../src/index.js");
    const dir = `${OUT}x86_64-gcc/scenarios/static-helper-inlined`;
    const profile = getProfile("general");
    const view = (f: string) => new ObjectView(readElf(readFileSync(`${dir}/${f}`)), profile.view);
    const seen: string[] = [];
    const a = analyse(view("orig.fs.o"), view("patched.fs.o"), { phase: (name) => seen.push(name) });
    expect(seen).toEqual([
      "debug info, original",
      "debug info, patched",
      "correlation",
      "functions",
      "data",
      "types and signatures",
    ]);
    expect(a.functions.length).toBeGreaterThan(0);
    expect(a.types).toBeDefined();
  });
});

describe("users of an entity", () => {
  it("come in entity order, though the passes go through the object in section order", async () => {
    const { ObjectView } = await import("../src/index.js");
    let lists = 0;
    for (const target of ["aarch64-clang", "x86_64-gcc", "armhf-gcc"]) {
      const path = `${OUT}${target}/code.fs.o`;
      if (!existsSync(path)) continue;
      const view = new ObjectView(readElf(readFileSync(path)));
      const each = new ObjectView(readElf(readFileSync(path))).usersOfEach(view.entities);
      for (const e of view.entities) {
        const users = view.users(e).map((u) => u.index);
        expect(users, `${target} ${e.rawName}`).toEqual([...users].sort((a, b) => a - b));
        const listed = (each.get(e) ?? []).map((u) => u.index);
        expect(listed, `${target} ${e.rawName}`).toEqual([...listed].sort((a, b) => a - b));
        if (users.length > 1) lists++;
        if (listed.length > 1) lists++;
      }
    }
    expect(lists).toBeGreaterThan(10);
  });
});
