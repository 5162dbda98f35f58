/**
 * A plan's steps as data: what each step is (`kind`), which findings and fixes it carries out
 * (`ruleIds`, `fixIds`), and the command it runs or names. Every sentence a step says is worded
 * here, once; reports, the bundle's plan.sh, the ledger and ServiceNow render steps by kind and
 * never read the words back (README "Reports", docs/report-schema.md).
 */

/**
 * - `change`: one change of a hotfix (findings that share a fix share it); its `command` steps follow.
 * - `command`: a command to run now, part of the `change` or `way-back` step before it.
 * - `check-again`: run azfn-health again once the changes are made (`command`).
 * - `way-back`: how production gets back to the build it ran before (`id`: `swap-back`, `redeploy`,
 *   `pipeline`); a `command` step follows when there is one.
 * - `rebuild`: a fix only a new build gives, to make before releasing again.
 * - `after-build`: a command for once that new build is deployed: never to run now (`command`).
 * - `plan-fix`: a warning's fix to plan with a later release (MONITOR): nothing to run now.
 * - `advice`: what a person does when no plan can be derived (`id`: `malformed-answer`,
 *   `grant-access`, `grant-access-or-roll-back`, `watch-longer`).
 */
export type StepKind =
  "change" | "command" | "check-again" | "way-back" | "rebuild" | "after-build" | "plan-fix" | "advice";

export interface PlanStep {
  kind: StepKind;
  /** The step in words (a `command` step: the command itself), without a shell's `#`. */
  text: string;
  /** The command a `command`, `check-again` or `after-build` step runs or names: the end of `text`. */
  command?: string;
  /** The findings' rules the step acts on (`change`, `rebuild`, `after-build`, `plan-fix`, and a change's commands). */
  ruleIds?: string[];
  /** The fixes (`Finding.fix.id`) the step carries out. */
  fixIds?: string[];
  /** Which `way-back` or `advice` it is. */
  id?: string;
}

/**
 * When the decision is read: after the release (`check`), or before the deploy (`preflight`):
 * nothing is deployed yet, so no "roll back instead", and the re-run is a preflight. The wording
 * for each moment lives here, so no caller edits these sentences.
 */
export type Moment = "check" | "preflight";

type Ids = Pick<PlanStep, "ruleIds" | "fixIds">;

export type Advice = "malformed-answer" | "grant-access" | "grant-access-or-roll-back" | "watch-longer";

const ADVICE: Record<Advice, (args: Record<string, string>) => string> = {
  "malformed-answer": () =>
    "Run the check again; if the answer stays malformed, look for a proxy or gateway between this host and Azure.",
  "grant-access": () =>
    "Give the identity the missing read access (see the reasons above), or check the app in the portal, then run the check again.",
  "grant-access-or-roll-back": () =>
    "Give the identity the missing read access (see the reasons above) or run the check again; " +
    "to end the outage first, roll back (see alternatives).",
  "watch-longer": ({ longer = "" }) =>
    `Watch longer (--watch${longer}), or wait for traffic and run the check again.`,
};

/** The steps a plan is made of, each with its words. */
export const step = {
  change: (ids: Ids & { ruleIds: string[] }, summary: string): PlanStep => ({
    kind: "change",
    text: `${ids.ruleIds.join(", ")}: ${summary}`,
    ...ids,
  }),
  command: (command: string, ids: Ids = {}): PlanStep => ({
    kind: "command",
    text: command,
    command,
    ...ids,
  }),
  checkAgain: (moment: Moment, command: string): PlanStep => ({
    kind: "check-again",
    text: `${moment === "preflight" ? "Then run the preflight again" : "Then check again"}: ${command}`,
    command,
  }),
  swapBack: (slot: string, time: string): PlanStep => ({
    kind: "way-back",
    id: "swap-back",
    text: `Slot ${slot} holds the build production ran before the swap of ${time}: swap it back.`,
  }),
  redeploy: (deployment: string, time: string | undefined, by: string | undefined): PlanStep => ({
    kind: "way-back",
    id: "redeploy",
    text:
      `Redeploy the package of deployment ${deployment} (${time ?? "time unknown"}${by ? `, by ${by}` : ""}), ` +
      "the last good one before the release.",
  }),
  redeployFromPipeline: (): PlanStep => ({
    kind: "way-back",
    id: "pipeline",
    text: "No earlier deployment is recorded on the app: redeploy the last known-good build from your pipeline.",
  }),
  rebuild: (ids: Ids & { ruleIds: string[] }, summary: string): PlanStep => ({
    kind: "rebuild",
    text: `Before releasing again, rebuild (${ids.ruleIds.join(", ")}): ${summary}`,
    ...ids,
  }),
  afterBuild: (command: string, ids: Ids): PlanStep => ({
    kind: "after-build",
    text: `after deploying the new build: ${command}`,
    command,
    ...ids,
  }),
  planFix: (ids: Ids & { ruleIds: string[] }, summary: string): PlanStep => ({
    kind: "plan-fix",
    text: `${ids.ruleIds.join(", ")}: ${summary}`,
    ...ids,
  }),
  advice: (id: Advice, args: Record<string, string> = {}): PlanStep => ({
    kind: "advice",
    id,
    text: ADVICE[id](args),
  }),
};

/** A step that runs something now: what a script executes and a headline counts. */
export const runsNow = (s: PlanStep): boolean => s.kind === "command";

/** The words before a step's command ("Then check again:"), when the step names one after its words. */
export function labelOf(s: PlanStep): string | undefined {
  if (s.kind === "command" || s.command === undefined || !s.text.endsWith(s.command)) return undefined;
  return s.text.slice(0, s.text.length - s.command.length).trimEnd();
}

/**
 * A step as one line of a shell script: a command as it is, anything else a comment (a command
 * for after a new build indented under its rebuild). `recommendation.steps` is these lines.
 */
export function scriptLine(s: PlanStep): string {
  if (runsNow(s)) return s.text;
  return s.kind === "after-build" ? `#   ${s.text}` : `# ${s.text}`;
}
