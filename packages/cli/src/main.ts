import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type DiffCommandOptions, diffCommand } from "./commands/diff.js";
import { dumpPath } from "./commands/dump.js";
import { SCHEMA_NAMES, schemaCommand } from "./commands/schema.js";
import { typesCommand, typesHelpText } from "./commands/types.js";
import { errorLine, toErrorReport, UsageError } from "./errors.js";
import { renderDumpOutputText } from "./render/dump-text.js";
import { VERSION } from "./version.js";

/** Exit codes of the contract: 0 safe/success, 1 unsupported patch, 2 bad input or command line. */
export const EXIT_OK = 0;
export const EXIT_UNSUPPORTED = 1;
export const EXIT_BAD_INPUT = 2;

type Format = "text" | "json";

function formatOption(choices: string[], fallback: string): Option {
  return new Option("-f, --format <format>", "output format").choices(choices).default(fallback);
}

/** Writes a failure the way the contract says: one line on stderr, and the JSON error object with --format json. */
export function reportFailure(e: unknown, format: string | undefined): number {
  process.stderr.write(`${errorLine(e)}\n`);
  if (format === "json") process.stdout.write(`${JSON.stringify(toErrorReport(e))}\n`);
  return EXIT_BAD_INPUT;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("elfdelta")
    .description("Compare two builds of an ELF object: what changed, and can it be live-patched?")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .version(VERSION)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ elfdelta diff orig/net.o patched/net.o                 # is this patch live-patchable?",
        "  $ elfdelta diff --format sarif -o elfdelta.sarif build-orig/ build-patched/",
        "  $ elfdelta dump test-objects/out/x86_64-gcc/code.fs.o",
        "  $ elfdelta schema report > report.schema.json",
        "",
        "Exit codes: 0 safe (or success), 1 the patch is unsupported, 2 bad input or command line.",
      ].join("\n"),
    );

  program
    .command("dump")
    .description("list everything the reader sees in an ELF file or each member of an ar archive")
    .argument("<file>", "an ELF object, executable, shared object, or ar archive")
    .addOption(formatOption(["text", "json"], "text"))
    .addHelpText(
      "after",
      "\nExample:\n  $ elfdelta dump --format json foo.o | jq '.symbols[] | select(.type == \"FUNC\")'",
    )
    .action((file: string, opts: { format: Format }) => {
      const d = dumpPath(file);
      process.stdout.write(opts.format === "json" ? `${JSON.stringify(d)}\n` : renderDumpOutputText(d));
    });

  program
    .command("types")
    .description(
      "list the struct, union, enum and typedef layouts, functions and variables that DWARF describes",
    )
    .argument("<file>", "an ELF object with debug information (-g)")
    .addOption(formatOption(["text", "json"], "text"))
    .addHelpText("after", typesHelpText)
    .action((file: string, opts: { format: Format }) => {
      process.stdout.write(typesCommand(file, opts));
    });

  program
    .command("diff")
    .description(
      "compare an original and a patched build of the same object and decide whether it can be live-patched",
    )
    .argument("<original>", "the original object (or archive, or build directory)")
    .argument("<patched>", "the patched object (or archive, or build directory)")
    .addOption(formatOption(["text", "json", "sarif", "markdown"], "text"))
    .addOption(
      new Option("--profile <profile>", "rules to apply").choices(["general", "kernel"]).default("general"),
    )
    .option(
      "--policy <file>",
      "a policy file (elfdelta.policy.json) that changes severities or waives findings",
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .addOption(
      new Option("--color <when>", "colour the text report (NO_COLOR is honoured by auto)")
        .choices(["auto", "always", "never"])
        .default("auto"),
    )
    .option("-q, --quiet", "text and markdown: only the verdict line; no progress bar")
    .addOption(
      new Option("--fail-on <severity>", "the lowest severity that fails the gate (exit 1)")
        .choices(["error", "warning"])
        .default("error"),
    )
    .option(
      "-j, --jobs <n>",
      "pairs diffed at once for archives and directories: this thread and N − 1 workers (default: the number of CPUs)",
    )
    .option(
      "--special-section-size <NAME=BYTES>",
      "kernel profile: the entry size of a special section (e.g. __bug_table=16), replacing the built-in one for the object's architecture; repeatable",
      collectSectionSize,
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ elfdelta diff orig/foo.o patched/foo.o",
        "  $ elfdelta diff --format json orig.o patched.o > report.json; echo $?   # 0 safe, 1 unsupported, 2 bad input",
        "  $ elfdelta diff --policy elfdelta.policy.json --fail-on warning build-orig/ build-patched/",
        "  $ elfdelta diff --format sarif --output elfdelta.sarif orig/libnet.a patched/libnet.a",
      ].join("\n"),
    )
    .action(
      async (
        original: string,
        patched: string,
        opts: DiffCommandOptions & { specialSectionSize?: Record<string, number> },
      ) => {
        const { specialSectionSize: sizes, ...rest } = opts;
        if (sizes && rest.profile !== "kernel")
          throw new UsageError("--special-section-size applies to the kernel profile: add --profile kernel");
        process.exitCode = await diffCommand(
          original,
          patched,
          rest,
          sizes ? { specialSectionSizes: sizes } : {},
        );
      },
    );

  program
    .command("schema")
    .description("print the JSON Schema of the diff report or of a policy file")
    .addArgument(new Argument("<name>", "which schema").choices(SCHEMA_NAMES))
    .addHelpText(
      "after",
      '\nExamples:\n  $ elfdelta schema report > report.schema.json\n  $ elfdelta schema policy > policy.schema.json   # for editors: "$schema" in elfdelta.policy.json',
    )
    .action((name: string) => {
      process.stdout.write(schemaCommand(name));
    });

  return program;
}

/** Parses one `--special-section-size NAME=BYTES` into the sizes collected so far. */
function collectSectionSize(
  value: string,
  previous: Record<string, number> | undefined,
): Record<string, number> {
  const m = /^([^=\s]+)=(0x[0-9a-f]+|[0-9]+)$/i.exec(value);
  const size = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isSafeInteger(size) || size <= 0) {
    throw new InvalidArgumentError(
      `expected NAME=BYTES with BYTES a positive number (e.g. __bug_table=16), not '${value}'`,
    );
  }
  return { ...previous, [m[1]!]: size };
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  const format = formatFromArgv(argv);
  try {
    await program.parseAsync(argv, { from: "user" });
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end in a CommanderError with exit code 0.
      if (e.exitCode === 0) return EXIT_OK;
      if (format === "json")
        process.stdout.write(`${JSON.stringify(toErrorReport(new UsageError(e.message)))}\n`);
      return EXIT_BAD_INPUT;
    }
    return reportFailure(e, format);
  }
}

function formatFromArgv(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === "--format" || a === "-f") && i + 1 < argv.length) return argv[i + 1];
    if (a.startsWith("--format=")) return a.slice("--format=".length);
  }
  return undefined;
}
