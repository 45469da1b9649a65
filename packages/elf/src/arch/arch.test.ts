import { describe, expect, it } from "vitest";
import { aarch64 } from "./aarch64.js";
import { implicitAddend } from "./addend.js";
import { arm } from "./arm.js";
import { i386 } from "./i386.js";
import { archTable, machineName, relocTypeName } from "./index.js";
import { loongarch } from "./loongarch.js";
import { mips } from "./mips.js";
import { ppc } from "./ppc.js";
import { ppc64 } from "./ppc64.js";
import { riscv } from "./riscv.js";
import { s390x } from "./s390x.js";
import { sparc, sparcv9 } from "./sparc.js";
import { type AddendEncoding, type ArchTable, table } from "./types.js";
import { x86_64 } from "./x86_64.js";

const ALL: readonly ArchTable[] = [
  x86_64,
  i386,
  aarch64,
  arm,
  ppc64,
  ppc,
  s390x,
  riscv,
  loongarch,
  mips,
  sparc,
  sparcv9,
];

describe("relocation tables", () => {
  it.each(ALL.map((t) => [t.name, t] as const))("%s: codes and names are unique and consistent", (_, t) => {
    const names = new Set<string>();
    for (const [code, r] of t.types) {
      expect(r.code).toBe(code);
      expect(names.has(r.name)).toBe(false);
      names.add(r.name);
      expect(Number.isInteger(r.width) && r.width >= 0 && r.width <= 16).toBe(true);
    }
    expect(names.size).toBe(t.types.size);
  });

  it("table() refuses a code or a name listed twice", () => {
    expect(() =>
      table(1, "t", true, [
        [1, "A", 4, false],
        [1, "B", 4, false],
      ]),
    ).toThrow(/listed twice/);
    expect(() =>
      table(1, "t", true, [
        [1, "A", 4, false],
        [2, "A", 4, false],
      ]),
    ).toThrow(/listed twice/);
  });

  it("every name carries its machine's prefix", () => {
    const prefix: Record<string, RegExp> = {
      x86_64: /^R_X86_64_/,
      i386: /^R_386_/,
      aarch64: /^R_AARCH64_/,
      arm: /^R_ARM_/,
      ppc64: /^R_PPC64_/,
      ppc: /^R_PPC_/,
      s390x: /^R_390_/,
      riscv: /^R_RISCV_/,
      loongarch: /^R_LARCH_/,
      mips: /^R_(MIPS|MIPS16|MICROMIPS)_/,
      sparc: /^R_SPARC_/,
      sparcv9: /^R_SPARC_/,
    };
    for (const t of ALL) for (const r of t.types.values()) expect(r.name).toMatch(prefix[t.name]!);
  });

  it("only i386, ARM and MIPS use SHT_REL", () => {
    expect(ALL.filter((t) => !t.usesRela).map((t) => t.name)).toEqual(["i386", "arm", "mips"]);
  });

  // Numbers checked against LLVM's ELFRelocs/*.def (and binutils' elf/*.h for the binutils-only ones).
  const spot: [ArchTable, number, string, number, boolean][] = [
    [x86_64, 1, "R_X86_64_64", 8, false],
    [x86_64, 2, "R_X86_64_PC32", 4, true],
    [x86_64, 4, "R_X86_64_PLT32", 4, true],
    [x86_64, 9, "R_X86_64_GOTPCREL", 4, true],
    [x86_64, 11, "R_X86_64_32S", 4, false],
    [x86_64, 42, "R_X86_64_REX_GOTPCRELX", 4, true],
    [i386, 2, "R_386_PC32", 4, true],
    [i386, 10, "R_386_GOTPC", 4, true],
    [i386, 43, "R_386_GOT32X", 4, false],
    [aarch64, 0x101, "R_AARCH64_ABS64", 8, false],
    [aarch64, 0x113, "R_AARCH64_ADR_PREL_PG_HI21", 4, true],
    [aarch64, 0x115, "R_AARCH64_ADD_ABS_LO12_NC", 4, false],
    [aarch64, 0x11a, "R_AARCH64_JUMP26", 4, true],
    [aarch64, 0x11b, "R_AARCH64_CALL26", 4, true],
    [aarch64, 0x239, "R_AARCH64_TLSDESC_CALL", 0, false],
    [aarch64, 0x403, "R_AARCH64_RELATIVE", 8, false],
    [aarch64, 0x15, "R_AARCH64_P32_CALL26", 4, true],
    [arm, 2, "R_ARM_ABS32", 4, false],
    [arm, 3, "R_ARM_REL32", 4, true],
    [arm, 10, "R_ARM_THM_CALL", 4, true],
    [arm, 28, "R_ARM_CALL", 4, true],
    [arm, 29, "R_ARM_JUMP24", 4, true],
    [arm, 30, "R_ARM_THM_JUMP24", 4, true],
    [arm, 40, "R_ARM_V4BX", 0, false],
    [arm, 42, "R_ARM_PREL31", 4, true],
    [arm, 43, "R_ARM_MOVW_ABS_NC", 4, false],
    [arm, 48, "R_ARM_THM_MOVT_ABS", 4, false],
    [arm, 51, "R_ARM_THM_JUMP19", 4, true],
    [arm, 102, "R_ARM_THM_JUMP11", 2, true],
    [arm, 103, "R_ARM_THM_JUMP8", 2, true],
    [arm, 107, "R_ARM_TLS_IE32", 4, true],
    [ppc64, 10, "R_PPC64_REL24", 4, true],
    [ppc64, 38, "R_PPC64_ADDR64", 8, false],
    [ppc64, 50, "R_PPC64_TOC16_HA", 2, false],
    [ppc64, 51, "R_PPC64_TOC", 8, false],
    [ppc64, 116, "R_PPC64_REL24_NOTOC", 4, true],
    [ppc64, 132, "R_PPC64_PCREL34", 8, true],
    [ppc64, 252, "R_PPC64_REL16_HA", 2, true],
    [ppc, 10, "R_PPC_REL24", 4, true],
    [ppc, 18, "R_PPC_PLTREL24", 4, true],
    [s390x, 4, "R_390_32", 4, false],
    [s390x, 19, "R_390_PC32DBL", 4, true],
    [s390x, 20, "R_390_PLT32DBL", 4, true],
    [s390x, 22, "R_390_64", 8, false],
    [s390x, 26, "R_390_GOTENT", 4, true],
    [s390x, 64, "R_390_PC24DBL", 3, true],
    [riscv, 16, "R_RISCV_BRANCH", 4, true],
    [riscv, 18, "R_RISCV_CALL", 8, true],
    [riscv, 19, "R_RISCV_CALL_PLT", 8, true],
    [riscv, 23, "R_RISCV_PCREL_HI20", 4, true],
    [riscv, 35, "R_RISCV_ADD32", 4, false],
    [riscv, 43, "R_RISCV_ALIGN", 0, false],
    [riscv, 45, "R_RISCV_RVC_JUMP", 2, true],
    [riscv, 51, "R_RISCV_RELAX", 0, false],
    [riscv, 53, "R_RISCV_SET6", 1, false],
    [riscv, 60, "R_RISCV_SET_ULEB128", 0, false],
    [loongarch, 64, "R_LARCH_B16", 4, true],
    [loongarch, 66, "R_LARCH_B26", 4, true],
    [loongarch, 71, "R_LARCH_PCALA_HI20", 4, true],
    [loongarch, 72, "R_LARCH_PCALA_LO12", 4, false],
    [loongarch, 99, "R_LARCH_32_PCREL", 4, true],
    [loongarch, 100, "R_LARCH_RELAX", 0, false],
    [loongarch, 109, "R_LARCH_64_PCREL", 8, true],
    [loongarch, 110, "R_LARCH_CALL36", 8, true],
    [mips, 2, "R_MIPS_32", 4, false],
    [mips, 4, "R_MIPS_26", 4, false],
    [mips, 5, "R_MIPS_HI16", 4, false],
    [mips, 6, "R_MIPS_LO16", 4, false],
    [mips, 10, "R_MIPS_PC16", 4, true],
    [mips, 11, "R_MIPS_CALL16", 4, false],
    [mips, 37, "R_MIPS_JALR", 0, false],
    [mips, 61, "R_MIPS_PC26_S2", 4, true],
    [mips, 248, "R_MIPS_PC32", 4, true],
    [sparc, 7, "R_SPARC_WDISP30", 4, true],
    [sparc, 20, "R_SPARC_GLOB_DAT", 4, false],
    [sparcv9, 20, "R_SPARC_GLOB_DAT", 8, false],
  ];
  it.each(spot.map(([t, code, name, width, pc]) => [t.name, code, name, width, pc, t] as const))(
    "%s %i is %s (width %i, pc-relative %s)",
    (_, code, name, width, pc, t) => {
      const r = t.types.get(code);
      expect(r?.name).toBe(name);
      expect(r?.width).toBe(width);
      expect(r?.pcRelative).toBe(pc);
    },
  );

  it("gives the REL machines the instruction encodings their fields use", () => {
    const kind = (t: ArchTable, code: number) => t.types.get(code)?.addend.kind;
    expect(kind(arm, 28)).toBe("arm-branch24");
    expect(kind(arm, 44)).toBe("arm-movw");
    expect(kind(arm, 10)).toBe("thumb-call");
    expect(kind(arm, 47)).toBe("thumb-movw");
    expect(kind(arm, 42)).toBe("prel31");
    expect(arm.types.get(2)?.addend).toEqual({ kind: "word", bytes: 4, signed: true });
    expect(kind(mips, 5)).toBe("mips-lo16");
    expect(kind(mips, 9)).toBe("mips-lo16");
    expect(kind(mips, 6)).toBe("mips-lo16");
    expect(kind(mips, 4)).toBe("mips-26");
    expect(mips.types.get(10)?.addend).toEqual({ kind: "insn-field", bits: 16, shift: 2, signed: true });
    expect(i386.types.get(20)?.addend).toEqual({ kind: "word", bytes: 2, signed: true });
  });
});

