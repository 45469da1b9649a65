// `pnpm bench`: builds the packages, then runs each benchmark module that exists (bench/elf.mjs, and
// bench/dwarf.mjs and bench/diff.mjs when present); each exports `async function run()`.
// Run with `node --expose-gc` (the package script does) so that the benchmarks can collect between runs.
// `--no-build` skips the build; naming modules (`pnpm bench elf dwarf`) runs only those.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MODULES = ["elf", "dwarf", "diff", "scale", "tree"];

const args = process.argv.slice(2);
const build = !args.includes("--no-build");
const wanted = args.filter((a) => !a.startsWith("--"));
for (const w of wanted) {
  if (!MODULES.includes(w)) {
    console.error(`bench: unknown benchmark '${w}' (known: ${MODULES.join(", ")})`);
    process.exit(2);
  }
}

if (build) {
  const projects = ["elf", "diff", "cli"]
    .map((p) => join("packages", p))
    .filter((p) => existsSync(join(ROOT, p, "tsconfig.json")));
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  console.log(`bench: building ${projects.join(", ")}`);
  const r = spawnSync(tsc, ["-b", ...projects], { cwd: ROOT, stdio: "inherit" });
  if (r.error || r.status !== 0) {
    console.error(`bench: the build failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

let failed = false;
for (const name of wanted.length ? wanted : MODULES) {
  const file = join(ROOT, "bench", `${name}.mjs`);
  if (!existsSync(file)) continue;
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.run !== "function") throw new Error("it does not export run()");
    await mod.run();
  } catch (e) {
    failed = true;
    console.error(`bench: bench/${name}.mjs failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
