// The seeds: every committed test object, the scenario pairs (for the diff), the extended-numbering object, and
// `ar` archives synthesised from test objects. Bytes and layouts are loaded on first use and cached.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseLayout } from "./layout.mjs";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "");
export const outDir = join(repoRoot, "test-objects", "out");
export const corpusDir = join(repoRoot, "fuzz", "corpus");
export const pendingDir = join(corpusDir, "pending");

/** The extended-numbering object: large, so mutated only in its header and section 0. */
export const BIG_SEED = "x86_64-gcc/many_sections.o";

const sorted = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      )
    : [];

let listing;

/**
 * Every seed name (paths relative to test-objects/out), smallest first so that fast-check's shrinking of the
 * seed choice walks towards small objects.
 */
export function listSeeds() {
  if (listing) return listing;
  const objects = [];
  const scenarios = [];
  const targets = [];
  for (const t of sorted(outDir)) {
    if (!t.isDirectory()) continue;
    targets.push(t.name);
    for (const f of sorted(join(outDir, t.name))) {
      if (!f.isFile() || !f.name.endsWith(".o")) continue;
      const name = `${t.name}/${f.name}`;
      if (name === BIG_SEED) continue;
      objects.push(name);
    }
    for (const s of sorted(join(outDir, t.name, "scenarios"))) {
      if (!s.isDirectory()) continue;
      const dir = join(outDir, t.name, "scenarios", s.name);
      for (const v of ["fs", "nofs"]) {
        if (existsSync(join(dir, `orig.${v}.o`)) && existsSync(join(dir, `patched.${v}.o`))) {
          scenarios.push({
            original: `${t.name}/scenarios/${s.name}/orig.${v}.o`,
            patched: `${t.name}/scenarios/${s.name}/patched.${v}.o`,
          });
        }
      }
    }
  }
  const size = (n) => seedBytes(n).length;
  objects.sort((a, b) => size(a) - size(b) || (a < b ? -1 : 1));
  scenarios.sort((a, b) => size(a.patched) - size(b.patched) || (a.patched < b.patched ? -1 : 1));
  const archives = targets.flatMap((t) => [`ar:${t}`, `thin:${t}`]);
  listing = {
    objects,
    /** Objects whose DWARF is stored uncompressed (the DWARF-byte mutators need them). */
    dwarfObjects: objects.filter((n) => !/\.(zlib|zstd)\.o$/.test(n)),
    scenarios,
    archives,
    big: existsSync(join(outDir, BIG_SEED)) ? [BIG_SEED] : [],
  };
  return listing;
}

const bytesCache = new Map();
const layoutCache = new Map();

/** The bytes of a seed (never mutate them: mutators copy). */
export function seedBytes(name) {
  let b = bytesCache.get(name);
  if (!b) {
    if (name.startsWith("ar:") || name.startsWith("thin:")) b = synthesiseArchive(name).bytes;
    else b = new Uint8Array(readFileSync(join(outDir, name)));
    bytesCache.set(name, b);
  }
  return b;
}

export function seedLayout(name) {
  let l = layoutCache.get(name);
  if (!l) {
    if (name.startsWith("ar:") || name.startsWith("thin:")) l = synthesiseArchive(name).layout;
    else l = parseLayout(seedBytes(name), { maxSections: name === BIG_SEED ? 1 : Number.POSITIVE_INFINITY });
    layoutCache.set(name, l);
  }
  return l;
}

const archiveCache = new Map();

/**
 * An archive of three of the target's objects with a GNU symbol table (`/`), a long-name table (`//`), a
 * `/<offset>` long name, a short `name.o/` name and a BSD `#1/<n>` name. `thin:` seeds are the same as a thin
 * archive (only the two tables are embedded).
 */
export function synthesiseArchive(name) {
  const cached = archiveCache.get(name);
  if (cached) return cached;
  const thin = name.startsWith("thin:");
  const target = name.slice(name.indexOf(":") + 1);
  const pick = ["comdat.nofs.o", "code.nofs.o", "comdat.zlib.o"].filter((f) =>
    existsSync(join(outDir, target, f)),
  );
  const files = pick.map((f) => new Uint8Array(readFileSync(join(outDir, target, f))));
  const enc = new TextEncoder();
  const parts = [enc.encode(thin ? "!<thin>\n" : "!<arch>\n")];
  const members = [];
  let at = 8;
  const header = (n, size) => {
    const h = new Uint8Array(60).fill(0x20);
    h.set(enc.encode(n.slice(0, 16)), 0);
    h.set(enc.encode("0"), 16);
    h.set(enc.encode("0"), 28);
    h.set(enc.encode("0"), 34);
    h.set(enc.encode("644"), 40);
    h.set(enc.encode(String(size)), 48);
    h[58] = 0x60;
    h[59] = 0x0a;
    return h;
  };
  const push = (n, data, embedded) => {
    const h = header(n, data.length);
    members.push({ at, dataAt: at + 60, size: data.length, embedded });
    parts.push(h);
    at += 60;
    if (embedded) {
      parts.push(data);
      at += data.length;
      if (at % 2 === 1) {
        parts.push(new Uint8Array([0x0a]));
        at++;
      }
    }
  };
  const symtab = new Uint8Array(8); // zero symbols, then an empty string table
  push("/", symtab, true);
  const longName = "a_rather_long_member_name_for_the_gnu_table.o/\n";
  push("//", enc.encode(longName), true);
  if (files[0]) push("/0", files[0], !thin);
  if (files[1]) push("code.o/", files[1], !thin);
  if (files[2]) {
    const bsdName = enc.encode("bsd_named_member.o\0\0");
    const data = new Uint8Array(bsdName.length + files[2].length);
    data.set(bsdName, 0);
    data.set(files[2], bsdName.length);
    push(`#1/${bsdName.length}`, data, !thin);
  }
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  const result = { bytes, layout: { size: bytes.length, archive: true, thin, members } };
  archiveCache.set(name, result);
  return result;
}
