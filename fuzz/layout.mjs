// A tiny ELF/DWARF layout parser of the fuzzer's own. It finds where the fields are (header, section headers,
// symbol and relocation entries, group words, notes, Chdr, DWARF unit headers, abbreviation entries, line-program
// headers) so that the mutators can aim at them. It is deliberately independent of the reader under test: a
// reader bug must not be able to hide a mutation. It only ever runs on the committed, well-formed seeds, so it
// is forgiving rather than strict: whatever it cannot parse it simply does not offer as a target.

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;
const SHT_GROUP = 17;
const SHF_COMPRESSED = 0x800;

/** Field positions of the ELF header: [name, offset, width] for ELF64 and ELF32. */
export const HEADER_FIELDS = {
  64: [
    ["EI_CLASS", 4, 1],
    ["EI_DATA", 5, 1],
    ["EI_VERSION", 6, 1],
    ["e_type", 16, 2],
    ["e_machine", 18, 2],
    ["e_version", 20, 4],
    ["e_phoff", 32, 8],
    ["e_shoff", 40, 8],
    ["e_ehsize", 52, 2],
    ["e_phentsize", 54, 2],
    ["e_phnum", 56, 2],
    ["e_shentsize", 58, 2],
    ["e_shnum", 60, 2],
    ["e_shstrndx", 62, 2],
  ],
  32: [
    ["EI_CLASS", 4, 1],
    ["EI_DATA", 5, 1],
    ["EI_VERSION", 6, 1],
    ["e_type", 16, 2],
    ["e_machine", 18, 2],
    ["e_version", 20, 4],
    ["e_phoff", 28, 4],
    ["e_shoff", 32, 4],
    ["e_ehsize", 40, 2],
    ["e_phentsize", 42, 2],
    ["e_phnum", 44, 2],
    ["e_shentsize", 46, 2],
    ["e_shnum", 48, 2],
    ["e_shstrndx", 50, 2],
  ],
};

export const SECTION_FIELDS = {
  64: [
    ["sh_name", 0, 4],
    ["sh_type", 4, 4],
    ["sh_flags", 8, 8],
    ["sh_addr", 16, 8],
    ["sh_offset", 24, 8],
    ["sh_size", 32, 8],
    ["sh_link", 40, 4],
    ["sh_info", 44, 4],
    ["sh_addralign", 48, 8],
    ["sh_entsize", 56, 8],
  ],
  32: [
    ["sh_name", 0, 4],
    ["sh_type", 4, 4],
    ["sh_flags", 8, 4],
    ["sh_addr", 12, 4],
    ["sh_offset", 16, 4],
    ["sh_size", 20, 4],
    ["sh_link", 24, 4],
    ["sh_info", 28, 4],
    ["sh_addralign", 32, 4],
    ["sh_entsize", 36, 4],
  ],
};

export const SYMBOL_FIELDS = {
  64: [
    ["st_name", 0, 4],
    ["st_info", 4, 1],
    ["st_other", 5, 1],
    ["st_shndx", 6, 2],
    ["st_value", 8, 8],
    ["st_size", 16, 8],
  ],
  32: [
    ["st_name", 0, 4],
    ["st_value", 4, 4],
    ["st_size", 8, 4],
    ["st_info", 12, 1],
    ["st_other", 13, 1],
    ["st_shndx", 14, 2],
  ],
};

/** A little-endian/big-endian field reader over the seed (never past its end: returns 0 there). */
function reader(bytes, le) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (at, width) => {
    if (at < 0 || at + width > bytes.length) return 0;
    if (width === 1) return bytes[at];
    if (width === 2) return dv.getUint16(at, le);
    if (width === 4) return dv.getUint32(at, le);
    return Number(dv.getBigUint64(at, le));
  };
}

function cstr(bytes, at) {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return String.fromCharCode(...bytes.subarray(at, Math.min(end, at + 200)));
}

/** ULEB128 at `at`: [value (number, may be imprecise), length]; length 0 when it runs off the end. */
export function uleb(bytes, at) {
  let v = 0;
  let mul = 1;
  for (let i = 0; at + i < bytes.length && i < 12; i++) {
    const b = bytes[at + i];
    v += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return [v, i + 1];
  }
  return [0, 0];
}

/**
 * Parses a seed: returns `{ size, elf: false }` for anything that is not ELF, otherwise the positions the
 * mutators need. `maxSections` bounds the work for the huge extended-numbering object.
 */
