#!/usr/bin/env node
// gen-structs.mjs - writes structs_gen.c: hundreds of varied, deterministic
// aggregate types for the elfdelta test corpus.
//
//   node gen-structs.mjs [count] > structs_gen.c      (build.sh does this)
//
// The output depends only on SEED and the count: a fixed xorshift PRNG, no
// Math.random(), no dates.  Every type is used by a global variable so that it
// is emitted into DWARF; every fourth one also gets a noinline reader function.
// No libc headers: only <stdint.h> and <stdbool.h> (compiler-provided).

const SEED = 0x5eedf00d;
const count = Number.parseInt(process.argv[2] ?? "360", 10);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write("usage: gen-structs.mjs [count]\n");
  process.exit(2);
}

// xorshift32: small, fast, and the same on every machine.
let state = SEED >>> 0;
function next() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
const int = (lo, hi) => lo + (next() % (hi - lo + 1)); // inclusive
const chance = (p) => next() / 0x100000000 < p;
const pick = (arr) => arr[next() % arr.length];

const SCALARS = [
  "char",
  "signed char",
  "unsigned char",
  "short",
  "unsigned short",
  "int",
  "unsigned int",
  "long",
  "unsigned long",
  "long long",
  "unsigned long long",
  "float",
  "double",
  "_Bool",
  "int8_t",
  "uint8_t",
  "int16_t",
  "uint16_t",
  "int32_t",
  "uint32_t",
  "int64_t",
  "uint64_t",
  "void *",
  "const char *",
  "int *",
];
const NUMERIC = new Set(SCALARS.filter((t) => !t.includes("*")));
const INT32_BF = ["int", "unsigned int", "signed int", "unsigned", "int32_t", "uint32_t"];
const INT64_BF = ["long long", "unsigned long long", "signed long long", "int64_t", "uint64_t"];
const SMALL_BF = [
  ["char", 7],
  ["unsigned char", 8],
  ["signed char", 5],
  ["short", 15],
  ["unsigned short", 16],
];
const LONG_WORDS = ["counter", "offset", "length", "flags", "handle", "checksum", "generation", "reserved"];

/** @type {{name: string, tag: string, hasFam: boolean, readable: {name: string, bits: boolean}[]}[]} */
const types = [];
const out = [];

function memberName(struct, i) {
  // Mix names of <= 3 chars (DW_FORM_string with gcc) and long ones (DW_FORM_strp).
  const r = next() % 4;
  if (r === 0) return String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(i) : "");
  if (r === 1) return `m${i}`;
  return `${pick(LONG_WORDS)}_${struct}_${i}`;
}

function alignAttr() {
  return ` __attribute__((aligned(${pick([1, 2, 4, 8, 16, 32])})))`;
}

/**
 * Emit the members of an aggregate into `lines`, at indentation `ind`.
 * `ctx` counts member indexes across nested anonymous aggregates (whose
 * members share the enclosing scope) and collects readable members.
 */
function members(lines, ind, ctx, n, depth, isUnion, allowFam) {
  for (let k = 0; k < n; k++) {
    const i = ctx.index++;
    const name = memberName(ctx.id, i);
    const r = int(0, 99);
    if (r < 22) {
      const t = pick(SCALARS);
      const al = chance(0.08) ? alignAttr() : "";
      lines.push(`${ind}${t} ${name}${al};`);
      if (NUMERIC.has(t)) ctx.readable.push({ name, bits: false });
    } else if (r < 40) {
      const t = pick(INT32_BF);
      lines.push(`${ind}${t} ${name} : ${int(1, 31)};`);
      ctx.readable.push({ name, bits: true });
    } else if (r < 56) {
      const t = pick(INT64_BF);
      lines.push(`${ind}${t} ${name} : ${int(1, 63)};`);
      ctx.readable.push({ name, bits: true });
    } else if (r < 62) {
      const [t, max] = pick(SMALL_BF);
      lines.push(`${ind}${t} ${name} : ${int(1, max)};`);
      ctx.readable.push({ name, bits: true });
    } else if (r < 65) {
      lines.push(`${ind}_Bool ${name} : 1;`);
      ctx.readable.push({ name, bits: true });
    } else if (r < 67 && !isUnion) {
      lines.push(`${ind}${pick(["unsigned int", "unsigned long long", "unsigned char"])} : ${int(0, 5)};`);
    } else if (r < 73) {
      const t = pick(SCALARS);
      const dims = Array.from({ length: int(1, 3) }, () => `[${int(1, 6)}]`).join("");
      lines.push(`${ind}${t} ${name}${dims};`);
    } else if (r < 81 && types.length > 0) {
      const prev = types[int(Math.max(0, types.length - 40), types.length - 1)];
      if (prev.hasFam) {
        lines.push(`${ind}${prev.tag} *${name};`);
      } else if (chance(0.5)) {
        lines.push(`${ind}${prev.tag} ${name};`);
      } else {
        const dims = Array.from({ length: int(1, 2) }, () => `[${int(1, 4)}]`).join("");
        lines.push(`${ind}${prev.tag} ${name}${dims};`); // array of structs
      }
    } else if (r < 85) {
      lines.push(`${ind}${ctx.selfTag} *${name};`); // self-referential pointer
    } else if (r < 93 && depth < 3) {
      // nested anonymous struct or union (C11), members land in the enclosing scope
      const kw = chance(0.5) ? "struct" : "union";
      lines.push(`${ind}${kw} {`);
      members(lines, `${ind}  `, ctx, int(1, 4), depth + 1, kw === "union", false);
      lines.push(`${ind}}${kw === "struct" && chance(0.2) ? " __attribute__((packed))" : ""};`);
    } else if (depth < 3) {
      // named member of an unnamed nested aggregate type
      const kw = chance(0.7) ? "struct" : "union";
      lines.push(`${ind}${kw} {`);
      const inner = { id: ctx.id, index: 0, readable: [], selfTag: ctx.selfTag };
      members(lines, `${ind}  `, inner, int(1, 4), depth + 1, kw === "union", false);
      lines.push(`${ind}} ${name}${chance(0.3) ? `[${int(2, 3)}]` : ""};`);
    } else {
      lines.push(`${ind}int ${name};`);
      ctx.readable.push({ name, bits: false });
    }
  }
  if (allowFam && !isUnion && chance(0.06)) {
    lines.push(`${ind}${pick(["int", "uint8_t", "double", "unsigned long long"])} tail_${ctx.id}[];`);
    return true;
  }
  return false;
}

