import { type DwarfInfo, type Subprogram, type TypeId, typeSpelling } from "@elfdelta/elf";
import type { DebugInfo } from "../debuginfo.js";
import type { Outcome } from "./outcome.js";

/** A function's C signature from DWARF: `int scale(int, double)`. `spell` may memoise type spellings. */
export function signatureOf(
  info: DwarfInfo,
  sp: Subprogram,
  name: string,
  spell: (id: TypeId | undefined) => string = (id) => typeSpelling(info, id),
): string {
  const params = sp.params.map((p) => spell(p.type));
  if (sp.variadic) params.push("...");
  return `${spell(sp.returns)} ${name}(${params.length > 0 ? params.join(", ") : "void"})`;
}

function memoSpelling(info: DwarfInfo): (id: TypeId | undefined) => string {
  const cache = new Map<TypeId | undefined, string>();
  return (id) => {
    let s = cache.get(id);
    if (s === undefined) {
      s = typeSpelling(info, id);
      cache.set(id, s);
    }
    return s;
  };
}

/**
 * Adds a `signature` detail to every paired function whose parameters or return type changed, and returns
 * them. A changed signature is a change even when the machine code happens to be identical.
 */
export function compareSignatures(
  functions: Outcome[],
  original: DebugInfo,
  patched: DebugInfo,
): { outcome: Outcome; original: string; patched: string }[] {
  const out: { outcome: Outcome; original: string; patched: string }[] = [];
  const spellO = memoSpelling(original.info);
  const spellP = memoSpelling(patched.info);
  for (const r of functions) {
    if (!r.original || !r.patched) continue;
    const a = original.subprogramBySymbol.get(r.original.name.raw);
    const b = patched.subprogramBySymbol.get(r.patched.name.raw);
    if (!a || !b) continue;
    const name = r.original.name.base;
    const sa = signatureOf(original.info, a, name, spellO);
    const sb = signatureOf(patched.info, b, name, spellP);
    if (sa === sb) continue;
    r.details.push({ kind: "signature", original: sa, patched: sb });
    if (r.status === "unchanged") r.status = "changed";
    out.push({ outcome: r, original: sa, patched: sb });
  }
  return out;
}
