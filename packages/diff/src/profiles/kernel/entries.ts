import { SHF, SHT } from "@elfdelta/elf";
import { describeTarget } from "../../compare/bytes.js";
import { type Keys, maskedRange, type Side } from "../../compare/keys.js";
import {
  type Entity,
  hex,
  lowerBound,
  type ObjectView,
  type SectionRelocs,
  type Target,
} from "../../object.js";
import type { LayoutTable, SectionLayout } from "./tables/index.js";
import { canonicalSection } from "./tables/index.js";

/**
 * The special sections of one build cut into entries, each attributed to the function (or object) its
 * owner field points at, with a key that is equal in the two builds exactly when the entry says the same
 * thing: every field resolved to what it points at (a correlated symbol and the offset in it, a string's
 * text, the code of a `.fixup` stub or an alternative replacement and where it branches back to), raw
 * fields by value. Where an entry sits in its table, and where its stub or string sits in theirs, do not
 * matter. The `__bug_table` line is kept apart, so that a line-only change can be told from a real one.
 */

export interface Entry {
  /** The section's canonical name (`___ksymtab` for `___ksymtab+f`). */
  readonly table: string;
  readonly section: number;
  readonly layout: SectionLayout;
  /** Offset of the entry in its section. */
  readonly at: number;
  /** The function or object the owner field points at (a primary entity), and where in it. */
  readonly owner: Entity;
  readonly ownerOffset: number;
  /** Every other field, comparable across builds. */
  readonly key: string;
  /** The line field, for layouts that have one. */
  readonly line?: number;
  /** The fields in words, for messages. */
  readonly text: string;
  /** What the key field points at (`layout.key`). */
  readonly keyTargets: readonly Target[];
  /** For exports: plain or GPL-only (when the entry says, rather than its section). */
  readonly export?: "plain" | "gpl";
}

export interface SideEntries {
  /** Primary entity → its entries, in section then offset order. */
  readonly byOwner: ReadonlyMap<Entity, readonly Entry[]>;
  /** Sections whose entries could not be cut as the table says (size not a multiple of the entry size). */
  readonly problems: readonly { readonly section: string; readonly message: string }[];
  /** Indexes of the sections the table knows, whatever their role. */
  readonly special: ReadonlySet<number>;
}

export function indexEntries(keys: Keys, side: Side, table: LayoutTable): SideEntries {
  const view = keys.view(side);
  const byOwner = new Map<Entity, Entry[]>();
  const problems: { section: string; message: string }[] = [];
  const special = new Set<number>();
  const add = (e: Entry) => {
    const list = byOwner.get(e.owner);
    if (list) list.push(e);
    else byOwner.set(e.owner, [e]);
  };
  const headers = view.elf.headers;
  for (let index = 1; index < headers.count; index++) {
    const type = headers.type(index);
    if (type === SHT.NULL || type === SHT.SYMTAB || type === SHT.STRTAB) continue;
    if (type === SHT.REL || type === SHT.RELA || type === SHT.GROUP) continue;
    const s = headers.at(index)!;
    if (s.index === 0 || s.type === SHT.NULL || s.type === SHT.SYMTAB || s.type === SHT.STRTAB) continue;
    if (s.type === SHT.REL || s.type === SHT.RELA || s.type === SHT.GROUP) continue;
    const strings = (s.flags & SHF.STRINGS) !== 0;
    const layout = table.layoutOf(s.name, strings ? undefined : s.entsize);
    if (!layout) continue;
    special.add(s.index);
    if (layout.role === "pool" || layout.role === "companion" || s.type === SHT.NOBITS) continue;
    const size = layout.size;
    if (size !== undefined && s.size % size !== 0) {
      problems.push({
        section: s.name,
        message: `${s.name} is ${s.size} bytes, not a whole number of ${size}-byte entries (${sizeOrigin(layout)}): its entries cannot be told apart`,
      });
    }
    if (layout.name === ".export_symbol") {
      for (const e of exportSymbols(keys, side, s.index, layout)) add(e);
      continue;
    }
    if (size === undefined || s.size % size !== 0) {
      for (const e of perRelocation(keys, side, s.index, layout)) add(e);
      continue;
    }
    const cut = new EntryCutter(keys, side, table, s.index, layout);
    const unowned: number[] = [];
    for (let at = 0; at + size <= s.size; at += size) {
      const e = cut.entry(at, size);
      if (e === "no-owner-field") unowned.push(at);
      else if (e) add(e);
    }
    if (unowned.length > 0) {
      const at = unowned.slice(0, 3).map((x) => `0x${x.toString(16)}`);
      problems.push({
        section: s.name,
        message: `${unowned.length} of the ${size}-byte entries of ${s.name} (${sizeOrigin(layout)}) have no relocation in their address field (at ${at.join(", ")}${unowned.length > 3 ? ", ..." : ""}): the entry size does not fit this object`,
      });
    }
  }
  return { byOwner, problems, special };
}

