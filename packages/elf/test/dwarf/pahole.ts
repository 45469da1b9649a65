/**
 * Reads pahole's layout output and compares it with `readDwarf`'s model: the differential oracle for struct
 * layouts. pahole (from dwarves) reads DWARF with elfutils' libdw, an implementation independent of ours.
 *
 * pahole prints each struct/union/class as C with a `/* offset size *\/` comment per member, and bit-fields as
 * `/* byte:bit size *\/`, where byte·8 + bit is the bit-field's absolute bit offset (pahole normalises DWARF 4
 * `DW_AT_bit_offset` itself, for both byte orders). Anonymous struct/union members are expanded inline, with
 * offsets relative to the outermost struct. Everything else (holes, cacheline markers, `:0` padding that pahole
 * infers, statistics) is commentary to skip.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DwarfInfo, DwarfType, Member } from "../../src/index.js";

export interface PaholeMember {
  /** The declared name ("" for an anonymous struct/union member). */
  readonly name: string;
  /** Byte offset as printed (for bit-fields: the byte of pahole's storage unit). */
  readonly offset: number;
  readonly size: number;
  /** Absolute bit offset (byte·8 + bit) and width, for bit-fields. */
  readonly bitOffset?: number;
  readonly bitSize?: number;
  /** The inline layout of an anonymous struct/union member (offsets relative to the outermost struct). */
  readonly nested?: PaholeStruct;
  /** The declaration text, for messages. */
  readonly decl: string;
}

export interface PaholeStruct {
  readonly kind: string;
  readonly name: string;
  size?: number;
  readonly members: PaholeMember[];
  /** pahole printed `<ERROR(...)>` lines instead of some members (types it cannot resolve). */
  errors: number;
}

const MEMBER = /^(.*?);\s*\/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*\/\s*$/;
const OPEN = /^(struct|union|class|enum)\b(.*)\{\s*$/;

/** The member name in a C declarator (`int (*f)(int)`, `char a[3][4]`, `unsigned x:3`, `} name`). */
function declName(decl: string): { name: string; bits?: number } {
  let d = decl.trim();
  let bits: number | undefined;
  const bm = /:(\d+)$/.exec(d);
  if (bm) {
    bits = Number(bm[1]);
    d = d.slice(0, bm.index).trim();
  }
  d = d.replace(/\s*<ancestor>$/, "");
  const fp = /\(\s*\*+\s*(?:const\s+)?([A-Za-z_$.][\w$.]*)\s*\)/.exec(d);
  if (fp) return { name: fp[1]!, ...(bits !== undefined ? { bits } : {}) };
  d = d.replace(/(\[[^\]]*\])+$/, "").trim();
  const m = /([A-Za-z_$.][\w$.]*)$/.exec(d);
  const name = d.startsWith("}") ? (m && d !== "}" ? m[1]! : "") : (m?.[1] ?? "");
  return { name, ...(bits !== undefined ? { bits } : {}) };
}

