import { EXIT_CODES } from "./exit-codes.js";

/** Known failures carry their exit code; anything else is a crash (exit 1). */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = EXIT_CODES.USAGE.code;
}

/** A resource that does not exist or cannot be read: the check cannot judge it. */
export class CollectError extends Error {
  override name = "CollectError";
  readonly exitCode = EXIT_CODES.INCONCLUSIVE.code;
  constructor(
    message: string,
    readonly resource: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export function isKnownError(error: unknown): error is UsageError | CollectError {
  return error instanceof UsageError || error instanceof CollectError;
}
