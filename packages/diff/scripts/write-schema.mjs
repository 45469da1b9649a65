#!/usr/bin/env node
// Regenerates schema/report.schema.json from the zod schema in src/report.ts (run after `pnpm build`).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reportJsonSchema } from "../dist/index.js";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "schema", "report.schema.json");
writeFileSync(out, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