/** Parses pahole's output into its top-level structs, in output order. */
export function parsePahole(text: string): PaholeStruct[] {
  const out: PaholeStruct[] = [];
  const stack: PaholeStruct[] = [];
  for (const raw of text.split("\n")) {
    if (stack.length === 0) {
      // `struct name {`, `struct Box<long int> {`, `class Square : public Shape {`, `struct {` (anonymous).
      const m =
        /^(struct|union|class)\b\s*(.*?)\s*(?::\s*(?:public|protected|private|virtual)\b[^{]*)?\{\s*$/.exec(
          raw,
        );
      if (m) stack.push({ kind: m[1]!, name: m[2] ?? "", members: [], errors: 0 });
      continue;
    }
    const line = raw.replace(/^\t+/, "").replace(/^ +/, "");
    const top = stack[stack.length - 1]!;
    if (line.includes("<ERROR(")) {
      for (const s of stack) s.errors++;
      continue;
    }
    const size = /^\/\* size: (\d+),/.exec(line);
    if (size && stack.length === 1) {
      top.size = Number(size[1]);
      continue;
    }
    // A base class subobject: `/* class Shape <ancestor>; */ /* 0 8 */`.
    const ancestor = /^\/\*\s*(.*<ancestor>);\s*\*\/\s*\/\*\s*(\d+)\s+(\d+)\s*\*\/\s*$/.exec(line);
    if (ancestor) {
      top.members.push({
        name: "",
        offset: Number(ancestor[2]),
        size: Number(ancestor[3]),
        decl: ancestor[1]!,
      });
      continue;
    }
    if (line.startsWith("/*")) continue;
    const open = OPEN.exec(line);
    if (open) {
      stack.push({ kind: open[1]!, name: "", members: [], errors: 0 });
      continue;
    }
    if (line.startsWith("}")) {
      const closed = stack.pop()!;
      if (stack.length === 0) {
        out.push(closed);
        continue;
      }
      const mm = MEMBER.exec(line);
      if (!mm) continue; // a nested type without a member comment: nothing to compare
      const { name } = declName(mm[1]!);
      if (closed.kind === "enum") {
        // An anonymous enum member: a plain member whose type is printed inline.
        stack[stack.length - 1]!.members.push({
          name,
          offset: Number(mm[2]),
          size: Number(mm[4]),
          decl: mm[1]!,
        });
        continue;
      }
      stack[stack.length - 1]!.members.push({
        name,
        offset: Number(mm[2]),
        size: Number(mm[4]),
        nested: closed,
        decl: mm[1]!,
      });
      continue;
    }
    if (top.kind === "enum") continue;
    // C++ static data members (DWARF 4 writes them as DW_TAG_member): pahole lists them at offset 0; they take
    // no room in the layout, and our model leaves them out.
    if (line.startsWith("static ")) continue;
    const mm = MEMBER.exec(line);
    if (!mm) continue; // `type :0;` padding that pahole infers, blank lines
    const { name, bits } = declName(mm[1]!);
    const member: PaholeMember =
      mm[3] !== undefined
        ? {
            name,
            offset: Number(mm[2]),
            size: Number(mm[4]),
            bitOffset: Number(mm[2]) * 8 + Number(mm[3]),
            bitSize: bits ?? 0,
            decl: mm[1]!,
          }
        : { name, offset: Number(mm[2]), size: Number(mm[4]), decl: mm[1]! };
    top.members.push(member);
  }
  return out;
}

export interface PaholeRun {
  readonly text: string;
  /** How pahole was made to read the file ("direct", or "decompressed with llvm-objcopy"). */
  readonly how: string;
}

export const PAHOLE_ARGS = [
  "-F",
  "dwarf",
  "-a",
  "--show_private_classes",
  "--suppress_aligned_attribute",
  "--suppress_packed",
];

/**
 * Runs pahole on `path`, falling back when it cannot read the file as it is:
 * 1. pahole on the file itself;
 * 2. when that prints no struct (a compression its libdw was built without: elfutils 0.188 has no zstd), on a
 *    copy whose debug sections llvm-objcopy decompressed;
 * 3. when `plausible` rejects the output (libdw 0.188 cannot apply LoongArch relocations, so every `strp` name
 *    reads as the string at offset 0 — the producer), on a copy linked by ld.lld, which applies the
 *    relocations (the layouts are the same; only the .o's relocations are resolved).
 */
export function runPahole(path: string, plausible: (text: string) => boolean): PaholeRun {
  const direct = tryPahole(path);
  const ok = (t: string | undefined): t is string =>
    t !== undefined && /^(struct|union|class)\b/m.test(t) && plausible(t);
  if (ok(direct)) return { text: direct, how: "direct" };
  const dir = mkdtempSync(join(tmpdir(), "elfdelta-pahole-"));
  try {
    const copy = join(dir, "decompressed.o");
    execFileSync("llvm-objcopy-19", ["--decompress-debug-sections", path, copy], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const decompressed = tryPahole(copy);
    if (ok(decompressed)) return { text: decompressed, how: "decompressed by llvm-objcopy" };
    const linked = join(dir, "linked.elf");
    execFileSync(
      "ld.lld-19",
      ["-o", linked, "--unresolved-symbols=ignore-all", "--noinhibit-exec", "-e", "0", copy],
      {
        stdio: ["ignore", "ignore", "ignore"],
      },
    );
    const text = tryPahole(linked);
    return { text: text ?? "", how: "linked by ld.lld (relocations applied)" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function tryPahole(path: string): string | undefined {
  try {
    return execFileSync("pahole", [...PAHOLE_ARGS, path], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    return typeof out === "string" && out.length > 0 ? out : undefined;
  }
}

export interface Disagreement {
  readonly struct: string;
  readonly member?: string;
  readonly what: string;
}

export interface Comparison {
  /** Top-level structs/unions/classes compared (pahole's count). */
  structs: number;
  /** Members compared, nested ones included. */
  members: number;
  disagreements: Disagreement[];
  /** Structs in which pahole printed `<ERROR>` lines; members it did print are still compared. */
  paholeErrors: string[];
  /** Structs pahole printed that have no counterpart in our model. */
  missing: string[];
  /** Members where pahole is known to print something else than DWARF says (see `compareStruct`). */
  quirks: string[];
  /** Named structs of our model that pahole did not print. */
  unprinted: string[];
}

function isAggregate(t: DwarfType): boolean {
  return (t.kind === "struct" || t.kind === "union" || t.kind === "class") && t.declaration !== true;
}

/**
 * Strips qualifiers and arrays (pahole expands an anonymous aggregate whatever the qualifiers, and for an array
 * of one, prints the first element's layout).
 */
function resolveAggregate(info: DwarfInfo, id: string): DwarfType | undefined {
  let t = info.types.get(id);
  for (let i = 0; t && i < 64; i++) {
    if (isAggregate(t)) return t;
    if (t.kind === "const" || t.kind === "volatile" || t.kind === "atomic") {
      t = t.target === undefined ? undefined : info.types.get(t.target);
    } else if (t.kind === "array") {
      t = info.types.get(t.element);
    } else return undefined;
  }
  return undefined;
}

/**
 * Compares every struct pahole printed with the same-named (or, for anonymous ones, same-position) struct of
 * our model: size, member order, names, offsets, sizes, bit offsets and widths, recursively through anonymous
 * members.
 */
export function compareWithPahole(info: DwarfInfo, pahole: PaholeStruct[]): Comparison {
  const result: Comparison = {
    structs: 0,
    members: 0,
    disagreements: [],
    paholeErrors: [],
    missing: [],
    quirks: [],
    unprinted: [],
  };
  // Our candidates by "kind name", in DIE order; pahole prints each name once per scope, in DIE order too.
  const ours = new Map<string, DwarfType[]>();
  for (const t of info.types.values()) {
    if (!isAggregate(t)) continue;
    const kind = t.kind === "class" ? "class" : t.kind;
    const key = `${kind} ${t.name}`;
    const list = ours.get(key);
    if (list) list.push(t);
    else ours.set(key, [t]);
  }
  const used = new Map<string, number>();
  for (const p of pahole) {
    const key = `${p.kind} ${p.name}`;
    let list = ours.get(key);
    // pahole prints C++ structs declared with `class` and vice versa by DWARF tag; accept either.
    if (!list && p.kind === "class") list = ours.get(`struct ${p.name}`);
    if (!list && p.kind === "struct") list = ours.get(`class ${p.name}`);
    const n = used.get(key) ?? 0;
    used.set(key, n + 1);
    // Several same-named structs (local types in different functions): pick the first one that matches.
    const candidates = list ? [list[n], ...list].filter((x): x is DwarfType => x !== undefined) : [];
    if (candidates.length === 0) {
      result.missing.push(key);
      continue;
    }
    result.structs++;
    if (p.errors > 0) result.paholeErrors.push(key);
    let best: Disagreement[] | undefined;
    let bestCount = 0;
    for (const c of candidates) {
      const d: Disagreement[] = [];
      const count = compareStruct(info, key, c, p, 0, d, result.quirks);
      if (best === undefined || d.length < best.length) {
        best = d;
        bestCount = count;
      }
      if (d.length === 0) break;
    }
    result.members += bestCount;
    result.disagreements.push(...best!);
  }
  const printed = new Set(pahole.map((p) => p.name));
  for (const [key, list] of ours) {
    const name = key.slice(key.indexOf(" ") + 1);
    if (name !== "" && !printed.has(name)) result.unprinted.push(`${key} (${list.length})`);
  }
  return result;
}

function memberCount(t: DwarfType): number {
  return t.kind === "struct" || t.kind === "union" || t.kind === "class" ? t.members.length : 0;
}

function compareStruct(
  info: DwarfInfo,
  where: string,
  t: DwarfType,
  p: PaholeStruct,
  base: number,
  out: Disagreement[],
  quirks: string[],
): number {
  if (p.size !== undefined && t.size !== p.size)
    out.push({ struct: where, what: `size ${t.size} vs pahole ${p.size}` });
  const members: readonly Member[] =
    t.kind === "struct" || t.kind === "union" || t.kind === "class" ? t.members : [];
  let ms: readonly Member[] = members;
  let count = 0;
  if (p.errors > 0) {
    // pahole dropped members it could not print: compare the ones it printed, by name.
    ms = p.members
      .map((pm) => members.find((m) => m.name === pm.name))
      .filter((m): m is Member => m !== undefined);
    if (ms.length !== p.members.length)
      out.push({ struct: where, what: "pahole printed members we do not have" });
  } else if (members.length !== p.members.length) {
    out.push({
      struct: where,
      what: `${members.length} members vs pahole ${p.members.length}: ${members.map((m) => m.name).join(",")} / ${p.members.map((m) => m.name).join(",")}`,
    });
    return count;
  }
  for (let i = 0; i < p.members.length && i < ms.length; i++) {
    const m = ms[i]!;
    const pm = p.members[i]!;
    count++;
    const label = m.name || pm.name || `#${i}`;
    const bad = (what: string): void => {
      out.push({ struct: where, member: label, what: `${what} (pahole: ${pm.decl.trim()})` });
    };
    if (pm.name !== "" && m.name !== pm.name && !(m.name === "" && pm.decl.includes("<ancestor>"))) {
      bad(`name '${m.name}' vs pahole '${pm.name}'`);
    }
    if (m.size !== pm.size) {
      // pahole 1.24 prints size 0 for an array of a struct without members (`struct { unsigned : 2; } a[3]`,
      // whose DWARF byte_size is 1): it multiplies by the member-less struct's size, which it takes as 0.
      const element = resolveAggregate(info, m.type);
      const quirk =
        pm.size === 0 &&
        pm.nested?.members.length === 0 &&
        element !== undefined &&
        memberCount(element) === 0;
      if (quirk) quirks.push(`${where}.${label}: pahole size 0, DWARF ${m.size}`);
      else bad(`size ${m.size} vs pahole ${pm.size}`);
    }
    if (pm.bitOffset !== undefined) {
      if (m.bitOffset === undefined) bad("not a bit-field in our model");
      else {
        if (base * 8 + m.bitOffset !== pm.bitOffset)
          bad(`bit offset ${base * 8 + m.bitOffset} vs pahole ${pm.bitOffset}`);
        if (m.bitSize !== pm.bitSize) bad(`bit size ${m.bitSize} vs pahole ${pm.bitSize}`);
      }
    } else {
      if (m.bitOffset !== undefined) bad(`bit-field ${m.bitOffset}:${m.bitSize} in our model, not in pahole`);
      if (base + m.offset !== pm.offset) bad(`offset ${base + m.offset} vs pahole ${pm.offset}`);
    }
    if (pm.nested) {
      const inner = resolveAggregate(info, m.type);
      if (!inner) bad("pahole expands an anonymous aggregate that our model does not have");
      else count += compareStruct(info, `${where}.${label}`, inner, pm.nested, base + m.offset, out, quirks);
    }
  }
  return count;
}
