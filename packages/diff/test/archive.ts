import { writeFileSync } from "node:fs";

/** Writes a GNU `ar` archive of the given members (short names only: no long-name table needed). */
export function writeArchive(path: string, members: readonly (readonly [string, Uint8Array])[]): void {
  const parts: Buffer[] = [Buffer.from("!<arch>\n")];
  for (const [name, data] of members) {
    if (name.length > 15) throw new Error(`member name too long for this writer: ${name}`);
    const header =
      `${`${name}/`.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"644".padEnd(8)}` +
      `${String(data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header), Buffer.from(data));
    if (data.length % 2 === 1) parts.push(Buffer.from("\n"));
  }
  writeFileSync(path, Buffer.concat(parts));
}
