import type { AnalysisHooks } from "../analysis.js";
import { general } from "./general.js";
import { kernel } from "./kernel/index.js";
import type { Profile, ProfileOptions } from "./profile.js";

export type { Profile, ProfileOptions } from "./profile.js";

/** Known profiles by name. */
export const PROFILES: ReadonlyMap<string, Profile> = new Map([
  [general.name, general],
  [kernel.name, kernel],
]);

export const PROFILE_NAMES: readonly string[] = [...PROFILES.keys()];

/** A bad option from the caller (unknown profile, unsupported input pairing): exit code 2 in the CLI. */
export class DiffUsageError extends Error {
  override readonly name = "DiffUsageError";
  constructor(
    readonly code: "unknown-profile" | "machine-mismatch" | "class-mismatch" | "kind-mismatch" | "bad-option",
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

/**
 * The analysis hooks of `profile` for these options. Throws `DiffUsageError` for an option the profile does
 * not understand or a bad value (an entry size that is not a positive integer).
 */
export function profileHooks(profile: Profile, options: ProfileOptions): AnalysisHooks {
  const sizes = options.specialSectionSizes;
  if (sizes !== undefined && Object.keys(sizes).length > 0) {
    if (!profile.options?.includes("specialSectionSizes")) {
      throw new DiffUsageError(
        "bad-option",
        `special-section entry sizes apply to the kernel profile, not to '${profile.name}' (add --profile kernel)`,
      );
    }
    for (const [name, size] of Object.entries(sizes)) {
      if (name === "" || !Number.isInteger(size) || size <= 0) {
        throw new DiffUsageError(
          "bad-option",
          `bad special-section entry size '${name}=${size}': expected NAME=BYTES with BYTES a positive integer`,
        );
      }
    }
  }
  const comparison = profile.comparison;
  return comparison ? { comparison: (keys) => comparison(keys, options) } : {};
}
