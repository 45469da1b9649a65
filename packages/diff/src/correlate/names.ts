/**
 * Compiler-made symbol names, taken apart. GCC and clang decorate the names of clones, static locals and
 * LTO-privatised symbols with suffixes whose numbers change from build to build; pairing must ignore the
 * numbers but never the kinds (`foo.isra.0` is not `foo.constprop.0`).
 */

/** The clone kinds a suffix can name. Each keeps its identity when numbers are dropped. */
export type CloneKind =
  | "isra"
  | "constprop"
  | "part"
  | "cold"
  | "clone"
  | "specialized"
  | "localalias"
  | "hot";

const CLONE_KINDS: ReadonlySet<string> = new Set<CloneKind>([
  "isra",
  "constprop",
  "part",
  "cold",
  "clone",
  "specialized",
  "localalias",
  "hot",
]);

/** Kinds whose symbol is a piece of another function (its parent), not a function of its own. */
export const CHILD_KINDS: ReadonlySet<CloneKind> = new Set<CloneKind>(["cold", "part"]);

/**
 * Statics the compiler or a macro makes, which must never pair by name: their numbers (and, for clang, the
 * function in their name) say nothing about which old one a new one corresponds to.
 */
const COMPILER_STATICS: ReadonlySet<string> = new Set([
  "__key",
  "__warned",
  "__already_done",
  "__func__",
  "__FUNCTION__",
  "__PRETTY_FUNCTION__",
  "_rs",
  "CSWTCH",
  "__print_once",
  "__compound_literal",
  "descriptor",
  // clang: switch.table.<function>, __const.<function>.<variable>
  "switch",
  "__const",
]);
const COMPILER_STATIC_PREFIXES = ["__UNIQUE_ID_", "__compound_literal"];
/**
 * The macro-made statics among them, which clang names `function.variable` (`rate_a._rs`,
 * `probe.__already_done`, `init.__key`): compiler-made whatever function they are in.
 */
const MACRO_STATICS: ReadonlySet<string> = new Set([
  "__key",
  "__warned",
  "__already_done",
  "__func__",
  "__FUNCTION__",
  "__PRETTY_FUNCTION__",
  "_rs",
  "__print_once",
]);

export interface ParsedName {
  /** The symbol name as stored. */
  readonly raw: string;
  /** The C (or mangled C++) name the compiler started from: the part before the first dot. */
  readonly base: string;
  /** Clone kinds in the order they appear (`foo.constprop.0.isra.0` → constprop, isra). */
  readonly clones: readonly CloneKind[];
  /** Non-numeric, non-clone tokens after the base: clang's `func.var` statics → ["var"]. */
  readonly inner: readonly string[];
  /** True when a bare number followed the base or inner tokens (GCC's `var.N`). */
  readonly numbered: boolean;
  /** True for `.llvm.<hash>`, `.lto_priv.N` and `.__uniq.N` decorations. */
  readonly privatised: boolean;
  /** A compiler- or macro-made static (see COMPILER_STATICS): never paired by name. */
  readonly compilerMade: boolean;
  /** Labels, mapping symbols and other names that are never listed (`.L*`, `$x`, empty). */
  readonly hidden: boolean;
  /** The name with every number dropped: what pairing by name compares. */
  readonly key: string;
}

/** Shared by the names without decorations (most): never mutated. */
const NONE: readonly never[] = Object.freeze([]);

const DIGITS = /^[0-9]+$/;
const HEX = /^[0-9a-f]+$/i;

/**
 * A name without decorations (most names): three fields, the others derived. Objects built with
 * -ffunction-sections have hundreds of thousands of names, kept for the whole diff.
 */
export class PlainName implements ParsedName {
  constructor(
    readonly raw: string,
    readonly compilerMade: boolean,
    readonly hidden: boolean,
  ) {}
  get base(): string {
    return this.raw;
  }
  get key(): string {
    return this.raw;
  }
  get clones(): readonly CloneKind[] {
    return NONE;
  }
  get inner(): readonly string[] {
    return NONE;
  }
  get numbered(): boolean {
    return false;
  }
  get privatised(): boolean {
    return false;
  }
}

