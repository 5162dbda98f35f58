import { link, lstat, mkdir, mkdtemp, readdir, rename, rm, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";

/**
 * Evidence is written whole or not at all, and never over anything. The files are written into a
 * private temporary directory beside the target (same file system), then either the directory is
 * renamed into place (a new target) or each file is hard-linked in (an existing, empty-of-ours
 * target): link(2), like O_EXCL, fails on any existing name, a planted symlink included, and never
 * follows one. On any failure what was linked is removed again and the temporary directory goes:
 * a refused `--out` leaves nothing behind.
 */
export interface NewFile {
  name: string;
  text: string;
  mode: number;
}

const alreadyThere = (label: string, path: string) =>
  new UsageError(
    `${label}: ${path} already exists: give a new directory (azfn-health never overwrites evidence)`,
  );

/**
 * Refuses a target that cannot take these files, before any work is done: a symlink, a file, a
 * directory that holds one of the names, or a place no directory can be made (`/proc/x`).
 */
export async function checkNewFilesTarget(
  label: string,
  dir: string,
  names: readonly string[],
): Promise<void> {
  const existing = await lstat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (existing instanceof Error) {
    if (existing.code !== "ENOENT") throw new UsageError(`${label}: cannot use ${dir}: ${existing.code}`);
    const parent = await lstat(dirname(dir)).catch(() => undefined);
    return refuseUnwritableParent(label, dir, parent);
  }
  if (existing.isSymbolicLink())
    throw new UsageError(
      `${label}: ${dir} is a symbolic link: give a new directory (azfn-health never follows one)`,
    );
  if (!existing.isDirectory())
    throw new UsageError(`${label}: ${dir} exists and is not a directory: give a new directory`);
  const present = new Set(await readdir(dir).catch(() => []));
  const clash = names.find((name) => present.has(name));
  if (clash) throw alreadyThere(label, join(dir, clash));
}

function refuseUnwritableParent(label: string, dir: string, parent: { isDirectory(): boolean } | undefined) {
  // /proc and /sys take no new directory: say so in one line rather than after the check has run.
  if (/^\/(proc|sys)(\/|$)/.test(resolve(dir)))
    throw new UsageError(
      `${label}: ${dir} is on a kernel file system (/proc, /sys): give a directory on disk`,
    );
  if (parent && !parent.isDirectory())
    throw new UsageError(`${label}: ${dirname(dir)} is not a directory: give a new directory`);
}

/** Writes every file, or none: see the module comment. Returns nothing; throws one UsageError line. */
export async function writeNewFiles(label: string, dir: string, files: readonly NewFile[]): Promise<void> {
  await checkNewFilesTarget(
    label,
    dir,
    files.map((f) => f.name),
  );
  const parent = dirname(dir);
  let staging: string | undefined;
  const linked: string[] = [];
  let target = dir;
  try {
    await mkdir(parent, { recursive: true, mode: 0o700 });
    staging = await mkdtemp(join(parent, `.${basename(dir)}.partial-`));
    for (const file of files)
      await writeFile(join(staging, file.name), file.text, { flag: "wx", mode: file.mode });
    const existing = await lstat(dir).catch(() => undefined);
    if (!existing) {
      // rename(2) onto a name that appeared meanwhile fails unless it is an empty directory.
      await rename(staging, dir);
      staging = undefined;
      return;
    }
    if (existing.isSymbolicLink() || !existing.isDirectory())
      throw new UsageError(`${label}: ${dir} changed while the check ran: give a new directory`);
    for (const file of files) {
      target = join(dir, file.name);
      await link(join(staging, file.name), target);
      linked.push(target);
    }
  } catch (error) {
    await Promise.all(linked.map((path) => unlink(path).catch(() => undefined)));
    if (error instanceof UsageError) throw error;
    const { code, path } = error as NodeJS.ErrnoException;
    if (code === "EEXIST" || code === "ENOTEMPTY") throw alreadyThere(label, target);
    throw new UsageError(`${label}: cannot write ${path ?? dir}: ${code ?? (error as Error).message}`);
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}
