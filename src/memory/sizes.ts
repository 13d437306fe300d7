import { stringBytes } from '../keyspace/types/memory.js';
import type { TypedValue, Value } from '../keyspace/values.js';

/**
 * What the keyspace charges for each key in used_memory: an incremental estimate kept by
 * Database on every write, not V8's heapUsed (which counts garbage until the next GC and
 * would make eviction see-saw). A string key of up to 128 KB lives in its slot's arena (bytes
 * outside the V8 heap, src/keyspace/database.ts) and is charged its entry plus slack and
 * table cells; aggregates and longer strings are JS values charged from their own
 * estimates. Calibrated with a full GC against heapUsed + arrayBuffers
 * (test/memory/accounting.test.ts keeps it honest): within 15% for strings of 10 B to 1 MB,
 * every aggregate type and keys with a TTL.
 *
 * The heap figures are for x64 without pointer compression (how Node ships): 8-byte
 * pointers, 16-byte string headers.
 */

/**
 * A key's share of its slot's table: three uint32 words a cell (hash, access field, arena
 * offset) at a load between 3/8 and 3/4, about 0.55 on average: 12 / 0.55 ≈ 22 bytes, in a
 * power-of-two block (src/memory/arenas.ts) a third larger than its 12 × 2^k bytes: about
 * 29; 28 as calibrated against the heap (test/memory/accounting.test.ts).
 * (Tables stay powers of two: they grow by doubling, and in size classes a growing
 * keyspace's lagging slots would pin runs, as arenas.ts explains.)
 */
export const CELL_BYTES = 28;
/** A slot whose keys include an object value also has `objs`: a pointer per cell. */
export const OBJECT_CELL_BYTES = 15;
/**
 * An entry (key and inline value with their length bytes) costs its bytes plus the arena's
 * slack: an arena is a block of src/memory/arenas.ts (size classes a quarter of a power of
 * two apart from 1 to 4 KB, and once the slot has been repacked up to 64 KB; powers of two
 * otherwise) that grows to the next size as it fills and is repacked when a quarter of it
 * is garbage. With 1.2 and CELL_BYTES 28, the estimate over the real cost of keys stored
 * into an empty database (test/memory/accounting.test.ts): 1.02 for 100-byte values (12
 * keys a slot, arenas of about 1.4 KB), 0.95 for 1 KB values, 0.91 for 10-byte values
 * (arenas of about 300 bytes, powers of two). It was 1.35 (and CELL_BYTES 22) when every
 * block was a power of two. The untouched end of a block is not resident, so RSS is lower.
 */
export const INLINE_ENTRY_SLACK = 1.2;
/**
 * A slot in use: its table (one typed array) and its arena buffer, their headers and the
 * slot object: measured 350 to 470 bytes (one typed array instead of three saved about
 * 400; views on the arenas' slabs instead of ArrayBuffers of their own, about 100 more).
 * 16,384 slots a database: 7 MB once every slot of a database is in use.
 */
export const SHARD_BYTES = 350;
/** Strings up to this long live in the slot arenas (Database's INLINE_MAX). */
export const INLINE_STRING_MAX = 128 * 1024 - 64;
/** Used by MEMORY STATS for its per-database "overhead.hashtable.main". */
export const KEY_OVERHEAD_BYTES = CELL_BYTES;

/**
 * A key with a TTL also has an entry in its slot's expires Map (about 40 bytes with the
 * Map's slack, a 16-byte heap number for the deadline, the key as a JS string) and a
 * deadline in the scheduler's heap (three array cells, 24 bytes, plus the arrays' growth
 * slack): measured 123 bytes for 14-byte keys.
 */
export const VOLATILE_KEY_BYTES = 120;

/**
 * The aggregate types' own memoryUsage() counts their entries and strings but not every
 * header and backing-store slack: measured against the heap at 1 and 10 elements, they
 * come out short by about 10% plus a fixed amount per value (its Map/Set and arrays).
 */
const TYPED_CALIBRATION = 1.1;
const TYPED_FIXED: Record<string, number> = { hash: 250, set: 180, zset: 100, list: 40 };

/**
 * V8 puts objects above 128 KB (kMaxRegularHeapObjectSize) in their own mmapped pages:
 * a page header, and the size rounded up to the OS page.
 */
const LARGE_OBJECT_MIN = 128 * 1024;
const LARGE_OBJECT_PAGE = 4096;
const LARGE_OBJECT_HEADER = 256;

/** Heap bytes of a sequential one-byte string of `length` characters. */
export function stringValueBytes(length: number): number {
  if (length < LARGE_OBJECT_MIN) return stringBytes(length);
  return LARGE_OBJECT_HEADER + Math.ceil((16 + length) / LARGE_OBJECT_PAGE) * LARGE_OBJECT_PAGE;
}

/** Bytes of a key's name in its arena entry and its share of the table (not its value). */
export function keyBytes(key: string): number {
  return CELL_BYTES + Math.ceil((key.length + (key.length < 0xfd ? 1 : 5)) * INLINE_ENTRY_SLACK);
}

/** Bytes of an aggregate value, from its own O(1) estimate. */
export function typedValueBytes(v: TypedValue): number {
  if (v.memoryUsage === undefined) return 64;
  return Math.round(v.memoryUsage() * TYPED_CALIBRATION) + (TYPED_FIXED[v.type] ?? 0);
}

/** Bytes of any value: in the arena (a short string) or on the heap. */
export function valueBytes(v: Value): number {
  if (typeof v !== 'string') return typedValueBytes(v);
  if (v.length <= INLINE_STRING_MAX) return Math.ceil((v.length + (v.length < 0xfd ? 1 : 5)) * INLINE_ENTRY_SLACK);
  return stringValueBytes(v.length);
}
