import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { isPropagating, propagateAs } from '../src/persistence/propagation.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import type { Database } from '../src/keyspace/database.js';
import type { Keyspace } from '../src/keyspace/keyspace.js';
import type { Server } from '../src/server.js';
import { typeOf, type TypedValue, type Value } from '../src/keyspace/values.js';
import { NotifyClass } from '../src/notify/notifier.js';
import { Err } from '../src/protocol/errors.js';
import { isLiteralPattern, isMatchAllPattern, stringMatch } from '../src/util/glob.js';
import { parseStrictBigInt, parseStrictInt } from '../src/util/numbers.js';

// ---- lookups with Redis's statistics -------------------------------------------------

/** Redis's LOOKUP_NOTOUCH: the access time is left alone (TTL, TYPE, EXISTS, OBJECT). */
export const LOOKUP_NOTOUCH = 1;
/** Redis's LOOKUP_NONOTIFY: no `keymiss` event (OBJECT). */
export const LOOKUP_NONOTIFY = 2;

/**
 * Redis's lookupKeyReadWithFlags: the live value (lazy expiry applied) for a command that
 * reads the key, counting keyspace_hits / keyspace_misses and emitting `keymiss` on a miss.
 * Writes look up with `db.get` directly, which counts nothing (Redis's lookupKeyWrite).
 */
export function lookupKeyRead(client: Client, db: Database, key: string, flags = 0): Value | undefined {
  const v = db.get(key, (flags & LOOKUP_NOTOUCH) === 0 && !client.noTouch);
  const ks = client.server.keyspace;
  if (v === undefined) {
    ks.stats.keyspaceMisses++;
    if ((flags & LOOKUP_NONOTIFY) === 0) ks.notify(NotifyClass.keyMiss, 'keymiss', key, db);
  } else {
    ks.stats.keyspaceHits++;
  }
  return v;
}

// ---- string encodings (OBJECT ENCODING / REFCOUNT) --------------------------------------

export type StringEncoding = 'int' | 'embstr' | 'raw';

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;
/** Redis's OBJ_SHARED_INTEGERS: 0..9999 are shared objects (refcount INT_MAX). */
const SHARED_INTEGERS = 10_000;
const SHARED_REFCOUNT = 2147483647;

/**
 * What Redis's tryObjectEncoding makes of a value written by SET, MSET, GETSET, INCR...:
 * int when it is a 64-bit integer in canonical form, embstr up to 44 bytes, raw beyond.
 */
export function naturalEncoding(v: string): StringEncoding {
  if (v.length <= 20 && parseStrictBigInt(v) !== null) return 'int';
  return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

interface EncodingMark {
  /** The value the mark was made for: any other value at the key has its natural encoding. */
  value: string;
  encoding: 'embstr' | 'raw';
}

/** Beyond this many marks, new ones are dropped (OBJECT ENCODING then says the natural one). */
const MAX_MARKS = 100_000;

/**
 * Strings are stored as plain JS strings, so the encoding Redis would have picked is derived
 * from the content, except for the few writes that leave a string in another encoding than
 * its content suggests: APPEND and SETRANGE leave a raw string (Redis's
 * dbUnshareStringValue), INCRBYFLOAT an embstr even for "3" (createStringObjectFromLongDouble).
 * Only those short strings get a mark here; a mark dies with any other write to the key
 * (signalModifiedKey), and RENAME, MOVE and COPY carry it like Redis carries the object.
 */
export class StringEncodings {
  private readonly byDb = new Map<Database, Map<string, EncodingMark>>();
  private count = 0;

  constructor(keyspace: Keyspace) {
    keyspace.onModifiedKey(this.forget);
  }

  private readonly forget = (db: Database, key: string): void => {
    if (this.count === 0) return;
    if (this.byDb.get(db)?.delete(key)) this.count--;
  };

  /** Records that `value`, just written at key, is in `encoding`, when that is not its natural one. */
  mark(db: Database, key: string, value: string, encoding: StringEncoding): void {
    if (encoding === 'int' || naturalEncoding(value) === encoding || this.count >= MAX_MARKS) return;
    let marks = this.byDb.get(db);
    if (marks === undefined) this.byDb.set(db, (marks = new Map()));
    if (!marks.has(key)) this.count++;
    marks.set(key, { value, encoding });
  }

  encodingOf(db: Database, key: string, value: string): StringEncoding {
    const m = this.byDb.get(db)?.get(key);
    return m !== undefined && m.value === value ? m.encoding : naturalEncoding(value);
  }

  /** The encoding of a key's string, to carry it to another key (RENAME, MOVE, COPY). */
  carry(db: Database, key: string, value: Value): StringEncoding | null {
    return typeof value === 'string' && this.count > 0 ? this.encodingOf(db, key, value) : null;
  }

  /** FLUSHDB: every mark of the database goes. */
  flushed(db: Database): void {
    const marks = this.byDb.get(db);
    if (marks === undefined) return;
    this.count -= marks.size;
    this.byDb.delete(db);
  }
}

const encodingsByKeyspace = new WeakMap<Keyspace, StringEncodings>();

export function stringEncodings(keyspace: Keyspace): StringEncodings {
  let e = encodingsByKeyspace.get(keyspace);
  if (e === undefined) encodingsByKeyspace.set(keyspace, (e = new StringEncodings(keyspace)));
  return e;
}

/** Redis: shared integer objects are not used when maxmemory evicts by LRU or LFU. */
function sharedIntegersAllowed(client: Client): boolean {
  const config = client.server.config;
  if (config.num('maxmemory') === 0) return true;
  const policy = config.str('maxmemory-policy');
  return !policy.endsWith('-lru') && !policy.endsWith('-lfu');
}

function lfuPolicy(client: Client): boolean {
  return client.server.config.str('maxmemory-policy').endsWith('-lfu');
}

// ---- int64 arithmetic for deadlines ------------------------------------------------------

const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);
/** Below this magnitude, seconds × 1000 + now stays an exact JS integer. */
const SMALL_TIME = 2 ** 42;

