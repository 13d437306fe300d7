import { stringBytes } from '../keyspace/types/memory.js';
import type { TypedValue, Value } from '../keyspace/values.js';

/**
 * What the keyspace charges for each key in used_memory: an incremental estimate kept by
 * Database on every write, not V8's heapUsed (which counts garbage until the next GC and
 * would make eviction see-saw). Calibrated with `node --expose-gc` against heapUsed after a
 * full GC (test/memory/accounting.test.ts keeps it honest): within 10% for strings of 10 B
 * to 1 MB and for the aggregate types.
 *
 * The figures are for x64 without pointer compression (how Node ships): 8-byte pointers,
 * 16-byte string headers.
 */

/**
 * Per key, besides its key and value strings: the key's share of its slot table (two
 * pointer cells and two uint32 words per cell, at a load between 3/8 and 3/4, so about
 * 0.55 on average: 24 / 0.55 ≈ 44) and the table's own objects (about 250 bytes a slot)
 * amortised over its keys: measured 55 to 63 bytes at 12 keys a slot, 44 at 1,200.
 */
export const KEY_OVERHEAD_BYTES = 52;

/**
 * A key with a TTL also has an entry in its slot's expires Map (about 40 bytes with the
 * Map's slack, plus a 16-byte heap number for the deadline) and a deadline in the
 * scheduler's heap (three array cells, 24 bytes, plus the arrays' growth slack): measured
 * 122 bytes.
 */
export const VOLATILE_KEY_BYTES = 120;

/**
 * The aggregate types' own memoryUsage() counts their entries and strings but not every
 * header and backing-store slack: measured against the heap, they come out 12 to 24% short
 * (hashes 19%, lists 24%, sets 23%, sorted sets 12% at 10 elements).
 */
const TYPED_CALIBRATION = 1.2;

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

/** Bytes of a key's name and its share of the table (not its value). */
export function keyBytes(key: string): number {
  return KEY_OVERHEAD_BYTES + stringValueBytes(key.length);
}

/** Bytes of an aggregate value, from its own O(1) estimate. */
export function typedValueBytes(v: TypedValue): number {
  return v.memoryUsage !== undefined ? Math.round(v.memoryUsage() * TYPED_CALIBRATION) : 64;
}

/** Bytes of any value. */
export function valueBytes(v: Value): number {
  return typeof v === 'string' ? stringValueBytes(v.length) : typedValueBytes(v);
}
