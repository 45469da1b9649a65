import {
  type DwarfInfo,
  type DwarfType,
  declarationSpelling,
  type Member,
  typeSpelling,
} from "@elfdelta/elf";

/**
 * `elfdelta types --format text`: the layouts as pahole prints them — C declarations with `/* offset size *\/`
 * per member, holes and padding marked, totals at the end — then enums, typedefs, functions and variables.
 *
 * Bit-fields show `/* byte:bit size *\/` where byte·8 + bit is the absolute bit offset (so `12:3` is bit 99),
 * and `size` is the size of the declared type, as for other members.
 */

const DECL_WIDTH = 40;

function commentFor(m: Member, base: number): string {
  if (m.bitOffset !== undefined) {
    const bit = base * 8 + m.bitOffset;
    return `/* ${String(Math.floor(bit / 8)).padStart(5)}:${String(bit % 8).padStart(2)} ${String(m.size).padStart(4)} */`;
  }
  return `/* ${String(base + m.offset).padStart(5)} ${String(m.size).padStart(5)} */`;
}

function line(indent: string, decl: string, comment: string): string {
  const text = `${indent}${decl};`;
  return `${text.padEnd(DECL_WIDTH + indent.length)} ${comment}`;
}

function isAggregate(t: DwarfType | undefined): t is DwarfType & { kind: "struct" | "union" | "class" } {
  return t !== undefined && (t.kind === "struct" || t.kind === "union" || t.kind === "class");
}

interface Stats {
  sumMembers: number;
  holes: number;
  sumHoles: number;
  bitHoles: number;
  sumBitHoles: number;
}

/**
 * The member lines of one aggregate. Offsets are relative to the outermost struct (`base`), as pahole prints
 * them; anonymous struct/union members are expanded in place, with a depth bound (nesting is input-controlled).
 */
function memberLines(
  info: DwarfInfo,
  t: DwarfType & { members: readonly Member[] },
  base: number,
  depth: number,
  out: string[],
  stats: Stats,
): void {
  const indent = "\t".repeat(depth + 1);
  const isUnion = t.kind === "union";
  let end = 0; // in bits, relative to this aggregate
  for (const m of t.members) {
    const start = m.bitOffset ?? m.offset * 8;
    const width = m.bitSize ?? m.size * 8;
    if (!isUnion && start > end) {
      const gap = start - end;
      if (gap % 8 === 0 && end % 8 === 0) {
        out.push("", `${indent}/* XXX ${gap / 8} byte${gap === 8 ? "" : "s"} hole */`, "");
        stats.holes++;
        stats.sumHoles += gap / 8;
      } else {
        out.push("", `${indent}/* XXX ${gap} bit${gap === 1 ? "" : "s"} hole */`, "");
        stats.bitHoles++;
        stats.sumBitHoles += gap;
      }
    }
    const mt = info.types.get(m.type);
    if (isAggregate(mt) && mt.name === "" && depth < 16) {
      out.push(`${indent}${mt.kind} {`);
      memberLines(info, mt, base + m.offset, depth + 1, out, {
        sumMembers: 0,
        holes: 0,
        sumHoles: 0,
        bitHoles: 0,
        sumBitHoles: 0,
      });
      out.push(line(indent, `}${m.name === "" ? "" : ` ${m.name}`}`, commentFor(m, base)));
    } else {
      const name = m.inheritance ? "" : m.name;
      let decl = m.inheritance
        ? `${typeSpelling(info, m.type)} <base class>`
        : declarationSpelling(info, m.type, name);
      if (m.bitSize !== undefined) decl += `:${m.bitSize}`;
      out.push(line(indent, decl, commentFor(m, base)));
    }
    if (m.bitSize === undefined) stats.sumMembers += m.size;
    end = isUnion ? Math.max(end, width) : Math.max(end, start + width);
  }
  if (depth === 0) {
    const size = (t.size ?? 0) * 8;
    const summary: string[] = [`/* size: ${t.size ?? 0}, members: ${t.members.length} */`];
    if (stats.holes > 0)
      summary.push(
        `/* sum members: ${stats.sumMembers}, holes: ${stats.holes}, sum holes: ${stats.sumHoles} */`,
      );
    if (stats.bitHoles > 0)
      summary.push(`/* bit holes: ${stats.bitHoles}, sum bit holes: ${stats.sumBitHoles} bits */`);
    if (size > end) {
      const pad = size - end;
      summary.push(
        pad % 8 === 0
          ? `/* padding: ${pad / 8} */`
          : `/* padding: ${Math.floor(pad / 8)} bytes and ${pad % 8} bits */`,
      );
    }
    out.push("", ...summary.map((s) => `\t${s}`));
  }
}

