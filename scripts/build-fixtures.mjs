#!/usr/bin/env node
// Builds the bundled recordings in fixtures/. They are CONSTRUCTED, not captured: every body
// follows the documented REST shapes (azure-rest-api-specs examples GetWebApp, GetSiteConfig,
// ListAppSettings, GetAppServicePlan, GetFunctionAppStacks; azure-functions-host HostStatus.cs),
// at the URLs and api-versions the SDK really sends. Secret-looking values are obvious
// TEST-SECRET markers, so tests can prove none of them reaches any output.
// Run: npm run fixtures (it runs our own collector, so it needs the build).
//
// scripts/fixtures/: bodies.mjs (the Resource Manager bodies and the writer), metrics.mjs (Azure
// Monitor and Log Analytics answers, captured by running the collector), kinds.mjs (what the other
// kinds of app share), and one file per scenario, each exporting build().
import { build as story } from "./fixtures/story-32bit-upgrade.mjs";
import { build as healthyUpgrade } from "./fixtures/healthy-upgrade.mjs";
import { build as healthyLinuxPython } from "./fixtures/healthy-linux-python.mjs";
import { build as healthyFlexConsumption } from "./fixtures/healthy-flex-consumption.mjs";
import { build as slotSwapRelease } from "./fixtures/slot-swap-release.mjs";

for (const build of [story, healthyUpgrade, healthyLinuxPython, healthyFlexConsumption, slotSwapRelease])
  await build();
