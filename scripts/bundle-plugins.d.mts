import type { Plugin } from "esbuild";

/** The start-up plugins of scripts/bundle.mjs, in the order it applies them. */
export const START_UP_PLUGINS: Plugin[];
