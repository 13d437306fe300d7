import type { Clock } from '../expiry/clock.js';
import type { DeadlineOwner, DeadlineScheduler } from '../expiry/scheduler.js';
import { latin1String } from '../protocol/requestParser.js';
import { SHORT_COPY_MAX, writeLatin1 } from '../protocol/bytes.js';
import { CELL_BYTES, INLINE_ENTRY_SLACK, INLINE_STRING_MAX, OBJECT_CELL_BYTES, SHARD_BYTES, VOLATILE_KEY_BYTES, stringValueBytes, typedValueBytes } from '../memory/sizes.js';
import { releaseArena, releaseWords, takeArena, takeWords } from '../memory/arenas.js';
import { SLOT_COUNT, keyHashSlot } from './slot.js';
import type { RemovalReason, TypedValue, Value } from './values.js';

/** Marks a free cell (its arena offset word). */
const FREE = 0xffffffff;
/** Length bytes: below LEN_U32 the byte is the length; LEN_U32 says four bytes follow. */
const LEN_U32 = 0xfd;
/** In place of a value's length: the value is the JS object (or long string) in objs[cell]. */
const IN_OBJS = 0xfe;
/**
 * Strings up to this long live in the arena; longer ones stay JS strings, each in V8's
 * large-object space (pages of its own, freed as a whole: no fragmentation). Between 4 and
 * 128 KB a JS string would sit in V8's 256 KB pages and leave unusable tails; in the arena
 * it costs its bytes.
 */
export const INLINE_MAX = INLINE_STRING_MAX;
const MIN_CAPACITY = 8;
/**
 * Arenas up to this size grow through the size classes of src/memory/arenas.ts, larger ones
 * double until the slot is first repacked (SlotShard.fitted). With a few hundred thousand
 * keys, slots of a dozen keys: 100-byte values cost 193 bytes a key instead of 225
 * (test/memory/accounting.test.ts). Above it, a growing keyspace's lagging slots would pin
 * runs (see arenas.ts): 1,000,000 SETs took 249 bytes of RSS a key with every arena in
 * classes, 241 with this limit, 236 with powers of two only.
 */
const FIT_GROWTH_MAX = 4096;
/** A new slot's arena until its first entry: shared, holds nothing. */
const EMPTY_ARENA = Buffer.alloc(0);

/** A table of `capacity` empty cells. */
function newCells(capacity: number): Uint32Array {
  const cells = takeWords(3 * capacity);
  for (let j = 2; j < cells.length; j += 3) cells[j] = FREE;
  return cells;
}

/** Where readLength left off (a module variable: no object per call on the hot path). */
let lengthEnd = 0;

function readLength(a: Buffer, p: number): number {
  const b = a[p]!;
  if (b < LEN_U32) {
    lengthEnd = p + 1;
    return b;
  }
  // The object marker is one byte (append writes just IN_OBJS): counting it as five made
  // entrySizeAt and update's garbage 4 bytes too large per object entry, and a repack then
  // copied past the end of its new arena (entries cut short, reads out of range).
  if (b === IN_OBJS) {
    lengthEnd = p + 1;
    return -1;
  }
  lengthEnd = p + 5;
  return (a[p + 1]! | (a[p + 2]! << 8) | (a[p + 3]! << 16)) + a[p + 4]! * 0x1000000;
}

function writeLength(a: Buffer, p: number, n: number): number {
  if (n < LEN_U32) {
    a[p] = n;
    return p + 1;
  }
  a[p] = LEN_U32;
  a[p + 1] = n & 0xff;
  a[p + 2] = (n >>> 8) & 0xff;
  a[p + 3] = (n >>> 16) & 0xff;
  a[p + 4] = (n >>> 24) & 0xff;
  return p + 5;
}

/** Bytes an entry takes in the arena: key length, key, value length, value (if inline). */
function entryBytes(key: string, inlineValue: string | null): number {
  return entryBytesOf(key.length, inlineValue === null ? -1 : inlineValue.length);
}

/** entryBytes from the lengths: a key of k bytes, an inline value of v bytes (-1: an object). */
function entryBytesOf(k: number, v: number): number {
  const kh = k < LEN_U32 ? 1 : 5;
  if (v < 0) return kh + k + 1;
  return kh + k + (v < LEN_U32 ? 1 : 5) + v;
}

