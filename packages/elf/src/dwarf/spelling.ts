import { ElfError } from "../errors.js";
import type { DwarfInfo, TypeId } from "./model.js";

/** Function-type parameter nesting beyond which spelling gives up (a type this deep is not C anyone wrote). */
const MAX_NESTING = 64;
/** Steps along one declarator chain; `readDwarf` has refused cycles, this only guards hand-built models. */
const MAX_STEPS = 100_000;

/**
 * The C spelling of a type: `const char *`, `long long[3][2]`, `struct conn *`, `int (*)(int, char *)`,
 * `char *const *`, `enum color`, or a typedef's name.
 *
 * Built the way a C declaration is read, inside out: walking from the outer type towards the base type, each
 * pointer prepends `*` to the declarator, each array or function appends its suffix (parenthesising a pointer
 * declarator first), and qualifiers wait until they meet the pointer they follow or the base type they precede.
 * Only function parameters recurse, with a nesting bound.
 */
export function typeSpelling(info: DwarfInfo, id: TypeId | undefined): string {
  return spell(info, id, 0, "");
}

/**
 * A C declaration of `name` with type `id`: `int (*mul)(int, int)`, `char *names[3]`, `struct point *next`.
 * With a declarator such as `f(int a)` it spells a function declaration returning `id`.
 */
export function declarationSpelling(info: DwarfInfo, id: TypeId | undefined, name: string): string {
  return spell(info, id, 0, name);
}

function spell(info: DwarfInfo, id: TypeId | undefined, depth: number, declarator: string): string {
  if (depth > MAX_NESTING) {
    throw new ElfError(
      "dwarf-too-deep",
      `function types nested more than ${MAX_NESTING} deep in type ${id}`,
      0,
    );
  }
  let decl = declarator;
  let quals: string[] = [];
  let cur = id;
  for (let steps = 0; ; steps++) {
    if (steps > MAX_STEPS) throw new ElfError("dwarf-cycle", `type ${id} refers back to itself`, 0);
    if (cur === undefined) return join(quals, "void", decl);
    const t = info.types.get(cur);
    if (t === undefined) return join(quals, "<unknown>", decl);
    switch (t.kind) {
      case "base":
      case "typedef":
      case "unspecified":
        return join(quals, t.name || "void", decl);
      case "struct":
      case "union":
      case "class":
      case "enum":
        return join(quals, `${t.kind} ${t.name || "{...}"}`, decl);
      case "pointer":
      case "reference":
      case "rvalue-reference":
      case "ptr-to-member": {
        const op =
          t.kind === "pointer"
            ? "*"
            : t.kind === "reference"
              ? "&"
              : t.kind === "rvalue-reference"
                ? "&&"
                : "::*";
        const q = quals.join(" ");
        decl = op + q + (decl ? (q ? " " : "") + decl : "");
        quals = [];
        cur = t.target;
        break;
      }
      case "const":
      case "volatile":
      case "restrict":
      case "atomic": {
        const kw = t.kind === "atomic" ? "_Atomic" : t.kind;
        if (!quals.includes(kw)) quals.push(kw);
        cur = t.target;
        break;
      }
      case "array": {
        if (decl.startsWith("*") || decl.startsWith("&") || decl.startsWith("::")) decl = `(${decl})`;
        for (const d of t.dimensions) decl += d.count === undefined ? "[]" : `[${d.count}]`;
        if (t.dimensions.length === 0) decl += "[]";
        // Qualifiers of an array type belong to its elements.
        cur = t.element;
        break;
      }
      case "function": {
        if (decl.startsWith("*") || decl.startsWith("&") || decl.startsWith("::")) decl = `(${decl})`;
        const params = t.params.map((p) => spell(info, p, depth + 1, ""));
        if (t.variadic) params.push("...");
        const list = params.length === 0 ? (t.prototyped === false ? "" : "void") : params.join(", ");
        decl += `(${list})`;
        quals = [];
        cur = t.returns;
        break;
      }
    }
  }
}

function join(quals: readonly string[], name: string, decl: string): string {
  const head = quals.length > 0 ? `${quals.join(" ")} ${name}` : name;
  if (decl === "") return head;
  return decl.startsWith("[") ? head + decl : `${head} ${decl}`;
}
