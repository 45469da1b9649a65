import type { ComparisonHooks } from "../compare/hooks.js";
import type { Keys } from "../compare/keys.js";
import type { ViewOptions } from "../object.js";
import type { Rule } from "../rules/rule.js";

/**
 * A profile is the set of rules applied to an analysis, plus what it refines in the general engine through
 * the hooks the engine calls (it never branches on a profile's name): how each build is read (`view`) and
 * how a pair is compared (`comparison`). `general` is for any program or shared object; `kernel` adds
 * special sections, `__LINE__` handling and patchable entries this way.
 */
export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly Rule[];
  /** How this profile reads each build: symbols it does not list, statics it never pairs. */
  readonly view?: ViewOptions;
  /** The refinements of the comparison of one pair of objects, made once they are correlated. */
  readonly comparison?: (keys: Keys, options: ProfileOptions) => ComparisonHooks;
  /** The options of `ProfileOptions` this profile understands; others are a usage error. */
  readonly options?: readonly (keyof ProfileOptions)[];
}

/** Options only some profiles understand (see `Profile.options`). */
export interface ProfileOptions {
  /**
   * Entry sizes in bytes of special sections, by section name, replacing the profile's built-in table for
   * the object's architecture (kernel: `--special-section-size __bug_table=16`).
   */
  readonly specialSectionSizes?: Readonly<Record<string, number>>;
}
