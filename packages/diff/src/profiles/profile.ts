import type { Rule } from "../rules/rule.js";

/**
 * A profile is the set of rules applied to an analysis. `general` is for any program or shared object;
 * a `kernel` profile (special sections, __LINE__ handling, patchable entries) plugs in here the same way.
 */
export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly Rule[];
}
