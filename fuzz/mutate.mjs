// Structured mutations as fast-check arbitraries. A case is plain JSON:
//   { mode, seed, original?, view?, edits: Edit[] }
// and every edit is a primitive byte operation carrying a label that says what it aimed at:
//   { label, at, width, le, value }   write an unsigned integer (value as a hex string)
//   { label, at, hex }                write raw bytes
//   { label, at, xor }                flip bits of one byte
//   { label, at, fill, count }        fill count bytes with one value
//   { label, len }                    truncate the file to len bytes
// The structure (which field, which entry) is decided at generation time from the seed's layout (layout.mjs);
// applying a case needs nothing but the seed bytes, so a saved case replays even if the layout code changes.
import fc from "fast-check";
import { HEADER_FIELDS, parseLayout, SECTION_FIELDS, SYMBOL_FIELDS } from "./layout.mjs";
import { BIG_SEED, listSeeds, seedBytes, seedLayout } from "./seeds.mjs";

export const MODES = ["elf", "dwarf", "diff", "archive", "big"];

// ---- applying

const hexToBytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

/** Applies the edits to a copy of `seed`. Edits that fall past the (possibly truncated) end are skipped. */
export function applyEdits(seed, edits) {
  let out = seed.slice();
  for (const e of edits) {
    if (e.len !== undefined) {
      if (e.len < out.length) out = out.slice(0, e.len);
    } else if (e.xor !== undefined) {
      if (e.at < out.length) out[e.at] ^= e.xor;
    } else if (e.fill !== undefined) {
      out.fill(e.fill, Math.min(e.at, out.length), Math.min(e.at + e.count, out.length));
    } else if (e.hex !== undefined) {
      const b = hexToBytes(e.hex);
      for (let i = 0; i < b.length && e.at + i < out.length; i++) out[e.at + i] = b[i];
    } else {
      let v = BigInt(e.value);
      for (let i = 0; i < e.width; i++) {
        const pos = e.le ? e.at + i : e.at + e.width - 1 - i;
        if (pos < out.length) out[pos] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
  }
  return out;
}

/**
 * The bytes of a case: the mutated seed, and for the diff the original. With `view`, the mutated bytes are a
 * window into a larger buffer (as archive members are), which catches code that forgets `byteOffset`.
 */
export function materialise(c) {
  let bytes = applyEdits(seedBytes(c.seed), c.edits);
  if (c.view) {
    const big = new Uint8Array(bytes.length + 16).fill(0xa5);
    big.set(bytes, 7);
    bytes = big.subarray(7, 7 + bytes.length);
  }
  return { bytes, original: c.original ? seedBytes(c.original) : undefined };
}

// ---- values

const pow = (n) => 1n << BigInt(n);
const BOUNDARY = {
  1: [0n, 1n, 2n, 0x7fn, 0x80n, 0xfen, 0xffn],
  2: [0n, 1n, 2n, 0x7fffn, 0x8000n, 0xff00n, 0xff01n, 0xfff1n, 0xfff2n, 0xfffen, 0xffffn],
  4: [
    0n,
    1n,
    2n,
    0xff00n,
    0xfff1n,
    0xffffn,
    0x10000n,
    0x7fffffffn,
    0x80000000n,
    0xfffffff0n,
    0xfffffffen,
    0xffffffffn,
  ],
  8: [
    0n,
    1n,
    2n,
    0xffffn,
    0xffffffffn,
    pow(31),
    pow(32),
    pow(40),
    pow(53) - 1n,
    pow(53),
    pow(53) + 1n,
    pow(63) - 1n,
    pow(63),
    pow(64) - 2n,
    pow(64) - 1n,
  ],
};

/** A value for a field of `width` bytes: a boundary, the original ± k, an anchor ± k, or anything. */
export function valueArb(width, orig = 0, anchors = []) {
  const max = pow(width * 8) - 1n;
  const clamp = (v) => (v < 0n ? 0n : v > max ? max : v);
  const o = BigInt(Math.trunc(Number.isFinite(orig) ? orig : 0));
  const choices = [
    { weight: 5, arbitrary: fc.constantFrom(...BOUNDARY[width]) },
    { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }).map((k) => clamp(o + BigInt(k))) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max }) },
  ];
  const a = anchors.filter((x) => Number.isFinite(x) && x >= 0);
  if (a.length > 0) {
    choices.push({
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...a), fc.integer({ min: -8, max: 8 }))
        .map(([x, k]) => clamp(BigInt(Math.trunc(x)) + BigInt(k))),
    });
  }
  return fc.oneof(...choices);
}

