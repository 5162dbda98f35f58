import { describe, expect, it } from "vitest";
import {
  CREDENTIAL_SHAPES,
  credentialShapesIn,
  encodingsOf,
  maskSecrets,
  scrubSecrets,
} from "../../src/core/scrub.js";
import { valueShape } from "../../src/collect/redact.js";
import { rng } from "../support/seeded.mjs";
import { soakCases } from "../support/soak.js";

/**
 * The catalogue shape by shape (each id has a real-world example, and a shape added without one fails
 * here), then generated secrets in every context and encoding: the secret is never in the output.
 */
const SECRET = "Zq7TESTsecretVALUE9x";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const EXAMPLES: Record<string, string[]> = {
  "private-key": [`-----BEGIN RSA PRIVATE KEY-----\nMIIE${SECRET}\n-----END RSA PRIVATE KEY-----`],
  "url-userinfo": [
    `https://admin:${SECRET}@acme.service-now.com/api`,
    `https%3A%2F%2Fadmin%3A${SECRET}%40acme.example`,
    `amqps://user:${SECRET}@ns.servicebus.windows.net`,
  ],
  "authorization-header": [
    `x-functions-key: ${SECRET}`,
    `X-Functions-Key:${SECRET}`,
    `"x-functions-key": "${SECRET}"`,
    `Authorization: SharedKey acct:${SECRET}`,
    `Ocp-Apim-Subscription-Key: ${SECRET}`,
    `Authorization: Bearer ${SECRET}`,
  ],
  basic: [`Basic ${b64(`admin:${SECRET}`)}`, `Basic%20${b64(`u:${SECRET}`)}`],
  bearer: [`Bearer ${SECRET}`, `SharedAccessSignature ${SECRET}`, `Bearer%20${SECRET}`],
  "key-value": [
    `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SECRET}==;EndpointSuffix=core.windows.net`,
    `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=${SECRET}=`,
    `https://a.blob.core.windows.net/c/p.zip?sv=2022-11-02&se=2030-01-01&sig=${SECRET}%2B`,
    `https://app.azurewebsites.net/api/f?code=${SECRET}&clientId=default`,
    `Server=tcp:db;User ID=app;Password=${SECRET};`,
    `client_secret=${SECRET}&grant_type=client_credentials`,
    `InstrumentationKey=${SECRET};IngestionEndpoint=https://x`,
    `url%3Fsig%3D${SECRET}%26se%3D2030`,
  ],
  "query-key": [`https://maps.example/api?key=${SECRET}&q=1`],
  "json-member": [
    `{"masterKey":"${SECRET}"}`,
    `{"primaryKey" : "${SECRET}"}`,
    `{"password":"a\\"${SECRET}"}`,
  ],
  jwt: [`eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ${SECRET}.sig_${SECRET}`],
  "entra-client-secret": [`AZURE_CLIENT_SECRET is abc8Q~${SECRET}${"x".repeat(14)}`],
  "key-like": [
    `${SECRET}hV3xK9mQ2pL7wR4tY8uI1oP6aS5dF0gJ3kZ7cX2vB9nM4qW8eR1tY6uI0oP5aS+dF==`,
    `${SECRET}Jp8Nq3Rt6Vw9Yz2Bc5Ef8Hk1Mn4Pq7St0Vx3Za6Cd9Fg2Jk5Lm8Np1Qs4Tv7Wy0Ab3De6Gh9`,
  ],
};

describe("the credential catalogue, shape by shape", () => {
  it("every shape has examples here", () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(CREDENTIAL_SHAPES.map((s) => s.id).sort());
  });

  for (const shape of CREDENTIAL_SHAPES)
    it.each(EXAMPLES[shape.id] ?? [])(`${shape.id}: %s`, (example) => {
      expect(credentialShapesIn(example)).toContain(shape.id);
      const clean = scrubSecrets(example);
      expect(clean).not.toContain(SECRET);
      expect(clean).toContain("<redacted>");
      // Scrubbing twice changes nothing: no format scrubs a placeholder into something else.
      expect(scrubSecrets(clean)).toBe(clean);
      // A setting holding it is a credential (src/collect/redact.ts reads the same catalogue).
      expect(valueShape("SOME_SETTING", example)).toBe("credential");
    });

  it.each([
    "Basic B1",
    "Basic tier",
    "Basic auth failed for the app",
    "Authorization failed",
    "AuthorizationFailed: the client has no access",
    "code 503",
    "exit code: 5",
    "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg/providers/Microsoft.Web/sites/a",
    "https://orders.azurewebsites.net/api/health",
    "FUNCTIONS_EXTENSION_VERSION=~4",
  ])("keeps %j", (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });
});

