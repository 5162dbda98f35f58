import { UsageError } from "./errors.js";
import type { EnvironmentFacts } from "./facts.js";

export interface Release {
  time?: string;
  source: "--since" | "deployment" | "slot swap" | "site last modified" | "unknown";
  /**
   * Reads as a sentence after "from the" for a time that was found ("from the end of deployment …",
   * "from the site's last change …"), and on its own otherwise ("given with --since", "no … could be read").
   */
  detail: string;
}

/** Kudu's DeployStatus.Success. */
const DEPLOY_SUCCESS = 4;

/**
 * When production was released: `--since` if given, else the later of its latest successful
 * deployment and the last slot swap into it (a release through a staging slot deploys to the
 * slot, then swaps), else the site's last-modified time (which config changes also move).
 */
export function resolveRelease(prod: Pick<EnvironmentFacts, "site" | "deployments">, since?: Date): Release {
  if (since) return { time: since.toISOString(), source: "--since", detail: "given with --since" };
  const deployment = successfulDeployments(prod)[0];
  const swap = prod.site?.lastSwap;
  if (swap && (!deployment?.endTime || swap.time > deployment.endTime)) {
    return {
      time: swap.time,
      source: "slot swap",
      detail: `swap of slot ${swap.sourceSlot} into ${swap.destinationSlot}`,
    };
  }
  if (deployment?.endTime) {
    const who = deployment.author || deployment.deployer;
    return {
      time: deployment.endTime,
      source: "deployment",
      detail: `end of deployment ${deployment.id}${who ? ` by ${who}` : ""}`,
    };
  }
  if (prod.site?.lastModified) {
    return {
      time: prod.site.lastModified,
      source: "site last modified",
      detail:
        "site's last change, as no successful deployment is recorded; configuration changes move it too",
    };
  }
  return { source: "unknown", detail: "no deployment or modification time could be read" };
}

export function successfulDeployments(env: Pick<EnvironmentFacts, "deployments">) {
  return (env.deployments ?? []).filter((d) => d.status === DEPLOY_SUCCESS);
}

/**
 * `--until` ends the check's window: a release found after it (a deployment or swap later than the
 * time given) leaves nothing to judge, so it is bad input (exit 2), never a verdict with a "check
 * again" whose --since is after the --until.
 */
export function assertUntilAfterRelease(release: Release, until: string | undefined, now: Date): void {
  if (until === undefined || !release.time || new Date(release.time).getTime() <= now.getTime()) return;
  throw new UsageError(
    `--until ${until} (${now.toISOString()}) is before the release (${release.time}, from the ` +
      `${release.detail}): give a time after it`,
  );
}
