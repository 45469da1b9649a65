import type { Rule } from "./rule.js";

export const signatureRules: Rule = {
  ids: ["function-signature-changed"],
  run(ctx) {
    for (const s of ctx.analysis.signatures) {
      const name = s.outcome.original!.rawName;
      ctx.emit("function-signature-changed", { message: `${s.original} is now ${s.patched}`, symbol: name });
    }
  },
};