/** Whether a value is stored in the arena (a string short enough) or as an object. */
function inlineString(v: Value): string | null {
  return typeof v === 'string' && v.length <= INLINE_MAX ? v : null;
}

/**
 * The keys of one hash slot. An open-addressing table (linear probing, backward-shift
 * deletion, so no tombstones) in one typed array: per cell the key's hash, its access field
 * (Redis's `lru`: an LRU stamp, or LFU minutes and counter, see LFU_FORM) and the offset of
 * its entry in `arena`, a byte buffer outside the V8 heap holding each key and, for strings
 * up to INLINE_MAX bytes, its value (keys and values are latin1 strings, the project's
 * invariant: one code unit is one byte). A string key therefore costs no heap object at all: the
 * garbage collector never visits it, never copies it out of the young generation, and its
 * pauses do not grow with the keyspace. Aggregates and long strings stay JS values, in
 * `objs` (allocated for the slot only once it holds one).
 *
 * The arena is append-only: a rewrite or a delete leaves its old entry as garbage, and the
 * slot repacks its live entries into a fresh arena when it fills up or is a quarter garbage.
 * A slot holds about 1,200 keys at 20 million keys, so a repack copies some 150 KB: no
 * stall, and memory goes back after deletes. The table and the arena are blocks of
 * src/memory/arenas.ts, outside V8's external-memory accounting, handed back when replaced
 * (so nothing may keep a view of them across a write: values are copied out).
 */
class SlotShard {
  /** Three uint32 words a cell: hash, access field, arena offset (FREE: an empty cell). */
  cells: Uint32Array;
  objs: (Value | undefined)[] | null = null;
  mask: number;
  count = 0;
  arena: Buffer;
  used = 0;
  garbage = 0;
  /**
   * Whether the arena has been repacked (garbage or deletes): from then on it takes size
   * classes instead of powers of two (src/memory/arenas.ts says why not before).
   */
  fitted = false;
  /** Redis keeps TTLs in a second dict too: only volatile keys pay for one. */
  expires: Map<string, number> | null = null;

  constructor(capacity: number) {
    this.cells = newCells(capacity);
    this.mask = capacity - 1;
    this.arena = EMPTY_ARENA;
  }

