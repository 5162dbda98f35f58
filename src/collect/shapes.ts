import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import { ambiguityProblem } from "./ambiguity.js";

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
 * Azure sends null, absent fields). Hand-written guards rather than a schema library: no load
 * cost on the check's path, and messages that name the field ("use32BitWorkerProcess is a string,
 * expected a boolean"). Nothing from the body itself is ever quoted: Azure text is hostile.
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

/** Returns what is wrong with `value` at `path`, or undefined when it fits. */
type Guard = (value: unknown, path: string) => string | undefined;

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
const expected = (value: unknown, path: string, what: string) =>
  `${at(path)} is ${value === undefined ? "missing" : kindOf(value)}, expected ${what}`;

const primitive =
  (type: "string" | "boolean" | "number", what: string): Guard =>
  (value, path) =>
    typeof value === type && (type !== "number" || Number.isFinite(value))
      ? undefined
      : expected(value, path, what);

const str = primitive("string", "a string");
const bool = primitive("boolean", "a boolean");
const num = primitive("number", "a number");

/** A date string the SDK can turn into a valid Date (it deserialises garbage into "Invalid Date"). */
const date: Guard = (value, path) =>
  typeof value !== "string"
    ? expected(value, path, "a date")
    : Number.isNaN(new Date(value).getTime())
      ? `${at(path)} is not a date`
      : undefined;

/** Absent or null is fine (Azure sends both); otherwise `guard` must hold. */
const opt =
  (guard: Guard): Guard =>
  (value, path) =>
    value === undefined || value === null ? undefined : guard(value, path);

const oneOf =
  (...allowed: string[]): Guard =>
  (value, path) =>
    typeof value === "string" && allowed.includes(value)
      ? undefined
      : typeof value === "string"
        ? `${at(path)} is not one of ${allowed.join(", ")}`
        : expected(value, path, `one of ${allowed.join(", ")}`);

const either =
  (...guards: Guard[]): Guard =>
  (value, path) =>
    guards.some((g) => g(value, path) === undefined) ? undefined : guards[0]!(value, path);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** An object with (at least) these fields; unknown fields are Azure's business. */
const obj =
  (fields: Record<string, Guard>): Guard =>
  (value, path) => {
    if (!isObject(value)) return expected(value, path, "an object");
    for (const [key, guard] of Object.entries(fields)) {
      const problem = guard(value[key], join(path, key));
      if (problem) return problem;
    }
    return undefined;
  };

