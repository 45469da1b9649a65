import type { Analysis } from "../../analysis.js";
import type { Outcome } from "../../compare/outcome.js";
import type { Entity } from "../../object.js";
import { dataLabel, dataRules } from "../../rules/data.js";
import type { Rule } from "../../rules/rule.js";
import { sectionRules } from "../../rules/sections.js";
import { word32 } from "./arch.js";
import type { Entry } from "./entries.js";
import { kernelPair } from "./pair.js";

/** Sections of one-time flags (`WARN_ONCE`, `printk_once`, `RCU_LOCKDEP_WARN`): changing them is allowed. */
const ONCE_SECTIONS: ReadonlySet<string> = new Set([".data.once", ".data.unlikely"]);

/** `.init.data`, `.init.rodata`, ...: initialisation data (not `.init.text`: that is code, see initRules). */
function isInitData(section: string): boolean {
  return section.startsWith(".init.") && !section.startsWith(".init.text");
}

const sectionOf = (a: Analysis, e: Entity) => a.keys.view("original").sectionName(e.section);

/**
 * Existing data: the general rules (`data-changed`, `data-size-changed`, `data-section-changed`), except
 * that changed init data is `init-code-changed` (it was used during boot and freed) and the once-flag
 * sections may change.
 */
export const kernelDataRules: Rule = {
  ids: ["data-changed", "data-size-changed", "data-section-changed", "init-code-changed"],
  run(ctx) {
    const a = ctx.analysis;
    const rest: Outcome[] = [];
    for (const r of a.data) {
      const section = r.original ? sectionOf(a, r.original) : "";
      if (r.original && ONCE_SECTIONS.has(section)) continue;
      if (r.original && isInitData(section)) {
        if (r.status === "changed" && !r.original.compilerMade) {
          ctx.emit("init-code-changed", {
            message: `${dataLabel(a, r)} in ${section} changed: init data was used during boot and freed, a live patch cannot change it`,
            symbol: r.original.rawName,
            section,
          });
        }
        continue;
      }
      rest.push(r);
    }
    dataRules.run({ analysis: { ...a, data: rest }, emit: (id, site) => ctx.emit(id, site) });
  },
};

/** The general unnamed-section warning, except for the special sections the profile compares entry by entry. */
export const kernelSectionRules: Rule = {
  ids: sectionRules.ids,
  run(ctx) {
    const a = ctx.analysis;
    const pair = kernelPair(a.keys);
    const changes = a.sectionChanges.filter(
      (c) => !ONCE_SECTIONS.has(c.section) && pair.table.layoutOf(c.section) === undefined,
    );
    sectionRules.run({ analysis: { ...a, sectionChanges: changes }, emit: (id, site) => ctx.emit(id, site) });
  },
};

/** A changed function that has no profiling entry in the running (original) build. */
export const noPatchableEntryRules: Rule = {
  ids: ["no-patchable-entry"],
  run(ctx) {
    const a = ctx.analysis;
    const pair = kernelPair(a.keys);
    for (const r of a.functions) {
      if (r.status !== "changed" || !r.original || !r.patched) continue;
      if (a.corr.parentOriginal[r.original.index]! >= 0) continue; // .cold/.part: judged through the parent
      if (pair.original.profiling(r.original)) continue;
      const name = r.original.rawName;
      ctx.emit("no-patchable-entry", {
        message: `${name}() changed but has no profiling entry (no __fentry__/_mcount call, no patchable nops: notrace) in the original build, so ftrace cannot redirect it`,
        symbol: name,
        section: sectionOf(a, r.original),
      });
    }
  },
};

/** The name the report uses for the function of an outcome (original's, or patched's when new). */
function reportName(r: Outcome): string {
  return (r.status === "new" ? r.patched : r.original)!.rawName;
}

/** Jump labels and static calls, in changed or new functions, whose key this object does not define. */
export const moduleKeyRules: Rule = {
  ids: ["jump-label-module-key"],
  run(ctx) {
    const a = ctx.analysis;
    const pair = kernelPair(a.keys);
    const pv = pair.patched.view;
    for (const r of a.functions) {
      if ((r.status !== "changed" && r.status !== "new") || !r.patched) continue;
      for (const e of pair.patched.entries.byOwner.get(pv.primary(r.patched)) ?? []) {
        for (const t of e.keyTargets) {
          if (t.kind !== "external") continue;
          const name = reportName(r);
          ctx.emit("jump-label-module-key", {
            message: `${name}() has a ${e.layout.what} (${e.table} entry at +0x${e.ownerOffset.toString(16)}) whose key ${t.name} is not defined in this object (it lives in a module or in vmlinux)`,
            symbol: name,
            section: e.table,
          });
        }
      }
    }
  },
};

const EM_PPC64 = 21;

/**
 * ppc64: a changed or new function that ends in a sibling call (`b`, not `bl`) to a global function: in the
 * patch module it would reach the kernel's function with the module's TOC pointer.
 */
