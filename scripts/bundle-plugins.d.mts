import type { Plugin } from "esbuild";

/** The start-up plugins of scripts/bundle.mjs, in the order it applies them. */
export const START_UP_PLUGINS: Plugin[];

/** The first line of every chunk: the require CommonJS code in the bundle calls. */
export const BANNER: string;
