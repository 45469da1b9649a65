import type { Rule } from "./rule.js";

/**
 * Binding or type changes: a paired symbol whose STB_/STT_ changed, and a name that is a function in one
 * build and a data object in the other (they cannot pair, so one is removed and the other new).
 */
export const symbolRules: Rule = {
  ids: ["symbol-binding-changed"],
  run(ctx) {
    const a = ctx.analysis;
    for (const r of [...a.functions, ...a.data]) {
      if (r.status !== "changed" || !r.original) continue;
      for (const d of r.details) {
        if (d.kind === "binding") {
          ctx.emit("symbol-binding-changed", {
            message: `${r.original.name.raw}: binding changed from ${d.original} to ${d.patched}`,
            symbol: r.original.name.raw,
          });
        } else if (d.kind === "symbol-type") {
          ctx.emit("symbol-binding-changed", {
            message: `${r.original.name.raw}: symbol type changed from ${d.original} to ${d.patched}`,
            symbol: r.original.name.raw,
          });
        }
      }
    }
    // Same name, other kind: removed as one, new as the other.
    const removed = new Map<string, string>();
    for (const r of [...a.functions, ...a.data]) {
      if (r.status === "removed" && r.original && !r.original.name.compilerMade)
        removed.set(r.original.name.key, r.kind);
    }
    for (const r of [...a.functions, ...a.data]) {
      if (r.status !== "new" || !r.patched) continue;
      const was = removed.get(r.patched.name.key);
      if (was === undefined || was === r.kind) continue;
      const before = was === "function" ? "a function" : "a data object";
      const after = r.kind === "function" ? "a function" : "a data object";
      ctx.emit("symbol-binding-changed", {
        message: `${r.patched.name.raw} was ${before} and is now ${after}`,
        symbol: r.patched.name.raw,
      });
    }
  },
};
