import { ByteView } from "./bytes.js";
import { GRP_COMDAT, SHT } from "./constants.js";
import { fail } from "./errors.js";
import type { ElfHeader } from "./header.js";
import type { SectionHeaders } from "./sections.js";

export interface SectionGroup {
  /** Index of the SHT_GROUP section. */
  readonly index: number;
  readonly flags: number;
  readonly comdat: boolean;
  /** Index of the signature symbol in the linked symbol table (sh_info). */
  readonly signatureSymbol: number;
  readonly symbolTable: number;
  readonly members: readonly number[];
}

export function readGroup(
  bytes: Uint8Array,
  h: ElfHeader,
  sections: SectionHeaders,
  index: number,
  symbolCount: (t: number) => number,
): SectionGroup {
  const sec = sections.at(index)!;
  const what = `group section '${sec.name}' (section ${index})`;
  if (sec.size % 4 !== 0 || sec.size < 4)
    fail("bad-group", `${what} size ${sec.size} is not a positive multiple of 4`, sec.offset);
  const linkType = sections.has(sec.link) ? sections.type(sec.link) : -1;
  if (linkType !== SHT.SYMTAB && linkType !== SHT.DYNSYM) {
    fail("bad-section-link", `${what} links to section ${sec.link}, which is not a symbol table`, sec.offset);
  }
  if (sec.info >= symbolCount(sec.link)) {
    fail("bad-group", `${what}: signature symbol ${sec.info} is out of range`, sec.offset);
  }
  const v = new ByteView(bytes, h.littleEndian);
  const flags = v.u32(sec.offset);
  const members: number[] = [];
  for (let o = 4; o < sec.size; o += 4) {
    const m = v.u32(sec.offset + o);
    if (m === 0 || m >= sections.count)
      fail("bad-group", `${what}: member section ${m} is out of range`, sec.offset + o);
    if (m === index || sections.type(m) === SHT.GROUP) {
      fail("bad-group", `${what}: member section ${m} is a group itself`, sec.offset + o);
    }
    members.push(m);
  }
  return {
    index,
    flags,
    comdat: (flags & GRP_COMDAT) !== 0,
    signatureSymbol: sec.info,
    symbolTable: sec.link,
    members,
  };
}
