import type { Database } from './database.js';

/**
 * What a key holds. Strings are stored as they are (a latin1 JS string: no wrapper
 * object per key, which keeps the heap small and GC cheap); every other type is an
 * object that names its type.
 */
export interface TypedValue {
  readonly type: 'list' | 'hash' | 'set' | 'zset' | 'sale';
  /** OBJECT ENCODING */
  readonly encoding: string;
  /** Called when the key leaves the keyspace (delete, expiry, overwrite), e.g. to drop timers. */
  dispose?(): void;
  /** An estimate of the bytes this value holds, for MEMORY USAGE. */
  memoryUsage?(): number;
  /** A deep copy for COPY. */
  clone?(): TypedValue;
  /**
   * Called whenever the value is stored at a key (created, RENAME, MOVE, loaded), so a
   * value that names its own key (a sale's event channel) follows it.
   */
  bindKey?(db: Database, key: string): void;
  /** Bytes the keyspace last charged for this value (kept by Database for used_memory). */
  memAccounted?: number;
}

export type Value = string | TypedValue;

export type TypeName = 'string' | TypedValue['type'];

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** Why a key left the keyspace; each reason is its own keyspace event. */
export type RemovalReason = 'del' | 'expired' | 'evicted';
