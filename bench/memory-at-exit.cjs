// Preloaded by bench/fresh-memory.mjs (`node --require`): at exit, the process's anonymous resident
// memory (KiB, /proc/self/status RssAnon) and its minor page faults, written to fd 3.
const { readFileSync, writeSync } = process.getBuiltinModule("node:fs");
process.on("exit", () => {
  const anon = /RssAnon:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  writeSync(3, `${anon} ${process.resourceUsage().minorPageFault}\n`);
});
