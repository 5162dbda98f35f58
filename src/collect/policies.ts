import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { RestError } from "@azure/core-rest-pipeline";

/**
 * The tool never writes to Azure: anything but a GET, or a POST to a read-only list/query
 * endpoint, is refused before it leaves the process, whatever a future caller asks for.
 */
const READ_ONLY_POST =
  /\/(config\/appsettings\/list|config\/connectionstrings\/list|query|metrics:getBatch)$/i;

export const readOnlyPolicy: PipelinePolicy = {
  name: "azfnHealthReadOnly",
  sendRequest(request, next) {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" || (request.method === "POST" && READ_ONLY_POST.test(path)))
      return next(request);
    return Promise.reject(new Error(`refused ${request.method} ${path}: azfn-health is read-only`));
  },
};

/**
 * A per-attempt timeout. The SDK's retry strategy retries ETIMEDOUT (not an abort), so a slow
 * call is retried like a dropped connection, while the whole-check signal still ends it all.
 */
export function perTryTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "azfnHealthPerTryTimeout",
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const attempt = new AbortController();
      const timer = setTimeout(() => attempt.abort(), timeoutMs);
      request.abortSignal = outer ? AbortSignal.any([outer as AbortSignal, attempt.signal]) : attempt.signal;
      try {
        return await next(request);
      } catch (error) {
        if (attempt.signal.aborted && !outer?.aborted) {
          throw new RestError(`no answer within ${timeoutMs / 1000}s`, { code: "ETIMEDOUT", request });
        }
        throw error;
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
      }
    },
  };
}

/**
 * Reports each attempt (method, URL, status, time) to an observer: progress and --verbose. Timed by
 * Date.now(): whole milliseconds are what they show, and the first read of `performance` loads the
 * performance timeline's modules (issue #19).
 */
export function observerPolicy(
  onRequest: (event: { method: string; url: string; status?: number; ms: number; error?: string }) => void,
): PipelinePolicy {
  return {
    name: "azfnHealthObserver",
    async sendRequest(request, next) {
      const started = Date.now();
      try {
        const response = await next(request);
        onRequest({
          method: request.method,
          url: request.url,
          status: response.status,
          ms: Date.now() - started,
        });
        return response;
      } catch (error) {
        onRequest({
          method: request.method,
          url: request.url,
          ms: Date.now() - started,
          error: (error as { code?: string }).code ?? (error as Error).name,
        });
        throw error;
      }
    },
  };
}
