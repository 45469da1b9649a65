export { implicitAddend } from "./arch/addend.js";
export { archTable, machineName, relocTypeName } from "./arch/index.js";
export type { AddendEncoding, ArchTable, RelocType } from "./arch/types.js";
export { type Archive, type ArchiveMember, isArchive, readArchive } from "./archive.js";
export { ByteView, cString, readSleb, readUleb } from "./bytes.js";
export { type CompressionHeader, type CompressionKind, MAX_DECOMPRESSED } from "./compression.js";
export * from "./constants.js";
export { isDeferredDebug, isStreamedRelocations } from "./deferred.js";
export {
  declarationSpelling,
  functionSource,
  type LineFile,
  type LineHeader,
  type LineRow,
  readDwarf,
  readLineTable,
} from "./dwarf/index.js";
export * from "./dwarf/model.js";
export { typeSpelling } from "./dwarf/spelling.js";
export { ElfFile, type PartialImage, type ReadOptions, readElf, withFile } from "./elf.js";
export { ElfError, type ElfErrorCode, isElfError } from "./errors.js";
export { type LoadedObject, type OpenOptions, openElf, openObjects, readBytes } from "./files.js";
export type { SectionGroup } from "./groups.js";
export { type ElfHeader, isElf } from "./header.js";
export type { Note } from "./notes.js";
export {
  type FileWindow,
  type Relocation,
  RelocationScratch,
  RelocationTable,
  type TableBytes,
} from "./relocations.js";
export { type Section, SectionHeaders } from "./sections.js";
export type { Segment } from "./segments.js";
export { StringTable } from "./strings.js";
export { type ElfSymbol, isDefinedIn, type SymbolTable, SymbolView } from "./symbols.js";
