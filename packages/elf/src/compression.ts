import { constants, inflateSync } from "node:zlib";
import { Decompress } from "fzstd";
import { ByteView } from "./bytes.js";
import { fail } from "./errors.js";

export type CompressionKind = "zlib" | "zstd";

/** Largest decompressed section we accept: a bigger `ch_size` is a bomb, not a debug section. */
export const MAX_DECOMPRESSED = 1 << 30;
/** Above this ratio of claimed to compressed size, the claim is refused before allocating. */
const MAX_RATIO = 2000;

export interface CompressionHeader {
  readonly kind: CompressionKind;
  readonly size: number;
  readonly alignment: number;
  /** Bytes of header before the compressed stream. */
  readonly headerSize: number;
}

const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;

/** Reads the Elf32_Chdr/Elf64_Chdr at the start of an SHF_COMPRESSED section. */
export function readChdr(
  data: Uint8Array,
  is64: boolean,
  littleEndian: boolean,
  fileOffset: number,
): CompressionHeader {
  const hsize = is64 ? 24 : 12;
  if (data.length < hsize)
    fail("bad-compression", `compressed section is shorter than its ${hsize}-byte header`, fileOffset);
  const v = new ByteView(data, littleEndian, fileOffset);
  const type = v.u32(0);
  const size = is64 ? Number(v.u64(8)) : v.u32(4);
  const alignment = is64 ? Number(v.u64(16)) : v.u32(8);
  const kind = type === ELFCOMPRESS_ZLIB ? "zlib" : type === ELFCOMPRESS_ZSTD ? "zstd" : undefined;
  if (!kind) fail("bad-compression", `unknown compression type ${type}`, fileOffset);
  return { kind, size, alignment, headerSize: hsize };
}

/** Legacy `.zdebug_*`: "ZLIB" then the uncompressed size as a big-endian 64-bit word. */
export function readZdebugHeader(data: Uint8Array, fileOffset: number): CompressionHeader | undefined {
  if (data.length < 12 || data[0] !== 0x5a || data[1] !== 0x4c || data[2] !== 0x49 || data[3] !== 0x42)
    return undefined;
  const v = new ByteView(data, false, fileOffset);
  return { kind: "zlib", size: v.u64n(4, "uncompressed size"), alignment: 1, headerSize: 12 };
}

/** Decompresses after checking the claimed size is sane; the output must be exactly the claimed size. */
export function decompress(data: Uint8Array, hdr: CompressionHeader, fileOffset: number): Uint8Array {
  const stream = data.subarray(hdr.headerSize);
  if (hdr.size > MAX_DECOMPRESSED || hdr.size > Math.max(1 << 20, stream.length * MAX_RATIO)) {
    fail(
      "compression-bomb",
      `compressed section claims ${hdr.size} bytes from ${stream.length}: refused`,
      fileOffset,
    );
  }
  let out: Uint8Array;
  if (hdr.kind === "zlib") {
    try {
      const b = inflateSync(stream, {
        maxOutputLength: Math.max(1, hdr.size),
        finishFlush: constants.Z_SYNC_FLUSH,
      });
      out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return fail(
        "bad-compression",
        `zlib data is corrupt or larger than the ${hdr.size} bytes claimed (${why})`,
        fileOffset,
      );
    }
  } else {
    out = zstd(stream, hdr.size, fileOffset);
  }
  if (out.length !== hdr.size) {
    fail(
      "bad-compression",
      `section decompressed to ${out.length} bytes, but its header claims ${hdr.size}`,
      fileOffset,
    );
  }
  return out;
}

function zstd(stream: Uint8Array, size: number, fileOffset: number): Uint8Array {
  zstdCheckWindows(stream, size, fileOffset);
  // Grown with the data actually produced, never allocated at the claimed size up front: a false ch_size
  // (up to MAX_RATIO times the stream) must not cost its claim in memory.
  let out = new Uint8Array(Math.min(size, 1 << 16));
  let filled = 0;
  const tooLarge = new Error("larger than claimed");
  const d = new Decompress((chunk) => {
    // Throwing stops the decoder at once: a bomb costs no more work than the claimed size.
    if (filled + chunk.length > size) throw tooLarge;
    if (filled + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(size, Math.max(out.length * 2, filled + chunk.length)));
      grown.set(out.subarray(0, filled));
      out = grown;
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  try {
    d.push(stream, true);
  } catch (e) {
    if (e === tooLarge)
      fail("bad-compression", `zstd data is larger than the ${size} bytes claimed`, fileOffset);
    const why = e instanceof Error ? e.message : String(e);
    return fail("bad-compression", `zstd data is corrupt (${why})`, fileOffset);
  }
  return filled === size ? out : out.subarray(0, filled);
}

/**
 * fzstd allocates each frame's window (up to 2 GB, from one header byte) before decoding anything, so walk the
 * frames first: refuse a window larger than both 8 MB and what the frame could produce (its blocks, each at most
 * 128 KB, and the claimed size), and a block layout that runs off the end.
 */
function zstdCheckWindows(s: Uint8Array, size: number, fileOffset: number): void {
  const bad = (why: string, at: number): never =>
    fail("bad-compression", `zstd data is corrupt (${why})`, fileOffset + at);
  const le = (o: number, n: number): number => {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + s[o + i]!;
    return v;
  };
  let o = 0;
  while (o < s.length) {
    if (o + 8 > s.length) bad("truncated frame header", o);
    const magic = le(o, 4);
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      o += 8 + le(o + 4, 4); // skippable frame
      continue;
    }
    if (magic !== 0xfd2fb528) bad("bad frame magic", o);
    const fhd = s[o + 4]!;
    const single = (fhd & 0x20) !== 0;
    let p = o + 5;
    let window = 0;
    if (!single) {
      const wd = s[p++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    p += [0, 1, 2, 4][fhd & 3]!;
    const fcsFlag = fhd >> 6;
    const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : 1 << fcsFlag;
    if (p + fcsBytes > s.length) bad("truncated frame header", o);
    if (single) window = le(p, fcsBytes) + (fcsFlag === 1 ? 256 : 0);
    p += fcsBytes;
    let canProduce = 0;
    for (let last = false; !last; ) {
      if (p + 3 > s.length) bad("truncated block header", p);
      const bh = le(p, 3);
      const type = (bh >> 1) & 3;
      const bsize = bh >>> 3;
      last = (bh & 1) === 1;
      if (type === 3) bad("reserved block type", p);
      p += 3 + (type === 1 ? 1 : bsize);
      canProduce += type === 2 ? 1 << 17 : bsize;
    }
    if ((fhd & 4) !== 0) p += 4;
    if (window > Math.max(1 << 23, Math.min(size, canProduce))) {
      fail(
        "compression-bomb",
        `zstd frame asks for a ${window}-byte window to produce at most ${Math.min(size, canProduce)} bytes: refused`,
        fileOffset + o,
      );
    }
    o = p;
  }
}
