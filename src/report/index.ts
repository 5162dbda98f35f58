import type { Report } from "./model.js";

export const FORMATS = ["text", "json", "markdown", "junit", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** One renderer per format, same signature, each loaded only when asked for. */
export async function render(
  report: Report,
  format: Format,
  options: { color: boolean; verbose?: boolean; width?: number },
): Promise<string> {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "markdown":
      return (await import("./markdown.js")).renderMarkdown(report);
    case "junit":
      return (await import("./junit.js")).renderJunit(report);
    case "html":
      return (await import("./html.js")).renderHtml(report);
    case "text":
      return (await import("./text.js")).renderText(report, options);
  }
}