function sizeOrigin(l: SectionLayout & { source?: string }): string {
  return l.source === "override"
    ? "as overridden"
    : l.source === "entsize"
      ? "from its sh_entsize"
      : "the built-in size for this architecture; override it with --special-section-size";
}

/** Sections without a known entry size: one entry per relocation that points at a function or object. */
function perRelocation(keys: Keys, side: Side, section: number, layout: SectionLayout): Entry[] {
  const view = keys.view(side);
  const r = view.relocs(section);
  const out: Entry[] = [];
  const table = canonicalSection(view.sectionName(section));
  for (let i = 0; i < r.count; i++) {
    const t = view.target(r, i);
    if (t.kind !== "entity") continue;
    out.push({
      table,
      section,
      layout,
      at: r.offsets[i]!,
      owner: view.primary(t.entity),
      ownerOffset: Number(t.offset),
      key: view.relocTypeName(r.types[i]!),
      text: `a reference from ${table}`,
      keyTargets: [],
    });
  }
  return out;
}

/**
 * Linux 6.5+ `.export_symbol`: for each export, the license and namespace strings, then (aligned) a pointer
 * to the symbol. Each entry runs from the end of the previous pointer to the end of its own.
 */
function exportSymbols(keys: Keys, side: Side, section: number, layout: SectionLayout): Entry[] {
  const view = keys.view(side);
  const r = view.relocs(section);
  const data = view.bytes(section);
  const out: Entry[] = [];
  let start = 0;
  for (let i = 0; i < r.count; i++) {
    const at = r.offsets[i]!;
    const t = view.target(r, i);
    const texts = new TextDecoder().decode(data.subarray(start, Math.max(start, at))).split("\0");
    start = at + Math.max(1, view.relocType(r.types[i]!)?.width ?? 8);
    if (t.kind !== "entity") continue;
    const license = texts[0] ?? "";
    const ns = texts[1] ?? "";
    out.push({
      table: ".export_symbol",
      section,
      layout,
      at,
      owner: view.primary(t.entity),
      ownerOffset: Number(t.offset),
      key: `${JSON.stringify(license)};${JSON.stringify(ns)}`,
      text: `${license === "GPL" ? "GPL-only, " : ""}namespace ${JSON.stringify(ns)}`,
      keyTargets: [],
      export: license === "GPL" ? "gpl" : "plain",
    });
  }
  return out;
}

class EntryCutter {
  readonly #keys: Keys;
  readonly #side: Side;
  readonly #view: ObjectView;
  readonly #table: LayoutTable;
  readonly #section: number;
  readonly #layout: SectionLayout;
  readonly #r: SectionRelocs;
  readonly #name: string;
  readonly #companion: { section: number; size: number } | undefined;

  constructor(keys: Keys, side: Side, table: LayoutTable, section: number, layout: SectionLayout) {
    this.#keys = keys;
    this.#side = side;
    this.#view = keys.view(side);
    this.#table = table;
    this.#section = section;
    this.#layout = layout;
    this.#r = this.#view.relocs(section);
    this.#name = canonicalSection(this.#view.sectionName(section));
    const c = layout.companion;
    const cs = c ? this.#view.elf.sectionByName(c.name) : undefined;
    this.#companion = c && cs ? { section: cs.index, size: c.size } : undefined;
  }

