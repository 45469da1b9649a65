import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { type Finding, isComparedPair, type Report, RULES, type TreeReport } from "@elfdelta/diff";

/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer): one run; the rules of the catalogue
 * with their ids, titles, help and default levels; one result per finding, at the source file and line
 * DWARF gives for its function, variable or type (relative to the working directory, under `%SRCROOT%`),
 * else at the object. Waived findings carry a `suppressions` entry with the waiver's reason; pairs that could
 * not be compared, and objects found on one side only, are tool notifications.
 */

export interface SarifOptions {
  /** The directory relative URIs are relative to (the repository root in CI): the working directory. */
  readonly cwd: string;
  readonly version: string;
}

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT = "%SRCROOT%";

type Level = "error" | "warning" | "note";
const level = (s: Finding["severity"]): Level => (s === "info" ? "note" : s);

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export function renderSarif(input: Report | TreeReport, opts: SarifOptions): string {
  return `${JSON.stringify(sarifLog(input, opts), null, 2)}\n`;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; precision: string };
}

export function sarifLog(input: Report | TreeReport, opts: SarifOptions): Record<string, unknown> {
  const rules: SarifRule[] = Object.values(RULES).map(
    (r): SarifRule => ({
      id: r.id,
      name: pascal(r.id),
      shortDescription: { text: sentence(r.title) },
      fullDescription: { text: sentence(r.title) },
      help: { text: r.help, markdown: `**${sentence(r.title)}**\n\n${r.help}` },
      defaultConfiguration: { level: level(r.severity) },
      properties: { tags: ["live-patching"], precision: "high" },
    }),
  );
  const ruleIndex = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const ensureRule = (f: Finding): number => {
    let i = ruleIndex.get(f.rule);
    if (i === undefined) {
      i = rules.length;
      rules.push({
        id: f.rule,
        name: pascal(f.rule),
        shortDescription: { text: f.rule },
        fullDescription: { text: f.rule },
        help: { text: f.help ?? f.rule, markdown: f.help ?? f.rule },
        defaultConfiguration: { level: level(f.severity) },
        properties: { tags: ["live-patching"], precision: "high" },
      });
      ruleIndex.set(f.rule, i);
    }
    return i;
  };

  const results: Record<string, unknown>[] = [];
  const notifications: Record<string, unknown>[] = [];
  const pairs: { name: string; report: Report }[] =
    "pairs" in input
      ? input.pairs.filter(isComparedPair).map((p) => ({ name: p.name, report: p }))
      : [{ name: "", report: input }];
  for (const { name, report } of pairs) {
    const object = objectArtifact(report.patched.path, opts.cwd);
    for (const f of report.findings) {
      const source = f.location ? artifact(f.location.file, opts.cwd) : undefined;
      const physicalLocation = source
        ? {
            artifactLocation: source,
            ...(f.location?.line ? { region: { startLine: f.location.line } } : {}),
          }
        : { artifactLocation: object };
      const logical = [
        f.symbol ? { name: f.symbol, kind: "function" } : undefined,
        f.type ? { name: f.type, kind: "type" } : undefined,
        f.section ? { name: f.section, kind: "module" } : undefined,
      ].filter((x) => x !== undefined);
      const inObject = name !== "" ? name : report.patched.path;
      results.push({
        ruleId: f.rule,
        ruleIndex: ensureRule(f),
        level: level(f.severity),
        message: { text: source ? `${f.message} (in ${inObject})` : f.message },
        locations: [{ physicalLocation, ...(logical.length > 0 ? { logicalLocations: logical } : {}) }],
        partialFingerprints: { "elfdeltaFinding/v1": fingerprint(f, name) },
        ...(f.waived
          ? {
              suppressions: [
                {
                  kind: "external",
                  status: "accepted",
                  justification: `${f.waived.reason}${f.waived.expires ? ` (until ${f.waived.expires})` : ""}`,
                },
              ],
            }
          : {}),
        properties: {
          object: report.patched.path,
          ...(f.symbol ? { symbol: f.symbol } : {}),
          ...(f.type ? { type: f.type } : {}),
          ...(f.section ? { section: f.section } : {}),
        },
      });
    }
  }
  if ("pairs" in input) {
    for (const p of input.pairs) {
      if (isComparedPair(p)) continue;
      if (p.status === "error") {
        const e = p.error;
        notifications.push({
          level: "error",
          message: {
            text: `${p.name} could not be compared: ${e.message}${e.offset !== undefined ? ` at offset ${e.offset}` : ""}`,
          },
          locations: [
            { physicalLocation: { artifactLocation: objectArtifact(e.file ?? p.patched, opts.cwd) } },
          ],
          descriptor: { id: e.code },
        });
      } else {
        const path = p.status === "new" ? p.patched : p.original;
        notifications.push({
          level: "note",
          message: {
            text: `${p.name}: ${p.status} object (only in ${p.status === "new" ? "patched" : "original"})`,
          },
          locations: [{ physicalLocation: { artifactLocation: objectArtifact(path, opts.cwd) } }],
        });
      }
    }
  }
  const verdict = "pairs" in input ? input.summary.verdict : input.verdict;
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "elfdelta",
            version: opts.version,
            semanticVersion: opts.version,
            rules,
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(opts.cwd.endsWith(sep) ? opts.cwd : opts.cwd + sep).href },
        },
        invocations: [
          {
            executionSuccessful: !("pairs" in input) || input.summary.errors === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        properties: { verdict },
      },
    ],
  };
}

/** A path as a SARIF artifact location: relative to `cwd` under %SRCROOT% when inside it, else a file URI. */
export function artifact(path: string, cwd: string): ArtifactLocation {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) {
    const uri = rel
      .split(sep)
      .map((s) => encodeURIComponent(s))
      .join("/");
    return { uri: posix.normalize(uri), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(abs).href };
}

/** The object's own file: an archive member (`lib.a(foo.o)`) is located at its archive. */
function objectArtifact(path: string, cwd: string): ArtifactLocation {
  if (!existsSync(resolve(cwd, path))) {
    const m = /^(.*)\([^()]*\)$/.exec(path);
    if (m?.[1] && existsSync(resolve(cwd, m[1]))) return artifact(m[1], cwd);
  }
  return artifact(path, cwd);
}

function fingerprint(f: Finding, pair: string): string {
  const key = [f.rule, f.symbol ?? "", f.type ?? "", f.section ?? "", pair];
  if (!f.symbol && !f.type && !f.section) key.push(f.message);
  return createHash("sha256").update(key.join("\0")).digest("hex").slice(0, 32);
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ""))
    .join("");
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return t.endsWith(".") ? t : `${t}.`;
}
