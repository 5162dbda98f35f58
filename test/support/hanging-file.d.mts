/** A FUSE file system of one file, recording.json, whose reads are never answered (hanging-file.mjs). */
export function canMountFuse(): boolean;
export function mountHangingFile(): {
  dir: string;
  /** Resolved when a reader is waiting on the file. */
  waiting: Promise<void>;
  close(): void;
};
