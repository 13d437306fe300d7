import { constants as bufferConstants } from 'node:buffer';
import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import type { Database } from '../src/keyspace/database.js';
import { NotifyClass } from '../src/notify/notifier.js';
import { Err } from '../src/protocol/errors.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, parseLongDouble } from '../src/util/longDouble.js';
import { parseStrictBigInt, parseStrictInt } from '../src/util/numbers.js';
import { int64Arg, lookupKeyRead, setDeadline, stringEncodings } from './keys.js';
import { isPropagating, propagateAs } from '../src/persistence/propagation.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The longest string V8 can hold (2^29 - 24 on 64-bit), a little under the default 512mb. */
const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

/** Redis's checkStringLength: a result longer than proto-max-bulk-len is refused. */
function checkStringLength(client: Client, total: number): void {
  if (total > client.server.config.num('proto-max-bulk-len') || total > MAX_STRING_LENGTH) {
    throw new CommandError(Err.stringTooLong);
  }
}

/** The string at key for a command that reads it (GET & co), or undefined; WRONGTYPE otherwise. */
function readString(client: Client, db: Database, key: string): string | undefined {
  const v = lookupKeyRead(client, db, key);
  if (v === undefined || typeof v === 'string') return v;
  throw new CommandError(Err.wrongType);
}

/** The string at key for a command that writes it (no stats), or undefined; WRONGTYPE otherwise. */
function writeString(db: Database, key: string): string | undefined {
  const v = db.get(key);
  if (v === undefined || typeof v === 'string') return v;
  throw new CommandError(Err.wrongType);
}

// ---- SET and its options ----------------------------------------------------------------

const SET_NX = 1, SET_XX = 2, SET_GET = 4, KEEPTTL = 8, PERSIST = 16;
const EX = 32, PX = 64, EXAT = 128, PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface StringOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument, unparsed: its errors come after the syntax checks. */
  expire: string | null;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (`isSet`) and GETEX: each option is
 * accepted only if no conflicting one came before, so conflicts are syntax errors, and a
 * repeated EX (or NX, GET...) is allowed, the last one winning.
 */
function parseStringOptions(argv: string[], start: number, isSet: boolean): StringOptions {
  let flags = 0;
  let expire: string | null = null;
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const hasNext = j + 1 < argv.length;
    if (opt === 'NX' && isSet && !(flags & SET_XX)) {
      flags |= SET_NX;
    } else if (opt === 'XX' && isSet && !(flags & SET_NX)) {
      flags |= SET_XX;
    } else if (opt === 'GET' && isSet) {
      // Redis 7.0: GET may go with NX (6.2 refused that combination)
      flags |= SET_GET;
    } else if (opt === 'KEEPTTL' && isSet && !(flags & (PERSIST | ANY_EXPIRE))) {
      flags |= KEEPTTL;
    } else if (opt === 'PERSIST' && !isSet && !(flags & (KEEPTTL | ANY_EXPIRE))) {
      flags |= PERSIST;
    } else if (opt === 'EX' && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j]!;
    } else if (opt === 'PX' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j]!;
    } else if (opt === 'EXAT' && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j]!;
    } else if (opt === 'PXAT' && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j]!;
    } else {
      throw new CommandError(Err.syntax);
    }
  }
  return { flags, expire };
}

/** The deadline (unix ms) the options ask for, with Redis's checks; null without one. */
function optionDeadline(client: Client, o: StringOptions, cmd: string): number | null {
  if (o.expire === null) return null;
  const f = o.flags;
  const unit = f & (EX | EXAT) ? 1000 : 1;
  const base = f & (EX | PX) ? client.server.keyspace.clock.now() : 0;
  return setDeadline(o.expire, unit, base, cmd);
}

/** Stores a string the way SET does (its TTL dropped unless keepTtl) with the `set` event. */
function setString(client: Client, db: Database, key: string, value: string, keepTtl = false): void {
  db.set(key, value, keepTtl);
  const keyspace = client.server.keyspace;
  keyspace.signalModifiedKey(db, key);
  keyspace.notify(NotifyClass.string, 'set', key, db);
}

