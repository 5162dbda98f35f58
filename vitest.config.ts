import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CLI tests spawn the built CLI; `npm test` builds first.
    testTimeout: 20_000,
    reporters: ["default", "./test/support/closing-line.ts"],
  },
});