const write = (label, at, width, le, v) => ({
  label,
  at,
  width,
  le,
  value: `0x${BigInt.asUintN(width * 8, BigInt(v)).toString(16)}`,
});
const hex = (bytes) => Array.from(bytes, (b) => (b & 0xff).toString(16).padStart(2, "0")).join("");

function readField(bytes, at, width, le) {
  let v = 0n;
  for (let i = 0; i < width; i++) {
    const pos = le ? at + width - 1 - i : at + i;
    v = (v << 8n) | BigInt(bytes[pos] ?? 0);
  }
  return Number(v);
}

/** A field write: `field` is [name, offset, width] relative to `base`. */
function fieldArb(L, bytes, label, base, field, anchors) {
  const [name, off, width] = field;
  const orig = readField(bytes, base + off, width, L.le);
  return valueArb(width, orig, anchors).map((v) => [write(`${label}.${name}`, base + off, width, L.le, v)]);
}

// ---- ELF mutators

function headerMut(L, bytes) {
  const anchors = [L.size, L.shoff, L.shnum, L.shstrndx, L.header.e_phoff.value, 0xff00, 64, 52, 56, 40, 32];
  return fc.constantFrom(...HEADER_FIELDS[L.cls]).chain((f) => fieldArb(L, bytes, "ehdr", 0, f, anchors));
}

const SHT_VALUES = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 0x6ffffff6, 0x70000001, 0x70000003,
  0xffffffff,
];

function sectionMut(L, bytes, onlyZero) {
  const n = L.sections.length;
  const interesting = [0, n - 1, L.shstrndx];
  for (const t of L.symtabs) interesting.push(t.section, L.sections[t.section]?.sh_link ?? 0);
  for (const r of L.rels) interesting.push(r.section, r.target);
  for (const g of L.groups) interesting.push(g.section);
  for (const c of L.chdrs) interesting.push(c.section);
  for (const d of L.dwarf.plain) interesting.push(d.section);
  const index = onlyZero
    ? fc.constant(0)
    : fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...interesting.filter((i) => i >= 0 && i < n)) },
        fc.nat(n - 1),
      );
  const fields = SECTION_FIELDS[L.cls];
  return fc.tuple(index, fc.constantFrom(...fields)).chain(([i, f]) => {
    const s = L.sections[i];
    const label = `shdr[${i} ${s.name}]`;
    const base = s.hdrAt;
    const anchors = [L.size, n, L.size - s.sh_offset, s.sh_size, s.sh_offset, L.shoff, 0xff00];
    // sh_link/sh_info: aim at the tables (symtab, strtab, groups, ...) as often as at boundaries.
    if (f[0] === "sh_link" || f[0] === "sh_info") {
      return fc.oneof(
        fc.constantFrom(...interesting).map((v) => [write(`${label}.${f[0]}`, base + f[1], 4, L.le, v)]),
        fieldArb(L, bytes, label, base, f, anchors),
      );
    }
    if (f[0] === "sh_type") {
      return fc.oneof(
        fc.constantFrom(...SHT_VALUES).map((v) => [write(`${label}.sh_type`, base + f[1], 4, L.le, v)]),
        fieldArb(L, bytes, label, base, f, anchors),
      );
    }
    if (f[0] === "sh_flags") {
      // Toggle SHF_COMPRESSED / SHF_GROUP / SHF_ALLOC / SHF_STRINGS, or any value.
      return fc.oneof(
        fc
          .constantFrom(0x800, 0x200, 0x2, 0x20)
          .map((m) => [
            write(`${label}.sh_flags^${m.toString(16)}`, base + f[1], f[2], L.le, s.sh_flags ^ m),
          ]),
        fieldArb(L, bytes, label, base, f, anchors),
      );
    }
    return fieldArb(L, bytes, label, base, f, anchors);
  });
}

function symbolMut(L, bytes) {
  const tables = L.symtabs.filter((t) => t.count > 0);
  if (tables.length === 0) return undefined;
  return fc.constantFrom(...tables).chain((t) => {
    const strtab = L.sections[L.sections[t.section].sh_link];
    const anchors = [strtab?.sh_size ?? 0, L.sections.length, 0xfff1, 0xfff2, 0xff00, t.count];
    return fc
      .tuple(fc.nat(t.count - 1), fc.constantFrom(...SYMBOL_FIELDS[L.cls]))
      .chain(([i, f]) => fieldArb(L, bytes, `sym[${t.section}][${i}]`, t.at + i * t.entsize, f, anchors));
  });
}

