import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HEALTHY, ROOT, runCli } from "./helpers.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Recording } from "../src/collect/recording.js";

/** An authority on 127.0.0.1 that accepts TCP and never says a word (not even the TLS handshake). */
async function silentAuthority() {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

let authority: Awaited<ReturnType<typeof silentAuthority>> | undefined;
afterEach(async () => {
  await authority?.close();
  authority = undefined;
});

const apps = (JSON.parse(readFileSync(join(ROOT, HEALTHY, "recording.json"), "utf8")) as Recording).apps;

describe("--timeout bounds sign-in", () => {
  it("an authority that never answers: INCONCLUSIVE (exit 3) naming the token it waited for", async () => {
    authority = await silentAuthority();
    const started = Date.now();
    const run = await runCli(
      [
        "check",
        "--qa",
        apps.qa,
        "--prod",
        apps.prod,
        "--auth",
        "environment",
        "--timeout",
        "3",
        // Never reached: no token, no request. A closed port on 127.0.0.1 all the same.
        "--arm-endpoint",
        "https://127.0.0.1:9",
        "--logs-endpoint",
        "https://127.0.0.1:9",
        "--format",
        "json",
      ],
      {
        AZURE_TENANT_ID: "azfn-test-tenant",
        AZURE_CLIENT_ID: "azfn-test-client",
        AZURE_CLIENT_SECRET: "TEST-SECRET-never-sent-anywhere-real",
        AZURE_AUTHORITY_HOST: authority.url,
      },
    );
    // The measured end, for the record (the bound itself is not a timed assertion here).
    console.log(
      `sign-in timeout: check --timeout 3 ended after ${Date.now() - started} ms (exit ${run.code})`,
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "azfn-health: --timeout (3 s) ran out waiting for sign-in (token for https://management.azure.com/.default); nothing was read\n",
    );
    expect(run.stderr).not.toContain("TEST-SECRET");
    // It did try the authority: the wait was real.
    expect(authority.sockets.length).toBeGreaterThan(0);
  });
});
