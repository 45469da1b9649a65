import { Command, CommanderError, Option } from "commander";
import { diffCommand } from "./commands/diff.js";
import { dumpPath } from "./commands/dump.js";
import { typesCommand } from "./commands/types.js";
import { errorLine, toErrorReport, UsageError } from "./errors.js";
import { renderDumpOutputText } from "./render/dump-text.js";

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
    .addHelpText(
      "after",
      "\nExamples:\n  $ elfdelta dump test-objects/out/x86_64-gcc/code.fs.o\n  $ elfdelta dump --format json lib.a",
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
    .addHelpText(
      "after",
      "\nExample:\n  $ elfdelta types --format text foo.o   # pahole-style layouts with holes marked",
    )
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
    .addHelpText(
      "after",
      "\nExamples:\n  $ elfdelta diff orig/foo.o patched/foo.o\n  $ elfdelta diff --format json orig.o patched.o > report.json; echo $?   # 0 safe, 1 unsupported, 2 bad input",
    )
    .action(
      (original: string, patched: string, opts: { format: string; profile: string; policy?: string }) => {
        const r = diffCommand(original, patched, opts);
        process.stdout.write(r.output);
        process.exitCode = r.exitCode;
      },
    );

  return program;
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
