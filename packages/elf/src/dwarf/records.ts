import type { InlinedCall, Parameter, Subprogram, TypeId, Variable } from "./model.js";

/**
 * The published subprograms and variables, in fewer fields than the model has: hundreds of thousands of them
 * stay alive for a whole diff. Four booleans and the section share one number, the name and ELF symbol one
 * field when the symbol is the name and there is no linkage name (C), and a plain-offset id is kept as its
 * number, spelled on each read (most ids are never read). Getters only: JSON.stringify and spreads do not
 * see the fields, so the model is read field by field.
 */

/** Bits of `bits`; the section index + 1 is stored above them (as a multiple of `SECTION_UNIT`). */
const EXTERNAL = 1;
const DECLARATION = 2;
const INLINE = 4;
const VARIADIC = 8;
/** `names` is the name alone and the symbol is that name (otherwise, with `names` a string, there is none). */
const SYMBOL_IS_NAME = 16;
/** Arithmetic, not shifts: a section index may need more than the bits a shift keeps. */
const SECTION_UNIT = 32;

/** Name, linkage name and symbol when they do not fit the one-string form. */
interface Names {
  readonly name: string;
  readonly linkageName: string | undefined;
  readonly symbol: string | undefined;
}

function namesOf(name: string, linkageName: string | undefined, symbol: string | undefined): string | Names {
  return linkageName === undefined && (symbol === undefined || symbol === name)
    ? name
    : { name, linkageName, symbol };
}

/** The symbol bit for the one-string form of `namesOf`. */
function symbolBit(names: string | Names, symbol: string | undefined): number {
  return typeof names === "string" && symbol !== undefined ? SYMBOL_IS_NAME : 0;
}

/** `bits` with SYMBOL_IS_NAME replaced by `bit` (in arithmetic: `bits` may exceed 32 bits). */
function withSymbolBit(bits: number, bit: number): number {
  return bits - (bits & SYMBOL_IS_NAME) + bit;
}

function sectionPart(section: number | undefined): number {
  return section === undefined ? 0 : (section + 1) * SECTION_UNIT;
}

function sectionOfBits(bits: number): number | undefined {
  const s = Math.floor(bits / SECTION_UNIT) - 1;
  return s >= 0 ? s : undefined;
}

/** `id` as kept: a number stands for its decimal spelling. */
export type CompactId = string | number;

function spellId(id: CompactId): string {
  return typeof id === "number" ? String(id) : id;
}

/**
 * What subprograms and variables share, in the compact form above: the id, the names and ELF symbol, the
 * EXTERNAL and DECLARATION flags and the section (the subclasses add their own flags to `bits`).
 */
abstract class DieRecord {
  #id: CompactId;
  #names: string | Names;
  #bits: number;

  protected constructor(
    id: CompactId,
    name: string,
    linkageName: string | undefined,
    external: boolean,
    declaration: boolean,
    section: number | undefined,
    flags: number,
  ) {
    this.#id = id;
    this.#names = namesOf(name, linkageName, undefined);
    this.#bits = (external ? EXTERNAL : 0) + (declaration ? DECLARATION : 0) + flags + sectionPart(section);
  }

  get id(): string {
    return spellId(this.#id);
  }
  get name(): string {
    const n = this.#names;
    return typeof n === "string" ? n : n.name;
  }
  get linkageName(): string | undefined {
    const n = this.#names;
    return typeof n === "string" ? undefined : n.linkageName;
  }
  get symbol(): string | undefined {
    const n = this.#names;
    if (typeof n !== "string") return n.symbol;
    return (this.#bits & SYMBOL_IS_NAME) !== 0 ? n : undefined;
  }
  get external(): boolean {
    return this.hasFlag(EXTERNAL);
  }
  get declaration(): boolean {
    return this.hasFlag(DECLARATION);
  }
  get section(): number | undefined {
    return sectionOfBits(this.#bits);
  }

  protected hasFlag(bit: number): boolean {
    return (this.#bits & bit) !== 0;
  }

  /** Sets the section (found from the address in linked files). For the reader only, before publishing. */
  setSection(section: number | undefined): void {
    this.#bits = (this.#bits % SECTION_UNIT) + sectionPart(section);
  }

  /** Sets the ELF symbol. For the reader only, before publishing. */
  setSymbol(symbol: string | undefined): void {
    this.#names = namesOf(this.name, this.linkageName, symbol);
    this.#bits = withSymbolBit(this.#bits, symbolBit(this.#names, symbol));
  }
}

/** What `SubprogramRecord` is made from: the model's fields, the symbol attached later. */
export interface SubprogramFields {
  readonly id: CompactId;
  readonly name: string;
  readonly linkageName: string | undefined;
  readonly external: boolean;
  readonly declaration: boolean;
  readonly inline: boolean;
  readonly returns: TypeId | undefined;
  readonly params: readonly Parameter[];
  readonly variadic: boolean;
  readonly locals: readonly Parameter[];
  readonly section: number | undefined;
  readonly lowPc: bigint | undefined;
  readonly highPc: bigint | undefined;
  readonly inlined: readonly InlinedCall[];
  readonly file: string | undefined;
  readonly line: number | undefined;
}

export class SubprogramRecord extends DieRecord implements Subprogram {
  readonly returns: TypeId | undefined;
  readonly params: readonly Parameter[];
  readonly locals: readonly Parameter[];
  readonly inlined: readonly InlinedCall[];
  readonly lowPc: bigint | undefined;
  readonly highPc: bigint | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(f: SubprogramFields) {
    super(
      f.id,
      f.name,
      f.linkageName,
      f.external,
      f.declaration,
      f.section,
      (f.inline ? INLINE : 0) + (f.variadic ? VARIADIC : 0),
    );
    this.returns = f.returns;
    this.params = f.params;
    this.locals = f.locals;
    this.inlined = f.inlined;
    this.lowPc = f.lowPc;
    this.highPc = f.highPc;
    this.file = f.file;
    this.line = f.line;
  }

  get inline(): boolean {
    return this.hasFlag(INLINE);
  }
  get variadic(): boolean {
    return this.hasFlag(VARIADIC);
  }
}

/** What `VariableRecord` is made from: the model's fields, the symbol attached later. */
export interface VariableFields {
  readonly id: CompactId;
  readonly name: string;
  readonly linkageName: string | undefined;
  readonly type: TypeId | undefined;
  readonly external: boolean;
  readonly declaration: boolean;
  readonly scope: string | undefined;
  readonly section: number | undefined;
  readonly address: bigint | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
}

export class VariableRecord extends DieRecord implements Variable {
  readonly type: TypeId | undefined;
  readonly scope: string | undefined;
  readonly address: bigint | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(f: VariableFields) {
    super(f.id, f.name, f.linkageName, f.external, f.declaration, f.section, 0);
    this.type = f.type;
    this.scope = f.scope;
    this.address = f.address;
    this.file = f.file;
    this.line = f.line;
  }
}
