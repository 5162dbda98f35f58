/**
 * CI runners parse commands out of any line they see (Azure Pipelines `##vso[…]` and `##[…]`,
 * GitHub Actions `::name …::`). Text that came from Azure — a setting name, a host error, a
 * deployment author — must never become one, so every string of a report passes through here.
 * https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function inert(text: string): string {
  return text.replace(/##(vso)?\[/gi, (match) => `${match.slice(0, -1)} [`).replace(/::/g, ": :");
}

/** The same, through every string of a JSON-shaped value. */
export function inertDeep<T>(value: T): T {
  if (typeof value === "string") return inert(value) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => inertDeep(item)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inertDeep(v)])) as T;
  return value;
}
