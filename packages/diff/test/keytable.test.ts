import { describe, expect, it } from "vitest";
import { KeyTable } from "../src/correlate/keytable.js";

describe("KeyTable", () => {
  it("returns the first item added under a key, and -1 for keys never added", () => {
    const t = new KeyTable(4);
    expect(t.add(0, "foo", 0)).toBe(-1);
    expect(t.add(0, "bar", 1)).toBe(-1);
    expect(t.add(0, "foo", 2)).toBe(0);
    expect(t.find(0, "foo")).toBe(0);
    expect(t.find(0, "bar")).toBe(1);
    expect(t.find(0, "baz")).toBe(-1);
    expect(t.find(0, "")).toBe(-1);
  });
  it("keeps groups apart", () => {
    const t = new KeyTable(2);
    expect(t.add(0, "x", 0)).toBe(-1);
    expect(t.add(1, "x", 1)).toBe(-1);
    expect(t.find(0, "x")).toBe(0);
    expect(t.find(1, "x")).toBe(1);
    expect(t.find(2, "x")).toBe(-1);
  });
  it("finds every key of a full table (collisions probe on)", () => {
    const n = 5000;
    const t = new KeyTable(n);
    for (let i = 0; i < n; i++) expect(t.add(i % 3, `f${i}`, i)).toBe(-1);
    for (let i = 0; i < n; i++) expect(t.find(i % 3, `f${i}`)).toBe(i);
    for (let i = 0; i < n; i++) expect(t.find((i + 1) % 3, `f${i}`)).toBe(-1);
  });
  it("works with no items", () => {
    expect(new KeyTable(0).find(0, "a")).toBe(-1);
  });
});

describe("KeyTable.keyOf", () => {
  it("is the key an item was added with, and undefined for an item another had the key of", () => {
    const t = new KeyTable(3);
    t.add(0, "a", 0);
    t.add(0, "a", 1);
    t.add(0, "b", 2);
    expect([t.keyOf(0), t.keyOf(1), t.keyOf(2)]).toEqual(["a", undefined, "b"]);
  });
});
