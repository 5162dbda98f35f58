import type { Report } from "./model.js";
import { renderHtml } from "./html.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderText } from "./text.js";

export const FORMATS = ["text", "json", "markdown", "junit", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** One renderer per format, same signature. */
export function render(report: Report, format: Format, options: { color: boolean }): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "markdown":
      return renderMarkdown(report);
    case "junit":
      return renderJunit(report);
    case "html":
      return renderHtml(report);
    case "text":
      return renderText(report, options);
  }
}