/** A signed 64-bit argument: a number when safe, else a bigint; null when not an int64. */
export function int64Arg(s: string): number | bigint | null {
  return parseStrictInt(s) ?? parseStrictBigInt(s);
}

/**
 * Redis's getExpireMillisecondsOrReply (SET, SETEX, PSETEX, GETEX): the deadline in unix ms
 * for a positive time in `unit` ms (1 or 1000), relative to `base` (now, or 0 for EXAT/PXAT).
 * Throws "invalid expire time" for a non-positive time and for int64 overflow.
 */
export function setDeadline(arg: string, unit: number, base: number, cmd: string): number {
  const t = int64Arg(arg);
  if (t === null) throw new CommandError(Err.notInteger);
  if (typeof t === 'number' && t > 0 && t < SMALL_TIME) return t * unit + base;
  let ms = BigInt(t);
  if (ms <= 0n || (unit === 1000 && ms > LLONG_MAX / 1000n)) throw new CommandError(Err.invalidExpire(cmd));
  ms = ms * BigInt(unit) + BigInt(base);
  // Redis: the addition overflowing shows as a non-positive result
  if (ms > LLONG_MAX) throw new CommandError(Err.invalidExpire(cmd));
  return Number(ms);
}

/**
 * Redis's expireGenericCommand arithmetic (EXPIRE & co): any int64 time, in `unit` ms, plus
 * `base`; only overflow is an error (a past deadline deletes the key).
 */
function expireDeadline(t: number | bigint, unit: number, base: number, cmd: string): number {
  if (typeof t === 'number' && Math.abs(t) < SMALL_TIME) return t * unit + base;
  let when = BigInt(t);
  if (unit === 1000) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) throw new CommandError(Err.invalidExpire(cmd));
    when *= 1000n;
  }
  if (when > LLONG_MAX - BigInt(base)) throw new CommandError(Err.invalidExpire(cmd));
  return Number(when + BigInt(base));
}

/**
 * Redis's getIntFromObjectOrReply: a C int. A custom message replaces both of its errors
 * (SWAPDB's "invalid first DB index").
 */
function intArg(arg: string, message?: string): number {
  const n = int64Arg(arg);
  if (n === null) throw new CommandError(message ?? Err.notInteger);
  if (n < -2147483648 || n > 2147483647) throw new CommandError(message ?? Err.intOutOfRange);
  return Number(n);
}

/** The database at index `id` (Redis's selectDb), or "DB index is out of range". */
function dbAt(client: Client, id: number): Database {
  const db = id >= 0 ? client.server.keyspace.dbs[id] : undefined;
  if (db === undefined) throw new CommandError(Err.dbIndexOutOfRange);
  return db;
}

// ---- DEL, UNLINK, EXISTS, TYPE, TOUCH -------------------------------------------------------

function delGeneric(client: Client, argv: string[]): void {
  const db = client.db;
  const keyspace = client.server.keyspace;
  let removed = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i]!;
    // Redis: expireIfNeeded first, so an expired key counts as already gone (event 'expired')
    if (db.get(key, false) !== undefined && keyspace.deleteKeyAndNotify(db, key, 'del')) removed++;
  }
  client.reply.integer(removed);
}

