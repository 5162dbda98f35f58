// esbuild plugins of scripts/bundle.mjs, on their own so test/bundle-plugins.test.ts can build with them.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname } from "node:path";

/**
 * Start-up cost that a run does not need, removed at bundle time (issue #19: a replayed check
 * within 3x `node -e 0`). Each plugin changes when code runs, never what it does.
 *
 * string-width (three copies, under yargs, cliui and wrap-ansi) builds an Intl.Segmenter and
 * Unicode-property regular expressions (\p{RGI_Emoji}) at module load: ~40 ms per run, for help
 * rendering only. Its importers get a stand-in that loads the real module on the first call.
 */
export const lazyStringWidth = {
  name: "lazy-string-width",
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === "real") return undefined; // our own lookup of the real module
      const real = await build.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: "real",
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "lazy-string-width" };
    });
    build.onLoad({ filter: /.*/, namespace: "lazy-string-width" }, (args) => ({
      // esbuild turns a require() of a bundled ES module into an initialiser run on that call.
      contents: `export default function stringWidth(...args) { return require(${JSON.stringify(args.path)}).default(...args); }`,
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The HTTP runtime asks `typeof FormData` of every request (formDataPolicy, and each body sent):
 * Node's FormData is a lazy global whose first read loads undici, ~17 ms of a run that sends no
 * form. A real FormData says so in its Symbol.toStringTag; only then is the global consulted.
 * The same answer for every body, without loading undici for the ones that are not forms.
 */
const FORM_DATA_TEST = 'typeof FormData !== "undefined" && body instanceof FormData';
export const formDataWithoutUndici = {
  name: "form-data-without-undici",
  setup(build) {
    build.onLoad(
      { filter: /@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/](formData|client[\\/]sendRequest)\.js$/ },
      (args) => {
        const source = readFileSync(args.path, "utf8");
        // A runtime that no longer reads this way would keep its test unchanged: fail the build instead.
        if (source.split(FORM_DATA_TEST).length !== 2)
          throw new Error(`${args.path}: the FormData test to guard is not there once`);
        return {
          contents: source.replace(
            FORM_DATA_TEST,
            `Object.prototype.toString.call(body) === "[object FormData]" && ${FORM_DATA_TEST}`,
          ),
          loader: "js",
        };
      },
    );
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
        ? `let loaded; export default new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}))[key] });`
        : `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};

/**
 * Builtins only a request on the network uses (the HTTP runtime decompresses responses with
 * zlib): loaded on their first use, so a replay never loads them. Default imports only: a named
 * import of one fails the build ("No matching export"), it cannot go unnoticed.
 */
const LOAD_WHEN_USED = new Set(["zlib"]);

/** In the order scripts/bundle.mjs applies them. */
export const START_UP_PLUGINS = [lazyStringWidth, builtinsByRequire, formDataWithoutUndici];
