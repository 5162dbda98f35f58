import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { BANNER, START_UP_PLUGINS } from "../scripts/bundle-plugins.mjs";
import { decoyWorkingDirectory, ROOT } from "./helpers.js";

/**
 * The bundle's start-up plugins (issue #19) change when code runs, never what it does: each is
 * built here into a small program, as scripts/bundle.mjs builds the CLI, and run in a fresh Node.
 * `loaded(name)` tells whether Node has loaded one of its own modules so far. The program sits
 * where the CLI's chunks do, in dist/bundle/ under a package of its own (version 1.2.3), and runs
 * in `cwd` when given.
 */
async function runBundled(source: string, cwd?: string): Promise<unknown> {
  // Named with a dot, as a clean clone in mktemp's directory is: yargs once took such a name for a file's.
  const dir = mkdtempSync(join(tmpdir(), "azfn.plugins-"));
  writeFileSync(join(dir, "entry.mjs"), source);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bundled", version: "1.2.3" }));
  mkdirSync(join(dir, "dist/bundle"), { recursive: true });
  await build({
    entryPoints: [join(dir, "entry.mjs")],
    outfile: join(dir, "dist/bundle/out.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    nodePaths: [join(ROOT, "node_modules")],
    plugins: START_UP_PLUGINS,
    banner: {
      js: BANNER + "const loaded = (name) => process.moduleLoadList.includes(`NativeModule ${name}`);",
    },
    logLevel: "silent",
  });
  const run = spawnSync(process.execPath, [join(dir, "dist/bundle/out.mjs")], { encoding: "utf8", cwd });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe("the bundle's start-up plugins", () => {
  it("a builtin imported as an ES module is what require gives, and loads no undici or worker_threads", async () => {
    const result = await runBundled(`
      import { readFileSync } from "node:fs";
      import * as path from "node:path";
      import events from "node:events";
      import { format } from "node:util";
      const formatted = format("%s=%d", "a", 1);
      const sameFs = readFileSync === require("node:fs").readFileSync;
      const promises = await import("node:fs/promises");
      if (typeof promises.appendFile !== "function") throw new Error("import() of a builtin lost its names");
      console.log(JSON.stringify({ sameFs, join: path.join("a", "b"), events: events === require("node:events"), undici: loaded("internal/deps/undici/undici"), formatted, worker: loaded("worker_threads") }));
    `);
    expect(result).toEqual({
      sameFs: true,
      join: "a/b",
      events: true,
      undici: false,
      formatted: "a=1",
      worker: false,
    });
  });

  it("the builtins a replay never calls load on their first use, and then read and write through", async () => {
    const result = await runBundled(`
      import http, { STATUS_CODES } from "node:http";
      import * as https from "node:https";
      import zlib from "node:zlib";
      import { randomUUID } from "node:crypto";
      import os from "node:os";
      import { execFileSync } from "node:child_process";
      const names = ["http", "https", "zlib", "crypto", "os", "child_process"];
      const before = names.filter(loaded);
      const text = zlib.gunzipSync(zlib.gzipSync("azfn")).toString();
      const stream = zlib.createGunzip();
      const agent = new https.Agent({ keepAlive: false });
      http.maxHeaderSize; // a read loads it
      os.azfnMark = 1; // a write goes through to the real module
      const wrote = require("node:os").azfnMark === 1;
      delete require("node:os").azfnMark;
      const uuid = /^[0-9a-f-]{36}$/.test(randomUUID());
      const exec = execFileSync === require("node:child_process").execFileSync;
      console.log(JSON.stringify({
        before, after: names.filter(loaded),
        text, stream: typeof stream.pipe, constant: zlib.constants.Z_OK,
        status: STATUS_CODES[404], agent: agent instanceof require("node:https").Agent,
        uuid, exec, keys: Object.keys(http).includes("request"), wrote,
      }));
    `);
    expect(result).toEqual({
      before: [],
      after: ["http", "https", "zlib", "crypto", "os", "child_process"],
      text: "azfn",
      stream: "function",
      constant: 0,
      status: "Not Found",
      agent: true,
      uuid: true,
      exec: true,
      keys: true,
      wrote: true,
    });
  });

  it("the proxy agents load on the first construction, and are the real agents", async () => {
    const result = await runBundled(`
      import { HttpsProxyAgent } from "https-proxy-agent";
      import { HttpProxyAgent } from "http-proxy-agent";
      const before = ["http", "https", "net", "tls", "tty"].filter(loaded);
      const https = new HttpsProxyAgent("http://127.0.0.1:3128");
      const http = new HttpProxyAgent("http://127.0.0.1:3128");
      console.log(JSON.stringify({ before, https: typeof https.connect, http: typeof http.connect, real: https.constructor !== HttpsProxyAgent, proxy: https.proxy.port, after: loaded("https") }));
    `);
    expect(result).toEqual({
      before: [],
      https: "function",
      http: "function",
      real: true,
      proxy: "3128",
      after: true,
    });
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

  it("the HTTP runtime still sends a web ReadableStream body as a stream, and a JSON body loads no web streams", async () => {
    const result = await runBundled(`
      import { getClient } from "@azure-rest/core-client";
      import { createHttpHeaders } from "@azure/core-rest-pipeline";
      const sent = [];
      const httpClient = { sendRequest: async (request) => (sent.push(request.body), { request, status: 200, bodyAsText: "{}", headers: createHttpHeaders({ "content-type": "application/json" }) }) };
      const client = getClient("https://example.invalid", { httpClient });
      await client.path("/query").post({ body: { query: "requests | take 1" } });
      const afterJson = loaded("internal/webstreams/readablestream");
      const stream = new ReadableStream({ start(controller) { controller.enqueue(new Uint8Array([1])); controller.close(); } });
      await client.path("/upload").post({ body: stream, contentType: "application/octet-stream" });
      console.log(JSON.stringify({ json: sent[0], afterJson, streamSentAsIs: sent[1] === stream }));
    `);
    expect(result).toEqual({ json: '{"query":"requests | take 1"}', afterJson: false, streamSentAsIs: true });
  });

  it("the HTTP runtime takes the shape check's parse for the same text, and parses any other", async () => {
    const result = await runBundled(`
      import { getClient } from "@azure-rest/core-client";
      import { createHttpHeaders } from "@azure/core-rest-pipeline";
      const text = '{"a":1}';
      const httpClient = { sendRequest: async (request) => ({ request, status: 200, bodyAsText: text, headers: createHttpHeaders({ "content-type": "application/json" }) }) };
      const checked = { checked: true };
      const bodyWhenLeft = async (leftFor) => {
        const leave = { name: "leave", sendRequest: async (request, next) => {
          const response = await next(request);
          response[Symbol.for("azfn-health.parsedBody")] = { text: leftFor, body: checked };
          return response;
        } };
        const client = getClient("https://example.invalid", { httpClient, additionalPolicies: [{ policy: leave, position: "perCall" }] });
        return (await client.path("/x").get()).body;
      };
      const same = await bodyWhenLeft(text);
      const other = await bodyWhenLeft('{"a":2}');
      console.log(JSON.stringify({ taken: same === checked, other }));
    `);
    expect(result).toEqual({ taken: true, other: { a: 1 } });
  });

  it("yargs checks as before, loading assert only to throw its error, and builds stdout only when asked its width", async () => {
    const result = await runBundled(`
      import yargs from "yargs";
      import shim from ${JSON.stringify(join(ROOT, "node_modules/yargs/lib/platform-shims/esm.mjs"))};
      const parsed = await yargs(["--fail-on", "never"]).option("fail-on", { type: "string", describe: "when" }).alias("f", "fail-on").parseAsync();
      const before = { assert: loaded("assert"), net: loaded("net") };
      // Object.is, as assert's: NaN equals NaN, 0 and -0 differ.
      const passes = [() => shim.assert.strictEqual(NaN, NaN), () => shim.assert.notStrictEqual(0, -0), () => shim.assert.strictEqual("a", "a")];
      passes.forEach((check) => check());
      const stillUnloaded = !loaded("assert");
      const failures = [() => shim.assert.strictEqual("number", "string"), () => shim.assert.notStrictEqual(1, 1, "one")].map((check) => {
        try { check(); return "passed"; } catch (e) { return [e.name, e.code, e.message.split("\\n")[0]]; }
      });
      const width = yargs([]).terminalWidth();
      console.log(JSON.stringify({ failOn: parsed["fail-on"], before, stillUnloaded, failures, width, netAfter: loaded("net") }));
    `);
    expect(result).toEqual({
      failOn: "never",
      before: { assert: false, net: false },
      stillUnloaded: true,
      failures: [
        ["AssertionError", "ERR_ASSERTION", "Expected values to be strictly equal:"],
        ["AssertionError", "ERR_ASSERTION", "one"],
      ],
      width: null,
      netAfter: true,
    });
  });

  it("yargs guesses its version from the bundle's own package, never from the working directory's", async () => {
    // A directory named with a dot, whose package.json yargs would have taken (or, for the dot,
    // walked past to its parent's, up to the root, loading assert to throw when it found none).
    const snippet = `
      import yargs from "yargs";
      const printed = [];
      const log = console.log;
      console.log = (...args) => printed.push(args.join(" "));
      await yargs(["--version"]).exitProcess(false).parseAsync();
      console.log = log;
      console.log(JSON.stringify({ version: printed[0], assert: loaded("assert") }));
    `;
    for (const name of ["azfn-cwd-", "azfn.cwd-"])
      expect(await runBundled(snippet, decoyWorkingDirectory(name)), name).toEqual({
        version: "1.2.3",
        assert: false,
      });
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
