import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { UsageError } from "../core/errors.js";

/**
 * The one way azfn-health reads a file it is given (a recording, the configuration): only a regular
 * file, and only up to a size the real thing never reaches. A FIFO nobody writes would block a read
 * forever, `/dev/urandom` never ends and a file under `/proc` says it is empty and is not: the file
 * is opened without blocking (O_NONBLOCK: a FIFO opens at once), its kind checked on the open
 * descriptor (no race between a check and the open), and at most `maxBytes + 1` bytes are read.
 */
export class FileReadError extends UsageError {
  override name = "FileReadError";
  constructor(
    message: string,
    /** The errno code when the file could not be opened (ENOENT: there is none). */
    readonly code?: string,
  ) {
    super(message);
  }
}

const KIND = (stat: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
}) =>
  stat.isFIFO()
    ? "a FIFO"
    : stat.isCharacterDevice() || stat.isBlockDevice()
      ? "a device"
      : stat.isSocket()
        ? "a socket"
        : stat.isDirectory()
          ? "a directory"
          : "not a regular file";

const megabytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`;

/**
 * The file's text, or a FileReadError whose message is one line: `<label>: cannot read <path>: <why>`.
 * `label` names the input (`--from`, `--config`) so the line says which one.
 *
 * Read with synchronous calls: a run reads its inputs before it does anything else, and a replayed
 * check then starts no thread pool (the first asynchronous file call costs milliseconds of start-up,
 * issue #19). Nothing it refuses is ever read, so no call can block: a FIFO opens without blocking
 * and is refused by its kind.
 */
export function readBoundedFile(path: string, label: string, maxBytes: number): Promise<string> {
  // A refusal rejects the promise, as it always has (the executor's throw).
  return new Promise((resolve) => resolve(readBoundedFileNow(path, label, maxBytes)));
}

function readBoundedFileNow(path: string, label: string, maxBytes: number): string {
  const refuse = (why: string, code?: string) =>
    new FileReadError(`${label}: cannot read ${path}: ${why}`, code);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(code === "ENOENT" ? "no such file" : (code ?? "error"), code);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse(`${KIND(stat)}, not a regular file`);
    if (stat.size > maxBytes)
      throw refuse(`${megabytes(stat.size)}, over the ${megabytes(maxBytes)} a real one stays under`);
    // The size a file states is not a promise (/proc says 0, a file may still be growing): read into a
    // buffer one byte larger than the stated size, so a regular file takes one read and a file that
    // grows shows it at once; grow the buffer as needed, never past one byte over the limit.
    let buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = Buffer.allocUnsafe(Math.min(Math.max(length * 2, 64 * 1024), maxBytes + 1));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw refuse(`over the ${megabytes(maxBytes)} a real one stays under`);
    }
    // Only the bytes read: the rest of an unsafe allocation is never looked at.
    return buffer.toString("utf8", 0, length);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // A read waiting on a file system that stopped answering ends only by a signal (the pipeline's
    // SIGTERM): --timeout cannot cut a synchronous call, and an asynchronous one would not end the
    // process either, as Node's exit waits for its thread pool.
    throw refuse(
      code === "EINTR" ? "interrupted by a signal while reading it" : (code ?? (error as Error).message),
    );
  } finally {
    closeSync(fd);
  }
}
