import { idleMsOf, lfuDecrAndReturn, type Database, type EvictionCandidate, type LruClock } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/values.js';

/** The eight maxmemory policies, as CONFIG names them. */
export type MaxmemoryPolicy =
  | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl'
  | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'noeviction';

/** Redis's EVPOOL_SIZE: the best candidates kept between evictions. */
export const EVICTION_POOL_SIZE = 16;

/** Keys the random policies look at per pick. */
const RANDOM_SAMPLE = 16;

/** Sale keys hold buyers' reservations: never evicted, whatever the policy. */
function evictable(value: Value | null): boolean {
  return value === null || typeof value === 'string' || value.type !== 'sale';
}

interface PoolEntry {
  key: string;
  db: Database;
  /** Higher is a better victim: idle time, 255 - LFU counter, or how soon the TTL ends. */
  score: number;
}

/**
 * Picks keys to evict as Redis's evict.c does: for the LRU, LFU and TTL policies, sample
 * `maxmemory-samples` keys of every database (of its volatile keys for volatile-*) into a
 * pool of the 16 best candidates kept from one eviction to the next, and take the best;
 * for the random policies, a random key of the next database in turn.
 *
 * Two refinements over Redis, both for the hit ratio: LRU stamps have 8 ms resolution
 * instead of 1 s (so keys touched within the same second are still ordered), and a
 * candidate's score is read again when it is picked, so a key that was accessed since it
 * was sampled goes back into the pool with its new score instead of being evicted.
 */
export class Evictor {
  policy: MaxmemoryPolicy = 'noeviction';
  samples = 5;
  private readonly pool: PoolEntry[] = [];
  /** Reused for Database.candidate. */
  private readonly seen: EvictionCandidate = { value: null, access: 0, expireAt: undefined };
  /**
   * Whether a sampled key's access field could earn it a place in the pool: always while
   * the pool has room, else only a better score than its worst. volatile-ttl scores by the
   * deadline, not known yet here: everything is admitted.
   */
  private readonly admit = (access: number): boolean => {
    const pool = this.pool;
    return pool.length < EVICTION_POOL_SIZE || this.score(access, undefined) > pool[0]!.score;
  };
  /** Round robin over databases for the random policies (Redis's next_db). */
  private nextDb = 0;

  constructor(private readonly keyspace: Keyspace) {}

  private get lru(): LruClock {
    return this.keyspace.lru;
  }

  /** A key to evict and its database, or null when nothing may be evicted. */
  selectVictim(): { db: Database; key: string } | null {
    const policy = this.policy;
    if (policy === 'noeviction') return null;
    const volatile = policy.startsWith('volatile-');
    if (policy.endsWith('-random')) return this.randomVictim(volatile);
    const dbs = this.keyspace.dbs;
    // Bounded: every round either samples something new or finds nothing to sample.
    for (let round = 0; round < 64; round++) {
      let sampled = 0;
      for (const db of dbs) {
        if ((volatile ? db.expiresCount : db.size) === 0) continue;
        sampled += this.populate(db, volatile);
      }
      if (sampled === 0 && this.pool.length === 0) return null;
      const best = this.popBest();
      if (best !== null) return best;
      if (sampled === 0) return null;
    }
    return null;
  }

  /** Forgets the pool (FLUSHALL, a policy change). */
  reset(): void {
    this.pool.length = 0;
  }

  private score(access: number, expireAt: number | undefined): number {
    switch (this.policy) {
      case 'allkeys-lru':
      case 'volatile-lru':
        return idleMsOf(access, this.lru);
      case 'allkeys-lfu':
      case 'volatile-lfu':
        return 255 - lfuDecrAndReturn(access, this.lru);
      default:
        // volatile-ttl: the sooner the deadline, the better the victim.
        return expireAt === undefined ? -Infinity : -expireAt;
    }
  }

  /** Redis's evictionPoolPopulate: samples `samples` keys of db into the sorted pool. */
  private populate(db: Database, volatile: boolean): number {
    return db.sample(
      this.samples,
      volatile,
      (key, value, access, expireAt) => {
        if (!evictable(value)) return;
        this.insert(key, db, this.score(access, expireAt));
      },
      this.policy === 'volatile-ttl' ? null : this.admit,
    );
  }

  /** Keeps the pool sorted by ascending score, at most EVICTION_POOL_SIZE entries. */
  private insert(key: string, db: Database, score: number): void {
    const pool = this.pool;
    let k = 0;
    while (k < pool.length && pool[k]!.score < score) k++;
    if (pool.length >= EVICTION_POOL_SIZE) {
      // Worse than every candidate in a full pool.
      if (k === 0) return;
      pool.shift();
      k--;
    }
    // The same key sampled again: keep one entry, with the fresher score.
    for (let j = 0; j < pool.length; j++) {
      if (pool[j]!.key === key && pool[j]!.db === db) {
        pool.splice(j, 1);
        if (j < k) k--;
        break;
      }
    }
    pool.splice(k, 0, { key, db, score });
  }

  /** The best live candidate, re-scored: one touched since it was sampled goes back in. */
  private popBest(): { db: Database; key: string } | null {
    const pool = this.pool;
    const volatile = this.policy.startsWith('volatile-');
    let rescored = 0;
    const seen = this.seen;
    while (pool.length > 0) {
      const e = pool.pop()!;
      // Gone since it was sampled (deleted, evicted): a ghost entry.
      if (!e.db.candidate(e.key, seen) || !evictable(seen.value)) continue;
      const expireAt = seen.expireAt;
      if (volatile && expireAt === undefined) continue;
      const now = this.score(seen.access, expireAt);
      if (now < e.score && rescored < EVICTION_POOL_SIZE) {
        rescored++;
        this.insert(e.key, e.db, now);
        continue;
      }
      return { db: e.db, key: e.key };
    }
    return null;
  }

  private randomVictim(volatile: boolean): { db: Database; key: string } | null {
    const dbs = this.keyspace.dbs;
    for (let n = 0; n < dbs.length; n++) {
      const db = dbs[this.nextDb]!;
      this.nextDb = (this.nextDb + 1) % dbs.length;
      if ((volatile ? db.expiresCount : db.size) === 0) continue;
      // A run of keys from a random place, and one of the evictable ones among them (a
      // sample of one could keep landing on a sale key).
      const found: string[] = [];
      db.sample(RANDOM_SAMPLE, volatile, (key, value) => {
        if (evictable(value)) found.push(key);
      });
      if (found.length > 0) return { db, key: found[Math.floor(Math.random() * found.length)]! };
    }
    return null;
  }
}
