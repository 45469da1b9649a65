import { diffTrees, isComparedPair } from "@elfdelta/diff";

/** A CI check over two build directories (or two archives): one line per object that blocks the patch. */
export async function blockers(originalDir: string, patchedDir: string): Promise<string[]> {
  const tree = await diffTrees(originalDir, patchedDir, { profile: "general" }); // several pairs at once
  const lines: string[] = [];
  for (const pair of tree.pairs) {
    if (!isComparedPair(pair)) {
      if (pair.status === "error") lines.push(`${pair.name}: ${pair.error.message}`);
      continue;
    }
    for (const f of pair.findings)
      if (f.severity === "error" && !f.waived) lines.push(`${pair.name}: ${f.rule}`);
  }
  return lines;
}
