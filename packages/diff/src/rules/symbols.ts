import type { Outcome } from "../compare/outcome.js";
import type { Rule } from "./rule.js";

/**
 * Binding or type changes: a paired symbol whose STB_/STT_ changed, and a name that is a function in one
 * build and a data object in the other (they cannot pair, so one is removed and the other new).
 */
export const symbolRules: Rule = {
  ids: ["symbol-binding-changed"],
  run(ctx) {
    const a = ctx.analysis;
    // Functions, then data, without a joined copy of both lists (hundreds of thousands of outcomes), and
    // by index: an iterator made a result object per outcome.
    const lists = [a.functions, a.data];
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!;
        if (r.status !== "changed" || !r.original) continue;
        for (const d of r.details) {
          if (d.kind === "binding") {
            const name = r.original.rawName;
            ctx.emit("symbol-binding-changed", {
              message: `${name}: binding changed from ${d.original} to ${d.patched}`,
              symbol: name,
            });
          } else if (d.kind === "symbol-type") {
            const name = r.original.rawName;
            ctx.emit("symbol-binding-changed", {
              message: `${name}: symbol type changed from ${d.original} to ${d.patched}`,
              symbol: name,
            });
          }
        }
      }
    }
    // Same name, other kind: removed as one, new as the other.
    const removed = removedKinds(lists);
    if (removed.size === 0) return;
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!;
        if (r.status !== "new" || !r.patched) continue;
        const was = removed.get(r.patched.nameKey);
        if (was === undefined || was === r.kind) continue;
        const before = was === "function" ? "a function" : "a data object";
        const after = r.kind === "function" ? "a function" : "a data object";
        ctx.emit("symbol-binding-changed", {
          message: `${r.patched.rawName} was ${before} and is now ${after}`,
          symbol: r.patched.rawName,
        });
      }
    }
  },
};

/** Key → kind of every removed symbol the compiler did not make (the last one wins, as listed). */
function removedKinds(lists: readonly (readonly Outcome[])[]): Map<string, Outcome["kind"]> {
  const removed = new Map<string, Outcome["kind"]>();
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.status !== "removed" || !r.original) continue;
      const name = r.original.name;
      if (!name.compilerMade) removed.set(name.key, r.kind);
    }
  }
  return removed;
}