export const del = {
  name: 'del',
  arity: -2,
  flags: ['write'],
  keySpecs: [keys.rest(1, ['RM', 'DELETE'])],
  group: 'generic',
  summary: 'Delete a key',
  since: '1.0.0',
  complexity:
    'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  handler: delGeneric,
} as const satisfies CommandSpec;

export const unlink = {
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  keySpecs: [keys.rest(1, ['RM', 'DELETE'])],
  group: 'generic',
  summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
  since: '4.0.0',
  complexity:
    'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  // No lazy-free thread here: dropping the references is all the work there is.
  handler: delGeneric,
} as const satisfies CommandSpec;

export const exists = {
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.rest(1, ['RO'])],
  group: 'generic',
  summary: 'Determine if a key exists',
  since: '1.0.0',
  complexity: 'O(N) where N is the number of keys to check.',
  history: [['3.0.3', 'Accepts multiple `key` arguments.']],
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  handler(client, argv) {
    const db = client.db;
    let n = 0;
    // Redis: a key given twice counts twice
    for (let i = 1; i < argv.length; i++) if (lookupKeyRead(client, db, argv[i]!, LOOKUP_NOTOUCH) !== undefined) n++;
    client.reply.integer(n);
  },
} as const satisfies CommandSpec;

export const type = {
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'generic',
  summary: 'Determine the type stored at key',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  handler(client, argv) {
    const v = lookupKeyRead(client, client.db, argv[1]!, LOOKUP_NOTOUCH);
    client.reply.simple(v === undefined ? 'none' : typeOf(v));
  },
} as const satisfies CommandSpec;

export const touch = {
  name: 'touch',
  arity: -2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.rest(1, ['RO'])],
  group: 'generic',
  summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
  since: '3.2.1',
  complexity: 'O(N) where N is the number of keys that will be touched.',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  handler(client, argv) {
    const db = client.db;
    const stats = client.server.keyspace.stats;
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i]!;
      // TOUCH touches even for a CLIENT NO-TOUCH client: that is its point.
      if (db.get(key) !== undefined) {
        stats.keyspaceHits++;
        n++;
      } else {
        stats.keyspaceMisses++;
        client.server.keyspace.notify(NotifyClass.keyMiss, 'keymiss', key, db);
      }
    }
    client.reply.integer(n);
  },
} as const satisfies CommandSpec;

// ---- EXPIRE family, TTL family, PERSIST -----------------------------------------------------

const EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;

/** Redis's parseExtendedExpireArgumentsOrReply: options are checked before the time. */
function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    switch (opt.length === 2 ? opt.toUpperCase() : '') {
      case 'NX': flags |= EXPIRE_NX; break;
      case 'XX': flags |= EXPIRE_XX; break;
      case 'GT': flags |= EXPIRE_GT; break;
      case 'LT': flags |= EXPIRE_LT; break;
      default: {
        // Redis formats the option with %s, so it ends at a NUL byte
        const nul = opt.indexOf('\0');
        throw new CommandError(Err.unsupportedOption(nul === -1 ? opt : opt.slice(0, nul)));
      }
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) throw new CommandError(Err.expireNxAndOthers);
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) throw new CommandError(Err.expireGtAndLt);
  return flags;
}

/** Redis's expireGenericCommand: `unit` is 1 (ms) or 1000 (s); `relative` adds now. */
function expireGeneric(client: Client, argv: string[], unit: number, relative: boolean, cmd: string): void {
  const flags = parseExpireFlags(argv);
  const t = int64Arg(argv[2]!);
  if (t === null) throw new CommandError(Err.notInteger);
  const keyspace = client.server.keyspace;
  const now = keyspace.clock.now();
  const when = expireDeadline(t, unit, relative ? now : 0, cmd);
  const db = client.db;
  const key = argv[1]!;
  if (db.get(key) === undefined) {
    client.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if (flags & EXPIRE_NX && current !== undefined) return client.reply.integer(0);
    if (flags & EXPIRE_XX && current === undefined) return client.reply.integer(0);
    // Redis: no TTL counts as an infinite one, so GT never wins over it and LT always does
    if (flags & EXPIRE_GT && (current === undefined || when <= current)) return client.reply.integer(0);
    if (flags & EXPIRE_LT && current !== undefined && when >= current) return client.reply.integer(0);
  }
  if (when <= now) {
    // Redis 7.0: a deadline already past deletes the key at once, as a DEL
    keyspace.deleteKeyAndNotify(db, key, 'del');
    if (isPropagating(client)) propagateAs(client, ['DEL', key]);
  } else {
    db.setExpire(key, when);
    keyspace.signalModifiedKey(db, key);
    keyspace.notify(NotifyClass.generic, 'expire', key, db);
    // Redis: every EXPIRE form is propagated as PEXPIREAT key <unix ms>
    if (isPropagating(client)) propagateAs(client, ['PEXPIREAT', key, String(when)]);
  }
  client.reply.integer(1);
}

