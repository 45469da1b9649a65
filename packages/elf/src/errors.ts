/**
 * Every way an input can be wrong, as a stable code. Callers match on `code`; the message is for people.
 * Codes are part of the public contract (they appear in `--format json` errors): add, never rename.
 */
export type ElfErrorCode =
  | "io"
  | "not-elf"
  | "truncated"
  | "bad-class"
  | "bad-data-encoding"
  | "bad-version"
  | "bad-entry-size"
  | "bad-table-offset"
  | "bad-extended-numbering"
  | "bad-section-bounds"
  | "bad-section-link"
  | "bad-string-table"
  | "bad-string-offset"
  | "bad-symbol"
  | "bad-symbol-section"
  | "bad-relocation"
  | "bad-group"
  | "bad-note"
  | "bad-compression"
  | "compression-bomb"
  | "bad-archive"
  | "bad-dwarf"
  | "dwarf-too-deep"
  | "dwarf-cycle"
  | "limit-exceeded";

/** A typed error from the reader: what is wrong, in which file, and at which file offset. */
export class ElfError extends Error {
  override readonly name = "ElfError";
  constructor(
    readonly code: ElfErrorCode,
    message: string,
    /** Offset in the file (or in the decompressed section, when `section` is set) where the problem lies. */
    readonly offset: number,
    /** The file the bytes came from, when known. Filled in by `readElf(bytes, { path })`. */
    public file?: string,
  ) {
    super(message);
  }

  /** One line a person can act on: `file: message (offset 0x…)`. */
  describe(): string {
    const where = `offset ${this.offset} (0x${this.offset.toString(16)})`;
    return `${this.file ?? "<input>"}: ${this.message} at ${where}`;
  }

  toJSON(): { code: ElfErrorCode; message: string; file?: string; offset: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.file ? { file: this.file } : {}),
      offset: this.offset,
    };
  }
}

export function fail(code: ElfErrorCode, message: string, offset: number): never {
  throw new ElfError(code, message, offset);
}

/** An I/O failure reading `path` as a typed error, said the way a person reads it. */
export function ioError(e: unknown, path: string): ElfError {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "is a directory"
        : code === "EACCES"
          ? "permission denied"
          : code || String(e);
  return new ElfError("io", `cannot read file: ${why}`, 0, path);
}

export function isElfError(e: unknown): e is ElfError {
  return e instanceof ElfError;
}
