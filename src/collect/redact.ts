import { createHmac } from "node:crypto";
import type { SettingFact } from "../core/facts.js";
import { credentialShapesIn } from "../core/scrub.js";

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

/** A Key Vault reference: the same reference in QA and production reads the same secret. */
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;
const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
/** Names that say the value is a secret, and names of values that merely look random (a build's commit). */
const SECRET_NAME =
  /(key|secret|password|passwd|pwd|token|credential|signature|sas|connection|connstr|cert)/i;
const IDENTIFIER_NAME = /(sha|commit|revision|build|version|hash|etag|object_?id|client_?id|tenant)/i;

function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

/**
 * Whether a value is shaped like a credential, decided while the value is in hand and never kept:
 * a connection string with a key or password, a SAS signature or function key in a URL, a URL with
 * a user and password, a Key Vault reference, a token, or a long high-entropy string (a key). A GUID is
 * an identifier (a tenant, a client ID) unless the setting's name says it is a key. Everything else
 * (`true`, `1`, a region, a log level, a plain URL, a share name) is plain: the same in QA and
 * production is a setting that matches, not a shared secret.
 */
export function valueShape(name: string, value: string): "credential" | "plain" {
  const v = value.trim();
  if (v === "") return "plain";
  if (KEY_VAULT_REFERENCE.test(v) || hasCredentialShape(v)) return "credential";
  const secretName = SECRET_NAME.test(name) && !IDENTIFIER_NAME.test(name);
  if (GUID.test(v)) return secretName ? "credential" : "plain";
  if (/^(true|false|yes|no|on|off|\d{1,12}(\.\d+)?)$/i.test(v)) return "plain";
  if (secretName && v.length >= 16 && !/\s/.test(v) && !/^https?:\/\//i.test(v)) return "credential";
  if (/^[0-9a-f]{32,}$/i.test(v)) return IDENTIFIER_NAME.test(name) ? "plain" : "credential";
  // Keys and tokens: one long run of base64/base64url/hex characters with several character classes.
  if (v.length >= 24 && /^[A-Za-z0-9+/=_\-.~]+$/.test(v)) {
    const classes = [/[a-z]/, /[A-Z]/, /\d/, /[+/=_\-.~]/].filter((re) => re.test(v)).length;
    if (classes >= 3 && entropyBitsPerChar(v) >= 3.8 && !IDENTIFIER_NAME.test(name)) return "credential";
  }
  return "plain";
}

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
      shape: valueShape(name, value),
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

/**
 * The marker `record` writes in place of a secret value; `createRedactor` reads it back. The value's
 * shape travels in it (`;shape=credential`), so a replay tells a shared secret from a matching `true`.
 * Markers written before the shape existed read back with no shape; D01 then decides from the
 * setting's name (see `isCredential` in analyse/rules/drift.ts).
 */
export function redactedMarker(fact: SettingFact): string {
  const parts = [`azfn-health:redacted:${fact.hash}`];
  if (fact.shape) parts.push(`shape=${fact.shape}`);
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
    if (key === "shape" && (value === "credential" || value === "plain")) fact.shape = value;
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

/**
 * Whether a value holds one of the catalogued credential shapes (src/core/scrub.ts, the one catalogue)
 * other than a bare key-like run, which `valueShape` weighs with the setting's name instead.
 */
function hasCredentialShape(value: string): boolean {
  return credentialShapesIn(value).some((id) => id !== "key-like");
}

/** Secret-shaped text anywhere else in a response (a connection string in a site body, a SAS URL, a token). */
export function scrubSecretShaped(redact: Redactor, value: string): string {
  return credentialShapesIn(value).length > 0 ? redactedMarker(redact("", value)) : value;
}
