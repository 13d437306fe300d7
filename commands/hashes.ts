import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import { HashValue, liveEncodingLimits } from '../src/keyspace/types/index.js';
import { NotifyClass } from '../src/notify/notifier.js';
import { Err } from '../src/protocol/errors.js';
import { isPropagating, propagateAs } from '../src/persistence/propagation.js';
import { parseStrictBigInt, parseStrictInt } from '../src/util/numbers.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, parseLongDouble } from '../src/util/longDouble.js';
import {
  EMPTY_SCAN,
  checkPairCount,
  deleteEmptied,
  parseScanCursor,
  parseScanOptions,
  randomCountArg,
  readTyped,
  replyScan,
  scanCollector,
  writeTyped,
} from './collections.js';

// ---- lookups ---------------------------------------------------------------------------

/** Redis's hashTypeLookupWriteOrCreate: the hash at key, created (and stored) when missing. */
function hashForWrite(client: Client, key: string): HashValue {
  const db = client.db;
  let hash = writeTyped(db, key, HashValue);
  if (hash === undefined) {
    hash = new HashValue(liveEncodingLimits(client.server.config));
    db.set(key, hash);
  }
  return hash;
}

/** After a write to a hash: WATCH and the keyspace event (Redis's signalModifiedKey + notifyKeyspaceEvent). */
function hashWritten(client: Client, key: string, event: string): void {
  const keyspace = client.server.keyspace;
  keyspace.signalModifiedKey(client.db, key);
  keyspace.notify(NotifyClass.hash, event, key, client.db);
}

// ---- HSET, HSETNX, HMSET, HDEL -----------------------------------------------------------

function hsetGeneric(client: Client, argv: string[], name: string): number {
  // Redis checks the pairs itself (arity -4 lets an odd count through) before the lookup.
  if (argv.length % 2 === 1) throw new CommandError(Err.wrongArity(name));
  const key = argv[1]!;
  const hash = hashForWrite(client, key);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i]!, argv[i + 1]!)) created++;
  hashWritten(client, key, 'hset');
  return created;
}

function hsetCommand(client: Client, argv: string[]): void {
  client.reply.integer(hsetGeneric(client, argv, 'hset'));
}

function hmsetCommand(client: Client, argv: string[]): void {
  hsetGeneric(client, argv, 'hmset');
  client.reply.ok();
}

function hsetnxCommand(client: Client, argv: string[]): void {
  const key = argv[1]!;
  const hash = hashForWrite(client, key);
  if (hash.has(argv[2]!)) {
    client.reply.integer(0);
    return;
  }
  hash.set(argv[2]!, argv[3]!);
  hashWritten(client, key, 'hset');
  client.reply.integer(1);
}

function hdelCommand(client: Client, argv: string[]): void {
  const key = argv[1]!;
  const hash = writeTyped(client.db, key, HashValue);
  if (hash === undefined) {
    client.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (hash.delete(argv[i]!)) {
      deleted++;
      if (hash.size === 0) break;
    }
  }
  if (deleted > 0) {
    hashWritten(client, key, 'hdel');
    if (hash.size === 0) deleteEmptied(client, key);
  }
  client.reply.integer(deleted);
}

// ---- reads ---------------------------------------------------------------------------------

function hgetCommand(client: Client, argv: string[]): void {
  client.reply.bulkOrNull(readTyped(client, argv[1]!, HashValue)?.get(argv[2]!));
}

function hmgetCommand(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1]!, HashValue);
  const values = new Array<string | undefined>(argv.length - 2);
  if (hash !== undefined) for (let i = 2; i < argv.length; i++) values[i - 2] = hash.get(argv[i]!);
  client.reply.bulkOrNullArray(values);
}

function hexistsCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, HashValue)?.has(argv[2]!) ? 1 : 0);
}

function hlenCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, HashValue)?.size ?? 0);
}

function hstrlenCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, HashValue)?.get(argv[2]!)?.length ?? 0);
}

function hkeysCommand(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1]!, HashValue);
  client.reply.bulkArray(hash === undefined ? [] : hash.fields());
}

function hvalsCommand(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1]!, HashValue);
  client.reply.bulkArray(hash === undefined ? [] : hash.values());
}

function hgetallCommand(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1]!, HashValue);
  const reply = client.reply;
  if (hash === undefined) {
    reply.mapHeader(0);
    return;
  }
  reply.mapHeader(hash.size);
  for (const [field, value] of hash) {
    reply.bulk(field);
    reply.bulk(value);
  }
}

