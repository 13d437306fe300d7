import type { Clock } from '../expiry/clock.js';
import type { DeadlineOwner, DeadlineScheduler } from '../expiry/scheduler.js';
import { SLOT_COUNT, keyHashSlot } from './slot.js';
import type { RemovalReason, Value } from './values.js';

/** The keys of one hash slot: values, deadlines of the volatile ones, last access times. */
class SlotShard {
  readonly values = new Map<string, Value>();
  /** Redis keeps TTLs in a second dict too: only volatile keys pay for one. */
  expires: Map<string, number> | null = null;
  /** LRU clock (seconds) of the last access; read by OBJECT IDLETIME. */
  readonly accessed = new Map<string, number>();
}

/** Redis's LRU clock: coarse (seconds), so touching a key costs no clock read. */
export interface LruClock {
  seconds: number;
}

export type RemovalFunnel = (db: Database, key: string, reason: RemovalReason) => void;

/**
 * One of the 16 databases. Keys live in per-hash-slot shards: no single Map comes near
 * V8's 2^24-entry limit, a slot's Map stays small enough to grow without a noticeable
 * pause, SCAN's cursor is simply a slot number, and whole slots can move (cluster, rewrite).
 *
 * This is the keyspace API the commands use: values and statuses, never RESP. Reads check
 * the deadline (lazy expiry) so a dead key is never seen; removal always goes through the
 * funnel so that notifications, WATCH and stats see every deletion.
 */
export class Database implements DeadlineOwner<string> {
  private shards: (SlotShard | undefined)[] = new Array(SLOT_COUNT);
  private keyCount = 0;
  private volatileCount = 0;

  constructor(
    /** SWAPDB exchanges Database objects between positions, so the index can change. */
    public index: number,
    private readonly clock: Clock,
    private readonly scheduler: DeadlineScheduler,
    private readonly funnel: RemovalFunnel,
    /** Seconds-resolution clock for access times, shared and refreshed by the server cron. */
    private readonly lru: LruClock,
  ) {}

  get size(): number {
    return this.keyCount;
  }
  get expiresCount(): number {
    return this.volatileCount;
  }

  private shardOf(key: string): SlotShard | undefined {
    return this.shards[keyHashSlot(key)];
  }

  /**
   * The value at key, or undefined. An expired key is removed (event 'expired') and
   * reported missing. Records the access for OBJECT IDLETIME unless `touch` is false.
   */
  get(key: string, touch = true): Value | undefined {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return undefined;
    const v = shard.values.get(key);
    if (v === undefined) return undefined;
    if (shard.expires !== null) {
      const at = shard.expires.get(key);
      if (at !== undefined && at <= this.clock.now()) {
        this.funnel(this, key, 'expired');
        return undefined;
      }
    }
    if (touch) shard.accessed.set(key, this.lru.seconds);
    return v;
  }

  has(key: string): boolean {
    return this.get(key, false) !== undefined;
  }

  /**
   * Stores value at key. Like Redis's setKey, an existing TTL is dropped unless keepTtl.
   * Returns the previous value (already disposed of when it was an object).
   */
  set(key: string, value: Value, keepTtl = false): void {
    const slot = keyHashSlot(key);
    let shard = this.shards[slot];
    if (shard === undefined) shard = this.shards[slot] = new SlotShard();
    const old = shard.values.get(key);
    if (old === undefined) {
      this.keyCount++;
    } else {
      if (old !== value && typeof old === 'object') old.dispose?.();
      if (!keepTtl && shard.expires !== null && shard.expires.delete(key)) {
        this.volatileCount--;
        this.scheduler.noteStale();
      }
    }
    shard.values.set(key, value);
    shard.accessed.set(key, this.lru.seconds);
    if (typeof value === 'object' && value.bindKey !== undefined) value.bindKey(this, key);
  }

  /**
   * Replaces the value of a key that exists, keeping its TTL (in-place updates such as
   * APPEND, INCR, SETRANGE).
   */
  replace(key: string, value: Value): void {
    const shard = this.shardOf(key)!;
    shard.values.set(key, value);
  }

  /**
   * Removes key without notifying: the funnel (Keyspace.deleteKeyAndNotify) calls this, and
   * RENAME/MOVE with `dispose` false, as the value object lives on at its new key.
   */
  removeRaw(key: string, dispose = true): Value | undefined {
    const shard = this.shardOf(key);
    if (shard === undefined) return undefined;
    const v = shard.values.get(key);
    if (v === undefined) return undefined;
    shard.values.delete(key);
    shard.accessed.delete(key);
    this.keyCount--;
    if (shard.expires !== null && shard.expires.delete(key)) {
      this.volatileCount--;
      this.scheduler.noteStale();
    }
    if (dispose && typeof v === 'object') v.dispose?.();
    return v;
  }

