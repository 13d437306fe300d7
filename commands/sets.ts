import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import { SetValue, liveEncodingLimits } from '../src/keyspace/types/index.js';
import { NotifyClass } from '../src/notify/notifier.js';
import { Err } from '../src/protocol/errors.js';
import { isPropagating, propagateAs } from '../src/persistence/propagation.js';
import {
  EMPTY_SCAN,
  deleteEmptied,
  longArg,
  parseScanCursor,
  parseScanOptions,
  positiveLongArg,
  randomCountArg,
  readTyped,
  replyScan,
  scanCollector,
  storeResult,
  writeTyped,
} from './collections.js';

/** A new, empty set that follows the live set-max-intset-entries. */
function newSet(client: Client): SetValue {
  return new SetValue(liveEncodingLimits(client.server.config));
}

function setWritten(client: Client, key: string, event: string): void {
  const keyspace = client.server.keyspace;
  keyspace.signalModifiedKey(client.db, key);
  keyspace.notify(NotifyClass.set, event, key, client.db);
}

/** A set reply (RESP3 '~'), members in set order. */
function replySet(client: Client, members: Iterable<string>, size: number): void {
  const reply = client.reply;
  reply.setHeader(size);
  for (const m of members) reply.bulk(m);
}

// ---- SADD, SREM, SMOVE --------------------------------------------------------------------

function saddCommand(client: Client, argv: string[]): void {
  const db = client.db;
  const key = argv[1]!;
  let set = writeTyped(db, key, SetValue);
  if (set === undefined) {
    set = newSet(client);
    db.set(key, set);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i]!)) added++;
  if (added > 0) setWritten(client, key, 'sadd');
  client.reply.integer(added);
}

function sremCommand(client: Client, argv: string[]): void {
  const key = argv[1]!;
  const set = writeTyped(client.db, key, SetValue);
  if (set === undefined) {
    client.reply.integer(0);
    return;
  }
  let removed = 0;
  for (let i = 2; i < argv.length; i++) {
    if (set.delete(argv[i]!)) {
      removed++;
      if (set.size === 0) break;
    }
  }
  if (removed > 0) {
    setWritten(client, key, 'srem');
    if (set.size === 0) deleteEmptied(client, key);
  }
  client.reply.integer(removed);
}

function smoveCommand(client: Client, argv: string[]): void {
  const db = client.db;
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const member = argv[3]!;
  const src = db.get(srcKey);
  const dst = db.get(dstKey);
  // Redis: a missing source answers 0 before any type check.
  if (src === undefined) {
    client.reply.integer(0);
    return;
  }
  if (!(src instanceof SetValue) || (dst !== undefined && !(dst instanceof SetValue))) throw new CommandError(Err.wrongType);
  if (src === dst) {
    client.reply.integer(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.delete(member)) {
    client.reply.integer(0);
    return;
  }
  const keyspace = client.server.keyspace;
  keyspace.notify(NotifyClass.set, 'srem', srcKey, db);
  if (src.size === 0) deleteEmptied(client, srcKey);
  let target = dst;
  if (target === undefined) {
    target = newSet(client);
    db.set(dstKey, target);
  }
  keyspace.signalModifiedKey(db, srcKey);
  if (target.add(member)) setWritten(client, dstKey, 'sadd');
  client.reply.integer(1);
}

// ---- reads ---------------------------------------------------------------------------------------

function scardCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, SetValue)?.size ?? 0);
}

function sismemberCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, SetValue)?.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1]!, SetValue);
  const reply = client.reply;
  reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) reply.integer(set?.has(argv[i]!) ? 1 : 0);
}

function smembersCommand(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1]!, SetValue);
  if (set === undefined) replySet(client, [], 0);
  else replySet(client, set, set.size);
}

// ---- SPOP, SRANDMEMBER ----------------------------------------------------------------------------

