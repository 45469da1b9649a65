import type { TreeHead, TreePair, TreeSummary } from "@elfdelta/diff";

/**
 * Writes a tree report exactly as `JSON.stringify(report, null, 2)` followed by a newline would, one entry at
 * a time: the report of a build tree of tens of thousands of objects is more than one string can hold (V8
 * stops at 2^29 characters), and more than is worth holding.
 */
export class TreeJsonWriter {
  #first = true;

  constructor(private readonly write: (text: string) => void) {}

  /** The keys before `pairs`, and the opening of `pairs`. */
  start(head: TreeHead): void {
    let out = "{";
    for (const [key, value] of Object.entries(head)) {
      if (value !== undefined) out += `\n  ${JSON.stringify(key)}: ${nested(value, "  ")},`;
    }
    this.write(`${out}\n  "pairs": [`);
  }

  pair(p: TreePair): void {
    this.write(`${this.#first ? "" : ","}\n    ${nested(p, "    ")}`);
    this.#first = false;
  }

  /** The end of `pairs` (`[]` when there was none, as JSON.stringify writes it), the summary, the end. */
  end(summary: TreeSummary): void {
    this.write(`${this.#first ? "]" : "\n  ]"},\n  "summary": ${nested(summary, "  ")}\n}\n`);
  }
}

/** `value` as JSON.stringify with 2-space indentation writes it at the depth whose lines start with `indent`. */
function nested(value: unknown, indent: string): string {
  // Newlines only separate JSON tokens: inside strings they are escaped.
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${indent}`);
}
