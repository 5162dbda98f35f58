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

/** Names whose `name=value` (connection strings, query strings) carries a credential. */
const SECRET_KEYS = [
  "AccountKey",
  "SharedAccessKey",
  "SharedAccessSignature",
  "Password",
  "Pwd",
  "PassWd",
  "sig",
  "client_secret",
  "ClientSecret",
  "access_token",
  "refresh_token",
  "id_token",
  "api[-_]?key",
  "x-functions-key",
  "code",
  "token",
  "secret",
];

/**
 * Credential shapes inside free text: connection-string and SAS key-value pairs, bearer and
 * basic authorization values, JWTs, credentials in a URL, private-key blocks, and long base64
 * strings with the alphabet mix of a storage or Service Bus key.
 * https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string
 * https://learn.microsoft.com/azure/storage/common/storage-sas-overview#sas-token
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [
    new RegExp(`\\b(${SECRET_KEYS.join("|")})(\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s;&"'<>,]+)`, "gi"),
    `$1$2${REDACTED_TEXT}`,
  ],
  [/\b(Bearer|Basic|SharedAccessSignature)\s+[A-Za-z0-9\-._~+/]{16,}=*/gi, `$1 ${REDACTED_TEXT}`],
  [
    /("(?:password|secret|client_secret|access_token|refresh_token|token|accountKey|apiKey)"\s*:\s*)"[^"]*"/gi,
    `$1"${REDACTED_TEXT}"`,
  ],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*)?/g, REDACTED_TEXT],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED_TEXT}@`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED_TEXT],
];

/**
 * A storage, Service Bus or function key: base64 mixing upper case, lower case and digits, 40+
 * characters with `+` or padding, or 64+ without a `/` (long enough never to be a name; a `/`
 * is a resource ID's path).
 */
const KEY_LIKE = /[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9_-]{40,}={0,2}/g;
const isKeyLike = (run: string) =>
  /[A-Z]/.test(run) &&
  /[a-z]/.test(run) &&
  /\d/.test(run) &&
  (/\+|=$/.test(run) || (run.length >= 64 && !run.includes("/")));

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(KEY_LIKE, (run) => (isKeyLike(run) ? REDACTED_TEXT : run));
}

/** Every string that came from Azure, on its way to any output. */
export function cleanText(text: string): string {
  return scrubSecrets(stripControls(text));
}
