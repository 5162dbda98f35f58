/**
 * Progress on stderr while a check reads Azure: a spinner only where a person watches (a TTY that
 * is not TERM=dumb, not CI, not --quiet); with --verbose, one line per call with its status and
 * time, in any setting. stdout stays the report's.
 */
export interface RequestEvent {
  method: string;
  url: string;
  status?: number;
  ms: number;
  error?: string;
}

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

export interface Progress {
  onRequest: (event: RequestEvent) => void;
  stop(): void;
}

export function createProgress(options: {
  write: (text: string) => void;
  interactive: boolean;
  verbose: boolean;
  label: string;
}): Progress {
  let done = 0;
  let frame = 0;
  const started = Date.now();
  const draw = () =>
    options.write(
      `\r${FRAMES[frame++ % FRAMES.length]} ${options.label}: ${done} request(s), ${((Date.now() - started) / 1000).toFixed(1)} s\x1b[K`,
    );
  const timer = options.interactive ? setInterval(draw, 80) : undefined;
  timer?.unref();
  return {
    onRequest(event) {
      done += 1;
      if (!options.verbose) return;
      const path = new URL(event.url).pathname.replace(/\/{2,}/g, "/");
      const query = new URL(event.url).searchParams;
      const detail = query.get("metricnames") ? ` metrics=${query.get("metricnames")}` : "";
      options.write(
        `${options.interactive ? "\r\x1b[K" : ""}azfn-health: ${event.method} ` +
          `${event.status ?? event.error ?? "error"} ${Math.round(event.ms)} ms ${path}${detail}\n`,
      );
    },
    stop() {
      if (timer) clearInterval(timer);
      if (options.interactive) options.write("\r\x1b[K");
      if (options.verbose)
        options.write(`azfn-health: ${done} request(s) in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    },
  };
}

export function isInteractive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && env.TERM !== "dumb" && !env.CI && !env.TF_BUILD && !env.GITHUB_ACTIONS;
}
