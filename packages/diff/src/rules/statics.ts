import type { Rule } from "./rule.js";

/** A paired function that used a static local and no longer uses it (or its counterpart). */
export const staticLocalRules: Rule = {
  ids: ["static-local-removed"],
  run(ctx) {
    const a = ctx.analysis;
    const ov = a.keys.view("original");
    const pv = a.keys.view("patched");
    // Only static locals the compiler did not make can be reported: without any, nothing to look at (and
    // no need to index every relocation of both builds).
    let any = false;
    for (const i of a.corr.staticsOriginal.keys()) {
      if (!ov.entities[i]!.compilerMade) {
        any = true;
        break;
      }
    }
    if (!any) return;
    for (let i = 0; i < a.functions.length; i++) {
      const r = a.functions[i]!;
      if (!r.original || !r.patched) continue;
      let after: Set<number> | undefined;
      for (const s of ov.references(r.original)) {
        const st = a.corr.staticsOriginal.get(s.index);
        if (!st || s.compilerMade) continue;
        // Another function's static (reached through inlining, or an anchor GCC shares between objects).
        if (st.owner !== undefined && st.owner !== r.original.name.base) continue;
        const counterpart = a.keys.counterpart("original", s);
        after ??= new Set(pv.references(r.patched).map((e) => e.index));
        if (counterpart && after.has(counterpart.index)) continue;
        // Still declared in the same function (DWARF or clang's name says so): not dropped, only reached
        // another way (GCC section anchors hide which object an access touches).
        const owner = counterpart ? a.corr.staticsPatched.get(counterpart.index)?.owner : undefined;
        if (owner !== undefined && owner === r.patched.name.base) continue;
        const fn = r.original.rawName;
        ctx.emit("static-local-removed", {
          message: `${fn}() no longer uses the static local ${st.variable}${st.owner && st.owner !== r.original.name.base ? ` of ${st.owner}()` : ""}`,
          symbol: fn,
        });
      }
    }
  },
};
