import type { Rule } from "./rule.js";

export const sectionRules: Rule = {
  ids: ["section-changed"],
  run(ctx) {
    for (const c of ctx.analysis.sectionChanges)
      ctx.emit("section-changed", { message: c.message, section: c.section });
  },
};