function spopCommand(client: Client, argv: string[]): void {
  if (argv.length > 3) throw new CommandError(Err.syntax);
  const db = client.db;
  const key = argv[1]!;
  const keyspace = client.server.keyspace;
  if (argv.length === 2) {
    const set = writeTyped(db, key, SetValue);
    if (set === undefined) {
      client.reply.nullBulk();
      return;
    }
    const member = set.popRandom()!;
    // Redis: the random choice is propagated as SREM key member
    if (isPropagating(client)) propagateAs(client, ['SREM', key, member]);
    keyspace.notify(NotifyClass.set, 'spop', key, db);
    client.reply.bulk(member);
    if (set.size === 0) deleteEmptied(client, key);
    keyspace.signalModifiedKey(db, key);
    return;
  }
  const count = positiveLongArg(argv[2]!);
  const set = writeTyped(db, key, SetValue);
  if (set === undefined || count === 0) {
    replySet(client, [], 0);
    return;
  }
  keyspace.notify(NotifyClass.set, 'spop', key, db);
  if (count >= set.size) {
    // Redis answers with SUNION of the key (a fresh set: ascending when it fits an intset), then deletes it.
    const all = newSet(client);
    for (const m of set) all.add(m);
    replySet(client, all, all.size);
    deleteEmptied(client, key);
    // Redis: propagated as DEL key
    if (isPropagating(client)) propagateAs(client, ['DEL', key]);
    return;
  }
  const popped = set.popRandomMany(count);
  // Redis: propagated as SREM key member..., 1024 members per record
  if (isPropagating(client)) {
    const records: string[][] = [];
    for (let i = 0; i < popped.length; i += 1024) records.push(['SREM', key, ...popped.slice(i, i + 1024)]);
    propagateAs(client, ...records);
  }
  replySet(client, popped, popped.length);
  keyspace.signalModifiedKey(db, key);
}

function srandmemberCommand(client: Client, argv: string[]): void {
  if (argv.length > 3) throw new CommandError(Err.syntax);
  const reply = client.reply;
  if (argv.length === 2) {
    reply.bulkOrNull(readTyped(client, argv[1]!, SetValue)?.randomMember());
    return;
  }
  const count = randomCountArg(argv[2]!);
  const set = readTyped(client, argv[1]!, SetValue);
  if (set === undefined || count === 0) {
    reply.arrayHeader(0);
    return;
  }
  // Redis: a negative count picks with repetition, in random order.
  reply.bulkArray(count < 0 ? set.randomMembersWithRepetition(-count) : set.randomMembers(count));
}

// ---- SINTER, SUNION, SDIFF and their STORE and CARD forms -----------------------------------------

/** The sets named by argv[from..to), WRONGTYPE checked for all of them; null for a missing key. */
function inputSets(client: Client, argv: readonly string[], from: number, to: number): (SetValue | null)[] {
  const sets: (SetValue | null)[] = [];
  for (let i = from; i < to; i++) sets.push(readTyped(client, argv[i]!, SetValue) ?? null);
  return sets;
}

/**
 * Redis's sinterGenericCommand: members of the smallest set found in every other one, in
 * that set's order; `limit` (SINTERCARD) stops counting early. Empty when a key is missing.
 */