export function parseLayout(bytes, { maxSections = Number.POSITIVE_INFINITY } = {}) {
  const size = bytes.length;
  if (size < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return { size, elf: false };
  }
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const cls = is64 ? 64 : 32;
  const rd = reader(bytes, le);
  const hf = Object.fromEntries(
    HEADER_FIELDS[cls].map(([n, o, w]) => [n, { at: o, width: w, value: rd(o, w) }]),
  );
  const shoff = hf.e_shoff.value;
  const shentsize = is64 ? 64 : 40;
  const sf = SECTION_FIELDS[cls];
  const readSection = (index) => {
    const at = shoff + index * shentsize;
    const s = { index, hdrAt: at };
    for (const [n, o, w] of sf) s[n] = rd(at + o, w);
    return s;
  };
  let shnum = hf.e_shnum.value;
  let shstrndx = hf.e_shstrndx.value;
  const s0 = shoff ? readSection(0) : undefined;
  if (s0 && shnum === 0) shnum = s0.sh_size;
  if (s0 && shstrndx === 0xffff) shstrndx = s0.sh_link;
  const count = Math.min(shnum, maxSections);
  const sections = [];
  for (let i = 0; i < count && shoff; i++) sections.push(readSection(i));
  const shstr = sections[shstrndx];
  for (const s of sections) {
    s.name = shstr ? cstr(bytes, shstr.sh_offset + s.sh_name) : "";
    s.end = s.sh_offset + (s.sh_type === SHT_NOBITS ? 0 : s.sh_size);
    s.compressed = (s.sh_flags & SHF_COMPRESSED) !== 0;
  }
  const layout = {
    size,
    elf: true,
    is64,
    le,
    cls,
    machine: hf.e_machine.value,
    header: hf,
    shoff,
    shentsize,
    shnum,
    shstrndx,
    sections,
    /** Only the first `maxSections` were parsed (the extended-numbering object). */
    partial: count < shnum,
    symtabs: [],
    rels: [],
    groups: [],
    notes: [],
    chdrs: [],
    dwarf: { info: [], abbrev: [], line: [], strOffsets: [], plain: [] },
  };
  if (layout.partial) return layout;

  for (const s of sections) {
    if (s.sh_type === SHT_NOBITS || s.end > size) continue;
    if (s.sh_type === SHT_SYMTAB || s.sh_type === SHT_DYNSYM) {
      const ent = is64 ? 24 : 16;
      layout.symtabs.push({
        section: s.index,
        at: s.sh_offset,
        count: Math.floor(s.sh_size / ent),
        entsize: ent,
      });
    } else if (s.sh_type === SHT_REL || s.sh_type === SHT_RELA) {
      const rela = s.sh_type === SHT_RELA;
      const ent = is64 ? (rela ? 24 : 16) : rela ? 12 : 8;
      const target = sections[s.sh_info];
      layout.rels.push({
        section: s.index,
        at: s.sh_offset,
        count: Math.floor(s.sh_size / ent),
        entsize: ent,
        rela,
        target: s.sh_info,
        targetSize: target ? target.sh_size : 0,
        debug: target ? target.name.startsWith(".debug") : false,
      });
    } else if (s.sh_type === SHT_GROUP) {
      layout.groups.push({ section: s.index, at: s.sh_offset, words: Math.floor(s.sh_size / 4) });
    } else if (s.sh_type === SHT_NOTE) {
      layout.notes.push({ section: s.index, entries: parseNotes(rd, s) });
    }
    if (s.compressed && s.sh_size >= (is64 ? 24 : 12)) {
      layout.chdrs.push({
        section: s.index,
        at: s.sh_offset,
        size: s.sh_size,
        claimed: rd(s.sh_offset + (is64 ? 8 : 4), is64 ? 8 : 4),
      });
    } else if (s.name.startsWith(".debug") && !s.compressed) {
      const d = { section: s.index, at: s.sh_offset, size: s.sh_size, name: s.name };
      layout.dwarf.plain.push(d);
      if (s.name === ".debug_info" || s.name === ".debug_types")
        layout.dwarf.info.push({ ...d, units: parseInfoUnits(rd, d) });
      else if (s.name === ".debug_abbrev") layout.dwarf.abbrev.push({ ...d, entries: parseAbbrev(bytes, d) });
      else if (s.name === ".debug_line")
        layout.dwarf.line.push({ ...d, units: parseLineUnits(bytes, rd, d) });
      else if (s.name === ".debug_str_offsets") layout.dwarf.strOffsets.push(d);
    }
  }
  return layout;
}

function parseNotes(rd, s) {
  const out = [];
  const a = s.sh_addralign === 8 ? 8 : 4;
  const pad = (n) => Math.ceil(n / a) * a;
  let o = s.sh_offset;
  while (o + 12 <= s.end && out.length < 64) {
    const namesz = rd(o, 4);
    const descsz = rd(o + 4, 4);
    out.push({ at: o, namesz, descsz });
    o += 12 + pad(namesz) + pad(descsz);
  }
  return out;
}

