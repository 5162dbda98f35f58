import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { AUTH_HINTS, signInFailure } from "../src/collect/credentials.js";
import { runCli } from "./helpers.js";

const APP =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Web/sites/app";
/** A live check whose Azure is a closed local port: sign-in is all that can happen. */
const signIn = (auth: string, env: NodeJS.ProcessEnv, timeout = "30") =>
  runCli(["check", "--qa", APP, "--prod", `${APP}-prod`, "--auth", auth, "--timeout", timeout], {
    HOME: mkdtempSync(join(tmpdir(), "azfn-home-")),
    AZURE_AUTHORITY_HOST: "https://127.0.0.1:9",
    AZFN_HEALTH_ARM_ENDPOINT: "https://127.0.0.1:9",
    ...env,
  });

/** One line, ending in one full stop or none: never "..", never a stack. */
function expectOneCleanLine(stderr: string) {
  expect(stderr.trimEnd().split("\n"), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\.\.(\s|$)/);
  expect(stderr).not.toMatch(/a bug|at .*\.js:\d+/);
}

describe("sign-in that guides", () => {
  it("--auth workload-identity without its variables: exit 3, naming each variable to set", async () => {
    const run = await signIn("workload-identity", { AZURE_CLIENT_ID: "" });
    expect(run.code).toBe(3);
    expectOneCleanLine(run.stderr);
    expect(run.stderr).toMatch(
      /--auth workload-identity: set AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE/,
    );
  });

  it("--auth workload-identity with a token file that is a FIFO nobody writes: refused before it is opened", async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "azfn-fifo-")), "token");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const run = await signIn("workload-identity", {
      AZURE_CLIENT_ID: "client",
      AZURE_TENANT_ID: "tenant",
      AZURE_FEDERATED_TOKEN_FILE: fifo,
    });
    expect(run.code).toBe(3);
    expectOneCleanLine(run.stderr);
    expect(run.stderr).toContain("AZURE_FEDERATED_TOKEN_FILE");
    expect(run.stderr).toContain("not a regular file");
  });

  it("--auth cli with no az on PATH: install the Azure CLI, or pick another --auth", async () => {
    // Only node's own directory: no az anywhere on PATH.
    const run = await signIn("cli", { PATH: dirname(process.execPath) });
    expect(run.code).toBe(3);
    expectOneCleanLine(run.stderr);
    expect(run.stderr).toContain("install the Azure CLI");
    expect(run.stderr).toContain("pick another --auth");
  });

  it("a managed-identity endpoint trickling one byte a second: --timeout ends the process", async () => {
    const server = createServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const trickle = setInterval(() => response.write(" "), 1000);
      request.socket.on("close", () => clearInterval(trickle));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      // App Service's managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER, here the stand-in.
      const run = await signIn(
        "managed-identity",
        { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: "header" },
        "2",
      );
      // The run ended by itself (the test's own timeout would fail it otherwise), with the verdict's code.
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/--timeout \(2 s\) ran out waiting for sign-in/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("the default chain's failure names what it tried and why each failed, in one line", () => {
    // The messages @azure/identity 4.13 gives on a machine with none of the chain's sources.
    const chain = new AggregateAuthenticationError(
      [
        "EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.",
        "ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details",
        "Visual Studio Code Authentication is not available. Ensure you have have Azure Resources Extension installed in VS Code.",
        "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
        "Error: Unable to execute PowerShell. Ensure that it is installed in your system.",
        "Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines.",
      ].map((message) => new CredentialUnavailableError(message)),
      "ChainedTokenCredential authentication failed.",
    );
    const line = signInFailure(chain, AUTH_HINTS.default);
    expectOneCleanLine(line);
    expect(line).toBe(
      "sign-in failed: tried environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate not set; " +
        "managed identity: Network unreachable; VS Code: not signed in; Azure CLI: not installed (no `az` on PATH); " +
        "Azure PowerShell: not installed; Azure Developer CLI: not installed. To fix: " +
        AUTH_HINTS.default,
    );
  });

  it("no message ends in '..', whatever punctuation the credential's own message carries", () => {
    const endings = ["", ".", "..", "...", ". To troubleshoot, visit https://aka.ms/x.", ".\nsecond line."];
    const starts = [
      "The token request was refused",
      "ManagedIdentityCredential: refused",
      "Error: it failed",
    ];
    for (const start of starts)
      for (const ending of endings) {
        const error = Object.assign(new Error(`${start}${ending}`), { name: "AuthenticationError" });
        expectOneCleanLine(signInFailure(error, "check the credential"));
      }
  });
});