const arr =
  (item: Guard): Guard =>
  (value, path) => {
    if (!Array.isArray(value)) return expected(value, path, "an array");
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const record =
  (item: Guard): Guard =>
  (value, path) => {
    if (!isObject(value)) return expected(value, path, "an object");
    for (const entry of Object.values(value)) {
      // Setting names are Azure text: never quoted, the entry is named `[…]`.
      const problem = item(entry, `${path}[…]`);
      if (problem) return problem;
    }
    return undefined;
  };

/** One page of an ARM list: `{ value: [...], nextLink? }`. */
const page = (item: Guard) => obj({ value: arr(item), nextLink: opt(str) });

// --- One guard per source -----------------------------------------------------------------

const siteProperties = {
  state: opt(str),
  enabled: opt(bool),
  reserved: opt(bool),
  serverFarmId: opt(str),
  sku: opt(str),
  lastModifiedTimeUtc: opt(date),
  managedEnvironmentId: opt(str),
  siteConfig: opt(obj({})),
  functionAppConfig: opt(
    obj({
      runtime: opt(obj({ name: opt(str), version: opt(str) })),
      scaleAndConcurrency: opt(obj({ instanceMemoryMB: opt(num), maximumInstanceCount: opt(num) })),
    }),
  ),
  slotSwapStatus: opt(
    obj({ timestampUtc: opt(date), sourceSlotName: opt(str), destinationSlotName: opt(str) }),
  ),
};

/** GET …/sites/{name} and …/slots/{slot}: without it nothing can be judged. */
export const site = obj({
  id: opt(str),
  name: opt(str),
  kind: opt(str),
  location: opt(str),
  tags: opt(record(str)),
  properties: obj(siteProperties),
});

/** GET …/config/web (the site GET leaves bitness and the .NET target null: read from here). */
export const config = obj({
  properties: obj({
    use32BitWorkerProcess: opt(bool),
    alwaysOn: opt(bool),
    netFrameworkVersion: opt(str),
    linuxFxVersion: opt(str),
    powerShellVersion: opt(str),
    javaVersion: opt(str),
    pythonVersion: opt(str),
    nodeVersion: opt(str),
    functionAppScaleLimit: opt(num),
    minimumElasticInstanceCount: opt(num),
  }),
});

/** POST …/config/appsettings/list: a StringDictionary, every value a string. */
export const appSettings = obj({ properties: record(str) });

/** POST …/config/connectionstrings/list. `type` is the ConnectionStringType enum (a name; old APIs a number). */
export const connectionStrings = obj({
  properties: record(obj({ value: opt(str), type: opt(either(str, num)) })),
});

/** GET …/config/slotConfigNames: the lists are null when nothing is sticky. */
export const slotConfigNames = obj({
  properties: obj({
    appSettingNames: opt(arr(str)),
    connectionStringNames: opt(arr(str)),
    azureStorageConfigNames: opt(arr(str)),
  }),
});

/** GET …/serverfarms/{name}. */
export const plan = obj({
  id: opt(str),
  name: opt(str),
  sku: opt(obj({ name: opt(str), tier: opt(str), capacity: opt(num) })),
  properties: obj({ reserved: opt(bool), numberOfSites: opt(num), maximumElasticWorkerCount: opt(num) }),
});

/** GET …/functions (each page). */
export const functions = page(
  obj({ name: opt(str), properties: obj({ isDisabled: opt(bool), language: opt(str) }) }),
);

/** GET …/sites/{name}/slots (each page). */
export const slots = page(obj({ name: opt(str), properties: obj({ state: opt(str) }) }));

/** GET …/deployments (each page): Kudu's status is a number, its times dates. */
export const deployments = page(
  obj({
    id: opt(str),
    name: opt(str),
    properties: obj({
      status: opt(num),
      active: opt(bool),
      start_time: opt(date),
      end_time: opt(date),
      author: opt(str),
      deployer: opt(str),
      message: opt(str),
    }),
  }),
);

/**
 * ARM's pass-through to the host (`HostStatus` in Azure/azure-functions-host,
 * src/WebJobs.Script.WebHost/Models/HostStatus.cs): `state` is always written.
 */
export const hostStatus = obj({
  state: str,
  version: opt(str),
  errors: opt(arr(str)),
  extensionBundle: opt(obj({ id: opt(str), version: opt(str) })),
});

/** GET …/providers/Microsoft.Insights/metricDefinitions (each page). */
export const metricDefinitions = page(obj({ name: obj({ value: str, localizedValue: opt(str) }) }));

const point = obj({
  timeStamp: date,
  average: opt(num),
  total: opt(num),
  minimum: opt(num),
  maximum: opt(num),
  count: opt(num),
});

/** GET …/providers/Microsoft.Insights/metrics. */
export const metrics = obj({
  timespan: opt(str),
  interval: opt(str),
  value: arr(obj({ name: obj({ value: str }), timeseries: opt(arr(obj({ data: opt(arr(point)) }))) })),
});

/** What the signals query (logs.ts) returns, column by column. */
const SIGNAL_COLUMNS: Record<string, Guard> = {
  window: oneOf("baseline", "after"),
  kind: oneOf("exception", "failed request", "host signal"),
  name: opt(str),
  count: (value, path) =>
    typeof value === "number" && Number.isInteger(value) && value >= 0
      ? undefined
      : typeof value === "number"
        ? `${path} is not a count`
        : expected(value, path, "a count"),
};

/** A Log Analytics column type, as the cell must be (null is an empty cell). */
const CELL: Record<string, Guard> = {
  string: str,
  long: num,
  int: num,
  real: num,
  double: num,
  bool: bool,
  boolean: bool,
  datetime: date,
};

const table: Guard = (value, path) => {
  const problem = obj({
    name: opt(str),
    columns: arr(obj({ name: str, type: opt(str) })),
    rows: arr(arr(() => undefined)),
  })(value, path);
  if (problem) return problem;
  const { columns, rows } = value as { columns: { name: string; type?: string }[]; rows: unknown[][] };
  for (const column of Object.keys(SIGNAL_COLUMNS))
    if (!columns.some((c) => c.name === column)) return `${path}.columns has no "${column}" column`;
  for (const [r, row] of rows.entries()) {
    if (row.length !== columns.length)
      return `${path}.rows[${r}] has ${row.length} cells for ${columns.length} columns`;
    for (const [i, column] of columns.entries()) {
      // Column names and types are Azure text: looked up as own keys only, and only the query's named.
      const known = Object.hasOwn(SIGNAL_COLUMNS, column.name);
      const type = column.type ?? "";
      const guard = known
        ? SIGNAL_COLUMNS[column.name]!
        : opt(Object.hasOwn(CELL, type) ? CELL[type]! : () => undefined);
      const cell = guard(row[i], `${path}.rows[${r}][${known ? column.name : i}]`);
      if (cell) return cell;
    }
  }
  return undefined;
};

/** POST {Log Analytics}/v1/{component}/query: the signals query's one table. */
export const logs = obj({ tables: arr(table), error: opt(obj({})) });

const runtimeSettings = obj({
  runtimeVersion: opt(str),
  appSettingsDictionary: opt(record(str)),
  siteConfigPropertiesDictionary: opt(
    obj({
      use32BitWorkerProcess: opt(bool),
      linuxFxVersion: opt(str),
      netFrameworkVersion: opt(str),
      powerShellVersion: opt(str),
      javaVersion: opt(str),
    }),
  ),
  supportedFunctionsExtensionVersions: opt(arr(str)),
  isDeprecated: opt(bool),
  endOfLifeDate: opt(date),
});

/** GET /providers/Microsoft.Web/functionAppStacks (each page). */
export const stacks = page(
  obj({
    name: opt(str),
    properties: obj({
      value: opt(str),
      displayText: opt(str),
      majorVersions: opt(
        arr(
          obj({
            value: opt(str),
            minorVersions: opt(
              arr(
                obj({
                  value: opt(str),
                  displayText: opt(str),
                  stackSettings: opt(
                    obj({
                      linuxRuntimeSettings: opt(runtimeSettings),
                      windowsRuntimeSettings: opt(runtimeSettings),
                    }),
                  ),
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  }),
);

export const SHAPES = {
  site,
  config,
  appSettings,
  connectionStrings,
  slotConfigNames,
  plan,
  functions,
  slots,
  deployments,
  hostStatus,
  metricDefinitions,
  metrics,
  logs,
  stacks,
} satisfies Record<string, Guard>;

export type ShapeSource = keyof typeof SHAPES;

/**
 * Which response is which, by its path (lower-cased, `//` collapsed, no query). Anchored, and the
 * Insights providers first: a plan's metrics live under …/serverfarms/{name}/providers/….
 */
const SITE = String.raw`/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.web/sites/[^/]+(?:/slots/[^/]+)?`;
const ROUTES: [RegExp, ShapeSource][] = [
  [/\/providers\/microsoft\.insights\/metricdefinitions$/, "metricDefinitions"],
  [/\/providers\/microsoft\.insights\/metrics$/, "metrics"],
  [/^\/v1\/subscriptions\/.+\/query$/, "logs"],
  [/^\/providers\/microsoft\.web\/functionappstacks$/, "stacks"],
  [/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.web\/serverfarms\/[^/]+$/, "plan"],
  [new RegExp(`^${SITE}$`), "site"],
  [new RegExp(`^${SITE}/config/web$`), "config"],
  [new RegExp(`^${SITE}/config/appsettings/list$`), "appSettings"],
  [new RegExp(`^${SITE}/config/connectionstrings/list$`), "connectionStrings"],
  [new RegExp(`^${SITE}/config/slotconfignames$`), "slotConfigNames"],
  [new RegExp(`^${SITE}/functions$`), "functions"],
  [
    /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.web\/sites\/[^/]+\/slots$/,
    "slots",
  ],
  [new RegExp(`^${SITE}/deployments$`), "deployments"],
  [new RegExp(`^${SITE}/hostruntime/admin/host/status$`), "hostStatus"],
];

export function shapeSourceOf(url: string): ShapeSource | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  path = path
    .replace(/\/{2,}/g, "/")
    .replace(/\/$/, "")
    .toLowerCase();
  return ROUTES.find(([pattern]) => pattern.test(path))?.[1];
}

/** What is wrong with a parsed body for `source`, or undefined when it is the documented shape. */
export function shapeProblem(source: ShapeSource, body: unknown): string | undefined {
  return SHAPES[source](body, "");
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
    const source = shapeSourceOf(request.url);
    if (!source) return response;
    const parsed = parsedBody(response);
    const problem = "problem" in parsed ? parsed.problem : shapeProblem(source, parsed.body);
    if (problem) throw new MalformedResponseError(source, problem);
    const ambiguous = ambiguityProblem(
      source,
      "body" in parsed ? parsed.body : undefined,
      response.bodyAsText ?? "",
    );
    if (ambiguous) throw new MalformedResponseError(source, ambiguous, "ambiguous");
    return response;
  },
};