function symbolCount(L, tableSection) {
  return L.symtabs.find((t) => t.section === tableSection)?.count ?? 0;
}

/** Relocation entries: r_offset, the symbol and type parts of r_info, r_addend, or a REL implicit addend. */
function relocationMut(L, bytes, debugWeight) {
  const tables = L.rels.filter((r) => r.count > 0);
  if (tables.length === 0) return undefined;
  const debug = tables.filter((r) => r.debug);
  const pickTable =
    debug.length > 0 && debugWeight > 0
      ? fc.oneof(
          { weight: debugWeight, arbitrary: fc.constantFrom(...debug) },
          { weight: 1, arbitrary: fc.constantFrom(...tables) },
        )
      : fc.constantFrom(...tables);
  const debugSizes = L.dwarf.plain.map((d) => d.size);
  return pickTable.chain((r) => {
    const nsyms = symbolCount(L, L.sections[r.section].sh_link);
    const fields = ["r_offset", "r_sym", "r_type", ...(r.rela ? ["r_addend"] : ["implicit"])];
    return fc.tuple(fc.nat(r.count - 1), fc.constantFrom(...fields)).chain(([i, f]) => {
      const at = r.at + i * r.entsize;
      const label = `rel[${r.section}][${i}]`;
      const w = L.is64 ? 8 : 4;
      if (f === "r_offset")
        return fieldArb(L, bytes, label, at, ["r_offset", 0, w], [r.targetSize, r.targetSize - 4]);
      if (f === "r_addend")
        return fieldArb(L, bytes, label, at, ["r_addend", 2 * w, w], [...debugSizes, L.size]);
      if (L.is64) {
        // r_info = sym << 32 | type, stored as one 64-bit word.
        const symAt = at + 8 + (L.le ? 4 : 0);
        const typeAt = at + 8 + (L.le ? 0 : 4);
        if (f === "r_sym") return fieldArb(L, bytes, label, symAt - 0, ["r_sym", 0, 4], [nsyms, 0xffffff]);
        if (f === "r_type") return fieldArb(L, bytes, label, typeAt, ["r_type", 0, 4], [0, 255, 300]);
      } else {
        const info = readField(bytes, at + 4, 4, L.le);
        if (f === "r_sym") {
          return valueArb(4, info >>> 8, [nsyms, 0xffffff]).map((v) => [
            write(`${label}.r_sym`, at + 4, 4, L.le, ((v & 0xffffffn) << 8n) | BigInt(info & 0xff)),
          ]);
        }
        if (f === "r_type") {
          return valueArb(1, info & 0xff, [0, 255]).map((v) => [
            write(`${label}.r_type`, at + 4, 4, L.le, (BigInt(info >>> 8) << 8n) | v),
          ]);
        }
      }
      // REL: the addend lives in the relocated bytes.
      const target = L.sections[r.target];
      const off = readField(bytes, at, w, L.le);
      if (!target || off + 4 > target.sh_size || target.sh_type === 8)
        return fieldArb(L, bytes, label, at, ["r_offset", 0, w], [r.targetSize]);
      return fieldArb(L, bytes, `${label}.target`, target.sh_offset + off, ["implicit", 0, 4], debugSizes);
    });
  });
}

function groupMut(L, bytes) {
  const groups = L.groups.filter((g) => g.words > 0);
  if (groups.length === 0) return undefined;
  const groupIndexes = L.groups.map((g) => g.section);
  return fc
    .constantFrom(...groups)
    .chain((g) =>
      fc
        .nat(g.words - 1)
        .chain((w) =>
          fieldArb(
            L,
            bytes,
            `group[${g.section}]`,
            g.at + 4 * w,
            [`word${w}`, 0, 4],
            [L.sections.length, g.section, ...groupIndexes],
          ),
        ),
    );
}