/** Gives a key just written a deadline, with the `expire` event. */
function applyDeadline(client: Client, db: Database, key: string, deadline: number): void {
  db.setExpire(key, deadline);
  client.server.keyspace.notify(NotifyClass.generic, 'expire', key, db);
}

/** Redis's setGenericCommand after parsing. `okReply` false: SETNX's 1/0 replies. */
function setGeneric(client: Client, key: string, value: string, o: StringOptions, cmd: string): void {
  const deadline = optionDeadline(client, o, cmd);
  const db = client.db;
  const f = o.flags;
  if (f & SET_GET) {
    // Redis: the old value is the reply whatever happens next, WRONGTYPE stops everything
    client.reply.bulkOrNull(readString(client, db, key));
  }
  if (f & (SET_NX | SET_XX)) {
    const found = db.get(key) !== undefined;
    if ((f & SET_NX && found) || (f & SET_XX && !found)) {
      if (!(f & SET_GET)) client.reply.nullBulk();
      return;
    }
  }
  setString(client, db, key, value, (f & KEEPTTL) !== 0);
  if (deadline !== null) {
    applyDeadline(client, db, key, deadline);
    // Redis: propagated as SET key value PXAT <unix ms>, so a restart keeps the same deadline
    if (isPropagating(client)) propagateAs(client, ['SET', key, value, 'PXAT', String(deadline)]);
  }
  if (!(f & SET_GET)) client.reply.ok();
}

export const set = {
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [{ notes: 'RW and ACCESS due to the optional `GET` argument', ...keys.one(1, ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS']) }],
  group: 'string',
  summary: 'Set the string value of a key',
  since: '1.0.0',
  complexity: 'O(1)',
  history: [
    ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
    ['6.0.0', 'Added the `KEEPTTL` option.'],
    ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
    ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
  ],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
    {
      name: 'condition',
      type: 'oneof',
      since: '2.6.12',
      optional: true,
      arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ],
    },
    { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', optional: true },
    {
      name: 'expiration',
      type: 'oneof',
      optional: true,
      arguments: [
        { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
        { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
        { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
      ],
    },
  ],
  handler(client, argv) {
    if (argv.length === 3) {
      // The plain form redis-benchmark measures: no option parsing, no lookup.
      setString(client, client.db, argv[1]!, argv[2]!);
      client.reply.ok();
      return;
    }
    setGeneric(client, argv[1]!, argv[2]!, parseStringOptions(argv, 3, true), 'set');
  },
} as const satisfies CommandSpec;

export const setnx = {
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['OW', 'INSERT'])],
  group: 'string',
  summary: 'Set the value of a key, only if the key does not exist',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
  ],
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    if (db.get(key) !== undefined) return client.reply.integer(0);
    setString(client, db, key, argv[2]!);
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

/** SETEX and PSETEX: SET with EX or PX, the time before the value. */
function setWithTtl(client: Client, argv: string[], unit: number, cmd: string): void {
  const keyspace = client.server.keyspace;
  const deadline = setDeadline(argv[2]!, unit, keyspace.clock.now(), cmd);
  const db = client.db;
  const key = argv[1]!;
  setString(client, db, key, argv[3]!);
  applyDeadline(client, db, key, deadline);
  // Redis: propagated as SET key value PXAT <unix ms>
  if (isPropagating(client)) propagateAs(client, ['SET', key, argv[3]!, 'PXAT', String(deadline)]);
  client.reply.ok();
}

export const setex = {
  name: 'setex',
  arity: 4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE'])],
  group: 'string',
  summary: 'Set the value and expiration of a key',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'seconds', type: 'integer' },
    { name: 'value', type: 'string' },
  ],
  handler: (client, argv) => setWithTtl(client, argv, 1000, 'setex'),
} as const satisfies CommandSpec;

export const psetex = {
  name: 'psetex',
  arity: 4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE'])],
  group: 'string',
  summary: 'Set the value and expiration in milliseconds of a key',
  since: '2.6.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'milliseconds', type: 'integer' },
    { name: 'value', type: 'string' },
  ],
  handler: (client, argv) => setWithTtl(client, argv, 1, 'psetex'),
} as const satisfies CommandSpec;