// ---- HINCRBY, HINCRBYFLOAT ---------------------------------------------------------------------

const LLONG_MIN = -(2n ** 63n);
const LLONG_MAX = 2n ** 63n - 1n;

function hincrbyCommand(client: Client, argv: string[]): void {
  const incrText = argv[3]!;
  const incr = parseStrictInt(incrText) ?? parseStrictBigInt(incrText);
  if (incr === null) throw new CommandError(Err.notInteger);
  const key = argv[1]!;
  const field = argv[2]!;
  const hash = hashForWrite(client, key);
  const old = hash.get(field);
  let value: number | bigint = 0;
  if (old !== undefined) {
    const parsed = parseStrictInt(old) ?? parseStrictBigInt(old);
    if (parsed === null) throw new CommandError(Err.hashValueNotInteger);
    value = parsed;
  }
  let result: number | bigint;
  if (typeof value === 'number' && typeof incr === 'number' && Number.isSafeInteger(value + incr)) {
    result = value + incr;
  } else {
    result = BigInt(value) + BigInt(incr);
    if (result < LLONG_MIN || result > LLONG_MAX) throw new CommandError(Err.overflow);
  }
  hash.set(field, String(result));
  client.reply.integer(result);
  hashWritten(client, key, 'hincrby');
}

function hincrbyfloatCommand(client: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) throw new CommandError(Err.notFloat);
  if (!isFiniteLongDouble(incr)) throw new CommandError(Err.valueNanOrInfinity);
  const key = argv[1]!;
  const field = argv[2]!;
  const hash = hashForWrite(client, key);
  const old = hash.get(field);
  // Redis adds in long double; the emulation gives its exact digits ("0.1 + 0.2" is "0.3").
  const value = parseLongDouble(old ?? '0');
  if (value === null) throw new CommandError(Err.hashValueNotFloat);
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) throw new CommandError(Err.nanOrInf);
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text);
  client.reply.bulk(text);
  hashWritten(client, key, 'hincrbyfloat');
  // Redis: propagated as HSET key field result, so float rounding cannot differ on replay
  if (isPropagating(client)) propagateAs(client, ['HSET', key, field, text]);
}

// ---- HRANDFIELD, HSCAN -------------------------------------------------------------------------

function hrandfieldCommand(client: Client, argv: string[]): void {
  const reply = client.reply;
  if (argv.length === 2) {
    const hash = readTyped(client, argv[1]!, HashValue);
    reply.bulkOrNull(hash?.randomEntry()?.[0]);
    return;
  }
  const count = randomCountArg(argv[2]!);
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toUpperCase() !== 'WITHVALUES')) {
    throw new CommandError(Err.syntax);
  } else if (argv.length === 4) {
    withValues = true;
    checkPairCount(argv[2]!);
  }
  const hash = readTyped(client, argv[1]!, HashValue);
  if (hash === undefined || count === 0) {
    reply.arrayHeader(0);
    return;
  }
  // Redis: a negative count picks with repetition, in random order.
  const entries = count < 0 ? hash.randomEntriesWithRepetition(-count) : hash.randomEntries(count);
  if (!withValues) {
    reply.arrayHeader(entries.length);
    for (const [field] of entries) reply.bulk(field);
    return;
  }
  // RESP3 nests each pair; RESP2 flattens (not a map: the order and repeats matter).
  const nested = reply.resp === 3;
  reply.arrayHeader(nested ? entries.length : entries.length * 2);
  for (const [field, value] of entries) {
    if (nested) reply.arrayHeader(2);
    reply.bulk(field);
    reply.bulk(value);
  }
}

function hscanCommand(client: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]!);
  const hash = readTyped(client, argv[1]!, HashValue);
  if (hash === undefined) {
    client.reply.raw(EMPTY_SCAN);
    return;
  }
  const { count, pattern } = parseScanOptions(argv, 3);
  const items: string[] = [];
  const next = hash.scan(cursor, count, scanCollector(items, pattern));
  replyScan(client, next, items);
}

// ---- declarations ------------------------------------------------------------------------------

export const hset = {
  name: 'hset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'hash',
  summary: 'Set the string value of a hash field',
  since: '2.0.0',
  complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
  history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field_value', type: 'block', multiple: true, arguments: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ] },
  ],
  handler: hsetCommand,
} as const satisfies CommandSpec;