  /** The cell holding key, or -1. */
  find(key: string, hash: number): number {
    const cells = this.cells, mask = this.mask, a = this.arena;
    const n = key.length;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const off = cells[3 * i + 2]!;
      if (off === FREE) return -1;
      if (cells[3 * i] !== hash) continue;
      // The key's bytes against the string's code units.
      if (readLength(a, off) !== n) continue;
      let p = lengthEnd;
      let j = 0;
      while (j < n && a[p] === key.charCodeAt(j)) {
        p++;
        j++;
      }
      if (j === n) return i;
    }
  }

  /** The key stored in cell i. */
  keyAt(i: number): string {
    const a = this.arena;
    const n = readLength(a, this.cells[3 * i + 2]!);
    return latin1String(a, lengthEnd, lengthEnd + n);
  }

  /** The value stored in cell i (a string read out of the arena, or the object). */
  valueAt(i: number): Value {
    const a = this.arena;
    const k = readLength(a, this.cells[3 * i + 2]!);
    const n = readLength(a, lengthEnd + k);
    if (n < 0) return this.objs![i]!;
    return latin1String(a, lengthEnd, lengthEnd + n);
  }

  /** The length of cell i's inline value, or -1 when the value is in objs. */
  valueLengthAt(i: number): number {
    const a = this.arena;
    const k = readLength(a, this.cells[3 * i + 2]!);
    return readLength(a, lengthEnd + k);
  }

  /** Whether cell i's value is an object (or long string) in objs. */
  isObject(i: number): boolean {
    const a = this.arena;
    const k = readLength(a, this.cells[3 * i + 2]!);
    return a[lengthEnd + k] === IN_OBJS;
  }

  /** Bytes of cell i's entry in the arena. */
  private entrySizeAt(i: number): number {
    const a = this.arena;
    const off = this.cells[3 * i + 2]!;
    const k = readLength(a, off);
    const n = readLength(a, lengthEnd + k);
    return lengthEnd - off + (n < 0 ? 0 : n);
  }

  /** Appends an entry; returns its offset. May repack the arena (so offsets of others move). */
  private append(key: string, inline: string | null): number {
    const size = entryBytes(key, inline);
    if (this.used + size > this.arena.length) this.repack(size);
    const a = this.arena;
    const off = this.used;
    let p = writeLatin1(a, writeLength(a, off, key.length), key);
    if (inline === null) a[p++] = IN_OBJS;
    else p = writeLatin1(a, writeLength(a, p, inline.length), inline);
    this.used = p;
    return off;
  }

  /**
   * Copies the live entries into a fresh arena with room for `extra` bytes more. Arenas are
   * blocks of src/memory/arenas.ts: growing, one moves up to the next size class (above
   * 1 KB, classes a quarter of a power of two apart) up to FIT_GROWTH_MAX, then doubles;
   * repacking garbage away (a quarter of it) or after deletes, it shrinks to the class the
   * live entries need, and from then on grows through the classes. The old block goes back
   * to the allocator at once.
   */
  private repack(extra: number): void {
    // Growing with little garbage, the arena is copied whole (its garbage too, still
    // counted): entries keep their offsets, so one memcpy instead of a Buffer#copy call per
    // entry and no pass over the cells (measured with SET -r 1000000: the per-entry copies
    // were a sixth of the server's CPU while the keyspace grew).
    if (extra > 0 && this.garbage * 8 <= this.used) {
      const from = this.arena;
      const to = takeArena(this.used + extra, this.fitted || this.used + extra <= FIT_GROWTH_MAX);
      from.copy(to, 0, 0, this.used);
      this.arena = to;
      releaseArena(from);
      return;
    }
    const live = this.used - this.garbage;
    const from = this.arena;
    this.fitted = true;
    const to = takeArena(live + extra, true);
    const cells = this.cells;
    let p = 0;
    for (let i = 0; i <= this.mask; i++) {
      const off = cells[3 * i + 2]!;
      if (off === FREE) continue;
      const n = this.entrySizeAt(i);
      // Short entries by hand: Buffer#copy is a C++ call of about 100 ns.
      if (n <= SHORT_COPY_MAX) for (let j = 0; j < n; j++) to[p + j] = from[off + j]!;
      else from.copy(to, p, off, off + n);
      cells[3 * i + 2] = p;
      p += n;
    }
    this.arena = to;
    this.used = p;
    this.garbage = 0;
    releaseArena(from);
  }

  /** Adds a key known to be absent; returns its cell. */
  insert(key: string, hash: number, value: Value, access: number): number {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.resize((this.mask + 1) * 2);
    const mask = this.mask;
    let i = hash & mask;
    while (this.cells[3 * i + 2] !== FREE) i = (i + 1) & mask;
    const inline = inlineString(value);
    // The cell stays free until the entry is written: a repack meanwhile skips it.
    const off = this.append(key, inline);
    const cells = this.cells;
    cells[3 * i + 2] = off;
    cells[3 * i] = hash;
    cells[3 * i + 1] = access;
    if (inline === null) this.setObject(i, value);
    else if (this.objs !== null) this.objs[i] = undefined;
    this.count++;
    return i;
  }

  /** Stores a new value for the key in cell i. */
  update(i: number, key: string, value: Value): void {
    const inline = inlineString(value);
    const a = this.arena;
    const off = this.cells[3 * i + 2]!;
    const k = readLength(a, off);
    const vAt = lengthEnd + k;
    const n = readLength(a, vAt);
    if (inline !== null && n === inline.length) {
      // Same length: in place (a cache overwriting its values never repacks).
      writeLatin1(a, lengthEnd, inline);
      if (this.objs !== null) this.objs[i] = undefined;
      return;
    }
    if (inline === null && n < 0) {
      this.objs![i] = value;
      return;
    }
    // The old entry is garbage from now on: freeing the cell during the append keeps a
    // repack from copying it.
    this.garbage += lengthEnd - off + (n < 0 ? 0 : n);
    this.cells[3 * i + 2] = FREE;
    const moved = this.append(key, inline);
    this.cells[3 * i + 2] = moved;
    if (inline === null) this.setObject(i, value);
    else if (this.objs !== null) this.objs[i] = undefined;
    this.maybeRepack();
  }

  private setObject(i: number, value: Value): void {
    if (this.objs === null) this.objs = new Array<Value | undefined>(this.mask + 1).fill(undefined);
    this.objs[i] = value;
  }

  /** Empties cell i, shifting back the run after it so lookups need no tombstones. */
  removeAt(i: number): void {
    this.garbage += this.entrySizeAt(i);
    const cells = this.cells, objs = this.objs, mask = this.mask;
    let hole = i;
    for (let j = (i + 1) & mask; cells[3 * j + 2] !== FREE; j = (j + 1) & mask) {
      // The entry at j may fill the hole when its home cell is not after the hole.
      if (((j - (cells[3 * j]! & mask)) & mask) >= ((j - hole) & mask)) {
        cells[3 * hole] = cells[3 * j]!;
        cells[3 * hole + 1] = cells[3 * j + 1]!;
        cells[3 * hole + 2] = cells[3 * j + 2]!;
        if (objs !== null) objs[hole] = objs[j];
        hole = j;
      }
    }
    cells[3 * hole + 2] = FREE;
    if (objs !== null) objs[hole] = undefined;
    this.count--;
    // Memory goes back after mass deletes: a table an eighth full halves.
    if (this.mask + 1 > MIN_CAPACITY && this.count * 8 < this.mask + 1) this.resize((this.mask + 1) >> 1);
    this.maybeRepack();
  }

  private maybeRepack(): void {
    if (this.garbage > 128 && this.garbage * 4 > this.arena.length) this.repack(0);
  }

  private resize(capacity: number): void {
    const old = this.cells, oldObjs = this.objs;
    const cells = (this.cells = newCells(capacity));
    const objs = (this.objs = oldObjs === null ? null : new Array<Value | undefined>(capacity).fill(undefined));
    const mask = (this.mask = capacity - 1);
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 2] === FREE) continue;
      const hash = old[j]!;
      let i = hash & mask;
      while (cells[3 * i + 2] !== FREE) i = (i + 1) & mask;
      cells[3 * i] = hash;
      cells[3 * i + 1] = old[j + 1]!;
      cells[3 * i + 2] = old[j + 2]!;
      if (objs !== null) objs[i] = oldObjs![j / 3];
    }
    releaseWords(old);
  }

  /** Gives the table and arena back to the allocator: the slot is dropped. */
  release(): void {
    releaseWords(this.cells);
    releaseArena(this.arena);
  }

  /** The live keys, copied: callers may delete while walking them. */
  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i <= this.mask; i++) if (this.cells[3 * i + 2] !== FREE) out.push(this.keyAt(i));
    return out;
  }
}

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

