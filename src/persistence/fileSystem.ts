import fs from 'node:fs';

/**
 * Every file operation persistence makes, behind one interface, so tests can run the log
 * over a simulated disk that keeps unsynced writes in a "page cache" and drops them on a
 * simulated power cut, or that fails with ENOSPC/EIO on demand.
 *
 * Writes are positional (the writer tracks the file's end itself): a failed or partial
 * write is simply written again at the same offset. Synchronous calls are the ones that
 * reach only the page cache (small writes, rename); the ones that wait for the device
 * (fsync) and the rewrite's bulk writes are asynchronous, on the libuv threadpool.
 */
export interface FileSystem {
  /** Opens for reading and writing, creating the file ('create' truncates it) or not. */
  open(path: string, mode: 'create' | 'existing' | 'read'): number;
  close(fd: number): void;
  /**
   * Closes on the threadpool: the last close of a file already renamed over or unlinked
   * frees its blocks, which takes the kernel tens of ms for a log of hundreds of MB (a
   * 50 MB log: 20 ms measured on the event loop; Redis's bioCreateCloseJob for the same).
   */
  closeInBackground(fd: number): Promise<void>;
  size(fd: number): number;
  /** Writes all of `data` at `position`, or throws (NodeJS.ErrnoException). */
  writeSync(fd: number, data: Buffer, position: number): void;
  write(fd: number, data: Buffer, position: number): Promise<void>;
  read(fd: number, into: Buffer, position: number): Promise<number>;
  /** fdatasync: the file's data (and its size) are on the device when this resolves. */
  datasync(fd: number): Promise<void>;
  /** fsync of a directory: its entries (a create, a rename) are on the device. */
  syncDirectory(dir: string): Promise<void>;
  truncate(fd: number, length: number): void;
  /** On the threadpool: a rename over a file nobody has open frees that file's blocks. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): void;
  exists(path: string): boolean;
  mkdirp(dir: string): void;
  list(dir: string): string[];
}

/** Node's fs, with `always`'s fsyncs and bulk writes off the event loop. */
export const nodeFileSystem: FileSystem = {
  open: (path, mode) => fs.openSync(path, mode === 'create' ? 'w+' : mode === 'existing' ? 'r+' : 'r'),
  close: (fd) => fs.closeSync(fd),
  closeInBackground: (fd) => new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve()))),
  size: (fd) => fs.fstatSync(fd).size,
  writeSync(fd, data, position) {
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
  },
  async write(fd, data, position) {
    let done = 0;
    while (done < data.length) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.write(fd, data, done, data.length - done, position + done, (err, written) => (err ? reject(err) : resolve(written))),
      );
      done += n;
    }
  },
  read: (fd, into, position) =>
    new Promise((resolve, reject) => fs.read(fd, into, 0, into.length, position, (err, n) => (err ? reject(err) : resolve(n)))),
  datasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  syncDirectory: (dir) =>
    new Promise((resolve, reject) => {
      fs.open(dir, 'r', (err, fd) => {
        if (err) return reject(err);
        fs.fsync(fd, (syncErr) => fs.close(fd, () => (syncErr ? reject(syncErr) : resolve())));
      });
    }),
  truncate: (fd, length) => fs.ftruncateSync(fd, length),
  rename: (from, to) => new Promise((resolve, reject) => fs.rename(from, to, (err) => (err ? reject(err) : resolve()))),
  unlink: (path) => fs.unlinkSync(path),
  exists: (path) => fs.existsSync(path),
  mkdirp: (dir) => void fs.mkdirSync(dir, { recursive: true }),
  list: (dir) => fs.readdirSync(dir),
};

/** glibc's strerror texts, which Redis puts in MISCONF and its log lines. */
const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  EFBIG: 'File too large',
  EBADF: 'Bad file descriptor',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINVAL: 'Invalid argument',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

/** The text Redis's strerror would give for a failed file operation. */
export function strerror(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e?.code !== undefined ? STRERROR[e.code] : undefined) ?? e?.message ?? String(err);
}
