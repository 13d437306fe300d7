import path from 'node:path';
import type { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { DurabilityBarrier } from './durability.js';
import { strerror, type FileSystem } from './fileSystem.js';
import { RecordStream } from './records.js';

/** After this long without an fsync, a waiter does not wait for others to gather. */
const GATHER_IDLE_MS = 5;

/** Unsynced bytes kept to be written again after a failed fsync; beyond this, only retried. */
const RETAIN_LIMIT = 16 * 1024 * 1024;

export type Logger = (level: string, message: string) => void;

/** A finished rewrite handed to the log: it becomes the log once its rename is on disk. */
export interface Replacement {
  fd: number;
  /** Bytes in the new file (the log continues from there). */
  size: number;
  /** The database its last record selected. */
  selectedDb: number;
  /** The temporary name, renamed over `target` by the log's next sync. */
  tempPath: string;
}

/**
 * The open append-only log: records accumulate in `stream`, reach the kernel with one
 * write (`flush`, called before the replies of a batch go out, so an acknowledged write
 * survives a crash of the process), and reach the disk with fdatasync on the threadpool.
 *
 * Group commit: one fsync is in flight at a time and covers every record written before it
 * started; the DurabilityBarrier's callbacks queued before it began are released when it
 * ends. Callbacks that arrive meanwhile wait for the next one, which starts as soon as the
 * current one ends, so under load each fsync serves everyone who arrived during the last.
 *
 * A failed write or fsync is never a silent loss: the bytes stay in memory and are written
 * again, waiters keep waiting, and `error` makes new writes answer MISCONF (Redis's
 * aof_last_write_status) until a write and an fsync succeed again.
 */
export class AppendLog {
  readonly stream = new RecordStream();
  /** File offset where the next write goes: every byte before it was handed to the kernel. */
  offset: number;
  /** Bytes known to be on disk. */
  synced: number;
  /** The last write or fsync failure, until one succeeds again. */
  writeError: NodeJS.ErrnoException | null = null;
  syncError: NodeJS.ErrnoException | null = null;
  /** Unix ms of the last completed fsync (everysec pacing, INFO). */
  lastSyncAt = Date.now();
  /** fsyncs done, and how many callbacks they released: group commit at work (INFO, tests). */
  syncs = 0;
  releasedBySync = 0;

  private syncing = false;
  /** Waiters the next fsync waits for (see waiterQueued), and when the last one ended. */
  private gather = 0;
  private lastSyncEnd = 0;
  private linger: NodeJS.Timeout | null = null;
  /** The fsync in flight (close() waits for it). */
  private inflight: Promise<void> | null = null;
  /** close() has begun: no new sync cycle starts (close does the last one). */
  private closing = false;
  /** Connections whose replies wait for this turn's log write. */
  private heldReplies: Writable[] = [];
  private syncScheduled = false;
  private flushScheduled = false;
  /** Written since `synced`, to write again at `synced` if an fsync fails. */
  private unsynced: Buffer[] = [];
  private unsyncedBytes = 0;
  /** False once unsynced bytes were not all kept (over RETAIN_LIMIT). */
  private retainedAll = true;
  /** Callbacks of a failed fsync, released by the retry that succeeds. */
  private retryBatch: (() => void)[] = [];
  /** Bumped when the log moves to a rewrite's file: a sync in flight then belongs to the old one. */
  private generation = 0;
  /** A rewrite's file waiting for its rename (done by the next sync, after its data is on disk). */
  private replacement: { tempPath: string; oldFd: number } | null = null;
  /** The directory entry of a newly created log is not on disk yet. */
  private dirUnsynced: boolean;
  private closed = false;

  constructor(
    private readonly fs: FileSystem,
    private readonly durability: DurabilityBarrier,
    private readonly log: Logger,
    private fd: number,
    /** The log's path: its final name. */
    readonly target: string,
    size: number,
    created: boolean,
  ) {
    this.offset = size;
    this.synced = size;
    this.dirUnsynced = created;
  }

  /** Whether writes must be refused (Redis's writeCommandsDeniedByDiskError). */
  get error(): NodeJS.ErrnoException | null {
    return this.writeError ?? this.syncError;
  }

  /** Bytes not yet handed to the kernel (INFO aof_buffer_length). */
  get buffered(): number {
    return this.stream.text.length;
  }

  get syncInProgress(): boolean {
    return this.syncing;
  }

  /** Appends one record for database `db`; it reaches the kernel before the next replies. */
  append(db: number, record: string): void {
    this.stream.add(db, record);
    this.scheduleFlush();
  }

  /** Appends records that replay all or nothing. */
  appendAtomic(dbs: readonly number[], records: readonly string[]): void {
    this.stream.addAtomic(dbs, records);
    this.scheduleFlush();
  }

  /** Records appended outside a client's batch (timers) reach the kernel within this loop turn. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushFromLoop);
  }

  private readonly flushFromLoop = (): void => {
    this.flushScheduled = false;
    if (this.writeError === null) this.flush();
    // Redis's beforeSleep order: the log is written, then the replies go out. (A failed
    // write does not hold them: it is retried, and writes are refused meanwhile.)
    const held = this.heldReplies;
    if (held.length > 0) {
      this.heldReplies = [];
      for (const socket of held) socket.uncork();
    }
  };

  /**
   * Holds a connection's output (socket.cork) until this loop turn's log write, so the
   * records of its writes reach the kernel before their replies, with one write for every
   * client served in the turn rather than one per client.
   */
  holdRepliesUntilWritten(socket: Writable): void {
    if (this.stream.text === '') return;
    if (socket.writableCorked === 0) {
      socket.cork();
      this.heldReplies.push(socket);
    }
    this.scheduleFlush();
  }

  /**
   * Hands what accumulated to the kernel in one write. Returns false when the write failed
   * (the bytes stay buffered and are written again later).
   */
  flush(): boolean {
    const text = this.stream.text;
    if (text === '' || this.closed) return true;
    const data = Buffer.from(text, 'latin1');
    try {
      if (this.onWriteTime === null) this.fs.writeSync(this.fd, data, this.offset);
      else {
        const start = performance.now();
        this.fs.writeSync(this.fd, data, this.offset);
        this.onWriteTime(performance.now() - start);
      }
    } catch (err) {
      const first = this.writeError === null;
      this.writeError = err as NodeJS.ErrnoException;
      if (first) {
        this.log('warning', `Error writing to the AOF file: ${strerror(err)}`);
        this.onStatus?.();
      }
      return false;
    }
    this.stream.text = '';
    this.offset += data.length;
    this.retain(data);
    if (this.writeError !== null) {
      this.writeError = null;
      this.log('warning', 'AOF write error looks solved, Holdfast can write again.');
      this.onStatus?.();
    }
    return true;
  }

  private retain(data: Buffer): void {
    if (!this.retainedAll) return;
    if (this.unsyncedBytes + data.length > RETAIN_LIMIT) {
      this.retainedAll = false;
      this.unsynced = [];
      this.unsyncedBytes = 0;
      return;
    }
    this.unsynced.push(data);
    this.unsyncedBytes += data.length;
  }

  /**
   * A reply started waiting for an fsync (`waiting` wait now). With no fsync running, one
   * starts at the end of this loop turn, unless the last fsync released clients that have
   * not come back yet: then it lingers until they have (or 1 ms), so the clients of a busy
   * server share one fsync instead of splitting into two groups that alternate (group
   * commit with a commit delay, adaptive: a lone client never waits for it).
   */
  waiterQueued(waiting: number): void {
    if (this.syncing || this.syncScheduled || this.closed) return; // the running one plans the next
    const idle = performance.now() - this.lastSyncEnd > GATHER_IDLE_MS;
    if (waiting >= this.gather || idle) {
      this.requestSync();
      return;
    }
    this.linger ??= setTimeout(this.lingerOver, 1);
  }

  private readonly lingerOver = (): void => {
    this.linger = null;
    if (this.durability.waitingCount > 0) this.requestSync();
  };

  /** Plans an fsync for this loop turn's end, so every client served this turn shares it. */
  requestSync(): void {
    if (this.linger !== null) {
      clearTimeout(this.linger);
      this.linger = null;
    }
    if (this.syncScheduled || this.closed) return;
    this.syncScheduled = true;
    setImmediate(this.startSync);
  }

  /** Whether anything written is not on disk yet. */
  get dirty(): boolean {
    return this.offset > this.synced || this.stream.text !== '' || this.replacement !== null || this.dirUnsynced;
  }

  private readonly startSync = (): void => {
    this.syncScheduled = false;
    if (this.syncing || this.closed || this.closing) return; // the running sync starts the next when it ends
    if (!this.flush()) return; // retried from the cron
    const batch = this.retryBatch.length > 0 ? this.retryBatch.concat(this.durability.beginSync()) : this.durability.beginSync();
    this.retryBatch = [];
    const target = this.offset;
    const kept = this.unsynced.length;
    const replacement = this.replacement;
    const dirUnsynced = this.dirUnsynced;
    const generation = this.generation;
    this.syncing = true;
    this.inflight = this.syncSteps(replacement, dirUnsynced).then(
      () => {
        this.syncing = false;
        this.inflight = null;
        if (generation !== this.generation) {
          // The log moved to a rewrite's file meanwhile. This fsync still made its records
          // durable in the old file, which stays the log until the new one's rename (done
          // only after the new file's data is on disk): its waiters may go.
          this.durability.endSync(batch);
          this.requestSync();
          return;
        }
        this.synced = target;
        this.unsynced.splice(0, kept);
        this.unsyncedBytes = 0;
        for (const b of this.unsynced) this.unsyncedBytes += b.length;
        if (this.offset === this.synced) this.retainedAll = true;
        if (replacement !== null) this.replacement = null;
        if (dirUnsynced) this.dirUnsynced = false;
        if (this.syncError !== null) {
          this.syncError = null;
          this.log('warning', 'AOF fsync error looks solved, Holdfast can write again.');
          this.onStatus?.();
        }
        this.lastSyncAt = Date.now();
        this.syncs++;
        this.releasedBySync += batch.length;
        // The next fsync waits for those released now to come back (waiterQueued).
        this.gather = batch.length + this.durability.waitingCount;
        this.lastSyncEnd = performance.now();
        this.durability.endSync(batch);
        if (this.replacement !== null) this.requestSync();
        else if (this.durability.waitingCount > 0) this.waiterQueued(this.durability.waitingCount);
      },
      (err: NodeJS.ErrnoException) => {
        this.syncing = false;
        this.inflight = null;
        if (generation !== this.generation) {
          // The old file failed, but its records are in the new one too: wait for that.
          this.retryBatch = batch.concat(this.retryBatch);
          this.requestSync();
          return;
        }
        const first = this.syncError === null;
        this.syncError = err;
        if (first) {
          this.log('warning', `Error syncing the AOF file: ${strerror(err)}`);
          this.onStatus?.();
        }
        // Redis exits here with appendfsync always; the waiters keep waiting instead, and
        // the cron writes the unsynced bytes again before the next try (after a failed
        // fsync the kernel may have dropped them).
        this.retryBatch = batch.concat(this.retryBatch);
      },
    );
  };

  /** Called when the write status changes (error or recovered): MISCONF on or off. */
  onStatus: (() => void) | null = null;
  /** How long each write to the kernel took, in ms (LATENCY's aof-write). */
  onWriteTime: ((ms: number) => void) | null = null;

  private async syncSteps(replacement: { tempPath: string; oldFd: number } | null, dirUnsynced: boolean): Promise<void> {
    await this.fs.datasync(this.fd);
    if (replacement !== null) {
      // The rewrite's data is on disk: only now may its name replace the old log's.
      await this.fs.rename(replacement.tempPath, this.target);
      await this.fs.syncDirectory(path.dirname(this.target));
      // Its last close deletes the old log: off the event loop, and nobody waits for it.
      if (replacement.oldFd >= 0) this.fs.closeInBackground(replacement.oldFd).catch(() => undefined);
    } else if (dirUnsynced) {
      await this.fs.syncDirectory(path.dirname(this.target));
    }
  }

  /**
   * Cron (Redis's serverCron part of flushAppendOnlyFile): retries a failed write or fsync,
   * and with `everysec` starts an fsync once a second when something is unsynced.
   */
  tick(everysec: boolean, now: number): void {
    if (this.closed) return;
    if (this.writeError !== null) {
      if (!this.flush()) return;
    }
    if (this.syncError !== null && !this.syncing) {
      // Write again what the failed fsync may have lost, then try again.
      if (this.retainedAll && this.unsyncedBytes > 0) {
        try {
          this.fs.writeSync(this.fd, Buffer.concat(this.unsynced), this.synced);
        } catch (err) {
          this.log('warning', `Error writing to the AOF file: ${strerror(err)}`);
          return;
        }
      }
      this.requestSync();
      return;
    }
    if (everysec && now - this.lastSyncAt >= 1000 && this.dirty) this.requestSync();
    // A safety net: replies waiting for an fsync never wait for a trigger that was missed
    // (the write error they met is solved, say, and nothing else is coming).
    else if (this.durability.waitingCount > 0 && !this.syncing && !this.syncScheduled && this.linger === null) this.requestSync();
  }

  /**
   * A rewrite finished: its file takes over from here. Everything for the old file is
   * written there first; the next sync puts the new file's data on disk, renames it over
   * the log and syncs the directory, and only then releases waiters, so at every moment
   * the name points at a file that holds every acknowledged write.
   */
  replaceWith(next: Replacement): void {
    this.flush();
    // A log opened on the rewrite's own file (appendonly yes at run time) has no old file.
    const oldFd = this.fd === next.fd ? -1 : this.fd;
    this.generation++;
    this.fd = next.fd;
    this.offset = next.size;
    this.synced = 0;
    this.unsynced = [];
    this.unsyncedBytes = 0;
    this.retainedAll = false;
    this.stream.selectedDb = next.selectedDb;
    this.replacement = { tempPath: next.tempPath, oldFd };
    this.requestSync();
  }

  /** A rewrite's file is waiting for its rename: no other rewrite may finish meanwhile. */
  get replacing(): boolean {
    return this.replacement !== null;
  }

  /** Size of the log file as the reader will see it (INFO aof_current_size). */
  get size(): number {
    return this.offset;
  }

  /**
   * Writes and fsyncs everything, then closes (SHUTDOWN, appendonly no). Waits for a sync
   * in flight first; the waiters are released by the final sync.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    while (this.inflight !== null) await this.inflight;
    this.flush();
    const batch = this.retryBatch.concat(this.durability.beginSync());
    this.retryBatch = [];
    try {
      await this.syncSteps(this.replacement, this.dirUnsynced);
      this.replacement = null;
      this.synced = this.offset;
      // Released only once on disk: a reply never acknowledges a write that is not.
      this.durability.endSync(batch);
    } catch (err) {
      this.log('warning', `Error syncing the AOF file on close: ${strerror(err)}`);
    }
    this.closed = true;
    try {
      this.fs.close(this.fd);
    } catch {
      /* already gone */
    }
  }
}
