import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./run-cli.js";

/** A committed scenario object, relative to the repository root (where runCli runs). */
export const scenario = (name: string, side: "orig" | "patched", target = "x86_64-gcc", variant = "fs") =>
  `test-objects/out/${target}/scenarios/${name}/${side}.${variant}.o`;
export const pair = (name: string, target?: string) => [
  scenario(name, "orig", target),
  scenario(name, "patched", target),
];

/** The patch that cannot be applied (a struct gains a member in the middle) and one that can (a new function). */
export const UNSAFE = "struct-member-inserted-middle";
export const SAFE = "new-function";
/** Safe, with one warning (function-signature-changed). */
export const WARNS = "function-signature-changed";

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `elfdelta-${prefix}-`));
}

function place(root: string, rel: string, from: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  copyFileSync(join(repoRoot, from), join(root, rel));
}

/**
 * Two build directories made of committed objects: a safe pair, an unsafe pair in a subdirectory, an object
 * only in the original (removed), one only in the patched build (new), and a text file that is skipped.
 */
export function buildTrees(): { orig: string; patched: string } {
  const root = tempDir("trees");
  const orig = join(root, "build-orig");
  const patched = join(root, "build-patched");
  place(orig, "net/audit.o", scenario(SAFE, "orig"));
  place(patched, "net/audit.o", scenario(SAFE, "patched"));
  place(orig, "core/conn.o", scenario(UNSAFE, "orig"));
  place(patched, "core/conn.o", scenario(UNSAFE, "patched"));
  place(orig, "legacy.o", scenario("removed-function", "orig"));
  place(patched, "fresh.o", scenario("body-change", "patched"));
  writeFileSync(join(orig, "NOTES.txt"), "not an object\n");
  writeFileSync(join(patched, "NOTES.txt"), "not an object\n");
  return { orig, patched };
}

/** Builds an `ar` archive with binutils' `ar` (members named by their file names). */
export function arArchive(out: string, files: readonly string[]): void {
  const r = spawnSync("ar", ["qc", out, ...files], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ar failed: ${r.stderr}`);
}

/** Two archives: conn.o (unsafe) and audit.o (safe) in each; the patched one lacks nothing and adds fresh.o. */
export function buildArchives(): { orig: string; patched: string } {
  const root = tempDir("ar");
  const stage = (side: string, files: [string, string][]) => {
    const dir = join(root, side);
    for (const [name, from] of files) place(dir, name, from);
    arArchive(
      join(root, `${side}.a`),
      files.map(([name]) => join(dir, name)),
    );
    return join(root, `${side}.a`);
  };
  const orig = stage("orig", [
    ["conn.o", scenario(UNSAFE, "orig")],
    ["audit.o", scenario(SAFE, "orig")],
  ]);
  const patched = stage("patched", [
    ["audit.o", scenario(SAFE, "patched")],
    ["conn.o", scenario(UNSAFE, "patched")],
    ["fresh.o", scenario("body-change", "patched")],
  ]);
  return { orig, patched };
}

/** Writes a policy file and returns its path. */
export function policyFile(policy: unknown, name = "elfdelta.policy.json"): string {
  const p = join(tempDir("policy"), name);
  writeFileSync(p, typeof policy === "string" ? policy : JSON.stringify(policy, null, 2));
  return p;
}

/** A copy of a committed object cut short. */
export function truncatedObject(): string {
  const p = join(tempDir("cut"), "cut.o");
  writeFileSync(p, readFileSync(join(repoRoot, scenario(SAFE, "orig"))).subarray(0, 3000));
  return p;
}
