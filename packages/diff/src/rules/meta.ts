import type { Rule } from "./rule.js";

/** Facts about the comparison itself: DWARF that could not be used, nothing changed at all. */
export const metaRules: Rule = {
  ids: ["no-symbol-table", "no-debug-info", "no-change"],
  run(ctx) {
    const a = ctx.analysis;
    for (const side of ["original", "patched"] as const) {
      const view = a.keys.view(side);
      if (view.elf.symbolView === undefined) {
        ctx.emit("no-symbol-table", {
          message: `the ${side} object ${view.elf.path ?? ""} has no symbol table (stripped?)`,
        });
      }
    }
    if (a.types === undefined) {
      const why = a.debug.problems.length > 0 ? a.debug.problems.join("; ") : "no DWARF";
      ctx.emit("no-debug-info", { message: `type layouts were not compared: ${why}` });
    }
    const moved = (xs: readonly { status: string }[] | undefined) =>
      (xs ?? []).some((x) => x.status !== "unchanged");
    if (!moved(a.functions) && !moved(a.data) && !moved(a.types)) {
      ctx.emit("no-change", { message: "no function, data object or type changed" });
    }
  },
};
