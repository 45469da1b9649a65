import type { AddendEncoding } from "./types.js";

/**
 * Decodes the implicit addend a SHT_REL relocation keeps in the bytes it relocates.
 *
 * Instruction words are read in the file's byte order: a relocatable big-endian ARM object stores code
 * big-endian (the linker swaps it for BE8 images), and MIPS objects come in both orders. A 32-bit Thumb
 * instruction is two halfwords, the first (the one holding the opcode) at the lower address.
 *
 * Encodings we cannot decode (`unknown-field`) and markers (`none`) give 0n, as does a field that would
 * reach outside `bytes`: the caller bounds-checks against the table width, and this function must still
 * never read past the array when handed something else.
 */
export function implicitAddend(
  enc: AddendEncoding,
  bytes: Uint8Array,
  offset: number,
  littleEndian: boolean,
): bigint {
  const need = fieldBytes(enc);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + need > bytes.length) return 0n;
  const w = (): number => read32(bytes, offset, littleEndian);

  switch (enc.kind) {
    case "none":
    case "unknown-field":
      return 0n;

    case "word":
      return readWord(bytes, offset, enc.bytes, enc.signed, littleEndian);

    case "arm-branch24": {
      const insn = w();
      let value = signExtend((insn & 0x00ffffff) << 2, 26);
      // BLX (immediate) has cond = 0b1111 and keeps offset bit 1 in the H bit (bit 24).
      if (insn >>> 28 === 0xf) value += ((insn >>> 24) & 1) << 1;
      return BigInt(value);
    }

    case "arm-movw": {
      // AAELF32: the REL addend of MOVW and MOVT is the 16-bit immediate read as a signed value,
      // unshifted for MOVT too (the linker computes the full S + A before taking the upper half).
      const insn = w();
      return BigInt(signExtend((((insn >>> 16) & 0xf) << 12) | (insn & 0xfff), 16));
    }

    case "arm-ldr12": {
      const insn = w();
      const imm = insn & 0xfff;
      return BigInt(upBit(insn) ? imm : -imm);
    }

    case "arm-ldrs": {
      const insn = w();
      const imm = (((insn >>> 8) & 0xf) << 4) | (insn & 0xf);
      return BigInt(upBit(insn) ? imm : -imm);
    }

    case "arm-ldc": {
      const insn = w();
      const imm = (insn & 0xff) << 2;
      return BigInt(upBit(insn) ? imm : -imm);
    }

    case "arm-alu-pc": {
      // ADD/SUB (immediate): a modified immediate, imm8 rotated right by twice the 4-bit rotation.
      // Opcode 0b0010 (SUB) has bit 22 set, 0b0100 (ADD) has it clear.
      const insn = w();
      const rot = ((insn >>> 8) & 0xf) * 2;
      const imm8 = insn & 0xff;
      const value = rot === 0 ? imm8 : ((imm8 >>> rot) | (imm8 << (32 - rot))) >>> 0;
      return (insn & 0x00400000) !== 0 ? -BigInt(value) : BigInt(value);
    }

    case "prel31":
      return BigInt(signExtend(w() & 0x7fffffff, 31));

    case "thumb-call": {
      // BL/BLX/B.W (T4): S:I1:I2:imm10:imm11:'0', with I1 = NOT(J1 XOR S) and I2 = NOT(J2 XOR S).
      // Pre-Thumb-2 BL pairs always have J1 = J2 = 1, which makes this the old 22-bit sign extension.
      const hi = read16(bytes, offset, littleEndian);
      const lo = read16(bytes, offset + 2, littleEndian);
      const s = (hi >>> 10) & 1;
      const i1 = ~(((lo >>> 13) & 1) ^ s) & 1;
      const i2 = ~(((lo >>> 11) & 1) ^ s) & 1;
      const value = (s << 24) | (i1 << 23) | (i2 << 22) | ((hi & 0x3ff) << 12) | ((lo & 0x7ff) << 1);
      return BigInt(signExtend(value, 25));
    }

    case "thumb-jump19": {
      // B<c>.W (T3): S:J2:J1:imm6:imm11:'0'; unlike T4 the J bits are used as they stand.
      const hi = read16(bytes, offset, littleEndian);
      const lo = read16(bytes, offset + 2, littleEndian);
      const value =
        (((hi >>> 10) & 1) << 20) |
        (((lo >>> 11) & 1) << 19) |
        (((lo >>> 13) & 1) << 18) |
        ((hi & 0x3f) << 12) |
        ((lo & 0x7ff) << 1);
      return BigInt(signExtend(value, 21));
    }

    case "thumb-movw": {
      // MOVW/MOVT (T3): imm4 (first halfword 3:0), i (first halfword 10), imm3 (second 14:12), imm8 (second 7:0).
      const hi = read16(bytes, offset, littleEndian);
      const lo = read16(bytes, offset + 2, littleEndian);
      const imm16 = ((hi & 0xf) << 12) | (((hi >>> 10) & 1) << 11) | (((lo >>> 12) & 7) << 8) | (lo & 0xff);
      return BigInt(signExtend(imm16, 16));
    }

    case "thumb-alu-prel": {
      // ADR.W: ADDW (T3, first halfword 0xF20F) or SUBW (T2, 0xF2AF); the forms differ in bits 7 and 5.
      const hi = read16(bytes, offset, littleEndian);
      const lo = read16(bytes, offset + 2, littleEndian);
      const imm12 = (((hi >>> 10) & 1) << 11) | (((lo >>> 12) & 7) << 8) | (lo & 0xff);
      return BigInt((hi & 0x80) !== 0 ? -imm12 : imm12);
    }

    case "thumb-pc12": {
      // LDR.W (literal): the U bit is bit 7 of the first halfword.
      const hi = read16(bytes, offset, littleEndian);
      const lo = read16(bytes, offset + 2, littleEndian);
      const imm12 = lo & 0xfff;
      return BigInt((hi & 0x80) !== 0 ? imm12 : -imm12);
    }

    case "thumb-jump11":
      return BigInt(signExtend((read16(bytes, offset, littleEndian) & 0x7ff) << 1, 12));

    case "thumb-jump8":
      return BigInt(signExtend((read16(bytes, offset, littleEndian) & 0xff) << 1, 9));

    case "mips-lo16":
      // Also HI16/GOT16: each relocation reports its own field. The full addend of a HI16 (and of a GOT16
      // against a local symbol) is (its field << 16) + the sign-extended field of the LO16 that follows it,
      // which only a reader looking at both relocations can form.
      return BigInt(signExtend(w() & 0xffff, 16));

    case "mips-26":
      return BigInt((w() & 0x03ffffff) * 4);

    case "insn-field": {
      const { bits, shift, signed } = enc;
      if (bits < 1 || bits > 32 || shift < 0 || shift > 32) return 0n;
      let value = BigInt(w()) & ((1n << BigInt(bits)) - 1n);
      if (signed && value >> BigInt(bits - 1) === 1n) value -= 1n << BigInt(bits);
      return value << BigInt(shift);
    }

    case "uleb128":
      return readUleb128(bytes, offset);

    default: {
      const unhandled: never = enc;
      return unhandled;
    }
  }
}