function noteMut(L, bytes) {
  const notes = L.notes.flatMap((n) =>
    n.entries.map((e) => ({ ...e, section: n.section, size: L.sections[n.section].sh_size })),
  );
  if (notes.length === 0) return undefined;
  return fc
    .constantFrom(...notes)
    .chain((e) =>
      fc
        .constantFrom(["n_namesz", 0, 4], ["n_descsz", 4, 4], ["n_type", 8, 4])
        .chain((f) =>
          fieldArb(L, bytes, `note[${e.section}]@${e.at}`, e.at, f, [e.size, e.size - 12, 0xfffffffc]),
        ),
    );
}

/** Chdr fields, size bombs included, and corruption of the compressed stream itself. */
function chdrMut(L, bytes) {
  if (L.chdrs.length === 0) return undefined;
  const h = L.is64 ? 24 : 12;
  return fc.constantFrom(...L.chdrs).chain((c) => {
    const label = `chdr[${c.section} ${L.sections[c.section].name}]`;
    const stream = c.size - h;
    const sizeField = L.is64 ? ["ch_size", 8, 8] : ["ch_size", 4, 4];
    const bombs = [
      2 ** 40,
      2 ** 31,
      2 ** 30,
      2 ** 30 + 1,
      2 ** 20,
      2 ** 20 + 1,
      stream * 2000,
      stream * 2000 + 1,
      c.claimed * 2,
      c.claimed + 1,
    ];
    return fc.oneof(
      { weight: 4, arbitrary: fieldArb(L, bytes, label, c.at, sizeField, bombs) },
      { weight: 2, arbitrary: fieldArb(L, bytes, label, c.at, ["ch_type", 0, 4], [0, 1, 2, 3]) },
      {
        weight: 1,
        arbitrary: fieldArb(
          L,
          bytes,
          label,
          c.at,
          L.is64 ? ["ch_addralign", 16, 8] : ["ch_addralign", 8, 4],
          [],
        ),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.nat(Math.max(0, stream - 1)), fc.integer({ min: 0, max: 7 }))
          .map(([o, b]) => [{ label: `${label}.stream+${o}^bit${b}`, at: c.at + h + o, xor: 1 << b }]),
      },
      {
        // The stream's own header (zlib CMF/FLG, zstd frame header: window descriptor, content size).
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.nat(Math.max(0, Math.min(15, stream - 1))),
            fc.oneof(
              fc.integer({ min: 1, max: 255 }).map((m) => ({ xor: m })),
              fc.constantFrom(0, 0xff, 0x80, 0x20, 0xf8).map((v) => ({ v })),
            ),
          )
          .map(([o, m]) =>
            m.xor !== undefined
              ? [{ label: `${label}.stream_header+${o}^${m.xor}`, at: c.at + h + o, xor: m.xor }]
              : [{ label: `${label}.stream_header+${o}=${m.v}`, at: c.at + h + o, hex: hex([m.v]) }],
          ),
      },
      {
        // Truncate the stream by shrinking sh_size.
        weight: 2,
        arbitrary: fc.nat(c.size).map((sz) => {
          const s = L.sections[c.section];
          const [, off, w] = SECTION_FIELDS[L.cls].find((f) => f[0] === "sh_size");
          return [write(`shdr[${c.section}].sh_size(truncated stream)`, s.hdrAt + off, w, L.le, sz)];
        }),
      },
    );
  });
}

// ---- DWARF mutators

const FORMS = [
  0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
  0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
  0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x7f,
];

/** A run of LEB128 continuation bytes, optionally terminated: overlong or runaway LEB128 values. */
const lebRunArb = fc
  .tuple(
    fc.oneof(fc.constantFrom(1, 2, 5, 9, 10, 11, 16, 64, 4096), fc.integer({ min: 1, max: 24 })),
    fc.boolean(),
    fc.integer({ min: 0, max: 0x7f }),
  )
  .map(([n, terminate, low]) => {
    const b = new Uint8Array(n + (terminate ? 1 : 0)).fill(0x80 | low);
    if (terminate) b[n] = low & 0x7f;
    return b;
  });

function clipHex(bytes, at, end) {
  return hex(bytes.subarray(0, Math.max(0, Math.min(bytes.length, end - at))));
}

