import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/**
 * The layering of src/ (README "Architecture"): each area may import only areas of a lower rank
 * (and itself); the import graph has no cycle. Static and dynamic imports, type-only included:
 * read with the TypeScript compiler's own import scanner.
 */
const RANK: Record<string, number> = {
  core: 0,
  analyse: 1,
  collect: 1,
  files: 0.5, // I/O helpers: above core, below the collector and the sinks that read and write files
  decide: 2,
  report: 3,
  check: 4,
  config: 4,
  ledger: 4,
  preflight: 5,
  watch: 5,
  servicenow: 5,
  fleet: 5,
  app: 6,
  cli: 7,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each source file (relative to the root) and every module specifier it imports, as written. */
function importsOf(): Map<string, string[]> {
  return new Map(
    sourceFiles(join(ROOT, "src")).map((file) => [
      relative(ROOT, file),
      ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((i) => i.fileName),
    ]),
  );
}

/** Each source file and the source files it imports. */
function importGraph(imports: Map<string, string[]>): Map<string, string[]> {
  return new Map(
    [...imports].map(([file, names]) => [
      file,
      names
        .filter((name) => name.startsWith("."))
        .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name.replace(/\.js$/, ".ts")))),
    ]),
  );
}

/** The layers that never touch Node (ESLint's no-restricted-imports says so for static imports). */
const PURE = new Set(["core", "analyse", "decide", "report"]);

/** The area a file belongs to: its folder under src/, or its own name for src/check.ts and src/preflight.ts. */
const areaOf = (file: string) => file.split("/")[1]!.replace(/\.ts$/, "");

/** The strongly connected components of more than one file (Tarjan), and files importing themselves. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const dep of graph.get(file) ?? []) {
      if (!index.has(dep)) {
        visit(dep);
        low.set(file, Math.min(low.get(file)!, low.get(dep)!));
      } else if (onStack.has(dep)) low.set(file, Math.min(low.get(file)!, index.get(dep)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

describe("the import graph of src/", () => {
  const imports = importsOf();
  const graph = importGraph(imports);

  it("the pure layers import no node: module, statically or dynamically", () => {
    const impure = [...imports].flatMap(([file, names]) =>
      PURE.has(areaOf(file)) ? names.filter((n) => n.startsWith("node:")).map((n) => `${file}: ${n}`) : [],
    );
    expect(impure).toEqual([]);
  });

  it("every file imported exists and every area has a rank", () => {
    for (const [file, deps] of graph) {
      expect(RANK[areaOf(file)], `${file}: area without a rank`).toBeTypeOf("number");
      for (const dep of deps) expect(graph.has(dep), `${file} imports ${dep}`).toBe(true);
    }
  });

  it("has no cycle", () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it("nothing imports upward or sideways: an area imports only lower ranks", () => {
    const upward = [...graph].flatMap(([file, deps]) =>
      deps
        .filter((dep) => areaOf(dep) !== areaOf(file) && RANK[areaOf(dep)]! >= RANK[areaOf(file)]!)
        .map((dep) => `${file} -> ${dep}`),
    );
    expect(upward).toEqual([]);
  });

  it("exit codes are numbers only in the one table (src/core/exit-codes.ts)", () => {
    const literal = /\b(?:exitCode\s*[=:]|exit\(|EXIT_CODE\s*=)\s*\d/;
    // A command handler's result is its exit code: `return 0` there is a number outside the table.
    const commandResult = /\breturn\s+\d+\s*;/;
    const leaks = [...imports.keys()].filter((file) => {
      if (file === "src/core/exit-codes.ts") return false;
      const text = readFileSync(join(ROOT, file), "utf8");
      return literal.test(text) || (/^src\/(cli|app)\//.test(file) && commandResult.test(text));
    });
    expect(leaks).toEqual([]);
  });

  it("the cycle finder finds a cycle and a self-import", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    expect(cyclesOf(graph)).toEqual([["a", "b", "c"], ["d"]]);
  });
});
