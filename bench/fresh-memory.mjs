// Fresh memory (Linux): a new process pays the kernel for each page it touches the first time. On
// this VM a fresh 4 KiB page costs ~12 µs (touching it again, ~0.05 µs), so how much memory a run
// touches weighs in its cold start as much as the code it runs. Reported, never a target: what the
// replay's anonymous memory (the V8 heap, mostly) costs here, against bare `node -e 0`.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const AT_EXIT = fileURLToPath(new URL("./memory-at-exit.cjs", import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The price of a fresh page in a new process: 64 MiB allocated and touched once, page by page. */
function pageMicroseconds() {
  const touch = `const b = Buffer.allocUnsafeSlow(64 << 20); const t = performance.now();
for (let i = 0; i < b.length; i += 4096) b[i] = 1;
process.stdout.write(String(((performance.now() - t) * 1000) / (b.length / 4096)));`;
  return median(
    [0, 1, 2].map(() => Number(spawnSync(process.execPath, ["-e", touch], { encoding: "utf8" }).stdout)),
  );
}

/** RssAnon (KiB) and minor page faults at exit of `node <args>`, reported on fd 3 by memory-at-exit.cjs. */
function atExit(args, cwd) {
  const run = spawnSync(process.execPath, ["--require", AT_EXIT, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [anonKiB, faults] = String(run.output[3]).trim().split(" ").map(Number);
  return { anonKiB, faults };
}

/** Medians over `runs`: the extra anonymous memory and faults of `args` over bare node, and their price here. */
export function benchFreshMemory(args, cwd, runs = 5) {
  const bare = Array.from({ length: runs }, () => atExit(["-e", "0"], cwd));
  const cli = Array.from({ length: runs }, () => atExit(args, cwd));
  const extraKiB = median(cli.map((r) => r.anonKiB)) - median(bare.map((r) => r.anonKiB));
  const extraFaults = median(cli.map((r) => r.faults)) - median(bare.map((r) => r.faults));
  const microseconds = pageMicroseconds();
  return { extraMiB: extraKiB / 1024, extraFaults, microseconds, ms: ((extraKiB / 4) * microseconds) / 1000 };
}
