import type { Clock } from '../expiry/clock.js';
import type { DeadlineOwner, DeadlineScheduler } from '../expiry/scheduler.js';
import { VOLATILE_KEY_BYTES, keyBytes, stringValueBytes, typedValueBytes } from '../memory/sizes.js';
import { SLOT_COUNT, keyHashSlot } from './slot.js';
import type { RemovalReason, TypedValue, Value } from './values.js';

/**
 * The keys of one hash slot, in an open-addressing table (linear probing, backward-shift
 * deletion, so no tombstones): key at cells[2i], value at cells[2i + 1], and two uint32
 * words per cell in `meta`: the key's hash and its access field (Redis's 24-bit `lru`: an
 * LRU stamp, or LFU minutes << 8 | counter). A V8 Map would cost as much per key as the
 * cells do, but a second Map would be needed for access times (another ~37 bytes a key),
 * and a Map cannot be sampled at random for eviction. Here a key costs its two strings and
 * about 44 bytes of table, with no heap object of its own.
 */
class SlotShard {
  cells: (Value | undefined)[];
  meta: Uint32Array;
  mask: number;
  count = 0;
  /** Redis keeps TTLs in a second dict too: only volatile keys pay for one. */
  expires: Map<string, number> | null = null;

  constructor(capacity: number) {
    this.cells = new Array<Value | undefined>(2 * capacity).fill(undefined);
    this.meta = new Uint32Array(2 * capacity);
    this.mask = capacity - 1;
  }

  /** The cell holding key, or -1. */
  find(key: string, hash: number): number {
    const cells = this.cells, meta = this.meta, mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = cells[2 * i];
      if (k === undefined) return -1;
      if (meta[2 * i] === hash && k === key) return i;
    }
  }

  /** Adds a key known to be absent; returns its cell. */
  insert(key: string, hash: number, value: Value, access: number): number {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.resize((this.mask + 1) * 2);
    const cells = this.cells, meta = this.meta, mask = this.mask;
    let i = hash & mask;
    while (cells[2 * i] !== undefined) i = (i + 1) & mask;
    cells[2 * i] = key;
    cells[2 * i + 1] = value;
    meta[2 * i] = hash;
    meta[2 * i + 1] = access;
    this.count++;
    return i;
  }

  /** Empties cell i, shifting back the run after it so lookups need no tombstones. */
  removeAt(i: number): void {
    const cells = this.cells, meta = this.meta, mask = this.mask;
    let hole = i;
    for (let j = (i + 1) & mask; cells[2 * j] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the hole when its home cell is not after the hole.
      if (((j - (meta[2 * j]! & mask)) & mask) >= ((j - hole) & mask)) {
        cells[2 * hole] = cells[2 * j];
        cells[2 * hole + 1] = cells[2 * j + 1];
        meta[2 * hole] = meta[2 * j]!;
        meta[2 * hole + 1] = meta[2 * j + 1]!;
        hole = j;
      }
    }
    cells[2 * hole] = undefined;
    cells[2 * hole + 1] = undefined;
    this.count--;
    // Memory goes back after mass deletes: a table an eighth full halves.
    if (this.mask + 1 > MIN_CAPACITY && this.count * 8 < this.mask + 1) this.resize((this.mask + 1) >> 1);
  }

  private resize(capacity: number): void {
    const oldCells = this.cells, oldMeta = this.meta;
    this.cells = new Array<Value | undefined>(2 * capacity).fill(undefined);
    this.meta = new Uint32Array(2 * capacity);
    this.mask = capacity - 1;
    const cells = this.cells, meta = this.meta, mask = this.mask;
    for (let j = 0; j < oldCells.length; j += 2) {
      const k = oldCells[j];
      if (k === undefined) continue;
      const hash = oldMeta[j]!;
      let i = hash & mask;
      while (cells[2 * i] !== undefined) i = (i + 1) & mask;
      cells[2 * i] = k;
      cells[2 * i + 1] = oldCells[j + 1];
      meta[2 * i] = hash;
      meta[2 * i + 1] = oldMeta[j + 1]!;
    }
  }

  /** The live keys, copied: callers may delete while walking them. */
  keys(): string[] {
    const out: string[] = [];
    const cells = this.cells;
    for (let j = 0; j < cells.length; j += 2) if (cells[j] !== undefined) out.push(cells[j] as string);
    return out;
  }
}

