import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Server } from '../server.js';
import { Err } from '../protocol/errors.js';
import { AppendLog } from './appendLog.js';
import { nodeFileSystem, strerror, type FileSystem } from './fileSystem.js';
import { LoadError, loadLog, type LoadProgress } from './loader.js';
import { Propagator } from './propagation.js';
import { Rewrite } from './rewrite.js';

/** Cron period: failed-write retries, everysec fsyncs, automatic rewrites (Redis's hz 10). */
const CRON_MS = 100;
/** Writes wait this long at most while the log is closed at shutdown (the process ends first). */
const SHUTDOWN_PAUSE_MS = 3_600_000;
/** After a failed automatic rewrite, wait this long before the next (Redis backs off too). */
const REWRITE_RETRY_MS = 60_000;

export type RewriteStart = 'started' | 'in-progress' | 'scheduled' | 'failed';

/**
 * Persistence through an append-only log (Redis's AOF), composed from:
 *
 * - Propagator: which records each write produces (called by the dispatcher);
 * - AppendLog: the open file, one kernel write per batch of replies, group-commit fsync;
 * - Rewrite: the compact image written while serving, switched in atomically;
 * - loadLog: the replay at start, in slices, with `-LOADING` meanwhile.
 *
 * Settings: appendonly, appendfilename, dir, appendfsync, sale-fsync, aof-load-truncated,
 * auto-aof-rewrite-percentage, auto-aof-rewrite-min-size. SAVE / BGSAVE / LASTSAVE are
 * answered in terms of the log (commands/persistence.ts).
 */
export class Persistence {
  readonly propagator: Propagator;
  log: AppendLog | null = null;
  rewrite: Rewrite | null = null;
  /** A rewrite to start as soon as the running one ends (BGSAVE SCHEDULE, appendonly yes). */
  rewriteScheduled = false;
  readonly stats = {
    rewrites: 0,
    /** Complete images written: rewrites and SAVEs (INFO rdb_saves). */
    saves: 0,
    consecutiveFailures: 0,
    lastRewriteTimeSec: -1,
    lastRewriteStatus: 'ok' as 'ok' | 'err',
    /** Longest event-loop stall during the last rewrite (µs), -1 before any. */
    lastRewriteStallUsec: -1,
    /** Log size after the last rewrite or load: the base auto-aof-rewrite-percentage grows from. */
    baseSize: 0,
  };
  loading: LoadProgress | null = null;
  private cron: NodeJS.Timeout | null = null;
  private lastRewriteFailure = 0;
  /** A rewrite started by CONFIG SET appendonly yes: its file becomes the log. */
  private openOnRewrite = false;
  private rewriteWaiters: ((ok: boolean) => void)[] = [];
  /** A finished rewrite (log off) is being fsynced and renamed into place. */
  private installing = false;
  private rewriteCount = 0;

  constructor(
    private readonly server: Server,
    readonly fs: FileSystem = nodeFileSystem,
  ) {
    this.propagator = new Propagator(server);
    server.keyspace.propagateRemoval = this.propagator.removed;
    server.durability.onWaiting = (waiting) => this.log?.waiterQueued(waiting);
    server.config.onChange((name, value) => this.configChanged(name, value));
  }

  get logPath(): string {
    return path.resolve(this.server.config.str('dir'), this.server.config.str('appendfilename'));
  }

  /**
   * At start (Server.listen, before "Ready to accept connections"): with appendonly yes,
   * replays the log and opens it for appending. Throws LoadError when it cannot be loaded.
   */
  async start(): Promise<void> {
    if (this.server.config.bool('appendonly')) {
      const file = this.logPath;
      this.fs.mkdirp(path.dirname(file));
      this.removeStaleTempFiles(path.dirname(file));
      let size = 0;
      let created = true;
      if (this.fs.exists(file)) {
        size = await this.load(file);
        created = false;
      }
      this.openLog(file, size, created);
      this.stats.baseSize = size;
    }
    this.cron = setInterval(() => this.tick(), CRON_MS);
    this.cron.unref();
  }

