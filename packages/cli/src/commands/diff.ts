// Placeholder until the diff engine lands; replaced by the `diff` command implementation.
export interface DiffCommandOptions {
  format: string;
  profile: string;
  policy?: string;
}
export function diffCommand(_original: string, _patched: string, _opts: DiffCommandOptions): { output: string; exitCode: number } {
  throw new Error("the diff command is not built yet");
}
