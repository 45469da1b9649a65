// Placeholder until the DWARF reader lands; replaced by the `types` command implementation.
export function typesCommand(_file: string, _opts: { format: "text" | "json" }): string {
  throw new Error("the types command is not built yet");
}
