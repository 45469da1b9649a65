export { type DumpJson, type DumpOutput, dumpElf, dumpPath } from "./commands/dump.js";
export { buildProgram, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNSUPPORTED, run } from "./main.js";
