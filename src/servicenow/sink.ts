import { maskSecrets, stripControls } from "../core/scrub.js";
import type { Report } from "../report/model.js";
import type { Mark } from "../ledger/record.js";
import {
  CHANGE_NUMBER,
  httpsTransport,
  serviceNowClient,
  serviceNowSettings,
  type Transport,
} from "./client.js";
import { checkWorkNote, closeCodeFor, closeNotes, markWorkNote, type CloseMapping } from "./note.js";

export interface ServiceNowConfig {
  instance?: string;
  closeCodes?: CloseMapping;
}

export interface ChangeTicketInput {
  change: string;
  env: NodeJS.ProcessEnv;
  config?: ServiceNowConfig;
  dryRun?: boolean;
  /** Where lines go: stderr. Failures are one line; the check's verdict and exit code never change. */
  write: (text: string) => void;
  transport?: Transport;
  maxRetryAfterMs?: number;
  /** The check's --timeout: every call, retry and wait ends with it. Absent: DEFAULT_BUDGET_MS. */
  signal?: AbortSignal;
}

/** `ledger mark` has no --timeout: the ticket update is bounded all the same. */
const DEFAULT_BUDGET_MS = 60_000;

function open(input: ChangeTicketInput, write: (text: string) => void, signal: AbortSignal) {
  if (!CHANGE_NUMBER.test(input.change))
    throw new Error(
      `ServiceNow: ${JSON.stringify(stripControls(input.change.slice(0, 40)))} is not a change number (CHG followed by digits)`,
    );
  const settings = serviceNowSettings(input.env, input.config?.instance);
  return serviceNowClient(settings, {
    transport: input.transport ?? httpsTransport({ signal }),
    signal,
    ...(input.dryRun ? { dryRun: write } : {}),
    ...(input.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: input.maxRetryAfterMs } : {}),
  });
}

/** The ServiceNow credentials in the environment, each with its user: masked in every line written. */
function knownSecrets(env: NodeJS.ProcessEnv) {
  return [
    { secret: env.SERVICENOW_PASSWORD ?? "", user: env.SERVICENOW_USERNAME ?? "" },
    { secret: env.SERVICENOW_CLIENT_SECRET ?? "", user: env.SERVICENOW_CLIENT_ID ?? "" },
  ];
}

type Client = ReturnType<typeof serviceNowClient>;

async function guarded(
  input: ChangeTicketInput,
  run: (client: Client, write: (text: string) => void) => Promise<string>,
): Promise<boolean> {
  const known = knownSecrets(input.env);
  // Every line, the dry run's included, passes the one scrubber on its way out.
  const write = (text: string) => input.write(maskSecrets(text, known));
  const signal = input.signal ?? AbortSignal.timeout(DEFAULT_BUDGET_MS);
  try {
    const done = await run(open(input, write, signal), write);
    write(`azfn-health: ${done}\n`);
    return true;
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    write(`azfn-health: change ticket not updated: ${message}\n`);
    return false;
  }
}

/** After a check: the work note, report.html when there is one, and the close when asked and allowed. */
export function updateChangeAfterCheck(
  input: ChangeTicketInput & { report: Report; close?: boolean; reportHtml?: string; ledgerId?: string },
): Promise<boolean> {
  return guarded(input, async (client, write) => {
    if (input.dryRun)
      write(`azfn-health: --servicenow-dry-run: the requests for ${input.change}, not sent:\n`);
    const change = await client.findChange(input.change);
    const attached = input.reportHtml !== undefined ? "report.html" : undefined;
    await client.addWorkNote(
      change,
      checkWorkNote(input.report, {
        ...(attached ? { attached } : {}),
        ...(input.ledgerId ? { ledgerId: input.ledgerId } : {}),
      }),
    );
    if (input.reportHtml !== undefined)
      await client.attach(change, "report.html", input.reportHtml, "text/html");
    const done = [`work note added to ${input.change}`, ...(attached ? ["report.html attached"] : [])];
    if (input.close) {
      const code = closeCodeFor(input.report.verdict, input.config?.closeCodes);
      if (code) {
        await client.close(change, code, closeNotes(input.report));
        done.push(`closed (${code})`);
      } else done.push("not closed: an INCONCLUSIVE check never closes a change");
    }
    return `${input.dryRun ? "(dry run) " : ""}${done.join("; ")}`;
  });
}

/** After `ledger mark`: a work note with the person's judgment. */
export function noteMarkOnChange(
  input: ChangeTicketInput & { recordId: string; mark: Mark },
): Promise<boolean> {
  return guarded(input, async (client, write) => {
    if (input.dryRun)
      write(`azfn-health: --servicenow-dry-run: the requests for ${input.change}, not sent:\n`);
    const change = await client.findChange(input.change);
    await client.addWorkNote(change, markWorkNote(input.recordId, input.mark));
    return `${input.dryRun ? "(dry run) " : ""}work note added to ${input.change}`;
  });
}
