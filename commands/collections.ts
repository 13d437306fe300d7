// Command-layer pieces shared by the hash, set and sorted-set families: typed lookups with
// Redis's WRONGTYPE rule, the removal of a key its command emptied, the *STORE epilogue,
// count arguments and the HSCAN/SSCAN/ZSCAN front end.

import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import type { Database } from '../src/keyspace/database.js';
import type { TypedValue, Value } from '../src/keyspace/values.js';
import { Err } from '../src/protocol/errors.js';
import { stringMatch } from '../src/util/glob.js';
import { parseStrictBigInt, parseStrictInt } from '../src/util/numbers.js';
import { lookupKeyRead } from './keys.js';

type ValueClass<T> = abstract new (...args: never[]) => T;

/** Redis's lookupKeyRead + checkType: the value, undefined when missing, WRONGTYPE otherwise. */
export function readTyped<T extends TypedValue>(client: Client, key: string, cls: ValueClass<T>): T | undefined {
  const v = lookupKeyRead(client, client.db, key);
  if (v === undefined || v instanceof cls) return v;
  throw new CommandError(Err.wrongType);
}

/** Redis's lookupKeyWrite + checkType (no hit/miss statistics, as in Redis). */
export function writeTyped<T extends TypedValue>(db: Database, key: string, cls: ValueClass<T>): T | undefined {
  const v = db.get(key);
  if (v === undefined || v instanceof cls) return v;
  throw new CommandError(Err.wrongType);
}

/** WRONGTYPE unless v is missing or one of the classes (ZUNIONSTORE takes sets and zsets). */
export function checkTypes<A extends TypedValue, B extends TypedValue>(v: Value | undefined, a: ValueClass<A>, b: ValueClass<B>): void {
  if (v === undefined || (typeof v === 'object' && (v instanceof a || v instanceof b))) return;
  throw new CommandError(Err.wrongType);
}

/**
 * A write left the value at key empty: Redis deletes the key (dbDelete) and emits `del`
 * after the command's own event, which the caller has emitted already. The funnel also
 * signals the key to WATCH.
 */
export function deleteEmptied(client: Client, key: string): void {
  client.server.keyspace.deleteKeyAndNotify(client.db, key, 'del');
}

/**
 * The end of SINTERSTORE, ZUNIONSTORE, ZRANGESTORE...: a non-empty result replaces dst
 * (any type, TTL dropped: Redis's setKey) and emits `event`; an empty one deletes dst
 * (emitting `del` only when it existed). Replies with the result's size.
 */
export function storeResult(client: Client, dst: string, result: TypedValue & { size: number }, notifyClass: number, event: string): void {
  const db = client.db;
  const keyspace = client.server.keyspace;
  if (result.size > 0) {
    db.set(dst, result);
    keyspace.signalModifiedKey(db, dst);
    keyspace.notify(notifyClass, event, dst, db);
    client.reply.integer(result.size);
  } else {
    client.reply.integer(0);
    // Redis's dbDelete does not check the TTL: a logically expired dst is removed too.
    keyspace.deleteKeyAndNotify(db, dst, 'del');
  }
}

const LONG_MAX = 2n ** 63n - 1n;

/** Redis's getLongFromObjectOrReply: any int64, as a number (precision beyond 2^53 does not matter for counts). */
export function longArg(s: string, error: string = Err.notInteger): number {
  const n = parseStrictInt(s);
  if (n !== null) return n;
  const big = parseStrictBigInt(s);
  if (big === null) throw new CommandError(error);
  return Number(big);
}

/** Redis's getPositiveLongFromObjectOrReply: 0 is allowed; one message for a non-integer and a negative. */
export function positiveLongArg(s: string, error: string = Err.valueMustBePositive): number {
  const n = longArg(s, error);
  if (n < 0) throw new CommandError(error);
  return n;
}

/**
 * The count of HRANDFIELD, SRANDMEMBER, ZRANDMEMBER: getRangeLongFromObjectOrReply with
 * -LONG_MAX..LONG_MAX, so only -2^63 is out of range.
 */
export function randomCountArg(s: string): number {
  const n = parseStrictInt(s);
  if (n !== null) return n;
  const big = parseStrictBigInt(s);
  if (big === null) throw new CommandError(Err.notInteger);
  if (big < -LONG_MAX) throw new CommandError(Err.valueOutsideLongRange);
  return Number(big);
}

/** Redis: WITHVALUES/WITHSCORES counts beyond ±LONG_MAX/2 would overflow the reply length. */
export function checkPairCount(s: string): void {
  const n = parseStrictInt(s);
  if (n !== null) return;
  const big = parseStrictBigInt(s)!;
  if (big < -(LONG_MAX / 2n) || big > LONG_MAX / 2n) throw new CommandError(Err.valueOutOfRange);
}

/**
 * Redis's parseScanCursorOrReply: strtoul() over the whole argument, so an optional sign,
 * decimal digits, no leading space, within 64 bits ("-1" wraps, "" is 0). Cursors beyond
 * 2^53 only ever mean "past the end" here, so they come back as Infinity.
 */
export function parseScanCursor(s: string): number {
  const nul = s.indexOf('\0');
  const text = nul === -1 ? s : s.slice(0, nul);
  let i = 0;
  let neg = false;
  if (text[0] === '+' || text[0] === '-') {
    neg = text[0] === '-';
    i = 1;
  }
  if (i === text.length) {
    if (text === '') return 0;
    throw new CommandError(Err.invalidCursor);
  }
  for (let k = i; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) throw new CommandError(Err.invalidCursor);
  }
  let v = BigInt(text.slice(i));
  if (v > 0xffffffffffffffffn) throw new CommandError(Err.invalidCursor); // ERANGE
  if (neg) v = -v & 0xffffffffffffffffn;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Infinity;
}

export interface ScanOptions {
  count: number;
  /** null when absent or "*" (Redis skips matching then). */
  pattern: string | null;
}

/** Redis's scanGenericCommand options for a key's elements: COUNT and MATCH (TYPE is SCAN's only). */
export function parseScanOptions(argv: readonly string[], from: number): ScanOptions {
  let count = 10;
  let pattern: string | null = null;
  for (let i = from; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) throw new CommandError(Err.syntax);
    const opt = argv[i]!.toUpperCase();
    if (opt === 'COUNT') {
      count = longArg(argv[i + 1]!);
      if (count < 1) throw new CommandError(Err.syntax);
    } else if (opt === 'MATCH') {
      const p = argv[i + 1]!;
      pattern = p === '*' ? null : p;
    } else {
      throw new CommandError(Err.syntax);
    }
  }
  return { count, pattern };
}

/** Writes a scan reply: the cursor, then the collected elements (already flat). */
export function replyScan(client: Client, cursor: number, items: readonly string[]): void {
  client.reply.arrayHeader(2);
  client.reply.bulk(String(cursor));
  client.reply.bulkArray(items);
}

/** Filters one scanned element (and its value, when any) by MATCH into the reply list. */
export function scanCollector(items: string[], pattern: string | null): (element: string, value?: string) => void {
  return (element, value) => {
    if (pattern !== null && !stringMatch(pattern, element)) return;
    items.push(element);
    if (value !== undefined) items.push(value);
  };
}

/** The reply to *SCAN of a missing key (Redis's shared.emptyscan). */
export const EMPTY_SCAN = '*2\r\n$1\r\n0\r\n*0\r\n';
