/**
 * What one Azure response the check reads is, in one place (src/collect/responses/<name>.ts): the
 * route that classifies its URL, the guard of its documented shape (checked where it enters, by the
 * shape policy in src/collect/shapes.ts), what makes a well-shaped answer ambiguous, and the fields a
 * recording keeps of it (src/collect/recorder.ts). A new Azure read is one new module, listed in
 * ./index.ts.
 *
 * The guards are hand-written rather than a schema library: no load cost on the check's path, and
 * messages that name the field ("use32BitWorkerProcess is a string, expected a boolean"). Nothing
 * from the body itself is ever quoted: Azure text is hostile. Each guard also carries the tree of the
 * fields it checks (`fields`), so a test can prove that a recording keeps every one of them.
 */

/** The tree of fields a guard checks: `true` a value, `[tree]` each item, an object its named fields ("*": every key). */
export type FieldTree = true | readonly [FieldTree] | { readonly [field: string]: FieldTree };

/** Returns what is wrong with `value` at `path`, or undefined when it fits. */
export interface Guard {
  (value: unknown, path: string): string | undefined;
  /** The fields checked, when the guard looks inside an object or a list. */
  readonly fields?: FieldTree;
}

/**
 * What is kept of a JSON value in a recording: `true` keeps a primitive (a string is scrubbed of
 * secret shapes; an object or array there is dropped), `[shape]` keeps an array of that shape, an
 * object keeps the named fields, and its `"*"` entry keeps every other key with that shape.
 */
export type Keep = true | readonly [Keep] | { readonly [field: string]: Keep };

export const ANY = "*";

export interface AzureResponse<Source extends string = string> {
  /** The fact source it feeds, and the name a malformed or ambiguous answer is reported under. */
  source: Source;
  /** Matched on the URL's path, lower-cased, `//` collapsed, no trailing slash, no query. */
  route: RegExp;
  shape: Guard;
  /** What makes a well-shaped body ambiguous (src/collect/ambiguity.ts), or undefined. */
  ambiguity?: (body: unknown) => string | undefined;
  /** The ALLOW-LIST of what a recording keeps: any other field, known or new, never reaches the file. */
  keep: Keep;
}

// --- Guards --------------------------------------------------------------------------------

const kindOf = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : typeof value === "string"
          ? "a string"
          : typeof value === "number"
            ? "a number"
            : typeof value === "boolean"
              ? "a boolean"
              : typeof value;

/** The SDK flattens `properties`: name fields as the models (and the portal) do. */
const at = (path: string) => path.replace(/^properties\./, "").replace(/\.properties\./g, ".") || "the body";
export const expected = (value: unknown, path: string, what: string) =>
  `${at(path)} is ${value === undefined ? "missing" : kindOf(value)}, expected ${what}`;

const withFields = (
  check: (value: unknown, path: string) => string | undefined,
  fields?: FieldTree,
): Guard => (fields === undefined ? check : Object.assign(check, { fields }));

const primitive =
  (type: "string" | "boolean" | "number", what: string): Guard =>
  (value, path) =>
    typeof value === type && (type !== "number" || Number.isFinite(value))
      ? undefined
      : expected(value, path, what);

export const str = primitive("string", "a string");
export const bool = primitive("boolean", "a boolean");
export const num = primitive("number", "a number");

/** A date string the SDK can turn into a valid Date (it deserialises garbage into "Invalid Date"). */
export const date: Guard = (value, path) =>
  typeof value !== "string"
    ? expected(value, path, "a date")
    : Number.isNaN(Date.parse(value)) // what `new Date(value)` holds, without making one
      ? `${at(path)} is not a date`
      : undefined;

/** Absent or null is fine (Azure sends both); otherwise `guard` must hold. */
export const opt = (guard: Guard): Guard =>
  withFields(
    (value, path) => (value === undefined || value === null ? undefined : guard(value, path)),
    guard.fields,
  );

