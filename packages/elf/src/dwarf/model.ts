/**
 * The type model the DWARF reader produces and the diff engine consumes. Plain data: every type has a stable
 * `id` within one file (the DIE's offset in its section, prefixed for type units), references are by id, and the
 * whole model is JSON-friendly apart from bigint enumerator values. Subprograms and variables are the exception:
 * read-only objects whose fields are getters (kept compact, they are most of a large file's model), so
 * `JSON.stringify` and spreads do not see them; read them field by field.
 */

export type TypeId = string;

export type TypeKind =
  | "base"
  | "struct"
  | "union"
  | "class"
  | "enum"
  | "typedef"
  | "pointer"
  | "reference"
  | "rvalue-reference"
  | "ptr-to-member"
  | "array"
  | "const"
  | "volatile"
  | "restrict"
  | "atomic"
  | "function"
  | "unspecified";

export interface Member {
  /** "" for anonymous members. */
  readonly name: string;
  readonly type: TypeId;
  /** Byte offset from the start of the enclosing struct; for bit-fields floor(bitOffset / 8). */
  readonly offset: number;
  /** Size in bytes of the member's type (for bit-fields: of the storage unit / declared type). */
  readonly size: number;
  /** Absolute bit offset from the start of the struct (DWARF 5 meaning), bit-fields only. */
  readonly bitOffset?: number;
  readonly bitSize?: number;
  /** A base class subobject (DW_TAG_inheritance); its name is "". */
  readonly inheritance?: boolean;
  /** Compiler-generated (DW_AT_artificial), e.g. a C++ vtable pointer. */
  readonly artificial?: boolean;
}

export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
}

export interface Subrange {
  /** Element count; undefined for flexible / unknown-bound arrays. */
  readonly count?: number;
}

interface TypeBase {
  readonly id: TypeId;
  /** The tag or typedef name; "" when anonymous. */
  readonly name: string;
  /** Byte size when DWARF gives or implies one. */
  readonly size?: number;
  /** True for declarations (`struct foo;`) that carry no layout. */
  readonly declaration?: boolean;
  /** Source position, when DWARF has one. */
  readonly file?: string;
  readonly line?: number;
}

export type DwarfType =
  | (TypeBase & { readonly kind: "base"; readonly encoding: number })
  | (TypeBase & { readonly kind: "struct" | "union" | "class"; readonly members: readonly Member[] })
  | (TypeBase & {
      readonly kind: "enum";
      readonly enumerators: readonly Enumerator[];
      readonly underlying?: TypeId;
    })
  | (TypeBase & { readonly kind: "typedef"; readonly target?: TypeId })
  | (TypeBase & {
      readonly kind:
        | "pointer"
        | "reference"
        | "rvalue-reference"
        | "ptr-to-member"
        | "const"
        | "volatile"
        | "restrict"
        | "atomic";
      /** undefined means `void`. */
      readonly target?: TypeId;
    })
  | (TypeBase & {
      readonly kind: "array";
      readonly element: TypeId;
      readonly dimensions: readonly Subrange[];
    })
  | (TypeBase & {
      readonly kind: "function";
      readonly returns?: TypeId;
      readonly params: readonly TypeId[];
      readonly variadic: boolean;
      /** False for old-style declarations without a prototype (`int f()`), spelled with empty parentheses. */
      readonly prototyped?: boolean;
    })
  | (TypeBase & { readonly kind: "unspecified" });

export interface Parameter {
  readonly name: string;
  readonly type?: TypeId;
}

export interface InlinedCall {
  /** The subprogram that was inlined (by name; the abstract origin's name). */
  readonly callee: string;
  readonly calleeId?: string;
  readonly file?: string;
  readonly line?: number;
}

export interface Subprogram {
  /** DIE offset: stable id within the file. */
  readonly id: string;
  readonly name: string;
  readonly linkageName?: string;
  readonly external: boolean;
  readonly declaration: boolean;
  /**
   * True for abstract instances without code of their own (inline-only definitions whose code lives in their
   * callers). An abstract instance that also has an out-of-line copy is listed once, as that copy.
   */
  readonly inline: boolean;
  readonly returns?: TypeId;
  readonly params: readonly Parameter[];
  readonly variadic: boolean;
  /** Types of local variables (DW_TAG_variable children, lexical blocks included). */
  readonly locals: readonly Parameter[];
  /**
   * Where its code is: the ELF section index holding low_pc (resolved through the .debug_info relocation's
   * symbol in relocatable files) and the offset within it; undefined for declarations and abstract instances.
   */
  readonly section?: number;
  readonly lowPc?: bigint;
  readonly highPc?: bigint;
  /** Every inlined subroutine inside it, in DIE order (nested ones too). */
  readonly inlined: readonly InlinedCall[];
  /** Names of global/static variables referenced is not in DWARF; the diff uses relocations for that. */
  readonly file?: string;
  readonly line?: number;
  /** The ELF symbol (STT_FUNC) at `section`/`lowPc`, when there is one. */
  readonly symbol?: string;
}

export interface Variable {
  readonly id: string;
  readonly name: string;
  readonly linkageName?: string;
  readonly type?: TypeId;
  readonly external: boolean;
  readonly declaration: boolean;
  /** Set for static locals: the subprogram (by id) they are declared in. */
  readonly scope?: string;
  /** From DW_AT_location DW_OP_addr: section index (via relocation symbol) and offset. */
  readonly section?: number;
  readonly address?: bigint;
  readonly file?: string;
  readonly line?: number;
  /** The ELF symbol (STT_OBJECT, STT_TLS or common) at `section`/`address`, or of the same name, when there is one. */
  readonly symbol?: string;
}

export interface CompileUnit {
  readonly offset: number;
  readonly version: number;
  readonly name: string;
  readonly producer: string;
  readonly language: number;
  readonly addressSize: number;
  readonly compDir?: string;
}

/**
 * What `readDwarf` returns. `units` and `types` are read at once; `subprograms` and `variables` are decoded the
 * first time either is read (a reader of layouts does not pay for them), so a malformed reference between
 * subprograms or variables (an abstract-origin cycle, an address index past .debug_addr) throws its
 * `ElfError` then, from the property access. Malformed DIE trees, abbreviations and attribute encodings are
 * refused by `readDwarf` itself, since every DIE is read there.
 */
export interface DwarfInfo {
  readonly units: readonly CompileUnit[];
  /** Every type by id. */
  readonly types: ReadonlyMap<TypeId, DwarfType>;
  readonly subprograms: readonly Subprogram[];
  readonly variables: readonly Variable[];
}
