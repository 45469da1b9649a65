import {
  type DwarfInfo,
  type DwarfType,
  type Member,
  openObjects,
  readDwarf,
  type Subprogram,
  typeSpelling,
} from "@elfdelta/elf";
import { z } from "zod";
import { renderTypesText } from "../render/types-text.js";

/**
 * `elfdelta types FILE`: the layouts, functions and variables that DWARF describes. The zod schemas below are
 * the contract of the JSON output; `typesJsonSchema()` exports it as JSON Schema.
 */

/**
 * Integers that may exceed 2^53 (enumerator values): a JSON number when it is a safe integer, otherwise a string
 * holding the exact decimal value (signed). Everything else — offsets, sizes, bit positions — is a number.
 */
const BigValue = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);

interface MemberJson {
  name: string;
  offset: number;
  size: number;
  type: string;
  bitOffset?: number;
  bitSize?: number;
  inheritance?: boolean;
  members?: MemberJson[];
}

const MemberSchema: z.ZodType<MemberJson> = z.lazy(() =>
  z.object({
    name: z.string().describe('The member name; "" for anonymous members and base classes.'),
    offset: z
      .number()
      .int()
      .nonnegative()
      .describe("Byte offset from the start of the outermost struct; floor(bitOffset / 8) for bit-fields."),
    size: z
      .number()
      .int()
      .nonnegative()
      .describe("Size in bytes of the member's type (the declared type for bit-fields)."),
    type: z.string().describe("The member's type spelled in C."),
    bitOffset: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("Bit-fields: absolute bit offset from the start of the outermost struct (DWARF 5 meaning)."),
    bitSize: z.number().int().positive().optional().describe("Bit-fields: width in bits."),
    inheritance: z.boolean().optional().describe("A C++ base class subobject."),
    members: z
      .array(MemberSchema)
      .optional()
      .describe(
        "For a member of anonymous struct/union type: that type's members, offsets still from the outermost struct.",
      ),
  }),
);

export const TypeEntrySchema = z.object({
  name: z
    .string()
    .describe('The tag, or the typedef name; "" for an anonymous type reached through a typedef.'),
  kind: z.enum(["struct", "union", "class", "enum", "typedef"]),
  size: z
    .number()
    .int()
    .nonnegative()
    .describe("Size in bytes; 0 for declarations and types without a size."),
  declaration: z.boolean().optional().describe("A declaration only (`struct foo;`): no layout."),
  members: z.array(MemberSchema).optional(),
  enumerators: z.array(z.object({ name: z.string(), value: BigValue })).optional(),
  target: z.string().optional().describe("Typedefs: the type it names, spelled in C."),
  file: z.string().optional(),
  line: z.number().int().optional(),
});

export const FunctionEntrySchema = z.object({
  name: z.string(),
  linkageName: z.string().optional(),
  returns: z.string().describe("The return type spelled in C (`void` for none)."),
  parameters: z.array(z.object({ name: z.string(), type: z.string() })),
  variadic: z.boolean(),
  external: z.boolean(),
  inline: z.boolean().describe("An inline-only function: its code exists only where it was inlined."),
  declaration: z.boolean().optional(),
  inlined: z
    .array(z.string())
    .describe("Names of the functions inlined into this one (nested inlining included), without repeats."),
  symbol: z.string().optional().describe("The ELF symbol holding its code."),
  section: z.number().int().optional().describe("Index of the ELF section holding its code."),
  file: z.string().optional(),
  line: z.number().int().optional(),
});

export const VariableEntrySchema = z.object({
  name: z.string(),
  linkageName: z.string().optional(),
  type: z.string(),
  external: z.boolean(),
  declaration: z.boolean(),
  scope: z.string().optional().describe("For a static local: the function it is declared in."),
  symbol: z.string().optional(),
  section: z.number().int().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
});

export const TypesReportSchema = z.object({
  types: z.array(TypeEntrySchema),
  functions: z.array(FunctionEntrySchema),
  variables: z.array(VariableEntrySchema),
});

/** `types` on an ar archive: one report per member. */
export const TypesOutputSchema = z.union([
  TypesReportSchema,
  z.object({ members: z.array(TypesReportSchema.extend({ name: z.string() })) }),
]);

