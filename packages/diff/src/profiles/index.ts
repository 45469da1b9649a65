import { general } from "./general.js";
import type { Profile } from "./profile.js";

export type { Profile } from "./profile.js";

/** Known profiles by name. A new profile (`kernel`) is one more entry. */
export const PROFILES: ReadonlyMap<string, Profile> = new Map([[general.name, general]]);

export const PROFILE_NAMES: readonly string[] = [...PROFILES.keys()];

/** A bad option from the caller (unknown profile, unsupported input pairing): exit code 2 in the CLI. */
export class DiffUsageError extends Error {
  override readonly name = "DiffUsageError";
  constructor(
    readonly code: "unknown-profile" | "machine-mismatch" | "class-mismatch",
    message: string,
  ) {
    super(message);
  }
}

export function getProfile(name: string): Profile {
  const p = PROFILES.get(name);
  if (!p) {
    throw new DiffUsageError(
      "unknown-profile",
      `unknown profile '${name}' (known: ${PROFILE_NAMES.join(", ")})`,
    );
  }
  return p;
}