describe("archTable / machineName / relocTypeName", () => {
  it("finds tables by e_machine", () => {
    expect(archTable(62)).toBe(x86_64);
    expect(archTable(3)).toBe(i386);
    expect(archTable(183)).toBe(aarch64);
    expect(archTable(40)).toBe(arm);
    expect(archTable(21)).toBe(ppc64);
    expect(archTable(20)).toBe(ppc);
    expect(archTable(22)).toBe(s390x);
    expect(archTable(243)).toBe(riscv);
    expect(archTable(258)).toBe(loongarch);
    expect(archTable(8)).toBe(mips);
    expect(archTable(2)).toBe(sparc);
    expect(archTable(43)).toBe(sparcv9);
    expect(archTable(50)).toBeUndefined();
    expect(archTable(0)).toBeUndefined();
  });

  it("names machines", () => {
    const cases: [number, boolean, string][] = [
      [62, true, "x86_64"],
      [3, false, "i386"],
      [183, true, "aarch64"],
      [40, false, "arm"],
      [21, true, "ppc64"],
      [20, false, "ppc"],
      [22, true, "s390x"],
      [243, true, "riscv64"],
      [243, false, "riscv32"],
      [258, true, "loongarch"],
      [8, false, "mips"],
      [8, true, "mips"],
      [2, false, "sparc"],
      [43, true, "sparcv9"],
      [50, true, "ia64"],
      [247, true, "bpf"],
      [0, false, "EM_0"],
      [92, false, "EM_92"],
      [65535, true, "EM_65535"],
    ];
    for (const [m, is64, name] of cases) expect(machineName(m, is64)).toBe(name);
  });

  it("names relocation types", () => {
    expect(relocTypeName(62, 2)).toBe("R_X86_64_PC32");
    expect(relocTypeName(183, 0x11b)).toBe("R_AARCH64_CALL26");
    expect(relocTypeName(21, 10)).toBe("R_PPC64_REL24");
    expect(relocTypeName(22, 19)).toBe("R_390_PC32DBL");
    expect(relocTypeName(243, 19)).toBe("R_RISCV_CALL_PLT");
    expect(relocTypeName(258, 66)).toBe("R_LARCH_B26");
    expect(relocTypeName(40, 10)).toBe("R_ARM_THM_CALL");
    expect(relocTypeName(8, 5)).toBe("R_MIPS_HI16");
    expect(relocTypeName(62, 39)).toBeUndefined();
    expect(relocTypeName(62, 1000)).toBeUndefined();
    expect(relocTypeName(50, 1)).toBeUndefined();
  });
});

