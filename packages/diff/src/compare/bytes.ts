import { type Entity, lowerBound, type ObjectView, type Target } from "../object.js";
import type { ReasonDetail } from "../report.js";
import { type Keys, maskedRange, type Side } from "./keys.js";

/**
 * The relocation-aware comparison of one symbol's bytes in two builds, shared by functions and data: bytes
 * equal once relocation fields are masked, and relocations that correspond one to one (same type, same
 * offset, same target key). Returns what differs, as structured details; empty means identical.
 */

export interface RangeDiff {
  readonly sizeChanged: boolean;
  /** First differing byte offset of the masked bytes (within the common length), or -1. */
  readonly firstByte: number;
  readonly relocsDiffer: boolean;
  readonly details: ReasonDetail[];
}

const MAX_REFERENCE_DETAILS = 6;

export function compareRanges(keys: Keys, o: Entity, p: Entity): RangeDiff {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const details: ReasonDetail[] = [];
  const sizeChanged = o.size !== p.size;
  if (sizeChanged) details.push({ kind: "size", original: o.size, patched: p.size });

  // Bytes: raw equality first (the common case), masked comparison only when the raw bytes differ.
  let firstByte = -1;
  const oNobits = o.nobits || o.section < 0;
  const pNobits = p.nobits || p.section < 0;
  if (!(oNobits && pNobits)) {
    const same = !oNobits && !pNobits && o.size === p.size && sameBytes(ov, o, pv, p);
    if (!same) {
      const ob = oNobits ? new Uint8Array(o.size) : ov.entityBytes(o);
      const pb = pNobits ? new Uint8Array(p.size) : pv.entityBytes(p);
      const om = oNobits ? ob : maskedRange(ov, o.section, o.start, o.start + o.size);
      const pm = pNobits ? pb : maskedRange(pv, p.section, p.start, p.start + p.size);
      const n = Math.min(om.length, pm.length);
      for (let i = 0; i < n; i++) {
        if (om[i] !== pm[i]) {
          firstByte = i;
          break;
        }
      }
      if (firstByte >= 0) {
        details.push({
          kind: "bytes",
          offset: firstByte,
          original: hexSpan(ob, firstByte),
          patched: hexSpan(pb, firstByte),
        });
      }
    }
  }

  // Relocations: a numeric pass first (no strings, no objects), the detailed one only when they differ.
  if (sameRelocations(keys, o, p)) return { sizeChanged, firstByte, relocsDiffer: false, details };
  let relocsDiffer = false;
  const oRefs = refList(keys, "original", o);
  const pRefs = refList(keys, "patched", p);
  if (oRefs.length !== pRefs.length) relocsDiffer = true;
  let firstReloc = -1;
  const n = Math.min(oRefs.length, pRefs.length);
  for (let i = 0; i < n; i++) {
    if (oRefs[i]!.key !== pRefs[i]!.key) {
      relocsDiffer = true;
      firstReloc = i;
      break;
    }
  }
  if (relocsDiffer) {
    if (firstReloc < 0) firstReloc = n;
    const a = oRefs[firstReloc];
    const b = pRefs[firstReloc];
    if (
      a &&
      b &&
      a.offset === b.offset &&
      a.type === b.type &&
      a.target.kind !== "chunk" &&
      madeKey(a) === undefined
    ) {
      details.push({ kind: "relocation", offset: a.offset, type: a.type, original: a.text, patched: b.text });
    }
    const refs = referenceChanges(oRefs, pRefs);
    // A changed string literal is said once, as such, not also as "the relocation now refers to".
    const str = refs.find((d) => d.kind === "string");
    if (str && str.kind === "string") {
      const i = details.findIndex(
        (d) =>
          d.kind === "relocation" &&
          d.original === JSON.stringify(str.original) &&
          d.patched === JSON.stringify(str.patched),
      );
      if (i >= 0) details.splice(i, 1);
    }
    details.push(...refs);
  }
  return { sizeChanged, firstByte, relocsDiffer, details };
}

/** True when the relocations of `o` and `p` correspond one to one (same type, place and target). */
function sameRelocations(keys: Keys, o: Entity, p: Entity): boolean {
  try {
    return sameRelocationsOnce(keys, o, p);
  } finally {
    keys.view("original").relocsOnceDone();
    keys.view("patched").relocsOnceDone();
  }
}

