import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import { duplicateKeyPath } from "./ambiguity.js";
import { classify, RESPONSES, type ResponseSource } from "./responses/index.js";
import type { AzureResponse } from "./responses/response.js";

/**
 * The documented shape of every Azure response the check reads, checked where it enters.
 *
 * The SDKs' deserialisers copy fields without checking their types (a `"false"` string stays a
 * string in a boolean field, `properties: null` yields an empty model, an HTML page with status
 * 200 yields `{}`), so a body that is not the documented shape would be judged as if Azure had
 * said "nothing is set". Here it becomes a MalformedResponseError instead, which the reader turns
 * into a gap for its source: the rules needing it report unknown and no fix is derived from it.
 *
 * Only the fields the check uses are checked, and each accepts what real Azure sends (null where
 * Azure sends null, absent fields). Each response's guard lives in its own module
 * (src/collect/responses/); nothing from the body itself is ever quoted: Azure text is hostile.
 */
export class MalformedResponseError extends Error {
  override name = "MalformedResponseError";
  constructor(
    readonly source: ShapeSource,
    readonly problem: string,
    /** "ambiguous": the documented shape, read two ways at once (src/collect/ambiguity.ts). */
    kind: "malformed" | "ambiguous" = "malformed",
  ) {
    super(`${kind} answer: ${problem}`);
  }
}

export type ShapeSource = ResponseSource;

/** Which response a URL reads (src/collect/responses/index.ts), by name. */
export function shapeSourceOf(url: string): ShapeSource | undefined {
  return classify(url)?.source;
}

const BY_SOURCE = new Map<string, AzureResponse>(RESPONSES.map((response) => [response.source, response]));

/** What is wrong with a parsed body for `source`, or undefined when it is the documented shape. */
export function shapeProblem(source: ShapeSource, body: unknown): string | undefined {
  return BY_SOURCE.get(source)!.shape(body, "");
}

/** The body as the SDK would parse it (JSON unless text/plain), or what keeps it from being JSON. */
export function parsedBody(
  response: Pick<PipelineResponse, "bodyAsText" | "headers">,
): { body: unknown } | { problem: string } {
  const text = response.bodyAsText;
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const named = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : "unnamed";
  if (text === undefined || text === null || text.trim() === "") return { problem: "the body is empty" };
  if (type === "text/plain") return { problem: `the body is text/plain, expected JSON` };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return {
      problem: /^\s*</.test(text)
        ? `the body is a markup page (${named}), expected JSON`
        : `the body is not JSON (${named})`,
    };
  }
}

/** Where the shape check leaves its parse of a body, with the text it parsed, for the SDK's runtime. */
const PARSED_BODY = Symbol.for("azfn-health.parsedBody");

/**
 * Checks every successful response the check reads before the SDK deserialises it, so a
 * malformed body fails its own read (a gap for that source) and never yields a model. Per call,
 * outside the retries: what is checked is the answer the SDK would hand back.
 */
export const shapePolicy: PipelinePolicy = {
  name: "azfnHealthShapes",
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status < 200 || response.status >= 300) return response;
    const read = classify(request.url);
    if (!read) return response;
    const parsed = parsedBody(response);
    if ("problem" in parsed) throw new MalformedResponseError(read.source, parsed.problem);
    const problem = read.shape(parsed.body, "");
    if (problem) throw new MalformedResponseError(read.source, problem);
    // A key given twice reads two ways in any response; the rest is the response's own (src/collect/ambiguity.ts).
    const ambiguous = duplicateKeyPath(response.bodyAsText ?? "") ?? read.ambiguity?.(parsed.body);
    if (ambiguous) throw new MalformedResponseError(read.source, ambiguous, "ambiguous");
    // The SDK's runtime takes this parse for the same text instead of parsing it again
    // (scripts/bundle-plugins.mjs, patchPackages); nothing here keeps or changes it.
    Object.defineProperty(response, PARSED_BODY, { value: { text: response.bodyAsText, body: parsed.body } });
    return response;
  },
};
