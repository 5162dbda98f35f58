import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { Recording } from "../../src/collect/recording.js";
import { ROOT, runInProcess } from "../helpers.js";
import { editBody } from "../support/recorded-body.js";

/** Values an attacker with write access to an app (or a garbled response) puts where names go. */
export const SHELL_HOSTILE = [
  "staging$(touch PWNED)",
  "a;touch PWNED;",
  "`touch PWNED`",
  "x|touch PWNED",
  "q'uo\"te'$(touch PWNED)'",
  "glob*?[a]{b,c}",
  "line\ntouch PWNED",
  "~root",
  "$HOME&&touch PWNED",
  ">PWNED",
  "--subscription=evil",
  "-h",
];

export function readFixture(dir: string): Recording {
  return JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8")) as Recording;
}

export function writeRecording(recording: Recording, prefix = "azfn-sec-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
  return dir;
}

/** regression-5xx (a ROLLBACK by swapping the slot back) with the slot renamed. */
export function swappedFrom(slot: string): string {
  const r = readFixture("fixtures/regression-5xx");
  editBody(r, /sites\/orders-func-prod\?/, (site) => {
    (site.properties!.slotSwapStatus as { sourceSlotName: string }).sourceSlotName = slot;
  });
  editBody<{ value: { name: string }[] }>(r, /sites\/orders-func-prod\/slots\?/, (slots) => {
    slots.value[0]!.name = `orders-func-prod/${slot}`;
  });
  return writeRecording(r);
}

/** A marker per free-text field, inside each credential shape the scrubber must catch. */
export const SECRET_SHAPES = (marker: string) => [
  `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${marker}Zm9vYmFy==;EndpointSuffix=core.windows.net`,
  `https://acct.blob.core.windows.net/c/p.zip?sv=2022-11-02&se=2030-01-01&sig=${marker}%2Bsig%3D`,
  `Server=tcp:db;User ID=app;Password=${marker}pw!;`,
  `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=${marker}key=`,
  `Authorization: Bearer ${marker}eyJhbGciOiJIUzI1NiJ9.payload.signature`,
  `https://user:${marker}pass@host.example/path`,
  `x-functions-key: ${marker}FnKey0123`,
  `GET https://orders.azurewebsites.net/api/orders?code=${marker}Zx9_-AbC==&clientId=default 401`,
  `"masterKey": "${marker}hostkey"`,
  `callback https%3A%2F%2Fadmin%3A${marker}pw%40host.example%2Fx`,
  `next=https%3A%2F%2Facct.blob.core.windows.net%2Fc%3Fsv%3D2022%26sig%3D${marker}Sg%252B%26se%3D2030`,
  `client_secret=${marker}sEcReT&grant_type=client_credentials`,
  `AZURE_CLIENT_SECRET is xyz8Q~${marker}${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5".slice(0, 34 - marker.length)}`,
  `SharedAccessSignature sr=ns.servicebus.windows.net&sig=${marker}Sg%3D&se=1893456000&skn=RootManageSharedAccessKey`,
  `storage key ${marker}${"Ab1+Cd2/Ef3".repeat(8).slice(0, 86 - marker.length)}==`,
];

/** Controls, bidi overrides and runner commands, the way they would reach a terminal or a log. */
export const CONTROL_PAYLOAD =
  "a\u001b[2J\u001b]0;owned\u0007b\rFAKE LINE\n##[error]fake\u009b31mc\u202eevil\u2066d\u200fe\u0000f\u2028g";

/** Markup that would render as a link, an image, HTML or a mention. */
export const MARKUP_PAYLOAD =
  "[click](https://evil.example/a) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> https://evil.example/b www.evil.example @octo-org/team | col `tick` **bold** <script>alert(1)</script>";

/**
 * story-32bit-upgrade (a HOTFIX with exceptions, host signals and failed requests) with `text(field)`
 * put in every Azure free-text field: setting names, slot and function names, deployment authors
 * and messages, host errors, exception, request and host-signal names, plan and site names.
 */
export function everyFreeText(text: (field: string) => string, dir = "fixtures/story-32bit-upgrade"): string {
  const r = readFixture(dir);
  for (const role of ["qa", "prod"]) {
    const app = `orders-func-${role}`;
    editBody(r, new RegExp(`${app}/config/appsettings/list`), (settings) => {
      settings.properties![text(`${role} setting name`)] = text(`${role} setting value`);
    });
    editBody(r, new RegExp(`${app}/hostruntime`), (host) => {
      host.errors = [text(`${role} host error`)];
    });
    editBody<{ value: { properties: Record<string, unknown> }[] }>(
      r,
      new RegExp(`${app}/deployments`),
      (deployments) => {
        for (const d of deployments.value) {
          d.properties.author = text(`${role} deployment author`);
          d.properties.message = text(`${role} deployment message`);
          d.properties.deployer = text(`${role} deployer`);
        }
      },
    );
    editBody<{ value: { name: string }[] }>(
      r,
      new RegExp(`${app}/functions\\?api-version=[^&]*$`),
      (functions) => {
        if (functions.value[0]) functions.value[0].name = `${app}/${text(`${role} function name`)}`;
      },
    );
    editBody<{ value: unknown[] }>(r, new RegExp(`${app}/slots\\?`), (slots) => {
      slots.value.push({
        id: `/x/slots/${role}`,
        name: `${app}/${text(`${role} slot name`)}`,
        properties: { state: text(`${role} slot state`) },
      });
    });
    editBody<{ tables: { rows: unknown[][] }[] }>(r, new RegExp(`appi-orders-${role}/query`), (logs) => {
      for (const row of logs.tables[0]!.rows) row[2] = `${String(row[2])} ${text(`${role} log name`)}`;
    });
  }
  return writeRecording(r);
}