const expireCondition = {
  name: 'condition',
  type: 'oneof',
  since: '7.0.0',
  optional: true,
  arguments: [
    { name: 'nx', type: 'pure-token', token: 'NX' },
    { name: 'xx', type: 'pure-token', token: 'XX' },
    { name: 'gt', type: 'pure-token', token: 'GT' },
    { name: 'lt', type: 'pure-token', token: 'LT' },
  ],
} as const;
const expireHistory = [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']] as const;

export const expire = {
  name: 'expire',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'generic',
  summary: "Set a key's time to live in seconds",
  since: '1.0.0',
  complexity: 'O(1)',
  history: expireHistory,
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'seconds', type: 'integer' }, expireCondition],
  handler: (client, argv) => expireGeneric(client, argv, 1000, true, 'expire'),
} as const satisfies CommandSpec;

export const pexpire = {
  name: 'pexpire',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'generic',
  summary: "Set a key's time to live in milliseconds",
  since: '2.6.0',
  complexity: 'O(1)',
  history: expireHistory,
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'milliseconds', type: 'integer' }, expireCondition],
  handler: (client, argv) => expireGeneric(client, argv, 1, true, 'pexpire'),
} as const satisfies CommandSpec;

export const expireat = {
  name: 'expireat',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'generic',
  summary: 'Set the expiration for a key as a UNIX timestamp',
  since: '1.2.0',
  complexity: 'O(1)',
  history: expireHistory,
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'unix-time-seconds', type: 'unix-time' }, expireCondition],
  handler: (client, argv) => expireGeneric(client, argv, 1000, false, 'expireat'),
} as const satisfies CommandSpec;

export const pexpireat = {
  name: 'pexpireat',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'generic',
  summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
  since: '2.6.0',
  complexity: 'O(1)',
  history: expireHistory,
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'unix-time-milliseconds', type: 'unix-time' },
    expireCondition,
  ],
  handler: (client, argv) => expireGeneric(client, argv, 1, false, 'pexpireat'),
} as const satisfies CommandSpec;

/** Redis's ttlGenericCommand: -2 no key, -1 no TTL; seconds are rounded to nearest. */
function ttlGeneric(client: Client, key: string, ms: boolean, absolute: boolean): void {
  const db = client.db;
  if (lookupKeyRead(client, db, key, LOOKUP_NOTOUCH) === undefined) return client.reply.integer(-2);
  const at = db.getExpire(key);
  if (at === undefined) return client.reply.integer(-1);
  let t = absolute ? at : at - client.server.keyspace.clock.now();
  if (t < 0) t = 0;
  client.reply.integer(ms ? t : Math.floor((t + 500) / 1000));
}

const keyArg = [{ name: 'key', type: 'key', keySpecIndex: 0 }] as const;
const ttlHistory = [['2.8.0', 'Added the -2 reply.']] as const;

export const ttl = {
  name: 'ttl',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'generic',
  summary: 'Get the time to live for a key in seconds',
  since: '1.0.0',
  complexity: 'O(1)',
  history: ttlHistory,
  arguments: keyArg,
  tips: ['nondeterministic_output'],
  handler: (client, argv) => ttlGeneric(client, argv[1]!, false, false),
} as const satisfies CommandSpec;

export const pttl = {
  name: 'pttl',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'generic',
  summary: 'Get the time to live for a key in milliseconds',
  since: '2.6.0',
  complexity: 'O(1)',
  history: ttlHistory,
  arguments: keyArg,
  tips: ['nondeterministic_output'],
  handler: (client, argv) => ttlGeneric(client, argv[1]!, true, false),
} as const satisfies CommandSpec;

export const expiretime = {
  name: 'expiretime',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'generic',
  summary: 'Get the expiration Unix timestamp for a key',
  since: '7.0.0',
  complexity: 'O(1)',
  arguments: keyArg,
  handler: (client, argv) => ttlGeneric(client, argv[1]!, false, true),
} as const satisfies CommandSpec;