function infoUnitMut(L, bytes) {
  const units = L.dwarf.info.flatMap((d) => d.units.map((u) => ({ ...u, sec: d })));
  if (units.length === 0) return undefined;
  const abbrevSize = L.dwarf.abbrev[0]?.size ?? 0;
  return fc.constantFrom(...units).chain((u) => {
    const label = `${u.sec.name}@${u.at - u.sec.at}`;
    const lenField = u.lengthWidth === 12 ? ["unit_length64", 4, 8] : ["unit_length", 0, 4];
    const secEnd = u.sec.at + u.sec.size;
    const options = [
      {
        weight: 4,
        arbitrary: fieldArb(L, bytes, label, u.at, lenField, [
          0xffffffff,
          0xfffffff0,
          0xfffffff1,
          u.sec.size,
          secEnd - u.at - 4,
          u.length * 2,
        ]),
      },
      { weight: 2, arbitrary: fieldArb(L, bytes, label, u.versionAt, ["version", 0, 2], [2, 3, 4, 5, 6]) },
      {
        weight: 2,
        arbitrary: fieldArb(L, bytes, label, u.addressSizeAt, ["address_size", 0, 1], [0, 1, 2, 3, 4, 8, 16]),
      },
      {
        weight: 1,
        arbitrary: fieldArb(
          L,
          bytes,
          label,
          u.abbrevOffsetAt,
          ["debug_abbrev_offset", 0, u.offsetWidth],
          [abbrevSize],
        ),
      },
      {
        weight: 3,
        arbitrary: fc
          .oneof(
            fc.constantFrom(
              [0],
              [1],
              [0x7f],
              [0xff, 0x7f],
              [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            ),
            lebRunArb,
          )
          .map((b) => [
            {
              label: `${label}.first_die_code`,
              at: u.dieAt,
              hex: clipHex(Uint8Array.from(b), u.dieAt, secEnd),
            },
          ]),
      },
    ];
    if (u.unitTypeAt !== undefined)
      options.push({
        weight: 1,
        arbitrary: fieldArb(L, bytes, label, u.unitTypeAt, ["unit_type", 0, 1], [1, 2, 3, 4, 5, 6, 0x80]),
      });
    return fc.oneof(...options);
  });
}

function abbrevMut(L) {
  const entries = L.dwarf.abbrev.flatMap((d) => d.entries.map((e) => ({ ...e, sec: d })));
  if (entries.length === 0) return undefined;
  return fc.constantFrom(...entries).chain((e) => {
    const label = `abbrev[code ${e.code}]`;
    const options = [
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            fc.constantFrom(0, 1, 0x7f, 0x80),
            fc.constantFrom(...entries.slice(0, 64).map((x) => x.code & 0x7f)),
          )
          .map((v) => [{ label: `${label}.code=${v}`, at: e.codeAt, hex: hex([v]) }]),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 0, max: 0xff })
          .map((v) => [{ label: `${label}.tag=${v}`, at: e.tagAt, hex: hex([v]) }]),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(0, 1, 2, 0xff)
          .map((v) => [{ label: `${label}.children=${v}`, at: e.childrenAt, hex: hex([v]) }]),
      },
    ];
    if (e.attrs.length > 0) {
      options.push({
        weight: 4,
        arbitrary: fc.tuple(fc.nat(e.attrs.length - 1), fc.constantFrom(...FORMS)).map(([i, form]) => [
          {
            label: `${label}.attr[${i}].form=0x${form.toString(16)}`,
            at: e.attrs[i].formAt,
            hex: hex([form]),
          },
        ]),
      });
      options.push({
        weight: 1,
        arbitrary: fc
          .tuple(fc.nat(e.attrs.length - 1), fc.constantFrom(0, 0x01, 0x03, 0x49, 0x80, 0x7f))
          .map(([i, name]) => [
            {
              label: `${label}.attr[${i}].name=0x${name.toString(16)}`,
              at: e.attrs[i].nameAt,
              hex: hex([name]),
            },
          ]),
      });
    }
    return fc.oneof(...options);
  });
}