const SEED = 0x5c7ab;
const CASES = soakCases(300, 100);
const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  "abcdefghijklmnopqrstuvwxyz0123456789+/=",
  "!#$%&()*+,-./:;<=>?@[]^_`{|}~ '\"\\",
  "äöüßéè€中文🔑",
];

function secretFrom(random: () => number): string {
  const length = 6 + Math.floor(random() * 40);
  let secret = "";
  while ([...secret].length < length) {
    const alphabet = [...ALPHABETS[Math.floor(random() * ALPHABETS.length)]!];
    secret += alphabet[Math.floor(random() * alphabet.length)];
  }
  // Never all symbols: a password has at least a letter (and a one-character secret is no test).
  return `k${secret}`;
}

/** How a known secret comes back from a server: each context with it in one of its encodings. */
const ECHOES: ((secret: string, user: string) => string)[] = [
  (s) => s,
  (s, u) => `Authorization: Basic ${b64(`${u}:${s}`)}`,
  (s, u) => `{"error":{"detail":"Basic ${b64(`${u}:${s}`).replace(/=+$/, "")} rejected"}}`,
  (s) => `password=${encodeURIComponent(s)}&x=1`,
  (s) => new URLSearchParams({ client_secret: s }).toString(),
  (s) => JSON.stringify({ message: `bad secret ${s}` }),
  (s) => `seen ${b64(s)} in the log`,
  (s) => `seen ${b64(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")} (base64url)`,
  (s, u) => `https://${encodeURIComponent(u)}:${encodeURIComponent(s)}@acme.example/`,
  (s) =>
    `<p>${s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</p>`,
];

describe("a known secret in every encoding (generated)", () => {
  it(`${CASES} seeded cases (seed ${SEED}): no encoding of the secret survives maskSecrets`, () => {
    const random = rng(SEED);
    for (let i = 0; i < CASES; i++) {
      const secret = secretFrom(random);
      const user = `user${Math.floor(random() * 1000)}`;
      const echo = ECHOES[i % ECHOES.length]!;
      const text = `before ${echo(secret, user)} after`;
      const masked = maskSecrets(text, [{ secret, user }]);
      const context = `case ${i} (seed ${SEED}): ${JSON.stringify(secret)} in ${JSON.stringify(text)}`;
      for (const form of [secret, ...encodingsOf({ secret, user })].filter((f) => f.length >= 4))
        expect(masked, context).not.toContain(form);
      expect(masked, context).toContain("<redacted>");
    }
  });
});

describe("unknown secrets in every catalogued context (generated)", () => {
  const CONTEXTS: ((s: string) => string)[] = [
    (s) => `x-functions-key: ${s}`,
    (s) => `GET https://app.azurewebsites.net/api/f?code=${s} 401`,
    (s) => `https://a.blob.core.windows.net/c?sv=2022&sig=${s}&se=2030`,
    (s) => `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${s};EndpointSuffix=core.windows.net`,
    (s) => `Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${s}`,
    (s) => `Authorization: Bearer ${s}`,
    (s) => `client_secret=${s}`,
    (s) => `https://admin:${encodeURIComponent(s)}@host.example/`,
    (s) => `{"masterKey": "${s}"}`,
  ];
  const KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";

  it(`${CASES} seeded cases (seed ${SEED + 1}): the secret never survives scrubSecrets`, () => {
    const random = rng(SEED + 1);
    for (let i = 0; i < CASES; i++) {
      let secret = "";
      const length = 12 + Math.floor(random() * 80);
      for (let c = 0; c < length; c++) secret += KEY_ALPHABET[Math.floor(random() * KEY_ALPHABET.length)];
      secret = `Q${secret}9`;
      const text = CONTEXTS[i % CONTEXTS.length]!(secret);
      const clean = scrubSecrets(`log line ${text} end`);
      for (const form of [secret, encodeURIComponent(secret)])
        expect(clean, `case ${i} (seed ${SEED + 1}): ${text}`).not.toContain(form);
    }
  });
});
