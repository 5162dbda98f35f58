// A file system of one file, recording.json, whose reads are never answered: what a network share
// that stopped answering looks like to a reader. A FUSE server speaking the kernel's protocol on
// /dev/fuse (https://www.kernel.org/doc/html/latest/filesystems/fuse.html), mounted with mount(8);
// Linux, as root, where /dev/fuse can be opened. It answers on this process's event loop, so the
// reader must be another process started without blocking it (spawn, never spawnSync).
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, read, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const OP = { LOOKUP: 1, GETATTR: 3, OPEN: 14, READ: 15, RELEASE: 18, FLUSH: 25, INIT: 26, INTERRUPT: 36 };
/** Requests that take no answer (FORGET, BATCH_FORGET) and READ, which is never answered. */
const UNANSWERED = new Set([2, 42, OP.READ]);
const ERRNO = { ENOENT: 2, EINTR: 4, ENOSYS: 38 };
const FILE = { ino: 2, mode: 0o100644, size: 1000 };
const ROOT_DIR = { ino: 1, mode: 0o040755, size: 0 };
const IN_HEADER = 40;

/** struct fuse_attr (88 bytes) at `at`: what stat(2) reports. */
function writeAttr(body, at, { ino, mode, size }) {
  body.writeBigUInt64LE(BigInt(ino), at);
  body.writeBigUInt64LE(BigInt(size), at + 8);
  body.writeUInt32LE(mode, at + 60);
  body.writeUInt32LE(1, at + 64); // nlink
  body.writeUInt32LE(4096, at + 80); // blksize
}

/** Whether the file system can be mounted here (Linux, root, /dev/fuse, mount(8)): it is, once. */
export function canMountFuse() {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    mountHangingFile().close();
    return true;
  } catch {
    return false;
  }
}

/** Mounts the file system on a new directory; `close()` unmounts it. */
export function mountHangingFile() {
  const dir = mkdtempSync(join(tmpdir(), "azfn-hanging-"));
  const fd = openSync("/dev/fuse", "r+");
  const mount = spawnSync(
    "mount",
    ["-t", "fuse", "-o", "fd=3,rootmode=40000,user_id=0,group_id=0", "azfn-hanging", dir],
    { stdio: ["ignore", "pipe", "pipe", fd], encoding: "utf8" },
  );
  if (mount.status !== 0) {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mount: ${mount.stderr.trim()}`);
  }
  let open = true;
  let reading;
  /** Resolved when a reader is waiting on the file: its READ has arrived and is left unanswered. */
  const waiting = new Promise((resolve) => (reading = resolve));
  const reply = (unique, errno, body = Buffer.alloc(0)) => {
    const out = Buffer.alloc(16 + body.length);
    out.writeUInt32LE(out.length, 0);
    out.writeInt32LE(-errno, 4);
    out.writeBigUInt64LE(unique, 8);
    body.copy(out, 16);
    try {
      writeSync(fd, out);
    } catch {
      // The request is gone (its reader ended) or the mount is.
    }
  };
  const answer = (request, length) => {
    const opcode = request.readUInt32LE(4);
    const unique = request.readBigUInt64LE(8);
    const node = request.readBigUInt64LE(16);
    if (opcode === OP.READ) reading();
    if (UNANSWERED.has(opcode)) return;
    if (opcode === OP.INIT) {
      // struct fuse_init_out: protocol 7.31, no optional features.
      const body = Buffer.alloc(64);
      body.writeUInt32LE(7, 0);
      body.writeUInt32LE(31, 4);
      body.writeUInt16LE(16, 16); // max_background
      body.writeUInt16LE(16, 18); // congestion_threshold
      body.writeUInt32LE(1 << 20, 20); // max_write
      body.writeUInt32LE(1, 24); // time_gran
      reply(unique, 0, body);
    } else if (opcode === OP.LOOKUP) {
      const name = request.toString("utf8", IN_HEADER, length).replace(/\0[\s\S]*$/, "");
      if (node !== 1n || name !== "recording.json") return reply(unique, ERRNO.ENOENT);
      const body = Buffer.alloc(128); // struct fuse_entry_out
      body.writeBigUInt64LE(2n, 0);
      writeAttr(body, 40, FILE);
      reply(unique, 0, body);
    } else if (opcode === OP.GETATTR) {
      const body = Buffer.alloc(104); // struct fuse_attr_out
      writeAttr(body, 16, node === 1n ? ROOT_DIR : FILE);
      reply(unique, 0, body);
    } else if (opcode === OP.OPEN) reply(unique, 0, Buffer.alloc(16));
    else if (opcode === OP.RELEASE || opcode === OP.FLUSH) reply(unique, 0);
    // A reader that gives up on a signal: its read ends with EINTR, as a file system that honours
    // interrupts (FUSE's own, NFS's) ends it.
    else if (opcode === OP.INTERRUPT) reply(request.readBigUInt64LE(IN_HEADER), ERRNO.EINTR);
    else reply(unique, ERRNO.ENOSYS);
  };
  const buffer = Buffer.alloc((1 << 20) + 4096);
  const next = () =>
    read(fd, buffer, 0, buffer.length, null, (error, length) => {
      if (error || !open) return;
      answer(buffer, length);
      next();
    });
  next();
  return {
    dir,
    waiting,
    close() {
      open = false;
      spawnSync("umount", ["-l", dir]);
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
