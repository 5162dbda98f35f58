import { createHmac } from "node:crypto";
import type { SettingFact } from "../core/facts.js";

/**
 * App-setting and connection-string values are secrets by default. Only these keep their
 * value, and only when it has the shape the setting documents: a secret pasted into the
 * wrong setting still never leaves the process.
 * https://learn.microsoft.com/azure/azure-functions/functions-app-settings
 */
const NON_SECRET_SETTINGS: Record<string, RegExp> = {
  FUNCTIONS_EXTENSION_VERSION: /^(~\d+|\d+(\.\d+){0,3}|\d+\.\*)$/,
  FUNCTIONS_WORKER_RUNTIME: /^[a-z-]{0,32}$/i,
  FUNCTIONS_WORKER_RUNTIME_VERSION: /^[\w.~-]{0,16}$/,
  FUNCTIONS_INPROC_NET8_ENABLED: /^[01]$|^(true|false)$/i,
  WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: /^[01]$/,
  WEBSITE_RUN_FROM_PACKAGE: /^[01]$/,
  WEBSITE_NODE_DEFAULT_VERSION: /^~?\d+(\.\d+){0,2}$/,
  FUNCTIONS_V2_COMPATIBILITY_MODE: /^(true|false|[01])$/i,
  WEBSITE_OVERRIDE_STICKY_EXTENSION_VERSIONS: /^[01]$/,
  FUNCTIONS_HOSTID_CHECK_LEVEL: /^(Warning|Error)$/i,
  AzureWebJobsFeatureFlags: /^[\w,]{0,200}$/,
  AzureFunctionsWebHost__hostid: /^[a-z0-9-]{1,40}$/i,
  AzureWebJobsStorage__accountName: /^[a-z0-9]{3,24}$/,
};

export function isNonSecretSetting(name: string): boolean {
  return Object.keys(NON_SECRET_SETTINGS).some((key) => key.toLowerCase() === name.toLowerCase());
}

/** A value already redacted by `azfn-health record`: the facts survive, the secret does not. */
const REDACTED = /^azfn-health:redacted:([0-9a-f]{12})((?:;[a-z]+=[^;]*)*)$/;

export interface Redactor {
  (name: string, value: string): SettingFact;
}

/**
 * Builds the redactor for one check. The hash is keyed with a per-run key, so a hash tells
 * QA and prod apart within a report but cannot be brute-forced offline later.
 */
export function createRedactor(hashKey: Uint8Array): Redactor {
  return (name, value) => {
    const recorded = REDACTED.exec(value);
    if (recorded) return fromRecorded(recorded[1]!, recorded[2] ?? "");
    const fact: SettingFact = {
      hash: createHmac("sha256", hashKey).update(value).digest("hex").slice(0, 12),
    };
    const shape = Object.entries(NON_SECRET_SETTINGS).find(
      ([key]) => key.toLowerCase() === name.toLowerCase(),
    )?.[1];
    if (shape?.test(value)) fact.value = value;
    const account =
      /__accountName$/i.test(name) && /^[a-z0-9]{3,24}$/.test(value) ? value : storageAccountOf(value);
    if (account) fact.storageAccount = account;
    if (/^WEBSITE_RUN_FROM_PACKAGE$/i.test(name) && /^https?:\/\//i.test(value))
      fact.packageUrl = packageUrlFacts(value);
    return fact;
  };
}

/** The marker `record` writes in place of a secret value; `createRedactor` reads it back. */
export function redactedMarker(fact: SettingFact): string {
  const parts = [`azfn-health:redacted:${fact.hash}`];
  if (fact.storageAccount) parts.push(`account=${fact.storageAccount}`);
  if (fact.packageUrl) parts.push(`se=${fact.packageUrl.sasExpiry ?? ""}`);
  return parts.join(";");
}

function fromRecorded(hash: string, attributes: string): SettingFact {
  const fact: SettingFact = { hash };
  for (const pair of attributes.split(";").filter(Boolean)) {
    const [key, value = ""] = pair.split("=");
    if (key === "account" && /^[a-z0-9]{3,24}$/.test(value)) fact.storageAccount = value;
    if (key === "se") fact.packageUrl = value ? { sasExpiry: value } : {};
  }
  return fact;
}

/** The storage account a connection string or service URI names: not a secret, and needed to spot sharing. */
function storageAccountOf(value: string): string | undefined {
  const named = /(?:^|;)\s*AccountName=([a-z0-9]{3,24})\s*(?:;|$)/i.exec(value);
  if (named) return named[1]!.toLowerCase();
  const uri = /^https:\/\/([a-z0-9]{3,24})\.(?:blob|queue|table|file)\.core\./i.exec(value);
  if (uri) return uri[1]!.toLowerCase();
  return undefined;
}

function packageUrlFacts(url: string): { sasExpiry?: string } {
  const expiry = /[?&]se=([^&]+)/.exec(url)?.[1];
  if (!expiry) return {};
  const decoded = decodeURIComponent(expiry);
  return Number.isNaN(Date.parse(decoded)) ? {} : { sasExpiry: new Date(decoded).toISOString() };
}

/** What a recording stores for a setting: an allow-listed value as it is, anything else as a marker. */
export function recordedValue(redact: Redactor, name: string, value: string): string {
  const fact = redact(name, value);
  return fact.value ?? redactedMarker(fact);
}

/** Secret-shaped text anywhere else in a response (a connection string in a site body, a SAS URL). */
const SECRET_SHAPED =
  /(AccountKey|SharedAccessKey|Password|Pwd|InstrumentationKey|ApiKey|client_secret|access_token|refresh_token)=|[?&](sig|code)=/i;

export function scrubSecretShaped(redact: Redactor, value: string): string {
  return SECRET_SHAPED.test(value) ? redactedMarker(redact("", value)) : value;
}
