/**
 * Azure text (slot, setting and function names, deployment authors, host errors, exception and
 * operation names) is written by whoever can change an app. Before any of it reaches a terminal,
 * a CI log, Markdown, HTML, JSON or plan.sh it passes through `cleanText`: control characters
 * and bidirectional overrides become visible escapes, and credential-shaped text is replaced.
 * Pure, so every format (src/report/inert.ts) and the CLI's error line share it.
 */

/**
 * C0 controls (ESC, BEL, CR, LF, …), DEL, C1 controls (CSI U+009B, OSC U+009D, …), the Unicode
 * line and paragraph separators, zero-width and bidirectional formatting characters (Trojan
 * Source, https://trojansource.codes/), the interlinear annotations and the BOM.
 * https://www.unicode.org/reports/tr9/#Directional_Formatting_Characters
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/gu;

/** `\x1b`, `\u202e`: what was there stays readable, and cannot act. A tab or line break reads as a space. */
export function stripControls(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === "\t" || ch === "\n" || ch === "\r") return " ";
    const code = ch.codePointAt(0)!;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A placeholder: plan.sh comments out any command with one (src/report/bundle.ts), and no format reads it as markup. */
export const REDACTED_TEXT = "<redacted>";

/**
 * Names whose `name=value` (connection strings, query strings, form bodies) carries a credential.
 * `=` may be written `%3D` (a URL inside a URL), so the value stops at `&`, `;` and their encodings.
 */
const SECRET_KEYS = [
  "AccountKey",
  "AccessKey",
  "SharedAccessKey",
  "SharedAccessSignature",
  "InstrumentationKey",
  "Password",
  "Pwd",
  "PassWd",
  "sig",
  "client_secret",
  "ClientSecret",
  "client_assertion",
  "access_token",
  "refresh_token",
  "id_token",
  "api[-_]?key",
  "subscription-key",
  "x-functions-key",
  "code",
  "token",
  "secret",
];
const KEY_VALUE_VALUE = `"[^"]*"|'[^']*'|(?:%(?!26|3B)[0-9A-Fa-f]{2}|[^\\s;&"'<>,%])+`;
/** Headers whose value is a credential, however it is written (`name: value`, `"name": "value"`). */
const SECRET_HEADERS = [
  "x-functions-key",
  "Authorization",
  "Proxy-Authorization",
  "Ocp-Apim-Subscription-Key",
  "x-api-key",
  "api-key",
  "x-ms-client-secret",
];
/** JSON members whose string value is a credential (ARM's listKeys, host keys, token answers). */
const SECRET_MEMBERS = [
  "password",
  "secret",
  "client_secret",
  "clientSecret",
  "access_token",
  "accessToken",
  "refresh_token",
  "id_token",
  "token",
  "accountKey",
  "apiKey",
  "masterKey",
  "functionKey",
  "functionKeys",
  "systemKey",
  "primaryKey",
  "secondaryKey",
  "primaryMasterKey",
  "primaryConnectionString",
  "secondaryConnectionString",
  "x-functions-key",
];

