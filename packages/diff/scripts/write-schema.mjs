#!/usr/bin/env node
// Regenerates the committed JSON Schemas from the zod schemas (run after `pnpm build`):
//   schema/report.schema.json       one pair's report (src/report.ts)
//   schema/diff-output.schema.json  what `elfdelta diff --format json` prints: one pair's report or a tree's (src/tree-report.ts)
//   schema/policy.schema.json       elfdelta.policy.json (src/policy.ts)
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { diffOutputJsonSchema, policyJsonSchema, reportJsonSchema } from "../dist/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");
for (const [file, schema] of [
  ["report.schema.json", reportJsonSchema()],
  ["diff-output.schema.json", diffOutputJsonSchema()],
  ["policy.schema.json", policyJsonSchema()],
]) {
  const out = join(dir, file);
  writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
