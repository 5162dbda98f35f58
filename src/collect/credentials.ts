import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { isKnownAuthority } from "../core/clouds.js";
import { CollectError } from "../core/errors.js";

/** For requests that never leave the process (replay, the bundled stacks): the pipeline still asks for a token. */
export const LOCAL_ONLY_CREDENTIAL: TokenCredential = {
  getToken: () => Promise.resolve({ token: "local", expiresOnTimestamp: Number.MAX_SAFE_INTEGER }),
};

export const AUTH_MODES = ["default", "cli", "managed-identity", "workload-identity", "environment"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** What to do when a credential fails, by mode. */
export const AUTH_HINTS: Record<AuthMode, string> = {
  default:
    "sign in with `az login`, or set up a managed identity, workload identity or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET",
  cli: "run `az login` (and `az account set --subscription <id>`) on this machine, or pick another --auth",
  "managed-identity":
    "assign a managed identity to this host and grant it Reader on the apps (plus Microsoft.Web/sites/config/list/action for settings)",
  "workload-identity":
    "check the federated credential (issuer, subject) and AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE",
  environment:
    "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
};

/** The whole check's end (--timeout, or a signal): what sign-in must not outlast. */
export interface Deadline {
  signal: AbortSignal;
  seconds: number;
}

/** The check's deadline ends every request the credential sends (MSAL's, the token endpoints'). */
function endsWith(signal: AbortSignal): PipelinePolicy {
  return {
    name: "azfnHealthDeadline",
    sendRequest(request, next) {
      request.abortSignal = request.abortSignal
        ? AbortSignal.any([request.abortSignal as AbortSignal, signal])
        : signal;
      return next(request);
    },
  };
}

/** What `--auth workload-identity` reads: https://learn.microsoft.com/azure/aks/workload-identity-overview */
const WORKLOAD_IDENTITY_VARIABLES = [
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_FEDERATED_TOKEN_FILE",
] as const;

/**
 * Workload identity is configured by its variables and a token file the platform writes: a missing
 * variable is a setup to finish (exit 3, naming it), and a token file that is not a regular file
 * (a FIFO nobody writes, a device) is refused before it is opened, so reading it cannot hang.
 */
async function requireWorkloadIdentity(env: NodeJS.ProcessEnv, tenantId: string | undefined): Promise<void> {
  const missing = WORKLOAD_IDENTITY_VARIABLES.filter(
    (name) => !env[name] && !(name === "AZURE_TENANT_ID" && tenantId),
  );
  if (missing.length > 0)
    throw new CollectError(
      `--auth workload-identity: set ${missing.join(", ")} (the federated identity's client ID, its tenant, ` +
        `and the file the platform writes its token to), or pick another --auth`,
      "sign-in",
    );
  // stat, not lstat: Kubernetes projects the token through a symbolic link (..data/token).
  const { stat } = await import("node:fs/promises");
  const file = env.AZURE_FEDERATED_TOKEN_FILE!;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw new CollectError(
      `AZURE_FEDERATED_TOKEN_FILE (${JSON.stringify(file)}): ${info ? "not a regular file" : "no such file"}; ` +
        `--auth workload-identity reads the token the platform writes there`,
      "sign-in",
    );
}

/** The `@azure/identity` credential for a mode, loaded only when a live check runs. */
export async function createCredential(
  mode: AuthMode,
  options: { tenantId?: string; authorityHost: string; deadline?: Deadline; env?: NodeJS.ProcessEnv },
): Promise<TokenCredential> {
  if (mode === "workload-identity") await requireWorkloadIdentity(options.env ?? {}, options.tenantId);
  const identity = await import("@azure/identity");
  // A getToken abortSignal does not reach MSAL's requests (identity 4.13): the deadline goes in
  // as a pipeline policy instead, so a token endpoint that never answers is cut off with the check.
  const transport = options.deadline
    ? { additionalPolicies: [{ policy: endsWith(options.deadline.signal), position: "perCall" as const }] }
    : {};
  // `az` (and the other developer tools) are child processes: bounded by the check's timeout.
  const processTimeoutInMs = options.deadline ? options.deadline.seconds * 1000 : undefined;
  const common = {
    tenantId: options.tenantId,
    authorityHost: options.authorityHost,
    // A private authority (or a test stand-in) must not send MSAL to login.microsoftonline.com for discovery.
    disableInstanceDiscovery: !isKnownAuthority(options.authorityHost),
    ...transport,
  };
  switch (mode) {
    case "cli":
      return new identity.AzureCliCredential({ tenantId: options.tenantId, processTimeoutInMs });
    case "managed-identity":
      return new identity.ManagedIdentityCredential(transport);
    case "workload-identity":
      return new identity.WorkloadIdentityCredential(common);
    case "environment":
      return new identity.EnvironmentCredential(common);
    case "default":
      return new identity.DefaultAzureCredential({ ...common, processTimeoutInMs });
  }
}

/** The check ended (--timeout) while a token was still awaited: nothing can be read without it. */
export class SignInTimeoutError extends CollectError {
  override name = "SignInTimeoutError";
  constructor(scope: string, seconds: number) {
    super(
      `--timeout (${seconds} s) ran out waiting for sign-in (token for ${scope}); nothing was read`,
      scope,
    );
  }
}

/**
 * One token per scope for the whole check, shared by every client: concurrent requests wait
 * for the same token, and AzureCliCredential (which runs `az` per request) runs once. Every
 * wait ends with the caller's signal (a request's attempt) or the check's deadline, whatever
 * the credential underneath does with them.
 */
export function sharedTokenCredential(
  inner: TokenCredential,
  deadline?: Deadline,
): TokenCredential & { waitingFor(): string[] } {
  const tokens = new Map<string, Promise<AccessToken | null>>();
  const pendingScopes = new Set<string>();
  /** Ends a wait with `signal`: the deadline's end is a SignInTimeoutError, a request's own an AbortError. */
  const until = (key: string, pending: Promise<AccessToken | null>, signal?: AbortSignal) => {
    if (!signal) return pending;
    return new Promise<AccessToken | null>((resolve, reject) => {
      const stop = () =>
        reject(
          deadline?.signal.aborted
            ? new SignInTimeoutError(key, deadline.seconds)
            : Object.assign(new Error("the sign-in wait was aborted"), { name: "AbortError" }),
        );
      if (signal.aborted) return stop();
      signal.addEventListener("abort", stop, { once: true });
      pending.then(
        (token) => (signal.removeEventListener("abort", stop), resolve(token)),
        (error: unknown) => (signal.removeEventListener("abort", stop), reject(error as Error)),
      );
    });
  };
  return {
    /** The scopes whose token is still awaited: what an interrupted check was waiting for. */
    waitingFor: () => [...pendingScopes],
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const key = [scopes].flat().join(" ");
      const signal = options?.abortSignal as AbortSignal | undefined;
      const cached = tokens.get(key);
      if (cached) {
        return until(
          key,
          cached.then((token) => {
            if (token && token.expiresOnTimestamp - Date.now() > 120_000) return token;
            tokens.delete(key);
            return this.getToken(scopes, options);
          }),
          signal,
        );
      }
      // One listener on the deadline per token, however many requests wait for it.
      const pending = until(key, inner.getToken(scopes, options), deadline?.signal);
      tokens.set(key, pending);
      pendingScopes.add(key);
      pending.then(
        () => pendingScopes.delete(key),
        () => (pendingScopes.delete(key), tokens.delete(key)),
      );
      return until(key, pending, signal);
    },
  };
}

