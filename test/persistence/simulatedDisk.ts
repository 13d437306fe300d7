import path from 'node:path';
import type { FileSystem } from '../../src/persistence/fileSystem.js';

/** One file's contents: what the page cache holds, and what reached the device. */
class Inode {
  cache = Buffer.alloc(0);
  durable = Buffer.alloc(0);
}

function errno(code: string, op: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated failure, ${op}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/**
 * A disk for tests. Writes land in a "page cache" and reach the device only with fsync;
 * directory entries (create, rename, unlink) reach it only with a directory fsync.
 * `powerCut()` throws away everything that did not, as a power failure would: what is left
 * is what a restart reads. Failures (ENOSPC, EIO) can be injected per operation, and
 * fsyncs can be slowed down, or held until released, to observe group commit.
 */
export class SimulatedDisk implements FileSystem {
  /** Directory entries as the page cache sees them, and as they are on the device. */
  private entries = new Map<string, Inode>();
  private durableEntries = new Map<string, Inode>();
  private dirs = new Set<string>();
  private fds = new Map<number, Inode>();
  private nextFd = 1000;
  /** Bumped by a power cut: an fsync that started before it never completes. */
  private epoch = 0;
  /** Error codes to throw, per operation, until cleared. */
  fail: Partial<Record<'write' | 'datasync' | 'syncDirectory' | 'open', string>> = {};
  /** Milliseconds every fsync takes. */
  syncDelayMs = 0;
  /** When set, asynchronous writes (a rewrite's) wait until `releaseWrites()`. */
  holdWrites = false;
  private heldWrites: (() => void)[] = [];
  /** When set, fsyncs wait until `releaseSyncs()`. */
  holdSyncs = false;
  private heldSyncs: ((failure?: Error) => void)[] = [];
  /** Counters for assertions. */
  readonly counts = { writes: 0, datasyncs: 0, dirSyncs: 0 };

  /** Resolves every fsync that is being held. */
  releaseSyncs(): void {
    for (const r of this.heldSyncs.splice(0)) r();
  }

  releaseWrites(): void {
    this.holdWrites = false;
    for (const r of this.heldWrites.splice(0)) r();
  }

  get heldWriteCount(): number {
    return this.heldWrites.length;
  }

  get heldSyncCount(): number {
    return this.heldSyncs.length;
  }

  /** A power failure: unsynced data and directory changes are lost; open files are gone. */
  powerCut(): void {
    this.epoch++;
    this.entries = new Map(this.durableEntries);
    for (const inode of new Set(this.entries.values())) inode.cache = Buffer.from(inode.durable);
    this.fds.clear();
    // fsyncs in flight never complete: their callers see an I/O error (the machine is gone).
    for (const r of this.heldSyncs.splice(0)) r(errno('EIO', 'power cut'));
  }

  /** The bytes a reader would see now (page cache included). */
  contents(file: string): Buffer {
    const inode = this.entries.get(path.resolve(file));
    if (inode === undefined) throw errno('ENOENT', `read ${file}`);
    return Buffer.from(inode.cache);
  }

  /** Puts a file in place, as if written and synced earlier. */
  install(file: string, data: Buffer): void {
    const p = path.resolve(file);
    this.dirs.add(path.dirname(p));
    const inode = new Inode();
    inode.cache = Buffer.from(data);
    inode.durable = Buffer.from(data);
    this.entries.set(p, inode);
    this.durableEntries.set(p, inode);
  }

  private inode(fd: number): Inode {
    const inode = this.fds.get(fd);
    if (inode === undefined) throw errno('EBADF', 'fd');
    return inode;
  }

  private async syncPoint(): Promise<void> {
    if (this.syncDelayMs > 0) await new Promise((r) => setTimeout(r, this.syncDelayMs));
    else await new Promise((r) => setImmediate(r));
    if (this.holdSyncs) {
      await new Promise<void>((resolve, reject) => this.heldSyncs.push((failure) => (failure ? reject(failure) : resolve())));
    }
  }

  open(file: string, mode: 'create' | 'existing' | 'read'): number {
    if (this.fail.open) throw errno(this.fail.open, 'open');
    const p = path.resolve(file);
    if (!this.dirs.has(path.dirname(p))) throw errno('ENOENT', `open ${file}`);
    let inode = this.entries.get(p);
    if (mode === 'create') {
      inode = new Inode();
      this.entries.set(p, inode);
    } else if (inode === undefined) {
      throw errno('ENOENT', `open ${file}`);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, inode);
    return fd;
  }

  close(fd: number): void {
    this.inode(fd);
    this.fds.delete(fd);
  }

  async closeInBackground(fd: number): Promise<void> {
    this.close(fd);
  }

  size(fd: number): number {
    return this.inode(fd).cache.length;
  }

  writeSync(fd: number, data: Buffer, position: number): void {
    const inode = this.inode(fd);
    if (this.fail.write) throw errno(this.fail.write, 'write');
    this.counts.writes++;
    const end = position + data.length;
    if (end > inode.cache.length) {
      const grown = Buffer.alloc(end);
      inode.cache.copy(grown);
      inode.cache = grown;
    }
    data.copy(inode.cache, position);
  }

  async write(fd: number, data: Buffer, position: number): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.holdWrites) await new Promise<void>((r) => this.heldWrites.push(r));
    this.writeSync(fd, data, position);
  }

  async read(fd: number, into: Buffer, position: number): Promise<number> {
    const inode = this.inode(fd);
    await new Promise((r) => setImmediate(r));
    if (position >= inode.cache.length) return 0;
    return inode.cache.copy(into, 0, position, Math.min(inode.cache.length, position + into.length));
  }

  async datasync(fd: number): Promise<void> {
    const inode = this.inode(fd);
    // What the fsync covers is what was written when it started.
    const snapshot = Buffer.from(inode.cache);
    const epoch = this.epoch;
    await this.syncPoint();
    if (epoch !== this.epoch) throw errno('EIO', 'power cut');
    if (this.fail.datasync) throw errno(this.fail.datasync, 'fdatasync');
    this.counts.datasyncs++;
    inode.durable = snapshot;
  }

  async syncDirectory(dir: string): Promise<void> {
    const d = path.resolve(dir);
    const before = new Map(this.entries);
    const epoch = this.epoch;
    await this.syncPoint();
    if (epoch !== this.epoch) throw errno('EIO', 'power cut');
    if (this.fail.syncDirectory) throw errno(this.fail.syncDirectory, 'fsync directory');
    this.counts.dirSyncs++;
    for (const p of [...this.durableEntries.keys()]) if (path.dirname(p) === d && !before.has(p)) this.durableEntries.delete(p);
    for (const [p, inode] of before) if (path.dirname(p) === d) this.durableEntries.set(p, inode);
  }

  truncate(fd: number, length: number): void {
    const inode = this.inode(fd);
    inode.cache = Buffer.from(inode.cache.subarray(0, length));
  }

  async rename(from: string, to: string): Promise<void> {
    const f = path.resolve(from);
    const inode = this.entries.get(f);
    if (inode === undefined) throw errno('ENOENT', `rename ${from}`);
    this.entries.delete(f);
    this.entries.set(path.resolve(to), inode);
  }

  unlink(file: string): void {
    if (!this.entries.delete(path.resolve(file))) throw errno('ENOENT', `unlink ${file}`);
  }

  exists(file: string): boolean {
    const p = path.resolve(file);
    return this.entries.has(p) || this.dirs.has(p);
  }

  mkdirp(dir: string): void {
    this.dirs.add(path.resolve(dir));
  }

  list(dir: string): string[] {
    const d = path.resolve(dir);
    return [...this.entries.keys()].filter((p) => path.dirname(p) === d).map((p) => path.basename(p));
  }
}
