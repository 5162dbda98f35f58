import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CLI tests spawn the built CLI; `npm test` builds first.
    testTimeout: 20_000,
    // Vitest's default leaves a core free: on a 2-core runner that is one worker, and the suite
    // (much of it waiting on child processes and local HTTPS servers) took 225 s instead of 146 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default", "./test/support/closing-line.ts"],
  },
});