  /** Deadline (unix ms) of key, or undefined when it has none. Does not check expiry. */
  getExpire(key: string): number | undefined {
    return this.shardOf(key)?.expires?.get(key) ?? undefined;
  }

  /** Sets the deadline of an existing key. */
  setExpire(key: string, at: number): void {
    const shard = this.shardOf(key)!;
    if (shard.expires === null) shard.expires = new Map();
    const previous = shard.expires.get(key);
    if (previous === at) return;
    if (previous === undefined) this.volatileCount++;
    else this.scheduler.noteStale();
    shard.expires.set(key, at);
    this.scheduler.schedule(at, this, key);
  }

  /** Drops the deadline of key (PERSIST). Returns whether it had one. */
  removeExpire(key: string): boolean {
    const shard = this.shardOf(key);
    if (shard?.expires?.delete(key)) {
      this.volatileCount--;
      this.scheduler.noteStale();
      return true;
    }
    return false;
  }

  /** Seconds since the key was last read or written (OBJECT IDLETIME). */
  idleSeconds(key: string): number {
    const at = this.shardOf(key)?.accessed.get(key);
    return at === undefined ? 0 : Math.max(0, this.lru.seconds - at);
  }

  // DeadlineOwner: the scheduler calls these for keys' TTLs.
  onDeadline(key: string, deadline: number): boolean {
    const shard = this.shardOf(key);
    if (shard === undefined || shard.expires === null || shard.expires.get(key) !== deadline) return false;
    // This heap entry is already popped: drop the TTL first so removal does not count it stale.
    shard.expires.delete(key);
    this.volatileCount--;
    this.funnel(this, key, 'expired');
    return true;
  }
  isScheduled(key: string, deadline: number): boolean {
    return this.shardOf(key)?.expires?.get(key) === deadline;
  }

  /**
   * SCAN over slots: visits whole slots from `cursor` until at least `count` keys were
   * visited (or all slots). Returns the next cursor (0 when done). A key present for the
   * whole scan is visited exactly once; expired keys are skipped.
   */
  scan(cursor: number, count: number, visit: (key: string, value: Value) => void): number {
    let slot = cursor;
    let seen = 0;
    const now = this.clock.now();
    while (slot < SLOT_COUNT && seen < count) {
      const shard = this.shards[slot++];
      if (shard === undefined || shard.values.size === 0) continue;
      for (const [key, value] of shard.values) {
        seen++;
        const at = shard.expires?.get(key);
        if (at !== undefined && at <= now) continue;
        visit(key, value);
      }
    }
    return slot >= SLOT_COUNT ? 0 : slot;
  }

  /** Every live key (KEYS, FLUSH, rewrite); callers must not modify the keyspace meanwhile. */
  *entries(): IterableIterator<[string, Value]> {
    const now = this.clock.now();
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      for (const entry of shard.values) {
        const at = shard.expires?.get(entry[0]);
        if (at !== undefined && at <= now) continue;
        yield entry;
      }
    }
  }

  /** A random key (RANDOMKEY), or undefined when empty; skips and expires dead keys. */
  randomKey(): string | undefined {
    for (let attempt = 0; attempt < 100 && this.keyCount > 0; attempt++) {
      // Weighted by slot population: pick a key index and walk the slots to it.
      let target = Math.floor(Math.random() * this.keyCount);
      for (const shard of this.shards) {
        if (shard === undefined) continue;
        if (target >= shard.values.size) {
          target -= shard.values.size;
          continue;
        }
        let found: string | undefined;
        for (const key of shard.values.keys()) {
          if (target-- === 0) {
            found = key;
            break;
          }
        }
        if (found !== undefined && this.get(found, false) !== undefined) return found;
        break;
      }
    }
    return undefined;
  }

  /** Empties the database (FLUSHDB); returns how many keys were dropped. No events, as Redis. */
  flush(): number {
    const n = this.keyCount;
    const volatile = this.volatileCount;
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      for (const v of shard.values.values()) if (typeof v === 'object') v.dispose?.();
    }
    this.shards = new Array(SLOT_COUNT);
    this.keyCount = 0;
    this.volatileCount = 0;
    // Once, after the keys are gone, so a compaction it triggers drops all their entries.
    if (volatile > 0) this.scheduler.noteStale(volatile);
    return n;
  }

  /** Keys in one slot (CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT, slot-by-slot rewrite). */
  slotKeys(slot: number): IterableIterator<string> | undefined {
    return this.shards[slot]?.values.keys();
  }
}
