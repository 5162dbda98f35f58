// esbuild plugins of scripts/bundle.mjs, on their own so test/bundle-plugins.test.ts can build with them.
import { readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname } from "node:path";

const nodeRequire = createRequire(import.meta.url);

/**
 * Start-up cost that a run does not need, removed at bundle time (issue #19: a replayed check
 * within 3x `node -e 0`). Each plugin changes when code runs, never what it does.
 *
 * Packages whose importers get a stand-in that loads the real module on the first call:
 * - string-width (three copies, under yargs, cliui and wrap-ansi) builds an Intl.Segmenter and
 *   Unicode-property regular expressions (\p{RGI_Emoji}) at module load: ~40 ms per run, for help
 *   rendering only.
 * - the proxy agents of the HTTP runtime (its proxy policy constructs one only when a proxy is
 *   set) load agent-base, debug and supports-color, and with them Node's http, https, net, tls,
 *   tty and os: ~25 ms of a replayed check, which sends nothing.
 * Each export named here is a function (called) or a class (constructed: the stand-in's
 * constructor returns the real instance).
 */
const LOAD_ON_FIRST_CALL = {
  "string-width": { default: "function" },
  "https-proxy-agent": { HttpsProxyAgent: "class" },
  "http-proxy-agent": { HttpProxyAgent: "class" },
};
const standInFor = (path, exports) =>
  Object.entries(exports)
    .map(([name, kind]) => {
      const real = `require(${JSON.stringify(path)})[${JSON.stringify(name)}]`;
      const declared = name === "default" ? "export default" : "export";
      return kind === "class"
        ? `${declared} class ${name} { constructor(...args) { return new (${real})(...args); } }`
        : `${declared} function ${name === "default" ? "standIn" : name}(...args) { return ${real}(...args); }`;
    })
    .join("\n");

export const loadOnFirstCall = {
  name: "load-on-first-call",
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LOAD_ON_FIRST_CALL).join("|")})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData === "real") return undefined; // our own lookup of the real module
      const real = await build.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: "real",
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "load-on-first-call", pluginData: args.path };
    });
    build.onLoad({ filter: /.*/, namespace: "load-on-first-call" }, (args) => ({
      // esbuild turns a require() of a bundled module into an initialiser run on that call.
      contents: standInFor(args.path, LOAD_ON_FIRST_CALL[args.pluginData]),
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Text patches of bundled packages, each of which must be found exactly once in its file: a package
 * that no longer reads this way would keep its test unchanged, so the build fails instead.
 *
 * The HTTP runtime (@typespec/ts-http-runtime, under every Azure SDK):
 * - The runtime asks `typeof FormData` of every request (formDataPolicy, and each body sent):
 *   Node's FormData is a lazy global whose first read loads undici, ~17 ms of a run that sends no
 *   form. A real FormData says so in its Symbol.toStringTag; only then is the global consulted.
 *   The same answer for every body, without loading undici for the ones that are not forms.
 * - The runtime parses every response body for the SDK's deserialiser, after azfn-health's shape
 *   check (src/collect/shapes.ts) has parsed the same text: it takes the shape check's parse, left
 *   on the response under `Symbol.for("azfn-health.parsedBody")` with the text it came from, when
 *   that text is the body it would parse. One `JSON.parse` of each body instead of two (1.5 MB of
 *   metrics in a replayed check); nothing reads the parse in between.
 * - The runtime asks `x instanceof ReadableStream` of each request body it sends (a Log Analytics
 *   query's JSON): Node's ReadableStream is a lazy global whose first read loads the web streams
 *   (and MessagePort's worker modules). A real one says so in its Symbol.toStringTag, as FormData
 *   does above.
 *
 * yargs' platform shim (yargs/lib/platform-shims/esm.mjs), at its load:
 * - It imports Node's assert for the two checks it makes of every option it is given. Loading
 *   assert loads its error's colours, which build process.stderr (a socket on a pipe: Node's net
 *   and stream modules). Each check is Object.is, as assert's own (https://nodejs.org/api/assert.html
 *   #assertstrictequalactual-expected-message); assert loads only to throw its own error.
 * - It reads process.stdout.columns, which builds process.stdout, for the help's width: read when
 *   yargs asks for it instead. A run then builds neither stream unless it writes to it
 *   (src/cli/bin.ts writes stdout straight to its descriptor).
 * - Every yargs() guesses a version from the nearest package.json above its "main file", which it
 *   takes from the shim's own path up to "node_modules": in the bundle there is none, so it took
 *   the working directory. A run then listed the user's directory and each above it up to a
 *   package.json, and parsed that file, whoever wrote it; a directory named with a dot
 *   ("tmp.x1Y2") counted as a file, so the walk began at its parent (/tmp: 50,000 entries here).
 *   The main file is this package's package.json instead (the bundle sits in dist/bundle/; a file,
 *   so a package directory named with a dot is no trap): one listing, of its own directory, and
 *   its own package.json.
 */
const FORM_DATA_TEST = 'typeof FormData !== "undefined" && body instanceof FormData';
const FORM_DATA_GUARD = {
  find: FORM_DATA_TEST,
  replace: `Object.prototype.toString.call(body) === "[object FormData]" && ${FORM_DATA_TEST}`,
};
const WEB_STREAM_GUARD = {
  find: "return x instanceof ReadableStream;",
  replace:
    'return Object.prototype.toString.call(x) === "[object ReadableStream]" && x instanceof ReadableStream;',
};
const RESPONSE_PARSE = "return bodyToParse ? JSON.parse(bodyToParse) : undefined;";
const PARSE_ONCE = {
  find: RESPONSE_PARSE,
  replace:
    'const checked = response[Symbol.for("azfn-health.parsedBody")]; ' +
    `if (checked !== undefined && checked.text === bodyToParse) return checked.body; ${RESPONSE_PARSE}`,
};
const LAZY_ASSERT = {
  find: "import { notStrictEqual, strictEqual } from 'assert'",
  replace:
    'const realAssert = () => process.getBuiltinModule("node:assert");\n' +
    "const notStrictEqual = (actual, expected, message) => { if (Object.is(actual, expected)) realAssert().notStrictEqual(actual, expected, message); };\n" +
    "const strictEqual = (actual, expected, message) => { if (!Object.is(actual, expected)) realAssert().strictEqual(actual, expected, message); };",
};
const LAZY_COLUMNS = {
  find: "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null",
  replace:
    "get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null; }",
};
const OWN_PACKAGE = {
  find: "mainFilename: mainFilename || process.cwd(),",
  replace: 'mainFilename: fileURLToPath(new URL("../../package.json", import.meta.url)),',
};
const PACKAGE_PATCHES = [
  { file: /@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]formData\.js$/, patches: [FORM_DATA_GUARD] },
  {
    file: /@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]client[\\/]sendRequest\.js$/,
    patches: [FORM_DATA_GUARD, PARSE_ONCE],
  },
  {
    file: /@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]util[\\/]typeGuards-node\.js$/,
    patches: [WEB_STREAM_GUARD],
  },
  {
    file: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/,
    patches: [LAZY_ASSERT, LAZY_COLUMNS, OWN_PACKAGE],
  },
];
export const patchPackages = {
  name: "patch-packages",
  setup(build) {
    for (const { file, patches } of PACKAGE_PATCHES)
      build.onLoad({ filter: file }, (args) => {
        let source = readFileSync(args.path, "utf8");
        for (const { find, replace } of patches) {
          if (source.split(find).length !== 2) throw new Error(`${args.path}: "${find}" is not there once`);
          source = source.replace(find, () => replace);
        }
        return { contents: source, loader: "js" };
      });
  },
};

