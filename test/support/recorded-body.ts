import type { RecordedExchange, Recording } from "../../src/collect/recording.js";

/**
 * Reading and changing recorded bodies in tests. A recording stores each body as the JSON text
 * replay serves (older and hand-written recordings may hold the JSON value itself; both replay the
 * same), so a test reads a body with `bodyOf` and writes it back with `setBody`, never by hand.
 */
type RecordedResponse = RecordedExchange["response"];

/** A JSON object as tests edit it. */
export type Body = Record<string, unknown> & { properties?: Record<string, unknown> | null };

/** A recorded body as the JSON value it holds (a value stored as such is returned as is). */
export function bodyOf<T = Body>(response: RecordedResponse): T {
  return (typeof response.body === "string" ? JSON.parse(response.body) : response.body) as T;
}

/** Stores `value` as a recording does: its JSON text. */
export function setBody(response: RecordedResponse, value: unknown): void {
  response.body = JSON.stringify(value);
}

/**
 * Changes the body of the first exchange whose URL matches: read as a value, edited in place (or
 * replaced by what `edit` returns), stored back as text.
 */
export function editBody<T = Body>(recording: Recording, pattern: RegExp, edit: (body: T) => T | void): void {
  const { response } = exchangeOf(recording, pattern);
  const body = bodyOf<T>(response);
  setBody(response, edit(body) ?? body);
}

/** The first exchange whose URL matches. */
export function exchangeOf(recording: Recording, pattern: RegExp): RecordedExchange {
  const exchange = recording.exchanges.find((e) => pattern.test(e.request.url));
  if (!exchange) throw new Error(`no exchange matches ${pattern}`);
  return exchange;
}