/** One credential shape Azure (or a tool around it) writes, with the page that documents it. */
export interface CredentialShape {
  id: string;
  what: string;
  doc: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** `Basic <base64>` only when the base64 is a `user:password`: "Basic tier" and "Basic auth" are words. */
function basicCredential(match: string, scheme: string, separator: string, encoded: string): string {
  const decoded = Buffer.from(encoded, "base64").toString("latin1");
  const isUserPassword =
    encoded.length % 4 === 0 && /^[\x20-\x7e\x80-\xff]+$/.test(decoded) && decoded.includes(":");
  return isUserPassword ? `${scheme}${separator}${REDACTED_TEXT}` : match;
}

/**
 * The catalogue: every credential shape the scrubber knows, in the order it applies them. Each is
 * tested on its own (test/security/scrub.test.ts) and inside every output format.
 */
export const CREDENTIAL_SHAPES: readonly CredentialShape[] = [
  {
    id: "private-key",
    what: "a PEM private key block (a certificate's key, an app registration's certificate)",
    doc: "https://learn.microsoft.com/azure/key-vault/certificates/about-certificates",
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: REDACTED_TEXT,
  },
  {
    id: "url-userinfo",
    what: "a user and password in a URL (https://admin:secret@host), plain or URL-encoded",
    doc: "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
    pattern:
      /\b([a-z][a-z0-9+.-]*(?::\/\/|%3A%2F%2F))[^\s/:@%]+(?::|%3A)(?:[^\s/@%]|%(?!40)[0-9A-Fa-f]{2})+(@|%40)/gi,
    replace: `$1${REDACTED_TEXT}$2`,
  },
  {
    id: "authorization-header",
    what: "an Authorization, x-functions-key or API-management key header, as a header or a JSON member",
    doc: "https://learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys",
    pattern: new RegExp(
      `(["']?\\b(?:${SECRET_HEADERS.join("|")})["']?\\s*:\\s*["']?)` +
        `((?:Basic|Bearer|SharedKey|SharedKeyLite|SharedAccessSignature|Digest)\\s+)?[^\\s"',;]+`,
      "gi",
    ),
    replace: (_m, head: string, scheme = "") => `${head}${scheme}${REDACTED_TEXT}`,
  },
  {
    id: "basic",
    what: "HTTP Basic credentials: base64 of user:password",
    doc: "https://www.rfc-editor.org/rfc/rfc7617#section-2",
    pattern: /\b(Basic)(\s+|%20|\+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi,
    replace: (m, scheme: string, separator: string, encoded: string) =>
      basicCredential(m, scheme, separator, encoded),
  },
  {
    id: "bearer",
    what: "a bearer token or a Service Bus/Event Hubs SharedAccessSignature",
    doc: "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas#use-the-shared-access-signature-authorization",
    pattern: /\b(Bearer|SharedAccessSignature)(\s+|%20|\+)[A-Za-z0-9\-._~+/%]{8,}=*/gi,
    replace: `$1$2${REDACTED_TEXT}`,
  },
  {
    id: "key-value",
    what:
      "connection-string and query parts: AccountKey=, SharedAccessKey=, Password=, a SAS sig=, " +
      "a function key code=, client_secret=, tokens",
    doc: "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
    // After a word boundary, or after an escape (`%3Fsig%3D…`, a URL inside a URL).
    pattern: new RegExp(
      `(?<=^|[^A-Za-z0-9_]|%[0-9A-Fa-f]{2})(${SECRET_KEYS.join("|")})(\\s*=\\s*|%3D)(${KEY_VALUE_VALUE})`,
      "gi",
    ),
    replace: `$1$2${REDACTED_TEXT}`,
  },
  {
    id: "query-key",
    what: "a key in a URL's query (?key=, &key=)",
    doc: "https://learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys",
    pattern: /([?&]key=)([^\s&#"'<>]+)/gi,
    replace: `$1${REDACTED_TEXT}`,
  },
  {
    id: "json-member",
    what: "a JSON member that holds a credential (listKeys answers, host keys, token answers)",
    doc: "https://learn.microsoft.com/rest/api/appservice/web-apps/list-host-keys",
    pattern: new RegExp(`("(?:${SECRET_MEMBERS.join("|")})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"),
    replace: `$1"${REDACTED_TEXT}"`,
  },
  {
    id: "jwt",
    what: "a JSON Web Token (Entra ID access and ID tokens, federated credentials)",
    doc: "https://learn.microsoft.com/entra/identity-platform/access-tokens",
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?/g,
    replace: REDACTED_TEXT,
  },
  {
    id: "entra-client-secret",
    what: "an Entra ID application client secret (three characters, a digit, Q~, then 31-34 more)",
    doc: "https://learn.microsoft.com/purview/sit-defn-client-secret-api-key",
    pattern: /(?<![A-Za-z0-9_\-.~])[A-Za-z0-9_\-.~]{3}\dQ~[A-Za-z0-9_\-.~]{31,34}(?![A-Za-z0-9_\-.~])/g,
    replace: REDACTED_TEXT,
  },
  {
    id: "key-like",
    what:
      "a storage, Service Bus or function key: base64 mixing upper case, lower case and digits, " +
      "40+ characters with + or padding, or 64+ without a /",
    doc: "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage",
    pattern: /[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9_-]{40,}={0,2}/g,
    replace: (run: string) => (isKeyLike(run) ? REDACTED_TEXT : run),
  },
];

/** A long run is a key when it mixes cases and digits and has `+`/padding, or is long without a `/` (a path). */
function isKeyLike(run: string): boolean {
  return (
    /[A-Z]/.test(run) &&
    /[a-z]/.test(run) &&
    /\d/.test(run) &&
    (/\+|=$/.test(run) || (run.length >= 64 && !run.includes("/")))
  );
}

const applyShape = (text: string, shape: CredentialShape) =>
  typeof shape.replace === "string"
    ? text.replace(shape.pattern, shape.replace)
    : text.replace(shape.pattern, shape.replace);

/** Every credential shape in the catalogue replaced by `<redacted>`. */
export function scrubSecrets(text: string): string {
  return CREDENTIAL_SHAPES.reduce(applyShape, text);
}

/** The ids of the catalogue's shapes found in a text (a setting value, a line of a response). */
export function credentialShapesIn(text: string): string[] {
  return CREDENTIAL_SHAPES.filter((shape) => applyShape(text, shape) !== text).map((shape) => shape.id);
}

/** A credential this process holds (ServiceNow's password or client secret), with the user it goes with. */
export interface KnownSecret {
  secret: string;
  user?: string;
}

/**
 * Every way a known secret can be written back at us: as it is, URL-encoded (path and form), JSON-
 * and HTML-escaped, base64 and base64url of itself and of `user:secret` (HTTP Basic).
 */
export function encodingsOf({ secret, user }: KnownSecret): string[] {
  const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"),
    base64(secret),
    ...(user !== undefined ? [base64(`${user}:${secret}`)] : []),
  ];
  const withUrlSafe = forms.flatMap((form) => [form, form.replace(/\+/g, "-").replace(/\//g, "_")]);
  const unpadded = withUrlSafe.map((form) => form.replace(/=+$/, ""));
  // Longest first, so a longer encoding is masked whole before a shorter one inside it.
  return [...new Set([...withUrlSafe, ...unpadded])].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** Masks a known secret in every encoding, then every catalogued shape: the one scrubber for a sink's lines. */
export function maskSecrets(text: string, secrets: readonly KnownSecret[]): string {
  let out = text;
  for (const known of secrets)
    if (known.secret) for (const form of encodingsOf(known)) out = out.split(form).join(REDACTED_TEXT);
  return scrubSecrets(out);
}

/** Every string that came from Azure, on its way to any output. */
export function cleanText(text: string): string {
  return scrubSecrets(stripControls(text));
}