const MIN_CAPACITY = 8;

/** FNV-1a over the latin1 code units, then murmur3's finalizer so the low bits mix well. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** LRU stamps count units of this many milliseconds: 2^32 of them span 198 days. */
export const LRU_STAMP_MS = 4;
/** Redis's LFU_INIT_VAL: the counter a new key starts with. */
export const LFU_INIT_VAL = 5;

/**
 * What the databases share: the coarse clocks of access times, the access-field mode, and
 * the dataset's memory. Refreshed by the server cron and, while maxmemory is set, before
 * every command (src/memory), so LRU stamps order accesses within a second.
 */
export interface LruClock {
  /** Unix seconds (INFO lru_clock, LFU minutes). */
  seconds: number;
  /** The current LRU stamp: unix ms / LRU_STAMP_MS, as uint32. */
  stamp: number;
  /** Access fields hold LFU data (an LFU maxmemory-policy) instead of LRU stamps. */
  lfu: boolean;
  lfuLogFactor: number;
  lfuDecayTime: number;
  /** Estimated bytes of all keys and values of every database (used_memory's dataset). */
  datasetBytes: number;
}

export function newLruClock(nowMs: number): LruClock {
  return {
    seconds: Math.floor(nowMs / 1000),
    stamp: Math.floor(nowMs / LRU_STAMP_MS) >>> 0,
    lfu: false,
    lfuLogFactor: 10,
    lfuDecayTime: 1,
    datasetBytes: 0,
  };
}

/** Redis's LFUGetTimeInMinutes: 16 bits of unix minutes. */
function lfuMinutes(lru: LruClock): number {
  return Math.floor(lru.seconds / 60) & 0xffff;
}