/** The same name, made compiler-made (a profile's `neverCorrelated`). */
export function asCompilerMade(p: ParsedName): ParsedName {
  if (p instanceof PlainName) return new PlainName(p.raw, true, p.hidden);
  return { ...p, compilerMade: true };
}

/** True when `parseName(raw)` is a `PlainName`: a name without decorations. */
export function isPlainName(p: ParsedName): p is PlainName {
  return p instanceof PlainName;
}

/** Takes a symbol name apart. Pure and cheap: called once per symbol. */
export function parseName(raw: string): ParsedName {
  const hidden = isHiddenName(raw);
  if (hidden || !raw.includes(".")) return new PlainName(raw, !hidden && isCompilerStaticBase(raw), hidden);
  const tokens = raw.split(".");
  const base = tokens[0]!;
  const clones: CloneKind[] = [];
  const inner: string[] = [];
  let numbered = false;
  let privatised = false;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (CLONE_KINDS.has(t)) {
      clones.push(t as CloneKind);
      if (i + 1 < tokens.length && DIGITS.test(tokens[i + 1]!)) i++;
    } else if (t === "llvm" && i + 1 < tokens.length && HEX.test(tokens[i + 1]!)) {
      privatised = true;
      i++;
    } else if (
      (t === "lto_priv" || t === "__uniq") &&
      (i + 1 >= tokens.length || DIGITS.test(tokens[i + 1]!))
    ) {
      privatised = true;
      i++;
    } else if (DIGITS.test(t)) {
      numbered = true;
    } else if (t !== "") {
      inner.push(t);
    }
  }
  const compilerMade = isCompilerStaticBase(base) || (inner.length > 0 && MACRO_STATICS.has(inner[0]!));
  const key = [base, ...inner, ...clones].join(".");
  return { raw, base, clones, inner, numbered, privatised, compilerMade, hidden, key };
}

function isCompilerStaticBase(base: string): boolean {
  if (COMPILER_STATICS.has(base)) return true;
  for (const p of COMPILER_STATIC_PREFIXES) if (base.startsWith(p)) return true;
  return false;
}

/** Local labels, mapping symbols and unnamed symbols: never listed, never paired by name. */
export function isHiddenName(name: string): boolean {
  if (name === "") return true;
  if (name.startsWith(".L") || name.startsWith("$L") || name.startsWith("L0\u0001")) return true;
  // clang's private globals (.str, .str.1, .compoundliteral) keep a leading dot when not renamed to .L.
  if (name.startsWith(".")) return true;
  // ARM/AArch64/RISC-V/C-SKY mapping symbols: $a $d $t $x, optionally followed by a dot and anything.
  if (name.charCodeAt(0) === 0x24 /* $ */ && name.length >= 2) {
    const c = name[1]!;
    if (c === "a" || c === "d" || c === "t" || c === "x") {
      // RISC-V spells the ISA after $x: `$xrv64i2p1_m2p0...`.
      if (name.length === 2 || name[2] === "." || name.startsWith("rv", 2)) return true;
    }
  }
  return false;
}

/** The name a person knows a function by: clone kinds kept, numbers and hashes dropped (`foo.isra`). */
export function displayName(p: ParsedName): string {
  return p.key;
}

/** True when the parsed name is a child piece (`.cold`, `.part`) of another function. */
export function childKind(p: ParsedName): CloneKind | undefined {
  for (let i = p.clones.length - 1; i >= 0; i--) if (CHILD_KINDS.has(p.clones[i]!)) return p.clones[i];
  return undefined;
}

/** The key of the parent of a child piece: `foo.part.0.cold` → `foo.part`, `foo.cold` → `foo`. */
export function parentKey(p: ParsedName): string | undefined {
  let last = -1;
  for (let i = p.clones.length - 1; i >= 0; i--) {
    if (CHILD_KINDS.has(p.clones[i]!)) {
      last = i;
      break;
    }
  }
  if (last < 0) return undefined;
  return [p.base, ...p.inner, ...p.clones.slice(0, last)].join(".");
}
