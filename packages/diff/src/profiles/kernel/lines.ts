import { EM_S390, instructionLength } from "../../compare/insn.js";
import { isCallRelocation, word32 } from "./arch.js";
import type { CodeImage } from "./code.js";
import type { KernelArch } from "./tables/index.js";

/**
 * kpatch's `__LINE__` rule, made precise: a function whose only differences are immediates that load a line
 * number as the second or third argument of a call to `__warn_printk`, `warn_slowpath_*`, `__might_sleep`,
 * `__might_fault`, `printk`/`_printk`, `lockdep_rcu_suspicious` and the like did not change: the patched
 * build only prints another line. Each difference must be the immediate of one such load (same opcode, same
 * register), and the first call after it must go to one of those functions; relocations must be equal.
 * A `__LINE__` passed to any other function is a real change.
 */

/** Functions whose line-number argument may differ (exact names). */
const LINE_FUNCTIONS: ReadonlySet<string> = new Set([
  "__warn_printk",
  "__might_sleep",
  "___might_sleep",
  "__might_resched",
  "__might_fault",
  "__cant_sleep",
  "__cant_migrate",
  "printk",
  "_printk",
  "lockdep_rcu_suspicious",
  "__btrfs_abort_transaction",
  "__btrfs_handle_fs_error",
  "__btrfs_panic",
]);

export function takesLineNumber(name: string): boolean {
  return LINE_FUNCTIONS.has(name) || name.startsWith("warn_slowpath_");
}

export interface LineChange {
  /** Offset of the loading instruction in the original function. */
  readonly offset: number;
  readonly original: number;
  readonly patched: number;
  /** The function it is passed to. */
  readonly callee: string;
}

interface Load {
  /** Where the instruction starts and ends in the image. */
  readonly start: number;
  readonly end: number;
  readonly original: number;
  readonly patched: number;
}

/**
 * The line-number changes that explain every difference between `a` (original) and `b` (patched), or
 * undefined when something else differs.
 */
export function lineNumberChanges(
  arch: KernelArch,
  a: CodeImage,
  b: CodeImage,
  littleEndian: boolean,
): LineChange[] | undefined {
  if (a.bytes.length !== b.bytes.length || a.bytes.length === 0) return undefined;
  const loads =
    arch === "x86_64"
      ? x86Loads(a.bytes, b.bytes)
      : arch === "s390x"
        ? s390Loads(a.bytes, b.bytes)
        : fixedLoads(arch, a.bytes, b.bytes, littleEndian);
  if (!loads || loads.length === 0) return undefined;
  const out: LineChange[] = [];
  for (const l of loads) {
    const call = a.relocs.find((r) => r.offset >= l.end && isCallRelocation(arch, r.type, a.bytes, r.offset));
    if (!call?.name || !takesLineNumber(call.name)) return undefined;
    out.push({ offset: a.toFunction(l.start), original: l.original, patched: l.patched, callee: call.name });
  }
  return out;
}

/** x86-64: `mov $imm32,%esi` (be) or `%edx` (ba); every differing byte inside one such immediate. */
function x86Loads(a: Uint8Array, b: Uint8Array): Load[] | undefined {
  const out: Load[] = [];
  for (let d = 0; d < a.length; d++) {
    if (a[d] === b[d]) continue;
    let found: Load | undefined;
    for (let s = d - 1; s >= Math.max(0, d - 4); s--) {
      const op = a[s];
      if ((op !== 0xbe && op !== 0xba) || b[s] !== op || s + 5 > a.length) continue;
      // A REX.B prefix would make it %r14d/%r10d, not an argument register.
      if (s > 0 && (a[s - 1]! & 0xf1) === 0x41) continue;
      found = { start: s, end: s + 5, original: le32(a, s + 1), patched: le32(b, s + 1) };
      break;
    }
    if (!found) return undefined;
    out.push(found);
    d = found.end - 1;
  }
  return out;
}

function le32(x: Uint8Array, at: number): number {
  return x[at]! | (x[at + 1]! << 8) | (x[at + 2]! << 16) | (x[at + 3]! << 24) | 0;
}

/** s390x: `lghi`/`lhi` into %r3 or %r4 (a7 39/49, a7 38/48). */
function s390Loads(a: Uint8Array, b: Uint8Array): Load[] | undefined {
  const out: Load[] = [];
  for (let at = 0; at < a.length; ) {
    const len = instructionLength(EM_S390, a, at, false, false);
    if (len === 0 || at + len > a.length) return undefined;
    let same = true;
    for (let k = 0; k < len; k++) if (a[at + k] !== b[at + k]) same = false;
    if (!same) {
      const op = a[at + 1]!;
      const reg = op >> 4;
      const kind = op & 0x0f;
      const ok =
        len === 4 &&
        a[at] === 0xa7 &&
        b[at] === 0xa7 &&
        b[at + 1] === op &&
        (kind === 8 || kind === 9) &&
        (reg === 3 || reg === 4);
      if (!ok) return undefined;
      const v = (x: Uint8Array) => ((x[at + 2]! << 24) | (x[at + 3]! << 16)) >> 16;
      out.push({ start: at, end: at + len, original: v(a), patched: v(b) });
    }
    at += len;
  }
  return out;
}

/** The immediate of a line-number load into argument register 2 or 3, or undefined. */
type Decoder = (w: number) => { form: number; value: number } | undefined;

const DECODERS: Readonly<Partial<Record<KernelArch, Decoder>>> = {
  // li r4/r5,imm (addi rD,0,imm).
  ppc64le: (w) => {
    const rd = (w >>> 21) & 31;
    if (w >>> 26 !== 14 || ((w >>> 16) & 31) !== 0 || (rd !== 4 && rd !== 5)) return undefined;
    return { form: w & 0xffff0000, value: ((w & 0xffff) << 16) >> 16 };
  },
  // movz w1/w2 (or x1/x2), #imm16, no shift.
  aarch64: (w) => {
    const rd = w & 31;
    if ((w & 0x7fe00000) !== 0x52800000 || (rd !== 1 && rd !== 2)) return undefined;
    return { form: w & ~0x001fffe0, value: (w >>> 5) & 0xffff };
  },
  // ori $a1/$a2,$zero,imm12; addi.w/addi.d $a1/$a2,$zero,imm12 (li).
  loongarch64: (w) => {
    const rd = w & 31;
    const op = w & 0xffc003e0;
    if (rd !== 5 && rd !== 6) return undefined;
    if (op === 0x03800000) return { form: w & ~0x003ffc00, value: (w >>> 10) & 0xfff };
    if (op === 0x02800000 || op === 0x02c00000)
      return { form: w & ~0x003ffc00, value: (((w >>> 10) & 0xfff) << 20) >> 20 };
    return undefined;
  },
};

function fixedLoads(arch: KernelArch, a: Uint8Array, b: Uint8Array, le: boolean): Load[] | undefined {
  const decode = DECODERS[arch];
  if (!decode || a.length % 4 !== 0) return undefined;
  const out: Load[] = [];
  for (let at = 0; at < a.length; at += 4) {
    const wa = word32(a, at, le);
    const wb = word32(b, at, le);
    if (wa === wb) continue;
    const x = decode(wa);
    const y = decode(wb);
    if (!x || !y || x.form !== y.form) return undefined;
    out.push({ start: at, end: at + 4, original: x.value, patched: y.value });
  }
  return out;
}