// ---- GET and friends --------------------------------------------------------------------

export const get = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'string',
  summary: 'Get the value of a key',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  handler(client, argv) {
    const v = lookupKeyRead(client, client.db, argv[1]!);
    if (v === undefined) client.reply.nullBulk();
    else if (typeof v === 'string') client.reply.bulk(v);
    else throw new CommandError(Err.wrongType);
  },
} as const satisfies CommandSpec;

export const getset = {
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Set the string value of a key and return its old value',
  since: '1.0.0',
  complexity: 'O(1)',
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`SET` with the `!GET` argument',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
  ],
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    client.reply.bulkOrNull(readString(client, db, key));
    setString(client, db, key, argv[2]!);
  },
} as const satisfies CommandSpec;

export const getdel = {
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE'])],
  group: 'string',
  summary: 'Get the value of a key and delete the key',
  since: '6.2.0',
  complexity: 'O(1)',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    const v = readString(client, db, key);
    client.reply.bulkOrNull(v);
    if (v !== undefined) client.server.keyspace.deleteKeyAndNotify(db, key, 'del');
  },
} as const satisfies CommandSpec;

export const getex = {
  name: 'getex',
  arity: -2,
  flags: ['write', 'fast'],
  keySpecs: [{ notes: 'RW and UPDATE because it changes the TTL', ...keys.one(1, ['RW', 'ACCESS', 'UPDATE']) }],
  group: 'string',
  summary: 'Get the value of a key and optionally set its expiration',
  since: '6.2.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'expiration',
      type: 'oneof',
      optional: true,
      arguments: [
        { name: 'seconds', type: 'integer', token: 'EX' },
        { name: 'milliseconds', type: 'integer', token: 'PX' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
        { name: 'persist', type: 'pure-token', token: 'PERSIST' },
      ],
    },
  ],
  handler(client, argv) {
    const o = parseStringOptions(argv, 2, false);
    const db = client.db;
    const key = argv[1]!;
    const v = readString(client, db, key);
    if (v === undefined) return client.reply.nullBulk();
    // Redis: a bad time is reported only once the key is known to hold a string
    const deadline = optionDeadline(client, o, 'getex');
    client.reply.bulk(v);
    const keyspace = client.server.keyspace;
    if (deadline !== null && o.flags & (EXAT | PXAT) && deadline <= keyspace.clock.now()) {
      // Redis: an absolute time already past deletes the key, as a DEL
      keyspace.deleteKeyAndNotify(db, key, 'del');
      if (isPropagating(client)) propagateAs(client, ['DEL', key]);
    } else if (deadline !== null) {
      db.setExpire(key, deadline);
      keyspace.signalModifiedKey(db, key);
      keyspace.notify(NotifyClass.generic, 'expire', key, db);
      // Redis: propagated as PEXPIREAT key <unix ms>
      if (isPropagating(client)) propagateAs(client, ['PEXPIREAT', key, String(deadline)]);
    } else if (o.flags & PERSIST && db.removeExpire(key)) {
      keyspace.signalModifiedKey(db, key);
      keyspace.notify(NotifyClass.generic, 'persist', key, db);
      // Redis: propagated as PERSIST key
      if (isPropagating(client)) propagateAs(client, ['PERSIST', key]);
    }
  },
} as const satisfies CommandSpec;

export const mget = {
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.rest(1, ['RO', 'ACCESS'])],
  group: 'string',
  summary: 'Get the values of all the given keys',
  since: '1.0.0',
  complexity: 'O(N) where N is the number of keys to retrieve.',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  tips: ['request_policy:multi_shard'],
  handler(client, argv) {
    const db = client.db;
    const values: (string | undefined)[] = new Array(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      const v = lookupKeyRead(client, db, argv[i]!);
      // Redis: a key of another type reads as nil here, not as an error
      values[i - 1] = typeof v === 'string' ? v : undefined;
    }
    client.reply.bulkOrNullArray(values);
  },
} as const satisfies CommandSpec;