  /** Replays `file`; returns the size of its valid part (the cut tail is removed). */
  private async load(file: string): Promise<number> {
    const server = this.server;
    const name = path.basename(file);
    const progress: LoadProgress = { startedAt: Date.now(), totalBytes: 0, loadedBytes: 0 };
    this.loading = progress;
    server.dispatcher.loading = true;
    // Redis: nothing expires while loading. The clock stands still until the load is done,
    // so a record replays as it ran (a hold purchased before its deadline is purchasable).
    server.clock.paused = true;
    const started = performance.now();
    try {
      const result = await loadLog(server, this.fs, file, progress, (fraction) => {
        const secs = (performance.now() - started) / 1000;
        const keys = this.keyCount();
        server.log('notice', `Loading ${name}: ${(fraction * 100).toFixed(0)}% (${keys} keys, ${Math.round(keys / secs)} keys/s)`);
      });
      if (result.truncation !== null) {
        if (!server.config.bool('aof-load-truncated')) {
          throw new LoadError(
            `Unexpected end of file reading the append only file ${name} (${result.truncation} at offset ${result.validUpTo}). ` +
              `You can: 1) Make a backup of your AOF file, then use holdfast check-aof --fix ${name}. ` +
              `2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
          );
        }
        server.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!! (${result.truncation})`);
        server.log('warning', `!!! Truncating the AOF ${name} at offset ${result.validUpTo} !!!`);
        const fd = this.fs.open(file, 'existing');
        try {
          this.fs.truncate(fd, result.validUpTo);
          await this.fs.datasync(fd);
        } finally {
          this.fs.close(fd);
        }
        server.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      }
      const secs = (performance.now() - started) / 1000;
      server.log('notice', `DB loaded from append only file: ${secs.toFixed(3)} seconds (${result.records} records, ${this.keyCount()} keys)`);
      return result.validUpTo;
    } finally {
      server.clock.paused = false;
      // Deadlines that passed during the downtime fire now (with their events).
      server.scheduler.rearm();
      server.dispatcher.loading = false;
      this.loading = null;
      server.stats.dirty = 0;
    }
  }

  private keyCount(): number {
    let n = 0;
    for (const db of this.server.keyspace.dbs) n += db.size;
    return n;
  }

  /** Leftovers of a rewrite interrupted by a crash. */
  private removeStaleTempFiles(dir: string): void {
    try {
      for (const f of this.fs.list(dir)) if (f.startsWith('temp-rewriteaof-')) this.fs.unlink(path.join(dir, f));
    } catch {
      /* a directory we cannot list: nothing to clean */
    }
  }

  private openLog(file: string, size: number, created: boolean): void {
    const fd = this.fs.open(file, created ? 'create' : 'existing');
    this.attachLog(new AppendLog(this.fs, this.server.durability, (l, m) => this.server.log(l, m), fd, file, size, created));
  }

  private attachLog(log: AppendLog): void {
    this.log = log;
    log.onStatus = () => this.refreshWriteStatus();
    const observability = this.server.observability;
    log.onWriteTime = (ms) => observability.latencyIfOver('aof-write', ms);
    this.propagator.sinks = [
      { write: (dbs, _argvs, records) => (records.length === 1 ? log.append(dbs[0]!, records[0]!) : log.appendAtomic(dbs, records)) },
      ...(this.rewrite !== null ? [this.rewrite] : []),
    ];
    this.applyPolicies();
  }

  /** appendfsync and sale-fsync as they apply to the open log. */
  private applyPolicies(): void {
    const config = this.server.config;
    const open = this.log !== null;
    const always = open && config.str('appendfsync') === 'always';
    this.propagator.enabled = open || this.rewrite !== null;
    this.propagator.syncWrites = always;
    // With appendfsync always every write's reply waits already (the sale's too).
    if (open && !always && config.str('sale-fsync') === 'always') this.server.durability.activate();
    else this.server.durability.deactivate(!open);
  }

  /** MISCONF while the last write or fsync failed (Redis's writeCommandsDeniedByDiskError). */
  private refreshWriteStatus(): void {
    const err = this.log?.error ?? null;
    this.server.dispatcher.writesDenied = err === null ? null : Err.aofWriteError(strerror(err));
  }

  /**
   * Before a connection's replies go out (Client.writeOut). With everysec or no, they wait
   * for this loop turn's log write (one write for all clients, as Redis's beforeSleep), so an
   * acknowledged write survives a crash of the process. With always nothing is needed here:
   * the replies of writes wait for their fsync anyway.
   */
  beforeReply(socket: Writable): void {
    const log = this.log;
    if (log !== null && !this.propagator.syncWrites) log.holdRepliesUntilWritten(socket);
  }

  private tick(): void {
    const log = this.log;
    const config = this.server.config;
    if (log !== null) log.tick(config.str('appendfsync') === 'everysec', Date.now());
    if (this.rewrite !== null || this.installing) return;
    if (this.rewriteScheduled && !this.log?.replacing) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    // auto-aof-rewrite-percentage / auto-aof-rewrite-min-size (Redis's serverCron)
    const percentage = config.num('auto-aof-rewrite-percentage');
    if (log === null || percentage === 0 || log.size < config.num('auto-aof-rewrite-min-size')) return;
    if (Date.now() - this.lastRewriteFailure < REWRITE_RETRY_MS) return;
    const base = this.stats.baseSize > 0 ? this.stats.baseSize : 1;
    const growth = Math.floor((log.size * 100) / base) - 100;
    if (growth >= percentage) {
      this.server.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
      this.startRewrite();
    }
  }

  /**
   * BGREWRITEAOF (and BGSAVE): starts a rewrite unless one runs. With the log off, the
   * rewrite still writes the file (a snapshot a later start with appendonly yes loads).
   */
  startRewrite(): RewriteStart {
    if (this.rewrite !== null || this.installing) return 'in-progress';
    if (this.log?.replacing) {
      // The previous rewrite's rename is not on disk yet: start right after it.
      this.rewriteScheduled = true;
      return 'scheduled';
    }
    const target = this.log?.target ?? this.logPath;
    const dir = path.dirname(target);
    let fd: number;
    const tempPath = path.join(dir, `temp-rewriteaof-${process.pid}-${++this.rewriteCount}.aof`);
    try {
      this.fs.mkdirp(dir);
      fd = this.fs.open(tempPath, 'create');
    } catch (err) {
      this.rewriteFailed(`Can't open the append-only file ${tempPath} for the rewrite: ${strerror(err)}`);
      return 'failed';
    }
    const rewrite = new Rewrite(this.server, this.fs, tempPath, fd);
    this.rewrite = rewrite;
    this.propagator.sinks = [...this.propagator.sinks, rewrite];
    this.propagator.beforeWrite = rewrite.beforeWrite;
    this.applyPolicies();
    this.server.log('notice', 'Background append only file rewriting started');
    void rewrite.run(this.propagator).then(
      (replacement) => {
        // Same tick as the walk's last write: nothing was propagated in between.
        this.rewrite = null;
        const log = this.log;
        const adopt = log === null && this.openOnRewrite && this.server.config.bool('appendonly');
        this.openOnRewrite = false;
        if (log !== null) {
          log.replaceWith(replacement);
          this.finishRewrite(rewrite, replacement.size);
        } else if (adopt) {
          const next = new AppendLog(this.fs, this.server.durability, (l, m) => this.server.log(l, m), replacement.fd, target, 0, false);
          next.replaceWith(replacement);
          this.attachLog(next);
          this.finishRewrite(rewrite, replacement.size);
        } else {
          // The log is off: the file only has to reach its name, durably (and no other
          // rewrite may start before it has).
          this.installing = true;
          void this.installSnapshot(replacement.fd, replacement.tempPath, target).then(
            () => {
              this.installing = false;
              this.finishRewrite(rewrite, replacement.size);
            },
            (err: unknown) => {
              this.installing = false;
              this.rewriteFailed(`Error installing the rewritten AOF: ${strerror(err)}`);
            },
          );
        }
        this.applyPolicies();
      },
      (err: unknown) => {
        this.rewrite = null;
        this.applyPolicies();
        this.rewriteFailed(`Background AOF rewrite failed: ${strerror(err)}`);
      },
    );
    return 'started';
  }

  private async installSnapshot(fd: number, tempPath: string, target: string): Promise<void> {
    try {
      await this.fs.datasync(fd);
    } finally {
      this.fs.close(fd);
    }
    await this.fs.rename(tempPath, target);
    await this.fs.syncDirectory(path.dirname(target));
  }

  private finishRewrite(rewrite: Rewrite, size: number): void {
    const stats = this.stats;
    stats.rewrites++;
    stats.saves++;
    stats.consecutiveFailures = 0;
    stats.lastRewriteStatus = 'ok';
    stats.lastRewriteTimeSec = Math.round((Date.now() - rewrite.startedAt) / 1000);
    stats.lastRewriteStallUsec = rewrite.maxStallUsec;
    stats.baseSize = size;
    // Everything written so far is in one complete image: what LASTSAVE reports.
    this.server.lastSave = Math.floor(Date.now() / 1000);
    this.server.stats.dirty = 0;
    this.server.log('notice', `Background AOF rewrite finished successfully (${rewrite.progress.keysWritten} keys, longest event-loop stall ${(rewrite.maxStallUsec / 1000).toFixed(1)} ms)`);
    for (const w of this.rewriteWaiters.splice(0)) w(true);
  }

  private rewriteFailed(message: string): void {
    const stats = this.stats;
    stats.lastRewriteStatus = 'err';
    stats.consecutiveFailures++;
    this.lastRewriteFailure = Date.now();
    this.server.log('warning', message);
    for (const w of this.rewriteWaiters.splice(0)) w(false);
  }

  /** Resolves when the running (or next) rewrite ends: true when it succeeded. */
  whenRewritten(): Promise<boolean> {
    return new Promise((resolve) => this.rewriteWaiters.push(resolve));
  }

  /**
   * SAVE: with the log on, everything written so far is fsynced; with it off, a rewrite
   * writes the whole dataset. Resolves once that is on disk; the event loop keeps serving.
   */
  async save(): Promise<boolean> {
    const log = this.log;
    if (log !== null) {
      if (!log.flush()) return false;
      await new Promise<void>((resolve) => {
        this.server.durability.queue(resolve);
        log.requestSync();
      });
      if (log.error !== null) return false;
      this.stats.saves++;
      this.server.lastSave = Math.floor(Date.now() / 1000);
      this.server.stats.dirty = 0;
      return true;
    }
    const done = this.whenRewritten();
    this.startRewrite();
    return done;
  }

  private configChanged(name: string, value: unknown): void {
    if (name === 'appendonly') {
      if (value === true && this.log === null) {
        // Redis: the log starts as a rewrite of the current dataset.
        this.openOnRewrite = true;
        if (this.startRewrite() === 'in-progress') this.server.log('notice', 'AOF will start when the rewrite in progress ends');
      } else if (value === false && this.log !== null) {
        // Redis's stopAppendOnly: a last write and fsync, then the log is closed. Replies
        // waiting for an fsync are released by that last one, not before.
        const log = this.log;
        this.rewrite?.abort();
        void log.close().then(() => {
          if (this.log !== log) return;
          this.log = null;
          this.propagator.sinks = this.rewrite !== null ? [this.rewrite] : [];
          this.applyPolicies();
          this.refreshWriteStatus();
          // Turned on again meanwhile: start over from a rewrite.
          if (this.server.config.bool('appendonly')) this.configChanged('appendonly', true);
        });
      }
    } else if (name === 'appendfsync' || name === 'sale-fsync') {
      this.applyPolicies();
      if (this.log !== null && this.server.durability.waitingCount > 0) this.log.requestSync();
    }
  }

  /** SHUTDOWN, SIGTERM/SIGINT: everything written reaches the disk before the process ends. */
  async stop(): Promise<void> {
    if (this.cron !== null) clearInterval(this.cron);
    this.cron = null;
    this.rewrite?.abort();
    const log = this.log;
    if (log !== null) {
      // Redis pauses writes during shutdown: one answered now would not be in the log.
      this.server.pause.pause(SHUTDOWN_PAUSE_MS, 'write');
      this.server.log('notice', 'Calling fsync() on the AOF file.');
      this.log = null;
      this.propagator.enabled = false;
      this.propagator.sinks = [];
      await log.close();
    }
  }

  /** INFO persistence fields (added to the built-in section; ours win). */
  infoFields(): [string, string | number][] {
    const stats = this.stats;
    const log = this.log;
    const rewrite = this.rewrite;
    const config = this.server.config;
    const inProgress = rewrite !== null ? 1 : 0;
    // Redis's fields, in Redis's order. There is no RDB file: the rdb_* fields describe the
    // last complete image on disk (a rewrite or SAVE), which is what LASTSAVE reports.
    const fields: [string, string | number][] = [
      ['loading', this.loading !== null ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', rewrite?.progress.keysWritten ?? 0],
      ['current_save_keys_total', rewrite?.progress.keysTotal ?? 0],
      ['rdb_changes_since_last_save', this.server.stats.dirty],
      ['rdb_bgsave_in_progress', inProgress],
      ['rdb_last_save_time', this.server.lastSave],
      ['rdb_last_bgsave_status', stats.lastRewriteStatus],
      ['rdb_last_bgsave_time_sec', stats.lastRewriteTimeSec],
      ['rdb_current_bgsave_time_sec', rewrite !== null ? Math.round((Date.now() - rewrite.startedAt) / 1000) : -1],
      ['rdb_saves', stats.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', 0],
      ['rdb_last_load_keys_loaded', 0],
      ['aof_enabled', log !== null ? 1 : 0],
      ['aof_rewrite_in_progress', inProgress],
      ['aof_rewrite_scheduled', this.rewriteScheduled || (this.openOnRewrite && rewrite === null) ? 1 : 0],
      ['aof_last_rewrite_time_sec', stats.lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', rewrite !== null ? Math.round((Date.now() - rewrite.startedAt) / 1000) : -1],
      ['aof_last_bgrewrite_status', stats.lastRewriteStatus],
      ['aof_rewrites', stats.rewrites],
      ['aof_rewrites_consecutive_failures', stats.consecutiveFailures],
      ['aof_last_write_status', log?.error != null ? 'err' : 'ok'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (log !== null) {
      fields.push(
        ['aof_current_size', log.size],
        ['aof_base_size', stats.baseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', log.buffered],
        ['aof_pending_bio_fsync', log.syncInProgress ? 1 : 0],
        ['aof_delayed_fsync', 0],
      );
    }
    const loading = this.loading;
    if (loading !== null) {
      const elapsed = (Date.now() - loading.startedAt) / 1000;
      const fraction = loading.totalBytes === 0 ? 0 : loading.loadedBytes / loading.totalBytes;
      fields.push(
        ['loading_start_time', Math.floor(loading.startedAt / 1000)],
        ['loading_total_bytes', loading.totalBytes],
        ['loading_rdb_used_mem', 0],
        ['loading_loaded_bytes', loading.loadedBytes],
        ['loading_loaded_perc', (fraction * 100).toFixed(2)],
        ['loading_eta_seconds', fraction > 0 ? Math.round((elapsed * (1 - fraction)) / fraction) : 1],
      );
    }
    // Holdfast's own. No fork: the rewrite walks the keyspace in slices on the event loop, and
    // the longest stall it caused (or is causing) is the figure to watch. fsyncs and the
    // waiters they released show group commit at work.
    fields.push(['aof_rewrite_max_stall_usec', rewrite !== null ? rewrite.stallNowUsec : stats.lastRewriteStallUsec]);
    if (log !== null) {
      fields.push(['aof_fsync_policy', config.str('appendfsync')], ['aof_fsyncs', log.syncs], ['aof_fsync_waiters_released', log.releasedBySync]);
    }
    return fields;
  }
}
