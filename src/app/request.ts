import type { LoadedConfig } from "../config/load.js";
import { UsageError } from "../core/errors.js";
import { parseSince } from "../core/time.js";

/** Azure Monitor keeps platform metrics 93 days: an older release cannot be judged from them. */
// https://learn.microsoft.com/azure/azure-monitor/essentials/data-platform-metrics#retention-of-metrics
const METRIC_RETENTION_DAYS = 93;

/** --since as a time no later than the check's clock and within the metrics' reach. */
export function releaseTime(text: string, now: Date, until?: string): Date {
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

export function componentId(flag: string, id: string | undefined): string | undefined {
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
export function policyOf(loaded?: LoadedConfig) {
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