export const siblingCallRules: Rule = {
  ids: ["ppc64-sibling-call"],
  run(ctx) {
    const a = ctx.analysis;
    const pv = a.keys.view("patched");
    if (pv.machine !== EM_PPC64) return;
    const le = pv.elf.littleEndian;
    for (const r of a.functions) {
      if ((r.status !== "changed" && r.status !== "new") || !r.patched) continue;
      const p = r.patched;
      if (p.section < 0 || p.nobits) continue;
      const code = pv.bytes(p.section);
      const rel = pv.relocs(p.section);
      const [from, to] = pv.relocRange(p.section, p.start, p.start + p.size);
      for (let i = from; i < to; i++) {
        if (pv.relocTypeName(rel.types[i]!) !== "R_PPC64_REL24") continue;
        const at = rel.offsets[i]!;
        const w = word32(code, at & ~3, le);
        if (w >>> 26 !== 18 || (w & 3) !== 0) continue; // b, not bl / ba
        const sym = pv.symbol(rel.symbols[i]!);
        if (!sym || (sym.bind !== 1 && sym.bind !== 2)) continue; // STB_GLOBAL, STB_WEAK
        const target = pv.entityOfSymbol(sym.index);
        if (sym.name === p.rawName || (target && pv.primary(target) === pv.primary(p))) continue;
        const name = reportName(r);
        ctx.emit("ppc64-sibling-call", {
          message: `${name}() makes a sibling call (b ${sym.name} at +0x${(at - p.start).toString(16)}) to a global function: from the patch module it would run with the module's TOC pointer`,
          symbol: name,
          section: pv.sectionName(p.section),
        });
      }
    }
  },
};

/** Exports (`___ksymtab+f`, `___ksymtab_gpl+f`, `__ksymtab*`) by function, on one side. */
function exportsOf(entries: ReadonlyMap<Entity, readonly Entry[]>): Map<Entity, Entry[]> {
  const out = new Map<Entity, Entry[]>();
  for (const [owner, list] of entries) {
    if (owner.kind !== "function") continue;
    const ex = list.filter((e) => (e.export ?? e.layout.export) !== undefined);
    if (ex.length > 0) out.set(owner, ex);
  }
  return out;
}

const exportKind = (e: Entry) => e.export ?? e.layout.export;
const exportKey = (e: Entry) => `${exportKind(e)}|${e.key}`;
const exportName = (e: Entry) => (exportKind(e) === "gpl" ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL");

/**
 * `exported-symbol-changed`: a function the original exports whose interface changes (prototype, symbol
 * type or binding, or the export itself). `export-added`: the patched build exports a function the
 * original has but does not export; a live patch cannot add an export.
 */
export const exportRules: Rule = {
  ids: ["exported-symbol-changed", "export-added"],
  run(ctx) {
    const a = ctx.analysis;
    const pair = kernelPair(a.keys);
    const ov = pair.original.view;
    const pv = pair.patched.view;
    const before = exportsOf(pair.original.entries.byOwner);
    const after = exportsOf(pair.patched.entries.byOwner);
    const byOriginal = new Map<Entity, Outcome>();
    for (const r of a.functions) if (r.original) byOriginal.set(ov.primary(r.original), r);
    for (const [o, list] of before) {
      const r = byOriginal.get(o);
      const name = o.rawName;
      const why: string[] = [];
      if (!r?.patched) {
        why.push("it is removed");
      } else {
        const sig = a.signatures.find((s) => s.outcome === r);
        if (sig) why.push(`its prototype changed from ${sig.original} to ${sig.patched}`);
        for (const d of r.details) {
          if (d.kind === "binding") why.push(`its binding changed from ${d.original} to ${d.patched}`);
          if (d.kind === "symbol-type")
            why.push(`its symbol type changed from ${d.original} to ${d.patched}`);
        }
        const now = after.get(pv.primary(r.patched)) ?? [];
        if (now.length === 0) why.push("it is no longer exported");
        else {
          const k0 = list.map(exportKey).sort().join("\n");
          const k1 = now.map(exportKey).sort().join("\n");
          if (k0 !== k1) {
            why.push(
              `its export changed (${list.map(exportName).join(", ")} → ${now.map(exportName).join(", ")}, or its namespace)`,
            );
          }
        }
      }
      if (why.length === 0) continue;
      ctx.emit("exported-symbol-changed", {
        message: `${name}() is exported and ${why.join("; ")}: modules bound to the old interface would call the new code wrongly`,
        symbol: name,
      });
    }
    for (const [p, list] of after) {
      const o = a.keys.counterpart("patched", p);
      if (!o || before.has(ov.primary(o))) continue;
      ctx.emit("export-added", {
        message: `the patched build exports ${o.rawName}() (${list.map(exportName).join(", ")}), which the original does not: a live patch cannot add an export`,
        symbol: o.rawName,
      });
    }
  },
};

/** Special sections whose size does not fit the entry size the profile uses. */
export const layoutRules: Rule = {
  ids: ["special-section-size-mismatch"],
  run(ctx) {
    const pair = kernelPair(ctx.analysis.keys);
    for (const side of ["original", "patched"] as const) {
      for (const p of pair.side(side).entries.problems) {
        ctx.emit("special-section-size-mismatch", { message: `${side}: ${p.message}`, section: p.section });
      }
    }
  },
};
