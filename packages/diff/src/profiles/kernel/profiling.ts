import type { Entity, ObjectView } from "../../object.js";
import { NOP_WORD, targetName, word32 } from "./arch.js";
import type { SideEntries } from "./entries.js";
import type { KernelArch } from "./tables/index.js";

/**
 * The profiling entry of a function: what ftrace (and so a live patch) redirects. Recognised from the code
 * and from the profiling tables (`__mcount_loc`, `__patchable_function_entries`):
 * - x86-64: `call __fentry__` (e8 + PLT32/PC32 `__fentry__`) at offset 0, or after an `endbr64`;
 * - ppc64le `-mprofile-kernel`: `mflr r0; [std r0,16(r1);] bl _mcount` at the local entry point;
 * - s390x: `brcl 0,0` at offset 0 (`-mnop-mcount`), or `brasl %r0,__fentry__`;
 * - aarch64, loongarch64 (and any architecture with a `__patchable_function_entries` entry): the nops the
 *   table entry points at;
 * - otherwise a `__mcount_loc` entry alone says there is one (its code is not cut).
 * `offset`/`length` say where the entry's code is, from the start of the function, so that a function that
 * gained or lost `notrace` can be compared without it.
 */
export interface ProfilingEntry {
  readonly offset: number;
  readonly length: number;
  readonly what: string;
}

const MFLR_R0 = 0x7c0802a6;
const STD_R0_16_R1 = 0xf8010010;
const ENDBR64 = [0xf3, 0x0f, 0x1e, 0xfa];
const NOP5 = [0x0f, 0x1f, 0x44, 0x00, 0x00];

export function profilingEntry(
  view: ObjectView,
  arch: KernelArch | undefined,
  entries: SideEntries,
  e: Entity,
): ProfilingEntry | undefined {
  if (e.section < 0 || e.nobits) return undefined;
  const code = view.entityBytes(e);
  const tables = (entries.byOwner.get(view.primary(e)) ?? []).filter((x) => x.layout.role === "profiling");
  const le = view.elf.littleEndian;
  const callTo = (field: number, names: readonly string[]): boolean => {
    const r = view.relocs(e.section);
    const [from, to] = view.relocRange(e.section, e.start + field, e.start + field + 1);
    for (let i = from; i < to; i++) {
      const n = targetName(view, view.target(r, i));
      if (n !== undefined && names.includes(n)) return true;
    }
    return false;
  };
  const at = (off: number, bytes: readonly number[]) =>
    off + bytes.length <= code.length && bytes.every((b, k) => code[off + k] === b);

  switch (arch) {
    case "x86_64": {
      for (const off of at(0, ENDBR64) ? [4, 0] : [0]) {
        if (code[off] === 0xe8 && callTo(off + 1, ["__fentry__", "mcount", "__mcount"]))
          return { offset: off, length: 5, what: "call to __fentry__" };
      }
      for (const t of tables) {
        if (at(t.ownerOffset, NOP5))
          return { offset: t.ownerOffset, length: 5, what: `5-byte nop recorded in ${t.table}` };
      }
      break;
    }
    case "ppc64le": {
      const r = view.relocs(e.section);
      const [from, to] = view.relocRange(e.section, e.start, e.start + Math.min(e.size, 32));
      for (let i = from; i < to; i++) {
        if (targetName(view, view.target(r, i)) !== "_mcount") continue;
        const bl = r.offsets[i]! - e.start;
        if (bl >= 4 && word32(code, bl - 4, le) === MFLR_R0)
          return { offset: bl - 4, length: 8, what: "mflr r0; bl _mcount" };
        if (bl >= 8 && word32(code, bl - 4, le) === STD_R0_16_R1 && word32(code, bl - 8, le) === MFLR_R0)
          return { offset: bl - 8, length: 12, what: "mflr r0; std r0,16(r1); bl _mcount" };
      }
      break;
    }
    case "s390x": {
      if (at(0, [0xc0, 0x04, 0, 0, 0, 0])) return { offset: 0, length: 6, what: "brcl 0,0 (jgnop)" };
      if (code[0] === 0xc0 && (code[1]! & 0x0f) === 5 && callTo(2, ["__fentry__"]))
        return { offset: 0, length: 6, what: "brasl to __fentry__" };
      break;
    }
    default:
      break;
  }
  const nop = arch ? NOP_WORD[arch] : undefined;
  for (const t of tables) {
    if (t.table !== "__patchable_function_entries" || nop === undefined) continue;
    let n = 0;
    while (t.ownerOffset + 4 * (n + 1) <= code.length && word32(code, t.ownerOffset + 4 * n, le) === nop) n++;
    return { offset: t.ownerOffset, length: 4 * n, what: `${n} patchable nop${n === 1 ? "" : "s"}` };
  }
  const t = tables[0];
  if (t) return { offset: t.ownerOffset, length: 0, what: `an entry in ${t.table}` };
  // -fpatchable-function-entry=N,M with M > 0 (arm64 CALL_OPS): the table points M nops before the
  // symbol, at no function; the N - M nops after it start the function.
  if (nop !== undefined && view.elf.sectionByName("__patchable_function_entries")) {
    let n = 0;
    while (4 * (n + 1) <= code.length && word32(code, 4 * n, le) === nop) n++;
    if (n > 0) return { offset: 0, length: 4 * n, what: `${n} patchable nop${n === 1 ? "" : "s"}` };
  }
  return undefined;
}
