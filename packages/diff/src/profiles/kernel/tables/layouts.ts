/**
 * What each kernel special section is to a live patch, independently of the architecture: its role, where
 * the field that names the function an entry belongs to is, and which other fields matter. Entry sizes are
 * per architecture (x86_64.ts, ppc64le.ts, s390x.ts, aarch64.ts, loongarch64.ts), merged in index.ts.
 */

/**
 * - `code`: entries describe the code of the function they point at (a bug site, a jump label, an
 *   exception-table entry, an alternative): a different entry makes the function changed.
 * - `profiling`: the ftrace entry tables (`__mcount_loc`, `__patchable_function_entries`): never make a
 *   function changed.
 * - `metadata`: no run-time effect on the code (`.discard.*`, export tables, `.modinfo`): differences are
 *   reported as ignored.
 * - `pool`: code reached only through the entries of another section (`.fixup` stubs, alternative
 *   replacements): compared as part of those entries, by contents.
 * - `companion`: a table paired by index with another (`.orc_unwind` with `.orc_unwind_ip`).
 */
export type SectionRole = "code" | "profiling" | "metadata" | "pool" | "companion";

export interface SectionLayout {
  /** The section's name (for `___ksymtab+sym`: `___ksymtab`), or a prefix followed by `*`. */
  readonly name: string;
  readonly role: SectionRole;
  /** Entry size in bytes; undefined for pools, string sections and tables of unknown layout. */
  readonly size?: number;
  /** Offset in the entry of the field pointing at the function (or object) the entry belongs to. */
  readonly owner: number;
  /** Offset of a 16-bit line number (`__bug_table`): a change there alone is a line-number change. */
  readonly line?: number;
  /** Offset of the key field (`__jump_table`, `.static_call_sites`): checked for keys defined elsewhere. */
  readonly key?: number;
  /** Exports: entries of `___ksymtab+sym` / `___ksymtab_gpl+sym` / `__ksymtab*`. */
  readonly export?: "plain" | "gpl";
  /** A field pointing into a pool, and the offset of the u8 holding the length of what it points at. */
  readonly poolLength?: { readonly field: number; readonly byteAt: number };
  /** A section paired entry by entry with this one. */
  readonly companion?: { readonly name: string; readonly size: number };
  /** What one entry is, for messages ("jump label", "exception-table entry"). */
  readonly what: string;
}

/** Per architecture: the entry size of each section it has, and field offsets that differ from the defaults. */
export type ArchLayouts = Readonly<
  Record<string, { readonly size: number } & Partial<Omit<SectionLayout, "name" | "role" | "size">>>
>;

const code = (name: string, what: string, extra: Partial<SectionLayout> = {}): SectionLayout => ({
  name,
  role: "code",
  owner: 0,
  what,
  ...extra,
});
const meta = (name: string, what: string, extra: Partial<SectionLayout> = {}): SectionLayout => ({
  name,
  role: "metadata",
  owner: 0,
  what,
  ...extra,
});

/** Every section the kernel profile knows, with its architecture-independent layout. */
export const KNOWN_LAYOUTS: readonly SectionLayout[] = [
  code("__bug_table", "bug/warning site", { line: 8 }),
  code("__jump_table", "jump label", { key: 8 }),
  code("__ex_table", "exception-table entry"),
  code(".altinstructions", "alternative"),
  code(".parainstructions", "paravirt patch site"),
  code(".smp_locks", "lock prefix"),
  code(".static_call_sites", "static call site", { key: 4 }),
  code(".static_call_tramp_key", "static call trampoline key"),
  code(".orc_unwind_ip", "ORC unwind entry", { companion: { name: ".orc_unwind", size: 6 } }),
  code(".retpoline_sites", "retpoline site"),
  code(".return_sites", "return site"),
  code(".call_sites", "call site"),
  code(".ibt_endbr_seal", "ENDBR seal"),
  { name: "__mcount_loc", role: "profiling", owner: 0, what: "ftrace call site" },
  { name: "__patchable_function_entries", role: "profiling", owner: 0, what: "patchable function entry" },
  { name: ".fixup", role: "pool", owner: 0, what: "fixup code" },
  { name: ".altinstr_replacement", role: "pool", owner: 0, what: "alternative replacement" },
  { name: ".altinstr_aux", role: "pool", owner: 0, what: "alternative helper code" },
  { name: ".orc_unwind", role: "companion", owner: 0, what: "ORC unwind data" },
  meta("___ksymtab", "export", { export: "plain" }),
  meta("___ksymtab_gpl", "GPL-only export", { export: "gpl" }),
  meta("__ksymtab", "export", { export: "plain" }),
  meta("__ksymtab_gpl", "GPL-only export", { export: "gpl" }),
  meta("__ksymtab_strings", "export name"),
  // Linux 6.5+: `__export_symbol_f: .asciz license; .asciz ns; .balign 8; .quad f` (entries.ts reads it).
  meta(".export_symbol", "export", { export: "plain" }),
  meta("___kcrctab", "symbol version CRC"),
  meta("___kcrctab_gpl", "symbol version CRC"),
  meta("__kcrctab", "symbol version CRC"),
  meta("__kcrctab_gpl", "symbol version CRC"),
  meta("__tracepoints_ptrs", "tracepoint pointer"),
  meta("__tracepoints_strings", "tracepoint name"),
  meta(".printk_index", "printk index entry"),
  meta(".modinfo", "module information string"),
  meta(".discard.*", "link-time annotation"),
];

/** `___ksymtab+sym` → `___ksymtab`, `___ksymtab_gpl+sym` → `___ksymtab_gpl` (and `___kcrctab*`); others as they are. */
export function canonicalSection(name: string): string {
  if (name.startsWith("___ksymtab") || name.startsWith("___kcrctab")) {
    const plus = name.indexOf("+");
    if (plus > 0) return name.slice(0, plus);
  }
  return name;
}