/**
 * The last key located, with its slot and hash (pure functions of the key, so this never
 * goes stale). A write looks its key up two or three times (INCR reads then writes, and
 * every write's signalModifiedKey re-charges), each time two passes over the key (CRC16,
 * then the hash); comparing with the last key is one.
 */
let memoKey = '';
let memoSlot = keyHashSlot('');
let memoHash = hashKey('');

/** The key's slot; its hash is then in memoHash. */
function locate(key: string): number {
  if (key !== memoKey) {
    memoSlot = keyHashSlot(key);
    memoHash = hashKey(key);
    memoKey = key;
  }
  return memoSlot;
}

/** LRU stamps count units of this many milliseconds: 2^31 of them span 198 days. */
export const LRU_STAMP_MS = 8;
/** Redis's LFU_INIT_VAL: the counter a new key starts with. */
export const LFU_INIT_VAL = 5;
/**
 * An access field in LFU form has this bit set (then minutes << 8 | counter, as Redis's
 * 24-bit lru field); without it, the low 31 bits are an LRU stamp. Unlike Redis, each field
 * says which it is, so after a policy switch a key's idle time or counter is derived from
 * what it holds instead of read from the other kind's bits.
 */
const LFU_FORM = 0x80000000;

/** The current LRU stamp for a time in ms. */
export function lruStampAt(ms: number): number {
  return Math.floor(ms / LRU_STAMP_MS) & 0x7fffffff;
}

/**
 * What the databases share: the coarse clocks of access times, the access-field mode, and
 * the dataset's memory. Refreshed by the server cron and, while maxmemory is set, before
 * every command (src/memory), so LRU stamps order accesses within a second.
 */
export interface LruClock {
  /** Unix seconds (INFO lru_clock, LFU minutes). */
  seconds: number;
  /** The current LRU stamp (lruStampAt). */
  stamp: number;
  /** Access fields are kept in LFU form (an LFU maxmemory-policy) instead of LRU stamps. */
  lfu: boolean;
  lfuLogFactor: number;
  lfuDecayTime: number;
  /** Estimated bytes of all keys and values of every database (used_memory's dataset). */
  datasetBytes: number;
  /** The highest datasetBytes since start or CONFIG RESETSTAT (used_memory_peak). */
  datasetPeak: number;
}