function sameRelocationsOnce(keys: Keys, o: Entity, p: Entity): boolean {
  const ov = keys.view("original");
  const pv = keys.view("patched");
  const oEmpty = o.section < 0 || o.nobits;
  const pEmpty = p.section < 0 || p.nobits;
  if (oEmpty || pEmpty) return oEmpty && pEmpty;
  // Decoded for this look only: most pairs are the same, and their sections are not visited again.
  const ro = ov.relocsOnce(o.section);
  const rp = pv.relocsOnce(p.section);
  const i0 = lowerBound(ro.offsets, o.start);
  const i1 = lowerBound(ro.offsets, o.start + o.size);
  const j0 = lowerBound(rp.offsets, p.start);
  const j1 = lowerBound(rp.offsets, p.start + p.size);
  if (i1 - i0 !== j1 - j0) return false;
  for (let k = 0; k < i1 - i0; k++) {
    const i = i0 + k;
    const j = j0 + k;
    if (ro.types[i] !== rp.types[j] || ro.offsets[i]! - o.start !== rp.offsets[j]! - p.start) return false;
    // Symbols that are entities or external on both sides compare without resolving anything.
    const so = ro.symbols[i]!;
    const sp = rp.symbols[j]!;
    const eo = ov.entityOfSymbol(so);
    const ep = pv.entityOfSymbol(sp);
    if (eo && ep) {
      if (ro.addends[i] !== rp.addends[j] || !keys.paired(eo, ep)) return false;
      continue;
    }
    if (!eo && !ep) {
      const xo = ov.externalName(so);
      const xp = xo === undefined ? undefined : pv.externalName(sp);
      if (xo !== undefined && xp !== undefined) {
        // Both `external` targets (see ObjectView.target): same name, same addend.
        if (xo !== xp || ro.addends[i] !== rp.addends[j]) return false;
        continue;
      }
      // A section symbol (or local label) plus an addend inside an entity on both sides: `target()` would
      // make both `entity` targets, offset from the entity's start; compared without making them.
      const to = ov.entityTarget(ro, i);
      const tp = to === undefined ? undefined : pv.entityTarget(rp, j);
      if (to !== undefined && tp !== undefined) {
        if (ov.pointOf(ro, i) - to.start !== pv.pointOf(rp, j) - tp.start || !keys.paired(to, tp))
          return false;
        continue;
      }
    }
    if (!keys.sameTarget(ov.target(ro, i), pv.target(rp, j))) return false;
  }
  return true;
}

interface Ref {
  readonly offset: number;
  readonly type: string;
  /** The comparison key (place, type and target). */
  readonly key: string;
  /** The target's key alone, for "what is referenced" differences. */
  readonly targetKey: string;
  readonly text: string;
  readonly target: Target;
  /** For chunk targets: the section's key. */
  readonly sectionKey?: string;
}

function refList(keys: Keys, side: Side, e: Entity): Ref[] {
  if (e.section < 0 || e.nobits) return [];
  const view = keys.view(side);
  const r = view.relocs(e.section);
  const [from, to] = view.relocRange(e.section, e.start, e.start + e.size);
  const out: Ref[] = new Array(to - from);
  for (let i = from; i < to; i++) {
    const t = view.target(r, i);
    const targetKey = keys.targetKey(side, t);
    const offset = r.offsets[i]! - e.start;
    out[i - from] = {
      offset,
      type: view.relocTypeName(r.types[i]!),
      key: `${r.types[i]}@${offset}>${targetKey}`,
      targetKey,
      get text() {
        return describeTarget(view, t);
      },
      target: t,
      ...(t.kind === "chunk" ? { sectionKey: view.sectionKey(t.section) } : {}),
    };
  }
  return out;
}

