import { type DwarfInfo, type Subprogram, type TypeId, typeSpelling } from "@elfdelta/elf";
import type { DebugInfo } from "../debuginfo.js";
import { addDetail, type Outcome } from "./outcome.js";

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
    const a = original.subprogramBySymbol.get(r.original.rawName);
    const b = patched.subprogramBySymbol.get(r.patched.rawName);
    if (!a || !b) continue;
    if (sameSignature(a, b, spellO, spellP)) continue;
    const name = r.original.name.base;
    const sa = signatureOf(original.info, a, name, spellO);
    const sb = signatureOf(patched.info, b, name, spellP);
    if (sa === sb) continue;
    addDetail(r, { kind: "signature", original: sa, patched: sb });
    if (r.status === "unchanged") r.status = "changed";
    out.push({ outcome: r, original: sa, patched: sb });
  }
  return out;
}

/**
 * Same return type, parameter types and variadic flag: then the spelled signatures are equal too, and need
 * not be built (the common case). `false` only means "spell them and compare".
 */
function sameSignature(
  a: Subprogram,
  b: Subprogram,
  spellO: (id: TypeId | undefined) => string,
  spellP: (id: TypeId | undefined) => string,
): boolean {
  if (a.params.length !== b.params.length || Boolean(a.variadic) !== Boolean(b.variadic)) return false;
  if (spellO(a.returns) !== spellP(b.returns)) return false;
  for (let i = 0; i < a.params.length; i++)
    if (spellO(a.params[i]!.type) !== spellP(b.params[i]!.type)) return false;
  return true;
}