export const pexpiretime = {
  name: 'pexpiretime',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'generic',
  summary: 'Get the expiration Unix timestamp for a key in milliseconds',
  since: '7.0.0',
  complexity: 'O(1)',
  arguments: keyArg,
  handler: (client, argv) => ttlGeneric(client, argv[1]!, true, true),
} as const satisfies CommandSpec;

export const persist = {
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'generic',
  summary: 'Remove the expiration from a key',
  since: '2.2.0',
  complexity: 'O(1)',
  arguments: keyArg,
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    if (db.get(key) === undefined || !db.removeExpire(key)) return client.reply.integer(0);
    const keyspace = client.server.keyspace;
    keyspace.signalModifiedKey(db, key);
    keyspace.notify(NotifyClass.generic, 'persist', key, db);
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

// ---- RENAME, RENAMENX, COPY, MOVE -------------------------------------------------------

/**
 * Moves the value object at `key` of `from` to `toKey` of `to` with its TTL, as Redis does
 * (the same object: no copy, no dispose). Whatever `toKey` held is dropped without an event,
 * like Redis's dbDelete. Signals both keys; events are the caller's.
 */
function relocate(keyspace: Keyspace, from: Database, key: string, value: Value, to: Database, toKey: string): void {
  const encodings = stringEncodings(keyspace);
  const encoding = encodings.carry(from, key, value);
  const deadline = from.getExpire(key);
  to.set(toKey, value);
  if (deadline !== undefined) to.setExpire(toKey, deadline);
  from.removeRaw(key, false);
  keyspace.signalModifiedKey(from, key);
  keyspace.signalModifiedKey(to, toKey);
  if (encoding !== null) encodings.mark(to, toKey, value as string, encoding);
}

function renameGeneric(client: Client, argv: string[], nx: boolean): void {
  const db = client.db;
  const src = argv[1]!, dst = argv[2]!;
  const value = db.get(src);
  if (value === undefined) throw new CommandError(Err.noSuchKey);
  // Redis: renaming a key to itself is a no-op once the key is known to exist
  if (src === dst) return nx ? client.reply.integer(0) : client.reply.ok();
  if (db.get(dst) !== undefined && nx) return client.reply.integer(0);
  const keyspace = client.server.keyspace;
  relocate(keyspace, db, src, value, db, dst);
  keyspace.notify(NotifyClass.generic, 'rename_from', src, db);
  keyspace.notify(NotifyClass.generic, 'rename_to', dst, db);
  if (nx) client.reply.integer(1);
  else client.reply.ok();
}

export const rename = {
  name: 'rename',
  arity: 3,
  flags: ['write'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE']), keys.one(2, ['OW', 'UPDATE'])],
  group: 'generic',
  summary: 'Rename a key',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'newkey', type: 'key', keySpecIndex: 1 },
  ],
  handler: (client, argv) => renameGeneric(client, argv, false),
} as const satisfies CommandSpec;

export const renamenx = {
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE']), keys.one(2, ['OW', 'INSERT'])],
  group: 'generic',
  summary: 'Rename a key, only if the new key does not exist',
  since: '1.0.0',
  complexity: 'O(1)',
  history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'newkey', type: 'key', keySpecIndex: 1 },
  ],
  handler: (client, argv) => renameGeneric(client, argv, true),
} as const satisfies CommandSpec;

/** A copy for COPY: strings are immutable and shared; other types deep-copy themselves. */
function duplicate(v: Value): Value {
  if (typeof v === 'string') return v;
  if (v.clone === undefined) throw new CommandError(Err.copyUnsupported(v.type));
  return v.clone();
}

export const copy = {
  name: 'copy',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS']), keys.one(2, ['OW', 'UPDATE'])],
  group: 'generic',
  summary: 'Copy a key',
  since: '6.2.0',
  complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
  arguments: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
  ],
  handler(client, argv) {
    const src = client.db;
    let dst = src;
    let replace = false;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j]!.toUpperCase();
      if (opt === 'REPLACE') replace = true;
      else if (opt === 'DB' && j + 1 < argv.length) dst = dbAt(client, intArg(argv[++j]!));
      else throw new CommandError(Err.syntax);
    }
    const key = argv[1]!, newKey = argv[2]!;
    if (src === dst && key === newKey) throw new CommandError(Err.sameObject);
    const value = lookupKeyRead(client, src, key);
    if (value === undefined) return client.reply.integer(0);
    if (dst.get(newKey) !== undefined && !replace) return client.reply.integer(0);
    const keyspace = client.server.keyspace;
    const encodings = stringEncodings(keyspace);
    const encoding = encodings.carry(src, key, value);
    const copied = duplicate(value);
    const deadline = src.getExpire(key);
    dst.set(newKey, copied);
    if (deadline !== undefined) dst.setExpire(newKey, deadline);
    keyspace.signalModifiedKey(dst, newKey);
    if (encoding !== null) encodings.mark(dst, newKey, copied as string, encoding);
    keyspace.notify(NotifyClass.generic, 'copy_to', newKey, dst);
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

