export { buildProgram, EXIT_BAD_INPUT, EXIT_OK, EXIT_UNSUPPORTED, run } from "./main.js";
export { dumpElf, dumpPath, type DumpJson, type DumpOutput } from "./commands/dump.js";
