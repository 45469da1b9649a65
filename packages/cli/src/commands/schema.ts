import { diffOutputJsonSchema, policyJsonSchema } from "@elfdelta/diff";
import { UsageError } from "../errors.js";

export const SCHEMA_NAMES = ["report", "policy"] as const;

/**
 * `elfdelta schema report|policy`: the JSON Schema (draft 2020-12) of `elfdelta diff --format json` (one pair's
 * report or a tree's, as `oneOf`) or of a policy file, generated from the zod schemas.
 */
export function schemaCommand(name: string): string {
  const schema =
    name === "report" ? diffOutputJsonSchema() : name === "policy" ? policyJsonSchema() : undefined;
  if (!schema) throw new UsageError(`unknown schema '${name}' (${SCHEMA_NAMES.join(", ")})`);
  return `${JSON.stringify(schema, null, 2)}\n`;
}