/** Bytes that must be present at the offset before the field can be read (the ULEB128 checks as it goes). */
function fieldBytes(enc: AddendEncoding): number {
  switch (enc.kind) {
    case "none":
    case "unknown-field":
    case "uleb128":
      return 0;
    case "word":
      return enc.bytes;
    case "thumb-jump11":
    case "thumb-jump8":
      return 2;
    default:
      return 4;
  }
}

/** U bit (bit 23) of an A32 load/store: set adds the offset, clear subtracts it. */
function upBit(insn: number): boolean {
  return (insn & 0x00800000) !== 0;
}

function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

function read16(bytes: Uint8Array, o: number, le: boolean): number {
  const a = bytes[o] ?? 0;
  const b = bytes[o + 1] ?? 0;
  return le ? a | (b << 8) : (a << 8) | b;
}

function read32(bytes: Uint8Array, o: number, le: boolean): number {
  const a = bytes[o] ?? 0;
  const b = bytes[o + 1] ?? 0;
  const c = bytes[o + 2] ?? 0;
  const d = bytes[o + 3] ?? 0;
  return (le ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function readWord(bytes: Uint8Array, o: number, size: 1 | 2 | 4 | 8, signed: boolean, le: boolean): bigint {
  switch (size) {
    case 1: {
      const v = bytes[o] ?? 0;
      return BigInt(signed ? signExtend(v, 8) : v);
    }
    case 2: {
      const v = read16(bytes, o, le);
      return BigInt(signed ? signExtend(v, 16) : v);
    }
    case 4: {
      const v = read32(bytes, o, le);
      return BigInt(signed ? v | 0 : v);
    }
    case 8: {
      const first = BigInt(read32(bytes, o, le));
      const second = BigInt(read32(bytes, o + 4, le));
      const v = le ? (second << 32n) | first : (first << 32n) | second;
      return signed ? BigInt.asIntN(64, v) : v;
    }
  }
}

/** At most ten bytes (64 bits); an unterminated or overlong encoding reads as 0n. */
function readUleb128(bytes: Uint8Array, o: number): bigint {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[o + i];
    if (byte === undefined) return 0n;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
  }
  return 0n;
}
