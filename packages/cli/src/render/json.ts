import type { Report, TreeHead, TreePair, TreeSummary } from "@elfdelta/diff";

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

/**
 * Writes a pair's report exactly as `JSON.stringify(report, null, 2)` followed by a newline would, each entry
 * of its lists on its own: the whole text of a report listing 200,000 symbols is a string of 37 MB, made
 * while the report itself is still alive (on the command line, the largest step of a pair diff's memory).
 */
export function writeReportJson(report: Report, write: (text: string) => void): void {
  const out = new Batched(write);
  const fields = Object.entries(report).filter(([, value]) => !unwritten(value));
  if (fields.length === 0) {
    out.add("{}\n");
    out.flush();
    return;
  }
  out.add("{");
  fields.forEach(([key, value], i) => {
    out.add(`\n  ${JSON.stringify(key)}: `);
    if (Array.isArray(value) && value.length > 0) {
      out.add("[");
      for (let j = 0; j < value.length; j++) {
        // An entry JSON cannot write (undefined, a function) is null in a list, as JSON.stringify has it.
        const entry: unknown = value[j];
        out.add(`${j === 0 ? "" : ","}\n    ${unwritten(entry) ? "null" : nested(entry, "    ")}`);
      }
      out.add("\n  ]");
    } else {
      out.add(nested(value, "  "));
    }
    if (i < fields.length - 1) out.add(",");
  });
  out.add("\n}\n");
  out.flush();
}

/** Pieces of text gathered into writes of some 64 KiB: an entry is some 200 bytes, a write a system call. */
class Batched {
  #pending = "";

  constructor(private readonly write: (text: string) => void) {}

  add(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= 65_536) this.flush();
  }

  flush(): void {
    if (this.#pending.length > 0) this.write(this.#pending);
    this.#pending = "";
  }
}

/** What JSON.stringify leaves out of an object (and writes as null in a list). */
function unwritten(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/** `value` as JSON.stringify with 2-space indentation writes it at the depth whose lines start with `indent`. */
function nested(value: unknown, indent: string): string {
  // Newlines only separate JSON tokens: inside strings they are escaped.
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${indent}`);
}