/** Unit headers of .debug_info: where unit_length, version, unit_type, address_size, abbrev offset, first DIE sit. */
function parseInfoUnits(rd, d) {
  const units = [];
  let o = 0;
  while (o + 11 <= d.size && units.length < 4096) {
    const at = d.at + o;
    let len = rd(at, 4);
    let lw = 4;
    let ow = 4;
    if (len === 0xffffffff) {
      len = rd(at + 4, 8);
      lw = 12;
      ow = 8;
    }
    const version = rd(at + lw, 2);
    const u = { at, lengthWidth: lw, offsetWidth: ow, length: len, version, versionAt: at + lw };
    if (version >= 5) {
      u.unitTypeAt = at + lw + 2;
      u.addressSizeAt = at + lw + 3;
      u.abbrevOffsetAt = at + lw + 4;
      const ut = rd(u.unitTypeAt, 1);
      u.dieAt = at + lw + 4 + ow + (ut === 2 || ut === 6 ? 8 + ow : ut === 4 || ut === 5 ? 8 : 0);
    } else {
      u.abbrevOffsetAt = at + lw + 2;
      u.addressSizeAt = at + lw + 2 + ow;
      u.dieAt = at + lw + 3 + ow + (d.name === ".debug_types" ? 8 + ow : 0);
    }
    u.end = at + lw + len;
    units.push(u);
    if (len === 0 || o + lw + len > d.size) break;
    o += lw + len;
  }
  return units;
}

/** Abbreviation entries: the positions of code, tag, children flag and each (attribute, form) pair. */
function parseAbbrev(bytes, d) {
  const entries = [];
  let o = d.at;
  const end = d.at + d.size;
  while (o < end && entries.length < 20000) {
    const [code, cl] = uleb(bytes, o);
    if (cl === 0) break;
    if (code === 0) {
      o += cl; // end of one table; the next may follow
      continue;
    }
    const e = { codeAt: o, codeLength: cl, code, attrs: [] };
    o += cl;
    const [, tl] = uleb(bytes, o);
    if (tl === 0) break;
    e.tagAt = o;
    o += tl;
    e.childrenAt = o;
    o += 1;
    for (;;) {
      const [name, nl] = uleb(bytes, o);
      const [form, fl] = uleb(bytes, o + nl);
      if (nl === 0 || fl === 0) return entries;
      if (name === 0 && form === 0) {
        o += nl + fl;
        break;
      }
      e.attrs.push({ nameAt: o, formAt: o + nl, formLength: fl, form });
      o += nl + fl;
      if (form === 0x21) {
        const [, sl] = uleb(bytes, o); // implicit_const: an SLEB follows (the length is all we need)
        o += sl || 1;
      }
    }
    entries.push(e);
  }
  return entries;
}

/** Line-program headers: positions of each header field, the v5 entry-format counts and the program bytes. */
function parseLineUnits(bytes, rd, d) {
  const units = [];
  let o = 0;
  while (o + 16 <= d.size && units.length < 1024) {
    const at = d.at + o;
    let len = rd(at, 4);
    let lw = 4;
    let ow = 4;
    if (len === 0xffffffff) {
      len = rd(at + 4, 8);
      lw = 12;
      ow = 8;
    }
    const version = rd(at + lw, 2);
    const f = { unit_length: [at, lw === 12 ? 8 : 4, lw === 12 ? at + 4 : at], version: [at + lw, 2] };
    let p = at + lw + 2;
    if (version >= 5) {
      f.address_size = [p, 1];
      f.seg_sel_size = [p + 1, 1];
      p += 2;
    }
    f.header_length = [p, ow];
    const headerLength = rd(p, ow);
    p += ow;
    const programAt = p + headerLength;
    f.minimum_instruction_length = [p++, 1];
    if (version >= 4) f.maximum_operations_per_instruction = [p++, 1];
    f.default_is_stmt = [p++, 1];
    f.line_base = [p++, 1];
    f.line_range = [p++, 1];
    f.opcode_base = [p, 1];
    const opcodeBase = bytes[p] ?? 0;
    p++;
    const stdLengthsAt = p;
    p += Math.max(0, opcodeBase - 1);
    const u = { at, version, fields: f, stdLengthsAt, opcodeBase, programAt, end: at + lw + len, lebs: [] };
    if (version >= 5) {
      // directory_entry_format_count, formats (ULEB pairs), directories_count, ...: record the ULEB positions.
      u.fields.directory_entry_format_count = [p, 1];
      let q = p + 1;
      const n = bytes[p] ?? 0;
      for (let i = 0; i < 2 * n; i++) {
        const [, l] = uleb(bytes, q);
        u.lebs.push(q);
        q += l || 1;
      }
      u.lebs.push(q); // directories_count
      u.directoriesCountAt = q;
    }
    units.push(u);
    if (len === 0 || o + lw + len > d.size) break;
    o += lw + len;
  }
  return units;
}