function lineMut(L, bytes) {
  const units = L.dwarf.line.flatMap((d) => d.units.map((u) => ({ ...u, sec: d })));
  if (units.length === 0) return undefined;
  return fc.constantFrom(...units).chain((u) => {
    const label = `.debug_line@${u.at - u.sec.at}`;
    const fields = Object.entries(u.fields).map(([name, [at, width]]) => [name, at - u.at, width]);
    const options = [
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(...fields)
          .chain((f) =>
            fieldArb(L, bytes, label, u.at, f, [0, 1, 4, 8, 13, u.sec.size, u.programAt - u.at, 0xffffffff]),
          ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.nat(Math.max(0, u.end - u.programAt - 1)),
            fc.constantFrom(0, 1, 2, 3, 9, 10, 12, 13, 0x7f, 0x80, 0xff),
          )
          .map(([o, b]) => [{ label: `${label}.program+${o}=${b}`, at: u.programAt + o, hex: hex([b]) }]),
      },
    ];
    if (u.opcodeBase > 1) {
      options.push({
        weight: 1,
        arbitrary: fc
          .tuple(fc.nat(u.opcodeBase - 2), fc.constantFrom(0, 1, 2, 0x7f, 0xff))
          .map(([i, v]) => [
            { label: `${label}.standard_opcode_lengths[${i}]=${v}`, at: u.stdLengthsAt + i, hex: hex([v]) },
          ]),
      });
    }
    if (u.lebs.length > 0) {
      options.push({
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...u.lebs),
            fc.oneof(
              lebRunArb,
              fc.constantFrom(
                Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
                Uint8Array.of(0),
                Uint8Array.of(0x7f),
              ),
            ),
          )
          .map(([at, b]) => [
            { label: `${label}.v5_entry_leb@${at - u.at}`, at, hex: clipHex(b, at, u.end) },
          ]),
      });
    }
    return fc.oneof(...options);
  });
}

/** The .debug_str_offsets contribution header (unit_length, version, padding) and its entries. */
function strOffsetsMut(L, bytes) {
  const secs = L.dwarf.strOffsets.filter((d) => d.size >= 8);
  if (secs.length === 0) return undefined;
  const strSize = L.sections.find((s) => s.name === ".debug_str")?.sh_size ?? 0;
  return fc.constantFrom(...secs).chain((d) => {
    const fields = [
      ["unit_length", 0, 4],
      ["version", 4, 2],
      ["padding", 6, 2],
    ];
    const entries = Math.floor((d.size - 8) / 4);
    return fc.oneof(
      fc
        .constantFrom(...fields)
        .chain((f) => fieldArb(L, bytes, ".debug_str_offsets", d.at, f, [d.size, d.size - 4, 0xfffffff0, 5])),
      entries > 0
        ? fc
            .nat(entries - 1)
            .chain((i) =>
              fieldArb(L, bytes, ".debug_str_offsets", d.at + 8 + 4 * i, [`entry[${i}]`, 0, 4], [strSize]),
            )
        : fc.constant([]),
    );
  });
}

/** Anything in a plain (uncompressed) .debug_* section: bit flips, interesting bytes and words, LEB128 runs. */
function debugBytesMut(L) {
  const secs = L.dwarf.plain.filter((d) => d.size > 0);
  if (secs.length === 0) return undefined;
  const weighted = secs.map((d) => ({
    weight:
      d.name === ".debug_info"
        ? 6
        : d.name === ".debug_abbrev" || d.name === ".debug_line"
          ? 3
          : d.name === ".debug_str_offsets"
            ? 2
            : 1,
    arbitrary: fc.constant(d),
  }));
  return fc.oneof(...weighted).chain((d) => {
    const label = `${d.name}`;
    const end = d.at + d.size;
    return fc.oneof(
      fc
        .tuple(fc.nat(d.size - 1), fc.integer({ min: 0, max: 7 }))
        .map(([o, b]) => [{ label: `${label}+${o}^bit${b}`, at: d.at + o, xor: 1 << b }]),
      fc
        .tuple(fc.nat(d.size - 1), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff))
        .map(([o, v]) => [{ label: `${label}+${o}=${v}`, at: d.at + o, hex: hex([v]) }]),
      fc
        .tuple(
          fc.nat(Math.max(0, d.size - 4)),
          fc.constantFrom(0, 1, 0x7fffffff, 0xfffffff0, 0xffffffff, d.size, d.size - 1),
        )
        .map(([o, v]) => [write(`${label}+${o}=u32`, d.at + o, 4, L.le, v >>> 0)]),
      fc
        .tuple(fc.nat(d.size - 1), lebRunArb)
        .map(([o, b]) => [
          { label: `${label}+${o}=leb_run${b.length}`, at: d.at + o, hex: clipHex(b, d.at + o, end) },
        ]),
    );
  });
}

// ---- generic mutators

