import type { Clock } from '../expiry/clock.js';
import type { DeadlineScheduler } from '../expiry/scheduler.js';
import { NotifyClass, type Notifier } from '../notify/notifier.js';
import { Database, lruStampAt, newLruClock, type LruClock } from './database.js';
import type { RemovalReason } from './values.js';

export interface KeyspaceStats {
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
}

/** Called for every modified key (Redis's signalModifiedKey): WATCH, client-side caching. */
export type ModifiedKeyListener = (db: Database, key: string) => void;

const EVENT_CLASS: Record<RemovalReason, number> = {
  del: NotifyClass.generic,
  expired: NotifyClass.expired,
  evicted: NotifyClass.evicted,
};

/** The databases and the one removal funnel every deletion passes through. */
export class Keyspace {
  readonly dbs: Database[] = [];
  readonly stats: KeyspaceStats = { expiredKeys: 0, evictedKeys: 0, keyspaceHits: 0, keyspaceMisses: 0 };
  readonly lru: LruClock;
  private modifiedListeners: ModifiedKeyListener[] = [];
  private allKeysListeners: ((db: Database) => void)[] = [];
  /** Persistence: an expired or evicted key is logged as a DEL (Redis's propagateDeletion). */
  propagateRemoval: ((db: Database, key: string) => void) | null = null;

  constructor(
    dbCount: number,
    readonly clock: Clock,
    readonly scheduler: DeadlineScheduler,
    readonly notifier: Notifier,
  ) {
    this.lru = newLruClock(clock.now());
    for (let i = 0; i < dbCount; i++) {
      this.dbs.push(new Database(i, clock, scheduler, this.deleteKeyAndNotify, this.lru));
    }
  }

  /** Refreshes the coarse clock used for access times (called by the server cron). */
  tick(now = this.clock.now()): void {
    this.lru.seconds = Math.floor(now / 1000);
    this.lru.stamp = lruStampAt(now);
  }

  onModifiedKey(listener: ModifiedKeyListener): void {
    this.modifiedListeners.push(listener);
  }

  /**
   * For listeners that keep a registry of keys (WATCH, blocked clients): called instead of
   * one signalModifiedKey per key when a whole database changes at once.
   */
  onAllKeysModified(listener: (db: Database) => void): void {
    this.allKeysListeners.push(listener);
  }

  /**
   * Redis's signalFlushedDb / touchAllWatchedKeysInDb (FLUSHDB, FLUSHALL, SWAPDB): every live
   * key of db counts as modified. Each listener looks up the keys it registered (isLive)
   * rather than walking the database: O(watched and blocked keys), not O(keys). A walk
   * over 5,000,000 keys stalled the server 3.3 s on FLUSHALL ASYNC.
   */
  signalAllKeys(db: Database): void {
    if (db.size === 0) return;
    for (const l of this.allKeysListeners) l(db);
  }

  /** Whether key is stored, expired or not, without expiring it (listeners must not write). */
  isStored(db: Database, key: string): boolean {
    return db.accessOf(key) !== undefined;
  }

  /** Whether key is stored and not past its deadline, without expiring it. */
  isLive(db: Database, key: string): boolean {
    if (!this.isStored(db, key)) return false;
    const at = db.getExpire(key);
    return at === undefined || at > this.clock.now();
  }

  /** Redis's signalModifiedKey: every write to a key, including its removal. */
  signalModifiedKey(db: Database, key: string): void {
    // Every write ends here once it is done: an aggregate changed in place is re-charged.
    db.recharge(key);
    for (const l of this.modifiedListeners) l(db, key);
  }

  /**
   * The removal funnel (Redis's deleteKeyAndPropagate + notifyKeyspaceEvent): DEL, lazy and
   * timed expiry, eviction all end here, so every removal is counted, signalled to WATCH
   * and published. Returns whether a key was removed.
   */
  readonly deleteKeyAndNotify = (db: Database, key: string, reason: RemovalReason): boolean => {
    if (db.removeRaw(key) === undefined) return false;
    if (reason === 'expired') this.stats.expiredKeys++;
    else if (reason === 'evicted') this.stats.evictedKeys++;
    if (reason !== 'del' && this.propagateRemoval !== null) this.propagateRemoval(db, key);
    this.signalModifiedKey(db, key);
    this.notifier.notify(EVENT_CLASS[reason], reason, key, db.index);
    return true;
  };

  /** Emits a keyspace event for a write (set, expire, rename_from, ...). */
  notify(type: number, event: string, key: string, db: Database): void {
    this.notifier.notify(type, event, key, db.index);
  }

  /** SWAPDB: the Database objects trade places (each keeps its own keys and timers). */
  swap(a: number, b: number): void {
    const da = this.dbs[a]!, dbb = this.dbs[b]!;
    this.dbs[a] = dbb;
    this.dbs[b] = da;
    dbb.index = a;
    da.index = b;
  }
}