const keyValueBlock = [
  {
    name: 'key_value',
    type: 'block',
    multiple: true,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
    ],
  },
] as const;

export const mset = {
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.rest(1, ['OW', 'UPDATE'], 2)],
  group: 'string',
  summary: 'Set multiple keys to multiple values',
  since: '1.0.1',
  complexity: 'O(N) where N is the number of keys to set.',
  arguments: keyValueBlock,
  tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
  handler(client, argv) {
    if (argv.length % 2 === 0) throw new CommandError(Err.wrongArity('mset'));
    const db = client.db;
    for (let i = 1; i < argv.length; i += 2) setString(client, db, argv[i]!, argv[i + 1]!);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const msetnx = {
  name: 'msetnx',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.rest(1, ['OW', 'INSERT'], 2)],
  group: 'string',
  summary: 'Set multiple keys to multiple values, only if none of the keys exist',
  since: '1.0.1',
  complexity: 'O(N) where N is the number of keys to set.',
  arguments: keyValueBlock,
  tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
  handler(client, argv) {
    if (argv.length % 2 === 0) throw new CommandError(Err.wrongArity('msetnx'));
    const db = client.db;
    for (let i = 1; i < argv.length; i += 2) if (db.get(argv[i]!) !== undefined) return client.reply.integer(0);
    for (let i = 1; i < argv.length; i += 2) setString(client, db, argv[i]!, argv[i + 1]!);
    client.reply.integer(1);
  },
} as const satisfies CommandSpec;

// ---- INCR family -------------------------------------------------------------------------

/**
 * Redis's incrDecrCommand: int64 arithmetic with overflow refused. Numbers while the values
 * are safe integers (the common case), BigInt beyond. The TTL is kept.
 */
function incrDecr(client: Client, key: string, incr: number | bigint): void {
  const db = client.db;
  const old = writeString(db, key);
  let current: number | bigint = 0;
  if (old !== undefined) {
    const n = parseStrictInt(old) ?? parseStrictBigInt(old);
    if (n === null) throw new CommandError(Err.notInteger);
    current = n;
  }
  let result: number | bigint;
  if (typeof current === 'number' && typeof incr === 'number' && Number.isSafeInteger(current + incr)) {
    result = current + incr;
  } else {
    const big = BigInt(current) + BigInt(incr);
    if (big > INT64_MAX || big < INT64_MIN) throw new CommandError(Err.overflow);
    result = big;
  }
  const text = String(result);
  if (old === undefined) db.set(key, text);
  else db.replace(key, text);
  const keyspace = client.server.keyspace;
  keyspace.signalModifiedKey(db, key);
  keyspace.notify(NotifyClass.string, 'incrby', key, db);
  client.reply.integer(result);
}

function incrementArg(arg: string): number | bigint {
  const n = int64Arg(arg);
  if (n === null) throw new CommandError(Err.notInteger);
  return n;
}

const keyOnly = [{ name: 'key', type: 'key', keySpecIndex: 0 }] as const;

export const incr = {
  name: 'incr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Increment the integer value of a key by one',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: keyOnly,
  handler: (client, argv) => incrDecr(client, argv[1]!, 1),
} as const satisfies CommandSpec;

export const decr = {
  name: 'decr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Decrement the integer value of a key by one',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: keyOnly,
  handler: (client, argv) => incrDecr(client, argv[1]!, -1),
} as const satisfies CommandSpec;

export const incrby = {
  name: 'incrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Increment the integer value of a key by the given amount',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'increment', type: 'integer' },
  ],
  handler: (client, argv) => incrDecr(client, argv[1]!, incrementArg(argv[2]!)),
} as const satisfies CommandSpec;