export function newLruClock(nowMs: number): LruClock {
  return {
    seconds: Math.floor(nowMs / 1000),
    stamp: lruStampAt(nowMs),
    lfu: false,
    lfuLogFactor: 10,
    lfuDecayTime: 1,
    datasetBytes: 0,
    datasetPeak: 0,
  };
}

/** Redis's LFUGetTimeInMinutes: 16 bits of unix minutes. */
function lfuMinutes(lru: LruClock): number {
  return Math.floor(lru.seconds / 60) & 0xffff;
}

/** Milliseconds since the access an access field records, in either form. */
export function idleMsOf(field: number, lru: LruClock): number {
  if ((field & LFU_FORM) === 0) return ((lru.stamp - field) & 0x7fffffff) * LRU_STAMP_MS;
  const ldt = (field >>> 8) & 0xffff;
  const now = lfuMinutes(lru);
  return (now >= ldt ? now - ldt : 65535 - ldt + now) * 60_000;
}

/**
 * Redis's LFUDecrAndReturn: the counter, less one per lfu-decay-time minutes idle. A field
 * still in LRU form counts as a new key's counter, decayed over its idle time.
 */
export function lfuDecrAndReturn(field: number, lru: LruClock): number {
  let counter = (field & LFU_FORM) === 0 ? LFU_INIT_VAL : field & 0xff;
  const elapsed = Math.floor(idleMsOf(field, lru) / 60_000);
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
  return (LFU_FORM | (lfuMinutes(lru) << 8) | counter) >>> 0;
}

/** The access field of a new key. */
function newAccess(lru: LruClock): number {
  return lru.lfu ? (LFU_FORM | (lfuMinutes(lru) << 8) | LFU_INIT_VAL) >>> 0 : lru.stamp;
}

/** What a key costs in used_memory besides an object value: its entry, arena slack, cells. */
function keyCharge(key: string, value: Value): number {
  const inline = inlineString(value);
  if (inline !== null) return inlineCharge(key.length, inline.length);
  const entry = Math.ceil(entryBytes(key, null) * INLINE_ENTRY_SLACK) + CELL_BYTES;
  return entry + OBJECT_CELL_BYTES + (typeof value === 'string' ? stringValueBytes(value.length) : chargeTyped(value));
}

/** Keyspace bytes of a typed value, remembered on it so in-place updates can be charged as deltas. */
function chargeTyped(v: TypedValue): number {
  const bytes = typedValueBytes(v);
  v.memAccounted = bytes;
  return bytes;
}

/** keyCharge of a string stored inline, from the key's and the value's lengths. */
function inlineCharge(keyLength: number, valueLength: number): number {
  return Math.ceil(entryBytesOf(keyLength, valueLength) * INLINE_ENTRY_SLACK) + CELL_BYTES;
}

/**
 * What keyCharge charged for the value in a shard's cell i: an inline string's charge comes
 * from its length, without reading it out of the arena (measured: reading a 1 KB value to
 * charge its overwrite was 2% of an MSET's CPU).
 */
function chargedAt(shard: SlotShard, i: number, key: string): number {
  const n = shard.valueLengthAt(i);
  return n >= 0 ? inlineCharge(key.length, n) : chargedFor(key, shard.objs![i]!);
}

/** What keyCharge charged for a value already stored (a typed value's remembered bytes). */
function chargedFor(key: string, v: Value): number {
  const inline = inlineString(v);
  const entry = Math.ceil(entryBytes(key, inline) * INLINE_ENTRY_SLACK) + CELL_BYTES;
  if (inline !== null) return entry;
  return entry + OBJECT_CELL_BYTES + (typeof v === 'string' ? stringValueBytes(v.length) : (v.memAccounted ?? 0));
}

export type RemovalFunnel = (db: Database, key: string, reason: RemovalReason) => void;

/** What eviction sampling sees of a key: its object value, or null for a string in the arena (not read). */
export type SampleVisitor = (key: string, value: TypedValue | string | null, access: number, expireAt: number | undefined) => void;

