import type { Subprogram } from "@elfdelta/elf";
import type { DebugInfo } from "../debuginfo.js";
import { addDetail, type Outcome } from "./outcome.js";

const MAX_INLINE_DETAILS = 4;

/** Shared by the functions that inline nothing: never mutated. */
const NO_CALLEES: ReadonlySet<string> = new Set();

/**
 * Explains changed functions by what was inlined into them (DWARF inlined subroutines): a callee that
 * changed itself, a callee whose every inlined copy changed, a callee inlined only in one build.
 */
export function explainInlining(functions: Outcome[], original: DebugInfo, patched: DebugInfo): void {
  // Callee name → the functions (outcomes) into which the original build inlines it, each once, in order.
  const inliners = new Map<string, Outcome[]>();
  // Indexed loops over every function: they run once per diff, mostly before V8 optimises them.
  for (let k = 0; k < functions.length; k++) {
    const r = functions[k]!;
    if (!r.original) continue;
    const sp = original.subprogramBySymbol.get(r.original.rawName);
    if (!sp) continue;
    const inlined = sp.inlined;
    for (let i = 0; i < inlined.length; i++) {
      const c = inlined[i]!;
      if (c.callee === "") continue;
      const list = inliners.get(c.callee);
      if (!list) inliners.set(c.callee, [r]);
      else if (list[list.length - 1] !== r) list.push(r); // r's calls come one after another
    }
  }
  // The outcome of each callee that is a function of its own: only callees are looked up, so only they are
  // indexed (not every function).
  const outcomeByKey = new Map<string, Outcome>();
  for (let k = 0; k < functions.length; k++) {
    const r = functions[k]!;
    const e = r.original ?? r.patched;
    if (!e) continue;
    const key = e.nameKey;
    if (inliners.has(key) && !outcomeByKey.has(key)) outcomeByKey.set(key, r);
  }
  const calleesOf = (debug: DebugInfo, name: string): ReadonlySet<string> => {
    const sp: Subprogram | undefined = debug.subprogramBySymbol.get(name);
    if (!sp || sp.inlined.length === 0) return NO_CALLEES;
    const out = new Set<string>();
    for (const c of sp.inlined) if (c.callee !== "") out.add(c.callee);
    return out;
  };
  for (let k = 0; k < functions.length; k++) {
    const r = functions[k]!;
    if (r.status !== "changed" || !r.original || !r.patched) continue;
    const a = calleesOf(original, r.original.rawName);
    const b = calleesOf(patched, r.patched.rawName);
    let n = 0;
    for (const c of a) {
      if (n >= MAX_INLINE_DETAILS) break;
      if (!b.has(c)) {
        addDetail(r, { kind: "inlined-callee", callee: c, evidence: "no longer inlined" });
        n++;
        continue;
      }
      const own = outcomeByKey.get(c);
      if (own && own.status === "changed" && own !== r) {
        addDetail(r, { kind: "inlined-callee", callee: c, evidence: "which changed" });
        n++;
        continue;
      }
      const users = inliners.get(c) ?? [];
      if (users.length >= 2 && users.every((u) => u.status === "changed")) {
        addDetail(r, {
          kind: "inlined-callee",
          callee: c,
          evidence: `every one of the ${users.length} functions that inline it changed`,
        });
        n++;
      }
    }
    for (const c of b) {
      if (n >= MAX_INLINE_DETAILS) break;
      if (!a.has(c)) {
        addDetail(r, { kind: "inlined-callee", callee: c, evidence: "newly inlined" });
        n++;
      }
    }
  }
}
