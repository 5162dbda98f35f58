// Preloaded (node --import) by test/cold-start.test.ts: reports each call that makes V8 load ICU data
// (Intl services, localeCompare, toLocale*String, normalize) on stderr, one "icu-probe:" line each,
// and at exit the public Node modules the process loaded, on one "builtins-probe:" line, and how
// many texts over 10,000 characters were given to JSON.parse, on a "parse-probe:" line, and the
// size of V8's young generation (both semi-spaces, in bytes) on a "young-probe:" line, and the
// directories it listed, one "readdir-probe:" line each.
// Written straight to file descriptor 2: process.stderr would build a stream (net, for a pipe) and
// show up in the very list it reports.
const fs = process.getBuiltinModule("node:fs");
const writeStderr = (text) => fs.writeSync(2, text);
const realReaddir = fs.readdirSync;
const listed = [];
fs.readdirSync = function (path, ...rest) {
  listed.push(String(path));
  return realReaddir.call(this, path, ...rest);
};
const realParse = JSON.parse;
let bigParses = 0;
JSON.parse = function (text, reviver) {
  if (typeof text === "string" && text.length > 10_000) bigParses++;
  return realParse.call(this, text, reviver);
};
process.on("exit", () => {
  writeStderr(`parse-probe: ${bigParses}\n`);
  for (const dir of listed) writeStderr(`readdir-probe: ${dir}\n`);
  const loaded = process.moduleLoadList
    .filter((entry) => entry.startsWith("NativeModule ") && !entry.includes("internal/"))
    .map((entry) => entry.slice("NativeModule ".length));
  writeStderr(`builtins-probe: ${loaded.join(" ")}\n`);
  // Read after the list above, which must not show the v8 module this loads.
  const young = process
    .getBuiltinModule("node:v8")
    .getHeapSpaceStatistics()
    .find((space) => space.space_name === "new_space");
  writeStderr(`young-probe: ${young?.space_size}\n`);
});
const say = (what) => {
  const where = (new Error().stack ?? "").split("\n")[3]?.trim() ?? "";
  writeStderr(`icu-probe: ${what} ${where}\n`);
};
for (const name of [
  "Collator",
  "NumberFormat",
  "DateTimeFormat",
  "Segmenter",
  "PluralRules",
  "ListFormat",
  "RelativeTimeFormat",
  "DisplayNames",
]) {
  const Real = Intl[name];
  Intl[name] = new Proxy(Real, {
    construct: (target, args, newTarget) => (say(`Intl.${name}`), Reflect.construct(target, args, newTarget)),
    apply: (target, self, args) => (say(`Intl.${name}`), Reflect.apply(target, self, args)),
  });
}
for (const [proto, method] of [
  [String.prototype, "localeCompare"],
  [String.prototype, "normalize"],
  [String.prototype, "toLocaleUpperCase"],
  [String.prototype, "toLocaleLowerCase"],
  [Number.prototype, "toLocaleString"],
  [Date.prototype, "toLocaleString"],
  [Date.prototype, "toLocaleDateString"],
  [Date.prototype, "toLocaleTimeString"],
  [Array.prototype, "toLocaleString"],
]) {
  const real = proto[method];
  proto[method] = function (...args) {
    say(method);
    return real.apply(this, args);
  };
}
