import type { BaselineMode } from "../core/windows.js";
import type { AuthMode } from "../collect/credentials.js";
import type { CloudName } from "../core/clouds.js";
import type { FailOn } from "../core/exit-codes.js";
import type { CI_CHOICES } from "../report/ci-choices.js";
import type { Format } from "../report/index.js";

/** Options shared by `check` and `record`: which apps, and how to reach Azure. */
export interface AccessArgs {
  qa?: string;
  prod?: string;
  from?: string;
  cloud: CloudName;
  armEndpoint?: string;
  logsEndpoint?: string;
  metricsEndpoint?: string;
  auth: AuthMode;
  tenant?: string;
  timeout: number;
  requestTimeout: number;
  until?: string;
  config?: string;
  quiet?: boolean;
  verbose?: boolean;
  qaAppInsights?: string;
  prodAppInsights?: string;
}

export interface CheckArgs extends AccessArgs {
  ci: (typeof CI_CHOICES)[number];
  since?: string;
  settle: number;
  baseline: BaselineMode;
  format: Format;
  failOn: FailOn;
  record?: string;
  out?: string;
  ledger?: string;
  servicenowChange?: string;
  servicenowClose?: boolean;
  servicenowDryRun?: boolean;
  watch?: string;
  interval: string;
  failureLimit: number;
}
