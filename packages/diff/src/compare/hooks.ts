import type { Entity } from "../object.js";
import type { IgnoredDifference, ReasonDetail } from "../report.js";

/**
 * What a profile may refine in the comparison of one pair of objects. The general engine calls these at
 * fixed points and keeps the outcomes; a profile decides, it never edits outcomes itself.
 */
export interface ComparisonHooks {
  /**
   * Called for every paired function after the general comparison, with the details it found (empty: the
   * function is unchanged). Returns the details that stand (empty: unchanged) and the differences the
   * profile discounted, which the report lists for the function when it ends up unchanged.
   */
  readonly function?: (
    original: Entity,
    patched: Entity,
    general: readonly ReasonDetail[],
  ) => { details: ReasonDetail[]; ignored: IgnoredDifference[] };
}