function aggregateBlock(
  info: DwarfInfo,
  t: DwarfType & { members: readonly Member[] },
  head: string,
  tail: string,
): string {
  if (t.declaration) return `${head};`;
  const out = [`${head} {`];
  memberLines(info, t, 0, 0, out, { sumMembers: 0, holes: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0 });
  out.push(`}${tail};`);
  return out.join("\n");
}

function enumBlock(t: DwarfType & { kind: "enum" }, head: string, tail: string): string {
  if (t.declaration) return `${head};`;
  const width = Math.max(0, ...t.enumerators.map((e) => e.name.length));
  const lines = t.enumerators.map((e) => `\t${e.name.padEnd(width)} = ${e.value},`);
  return [`${head} {`, ...lines, `}${tail};\t/* size: ${t.size ?? 0} */`].join("\n");
}

function typedefBlock(info: DwarfInfo, t: DwarfType & { kind: "typedef" }): string {
  // `typedef struct {...} name;`: an anonymous target is printed in place, as it has no other name.
  const target = t.target === undefined ? undefined : info.types.get(t.target);
  if (isAggregate(target) && target.name === "")
    return aggregateBlock(info, target, `typedef ${target.kind}`, ` ${t.name}`);
  if (target?.kind === "enum" && target.name === "") return enumBlock(target, "typedef enum", ` ${t.name}`);
  return `typedef ${declarationSpelling(info, t.target, t.name)};\t/* size: ${t.size ?? 0} */`;
}

/** The whole text listing of one file's DWARF. */
export function renderTypesText(info: DwarfInfo): string {
  const blocks: string[] = [];
  const seen = new Set<string>();
  const add = (b: string): void => {
    if (seen.has(b)) return; // the same type from several units or type units
    seen.add(b);
    blocks.push(b);
  };
  for (const t of info.types.values()) {
    switch (t.kind) {
      case "struct":
      case "union":
      case "class":
        if (t.name !== "") add(aggregateBlock(info, t, `${t.kind} ${t.name}`, ""));
        break;
      case "enum":
        if (t.name !== "") add(enumBlock(t, `enum ${t.name}`, ""));
        break;
      case "typedef":
        add(typedefBlock(info, t));
        break;
      default:
        break;
    }
  }
  const names = new Map(info.subprograms.map((sp) => [sp.id, sp.name]));
  const functions = info.subprograms
    .filter((sp) => !sp.declaration)
    .map((sp) => {
      const params = sp.params.map((p) => declarationSpelling(info, p.type, p.name));
      if (sp.variadic) params.push("...");
      const decl = declarationSpelling(
        info,
        sp.returns,
        `${sp.name}(${params.length ? params.join(", ") : "void"})`,
      );
      const notes: string[] = [];
      if (sp.inline) notes.push("inline only");
      if (sp.symbol !== undefined && sp.symbol !== sp.name) notes.push(`symbol ${sp.symbol}`);
      else if (sp.symbol === undefined && sp.linkageName !== undefined) notes.push(sp.linkageName);
      const inlined = [...new Set(sp.inlined.map((c) => c.callee).filter((c) => c !== ""))];
      if (inlined.length > 0) notes.push(`inlines: ${inlined.join(", ")}`);
      return `${sp.external ? "" : "static "}${decl};${notes.length ? `\t/* ${notes.join("; ")} */` : ""}`;
    });
  const variables = info.variables.map((v) => {
    const decl = declarationSpelling(info, v.type, v.name);
    const notes: string[] = [];
    if (v.scope !== undefined) notes.push(`in ${names.get(v.scope) ?? v.scope}`);
    if (v.symbol !== undefined && v.symbol !== v.name) notes.push(`symbol ${v.symbol}`);
    const storage = v.declaration ? "extern " : v.external ? "" : "static ";
    return `${storage}${decl};${notes.length ? `\t/* ${notes.join("; ")} */` : ""}`;
  });
  const parts = [blocks.join("\n\n")];
  if (functions.length > 0) parts.push(`/* functions */\n${functions.join("\n")}`);
  if (variables.length > 0) parts.push(`/* variables */\n${variables.join("\n")}`);
  return `${parts.filter((p) => p !== "").join("\n\n")}\n`;
}
