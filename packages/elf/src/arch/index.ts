import { aarch64 } from "./aarch64.js";
import { arm } from "./arm.js";
import { i386 } from "./i386.js";
import { loongarch } from "./loongarch.js";
import { mips } from "./mips.js";
import { ppc } from "./ppc.js";
import { ppc64 } from "./ppc64.js";
import { riscv } from "./riscv.js";
import { s390x } from "./s390x.js";
import { sparc, sparcv9 } from "./sparc.js";
import type { ArchTable } from "./types.js";
import { x86_64 } from "./x86_64.js";

export { implicitAddend } from "./addend.js";
export type { AddendEncoding, ArchTable, RelocType } from "./types.js";

const TABLES: ReadonlyMap<number, ArchTable> = new Map(
  [x86_64, i386, aarch64, arm, ppc64, ppc, s390x, riscv, loongarch, mips, sparc, sparcv9].map((t) => [
    t.machine,
    t,
  ]),
);

/** The relocation table for an e_machine value, or undefined for machines we have none for. */
export function archTable(machine: number): ArchTable | undefined {
  return TABLES.get(machine);
}

/**
 * Our name for a machine, as the dump contract spells it. Only RISC-V's name depends on the ELF class; for
 * display use this rather than `ArchTable.name`, which is per table ("riscv" covers both classes).
 */
export function machineName(machine: number, is64: boolean): string {
  switch (machine) {
    case 62:
      return "x86_64";
    case 3:
      return "i386";
    case 183:
      return "aarch64";
    case 40:
      return "arm";
    case 21:
      return "ppc64";
    case 20:
      return "ppc";
    case 22:
      return "s390x";
    case 243:
      return is64 ? "riscv64" : "riscv32";
    case 258:
      return "loongarch";
    case 8:
      return "mips";
    case 2:
      return "sparc";
    case 43:
      return "sparcv9";
    case 50:
      return "ia64";
    case 247:
      return "bpf";
    default:
      return `EM_${machine}`;
  }
}

/** The psABI name of a relocation type (as llvm-readobj prints it), or undefined if unknown for the machine. */
export function relocTypeName(machine: number, type: number): string | undefined {
  return TABLES.get(machine)?.types.get(type)?.name;
}
