/**
 * Colour for the text report: ANSI SGR sequences when allowed, the identity otherwise. Colour is applied after
 * padding, so columns line up either way.
 */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) =>
  s === "" ? s : `\x1b[${open}m${s}\x1b[${close}m`;
const id = (s: string) => s;

export const COLOR: Style = {
  enabled: true,
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

export const PLAIN: Style = { enabled: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

export type ColorWhen = "auto" | "always" | "never";

/**
 * `--color`: `always` and `never` win; `auto` colours a terminal unless NO_COLOR is set to a non-empty value
 * (https://no-color.org) — and never a file written with `--output`.
 */
export function chooseStyle(
  when: ColorWhen,
  env: NodeJS.ProcessEnv,
  isTerminal: boolean,
  toFile: boolean,
): Style {
  if (when === "always") return COLOR;
  if (when === "never") return PLAIN;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return !noColor && isTerminal && !toFile ? COLOR : PLAIN;
}