/** What eviction reads of a candidate key, in one lookup (Database.candidate). */
export interface EvictionCandidate {
  /** The object value (a sale must not go), or null for a string. */
  value: Value | null;
  access: number;
  expireAt: number | undefined;
}

/** Slots of flushed databases whose memory is handed back in slices (FLUSHDB ASYNC). */
const lazyQueue: (SlotShard | undefined)[][] = [];
let lazyAt = 0;
let lazyScheduled = false;
/** Keys whose memory is still to be handed back, and keys handed back so far (INFO memory). */
export const lazyFreeStats = { pending: 0, freed: 0 };
/** Slots released per slice: at most a few hundred microseconds. */
const LAZY_SLOTS_PER_SLICE = 256;

function lazyFree(shards: (SlotShard | undefined)[], keys: number): void {
  lazyQueue.push(shards);
  lazyFreeStats.pending += keys;
  if (!lazyScheduled) {
    lazyScheduled = true;
    setImmediate(lazyFreeSlice);
  }
}

function lazyFreeSlice(): void {
  let budget = LAZY_SLOTS_PER_SLICE;
  while (budget > 0 && lazyQueue.length > 0) {
    const shards = lazyQueue[0]!;
    for (; lazyAt < shards.length && budget > 0; lazyAt++) {
      const shard = shards[lazyAt];
      if (shard === undefined) continue;
      budget--;
      lazyFreeStats.pending -= shard.count;
      lazyFreeStats.freed += shard.count;
      shard.release();
    }
    if (lazyAt >= shards.length) {
      lazyQueue.shift();
      lazyAt = 0;
    }
  }
  if (lazyQueue.length > 0) setImmediate(lazyFreeSlice);
  else {
    lazyScheduled = false;
    lazyFreeStats.pending = 0;
  }
}

/**
 * One of the 16 databases. Keys live in per-hash-slot shards: no single table comes near
 * V8's 2^24-entry Map limit, a slot's table and arena stay small enough to grow, shrink or
 * repack without a noticeable pause (about 1,200 keys a slot at 20 million keys), SCAN's
 * cursor is simply a slot number, and whole slots can move (cluster, rewrite).
 *
 * This is the keyspace API the commands use: values and statuses, never RESP. Reads check
 * the deadline (lazy expiry) so a dead key is never seen; removal always goes through the
 * funnel so that notifications, WATCH and stats see every deletion. Every write keeps
 * `bytes` (and the shared LruClock.datasetBytes) up to date for used_memory.
 *
 * Strings read from the arena are fresh JS strings on each read (short-lived: the young
 * generation reclaims them for nearly nothing); compare them by value, not identity.
 */