function truncMut(L) {
  const anchors = [0, 4, 5, 15, 16, 17, 51, 52, 63, 64, L.size - 1, L.size - 2];
  if (L.elf) {
    anchors.push(L.shoff, L.shoff + 1, L.shoff + L.shentsize, L.shoff + L.shentsize - 1);
    for (const s of L.sections.slice(0, 400))
      anchors.push(s.sh_offset, s.end, s.end - 1, L.shoff + s.index * L.shentsize + 20);
  }
  if (L.archive) for (const m of L.members) anchors.push(m.at, m.at + 30, m.dataAt, m.dataAt + m.size - 1);
  const ok = anchors.filter((a) => Number.isFinite(a) && a >= 0 && a < L.size);
  return fc
    .oneof({ weight: 2, arbitrary: fc.constantFrom(...ok) }, { weight: 2, arbitrary: fc.nat(L.size - 1) })
    .map((len) => [{ label: `truncate@${len}`, len }]);
}

function flipMut(L) {
  return fc
    .tuple(fc.nat(L.size - 1), fc.integer({ min: 1, max: 255 }))
    .map(([at, m]) => [{ label: `flip@${at}^${m}`, at, xor: m }]);
}

/** Fill part of a section with one byte: unterminated string tables, NUL-free note names, runs of 0xff. */
function fillMut(L) {
  const secs = L.sections.filter((s) => s.sh_type !== 8 && s.sh_size > 0 && s.end <= L.size);
  if (secs.length === 0) return undefined;
  return fc
    .tuple(
      fc.constantFrom(...secs),
      fc.constantFrom(0x41, 0xff, 0x80, 0x00),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
    )
    .map(([s, v, from, tail]) => {
      // The whole section, or its tail from a random point.
      const at = s.sh_offset + (tail ? Math.floor(from * s.sh_size) : 0);
      const count = s.end - at;
      return [{ label: `fill[${s.index} ${s.name}]@${at - s.sh_offset}=${v}x${count}`, at, fill: v, count }];
    });
}

function bytesMut(L) {
  return fc
    .tuple(
      fc.nat(L.size - 1),
      fc.array(fc.constantFrom(0, 1, 0x7f, 0x80, 0xfe, 0xff), { minLength: 1, maxLength: 8 }),
    )
    .map(([at, b]) => [{ label: `bytes@${at}`, at, hex: hex(b) }]);
}

// ---- archives

const AR_NAMES = [
  "/",
  "//",
  "/0",
  "/1",
  "/9999",
  "/-1",
  "#1/0",
  "#1/20",
  "#1/99999999",
  "#1/abc",
  "__.SYMDEF",
  "/SYM64/",
  "x.o/",
  "",
];
const AR_SIZES = ["", "0", "1", "abc", "-1", "9999999999", "1e3", " 12", "0x10", "4294967296"];

function archiveMuts(L, bytes) {
  const member = fc.constantFrom(...L.members);
  const text = (s, n) => hex(new TextEncoder().encode(s.padEnd(n, " ").slice(0, n)));
  const muts = [
    {
      weight: 4,
      arbitrary: fc
        .tuple(member, fc.constantFrom(...AR_NAMES))
        .map(([m, s]) => [{ label: `ar@${m.at}.name='${s}'`, at: m.at, hex: text(s, 16) }]),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(member, fc.oneof(fc.constantFrom(...AR_SIZES), fc.integer({ min: -8, max: 8 }).map(String)))
        .map(([m, s]) => {
          const v = /^-?\d$/.test(s) ? String(Math.max(0, m.size + Number(s))) : s;
          return [{ label: `ar@${m.at}.size='${v}'`, at: m.at + 48, hex: text(v, 10) }];
        }),
    },
    {
      weight: 1,
      arbitrary: member.map((m) => [{ label: `ar@${m.at}.terminator`, at: m.at + 58, hex: "0a60" }]),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("!<arch>\n", "!<thin>\n", "!<arch>\r")
        .map((s) => [{ label: `ar.magic=${JSON.stringify(s)}`, at: 0, hex: text(s, 8) }]),
    },
    { weight: 3, arbitrary: truncMut(L) },
    { weight: 2, arbitrary: flipMut(L) },
  ];
  // Structured mutations of the embedded ELF members, shifted to their place in the archive.
  for (const m of L.members) {
    if (!m.embedded || m.size < 64 || bytes[m.dataAt] !== 0x7f) continue;
    const inner = seedLayoutOfMember(bytes, m);
    const innerBytes = bytes.subarray(m.dataAt, m.dataAt + m.size);
    const shift = (edits) =>
      edits.map((e) =>
        e.len !== undefined ? e : { ...e, at: e.at + m.dataAt, label: `member@${m.dataAt}:${e.label}` },
      );
    muts.push({
      weight: 2,
      arbitrary: fc.oneof(headerMut(inner, innerBytes), sectionMut(inner, innerBytes, false)).map(shift),
    });
  }
  return muts;
}

