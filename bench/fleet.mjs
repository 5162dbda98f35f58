// `azfn-health fleet` against the local Resource Graph + Resource Manager stand-in serving a generated
// tenant (test/support/fleet-tenant.mjs), 200 ms added to every response. Targets (issue #21): 1,000
// apps in at most 30 requests for the inventory and 10 s wall; 5,000 apps grow the time sublinearly.
// Reported, never enforced: a shared machine is no place for timing assertions.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startStandIn, standInEnv } from "../test/support/azure-stand-in.mjs";
import { fleetArgs, generateTenant, tenantRoutes } from "../test/support/fleet-tenant.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}/dist/bundle/bin.js`;

/** A tenant of exactly `apps` Function Apps (slots included), plus its web apps. */
function tenantOf(apps) {
  const tenant = generateTenant({ seed: 21, units: Math.ceil(apps / 1.2) });
  const functions = tenant.rows.filter((r) => r.kind.includes("functionapp")).slice(0, apps);
  tenant.rows = [...functions, ...tenant.rows.filter((r) => !r.kind.includes("functionapp"))];
  return tenant;
}

async function run(tenant, latencyMs, extra = []) {
  const routes = tenantRoutes(tenant);
  const standIn = await startStandIn({ recording: { exchanges: [] }, routes: routes.route, latencyMs });
  const start = process.hrtime.bigint();
  const code = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, ...fleetArgs(standIn.url, "--format", "json", "--fail-on", "never", ...extra)],
      { cwd: ROOT, stdio: "ignore", env: { PATH: process.env.PATH, NO_COLOR: "1", ...standInEnv(standIn) } },
    );
    child.on("error", reject);
    child.on("close", resolve);
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await standIn.close();
  if (code !== 0) throw new Error(`fleet exited ${code}`);
  return {
    ms,
    queries: routes.counters.queries,
    settings: routes.counters.settings,
    requests: standIn.state.requests.length,
  };
}

export async function benchFleet({ latencyMs = 200 } = {}) {
  const rows = [];
  for (const apps of [1000, 5000]) {
    const tenant = tenantOf(apps);
    for (const latency of [0, latencyMs]) {
      const r = await run(tenant, latency);
      rows.push({
        apps,
        "added latency ms": latency,
        "inventory requests": r.queries,
        "all requests": r.requests,
        "wall ms": r.ms.toFixed(0),
      });
    }
  }
  const settings = await run(tenantOf(1000), latencyMs, ["--read-settings"]);
  console.log(
    `\nfleet against the local Resource Graph stand-in (generated tenant, web apps included and left out)`,
  );
  console.table(rows);
  const [small, large] = [rows[1], rows[3]];
  const ok = small["inventory requests"] <= 30 && Number(small["wall ms"]) <= 10_000;
  const growth = Number(large["wall ms"]) / Number(small["wall ms"]);
  console.log(
    `1,000 apps: ${small["inventory requests"]} inventory request(s), ${small["wall ms"]} ms with ${latencyMs} ms per response ` +
      `(${ok ? "ok" : "OVER"}, targets <= 30 requests and <= 10 s); 5,000 apps take ${growth.toFixed(2)}x the time of 1,000 ` +
      `(${growth < 5 ? "sublinear" : "NOT sublinear"}); with --read-settings, 1,000 apps: ${settings.settings} settings reads, ${settings.ms.toFixed(0)} ms`,
  );
  return { rows, ok: ok && growth < 5, settings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchFleet();
