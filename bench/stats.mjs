// Small helpers the benchmarks share: the median of a series and a plain-text table.

/** The median (the mean of the middle two for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Rows of cells as columns padded to their widest cell, two spaces apart. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => String(v).padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