export type TypeEntry = z.infer<typeof TypeEntrySchema>;
export type FunctionEntry = z.infer<typeof FunctionEntrySchema>;
export type VariableEntry = z.infer<typeof VariableEntrySchema>;
export type TypesReport = z.infer<typeof TypesReportSchema>;
export type TypesOutput = z.infer<typeof TypesOutputSchema>;

/** The JSON Schema of `elfdelta types --format json` output. */
export function typesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(TypesOutputSchema, { io: "output" }) as Record<string, unknown>;
}

/** Help text for the command: how values are encoded. */
export const typesHelpText = `
JSON output: {"types": [...], "functions": [...], "variables": [...]} ({"members": [{"name", ...}]} for an
archive). Offsets and sizes are bytes; a bit-field's "bitOffset" is its absolute bit position from the start
of the struct and its "offset" is floor(bitOffset / 8). Anonymous members have the name "". Member types,
typedef targets, parameters and return types are spelled in C. Enumerator values are JSON numbers when they are
safe integers (|v| < 2^53) and decimal strings otherwise (e.g. "18446744073709551615").

Example:
  $ elfdelta types --format text foo.o   # pahole-style layouts with holes marked
  $ elfdelta types --format json foo.o | jq '.types[] | select(.name == "conn")'`;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An enumerator value as the contract encodes it: a number when exact, else a decimal string. */
export function encodeValue(v: bigint): number | string {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
}

function isAggregate(t: DwarfType | undefined): t is DwarfType & { kind: "struct" | "union" | "class" } {
  return t !== undefined && (t.kind === "struct" || t.kind === "union" || t.kind === "class");
}

/** Members as JSON, expanding members of anonymous struct/union type the way pahole does. */
function membersJson(info: DwarfInfo, members: readonly Member[], base: number, depth: number): MemberJson[] {
  return members.map((m) => {
    const out: MemberJson = {
      name: m.name,
      offset: base + m.offset,
      size: m.size,
      type: typeSpelling(info, m.type),
    };
    if (m.bitOffset !== undefined && m.bitSize !== undefined) {
      out.bitOffset = base * 8 + m.bitOffset;
      out.bitSize = m.bitSize;
    }
    if (m.inheritance) out.inheritance = true;
    const t = info.types.get(m.type);
    // Depth bound: anonymous aggregates nest as deep as the source does, which is input-controlled.
    if (isAggregate(t) && t.name === "" && depth < 32)
      out.members = membersJson(info, t.members, base + m.offset, depth + 1);
    return out;
  });
}

/** Follows typedefs and qualifiers to what a typedef finally names. */
function typedefTarget(info: DwarfInfo, t: DwarfType): DwarfType | undefined {
  let cur: DwarfType | undefined = t;
  for (let i = 0; cur && i < 64; i++) {
    if (cur.kind !== "typedef" && cur.kind !== "const" && cur.kind !== "volatile" && cur.kind !== "atomic")
      return cur;
    cur = cur.target === undefined ? undefined : info.types.get(cur.target);
  }
  return undefined;
}

function typeEntry(info: DwarfInfo, t: DwarfType): TypeEntry | undefined {
  const base = {
    name: t.name,
    size: t.size ?? 0,
    ...(t.declaration ? { declaration: true } : {}),
    ...(t.file !== undefined ? { file: t.file } : {}),
    ...(t.line !== undefined ? { line: t.line } : {}),
  };
  switch (t.kind) {
    case "struct":
    case "union":
    case "class":
      // Anonymous aggregates appear inside the members or typedef that uses them.
      if (t.name === "") return undefined;
      return {
        ...base,
        kind: t.kind,
        ...(t.declaration ? {} : { members: membersJson(info, t.members, 0, 0) }),
      };
    case "enum":
      if (t.name === "") return undefined;
      return {
        ...base,
        kind: "enum",
        enumerators: t.enumerators.map((e) => ({ name: e.name, value: encodeValue(e.value) })),
      };
    case "typedef": {
      const entry: TypeEntry = { ...base, kind: "typedef", target: typeSpelling(info, t.target) };
      // `typedef struct {...} foo_t;`: the anonymous type's layout is only reachable through its typedef.
      const inner = typedefTarget(info, t);
      if (inner && inner.name === "" && isAggregate(inner) && !inner.declaration)
        entry.members = membersJson(info, inner.members, 0, 0);
      if (inner && inner.name === "" && inner.kind === "enum") {
        entry.enumerators = inner.enumerators.map((e) => ({ name: e.name, value: encodeValue(e.value) }));
      }
      return entry;
    }
    default:
      return undefined;
  }
}