export const ALL_FORMATS = ["text", "json", "markdown", "junit", "html"] as const;

/** Every output one check produces: stdout and stderr in each format, each CI dialect, the bundle. */
export async function everyOutput(
  recording: string,
): Promise<{ name: string; text: string; code: number }[]> {
  const outputs: { name: string; text: string; code: number }[] = [];
  for (const format of ALL_FORMATS) {
    const run = await runInProcess(["check", "--from", recording, "--format", format]);
    outputs.push({ name: `${format} stdout`, text: run.stdout, code: run.code ?? -1 });
    outputs.push({ name: `${format} stderr`, text: run.stderr, code: run.code ?? -1 });
  }
  const dir = mkdtempSync(join(tmpdir(), "azfn-ci-out-"));
  const github = await runInProcess(["check", "--from", recording, "--ci", "github"], {
    GITHUB_STEP_SUMMARY: join(dir, "step-summary.md"),
    GITHUB_OUTPUT: join(dir, "github-output"),
  });
  outputs.push({ name: "github stdout", text: github.stdout, code: github.code ?? -1 });
  const azure = await runInProcess(["check", "--from", recording, "--ci", "azure", "--format", "json"], {
    AGENT_TEMPDIRECTORY: dir,
  });
  outputs.push({ name: "azure stderr", text: azure.stderr, code: azure.code ?? -1 });
  const bundle = join(dir, "bundle");
  const out = await runInProcess(["check", "--from", recording, "--out", bundle, "--format", "json"]);
  for (const name of readdirSync(bundle))
    outputs.push({
      name: `bundle ${name}`,
      text: readFileSync(join(bundle, name), "utf8"),
      code: out.code ?? -1,
    });
  outputs.push({
    name: "github step summary",
    text: readFileSync(join(dir, "step-summary.md"), "utf8"),
    code: 0,
  });
  const summaryDir = readdirSync(dir).find((f) => f.startsWith("azfn-health-"));
  if (summaryDir)
    outputs.push({
      name: "azure summary",
      text: readFileSync(join(dir, summaryDir, "summary.md"), "utf8"),
      code: 0,
    });
  return outputs;
}

/** Raw controls but the line breaks and tabs the formats lay out themselves (ESC only as color, in text). */
export const RAW_CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u;

/** Credential shapes that must never survive into an output. */
export const CREDENTIAL =
  /(AccountKey|SharedAccessKey|Password|sig|client_secret)=(?!<redacted>|&lt;redacted&gt;|\\u003credacted)[^\s;&"'<>,\\]+|Bearer (?!<redacted>|&lt;redacted&gt;)[A-Za-z0-9._~+/-]{16,}|\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}|:\/\/[^\s/:@]+:(?!<redacted>|&lt;redacted&gt;)[^\s/@]+@/i;

/** A line a runner would run: GitHub `::cmd`, Azure Pipelines `##vso[` (anywhere) and `##[`. */
export function runnerCommands(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => /^\s*::[a-z-]+/i.test(line) || /##vso\[|^\s*##\[/i.test(line));
}

/** Our own runner commands (src/report/ci.ts); anything else at a line start is injected. */
const OURS =
  /^(::(error|warning|notice) title=[^:]*::|##vso\[(task\.logissue type=(error|warning);code=[\w-]+\]|task\.setvariable variable=(verdict|exitCode);isOutput=true\]\w+$|task\.uploadsummary\]|task\.complete result=SucceededWithIssues;\]MONITOR$))/;

export function expectNoInjectedCommand(name: string, text: string): void {
  for (const line of runnerCommands(text)) {
    expect(line, `${name}: ${line}`).toMatch(OURS);
    expect(line.slice(line.match(OURS)![0].length), `${name}: ${line}`).not.toMatch(/##(vso)?\[|::/);
  }
}

/**
 * The Markdown a renderer reads as inline text, by CommonMark's rules: fenced blocks and code
 * spans out, a backslash-escaped character (an escaped backtick opens no span) as a plain "E".
 */
function outsideCode(markdown: string): string {
  const lines = markdown.split("\n");
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const opener = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (opener && opener.length >= fence.length && line.trim() === opener) fence = undefined;
      continue;
    }
    if (opener) {
      fence = opener;
      continue;
    }
    kept.push(line);
  }
  const text = kept.join("\n");
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? "")) {
      out += "E";
      i++;
      continue;
    }
    if (text[i] === "`") {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.slice(i + run.length).search(new RegExp(`(?<!\`)${run}(?!\`)`));
      if (close >= 0) {
        i += run.length + close + run.length - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

/**
 * Markdown with code spans, our own rule links and our own fold of the metrics table (a line of its
 * own: `<details>`, `<summary>…</summary>`, `</details>`) taken out: nothing left may be markup.
 */
export function expectNoMarkup(name: string, markdown: string): void {
  const prose = outsideCode(markdown)
    .replace(/\[[A-Z]\d{2}\]\(https:\/\/learn\.microsoft\.com\/[^)\s]*\)/g, "")
    .replace(/^(<\/?details>|<summary>Metrics: [^<\n]*<\/summary>)$/gm, "");
  for (const [what, pattern] of [
    ["a link or image", /\[[^\]]*\]\(/],
    ["an image", /!\[/],
    ["raw HTML", /<(?!br>)[a-z!/?]/i],
    ["a bare URL GitHub would link", /\b(https?:\/\/|www\.)/i],
    ["a mention", /(?<!\w)@[a-z0-9-]+/i],
  ] as const)
    expect(prose, `${name} has ${what}`).not.toMatch(pattern);
}
