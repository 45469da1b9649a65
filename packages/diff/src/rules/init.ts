import type { Rule } from "./rule.js";

/** Initialisation code (.init.text, constructors listed in .init_array/.ctors) that changed or appeared. */
export const initRules: Rule = {
  ids: ["init-code-changed", "init-code-new"],
  run(ctx) {
    const a = ctx.analysis;
    // Indexed: an iterator made a result object per function.
    for (let i = 0; i < a.functions.length; i++) {
      const r = a.functions[i]!;
      if (r.status === "changed" && r.original && a.init.original.has(r.original.index)) {
        ctx.emit("init-code-changed", {
          message: `${r.original.rawName}() runs once at load time (${a.init.why(r.original)}) and changed`,
          symbol: r.original.rawName,
          section: a.keys.view("original").sectionName(r.original.section),
        });
      } else if (r.status === "new" && r.patched && a.init.patched.has(r.patched.index)) {
        ctx.emit("init-code-new", {
          message: `new initialisation function ${r.patched.rawName}() would not run in a live process`,
          symbol: r.patched.rawName,
          section: a.keys.view("patched").sectionName(r.patched.section),
        });
      }
    }
    for (const c of a.init.listChanges) {
      ctx.emit("init-code-changed", { message: c.message, section: c.section });
    }
  },
};