function functionEntry(info: DwarfInfo, sp: Subprogram): FunctionEntry {
  const inlined: string[] = [];
  for (const c of sp.inlined) if (c.callee !== "" && !inlined.includes(c.callee)) inlined.push(c.callee);
  return {
    name: sp.name,
    ...(sp.linkageName !== undefined ? { linkageName: sp.linkageName } : {}),
    returns: typeSpelling(info, sp.returns),
    parameters: sp.params.map((p) => ({ name: p.name, type: typeSpelling(info, p.type) })),
    variadic: sp.variadic,
    external: sp.external,
    inline: sp.inline,
    ...(sp.declaration ? { declaration: true } : {}),
    inlined,
    ...(sp.symbol !== undefined ? { symbol: sp.symbol } : {}),
    ...(sp.section !== undefined ? { section: sp.section } : {}),
    ...(sp.file !== undefined ? { file: sp.file } : {}),
    ...(sp.line !== undefined ? { line: sp.line } : {}),
  };
}

/** The JSON report of one file's DWARF (validated against `TypesReportSchema`). */
export function typesReport(info: DwarfInfo): TypesReport {
  const types: TypeEntry[] = [];
  // The same type appears once per compilation unit (and once per COMDAT type unit): list it once. Only
  // entries whose kind and name were seen before need the full comparison.
  const seen = new Map<string, (TypeEntry | string)[]>();
  for (const t of info.types.values()) {
    const e = typeEntry(info, t);
    if (!e) continue;
    const name = `${e.kind} ${e.name}`;
    const same = seen.get(name);
    if (same === undefined) {
      seen.set(name, [e]);
    } else {
      // Serialise lazily: most names occur once.
      const keys = same.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
      const key = JSON.stringify(e);
      if (keys.includes(key)) continue;
      keys.push(key);
      seen.set(name, keys);
    }
    types.push(e);
  }
  const functionNames = new Map<string, string>();
  for (const sp of info.subprograms) functionNames.set(sp.id, sp.name);
  const functions = info.subprograms.filter((sp) => !sp.declaration).map((sp) => functionEntry(info, sp));
  const variables: VariableEntry[] = info.variables.map((v) => ({
    name: v.name,
    ...(v.linkageName !== undefined ? { linkageName: v.linkageName } : {}),
    type: typeSpelling(info, v.type),
    external: v.external,
    declaration: v.declaration,
    ...(v.scope !== undefined ? { scope: functionNames.get(v.scope) ?? v.scope } : {}),
    ...(v.symbol !== undefined ? { symbol: v.symbol } : {}),
    ...(v.section !== undefined ? { section: v.section } : {}),
    ...(v.file !== undefined ? { file: v.file } : {}),
    ...(v.line !== undefined ? { line: v.line } : {}),
  }));
  return { types, functions, variables };
}

/** Reads a file (or each member of an archive) and builds the validated report. */
export function typesOutput(file: string): {
  output: TypesOutput;
  infos: { name?: string; info: DwarfInfo }[];
} {
  const { archive, objects } = openObjects(file);
  const infos = objects.map((o) => ({
    ...(o.member !== undefined ? { name: o.member } : {}),
    info: readDwarf(o.elf),
  }));
  const output: TypesOutput = archive
    ? { members: infos.map((x) => ({ name: x.name ?? "", ...typesReport(x.info) })) }
    : typesReport(infos[0]!.info);
  return { output: TypesOutputSchema.parse(output), infos };
}

export function typesCommand(file: string, opts: { format: "text" | "json" }): string {
  const { output, infos } = typesOutput(file);
  if (opts.format === "json") return `${JSON.stringify(output)}\n`;
  return infos
    .map((x) => (x.name !== undefined ? `/* ${x.name} */\n` : "") + renderTypesText(x.info))
    .join("\n");
}
