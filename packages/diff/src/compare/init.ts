import { SHT } from "@elfdelta/elf";
import type { Entity, ObjectView } from "../object.js";
import type { Keys, Side } from "./keys.js";

/**
 * Initialisation code: functions in `.init.text*` (the kernel's __init), and functions listed in
 * `.init_array`, `.preinit_array` or `.ctors` (constructors). Both run once at load and never again.
 */
export interface InitAnalysis {
  readonly original: ReadonlySet<number>;
  readonly patched: ReadonlySet<number>;
  why(e: Entity): string;
  /** Constructor lists that lost or changed entries. */
  readonly listChanges: readonly { message: string; section: string }[];
}

const LIST_NAMES = [".init_array", ".preinit_array", ".ctors"];
const LIST_PREFIXES = LIST_NAMES.map((n) => `${n}.`);

function isInitList(view: ObjectView, index: number): boolean {
  const h = view.elf.headers;
  if (!h.has(index)) return false;
  const type = h.type(index);
  if (type === SHT.INIT_ARRAY || type === SHT.PREINIT_ARRAY) return true;
  const name = h.name(index);
  // Called for every section: no closure, no string built.
  for (let k = 0; k < LIST_NAMES.length; k++)
    if (name === LIST_NAMES[k] || name.startsWith(LIST_PREFIXES[k]!)) return true;
  return false;
}

function isInitText(name: string): boolean {
  return name === ".init.text" || name.startsWith(".init.text.");
}

export function analyseInit(keys: Keys): InitAnalysis {
  const listed = new Map<Entity, string>();
  const sets = (["original", "patched"] as const).map((side) => {
    const view = keys.view(side);
    const out = new Set<number>();
    // One pass over the sections (there can be hundreds of thousands), then only the functions in
    // .init.text* ones, if any.
    const initText = new Set<number>();
    const lists: number[] = [];
    for (let index = 0; index < view.elf.headers.count; index++) {
      if (isInitText(view.elf.headers.name(index))) initText.add(index);
      if (isInitList(view, index)) lists.push(index);
    }
    if (initText.size > 0) for (const f of view.functions) if (initText.has(f.section)) out.add(f.index);
    for (const index of lists) {
      const s = view.section(index)!;
      const r = view.relocs(s.index);
      for (let i = 0; i < r.count; i++) {
        const t = view.target(r, i);
        if (t.kind === "entity" && t.entity.kind === "function") {
          out.add(view.primary(t.entity).index);
          out.add(t.entity.index);
          listed.set(t.entity, s.name);
          listed.set(view.primary(t.entity), s.name);
        }
      }
    }
    return out;
  });

  const listChanges: { message: string; section: string }[] = [];
  const ov = keys.view("original");
  for (let index = 0; index < ov.elf.headers.count; index++) {
    if (!isInitList(ov, index)) continue;
    const s = ov.section(index)!;
    const pi = keys.corr.sections.forward[s.index]!;
    const before = entries(keys, "original", s.index);
    const after = pi >= 0 ? entries(keys, "patched", pi) : new Map<string, string>();
    for (const [k, text] of before) {
      if (!after.has(k))
        listChanges.push({ message: `${s.name} no longer runs ${text} at load time`, section: s.name });
    }
  }
  return {
    original: sets[0]!,
    patched: sets[1]!,
    why: (e) => {
      const via = listed.get(e);
      return via ? `listed in ${via}` : "in .init.text";
    },
    listChanges,
  };
}

function entries(keys: Keys, side: Side, section: number): Map<string, string> {
  const view = keys.view(side);
  const r = view.relocs(section);
  const out = new Map<string, string>();
  for (let i = 0; i < r.count; i++) {
    const t = view.target(r, i);
    const text = t.kind === "entity" ? `${view.primary(t.entity).rawName}()` : "an entry";
    out.set(keys.targetKey(side, t), text);
  }
  return out;
}
