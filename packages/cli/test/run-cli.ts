import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const binPath = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: a child process with plain `node`, from the repository root (or `cwd`). */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [binPath, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const obj = (target: string, name: string) => `test-objects/out/${target}/${name}`;
