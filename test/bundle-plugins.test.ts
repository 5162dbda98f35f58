import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { START_UP_PLUGINS } from "../scripts/bundle-plugins.mjs";
import { ROOT } from "./helpers.js";

/**
 * The bundle's start-up plugins (issue #19) change when code runs, never what it does: each is
 * built here into a small program, as scripts/bundle.mjs builds the CLI, and run in a fresh Node.
 * `loaded(name)` tells whether Node has loaded one of its own modules so far.
 */
async function runBundled(source: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "azfn-plugins-"));
  writeFileSync(join(dir, "entry.mjs"), source);
  await build({
    entryPoints: [join(dir, "entry.mjs")],
    outfile: join(dir, "out.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    nodePaths: [join(ROOT, "node_modules")],
    plugins: START_UP_PLUGINS,
    banner: {
      js:
        "import { createRequire as __azfnCreateRequire } from 'node:module'; const require = __azfnCreateRequire(import.meta.url);" +
        "const loaded = (name) => process.moduleLoadList.includes(`NativeModule ${name}`);",
    },
    logLevel: "silent",
  });
  const run = spawnSync(process.execPath, [join(dir, "out.mjs")], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe("the bundle's start-up plugins", () => {
  it("a builtin imported as an ES module is what require gives, and loads no undici for node:http", async () => {
    const result = await runBundled(`
      import http from "node:http";
      import { readFileSync } from "node:fs";
      import * as path from "node:path";
      const sameHttp = http === require("node:http");
      const promises = await import("node:fs/promises");
      if (typeof promises.appendFile !== "function") throw new Error("import() of a builtin lost its names");
      console.log(JSON.stringify({ sameHttp, read: typeof readFileSync, join: path.join("a", "b"), undici: loaded("internal/deps/undici/undici") }));
    `);
    expect(result).toEqual({ sameHttp: true, read: "function", join: "a/b", undici: false });
  });

  it("zlib loads on its first use, and then works as zlib", async () => {
    const result = await runBundled(`
      import zlib from "node:zlib";
      const before = loaded("zlib");
      const text = zlib.gunzipSync(zlib.gzipSync("azfn")).toString();
      const stream = zlib.createGunzip();
      console.log(JSON.stringify({ before, after: loaded("zlib"), text, stream: typeof stream.pipe, constant: zlib.constants.Z_OK }));
    `);
    expect(result).toEqual({ before: false, after: true, text: "azfn", stream: "function", constant: 0 });
  });

  it("the HTTP runtime still turns a FormData body into form fields, and a JSON body loads no undici", async () => {
    const result = await runBundled(`
      import { createHttpHeaders, createPipelineRequest, formDataPolicy } from "@azure/core-rest-pipeline";
      const send = (body) => {
        const request = createPipelineRequest({ url: "https://example.invalid", method: "POST", body, headers: createHttpHeaders() });
        return formDataPolicy().sendRequest(request, async (r) => ({ request: r, status: 200, headers: createHttpHeaders() }));
      };
      const json = await send(JSON.stringify({ a: 1 }));
      const afterJson = loaded("internal/deps/undici/undici");
      const form = new FormData();
      form.append("field", "value");
      const sent = await send(form);
      console.log(JSON.stringify({ jsonBody: json.request.body, afterJson, formBody: sent.request.body === undefined, multipart: sent.request.multipartBody !== undefined || sent.request.headers.get("content-type") }));
    `);
    expect(result).toEqual({ jsonBody: '{"a":1}', afterJson: false, formBody: true, multipart: true });
  });

  it("string-width measures as before, and builds nothing until it is called", async () => {
    const result = await runBundled(`
      import stringWidth from "string-width";
      const segmenters = [];
      const Real = Intl.Segmenter;
      Intl.Segmenter = class extends Real { constructor(...args) { super(...args); segmenters.push(1); } };
      const before = segmenters.length;
      const widths = ["abc", "日本", "\\u001b[31mred\\u001b[39m", "👍"].map((s) => stringWidth(s));
      console.log(JSON.stringify({ before, after: segmenters.length > 0, widths }));
    `);
    expect(result).toEqual({ before: 0, after: true, widths: [3, 4, 3, 2] });
  });
});