export const hsetnx = {
  name: 'hsetnx',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'INSERT'])],
  group: 'hash',
  summary: 'Set the value of a hash field, only if the field does not exist',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
    { name: 'value', type: 'string' },
  ],
  handler: hsetnxCommand,
} as const satisfies CommandSpec;

export const hget = {
  name: 'hget',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get the value of a hash field',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
  ],
  handler: hgetCommand,
} as const satisfies CommandSpec;

export const hmset = {
  name: 'hmset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'hash',
  summary: 'Set multiple hash fields to multiple values',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of fields being set.',
  docFlags: ['deprecated'],
  deprecatedSince: '4.0.0',
  replacedBy: '`HSET` with multiple field-value pairs',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field_value', type: 'block', multiple: true, arguments: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ] },
  ],
  handler: hmsetCommand,
} as const satisfies CommandSpec;

export const hmget = {
  name: 'hmget',
  arity: -3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get the values of all the given hash fields',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of fields being requested.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string', multiple: true },
  ],
  handler: hmgetCommand,
} as const satisfies CommandSpec;

export const hgetall = {
  name: 'hgetall',
  arity: 2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get all the fields and values in a hash',
  since: '2.0.0',
  complexity: 'O(N) where N is the size of the hash.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  tips: ['nondeterministic_output_order'],
  handler: hgetallCommand,
} as const satisfies CommandSpec;

export const hdel = {
  name: 'hdel',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'hash',
  summary: 'Delete one or more hash fields',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of fields to be removed.',
  history: [['2.4.0', 'Accepts multiple `field` arguments.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string', multiple: true },
  ],
  handler: hdelCommand,
} as const satisfies CommandSpec;

export const hexists = {
  name: 'hexists',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'hash',
  summary: 'Determine if a hash field exists',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
  ],
  handler: hexistsCommand,
} as const satisfies CommandSpec;

export const hlen = {
  name: 'hlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'hash',
  summary: 'Get the number of fields in a hash',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  handler: hlenCommand,
} as const satisfies CommandSpec;

export const hkeys = {
  name: 'hkeys',
  arity: 2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get all the fields in a hash',
  since: '2.0.0',
  complexity: 'O(N) where N is the size of the hash.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  tips: ['nondeterministic_output_order'],
  handler: hkeysCommand,
} as const satisfies CommandSpec;

export const hvals = {
  name: 'hvals',
  arity: 2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get all the values in a hash',
  since: '2.0.0',
  complexity: 'O(N) where N is the size of the hash.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  tips: ['nondeterministic_output_order'],
  handler: hvalsCommand,
} as const satisfies CommandSpec;

export const hstrlen = {
  name: 'hstrlen',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'hash',
  summary: 'Get the length of the value of a hash field',
  since: '3.2.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
  ],
  handler: hstrlenCommand,
} as const satisfies CommandSpec;

export const hincrby = {
  name: 'hincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'hash',
  summary: 'Increment the integer value of a hash field by the given number',
  since: '2.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
    { name: 'increment', type: 'integer' },
  ],
  handler: hincrbyCommand,
} as const satisfies CommandSpec;

export const hincrbyfloat = {
  name: 'hincrbyfloat',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'hash',
  summary: 'Increment the float value of a hash field by the given amount',
  since: '2.6.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
    { name: 'increment', type: 'double' },
  ],
  handler: hincrbyfloatCommand,
} as const satisfies CommandSpec;

export const hrandfield = {
  name: 'hrandfield',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Get one or multiple random fields from a hash',
  since: '6.2.0',
  complexity: 'O(N) where N is the number of fields returned',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'options', type: 'block', optional: true, arguments: [
      { name: 'count', type: 'integer' },
      { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
    ] },
  ],
  tips: ['nondeterministic_output'],
  handler: hrandfieldCommand,
} as const satisfies CommandSpec;

export const hscan = {
  name: 'hscan',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'hash',
  summary: 'Incrementally iterate hash fields and associated values',
  since: '2.8.0',
  complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  ],
  tips: ['nondeterministic_output'],
  handler: hscanCommand,
} as const satisfies CommandSpec;

export const hashesCommands: readonly CommandSpec[] = [
  hset, hsetnx, hget, hmset, hmget, hgetall, hdel, hexists, hlen, hkeys, hvals, hstrlen,
  hincrby, hincrbyfloat, hrandfield, hscan,
];