/** Bytes of 32-bit words in the given byte order. */
function words(le: boolean, ...ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  for (const [i, w] of ws.entries()) v.setUint32(i * 4, w >>> 0, le);
  return out;
}

/** A Thumb instruction as its halfwords, first halfword at the lower address. */
function halves(le: boolean, ...hs: number[]): Uint8Array {
  const out = new Uint8Array(hs.length * 2);
  const v = new DataView(out.buffer);
  for (const [i, h] of hs.entries()) v.setUint16(i * 2, h, le);
  return out;
}

const dec = (enc: AddendEncoding, bytes: Uint8Array, offset = 0, le = true) =>
  implicitAddend(enc, bytes, offset, le);

// Expected values come from the instruction encodings (ARM ARM, MIPS32 ISA), written as the assembler's
// source operand minus the PC bias of the instruction set (8 for A32, 4 for Thumb and MIPS branches).
// The same words come out of GNU as and llvm-mc for those operands.
describe("implicitAddend", () => {
  it("reads plain words of every size, signed and unsigned, in both byte orders", () => {
    expect(dec({ kind: "word", bytes: 1, signed: true }, Uint8Array.of(0xfc))).toBe(-4n);
    expect(dec({ kind: "word", bytes: 1, signed: false }, Uint8Array.of(0xfc))).toBe(252n);
    expect(dec({ kind: "word", bytes: 2, signed: true }, Uint8Array.of(0xfe, 0xff))).toBe(-2n);
    expect(dec({ kind: "word", bytes: 2, signed: true }, Uint8Array.of(0x12, 0x34), 0, false)).toBe(0x1234n);
    expect(dec({ kind: "word", bytes: 4, signed: true }, words(true, 0xfffffffc))).toBe(-4n);
    expect(dec({ kind: "word", bytes: 4, signed: false }, words(true, 0xfffffffc))).toBe(0xfffffffcn);
    expect(dec({ kind: "word", bytes: 4, signed: true }, words(false, 0x7fff0000), 0, false)).toBe(
      0x7fff0000n,
    );
    const q = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88);
    expect(dec({ kind: "word", bytes: 8, signed: false }, q)).toBe(0x8807060504030201n);
    expect(dec({ kind: "word", bytes: 8, signed: true }, q)).toBe(0x8807060504030201n - (1n << 64n));
    expect(dec({ kind: "word", bytes: 8, signed: false }, q, 0, false)).toBe(0x0102030405060788n);
  });

  it("reads at the offset, not at the start", () => {
    const b = new Uint8Array(12);
    b.set(words(true, 0xeb00048b), 8);
    expect(dec({ kind: "arm-branch24" }, b, 8)).toBe(0x122cn);
  });

  it("gives 0 for markers and fields it cannot decode", () => {
    const b = words(true, 0xffffffff);
    expect(dec({ kind: "none" }, b)).toBe(0n);
    expect(dec({ kind: "unknown-field" }, b)).toBe(0n);
  });

  it("never reads outside the array", () => {
    const b = words(true, 0xeb00048b);
    expect(dec({ kind: "arm-branch24" }, b, 1)).toBe(0n);
    expect(dec({ kind: "arm-branch24" }, b, -1)).toBe(0n);
    expect(dec({ kind: "arm-branch24" }, b, 0.5)).toBe(0n);
    expect(dec({ kind: "arm-branch24" }, b, Number.MAX_SAFE_INTEGER)).toBe(0n);
    expect(dec({ kind: "word", bytes: 8, signed: true }, b)).toBe(0n);
    expect(dec({ kind: "thumb-call" }, halves(true, 0xf001))).toBe(0n);
    expect(dec({ kind: "thumb-jump11" }, Uint8Array.of(0x0e))).toBe(0n);
    expect(dec({ kind: "thumb-jump11" }, Uint8Array.of(0x0e, 0xe0))).toBe(0x1cn);
    expect(dec({ kind: "mips-lo16" }, new Uint8Array(0))).toBe(0n);
    expect(dec({ kind: "uleb128" }, Uint8Array.of(0x80, 0x80))).toBe(0n);
  });

  describe("ARM (A32)", () => {
    const b24: AddendEncoding = { kind: "arm-branch24" };
    it("B/BL: imm24 << 2, sign-extended", () => {
      expect(dec(b24, words(true, 0xeb00048b))).toBe(0x122cn); // bl foo+0x1234
      expect(dec(b24, words(true, 0xeaffffbe))).toBe(-0x108n); // b foo-0x100
      expect(dec(b24, words(true, 0xebfffffe))).toBe(-8n); // bl foo
      expect(dec(b24, words(true, 0x0a000000))).toBe(0n); // beq foo+8
      expect(dec(b24, words(false, 0xeb00048b), 0, false)).toBe(0x122cn);
    });
    it("BLX (immediate): the H bit adds 2", () => {
      expect(dec(b24, words(true, 0xfa000006))).toBe(0x18n); // blx foo+0x20
      expect(dec(b24, words(true, 0xfb000006))).toBe(0x1an); // blx foo+0x22
    });
    it("MOVW/MOVT: imm4:imm12 as a signed 16-bit value, not shifted for MOVT", () => {
      const mov: AddendEncoding = { kind: "arm-movw" };
      expect(dec(mov, words(true, 0xe3010234))).toBe(0x1234n); // movw r0, #:lower16:foo+0x1234
      expect(dec(mov, words(true, 0xe3410234))).toBe(0x1234n); // movt r0, #:upper16:foo+0x1234
      expect(dec(mov, words(true, 0xe30f0ffc))).toBe(-4n); // movw r0, #:lower16:foo-4
      expect(dec(mov, words(true, 0xe3470ffc))).toBe(0x7ffcn); // movt r0, #:upper16:foo+0x7ffc
    });
    it("LDR/STR imm12 with the U bit", () => {
      const ldr: AddendEncoding = { kind: "arm-ldr12" };
      expect(dec(ldr, words(true, 0xe51f0008))).toBe(-8n); // ldr r0, [pc, #-8]
      expect(dec(ldr, words(true, 0xe59f0123))).toBe(0x123n); // ldr r0, [pc, #0x123]
    });
    it("ADD/SUB modified immediates", () => {
      const alu: AddendEncoding = { kind: "arm-alu-pc" };
      expect(dec(alu, words(true, 0xe28f0801))).toBe(0x10000n); // add r0, pc, #0x10000 (1 ror 16)
      expect(dec(alu, words(true, 0xe24f0008))).toBe(-8n); // sub r0, pc, #8
      expect(dec(alu, words(true, 0xe28101ff))).toBe(0xc000003fn); // add r0, r1, #0xc000003f (0xff ror 2)
    });
    it("LDRD imm4H:imm4L and LDC imm8 << 2, with the U bit", () => {
      expect(dec({ kind: "arm-ldrs" }, words(true, 0xe14f02d4))).toBe(-0x24n); // ldrd r0, r1, [pc, #-36]
      expect(dec({ kind: "arm-ldc" }, words(true, 0xed9f5e10))).toBe(0x40n); // ldc p14, c5, [pc, #64]
      expect(dec({ kind: "arm-ldc" }, words(true, 0xed1f5e10))).toBe(-0x40n); // ldc p14, c5, [pc, #-64]
    });
    it("PREL31: bit 31 is not part of the value", () => {
      expect(dec({ kind: "prel31" }, words(true, 0x7ffffff8))).toBe(-8n);
      expect(dec({ kind: "prel31" }, words(true, 0x80000010))).toBe(0x10n);
    });
  });

  describe("Thumb", () => {
    const call: AddendEncoding = { kind: "thumb-call" };
    it("BL/B.W (T4): S:I1:I2:imm10:imm11:0 with I = NOT(J XOR S)", () => {
      expect(dec(call, halves(true, 0xf001, 0xf918))).toBe(0x1230n); // bl foo+0x1234
      expect(dec(call, halves(true, 0xf7ef, 0xbffe))).toBe(-0x10004n); // b.w foo-0x10000
      expect(dec(call, halves(true, 0xf7ff, 0xfffe))).toBe(-4n); // bl foo
      expect(dec(call, halves(true, 0xf000, 0xe81e))).toBe(0x3cn); // blx foo+0x40
      // Halfword order does not change with the byte order; each halfword follows it.
      expect(dec(call, halves(false, 0xf001, 0xf918), 0, false)).toBe(0x1230n);
    });
    it("the extremes of the 25-bit range", () => {
      // S=0, J1=J2=0 (I1=I2=1), imm10/imm11 all ones: the largest forward offset.
      expect(dec(call, halves(true, 0xf3ff, 0xd7ff))).toBe(0xfffffen);
      // S=1, J1=J2=0 (I1=I2=0), imm10/imm11 zero: the largest backward offset.
      expect(dec(call, halves(true, 0xf400, 0xd000))).toBe(-0x1000000n);
    });
    it("B<c>.W (T3): S:J2:J1:imm6:imm11:0", () => {
      expect(dec({ kind: "thumb-jump19" }, halves(true, 0xf47f, 0xafee))).toBe(-0x24n); // bne.w foo-0x20
      expect(dec({ kind: "thumb-jump19" }, halves(true, 0xf000, 0x807e))).toBe(0xfcn); // beq.w foo+0x100
    });
    it("MOVW/MOVT (T3): imm4:i:imm3:imm8, signed", () => {
      const mov: AddendEncoding = { kind: "thumb-movw" };
      expect(dec(mov, halves(true, 0xf241, 0x2034))).toBe(0x1234n); // movw r0, #:lower16:foo+0x1234
      expect(dec(mov, halves(true, 0xf6ce, 0x50cc))).toBe(-0x1234n); // movt r0, #:upper16:foo-0x1234
      expect(dec(mov, halves(true, 0xf248, 0x0000))).toBe(-0x8000n); // movw r0, #:lower16:foo-0x8000
    });
    it("B (T2) and B<c> (T1)", () => {
      expect(dec({ kind: "thumb-jump11" }, halves(true, 0xe00e))).toBe(0x1cn); // b.n foo+0x20
      expect(dec({ kind: "thumb-jump11" }, halves(true, 0xe7fe))).toBe(-4n); // b.n foo
      expect(dec({ kind: "thumb-jump8" }, halves(true, 0xd0ee))).toBe(-0x24n); // beq.n foo-0x20
      expect(dec({ kind: "thumb-jump8" }, halves(true, 0xd17f))).toBe(0xfen);
    });
    it("ADR.W and LDR.W (literal)", () => {
      expect(dec({ kind: "thumb-alu-prel" }, halves(true, 0xf20f, 0x1023))).toBe(0x123n); // addw r0, pc, #0x123
      expect(dec({ kind: "thumb-alu-prel" }, halves(true, 0xf6af, 0x0004))).toBe(-0x804n); // subw r0, pc, #0x804
      expect(dec({ kind: "thumb-pc12" }, halves(true, 0xf8df, 0x0123))).toBe(0x123n); // ldr.w r0, [pc, #0x123]
      expect(dec({ kind: "thumb-pc12" }, halves(true, 0xf85f, 0x0123))).toBe(-0x123n); // ldr.w r0, [pc, #-0x123]
    });
  });

  describe("MIPS", () => {
    it("16-bit immediates: each relocation's own field, sign-extended; HI16 + LO16 form the full addend", () => {
      const imm: AddendEncoding = { kind: "mips-lo16" };
      // lui v0, %hi(foo+0x12348); addiu v0, v0, %lo(foo+0x12348)
      const hi = dec(imm, words(false, 0x3c020001), 0, false);
      const lo = dec(imm, words(false, 0x24422348), 0, false);
      expect(hi).toBe(1n);
      expect(lo).toBe(0x2348n);
      expect((hi << 16n) + lo).toBe(0x12348n);
      // lui v1, %hi(foo+0x18000); addiu v1, v1, %lo(foo+0x18000): the LO16 borrows from the HI16.
      const hi2 = dec(imm, words(true, 0x3c030002));
      const lo2 = dec(imm, words(true, 0x24638000));
      expect(lo2).toBe(-0x8000n);
      expect((hi2 << 16n) + lo2).toBe(0x18000n);
      expect(dec(imm, words(true, 0x8f84000c))).toBe(12n); // lw a0, %gp_rel(foo+12)(gp)
    });
    it("R_MIPS_26: the 26-bit target << 2, unsigned", () => {
      expect(dec({ kind: "mips-26" }, words(false, 0x0c000040), 0, false)).toBe(0x100n); // jal foo+0x100
      expect(dec({ kind: "mips-26" }, words(true, 0x0fffffff))).toBe(0xffffffcn);
    });
    it("PC-relative fields: sign-extended and scaled", () => {
      const pc16: AddendEncoding = { kind: "insn-field", bits: 16, shift: 2, signed: true };
      expect(dec(pc16, words(false, 0x10000007), 0, false)).toBe(0x1cn); // b foo+0x20
      expect(dec(pc16, words(true, 0x1000ffff))).toBe(-4n);
      const pc21: AddendEncoding = { kind: "insn-field", bits: 21, shift: 2, signed: true };
      expect(dec(pc21, words(true, 0xd81fffff))).toBe(-4n);
      expect(dec(pc21, words(true, 0xd80fffff))).toBe(0x3ffffcn);
      const pc18s3: AddendEncoding = { kind: "insn-field", bits: 18, shift: 3, signed: true };
      expect(dec(pc18s3, words(true, 0xec1bffff))).toBe(-8n);
      const unsigned: AddendEncoding = { kind: "insn-field", bits: 26, shift: 2, signed: false };
      expect(dec(unsigned, words(true, 0x0bffffff))).toBe(0xffffffcn);
    });
  });

  it("ULEB128 fields", () => {
    expect(dec({ kind: "uleb128" }, Uint8Array.of(0xe5, 0x8e, 0x26))).toBe(624485n);
    expect(dec({ kind: "uleb128" }, Uint8Array.of(0x00, 0x7f), 1)).toBe(127n);
    expect(dec({ kind: "uleb128" }, new Uint8Array(11).fill(0x80))).toBe(0n);
  });
});
