#!/usr/bin/env node
// Bundles the CLI into dist/bundle: one entry plus lazily loaded chunks (the Azure SDKs load only
// when a check runs). Node 20 has no compile cache, so loading hundreds of small module files is
// most of a cold start; a bundle removes most of that.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry hashes: without a clean start, old chunks would pile up.
rmSync("dist/bundle", { recursive: true, force: true });

await build({
  entryPoints: { bin: "src/cli/bin.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "linked",
  chunkNames: "[name]-[hash]",
  // A native module (a compiled .node file found at run time): it must stay in node_modules.
  external: ["better-sqlite3"],
  // arm-resourcegraph 4 (ms-rest-js) loads node-fetch's URL code, which requires Node's deprecated
  // punycode module (a DEP0040 warning on every run): the punycode package stands in for it.
  alias: { punycode: "punycode/" },
  // CommonJS dependencies inside an ESM bundle need a require of their own.
  banner: {
    js: "import { createRequire as __azfnCreateRequire } from 'node:module'; const require = __azfnCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
