/**
 * Buffers mapped on their own (buffers.ts): resizable buffers that V8 maps itself, so that dropping one does
 * not move glibc's mmap threshold, and whose pages go back to the system the moment they are given back.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { giveBack, mappedBuffer, mappedFloat64s } from "../src/buffers.js";
import { setMappedMembersFrom } from "../src/dwarf/types.js";
import { openElf, readDwarf } from "../src/index.js";

describe("mapped buffers", () => {
  it("are zero-filled, resizable, and as long as asked", () => {
    const b = mappedBuffer(300_000);
    expect(b.resizable).toBe(true);
    expect(b.byteLength).toBe(300_000);
    const a = mappedFloat64s(40_000);
    expect(a.length).toBe(40_000);
    expect(a.every((x) => x === 0)).toBe(true);
  });

  it("give their memory back: the array and every view of its buffer are empty afterwards", () => {
    const a = mappedFloat64s(40_000).fill(1);
    const view = new Uint8Array(a.buffer, 8, 16);
    giveBack(a);
    expect(a.buffer.byteLength).toBe(0);
    expect(a.length).toBe(0);
    expect(view.length).toBe(0);
  });

  it("leave a plain buffer to the collector", () => {
    const a = new Float64Array(16).fill(2);
    giveBack(a);
    giveBack(a.buffer);
    expect(Array.from(a)).toEqual(new Array(16).fill(2));
  });

  it("serve the DWARF reader's member table, given back once the types are built", () => {
    // The objects here are small, and their tables plain: mapped from the first byte, each table that grows
    // gives back the one it outgrew, and the last is given back at the end; the types must not change.
    const dir = join(import.meta.dirname, "../../../test-objects/out");
    // structs_gen: more members than the table's first estimate, so that it grows (twice in the zlib one).
    const paths = ["x86_64-gcc", "aarch64-clang", "i686-gcc", "s390x-gcc"]
      .flatMap((t) =>
        ["types.nofs.o", "structs_gen.nofs.o", "structs_gen.zlib.o"].map((f) => join(dir, t, f)),
      )
      .filter((p) => existsSync(p));
    expect(paths.length).toBe(12);
    const model = (path: string) =>
      JSON.stringify([...readDwarf(openElf(path)).types.values()], (_, v) =>
        typeof v === "bigint" ? String(v) : v,
      );
    for (const path of paths) {
      const plain = model(path);
      const old = setMappedMembersFrom(0);
      try {
        expect(model(path), path).toBe(plain);
      } finally {
        setMappedMembersFrom(old);
      }
      expect(plain).toContain('"members":[{');
    }
  });
});
