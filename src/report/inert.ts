import { cleanText } from "../core/scrub.js";

/**
 * `inert` is a pure function of the text, and a report repeats its keys and words (a check's report
 * makes ~2,500 texts inert, ~350 different ones): each short text goes through the fourteen patterns
 * once per process. Bounded, so a long `--watch` keeps no more than a few MB.
 */
const INERT = new Map<string, string>();
const INERT_KEPT = 10_000;
const INERT_KEPT_LENGTH = 256;

/**
 * The one choke point between Azure text and every output: the report model and facts.json pass
 * through here (src/report/model.ts, bundle.ts), so each format renders text that is already
 * clean. It makes text inert three ways:
 * - control characters and bidi overrides become visible escapes, credential shapes are replaced
 *   (src/core/scrub.ts);
 * - CI runners parse commands out of any line they see (Azure Pipelines `##vso[…]` and `##[…]`,
 *   GitHub Actions `::name …::`): text that came from Azure must never become one.
 * https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function inert(text: string): string {
  let clean = INERT.get(text);
  if (clean === undefined) {
    clean = cleanText(text)
      .replace(/##(vso)?\[/gi, (match) => `${match.slice(0, -1)} [`)
      .replace(/::/g, ": :");
    if (INERT.size < INERT_KEPT && text.length <= INERT_KEPT_LENGTH) INERT.set(text, clean);
  }
  return clean;
}

/** The same, through every string of a JSON-shaped value, keys (setting names) included. */
export function inertDeep<T>(value: T): T {
  if (typeof value === "string") return inert(value) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => inertDeep(item)) as T;
  if (value && typeof value === "object") {
    // What Object.fromEntries(Object.entries(…)) made, without an array per member (a report has
    // thousands): own data properties, a later key that reads the same once inert overwriting.
    const out: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const name = inert(key);
      if (name === "__proto__")
        Object.defineProperty(out, name, {
          value: inertDeep(source[key]),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else out[name] = inertDeep(source[key]);
    }
    return out as T;
  }
  return value;
}