/** What the patched build references that the original does not, and the other way round. */
function referenceChanges(oRefs: readonly Ref[], pRefs: readonly Ref[]): ReasonDetail[] {
  const count = (refs: readonly Ref[]) => {
    const m = new Map<string, { n: number; ref: Ref }>();
    for (const r of refs) {
      if (r.target.kind === "none") continue;
      const c = m.get(r.targetKey);
      if (c) c.n++;
      else m.set(r.targetKey, { n: 1, ref: r });
    }
    return m;
  };
  const om = count(oRefs);
  const pm = count(pRefs);
  const added: Ref[] = [];
  const removed: Ref[] = [];
  for (const [k, v] of pm) if (!om.has(k)) added.push(v.ref);
  for (const [k, v] of om) if (!pm.has(k)) removed.push(v.ref);
  const out: ReasonDetail[] = [];
  // Unnamed data (a jump table, a TOC entry) that is there in both builds with other contents.
  // Compiler-made statics (CSWTCH, _rs, __func__) are never paired: the same one with other contents.
  const chunkSection = (r: Ref) => (r.target.kind === "chunk" ? r.sectionKey : madeKey(r));
  for (let i = 0; i < added.length; i++) {
    const sk = chunkSection(added[i]!);
    if (sk === undefined) continue;
    const j = removed.findIndex((r) => chunkSection(r) === sk);
    if (j < 0) continue;
    out.push({ kind: "referenced-data-changed", target: added[i]!.text.replace(/ at 0x[0-9a-f]+$/, "") });
    added.splice(i--, 1);
    removed.splice(j, 1);
  }
  const addedStrings = added.filter((r) => r.target.kind === "string");
  const removedStrings = removed.filter((r) => r.target.kind === "string");
  if (addedStrings.length === 1 && removedStrings.length === 1) {
    const a = addedStrings[0]!.target;
    const b = removedStrings[0]!.target;
    if (a.kind === "string" && b.kind === "string")
      out.push({ kind: "string", original: b.text, patched: a.text });
  }
  const pairedStrings = out.length > 0;
  for (const r of added.slice(0, MAX_REFERENCE_DETAILS)) {
    if (pairedStrings && r.target.kind === "string") continue;
    out.push({ kind: "reference-added", target: r.text });
  }
  for (const r of removed.slice(0, MAX_REFERENCE_DETAILS)) {
    if (pairedStrings && r.target.kind === "string") continue;
    out.push({ kind: "reference-removed", target: r.text });
  }
  return out;
}

/** For a reference to a compiler-made static: its name without numbers (`CSWTCH`, `rate_a._rs`). */
function madeKey(r: Ref): string | undefined {
  return r.target.kind === "entity" && r.target.entity.compilerMade
    ? `made:${r.target.entity.nameKey}`
    : undefined;
}

/** A target as a person reads it: a symbol name, a quoted string, a section and offset. */
export function describeTarget(view: ObjectView, t: Target): string {
  switch (t.kind) {
    case "none":
      return "nothing";
    case "external":
    case "named":
      return t.name;
    case "absolute":
      return `${t.name} (absolute)`;
    case "entity":
      return view.primary(t.entity).rawName;
    case "string":
      return JSON.stringify(clip(t.text));
    case "constant":
      return `the constant 0x${t.hex} in ${view.sectionName(t.section)}`;
    case "chunk":
      return `unnamed data in ${view.sectionName(t.section)} at 0x${t.start.toString(16)}`;
    case "section":
      return `${view.sectionName(t.section)}+0x${t.offset.toString(16)}`;
    default:
      return "?";
  }
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The bytes of `o` and `p` (same size) are equal. Compared in the files' bytes when both sections are
 * stored uncompressed (no view per section), otherwise in the sections' decompressed contents.
 */
function sameBytes(ov: ObjectView, o: Entity, pv: ObjectView, p: Entity): boolean {
  const n = o.size;
  const a = ov.fileOffset(o.section, o.start, n);
  const b = a < 0 ? -1 : pv.fileOffset(p.section, p.start, n);
  if (a < 0 || b < 0) return equalRanges(ov.bytes(o.section), o.start, pv.bytes(p.section), p.start, n);
  const fa = ov.elf.bytes;
  const fb = pv.elf.bytes;
  if (n <= 64) {
    for (let k = 0; k < n; k++) if (fa[a + k] !== fb[b + k]) return false;
    return true;
  }
  return ov.fileBuffer.compare(pv.fileBuffer, b, b + n, a, a + n) === 0;
}

/** `a[i, i + n)` equals `b[j, j + n)` (both ranges inside their arrays). */
function equalRanges(a: Uint8Array, i: number, b: Uint8Array, j: number, n: number): boolean {
  if (i + n > a.length || j + n > b.length) return false;
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length >= 64)
    return Buffer.from(a.buffer, a.byteOffset, a.length).equals(
      Buffer.from(b.buffer, b.byteOffset, b.length),
    );
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hexSpan(b: Uint8Array, at: number): string {
  const parts: string[] = [];
  for (let i = at; i < Math.min(b.length, at + 8); i++) parts.push(b[i]!.toString(16).padStart(2, "0"));
  return parts.join(" ");
}