export class Database implements DeadlineOwner<string> {
  private shards: (SlotShard | undefined)[] = new Array(SLOT_COUNT);
  private keyCount = 0;
  private volatileCount = 0;
  /** Estimated bytes of this database's keys and values (src/memory/sizes.ts). */
  bytes = 0;
  /**
   * The key last stored with a string value (set or replace): it holds a string, or is
   * gone, until the next set or replace, so recharge has nothing to do for it. Every string
   * write ends with a recharge (signalModifiedKey); this spares it the lookup.
   */
  private stringKey: string | null = null;

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
    const lru = this.lru;
    if ((lru.datasetBytes += delta) > lru.datasetPeak) lru.datasetPeak = lru.datasetBytes;
  }

  /**
   * The value at key, or undefined. An expired key is removed (event 'expired') and
   * reported missing. Records the access (LRU stamp or LFU counter) unless `touch` is false.
   */
  get(key: string, touch = true): Value | undefined {
    const shard = this.shards[locate(key)];
    if (shard === undefined) return undefined;
    const i = shard.find(key, memoHash);
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
      shard.cells[3 * i + 1] = lru.lfu ? lfuTouch(shard.cells[3 * i + 1]!, lru) : lru.stamp;
    }
    return shard.valueAt(i);
  }

  has(key: string): boolean {
    return this.get(key, false) !== undefined;
  }

  /**
   * Stores value at key. Like Redis's setKey, an existing TTL is dropped unless keepTtl.
   * An overwritten object value is disposed of.
   */
  set(key: string, value: Value, keepTtl = false): void {
    const slot = locate(key);
    const hash = memoHash;
    let shard = this.shards[slot];
    if (shard === undefined) {
      shard = this.shards[slot] = new SlotShard(MIN_CAPACITY);
      this.charge(SHARD_BYTES);
    }
    const i = shard.find(key, hash);
    if (i < 0) {
      shard.insert(key, hash, value, newAccess(this.lru));
      this.keyCount++;
      this.charge(keyCharge(key, value));
    } else {
      const old = shard.isObject(i) ? shard.objs![i]! : null;
      const before = chargedAt(shard, i, key);
      if (old !== null && old !== value && typeof old === 'object') old.dispose?.();
      if (!keepTtl && shard.expires !== null && shard.expires.delete(key)) {
        this.volatileCount--;
        this.charge(-VOLATILE_KEY_BYTES);
        this.scheduler.noteStale();
        if (shard.expires.size === 0) shard.expires = null;
      }
      shard.update(i, key, value);
      this.charge(keyCharge(key, value) - before);
      // Redis's dbOverwrite: an LFU counter carries over (the write's lookup counts as an
      // access); an LRU stamp is the new object's.
      const lru = this.lru;
      shard.cells[3 * i + 1] = lru.lfu ? lfuTouch(shard.cells[3 * i + 1]!, lru) : lru.stamp;
    }
    if (typeof value === 'string') this.stringKey = key;
    else {
      this.stringKey = null;
      if (value.bindKey !== undefined) value.bindKey(this, key);
    }
  }

  /**
   * Replaces the value of a key that exists, keeping its TTL (in-place updates such as
   * APPEND, INCR, SETRANGE).
   */
  replace(key: string, value: Value): void {
    const shard = this.shards[locate(key)]!;
    const i = shard.find(key, memoHash);
    const before = chargedAt(shard, i, key);
    shard.update(i, key, value);
    this.charge(keyCharge(key, value) - before);
    this.stringKey = typeof value === 'string' ? key : null;
  }

  /**
   * Re-charges a key's aggregate value after an in-place write (HSET on an existing hash,
   * LPUSH...). The keyspace calls it from signalModifiedKey, which every write sends after
   * it is done; strings are charged as they are stored, so they cost only the lookup.
   */
  recharge(key: string): void {
    if (key === this.stringKey) return;
    const shard = this.shards[locate(key)];
    if (shard === undefined) return;
    const i = shard.find(key, memoHash);
    if (i < 0 || !shard.isObject(i)) return;
    const v = shard.objs![i]!;
    if (typeof v === 'string') return;
    const before = v.memAccounted ?? 0;
    this.charge(chargeTyped(v) - before);
  }

  /**
   * Removes key without notifying: the funnel (Keyspace.deleteKeyAndNotify) calls this, and
   * RENAME/MOVE with `dispose` false, as the value object lives on at its new key.
   */
  removeRaw(key: string, dispose = true): Value | undefined {
    const slot = locate(key);
    const shard = this.shards[slot];
    if (shard === undefined) return undefined;
    const i = shard.find(key, memoHash);
    if (i < 0) return undefined;
    const v = shard.valueAt(i);
    shard.removeAt(i);
    this.keyCount--;
    this.charge(-chargedFor(key, v));
    if (shard.expires !== null && shard.expires.delete(key)) {
      this.volatileCount--;
      this.charge(-VOLATILE_KEY_BYTES);
      this.scheduler.noteStale();
      if (shard.expires.size === 0) shard.expires = null;
    }
    // An empty slot gives its table and arena back.
    if (shard.count === 0) {
      this.shards[slot] = undefined;
      shard.release();
      this.charge(-SHARD_BYTES);
    }
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

  /**
   * Eviction's view of a key in one lookup: its object value (null for a string), access
   * field and deadline. False when the key is not stored. Does not expire it.
   */
  candidate(key: string, out: EvictionCandidate): boolean {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return false;
    const i = shard.find(key, hashKey(key));
    if (i < 0) return false;
    out.value = shard.isObject(i) ? shard.objs![i]! : null;
    out.access = shard.cells[3 * i + 1]!;
    out.expireAt = shard.expires !== null ? shard.expires.get(key) : undefined;
    return true;
  }

  /** The key's access field (LRU stamp or LFU data), or undefined when it is missing. */
  accessOf(key: string): number | undefined {
    const shard = this.shards[keyHashSlot(key)];
    if (shard === undefined) return undefined;
    const i = shard.find(key, hashKey(key));
    return i < 0 ? undefined : shard.cells[3 * i + 1];
  }

  /** Milliseconds since the key was last read or written, from its access field. */
  idleMs(key: string): number {
    const field = this.accessOf(key);
    return field === undefined ? 0 : idleMsOf(field, this.lru);
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
    if (shard.expires.size === 0) shard.expires = null;
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
      // Keys first: a visitor may not change the slot, but reading values is safe this way too.
      for (const key of shard.keys()) {
        seen++;
        const expires = shard.expires;
        if (expires !== null) {
          const at = expires.get(key);
          if (at !== undefined && at <= now) continue;
        }
        const i = shard.find(key, hashKey(key));
        if (i >= 0) visit(key, shard.valueAt(i));
      }
    }
    return slot >= SLOT_COUNT ? 0 : slot;
  }

  /** Every live key (KEYS, FLUSH, rewrite); callers must not modify the keyspace meanwhile. */
  *entries(): IterableIterator<[string, Value]> {
    const now = this.clock.now();
    for (const shard of this.shards) {
      if (shard === undefined) continue;
      for (let i = 0; i <= shard.mask; i++) {
        if (shard.cells[3 * i + 2] === FREE) continue;
        const key = shard.keyAt(i);
        const at = shard.expires?.get(key);
        if (at !== undefined && at <= now) continue;
        yield [key, shard.valueAt(i)];
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
      const capacity = shard.mask + 1;
      let i: number;
      do i = Math.floor(Math.random() * capacity);
      while (shard.cells[3 * i + 2] === FREE);
      const key = shard.keyAt(i);
      if (this.get(key, false) !== undefined) return key;
    }
    return undefined;
  }

  /**
   * Eviction sampling (Redis's dictGetSomeKeys): visits up to `count` keys taken from a
   * random slot and cell onward, or, with `volatileOnly`, keys that have a TTL. Keys are
   * visited as they are, expired or not (eviction may take either). Returns how many.
   * The visitor must not change the keyspace. `admit`, when given, sees a sampled key's
   * access field first: a key it refuses still counts as sampled but is not read out (its
   * name is a string built from the arena, and a full eviction pool refuses most keys).
   */
  sample(count: number, volatileOnly: boolean, visit: SampleVisitor, admit: ((access: number) => boolean) | null = null): number {
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
        let skip = Math.floor(Math.random() * Math.min(Math.max(0, expires.size - (count - visited)), 16));
        for (const [key, at] of expires) {
          if (skip-- > 0) continue;
          const i = shard.find(key, hashKey(key));
          if (i < 0) continue;
          const access = shard.cells[3 * i + 1]!;
          if (admit === null || admit(access)) visit(key, shard.isObject(i) ? shard.objs![i]! : null, access, at);
          if (++visited >= count) break;
        }
      } else {
        const cells = shard.cells, mask = shard.mask;
        const expires = shard.expires;
        let i = Math.floor(Math.random() * (mask + 1));
        for (let step = 0; step <= mask && visited < count; step++, i = (i + 1) & mask) {
          if (cells[3 * i + 2] === FREE) continue;
          visited++;
          const access = cells[3 * i + 1]!;
          if (admit !== null && !admit(access)) continue;
          const key = shard.keyAt(i);
          visit(key, shard.isObject(i) ? shard.objs![i]! : null, access, expires !== null ? expires.get(key) : undefined);
        }
      }
    }
    return visited;
  }

  /**
   * Empties the database (FLUSHDB); returns how many keys were dropped. No events, as Redis.
   * Values with a life of their own (a sale's hold timers) are disposed of at once; with
   * `lazy` (FLUSHDB ASYNC) the slots' memory goes back to the allocator in slices between
   * clients (lazyFree), as Redis frees in a background thread: handing back the blocks of
   * 5,000,000 keys at once took 0.3 s.
   */
  flush(lazy = false): number {
    const n = this.keyCount;
    const volatile = this.volatileCount;
    const old = this.shards;
    for (const shard of old) {
      if (shard === undefined) continue;
      if (shard.objs !== null) for (const v of shard.objs) if (typeof v === 'object') v.dispose?.();
      if (!lazy) shard.release();
    }
    if (lazy && n > 0) lazyFree(old, n);
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

  /** How many keys one slot holds. */
  slotSize(slot: number): number {
    return this.shards[slot]?.count ?? 0;
  }
}