  /** The entry at `at`; "no-owner-field" when no relocation fills its address field (a wrong entry size). */
  entry(at: number, size: number): Entry | "no-owner-field" | undefined {
    const view = this.#view;
    const layout = this.#layout;
    const r = this.#r;
    const [from, to] = view.relocRange(this.#section, at, at + size);
    let owner: Entity | undefined;
    let ownerOffset = 0;
    let ownerIndex = -1;
    let field = false;
    for (let i = from; i < to; i++) {
      if (r.offsets[i]! - at !== layout.owner) continue;
      field = true;
      const t = view.target(r, i);
      if (t.kind === "entity") {
        owner = view.primary(t.entity);
        ownerOffset = Number(t.offset);
        ownerIndex = i;
      }
      break;
    }
    if (!field) return "no-owner-field";
    if (!owner) return undefined;

    const bytes = maskedRange(view, this.#section, at, at + size);
    let line: number | undefined;
    if (layout.line !== undefined && layout.line + 2 <= size) {
      const le = view.elf.littleEndian;
      const l = layout.line;
      line = le ? bytes[l]! | (bytes[l + 1]! << 8) : (bytes[l]! << 8) | bytes[l + 1]!;
      bytes[l] = 0;
      bytes[l + 1] = 0;
    }
    const parts = [hex(bytes, 0, bytes.length)];
    const words: string[] = [];
    const keyTargets: Target[] = [];
    for (let i = from; i < to; i++) {
      if (i === ownerIndex) continue;
      const rel = r.offsets[i]! - at;
      const type = view.relocTypeName(r.types[i]!);
      const { key, text } = this.#field(i, at, size, rel);
      parts.push(`${rel}:${type}:${key}`);
      if (text) words.push(layout.key === rel ? `key ${text}` : text);
      if (layout.key === rel) keyTargets.push(view.target(r, i));
    }
    if (line !== undefined) words.push(`line ${line}`);
    const c = this.#companion;
    if (c) {
      const k = at / size;
      const cb = maskedRange(view, c.section, k * c.size, (k + 1) * c.size);
      parts.push(`with:${hex(cb, 0, cb.length)}`);
    }
    return {
      table: this.#name,
      section: this.#section,
      layout,
      at,
      owner,
      ownerOffset,
      key: parts.join(";"),
      ...(line !== undefined ? { line } : {}),
      text: words.join(", "),
      keyTargets,
    };
  }

  /** One field: what it points at, as a key and in words. */
  #field(i: number, at: number, size: number, rel: number): { key: string; text: string } {
    const view = this.#view;
    const r = this.#r;
    const p = view.sectionPoint(r, i);
    if (p && p.section === this.#section) {
      const d = p.x - at;
      return { key: `self${d >= 0 ? "+" : ""}${d}`, text: "" };
    }
    if (p) {
      const pool = this.#table.layoutOf(view.sectionName(p.section));
      if (pool?.role === "pool") {
        let length: number | undefined;
        const pl = this.#layout.poolLength;
        if (pl && pl.field === rel && pl.byteAt < size) length = view.bytes(this.#section)[at + pl.byteAt];
        return {
          key: `pool:${poolDigest(this.#keys, this.#side, p.section, p.at, length)}`,
          text: pool.what,
        };
      }
    }
    const t = view.target(r, i);
    const at0 =
      t.kind === "entity" && t.offset !== 0n
        ? `${t.offset > 0n ? "+" : "-"}0x${(t.offset < 0n ? -t.offset : t.offset).toString(16)}`
        : "";
    return { key: this.#keys.targetKey(this.#side, t), text: `${describeTarget(view, t)}${at0}` };
  }
}

/**
 * The contents of a piece of pool code: `length` bytes (an alternative replacement), or up to the end of
 * its first relocation (a `.fixup` stub ends with the branch back into its function). Masked bytes, and
 * each relocation by what it points at.
 */
function poolDigest(keys: Keys, side: Side, section: number, at: number, length: number | undefined): string {
  const view = keys.view(side);
  const r = view.relocs(section);
  let end: number;
  if (length !== undefined) end = at + length;
  else {
    const j = lowerBound(r.offsets, at);
    const sectionEnd = view.section(section)?.size ?? at;
    end = j < r.count ? r.offsets[j]! + Math.max(1, view.relocType(r.types[j]!)?.width ?? 4) : sectionEnd;
  }
  const bytes = maskedRange(view, section, at, end);
  const parts = [hex(bytes, 0, bytes.length)];
  const [from, to] = view.relocRange(section, at, end);
  for (let i = from; i < to; i++) {
    parts.push(
      `${r.offsets[i]! - at}:${view.relocTypeName(r.types[i]!)}:${keys.targetKey(side, view.target(r, i), true)}`,
    );
  }
  return parts.join(";");
}