out.push("/*");
out.push(" * structs_gen.c - GENERATED by gen-structs.mjs (seed 0x5eedf00d, " + count + " types).");
out.push(" * Do not edit: run `node gen-structs.mjs > structs_gen.c` (build.sh does).");
out.push(" */");
out.push("#include <stdbool.h>");
out.push("#include <stdint.h>");
out.push("");

for (let n = 0; n < count; n++) {
  const id = String(n).padStart(4, "0");
  const r = int(0, 99);
  const kind = r < 58 ? "struct" : r < 74 ? "packed" : r < 88 ? "union" : "aligned";
  const kw = kind === "union" ? "union" : "struct";
  const tag = `${kw} gs_${id}`;
  const ctx = { id, index: 0, readable: [], selfTag: tag };
  const lines = [];
  lines.push(`${tag} {`);
  const hasFam = members(lines, "  ", ctx, int(2, 10), 0, kw === "union", true);
  let attr = "";
  if (kind === "packed") attr = " __attribute__((packed))";
  else if (kind === "aligned") attr = ` __attribute__((aligned(${pick([8, 16, 32, 64])})))`;
  else if (kind === "union" && chance(0.2)) attr = " __attribute__((packed))";
  lines.push(`}${attr};`);
  out.push(...lines);
  // a typedef for some of them, used by the global
  let varType = tag;
  if (chance(0.3)) {
    out.push(`typedef ${tag} gs_${id}_t;`);
    varType = `gs_${id}_t`;
  }
  const global = `g_gs_${id}`;
  if (hasFam || !chance(0.25)) {
    out.push(`${varType} ${global};`);
  } else {
    const dims = chance(0.5) ? `[${int(2, 5)}]` : `[${int(2, 3)}][${int(2, 3)}]`;
    out.push(`${varType} ${global}${dims};`);
    types.push({ name: `gs_${id}`, tag, hasFam, readable: [] });
    out.push("");
    continue;
  }
  if (n % 4 === 0 && ctx.readable.length > 0) {
    const m = pick(ctx.readable);
    out.push(`__attribute__((noinline)) long long gs_${id}_read(const ${tag} *p) {`);
    out.push(`  return (long long)p->${m.name};`);
    out.push("}");
    if (m.bits) {
      out.push(`__attribute__((noinline)) void gs_${id}_write(${tag} *p, long long v) {`);
      out.push(`  p->${m.name} = v;`);
      out.push("}");
    }
  }
  types.push({ name: `gs_${id}`, tag, hasFam, readable: ctx.readable });
  out.push("");
}

out.push("long long structs_gen_entry(void) {");
out.push("  long long v = 0;");
for (const t of types) {
  if (t.readable.length > 0 && Number.parseInt(t.name.slice(3), 10) % 4 === 0) {
    out.push(`  v += ${t.name}_read(&g_${t.name});`);
  }
}
out.push("  return v;");
out.push("}");
process.stdout.write(out.join("\n") + "\n");
