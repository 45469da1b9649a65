import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isArchive, readArchive } from "./archive.js";
import { openPartial } from "./deferred.js";
import { ElfFile, withFile } from "./elf.js";
import { ioError } from "./errors.js";

/** Reads a whole file into one Uint8Array, turning I/O failures into typed errors. */
export function readBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw ioError(e, path);
  }
}

export interface OpenOptions {
  /**
   * Leave the debug sections (non-allocated `.debug_*`, `.zdebug_*` and their relocations) on disk: they
   * are about half of an object built with -g and only the DWARF reader wants them. `readDwarf` reads them
   * through `withDebugSections()` into memory it gives back when done; anything else that asks for one gets
   * it read from the file then. Files where it does not apply are read whole.
   */
  deferDebug?: boolean;
  /**
   * Leave the relocation tables of everything else (non-allocated REL/RELA) on disk too: `relocations` and
   * `relocationsInto` decode them from a window onto the file and nothing keeps their bytes (the diff keeps
   * the decoded tables it works on). Anything else that asks for one's bytes gets them read into the image.
   */
  streamRelocations?: boolean;
}

/** Reads an ELF file from disk. */
export function openElf(path: string, options: OpenOptions = {}): ElfFile {
  if (options.deferDebug || options.streamRelocations) {
    const partial = openPartial(path, {
      debug: options.deferDebug === true,
      relocations: options.streamRelocations === true,
    });
    if (partial) return partial;
  }
  return new ElfFile(readBytes(path), { path });
}

export interface LoadedObject {
  /** The member name for archive members, otherwise undefined. */
  readonly member?: string;
  readonly elf: ElfFile;
}

/**
 * Opens a path that holds either one ELF object or an `ar` archive of them (thin archives' members are read
 * from their own files, relative to the archive). Non-ELF archive members are refused with a typed error.
 */
export function openObjects(path: string): { archive: boolean; objects: LoadedObject[] } {
  const bytes = readBytes(path);
  if (!isArchive(bytes)) return { archive: false, objects: [{ elf: new ElfFile(bytes, { path }) }] };
  const ar = withFile(path, () => readArchive(bytes));
  const objects = ar.members.map((m) => {
    const memberPath = `${path}(${m.name})`;
    const data = ar.thin ? readBytes(resolve(dirname(path), m.name)) : m.data;
    return { member: m.name, elf: new ElfFile(data, { path: memberPath }) };
  });
  return { archive: true, objects };
}
