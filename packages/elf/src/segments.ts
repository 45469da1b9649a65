import { ByteView } from "./bytes.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";

export interface Segment {
  readonly index: number;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: number;
  readonly memsz: bigint;
  readonly align: bigint;
}

/** e_phnum saying the count is in section 0's sh_info. */
export const PN_XNUM = 0xffff;

/** Program headers; `extendedCount` is section 0's sh_info, used when e_phnum is PN_XNUM. */
export function readSegments(bytes: Uint8Array, h: ElfHeader, extendedCount: number | undefined): Segment[] {
  let count = h.phnum;
  if (count === PN_XNUM && extendedCount !== undefined) count = extendedCount;
  if (count === 0) return [];
  const entsize = h.is64 ? 56 : 32;
  if (h.phentsize !== entsize) {
    fail(
      "bad-entry-size",
      `e_phentsize is ${h.phentsize}, expected ${entsize} for ELF${h.class}`,
      h.is64 ? 54 : 42,
    );
  }
  const end = h.phoff + count * entsize;
  if (h.phoff === 0 || !Number.isSafeInteger(end) || end > bytes.length) {
    fail(
      "bad-table-offset",
      `program header table (${count} entries at ${h.phoff}) is outside the file`,
      h.is64 ? 32 : 28,
    );
  }
  const v = new ByteView(bytes, h.littleEndian);
  const out: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const at = h.phoff + i * entsize;
    if (h.is64) {
      out.push({
        index: i,
        type: v.u32(at),
        flags: v.u32(at + 4),
        offset: v.u64n(at + 8, "p_offset"),
        vaddr: v.u64(at + 16),
        paddr: v.u64(at + 24),
        filesz: v.u64n(at + 32, "p_filesz"),
        memsz: v.u64(at + 40),
        align: v.u64(at + 48),
      });
    } else {
      out.push({
        index: i,
        type: v.u32(at),
        offset: v.u32(at + 4),
        vaddr: BigInt(v.u32(at + 8)),
        paddr: BigInt(v.u32(at + 12)),
        filesz: v.u32(at + 16),
        memsz: BigInt(v.u32(at + 20)),
        flags: v.u32(at + 24),
        align: BigInt(v.u32(at + 28)),
      });
    }
  }
  return out;
}
