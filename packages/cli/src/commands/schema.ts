import { diffOutputJsonSchema, policyJsonSchema } from "@elfdelta/diff";
import { UsageError } from "../errors.js";
import { typesJsonSchema } from "./types.js";

export const SCHEMA_NAMES = ["report", "policy", "types"] as const;

/**
 * `elfdelta schema report|policy|types`: the JSON Schema (draft 2020-12) of `elfdelta diff --format json` (one
 * pair's report or a tree's, as `oneOf`), of a policy file, or of `elfdelta types --format json`, generated from
 * the zod schemas.
 */
export function schemaCommand(name: string): string {
  const schema =
    name === "report"
      ? diffOutputJsonSchema()
      : name === "policy"
        ? policyJsonSchema()
        : name === "types"
          ? typesJsonSchema()
          : undefined;
  if (!schema) throw new UsageError(`unknown schema '${name}' (${SCHEMA_NAMES.join(", ")})`);
  return `${JSON.stringify(schema, null, 2)}\n`;
}
