#!/usr/bin/env node
// Bundles the CLI into dist/bundle: one entry plus lazily loaded chunks (the Azure SDKs load only
// when a live check runs). The published package is this bundle: every library it holds is a
// devDependency, so `npm install azfn-health` downloads one tarball and runs no install script.
// The bundled libraries' licences travel with it in dist/bundle/THIRD-PARTY-NOTICES.txt, written
// here from esbuild's own list of the files it bundled (its metafile).
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { BANNER, START_UP_PLUGINS } from "./bundle-plugins.mjs";

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
  // Start-up cost a run does not need (issue #19): see bundle-plugins.mjs.
  plugins: START_UP_PLUGINS,
  banner: { js: BANNER },
  logLevel: "warning",
});

// esbuild has the entry import the chunk of its own helpers (__require, __toESM, ...) although
// bin.js calls none of them. That chunk's first line builds a require, which loads Node's `module`
// and its source-map code: ~3 ms of every --help and --version, whose fast path is meant to load
// nothing (issue #19). The chunk defines functions and nothing else, and every chunk that calls one
// imports it by name, so the entry's bare import of it goes.
const helperImports = Object.entries(metafile.outputs)
  .filter(([, output]) => Object.keys(output.inputs).length === 0 && output.imports.length === 0)
  .filter(([, output]) => output.exports.length > 0 && output.exports.every((name) => name.startsWith("__")))
  .map(([path]) => `import "./${path.split("/").pop()}";\n`);

// The banner makes a require for the chunk (a path lookup each): a chunk that calls none goes without.
for (const file of readdirSync("dist/bundle").filter((name) => name.endsWith(".js"))) {
  const text = readFileSync(join("dist/bundle", file), "utf8");
  let edited = text.replace(`${BANNER}\n`, "");
  if (/\brequire\b/.test(edited)) edited = text;
  if (file === "bin.js") for (const line of helperImports) edited = edited.replace(line, "");
  if (edited !== text) writeFileSync(join("dist/bundle", file), edited);
}

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
