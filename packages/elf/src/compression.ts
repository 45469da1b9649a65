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
export function readChdr(data: Uint8Array, is64: boolean, littleEndian: boolean, fileOffset: number): CompressionHeader {
  const hsize = is64 ? 24 : 12;
  if (data.length < hsize) fail("bad-compression", `compressed section is shorter than its ${hsize}-byte header`, fileOffset);
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
  if (data.length < 12 || data[0] !== 0x5a || data[1] !== 0x4c || data[2] !== 0x49 || data[3] !== 0x42) return undefined;
  const v = new ByteView(data, false, fileOffset);
  return { kind: "zlib", size: v.u64n(4, "uncompressed size"), alignment: 1, headerSize: 12 };
}

/** Decompresses after checking the claimed size is sane; the output must be exactly the claimed size. */
export function decompress(data: Uint8Array, hdr: CompressionHeader, fileOffset: number): Uint8Array {
  const stream = data.subarray(hdr.headerSize);
  if (hdr.size > MAX_DECOMPRESSED || hdr.size > Math.max(1 << 20, stream.length * MAX_RATIO)) {
    fail("compression-bomb", `compressed section claims ${hdr.size} bytes from ${stream.length}: refused`, fileOffset);
  }
  let out: Uint8Array;
  if (hdr.kind === "zlib") {
    try {
      const b = inflateSync(stream, { maxOutputLength: Math.max(1, hdr.size), finishFlush: constants.Z_SYNC_FLUSH });
      out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return fail("bad-compression", `zlib data is corrupt or larger than the ${hdr.size} bytes claimed (${why})`, fileOffset);
    }
  } else {
    out = zstd(stream, hdr.size, fileOffset);
  }
  if (out.length !== hdr.size) {
    fail("bad-compression", `section decompressed to ${out.length} bytes, but its header claims ${hdr.size}`, fileOffset);
  }
  return out;
}

function zstd(stream: Uint8Array, size: number, fileOffset: number): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  const tooLarge = new Error("larger than claimed");
  const d = new Decompress((chunk) => {
    // Throwing stops the decoder at once: a bomb costs no more work than the claimed size.
    if (filled + chunk.length > size) throw tooLarge;
    out.set(chunk, filled);
    filled += chunk.length;
  });
  try {
    d.push(stream, true);
  } catch (e) {
    if (e === tooLarge) fail("bad-compression", `zstd data is larger than the ${size} bytes claimed`, fileOffset);
    const why = e instanceof Error ? e.message : String(e);
    return fail("bad-compression", `zstd data is corrupt (${why})`, fileOffset);
  }
  return filled === size ? out : out.subarray(0, filled);
}
