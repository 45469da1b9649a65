import type { Analysis } from "../analysis.js";
import type { RuleId } from "./catalogue.js";

/** Where a finding points: any of a symbol, a section, a type. */
export interface FindingSite {
  readonly message: string;
  readonly symbol?: string;
  readonly section?: string;
  readonly type?: string;
}

export interface RuleContext {
  readonly analysis: Analysis;
  emit(rule: RuleId, site: FindingSite): void;
}

/** A rule reads the analysis and emits findings under its ids; severities come from the catalogue. */
export interface Rule {
  /** The ids this rule can emit. */
  readonly ids: readonly RuleId[];
  run(ctx: RuleContext): void;
}
