import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { isKnownAuthority } from "../core/clouds.js";

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
  cli: "run `az login` (and `az account set --subscription <id>`) on this machine",
  "managed-identity":
    "assign a managed identity to this host and grant it Reader on the apps (plus Microsoft.Web/sites/config/list/action for settings)",
  "workload-identity":
    "check the federated credential (issuer, subject) and AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE",
  environment:
    "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
};

/** The `@azure/identity` credential for a mode, loaded only when a live check runs. */
export async function createCredential(
  mode: AuthMode,
  options: { tenantId?: string; authorityHost: string },
): Promise<TokenCredential> {
  const identity = await import("@azure/identity");
  const common = {
    tenantId: options.tenantId,
    authorityHost: options.authorityHost,
    // A private authority (or a test stand-in) must not send MSAL to login.microsoftonline.com for discovery.
    disableInstanceDiscovery: !isKnownAuthority(options.authorityHost),
  };
  switch (mode) {
    case "cli":
      return new identity.AzureCliCredential({ tenantId: options.tenantId });
    case "managed-identity":
      return new identity.ManagedIdentityCredential();
    case "workload-identity":
      return new identity.WorkloadIdentityCredential(common);
    case "environment":
      return new identity.EnvironmentCredential(common);
    case "default":
      return new identity.DefaultAzureCredential(common);
  }
}

/**
 * One token per scope for the whole check, shared by every client: concurrent requests wait
 * for the same token, and AzureCliCredential (which runs `az` per request) runs once.
 */
export function sharedTokenCredential(inner: TokenCredential): TokenCredential {
  const tokens = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      const key = [scopes].flat().join(" ");
      const cached = tokens.get(key);
      if (cached) {
        return cached.then((token) => {
          if (token && token.expiresOnTimestamp - Date.now() > 120_000) return token;
          tokens.delete(key);
          return this.getToken(scopes, options);
        });
      }
      const pending = inner.getToken(scopes, options);
      tokens.set(key, pending);
      pending.catch(() => tokens.delete(key));
      return pending;
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
