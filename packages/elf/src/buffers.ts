/**
 * Buffers mapped on their own: for the few large tables a reader makes and drops before the end of a diff.
 *
 * A plain `ArrayBuffer` takes its memory from the C library. glibc serves a large request with a mapping of
 * its own, but freeing such a mapping raises the size below which later requests come from its heap instead
 * (its dynamic mmap threshold, up to 32 MB), and what is freed in its heap stays with the process. The DWARF
 * reader's member table of a 15 MB object (1.7 MB, dropped once the types are built) made every later buffer
 * up to that size stay: 5 MiB at the peak of the 12,500-function diff (bench/README.md, "Memory, eighth
 * pass"). A resizable `ArrayBuffer` is mapped by V8 itself, and unmapped when collected or shrunk to nothing
 * (`giveBack`): the C library never sees it.
 *
 * Not for tables the diff works on: V8 reads and writes typed arrays over resizable buffers more slowly, and
 * code that sees both kinds slower still (the reader's tables as these: the 100,000-function diff took 13%
 * longer, for 1 MiB less at the peak).
 */

/** ES2024's resizable `ArrayBuffer` (in Node 20; the project's library types are ES2022). */
export type ResizableBuffer = ArrayBuffer & { readonly resizable: boolean; resize(size: number): void };
type ResizableConstructor = new (size: number, options: { maxByteLength: number }) => ResizableBuffer;

/** A zero-filled buffer of `bytes` mapped on its own, whose pages `giveBack` returns at once. */
export function mappedBuffer(bytes: number): ResizableBuffer {
  return new (ArrayBuffer as unknown as ResizableConstructor)(bytes, { maxByteLength: bytes });
}

/**
 * `count` doubles over a buffer of their own (see `mappedBuffer`). The array follows its buffer's length (V8
 * reads those faster than a fixed length over a resizable buffer).
 */
export function mappedFloat64s(count: number): Float64Array<ArrayBuffer> {
  return new Float64Array(mappedBuffer(count * 8));
}

/**
 * Returns the memory of an array over a mapped buffer to the system now, rather than when the collector gets
 * to it; the array and every other view of its buffer are empty afterwards. Nothing for other arrays.
 */
export function giveBack(a: ArrayBufferView | ArrayBuffer): void {
  const b = (ArrayBuffer.isView(a) ? a.buffer : a) as ResizableBuffer;
  if (b.resizable === true) b.resize(0);
}
