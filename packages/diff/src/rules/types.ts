import type { Rule } from "./rule.js";

/** Changed layouts of the types the object uses: structs/unions/classes, enums, typedefs. */
export const typeRules: Rule = {
  ids: ["struct-layout-changed", "enum-changed", "enum-extended", "typedef-changed"],
  run(ctx) {
    for (const t of ctx.analysis.types ?? []) {
      if (t.status !== "changed") continue;
      const users = t.usedBy.length > 0 ? ` (used by ${list(t.usedBy)})` : "";
      const untagged = (t.original ?? t.patched)?.viaTypedef === true;
      const what =
        t.kind === "typedef"
          ? `typedef ${t.name}`
          : untagged
            ? `${t.name} (an untagged ${t.kind})`
            : `${t.kind} ${t.name}`;
      const first = t.changes[0]?.message ?? "changed";
      const more =
        t.changes.length > 1
          ? ` and ${t.changes.length - 1} more change${t.changes.length > 2 ? "s" : ""}`
          : "";
      const message = `${what}: ${first}${more}${users}`;
      if (t.kind === "enum") {
        const breaking = t.changes.some((c) => c.kind !== "enumerator-added");
        ctx.emit(breaking ? "enum-changed" : "enum-extended", { message, type: t.name });
      } else if (t.kind === "typedef") {
        ctx.emit("typedef-changed", { message, type: t.name });
      } else {
        ctx.emit("struct-layout-changed", { message, type: t.name });
      }
    }
  },
};

function list(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `${n}()`);
  return names.length > 5 ? `${shown.join(", ")} and ${names.length - 5} more` : shown.join(", ");
}