export const move = {
  name: 'move',
  arity: 3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'generic',
  summary: 'Move a key to another database',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'db', type: 'integer' },
  ],
  handler(client, argv) {
    const src = client.db;
    const dst = dbAt(client, intArg(argv[2]!));
    if (src === dst) throw new CommandError(Err.sameObject);
    const key = argv[1]!;
    const value = src.get(key);
    if (value === undefined || dst.get(key) !== undefined) return client.reply.integer(0);
    const keyspace = client.server.keyspace;
    relocate(keyspace, src, key, value, dst, key);
    keyspace.notify(NotifyClass.generic, 'move_from', key, src);
    keyspace.notify(NotifyClass.generic, 'move_to', key, dst);
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

// ---- KEYS, SCAN, RANDOMKEY, DBSIZE ---------------------------------------------------------

export const keysCommand = {
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  acl: ['dangerous'],
  group: 'generic',
  summary: 'Find all keys matching the given pattern',
  since: '1.0.0',
  complexity:
    'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
  arguments: [{ name: 'pattern', type: 'pattern' }],
  tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
  handler(client, argv) {
    const db = client.db;
    const pattern = argv[1]!;
    const found: string[] = [];
    if (isMatchAllPattern(pattern)) {
      for (const [key] of db.entries()) found.push(key);
    } else if (isLiteralPattern(pattern)) {
      // Only the key spelled like the pattern can match: one lookup instead of a walk.
      if (db.get(pattern, false) !== undefined) found.push(pattern);
    } else {
      for (const [key] of db.entries()) if (stringMatch(pattern, key)) found.push(key);
    }
    client.reply.bulkArray(found);
  },
} as const satisfies CommandSpec;

/**
 * Redis's parseScanCursorOrReply: strtoul() over the whole argument, so an optional sign,
 * decimal digits, no leading space, within 64 bits ("-1" wraps and is accepted, "" is 0).
 */
function parseScanCursor(s: string): bigint | null {
  const nul = s.indexOf('\0');
  const text = nul === -1 ? s : s.slice(0, nul);
  let i = 0;
  let neg = false;
  if (text[0] === '+' || text[0] === '-') {
    neg = text[0] === '-';
    i = 1;
  }
  const digits = text.slice(i);
  if (digits === '') return text === '' ? 0n : null;
  for (let k = 0; k < digits.length; k++) {
    const c = digits.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = BigInt(digits);
  if (v > 0xffffffffffffffffn) return null; // ERANGE
  return neg ? (-v) & 0xffffffffffffffffn : v;
}

export const scan = {
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  group: 'generic',
  summary: 'Incrementally iterate the keys space',
  since: '2.8.0',
  complexity:
    'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
  history: [['6.0.0', 'Added the `TYPE` subcommand.']],
  arguments: [
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', optional: true },
  ],
  tips: ['nondeterministic_output', 'request_policy:special'],
  handler(client, argv) {
    const cursor = parseScanCursor(argv[1]!);
    if (cursor === null) throw new CommandError(Err.invalidCursor);
    let count = 10;
    let pattern: string | null = null;
    let typeName: string | null = null;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toUpperCase();
      if (i + 1 >= argv.length) throw new CommandError(Err.syntax);
      if (opt === 'COUNT') {
        const n = int64Arg(argv[i + 1]!);
        if (n === null) throw new CommandError(Err.notInteger);
        if (n < 1) throw new CommandError(Err.syntax);
        count = Number(n);
      } else if (opt === 'MATCH') {
        pattern = isMatchAllPattern(argv[i + 1]!) ? null : argv[i + 1]!;
      } else if (opt === 'TYPE') {
        typeName = argv[i + 1]!.toLowerCase();
      } else {
        throw new CommandError(Err.syntax);
      }
    }
    const db = client.db;
    const stats = client.server.keyspace.stats;
    const found: string[] = [];
    // The cursor is a hash slot; anything past the last slot ends the iteration.
    const start = cursor < 16384n ? Number(cursor) : 16384;
    const next = db.scan(start, count, (key, value) => {
      if (pattern !== null && !stringMatch(pattern, key)) return;
      if (typeName !== null) {
        // Redis 7.0 looks the key up to learn its type, which counts as a hit.
        stats.keyspaceHits++;
        if (typeOf(value) !== typeName) return;
      }
      found.push(key);
    });
    client.reply.arrayHeader(2);
    client.reply.bulk(String(next));
    client.reply.bulkArray(found);
  },
} as const satisfies CommandSpec;

export const randomkey = {
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  group: 'generic',
  summary: 'Return a random key from the keyspace',
  since: '1.0.0',
  complexity: 'O(1)',
  tips: ['request_policy:all_shards', 'nondeterministic_output'],
  handler(client) {
    client.reply.bulkOrNull(client.db.randomKey());
  },
} as const satisfies CommandSpec;

export const dbsize = {
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  group: 'server',
  summary: 'Return the number of keys in the selected database',
  since: '1.0.0',
  complexity: 'O(1)',
  tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
  handler(client) {
    client.reply.integer(client.db.size);
  },
} as const satisfies CommandSpec;

// ---- FLUSHDB, FLUSHALL, SWAPDB ---------------------------------------------------------------

/**
 * Redis's getFlushCommandFlags: whether the flush hands its memory back lazily (ASYNC, or
 * lazyfree-lazy-user-flush yes without SYNC). The keys are gone at once either way.
 */
function flushIsLazy(client: Client, argv: string[]): boolean {
  if (argv.length === 1) return client.server.config.bool('lazyfree-lazy-user-flush');
  const mode = argv[1]!.toUpperCase();
  if (argv.length === 2 && (mode === 'SYNC' || mode === 'ASYNC')) return mode === 'ASYNC';
  throw new CommandError(Err.syntax);
}

/** Redis's emptyData for one database: WATCH and blocked clients see it, dirty counts its keys. */
function flushDb(server: Server, db: Database, lazy: boolean): void {
  const keyspace = server.keyspace;
  keyspace.signalAllKeys(db);
  server.stats.dirty += db.flush(lazy);
  stringEncodings(keyspace).flushed(db);
}

const flushHistory = [
  ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
  ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
] as const;
const flushMode = [
  {
    name: 'async',
    type: 'oneof',
    optional: true,
    arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
      { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
    ],
  },
] as const;

export const flushdb = {
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  group: 'server',
  summary: 'Remove all keys from the current database',
  since: '1.0.0',
  complexity: 'O(N) where N is the number of keys in the selected database',
  history: flushHistory,
  arguments: flushMode,
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler(client, argv) {
    flushDb(client.server, client.db, flushIsLazy(client, argv));
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const flushall = {
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  group: 'server',
  summary: 'Remove all keys from all databases',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of keys in all databases',
  history: flushHistory,
  arguments: flushMode,
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler(client, argv) {
    const lazy = flushIsLazy(client, argv);
    const server = client.server;
    for (const db of server.keyspace.dbs) flushDb(server, db, lazy);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const swapdb = {
  name: 'swapdb',
  arity: 3,
  flags: ['write', 'fast'],
  acl: ['keyspace', 'dangerous'],
  group: 'server',
  summary: 'Swaps two Redis databases',
  since: '4.0.0',
  complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
  arguments: [
    { name: 'index1', type: 'integer' },
    { name: 'index2', type: 'integer' },
  ],
  handler(client, argv) {
    const keyspace = client.server.keyspace;
    const id1 = intArg(argv[1]!, Err.invalidFirstDbIndex);
    const id2 = intArg(argv[2]!, Err.invalidSecondDbIndex);
    const a = dbAt(client, id1), b = dbAt(client, id2);
    if (a !== b) {
      // Redis touches the watched keys that exist in either database, before and after.
      keyspace.signalAllKeys(a);
      keyspace.signalAllKeys(b);
      keyspace.swap(a.index, b.index);
      keyspace.signalAllKeys(a);
      keyspace.signalAllKeys(b);
    }
    // Redis's swapdbCommand: one change, so it is always propagated (the log replays it).
    client.server.stats.dirty++;
    client.reply.ok();
  },
} as const satisfies CommandSpec;

// ---- OBJECT ---------------------------------------------------------------------------

/** Redis's objectCommandLookupOrReply: counts hits and misses, no keymiss event, no touch. */
function objectLookup(client: Client, key: string): Value | undefined {
  return lookupKeyRead(client, client.db, key, LOOKUP_NOTOUCH | LOOKUP_NONOTIFY);
}

/** OBJECT ENCODING of a value: strings by Redis's rules, other types say their own. */
export function encodingOf(client: Client, db: Database, key: string, v: Value): string {
  return typeof v === 'string' ? stringEncodings(client.server.keyspace).encodingOf(db, key, v) : (v as TypedValue).encoding;
}

const objectKeyArg = [{ name: 'key', type: 'key', keySpecIndex: 0 }] as const;

const objectEncoding = {
  name: 'encoding',
  arity: 3,
  flags: ['readonly'],
  keySpecs: [keys.one(2, ['RO'])],
  group: 'generic',
  summary: 'Inspect the internal encoding of a Redis object',
  since: '2.2.3',
  complexity: 'O(1)',
  arguments: objectKeyArg,
  tips: ['nondeterministic_output'],
  handler(client, argv) {
    const v = objectLookup(client, argv[2]!);
    if (v === undefined) return client.reply.nullBulk();
    client.reply.bulk(encodingOf(client, client.db, argv[2]!, v));
  },
} as const satisfies CommandSpec;

const objectRefcount = {
  name: 'refcount',
  arity: 3,
  flags: ['readonly'],
  keySpecs: [keys.one(2, ['RO'])],
  group: 'generic',
  summary: 'Get the number of references to the value of the key',
  since: '2.2.3',
  complexity: 'O(1)',
  arguments: objectKeyArg,
  tips: ['nondeterministic_output'],
  handler(client, argv) {
    const v = objectLookup(client, argv[2]!);
    if (v === undefined) return client.reply.nullBulk();
    // Redis: 0..9999 written as int share one object each, reported as INT_MAX references
    if (
      typeof v === 'string' &&
      encodingOf(client, client.db, argv[2]!, v) === 'int' &&
      Number(v) >= 0 &&
      Number(v) < SHARED_INTEGERS &&
      sharedIntegersAllowed(client)
    ) {
      return client.reply.integer(SHARED_REFCOUNT);
    }
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

const objectIdletime = {
  name: 'idletime',
  arity: 3,
  flags: ['readonly'],
  keySpecs: [keys.one(2, ['RO'])],
  group: 'generic',
  summary: 'Get the time since a Redis object was last accessed',
  since: '2.2.3',
  complexity: 'O(1)',
  arguments: objectKeyArg,
  tips: ['nondeterministic_output'],
  handler(client, argv) {
    if (objectLookup(client, argv[2]!) === undefined) return client.reply.nullBulk();
    if (lfuPolicy(client)) throw new CommandError(Err.lfuSelected);
    client.reply.integer(client.db.idleSeconds(argv[2]!));
  },
} as const satisfies CommandSpec;

const objectFreq = {
  name: 'freq',
  arity: 3,
  flags: ['readonly'],
  keySpecs: [keys.one(2, ['RO'])],
  group: 'generic',
  summary: 'Get the logarithmic access frequency counter of a Redis object',
  since: '4.0.0',
  complexity: 'O(1)',
  arguments: objectKeyArg,
  tips: ['nondeterministic_output'],
  handler(client, argv) {
    if (objectLookup(client, argv[2]!) === undefined) return client.reply.nullBulk();
    if (!lfuPolicy(client)) throw new CommandError(Err.lfuNotSelected);
    // Redis's LFUDecrAndReturn over the key's access field (src/keyspace/database.ts)
    client.reply.integer(client.db.lfuCounter(argv[2]!));
  },
} as const satisfies CommandSpec;

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const objectHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'generic',
  summary: 'Show helpful text about the different subcommands',
  since: '6.2.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.arrayHeader(OBJECT_HELP.length);
    for (const line of OBJECT_HELP) client.reply.simple(line);
  },
} as const satisfies CommandSpec;

export const object = {
  name: 'object',
  arity: -2,
  flags: [],
  group: 'generic',
  summary: 'A container for object introspection commands',
  since: '2.2.3',
  complexity: 'Depends on subcommand.',
  subcommands: [objectEncoding, objectFreq, objectHelp, objectIdletime, objectRefcount],
} as const satisfies CommandSpec;

export const keysCommands: readonly CommandSpec[] = [
  del, unlink, exists, type, touch,
  expire, pexpire, expireat, pexpireat, ttl, pttl, expiretime, pexpiretime, persist,
  rename, renamenx, copy, move,
  keysCommand, scan, randomkey, dbsize,
  flushdb, flushall, swapdb,
  object,
];