/**
 * An ES import of a Node builtin makes Node build its ES facade, which reads every export,
 * getters included: `node:http` then loads undici (its WebSocket getter), `node:process` the
 * diagnostic report and readline, `node:util` worker_threads, `node:fs` fs/promises and readline,
 * ~150 internal modules a run never uses. Through require() a builtin stays as loaded, and
 * esbuild reads a named import as a property when it is used. Same modules, loaded when needed.
 * Static imports only: a dynamic import() of a CommonJS stand-in would resolve to its default
 * alone (esbuild's split chunk exports no names), so import() of a builtin stays Node's own.
 */
const BUILTIN = new RegExp(`^(node:)?(${builtinModules.join("|")})$`);
export const builtinsByRequire = {
  name: "builtins-by-require",
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === "import-statement"
        ? { path: args.path.replace(/^node:/, ""), namespace: "builtin-by-require" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "builtin-by-require" }, (args) => ({
      contents: LOAD_WHEN_USED.has(args.path)
        ? loadedWhenUsed(args.path)
        : `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};

/**
 * Builtins a replayed check never calls, which its libraries import at their top (the HTTP
 * runtime: http, https, os, zlib; the CLI's sign-in helper: child_process): ~30 ms of each run
 * loading them. Each is stood in for by a proxy that loads the builtin on the first read of any
 * of its names, and from then on reads and writes through to it. Only object modules whose
 * functions do not use `this` (no function or class module: assert, events, stream), and none
 * Node loads before any user code (fs, path, url, process: nothing to gain) but util: esbuild's
 * copy of its names reads its lazy TextDecoder, which loads the encoding and worker modules. The
 * stand-in lists the builtin's names as the building Node has them (esbuild copies an import's
 * names when it converts it); a name it lacks is still read through.
 */
const LOAD_WHEN_USED = new Set([
  "child_process",
  "crypto",
  "dns",
  "fs/promises",
  "http",
  "http2",
  "https",
  "net",
  "os",
  "tls",
  "tty",
  "util",
  "zlib",
]);

function loadedWhenUsed(name) {
  const real = nodeRequire(`node:${name}`);
  const names = Object.getOwnPropertyNames(real).map((key) => [
    key,
    Object.getOwnPropertyDescriptor(real, key).enumerable,
  ]);
  return `let real;
const load = () => (real ??= require(${JSON.stringify(`node:${name}`)}));
const names = new Map(${JSON.stringify(names)});
module.exports = new Proxy({}, {
  // esbuild's interop asks a CommonJS module whether it is a compiled ES module: a builtin never is.
  get: (_, key) => (key === "__esModule" ? undefined : load()[key]),
  set: (_, key, value) => { load()[key] = value; return true; },
  has: (_, key) => key in load(),
  ownKeys: () => [...names.keys()],
  getOwnPropertyDescriptor: (_, key) =>
    names.has(key) ? { configurable: true, enumerable: names.get(key), get: () => load()[key] } : undefined,
});`;
}

/**
 * The first line of every chunk: CommonJS code inside an ES bundle needs a require of its own.
 * Taken from process.getBuiltinModule, as an ES import of node:module would build that module's
 * ES facade; undefined on a Node too old for the CLI, which bin.js turns away before any require.
 */
export const BANNER =
  'const require = process.getBuiltinModule?.("node:module").createRequire(import.meta.url);';

/** In the order scripts/bundle.mjs applies them. */
export const START_UP_PLUGINS = [loadOnFirstCall, builtinsByRequire, patchPackages];
