import { diffObjects, PolicyError } from "@elfdelta/diff";
import { ElfError } from "@elfdelta/elf";

/**
 * A build step for a live-patch tool: which functions to put in the patch, or why there can be no patch.
 * `policy` is the path of an elfdelta.policy.json (optional).
 */
export function planPatch(
  original: string,
  patched: string,
  policy?: string,
): { replace: string[]; refused: string[] } {
  try {
    const report = diffObjects(original, patched, { policy });
    const refused = report.findings
      .filter((f) => f.severity === "error" && !f.waived)
      .map((f) => `${f.rule}: ${f.message}`);
    const replace = report.functions
      .filter((f) => (f.status === "changed" || f.status === "new") && !f.ignored)
      .map((f) => f.name);
    return { replace: refused.length === 0 ? replace : [], refused };
  } catch (e) {
    // Unreadable or malformed inputs and bad policy files are typed errors naming the file.
    if (e instanceof ElfError || e instanceof PolicyError) return { replace: [], refused: [e.describe()] };
    throw e;
  }
}