/** Redis's LFUDecrAndReturn: the counter, less one per lfu-decay-time minutes idle. */
export function lfuDecrAndReturn(field: number, lru: LruClock): number {
  const ldt = field >>> 8;
  let counter = field & 0xff;
  const now = lfuMinutes(lru);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = lru.lfuDecayTime > 0 ? Math.floor(elapsed / lru.lfuDecayTime) : 0;
  if (periods > 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** Redis's updateLFU: decay, then a logarithmic increment (LFULogIncr). */
function lfuTouch(field: number, lru: LruClock): number {
  let counter = lfuDecrAndReturn(field, lru);
  if (counter < 255) {
    const base = counter - LFU_INIT_VAL;
    const p = 1 / ((base < 0 ? 0 : base) * lru.lfuLogFactor + 1);
    if (Math.random() < p) counter++;
  }
  return ((lfuMinutes(lru) << 8) | counter) >>> 0;
}

/** The access field of a new key. */
function newAccess(lru: LruClock): number {
  return lru.lfu ? ((lfuMinutes(lru) << 8) | LFU_INIT_VAL) >>> 0 : lru.stamp;
}

/** Keyspace bytes of a typed value, remembered on it so in-place updates can be charged as deltas. */
function chargeTyped(v: TypedValue): number {
  const bytes = typedValueBytes(v);
  v.memAccounted = bytes;
  return bytes;
}

function chargedBytes(v: Value): number {
  return typeof v === 'string' ? stringValueBytes(v.length) : (v.memAccounted ?? 0);
}

export type RemovalFunnel = (db: Database, key: string, reason: RemovalReason) => void;

/** What eviction sampling sees of a key. */
export type SampleVisitor = (key: string, value: Value, access: number, expireAt: number | undefined) => void;

/**
 * One of the 16 databases. Keys live in per-hash-slot shards: no single table comes near
 * V8's 2^24-entry Map limit, a slot's table stays small enough to grow or shrink without a
 * noticeable pause (about 1,200 keys a slot at 20 million keys), SCAN's cursor is simply a
 * slot number, and whole slots can move (cluster, rewrite).
 *
 * This is the keyspace API the commands use: values and statuses, never RESP. Reads check
 * the deadline (lazy expiry) so a dead key is never seen; removal always goes through the
 * funnel so that notifications, WATCH and stats see every deletion. Every write keeps
 * `bytes` (and the shared LruClock.datasetBytes) up to date for used_memory.
 */
export class Database implements DeadlineOwner<string> {
  private shards: (SlotShard | undefined)[] = new Array(SLOT_COUNT);
  private keyCount = 0;
  private volatileCount = 0;
  /** Estimated bytes of this database's keys and values (src/memory/sizes.ts). */
  bytes = 0;

  constructor(
    /** SWAPDB exchanges Database objects between positions, so the index can change. */
    public index: number,
    private readonly clock: Clock,
    private readonly scheduler: DeadlineScheduler,
    private readonly funnel: RemovalFunnel,
    /** Coarse clocks for access times and the shared byte count, refreshed by the server. */
    private readonly lru: LruClock,
  ) {}

  get size(): number {
    return this.keyCount;
  }
  get expiresCount(): number {
    return this.volatileCount;
  }

  private charge(delta: number): void {
    this.bytes += delta;
    this.lru.datasetBytes += delta;
  }

  /**
   * The value at key, or undefined. An expired key is removed (event 'expired') and
   * reported missing. Records the access (LRU stamp or LFU counter) unless `touch` is false.
   */
  get(key: string, touch = true): Value | undefined {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return undefined;
    const i = shard.find(key, hashKey(key));
    if (i < 0) return undefined;
    if (shard.expires !== null) {
      const at = shard.expires.get(key);
      if (at !== undefined && at <= this.clock.now()) {
        this.funnel(this, key, 'expired');
        return undefined;
      }
    }
    if (touch) {
      const lru = this.lru;
      shard.meta[2 * i + 1] = lru.lfu ? lfuTouch(shard.meta[2 * i + 1]!, lru) : lru.stamp;
    }
    return shard.cells[2 * i + 1];
  }

  has(key: string): boolean {
    return this.get(key, false) !== undefined;
  }

  /**
   * Stores value at key. Like Redis's setKey, an existing TTL is dropped unless keepTtl.
   * An overwritten object value is disposed of.
   */
  set(key: string, value: Value, keepTtl = false): void {
    const slot = keyHashSlot(key);
    let shard = this.shards[slot];
    if (shard === undefined) shard = this.shards[slot] = new SlotShard(MIN_CAPACITY);
    const hash = hashKey(key);
    const i = shard.find(key, hash);
    const bytes = typeof value === 'string' ? stringValueBytes(value.length) : chargeTyped(value);
    if (i < 0) {
      shard.insert(key, hash, value, newAccess(this.lru));
      this.keyCount++;
      this.charge(keyBytes(key) + bytes);
    } else {
      const old = shard.cells[2 * i + 1]!;
      this.charge(bytes - (old === value ? bytes : chargedBytes(old)));
      if (old !== value && typeof old === 'object') old.dispose?.();
      if (!keepTtl && shard.expires !== null && shard.expires.delete(key)) {
        this.volatileCount--;
        this.charge(-VOLATILE_KEY_BYTES);
        this.scheduler.noteStale();
      }
      shard.cells[2 * i + 1] = value;
      // Redis's dbOverwrite: an LFU counter carries over (the write's lookup counts as an
      // access); an LRU stamp is the new object's.
      const lru = this.lru;
      shard.meta[2 * i + 1] = lru.lfu ? lfuTouch(shard.meta[2 * i + 1]!, lru) : lru.stamp;
    }
    if (typeof value === 'object' && value.bindKey !== undefined) value.bindKey(this, key);
  }

  /**
   * Replaces the value of a key that exists, keeping its TTL (in-place updates such as
   * APPEND, INCR, SETRANGE).
   */
  replace(key: string, value: Value): void {
    const shard = this.shards[keyHashSlot(key)]!;
    const i = shard.find(key, hashKey(key));
    const old = shard.cells[2 * i + 1]!;
    const bytes = typeof value === 'string' ? stringValueBytes(value.length) : chargeTyped(value);
    this.charge(bytes - (old === value ? bytes : chargedBytes(old)));
    shard.cells[2 * i + 1] = value;
  }

  /**
   * Re-charges a key's aggregate value after an in-place write (HSET on an existing hash,
   * LPUSH...). The keyspace calls it from signalModifiedKey, which every write sends after
   * it is done; strings are charged as they are stored, so they cost only the lookup.
   */
  recharge(key: string): void {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return;
    const i = shard.find(key, hashKey(key));
    if (i < 0) return;
    const v = shard.cells[2 * i + 1]!;
    if (typeof v === 'string') return;
    const before = v.memAccounted ?? 0;
    this.charge(chargeTyped(v) - before);
  }

  /**
   * Removes key without notifying: the funnel (Keyspace.deleteKeyAndNotify) calls this, and
   * RENAME/MOVE with `dispose` false, as the value object lives on at its new key.
   */
  removeRaw(key: string, dispose = true): Value | undefined {
    const slot = keyHashSlot(key);
    const shard = this.shards[slot];
    if (shard === undefined) return undefined;
    const i = shard.find(key, hashKey(key));
    if (i < 0) return undefined;
    const v = shard.cells[2 * i + 1]!;
    shard.removeAt(i);
    this.keyCount--;
    this.charge(-(keyBytes(key) + chargedBytes(v)));
    if (shard.expires !== null && shard.expires.delete(key)) {
      this.volatileCount--;
      this.charge(-VOLATILE_KEY_BYTES);
      this.scheduler.noteStale();
      if (shard.expires.size === 0) shard.expires = null;
    }
    // An empty slot gives its table back.
    if (shard.count === 0) this.shards[slot] = undefined;
    if (dispose && typeof v === 'object') v.dispose?.();
    return v;
  }

  /** Deadline (unix ms) of key, or undefined when it has none. Does not check expiry. */
  getExpire(key: string): number | undefined {
    return this.shards[keyHashSlot(key)]?.expires?.get(key) ?? undefined;
  }

  /** Sets the deadline of an existing key. */
  setExpire(key: string, at: number): void {
    const shard = this.shards[keyHashSlot(key)]!;
    if (shard.expires === null) shard.expires = new Map();
    const previous = shard.expires.get(key);
    if (previous === at) return;
    if (previous === undefined) {
      this.volatileCount++;
      this.charge(VOLATILE_KEY_BYTES);
    } else {
      this.scheduler.noteStale();
    }
    shard.expires.set(key, at);
    this.scheduler.schedule(at, this, key);
  }

  /** Drops the deadline of key (PERSIST). Returns whether it had one. */
  removeExpire(key: string): boolean {
    const shard = this.shards[keyHashSlot(key)];
    if (shard?.expires?.delete(key)) {
      this.volatileCount--;
      this.charge(-VOLATILE_KEY_BYTES);
      this.scheduler.noteStale();
      if (shard.expires.size === 0) shard.expires = null;
      return true;
    }
    return false;
  }

  /** The key's access field (LRU stamp or LFU data), or undefined when it is missing. */
  accessOf(key: string): number | undefined {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return undefined;
    const i = shard.find(key, hashKey(key));
    return i < 0 ? undefined : shard.meta[2 * i + 1];
  }

  /** Milliseconds since the key was last read or written, from its LRU stamp. */
  idleMs(key: string): number {
    const stamp = this.accessOf(key);
    return stamp === undefined ? 0 : ((this.lru.stamp - stamp) >>> 0) * LRU_STAMP_MS;
  }

  /** Seconds since the key was last read or written (OBJECT IDLETIME). */
  idleSeconds(key: string): number {
    return Math.floor(this.idleMs(key) / 1000);
  }

  /** The key's LFU counter after decay (OBJECT FREQ), when access fields hold LFU data. */
  lfuCounter(key: string): number {
    const field = this.accessOf(key);
    return field === undefined ? 0 : lfuDecrAndReturn(field, this.lru);
  }

  // DeadlineOwner: the scheduler calls these for keys' TTLs.
  onDeadline(key: string, deadline: number): boolean {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined || shard.expires === null || shard.expires.get(key) !== deadline) return false;
    // This heap entry is already popped: drop the TTL first so removal does not count it stale.
    shard.expires.delete(key);
    this.volatileCount--;
    this.charge(-VOLATILE_KEY_BYTES);
    this.funnel(this, key, 'expired');
    return true;
  }
  isScheduled(key: string, deadline: number): boolean {
    return this.shards[keyHashSlot(key)]?.expires?.get(key) === deadline;
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
      if (shard === undefined) continue;
      const cells = shard.cells;
      const expires = shard.expires;
      for (let j = 0; j < cells.length; j += 2) {
        const key = cells[j] as string | undefined;
        if (key === undefined) continue;
        seen++;
        if (expires !== null) {
          const at = expires.get(key);
          if (at !== undefined && at <= now) continue;
        }
        visit(key, cells[j + 1]!);
      }
    }
    return slot >= SLOT_COUNT ? 0 : slot;
  }

  /** Every live key (KEYS, FLUSH, rewrite); callers must not modify the keyspace meanwhile. */
  *entries(): IterableIterator<[string, Value]> {
    const now = this.clock.now();
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      const cells = shard.cells;
      for (let j = 0; j < cells.length; j += 2) {
        const key = cells[j] as string | undefined;
        if (key === undefined) continue;
        const at = shard.expires?.get(key);
        if (at !== undefined && at <= now) continue;
        yield [key, cells[j + 1]!];
      }
    }
  }

  /** A random key (RANDOMKEY), or undefined when empty; skips and expires dead keys. */
  randomKey(): string | undefined {
    for (let attempt = 0; attempt < 100 && this.keyCount > 0; attempt++) {
      // A slot weighted by its population, then a random occupied cell: uniform over keys.
      let target = Math.floor(Math.random() * this.keyCount);
      let shard: SlotShard | undefined;
      for (const s of this.shards) {
        if (s === undefined) continue;
        if (target < s.count) {
          shard = s;
          break;
        }
        target -= s.count;
      }
      if (shard === undefined) return undefined;
      // At least one cell in eight is occupied (tables shrink below that).
      let key: string | undefined;
      const cells = shard.cells;
      const capacity = shard.mask + 1;
      do key = cells[2 * Math.floor(Math.random() * capacity)] as string | undefined;
      while (key === undefined);
      if (this.get(key, false) !== undefined) return key;
    }
    return undefined;
  }

  /**
   * Eviction sampling (Redis's dictGetSomeKeys): visits up to `count` keys taken from a
   * random slot and cell onward, or, with `volatileOnly`, keys that have a TTL. Keys are
   * visited as they are, expired or not (eviction may take either). Returns how many.
   */
  sample(count: number, volatileOnly: boolean, visit: SampleVisitor): number {
    if (count <= 0 || (volatileOnly ? this.volatileCount : this.keyCount) === 0) return 0;
    let visited = 0;
    let slot = Math.floor(Math.random() * SLOT_COUNT);
    // Walks at most every slot once; stops early once `count` keys were seen.
    for (let n = 0; n < SLOT_COUNT && visited < count; n++, slot = (slot + 1) & (SLOT_COUNT - 1)) {
      const shard = this.shards[slot];
      if (shard === undefined) continue;
      if (volatileOnly) {
        const expires = shard.expires;
        if (expires === null) continue;
        // A Map cannot be indexed: start a little way in, at random, and take what follows.
        let skip = Math.floor(Math.random() * Math.min(expires.size, 16));
        for (const [key, at] of expires) {
          if (skip-- > 0) continue;
          const i = shard.find(key, hashKey(key));
          if (i < 0) continue;
          visit(key, shard.cells[2 * i + 1]!, shard.meta[2 * i + 1]!, at);
          if (++visited >= count) break;
        }
      } else {
        const cells = shard.cells, meta = shard.meta, mask = shard.mask;
        const expires = shard.expires;
        let i = Math.floor(Math.random() * (mask + 1));
        for (let step = 0; step <= mask && visited < count; step++, i = (i + 1) & mask) {
          const key = cells[2 * i] as string | undefined;
          if (key === undefined) continue;
          visit(key, cells[2 * i + 1]!, meta[2 * i + 1]!, expires !== null ? expires.get(key) : undefined);
          visited++;
        }
      }
    }
    return visited;
  }

  /** Empties the database (FLUSHDB); returns how many keys were dropped. No events, as Redis. */
  flush(): number {
    const n = this.keyCount;
    const volatile = this.volatileCount;
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      const cells = shard.cells;
      for (let j = 1; j < cells.length; j += 2) {
        const v = cells[j];
        if (typeof v === 'object') v.dispose?.();
      }
    }
    this.shards = new Array(SLOT_COUNT);
    this.keyCount = 0;
    this.volatileCount = 0;
    this.charge(-this.bytes);
    // Once, after the keys are gone, so a compaction it triggers drops all their entries.
    if (volatile > 0) this.scheduler.noteStale(volatile);
    return n;
  }

  /**
   * Keys in one slot (CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT, slot-by-slot rewrite): a
   * copy, so the caller may read (and so expire) keys while walking it.
   */
  slotKeys(slot: number): IterableIterator<string> | undefined {
    return this.shards[slot]?.keys().values();
  }

  /** Keys in one slot, without copying them. */
  slotSize(slot: number): number {
    return this.shards[slot]?.count ?? 0;
  }
}
