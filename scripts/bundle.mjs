#!/usr/bin/env node
// Bundles the CLI into dist/bundle: one entry plus lazily loaded chunks (the Azure SDKs load only
// when a live check runs). The published package is this bundle: every library it holds is a
// devDependency, so `npm install azfn-health` downloads one tarball and runs no install script.
// The bundled libraries' licences travel with it in dist/bundle/THIRD-PARTY-NOTICES.txt, written
// here from esbuild's own list of the files it bundled (its metafile).
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

/**
 * Start-up cost that a run does not need, removed at bundle time (issue #19: a replayed check
 * within 3x `node -e 0`). Each plugin changes when code runs, never what it does.
 *
 * string-width (three copies, under yargs, cliui and wrap-ansi) builds an Intl.Segmenter and
 * Unicode-property regular expressions (\p{RGI_Emoji}) at module load: ~40 ms per run, for help
 * rendering only. Its importers get a stand-in that loads the real module on the first call.
 */
const lazyStringWidth = {
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
const formDataWithoutUndici = {
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
 */
const BUILTIN = new RegExp(`^(node:)?(${builtinModules.join("|")})$`);
const builtinsByRequire = {
  name: "builtins-by-require",
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === "import-statement" || args.kind === "dynamic-import"
        ? { path: args.path.replace(/^node:/, ""), namespace: "builtin-by-require" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "builtin-by-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};

// Chunk names carry hashes: without a clean start, old chunks would pile up.
rmSync("dist/bundle", { recursive: true, force: true });

const { metafile } = await build({
  entryPoints: { bin: "src/cli/bin.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  minifySyntax: true,
  legalComments: "linked",
  chunkNames: "[name]-[hash]",
  // arm-resourcegraph 4 (ms-rest-js) loads node-fetch's URL code, which requires Node's deprecated
  // punycode module (a DEP0040 warning on every run): the punycode package stands in for it.
  alias: { punycode: "punycode/" },
  metafile: true,
  plugins: [lazyStringWidth, builtinsByRequire, formDataWithoutUndici],
  // CommonJS dependencies inside an ESM bundle need a require of their own.
  banner: {
    js: "import { createRequire as __azfnCreateRequire } from 'node:module'; const require = __azfnCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});

/** The package directories (node_modules/<name> or node_modules/@scope/<name>) the bundle took code from. */
const packageDirs = new Set(
  Object.keys(metafile.inputs)
    // The stand-ins above are inputs under their plugin's namespace ("lazy-string-width:/…"): the real file is too.
    .filter((input) => !/^[a-z-]+:/.test(input))
    .map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((dir) => dir !== undefined),
);
const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-][\w.-]*)?$/i;
const authorOf = (pkg) => (typeof pkg.author === "object" ? pkg.author.name : pkg.author) ?? "not named";
const repositoryOf = (pkg) =>
  (typeof pkg.repository === "object" ? pkg.repository.url : pkg.repository) ??
  `https://www.npmjs.com/package/${pkg.name}`;
const notices = [...packageDirs]
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const texts = readdirSync(dir)
      .filter((file) => LICENCE_FILE.test(file))
      .sort()
      .map((file) => readFileSync(join(dir, file), "utf8").trim());
    // A few packages publish no licence file: name the licence, the author and the source instead.
    if (texts.length === 0)
      texts.push(
        `This package publishes no licence file. Licence: ${pkg.license}; author: ${authorOf(pkg)}; ` +
          `source: ${repositoryOf(pkg)}.`,
      );
    return { id: `${pkg.name}@${pkg.version}`, license: pkg.license ?? "see below", texts };
  })
  // Two copies of one version (nested in two places) are one notice.
  .filter((notice, i, all) => all.findIndex((other) => other.id === notice.id) === i)
  .sort((a, b) => (a.id < b.id ? -1 : 1));
writeFileSync(
  "dist/bundle/THIRD-PARTY-NOTICES.txt",
  [
    `azfn-health bundles the following ${notices.length} packages. Their licences follow.\n`,
    ...notices.map((n) => `${"=".repeat(78)}\n${n.id} (${n.license})\n\n${n.texts.join("\n\n")}\n`),
  ].join("\n"),
);
