import type { DumpJson, DumpOutput } from "../commands/dump.js";

const hex = (n: number | string | bigint, width = 0) => BigInt(n).toString(16).padStart(width, "0");

/** Section flags as readelf letters (W A X M S I L O G T C E). */
function flagLetters(flags: number): string {
  const letters: [number, string][] = [
    [0x1, "W"],
    [0x2, "A"],
    [0x4, "X"],
    [0x10, "M"],
    [0x20, "S"],
    [0x40, "I"],
    [0x80, "L"],
    [0x100, "O"],
    [0x200, "G"],
    [0x400, "T"],
    [0x800, "C"],
    [0x80000000, "E"],
  ];
  let out = "";
  for (const [bit, l] of letters) if ((flags & bit) !== 0) out += l;
  return out;
}

/** A readelf -W -S -s -r style listing of one file. */
export function renderDumpText(d: DumpJson): string {
  const lines: string[] = [];
  const w = d.class === 64 ? 16 : 8;
  lines.push(`ELF${d.class} ${d.endian}-endian ${d.type} ${d.machine} (e_machine ${d.machineCode})`, "");
  lines.push(`Section Headers (${d.sections.length}):`);
  lines.push(
    `  [Nr] ${"Name".padEnd(24)} ${"Type".padEnd(16)} ${"Address".padEnd(w)} Off      Size     ES Flg Lk Inf Al`,
  );
  for (const s of d.sections) {
    lines.push(
      `  [${String(s.index).padStart(2)}] ${s.name.padEnd(24)} ${String(s.type).padEnd(16)} ${hex(s.address, w)} ${hex(s.offset, 8)} ${hex(
        s.size,
        8,
      )} ${hex(s.entsize, 2)} ${flagLetters(s.flags).padStart(3)} ${String(s.link).padStart(2)} ${String(s.info).padStart(3)} ${String(
        s.addralign,
      ).padStart(2)}${s.compressed ? ` [${s.compressed}]` : ""}`,
    );
  }
  lines.push("", `Symbol table '.symtab' contains ${d.symbols.length} entries:`);
  lines.push(`   Num: ${"Value".padEnd(w)}  Size Type    Bind   Vis       Ndx Name`);
  for (const s of d.symbols) {
    lines.push(
      `${String(s.index).padStart(6)}: ${hex(s.value, w)} ${String(s.size).padStart(5)} ${String(s.type).padEnd(7)} ${String(
        s.bind,
      ).padEnd(6)} ${s.visibility.padEnd(9)} ${String(s.section).padStart(3)} ${s.name}`,
    );
  }
  const counts = new Map<number, number>();
  for (const r of d.relocations) counts.set(r.section, (counts.get(r.section) ?? 0) + 1);
  let current = -1;
  for (const r of d.relocations) {
    if (r.section !== current) {
      current = r.section;
      const sec = d.sections[r.section];
      const count = counts.get(r.section) ?? 0;
      lines.push(
        "",
        `Relocation section '${sec?.name ?? r.section}' applies to section ${r.target} and contains ${count} entries:`,
      );
      lines.push(` ${"Offset".padEnd(w)} ${"Type".padEnd(24)} Sym  Symbol + Addend`);
    }
    const sym = d.symbols[r.symbol];
    const symName = sym
      ? sym.name || (sym.type === "SECTION" ? (d.sections[sym.section as number]?.name ?? "") : "")
      : "";
    lines.push(
      ` ${hex(r.offset, w)} ${String(r.type).padEnd(24)} ${String(r.symbol).padStart(4)} ${symName} ${BigInt(r.addend) < 0n ? "-" : "+"} ${hex(BigInt(r.addend) < 0n ? -BigInt(r.addend) : BigInt(r.addend))}`,
    );
  }
  if (d.groups.length > 0) {
    lines.push("");
    for (const g of d.groups) {
      lines.push(
        `${g.comdat ? "COMDAT group" : "group"} section [${g.section}] '${g.signature}' contains ${g.members.length} sections: ${g.members.join(" ")}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderDumpOutputText(d: DumpOutput): string {
  if ("members" in d) return d.members.map((m) => `File: ${m.name}\n${renderDumpText(m)}`).join("\n");
  return renderDumpText(d);
}