const memberLayouts = new WeakMap();
function seedLayoutOfMember(bytes, m) {
  let byAt = memberLayouts.get(bytes);
  if (!byAt) {
    byAt = new Map();
    memberLayouts.set(bytes, byAt);
  }
  let l = byAt.get(m.dataAt);
  if (!l) {
    l = parseLayout(bytes.subarray(m.dataAt, m.dataAt + m.size));
    byAt.set(m.dataAt, l);
  }
  return l;
}

// ---- cases

/** The weighted mutators for one seed in one mode. */
function mutators(name, mode) {
  const L = seedLayout(name);
  const bytes = seedBytes(name);
  if (L.archive) return archiveMuts(L, bytes);
  if (mode === "big") {
    return [
      { weight: 3, arbitrary: headerMut(L, bytes) },
      { weight: 3, arbitrary: sectionMut(L, bytes, true) },
      { weight: 1, arbitrary: truncMut(L) },
    ];
  }
  const dw = mode === "dwarf" ? 4 : mode === "diff" ? 1 : 0;
  const el = mode === "elf" ? 3 : 1;
  const list = [
    [el * 2, headerMut(L, bytes)],
    [el * 4, sectionMut(L, bytes, false)],
    [el * 2, symbolMut(L, bytes)],
    [el * 2 + dw, relocationMut(L, bytes, dw)],
    [el, groupMut(L, bytes)],
    [el, noteMut(L, bytes)],
    [el * 2, chdrMut(L, bytes)],
    [dw * 2, infoUnitMut(L, bytes)],
    [dw * 2, abbrevMut(L)],
    [dw * 2, lineMut(L, bytes)],
    [dw * 3, debugBytesMut(L)],
    [dw, strOffsetsMut(L, bytes)],
    [el, truncMut(L)],
    [el, flipMut(L)],
    [el, bytesMut(L)],
    [el, fillMut(L)],
  ];
  return list
    .filter(([w, a]) => w > 0 && a !== undefined)
    .map(([weight, arbitrary]) => ({ weight, arbitrary }));
}

const editsCache = new Map();
function editsArb(name, mode) {
  const key = `${mode}:${name}`;
  let a = editsCache.get(key);
  if (!a) {
    const muts = mutators(name, mode);
    a = fc
      .array(fc.oneof(...muts), { minLength: 1, maxLength: mode === "big" ? 2 : 3 })
      .map((xs) => xs.flat());
    editsCache.set(key, a);
  }
  return a;
}

/** The arbitrary of cases of one mode. */
export function caseArb(mode) {
  const seeds = listSeeds();
  const view = fc.oneof(
    { weight: 15, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  );
  switch (mode) {
    case "elf":
    case "dwarf": {
      const names = mode === "dwarf" ? seeds.dwarfObjects : seeds.objects;
      return fc
        .tuple(fc.constantFrom(...names), view)
        .chain(([seed, v]) =>
          editsArb(seed, mode).map((edits) => ({ mode, seed, ...(v ? { view: true } : {}), edits })),
        );
    }
    case "diff": {
      // Scenario pairs (mutating the patched side), and objects against a mutated copy of themselves.
      const pairs = [...seeds.scenarios, ...seeds.objects.map((o) => ({ original: o, patched: o }))];
      return fc
        .constantFrom(...pairs)
        .chain((p) =>
          editsArb(p.patched, mode).map((edits) => ({ mode, seed: p.patched, original: p.original, edits })),
        );
    }
    case "archive":
      return fc
        .constantFrom(...seeds.archives)
        .chain((seed) => editsArb(seed, mode).map((edits) => ({ mode, seed, edits })));
    case "big":
      return editsArb(BIG_SEED, "big").map((edits) => ({ mode, seed: BIG_SEED, edits }));
    default:
      throw new Error(`unknown fuzz mode ${mode}`);
  }
}

/** Cases of several modes, weighted. */
export function mixedCaseArb(modes, weights = { elf: 3000, dwarf: 3000, diff: 1500, archive: 400, big: 1 }) {
  return fc.oneof(...modes.map((m) => ({ weight: weights[m] ?? 1, arbitrary: caseArb(m) })));
}
