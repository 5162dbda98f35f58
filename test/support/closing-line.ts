import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the run with the plain closing line CI reads: "N passed, N failed, N skipped". A test skipped
 * with a note (`ctx.skip(note)`, e.g. the browser test without Chromium) is counted as skipped, never
 * as passed, and each distinct note is printed once, on one line, just above the closing line.
 */
export default class ClosingLine implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const notes = new Set<string>();
    for (const module of modules) {
      // A failing hook or an import error fails the file even when its tests are marked skipped.
      if (module.errors().length > 0 || [...module.children.allSuites()].some((s) => s.errors().length > 0)) {
        counts.failed += 1;
      }
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === "passed") counts.passed += 1;
        else if (result.state === "failed") counts.failed += 1;
        else {
          counts.skipped += 1;
          if (result.state === "skipped" && result.note) notes.add(result.note);
        }
      }
    }
    const lines = [...notes].map((note) => `skipped: ${note}`);
    lines.push(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
