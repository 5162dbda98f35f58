import type { CheckRequest } from "../check.js";
import type { LoadedConfig } from "../config/load.js";
import { UsageError } from "../core/errors.js";
import { parseSince } from "../core/time.js";
import type { PreflightRequest } from "../preflight.js";
import type { AccessArgs, CheckArgs } from "./args.js";
import type { Session } from "./session.js";

/**
 * What `check` and `check --watch` ask of Azure, from their flags and the configuration: one
 * place, so both refuse the same input (--since beyond the metrics' retention, a negative
 * --settle, a malformed component ID) and judge with the same policy.
 */
export function checkRequestOf(args: CheckArgs, session: Session, loaded?: LoadedConfig): CheckRequest {
  const since = args.since ? releaseTime(args.since, session.now, args.until) : undefined;
  if (!(args.settle >= 0)) throw new UsageError(`--settle: expected minutes (0 or more), got ${args.settle}`);
  return {
    ...preflightRequestOf(args, session, loaded),
    since,
    metrics: { settleMinutes: args.settle, baseline: args.baseline },
  };
}

/** What `preflight` asks: the apps and the configuration rules, no release time and no metrics. */
export function preflightRequestOf(
  args: AccessArgs,
  session: Session,
  loaded?: LoadedConfig,
): PreflightRequest {
  return {
    ...session.apps,
    now: session.now,
    access: session.access,
    hashKey: session.hashKey,
    appInsights: {
      qa: componentId("--qa-app-insights", args.qaAppInsights),
      prod: componentId("--prod-app-insights", args.prodAppInsights),
    },
    ...policyOf(loaded),
  };
}

/** Azure Monitor keeps platform metrics 93 days: an older release cannot be judged from them. */
// https://learn.microsoft.com/azure/azure-monitor/essentials/data-platform-metrics#retention-of-metrics
const METRIC_RETENTION_DAYS = 93;

/** --since as a time no later than the check's clock and within the metrics' reach. */
function releaseTime(text: string, now: Date, until?: string): Date {
  let since: Date;
  try {
    since = parseSince(text, now);
  } catch (error) {
    if (until && /in the future/.test((error as Error).message))
      throw new UsageError(`--until ${until} is before the release (--since ${text}): judge a time after it`);
    throw error;
  }
  if (now.getTime() - since.getTime() > METRIC_RETENTION_DAYS * 86_400_000)
    throw new UsageError(
      `--since: ${text} is more than ${METRIC_RETENTION_DAYS} days before ${now.toISOString()}: Azure ` +
        `Monitor keeps ${METRIC_RETENTION_DAYS} days of metrics, so that release cannot be judged`,
    );
  return since;
}

function componentId(flag: string, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i.test(
      id,
    )
  ) {
    throw new UsageError(
      `${flag}: not an Application Insights component resource ID: expected ` +
        `/subscriptions/<guid>/resourceGroups/<rg>/providers/microsoft.insights/components/<name>`,
    );
  }
  return id;
}

/** Severities, ignores (with their reasons) and metric thresholds from the configuration. */
function policyOf(loaded?: LoadedConfig) {
  const rules = loaded?.config.rules ?? {};
  const level = (rule: (typeof rules)[string]) => (typeof rule === "string" ? rule : rule.severity);
  const policy = {
    severities: Object.fromEntries(
      Object.entries(rules).flatMap(([id, rule]) => {
        const severity = level(rule);
        return severity && severity !== "report-only" ? [[id.toUpperCase(), severity]] : [];
      }),
    ),
    reportOnly: Object.entries(rules)
      .filter(([, rule]) => level(rule) === "report-only")
      .map(([id]) => id.toUpperCase()),
    ignores: Object.entries(rules).flatMap(([id, rule]) =>
      typeof rule !== "string" && rule.ignore
        ? [{ ruleId: id.toUpperCase(), environment: rule.environment, reason: rule.ignore }]
        : [],
    ),
  };
  return { policy, thresholds: loaded?.config.metrics?.thresholds };
}
