import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; the CLI end-to-end tests run the built dist as a user would.
    alias: {
      "@elfdelta/elf": src("./packages/elf/src/index.ts"),
      "@elfdelta/diff": src("./packages/diff/src/index.ts"),
    },
  },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "test-objects/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "threads",
    // CI asks for a JSON report too (ELFDELTA_TEST_REPORT=path), to print a closing pass/fail count.
    ...(process.env.ELFDELTA_TEST_REPORT
      ? { reporters: ["default", "json"], outputFile: { json: process.env.ELFDELTA_TEST_REPORT } }
      : {}),
  },
});