export const oneOf =
  (...allowed: string[]): Guard =>
  (value, path) =>
    typeof value === "string" && allowed.includes(value)
      ? undefined
      : typeof value === "string"
        ? `${at(path)} is not one of ${allowed.join(", ")}`
        : expected(value, path, `one of ${allowed.join(", ")}`);

/** One of primitive guards. */
export const either =
  (...guards: Guard[]): Guard =>
  (value, path) =>
    guards.some((g) => g(value, path) === undefined) ? undefined : guards[0]!(value, path);

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/*
 * Whether a value fits never depends on the path it is named by, only the message does. A metric
 * answer holds tens of thousands of points, so the containers below check each member under their
 * own path and name the member's path (`a.b`, `a[3]`) only when it does not fit: a body that fits
 * builds no path strings at all.
 */

/** An object with (at least) these fields; unknown fields are Azure's business. */
export const obj = (fields: Record<string, Guard>): Guard => {
  const keys = Object.keys(fields);
  const guards = Object.values(fields);
  return withFields(
    (value, path) => {
      if (!isObject(value)) return expected(value, path, "an object");
      for (let k = 0; k < keys.length; k++) {
        const field = value[keys[k]!];
        if (guards[k]!(field, path) !== undefined) return guards[k]!(field, join(path, keys[k]!));
      }
      return undefined;
    },
    Object.fromEntries(Object.entries(fields).map(([key, guard]) => [key, guard.fields ?? true])),
  );
};

export const arr = (item: Guard): Guard =>
  withFields(
    (value, path) => {
      if (!Array.isArray(value)) return expected(value, path, "an array");
      for (let i = 0; i < value.length; i++)
        if (item(value[i], path) !== undefined) return item(value[i], `${path}[${i}]`);
      return undefined;
    },
    [item.fields ?? true],
  );

export const record = (item: Guard): Guard =>
  withFields(
    (value, path) => {
      if (!isObject(value)) return expected(value, path, "an object");
      for (const entry of Object.values(value)) {
        // Setting names are Azure text: never quoted, the entry is named `[…]`.
        if (item(entry, path) !== undefined) return item(entry, `${path}[…]`);
      }
      return undefined;
    },
    { [ANY]: item.fields ?? true },
  );

/** One page of an ARM list: `{ value: [...], nextLink? }`. */
export const page = (item: Guard) => obj({ value: arr(item), nextLink: opt(str) });

// --- What recordings keep ------------------------------------------------------------------

export const NAME = { value: true, localizedValue: true } as const;
export const ARM = { id: true, name: true, type: true, kind: true, location: true } as const;
export const paged = (item: Keep): Keep => ({ value: [item], nextLink: true });

/**
 * The fields a guard checks that `keep` would drop from a recording, as paths. A record's entries
 * (`"*"`) are covered by a `"*"` keep or, for the names a keep lists (the site's tags), by each.
 */
export function unkeptFields(fields: FieldTree | undefined, keep: Keep | undefined, path = ""): string[] {
  if (keep === undefined) return [path || "the body"];
  if (fields === undefined || fields === true) return [];
  if (Array.isArray(fields))
    return Array.isArray(keep) ? unkeptFields(fields[0] as FieldTree, keep[0] as Keep, `${path}[]`) : [path];
  if (keep === true || Array.isArray(keep)) return [path || "the body"];
  const shape = keep as { readonly [field: string]: Keep };
  return Object.entries(fields as { readonly [field: string]: FieldTree }).flatMap(([key, tree]) => {
    const at = path ? `${path}.${key}` : key;
    if (key !== ANY) return unkeptFields(tree, Object.hasOwn(shape, key) ? shape[key] : shape[ANY], at);
    const named = Object.entries(shape);
    return named.length === 0
      ? [at]
      : named.flatMap(([name, kept]) => unkeptFields(tree, kept, `${path}.${name}`));
  });
}

/** `/subscriptions/…/sites/{name}` or its slot, as a route's path starts. */
export const SITE_PATH = String.raw`/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.web/sites/[^/]+(?:/slots/[^/]+)?`;
export const siteRoute = (tail: string) => new RegExp(`^${SITE_PATH}${tail}$`);