const AUTH_ERRORS = new Set([
  "CredentialUnavailableError",
  "AuthenticationError",
  "AggregateAuthenticationError",
  "AuthenticationRequiredError",
]);

export function isAuthError(error: unknown): error is Error {
  return error instanceof Error && AUTH_ERRORS.has(error.name);
}

/**
 * Why sign-in failed, in one line: each credential the chain tried, and why it failed, from the
 * messages of `@azure/identity` (an AggregateAuthenticationError lists them in `errors`).
 * https://learn.microsoft.com/javascript/api/@azure/identity/aggregateauthenticationerror
 */
export function signInFailure(error: Error, hint: string): string {
  const tried = ((error as { errors?: unknown[] }).errors ?? [error]).map((e) =>
    shortReason(e instanceof Error ? e.message : String(e)),
  );
  const cliMissing = tried.length === 1 && tried[0] === AZURE_CLI_MISSING;
  const fix = cliMissing
    ? "install the Azure CLI (https://aka.ms/azure-cli) and run `az login`, " +
      "or pick another --auth (managed-identity, workload-identity, environment)"
    : hint;
  const what = tried.length > 1 ? `tried ${tried.join("; ")}` : tried[0]!;
  return `sign-in failed: ${what}. To fix: ${fix}`;
}

const AZURE_CLI_MISSING = "Azure CLI: not installed (no `az` on PATH)";

/** The credentials' own words, shortened: [pattern, what to say] (first match wins). */
const REASONS: [RegExp, string | ((match: RegExpExecArray) => string)][] = [
  [
    /^EnvironmentCredential is unavailable/i,
    "environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate not set",
  ],
  [/^WorkloadIdentityCredential[^:]*:\s*(.*)/i, (m) => `workload identity: ${firstSentence(m[1]!)}`],
  [/^ManagedIdentityCredential[^:]*:\s*(.*)/i, (m) => `managed identity: ${firstSentence(m[1]!)}`],
  [/Visual Studio Code/i, "VS Code: not signed in"],
  [/Azure CLI could not be found/i, AZURE_CLI_MISSING],
  [/az login|AzureCliCredential/i, "Azure CLI: not signed in (`az login`)"],
  [/Unable to execute PowerShell/i, "Azure PowerShell: not installed"],
  [/PowerShell/i, "Azure PowerShell: not signed in (`Connect-AzAccount`)"],
  [/Azure Developer CLI couldn't be found/i, "Azure Developer CLI: not installed"],
  [/Azure Developer CLI|azd/i, "Azure Developer CLI: not signed in (`azd auth login`)"],
];

function shortReason(message: string): string {
  const text = message.replace(/^(CredentialUnavailableError|AuthenticationError|Error):\s*/g, "").trim();
  for (const [pattern, say] of REASONS) {
    const match = pattern.exec(text);
    if (match) return typeof say === "string" ? say : say(match);
  }
  return firstSentence(text);
}

/** A message's first sentence, without its closing stop (the caller adds its own punctuation). */
function firstSentence(text: string): string {
  const line = text.split("\n")[0]!.trim();
  const sentence = /^(.*?[^.])\.(\s|$)/.exec(line)?.[1] ?? line.replace(/\.+$/, "");
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}