function intersect(sets: readonly (SetValue | null)[], limit = 0): string[] {
  if (sets.some((s) => s === null)) return [];
  // Stable, like glibc's merge-sort qsort: equal sizes keep argument order.
  const bySize = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = bySize[0]!;
  const out: string[] = [];
  outer: for (const m of first) {
    for (let j = 1; j < bySize.length; j++) {
      const s = bySize[j]!;
      if (s !== first && !s.has(m)) continue outer;
    }
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** Redis's sunionDiffGenericCommand: the result as a new set (intset while it can be). */
function unionOrDiff(client: Client, sets: readonly (SetValue | null)[], op: 'union' | 'diff'): SetValue {
  const result = newSet(client);
  if (op === 'union') {
    for (const s of sets) if (s !== null) for (const m of s) result.add(m);
    return result;
  }
  const first = sets[0];
  if (first === null || first === undefined) return result;
  // Redis: the first key given again makes the difference empty.
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return result;
  outer: for (const m of first) {
    for (let j = 1; j < sets.length; j++) if (sets[j]?.has(m)) continue outer;
    result.add(m);
  }
  return result;
}

function sinterCommand(client: Client, argv: string[]): void {
  const members = intersect(inputSets(client, argv, 1, argv.length));
  replySet(client, members, members.length);
}

function sinterstoreCommand(client: Client, argv: string[]): void {
  const members = intersect(inputSets(client, argv, 2, argv.length));
  const result = newSet(client);
  for (const m of members) result.add(m);
  storeResult(client, argv[1]!, result, NotifyClass.set, 'sinterstore');
}

function sintercardCommand(client: Client, argv: string[]): void {
  const numkeys = longArg(argv[1]!, Err.numkeysNotPositive);
  if (numkeys < 1) throw new CommandError(Err.numkeysNotPositive);
  if (numkeys > argv.length - 2) throw new CommandError(Err.numkeysOverArgs);
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (argv[i]!.toUpperCase() === 'LIMIT' && i + 1 < argv.length) {
      limit = positiveLongArg(argv[++i]!, Err.limitNegative);
    } else {
      throw new CommandError(Err.syntax);
    }
  }
  client.reply.integer(intersect(inputSets(client, argv, 2, 2 + numkeys), limit).length);
}

function sunionCommand(client: Client, argv: string[]): void {
  const result = unionOrDiff(client, inputSets(client, argv, 1, argv.length), 'union');
  replySet(client, result, result.size);
}

function sdiffCommand(client: Client, argv: string[]): void {
  const result = unionOrDiff(client, inputSets(client, argv, 1, argv.length), 'diff');
  replySet(client, result, result.size);
}

function sunionstoreCommand(client: Client, argv: string[]): void {
  const result = unionOrDiff(client, inputSets(client, argv, 2, argv.length), 'union');
  storeResult(client, argv[1]!, result, NotifyClass.set, 'sunionstore');
}

function sdiffstoreCommand(client: Client, argv: string[]): void {
  const result = unionOrDiff(client, inputSets(client, argv, 2, argv.length), 'diff');
  storeResult(client, argv[1]!, result, NotifyClass.set, 'sdiffstore');
}

// ---- SSCAN ----------------------------------------------------------------------------------------

function sscanCommand(client: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]!);
  const set = readTyped(client, argv[1]!, SetValue);
  if (set === undefined) {
    client.reply.raw(EMPTY_SCAN);
    return;
  }
  const { count, pattern } = parseScanOptions(argv, 3);
  const items: string[] = [];
  const next = set.scan(cursor, count, scanCollector(items, pattern));
  replyScan(client, next, items);
}

// ---- declarations ---------------------------------------------------------------------------------

export const sadd = {
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'INSERT'])],
  group: 'set',
  summary: 'Add one or more members to a set',
  since: '1.0.0',
  complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
  history: [['2.4.0', 'Accepts multiple `member` arguments.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string', multiple: true },
  ],
  handler: saddCommand,
} as const satisfies CommandSpec;

export const srem = {
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'set',
  summary: 'Remove one or more members from a set',
  since: '1.0.0',
  complexity: 'O(N) where N is the number of members to be removed.',
  history: [['2.4.0', 'Accepts multiple `member` arguments.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string', multiple: true },
  ],
  handler: sremCommand,
} as const satisfies CommandSpec;

export const smembers = {
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Get all the members in a set',
  since: '1.0.0',
  complexity: 'O(N) where N is the set cardinality.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  tips: ['nondeterministic_output_order'],
  handler: smembersCommand,
} as const satisfies CommandSpec;