export const decrby = {
  name: 'decrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Decrement the integer value of a key by the given number',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'decrement', type: 'integer' },
  ],
  handler(client, argv) {
    const n = incrementArg(argv[2]!);
    // Redis: negating LLONG_MIN would overflow
    if (n === INT64_MIN) throw new CommandError(Err.decrementOverflow);
    incrDecr(client, argv[1]!, -n);
  },
} as const satisfies CommandSpec;

export const incrbyfloat = {
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'string',
  summary: 'Increment the float value of a key by the given amount',
  since: '2.6.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'increment', type: 'double' },
  ],
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    const old = writeString(db, key);
    // Redis adds in long double; the emulation gives its exact digits ("0.1 + 0.2" is "0.3").
    const value = old === undefined ? parseLongDouble('0') : parseLongDouble(old);
    if (value === null) throw new CommandError(Err.notFloat);
    const incr = parseLongDouble(argv[2]!);
    if (incr === null) throw new CommandError(Err.notFloat);
    const sum = addLongDouble(value, incr);
    if (!isFiniteLongDouble(sum)) throw new CommandError(Err.nanOrInf);
    const text = formatLongDoubleHuman(sum);
    if (old === undefined) db.set(key, text);
    else db.replace(key, text);
    const keyspace = client.server.keyspace;
    keyspace.signalModifiedKey(db, key);
    // Redis makes the result with createStringObject: embstr even when it reads as an integer
    stringEncodings(keyspace).mark(db, key, text, 'embstr');
    keyspace.notify(NotifyClass.string, 'incrbyfloat', key, db);
    // Redis: propagated as SET key result KEEPTTL, so float rounding cannot differ on replay
    if (isPropagating(client)) propagateAs(client, ['SET', key, text, 'KEEPTTL']);
    client.reply.bulk(text);
  },
} as const satisfies CommandSpec;

// ---- APPEND, STRLEN, GETRANGE, SETRANGE, SUBSTR ------------------------------------------

export const append = {
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'INSERT'])],
  group: 'string',
  summary: 'Append a value to a key',
  since: '2.0.0',
  complexity:
    'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
  ],
  handler(client, argv) {
    const db = client.db;
    const key = argv[1]!;
    const tail = argv[2]!;
    const old = writeString(db, key);
    const keyspace = client.server.keyspace;
    let result: string;
    if (old === undefined) {
      result = tail;
      db.set(key, result);
      keyspace.signalModifiedKey(db, key);
    } else {
      checkStringLength(client, old.length + tail.length);
      result = old + tail;
      db.replace(key, result);
      keyspace.signalModifiedKey(db, key);
      // Redis: appending unshares the string, which leaves it raw however short
      stringEncodings(keyspace).mark(db, key, result, 'raw');
    }
    keyspace.notify(NotifyClass.string, 'append', key, db);
    client.reply.integer(result.length);
  },
} as const satisfies CommandSpec;

export const strlen = {
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'string',
  summary: 'Get the length of the value stored in a key',
  since: '2.2.0',
  complexity: 'O(1)',
  arguments: keyOnly,
  handler(client, argv) {
    client.reply.integer(readString(client, client.db, argv[1]!)?.length ?? 0);
  },
} as const satisfies CommandSpec;

/** Redis's getrangeCommand: inclusive int64 indexes, negatives from the end, clamped. */
function getrange(client: Client, argv: string[]): void {
  const start = int64Arg(argv[2]!);
  if (start === null) throw new CommandError(Err.notInteger);
  const end = int64Arg(argv[3]!);
  if (end === null) throw new CommandError(Err.notInteger);
  const v = readString(client, client.db, argv[1]!);
  if (v === undefined) return client.reply.bulk('');
  if (start < 0 && end < 0 && start > end) return client.reply.bulk('');
  const len = v.length;
  // Beyond 2^53 an index is past either end of any string: infinities keep the clamping exact.
  let s = typeof start === 'bigint' ? (start < 0n ? -Infinity : Infinity) : start;
  let e = typeof end === 'bigint' ? (end < 0n ? -Infinity : Infinity) : end;
  if (s < 0) s = len + s;
  if (e < 0) e = len + e;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= len) e = len - 1;
  if (s > e || len === 0) return client.reply.bulk('');
  client.reply.bulk(v.slice(s, e + 1));
}

