import type { MemberRow, TypeEntry } from "@elfdelta/diff";

/** One line of a before/after layout table: the member on each side, and what happened to it. */
export interface LayoutLine {
  readonly before?: MemberRow;
  readonly after?: MemberRow;
  readonly mark: "" | "added" | "removed" | "moved" | "resized" | "retyped" | "bits";
}

const MAX_ROWS = 24;

/**
 * The members of a changed struct/union side by side, in the order of the patched layout (removed members
 * where they were). Unchanged members are kept for context when the type is small; for large types only the
 * members that changed are shown.
 */
export function layoutLines(t: TypeEntry): LayoutLine[] {
  if (!t.layout) return [];
  const before = new Map(t.layout.original.map((m, i) => [key(m, i), m]));
  const after = new Map(t.layout.patched.map((m, i) => [key(m, i), m]));
  const lines: LayoutLine[] = [];
  const consumed = new Set<string>();
  const origOrder = t.layout.original.map((m, i) => key(m, i));
  let oi = 0;
  const flushRemovedUpTo = (limit: number) => {
    while (oi < origOrder.length && oi <= limit) {
      const k = origOrder[oi]!;
      if (!after.has(k) && !consumed.has(k)) {
        lines.push({ before: before.get(k)!, mark: "removed" });
        consumed.add(k);
      }
      oi++;
    }
  };
  t.layout.patched.forEach((m, i) => {
    const k = key(m, i);
    const b = before.get(k);
    if (b) flushRemovedUpTo(origOrder.indexOf(k));
    consumed.add(k);
    lines.push({ ...(b ? { before: b } : {}), after: m, mark: markOf(b, m) });
  });
  flushRemovedUpTo(origOrder.length);
  if (lines.length <= MAX_ROWS) return lines;
  return lines.filter((l) => l.mark !== "");
}

function key(m: MemberRow, i: number): string {
  return m.name !== "" ? m.name : `#anon${i}`;
}

function markOf(b: MemberRow | undefined, a: MemberRow): LayoutLine["mark"] {
  if (!b) return "added";
  if (b.type !== a.type) return "retyped";
  if (b.bitOffset !== a.bitOffset || b.bitSize !== a.bitSize) return "bits";
  if (b.size !== a.size) return "resized";
  if (b.offset !== a.offset) return "moved";
  return "";
}

/** `int state` at `8` (4 bytes), bit-fields as `8:3` (bit offset within the byte : width). */
export function place(m: MemberRow | undefined): string {
  if (!m) return "";
  if (m.bitSize !== undefined) {
    const bit = m.bitOffset ?? m.offset * 8;
    return `${Math.floor(bit / 8)}.${bit % 8}:${m.bitSize}`;
  }
  return `${m.offset}`;
}

export function member(m: MemberRow | undefined): string {
  if (!m) return "";
  return `${m.type} ${m.name || "(anonymous)"}`;
}