export const sismember = {
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'set',
  summary: 'Determine if a given value is a member of a set',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
  ],
  handler: sismemberCommand,
} as const satisfies CommandSpec;

export const smismember = {
  name: 'smismember',
  arity: -3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Returns the membership associated with the given elements for a set',
  since: '6.2.0',
  complexity: 'O(N) where N is the number of elements being checked for membership',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string', multiple: true },
  ],
  handler: smismemberCommand,
} as const satisfies CommandSpec;

export const scard = {
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'set',
  summary: 'Get the number of members in a set',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  handler: scardCommand,
} as const satisfies CommandSpec;

export const spop = {
  name: 'spop',
  arity: -2,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE'])],
  group: 'set',
  summary: 'Remove and return one or multiple random members from a set',
  since: '1.0.0',
  complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
  history: [['3.2.0', 'Added the `count` argument.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', since: '3.2.0', optional: true },
  ],
  tips: ['nondeterministic_output'],
  handler: spopCommand,
} as const satisfies CommandSpec;

export const srandmember = {
  name: 'srandmember',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Get one or multiple random members from a set',
  since: '1.0.0',
  complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
  history: [['2.6.0', 'Added the optional `count` argument.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', since: '2.6.0', optional: true },
  ],
  tips: ['nondeterministic_output'],
  handler: srandmemberCommand,
} as const satisfies CommandSpec;

export const smove = {
  name: 'smove',
  arity: 4,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE']), keys.one(2, ['RW', 'INSERT'])],
  group: 'set',
  summary: 'Move a member from one set to another',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    { name: 'member', type: 'string' },
  ],
  handler: smoveCommand,
} as const satisfies CommandSpec;

export const sinter = {
  name: 'sinter',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.rest(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Intersect multiple sets',
  since: '1.0.0',
  complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  ],
  tips: ['nondeterministic_output_order'],
  handler: sinterCommand,
} as const satisfies CommandSpec;

export const sintercard = {
  name: 'sintercard',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.counted(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Intersect multiple sets and return the cardinality of the result',
  since: '7.0.0',
  complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
  ],
  handler: sintercardCommand,
} as const satisfies CommandSpec;

export const sunion = {
  name: 'sunion',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.rest(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Add multiple sets',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of elements in all given sets.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  ],
  tips: ['nondeterministic_output_order'],
  handler: sunionCommand,
} as const satisfies CommandSpec;

export const sdiff = {
  name: 'sdiff',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.rest(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Subtract multiple sets',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of elements in all given sets.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  ],
  tips: ['nondeterministic_output_order'],
  handler: sdiffCommand,
} as const satisfies CommandSpec;

export const sinterstore = {
  name: 'sinterstore',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE']), keys.rest(2, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Intersect multiple sets and store the resulting set in a key',
  since: '1.0.0',
  complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
  ],
  handler: sinterstoreCommand,
} as const satisfies CommandSpec;

export const sunionstore = {
  name: 'sunionstore',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.rest(2, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Add multiple sets and store the resulting set in a key',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of elements in all given sets.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
  ],
  handler: sunionstoreCommand,
} as const satisfies CommandSpec;

export const sdiffstore = {
  name: 'sdiffstore',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.rest(2, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Subtract multiple sets and store the resulting set in a key',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of elements in all given sets.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
  ],
  handler: sdiffstoreCommand,
} as const satisfies CommandSpec;

export const sscan = {
  name: 'sscan',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'set',
  summary: 'Incrementally iterate Set elements',
  since: '2.8.0',
  complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  ],
  tips: ['nondeterministic_output'],
  handler: sscanCommand,
} as const satisfies CommandSpec;

export const setsCommands: readonly CommandSpec[] = [
  sadd, srem, smembers, sismember, smismember, scard, spop, srandmember, smove,
  sinter, sintercard, sunion, sdiff, sinterstore, sunionstore, sdiffstore, sscan,
];