const rangeArgs = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'start', type: 'integer' },
  { name: 'end', type: 'integer' },
] as const;
const rangeComplexity =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const getrangeCommand = {
  name: 'getrange',
  arity: 4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'string',
  summary: 'Get a substring of the string stored at a key',
  since: '2.4.0',
  complexity: rangeComplexity,
  arguments: rangeArgs,
  handler: getrange,
} as const satisfies CommandSpec;

export const substr = {
  name: 'substr',
  arity: 4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'string',
  summary: 'Get a substring of the string stored at a key',
  since: '1.0.0',
  complexity: rangeComplexity,
  docFlags: ['deprecated'],
  deprecatedSince: '2.0.0',
  replacedBy: '`GETRANGE`',
  arguments: rangeArgs,
  handler: getrange,
} as const satisfies CommandSpec;

export const setrange = {
  name: 'setrange',
  arity: 4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'string',
  summary: 'Overwrite part of a string at key starting at the specified offset',
  since: '2.2.0',
  complexity:
    'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'offset', type: 'integer' },
    { name: 'value', type: 'string' },
  ],
  handler(client, argv) {
    const offsetArg = int64Arg(argv[2]!);
    if (offsetArg === null) throw new CommandError(Err.notInteger);
    if (offsetArg < 0) throw new CommandError(Err.offsetOutOfRange);
    const db = client.db;
    const key = argv[1]!;
    const piece = argv[3]!;
    const old = writeString(db, key);
    // Redis: writing nothing creates nothing and changes nothing
    if (piece.length === 0) return client.reply.integer(old?.length ?? 0);
    if (typeof offsetArg === 'bigint') throw new CommandError(Err.stringTooLong);
    const offset = offsetArg;
    checkStringLength(client, offset + piece.length);
    const base = old ?? '';
    const head = base.length >= offset ? base.slice(0, offset) : base + '\0'.repeat(offset - base.length);
    const result = head + piece + base.slice(offset + piece.length);
    const keyspace = client.server.keyspace;
    if (old === undefined) db.set(key, result);
    else db.replace(key, result);
    keyspace.signalModifiedKey(db, key);
    // Redis: the result is an unshared raw string, whatever its length
    stringEncodings(keyspace).mark(db, key, result, 'raw');
    keyspace.notify(NotifyClass.string, 'setrange', key, db);
    client.reply.integer(result.length);
  },
} as const satisfies CommandSpec;

// ---- LCS -----------------------------------------------------------------------------------

/** One common run: [start, end] in a, [start, end] in b, inclusive. */
type LcsRange = [number, number, number, number];

export const lcs = {
  name: 'lcs',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [{ flags: ['RO', 'ACCESS'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 1, step: 1, limit: 0 } } }],
  group: 'string',
  summary: 'Find longest common substring',
  since: '7.0.0',
  complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
  arguments: [
    { name: 'key1', type: 'key', keySpecIndex: 0 },
    { name: 'key2', type: 'key', keySpecIndex: 0 },
    { name: 'len', type: 'pure-token', token: 'LEN', optional: true },
    { name: 'idx', type: 'pure-token', token: 'IDX', optional: true },
    { name: 'len', type: 'integer', token: 'MINMATCHLEN', optional: true },
    { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', optional: true },
  ],
  handler(client, argv) {
    const db = client.db;
    const va = lookupKeyRead(client, db, argv[1]!);
    const vb = lookupKeyRead(client, db, argv[2]!);
    // Redis checks the types before the options
    if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
      throw new CommandError(Err.lcsNotStrings);
    }
    let getLen = false, getIdx = false, withMatchLen = false;
    let minMatchLen = 0;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j]!.toUpperCase();
      if (opt === 'IDX') getIdx = true;
      else if (opt === 'LEN') getLen = true;
      else if (opt === 'WITHMATCHLEN') withMatchLen = true;
      else if (opt === 'MINMATCHLEN' && j + 1 < argv.length) {
        const n = int64Arg(argv[++j]!);
        if (n === null) throw new CommandError(Err.notInteger);
        minMatchLen = n < 0 ? 0 : Number(n);
      } else throw new CommandError(Err.syntax);
    }
    if (getIdx && getLen) throw new CommandError(Err.lcsLenAndIdx);
    const a = (va as string | undefined) ?? '';
    const b = (vb as string | undefined) ?? '';
    if (a.length >= 0xffffffff - 1 || b.length >= 0xffffffff - 1) throw new CommandError(Err.lcsTooLong);
    const alen = a.length, blen = b.length;
    const cells = (alen + 1) * (blen + 1);
    if (cells * 4 > client.server.config.num('proto-max-bulk-len')) throw new CommandError(Err.lcsMemoryLimit);
    let table: Uint32Array;
    try {
      table = new Uint32Array(cells);
    } catch {
      throw new CommandError(Err.lcsMemoryFailed);
    }
    // Redis's dynamic programming table: LCS(i, j) of a[0, i) and b[0, j).
    const w = blen + 1;
    for (let i = 1; i <= alen; i++) {
      const ca = a.charCodeAt(i - 1);
      for (let j = 1; j <= blen; j++) {
        if (ca === b.charCodeAt(j - 1)) table[i * w + j] = table[(i - 1) * w + j - 1]! + 1;
        else {
          const l1 = table[(i - 1) * w + j]!, l2 = table[i * w + j - 1]!;
          table[i * w + j] = l1 > l2 ? l1 : l2;
        }
      }
    }
    const total = table[alen * w + blen]!;
    if (getLen) return client.reply.integer(total);
    // Walk back from the end as Redis does, so the string and the ranges come out the same.
    const out: number[] = new Array(total);
    const ranges: LcsRange[] = [];
    let idx = total;
    let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no range open
    let i = alen, j = blen;
    while (i > 0 && j > 0) {
      let emit = false;
      if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
        out[idx - 1] = a.charCodeAt(i - 1);
        if (aStart === alen) {
          aStart = aEnd = i - 1;
          bStart = bEnd = j - 1;
        } else if (aStart === i && bStart === j) {
          aStart--;
          bStart--;
        } else {
          emit = true;
        }
        if (aStart === 0 || bStart === 0) emit = true;
        idx--;
        i--;
        j--;
      } else {
        if (table[(i - 1) * w + j]! > table[i * w + j - 1]!) i--;
        else j--;
        if (aStart !== alen) emit = true;
      }
      if (emit) {
        const matchLen = aEnd - aStart + 1;
        if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push([aStart, aEnd, bStart, bEnd]);
        aStart = alen;
      }
    }
    if (!getIdx) {
      client.reply.bulk(latin1(out));
      return;
    }
    const r = client.reply;
    r.mapHeader(2);
    r.bulk('matches');
    r.arrayHeader(ranges.length);
    for (const [as, ae, bs, be] of ranges) {
      r.arrayHeader(withMatchLen ? 3 : 2);
      r.arrayHeader(2);
      r.integer(as);
      r.integer(ae);
      r.arrayHeader(2);
      r.integer(bs);
      r.integer(be);
      if (withMatchLen) r.integer(ae - as + 1);
    }
    r.bulk('len');
    r.integer(total);
  },
} as const satisfies CommandSpec;

/** Char codes to a latin1 string, in chunks (fromCharCode takes a bounded argument list). */
function latin1(codes: number[]): string {
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

export const stringsCommands: readonly CommandSpec[] = [
  get, set, setnx, setex, psetex, getset, getdel, getex,
  mget, mset, msetnx,
  incr, decr, incrby, decrby, incrbyfloat,
  append, strlen, getrangeCommand, setrange, substr, lcs,
];
