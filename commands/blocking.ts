// The blocking sorted-set pops BZPOPMIN, BZPOPMAX and BZMPOP (Redis 7.0's
// blockingGenericZpopCommand), on the pop logic of commands/sortedSets.ts and the
// blocked-clients registry of src/blocking (the list forms live in commands/lists.ts).

import type { CommandSpec, KeySpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import type { Client } from '../src/network/client.js';
import type { ReplyWriter } from '../src/protocol/replyWriter.js';
import { blockForKeys, mayBlock, parseBlockingTimeout, type ServeBlocked } from '../src/blocking/index.js';
import { isPropagating, propagateAlso, propagateAs } from '../src/persistence/propagation.js';
import { firstZsetKey, parseZmpopArgs, replyPopped, zsetPop, type PopWhere } from './sortedSets.js';
import type { Database } from '../src/keyspace/database.js';

/**
 * Redis's genericZpopCommand with a key in the reply: BZPOPMIN/BZPOPMAX answer a flat
 * [key, member, score] (`nested` false, one entry), BZMPOP [key, [[member, score], ...]].
 */
function popWithKey(client: Client, reply: ReplyWriter, db: Database, key: string, where: PopWhere, count: number, nested: boolean): void {
  const popped = zsetPop(client.server.keyspace, db, key, where, count)!;
  if (nested) {
    reply.arrayHeader(2);
    reply.bulk(key);
    reply.arrayHeader(popped.length);
  } else {
    reply.arrayHeader(popped.length * 2 + 1);
    reply.bulk(key);
  }
  replyPopped(reply, popped, nested);
}

/** Redis propagates a blocking pop as ZPOPMIN/ZPOPMAX key count. */
function popRecord(key: string, where: PopWhere, count: number): string[] {
  return [where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(count)];
}

function servePop(where: PopWhere, count: number, nested: boolean): ServeBlocked {
  return (client, reply, db, key) => {
    popWithKey(client, reply, db, key, where, count, nested);
    propagateAlso(client.server, db.index, popRecord(key, where, count));
  };
}
const serveMin = servePop('min', 1, false);
const serveMax = servePop('max', 1, false);

/**
 * Redis's blockingGenericZpopCommand: the timeout is read first, then the first key
 * holding a sorted set is popped at once (a key of another type is WRONGTYPE); with none
 * the client blocks on all the keys, unless inside MULTI, which answers a null array.
 */
function blockingZpopGeneric(client: Client, candidates: readonly string[], where: PopWhere, timeoutArg: string, count: number, nested: boolean): void {
  const timeout = parseBlockingTimeout(timeoutArg);
  const db = client.db;
  const key = firstZsetKey(db, candidates);
  if (key !== null) {
    popWithKey(client, client.reply, db, key, where, count, nested);
    if (isPropagating(client)) propagateAs(client, popRecord(key, where, count));
    return;
  }
  if (!mayBlock(client)) {
    client.reply.nullArray();
    return;
  }
  const serve = nested ? servePop(where, count, true) : where === 'min' ? serveMin : serveMax;
  blockForKeys(client, 'zset', candidates, timeout, serve);
}

function bzpopminCommand(client: Client, argv: string[]): void {
  blockingZpopGeneric(client, argv.slice(1, -1), 'min', argv[argv.length - 1]!, 1, false);
}

function bzpopmaxCommand(client: Client, argv: string[]): void {
  blockingZpopGeneric(client, argv.slice(1, -1), 'max', argv[argv.length - 1]!, 1, false);
}

function bzmpopCommand(client: Client, argv: string[]): void {
  // Redis: numkeys, MIN|MAX and COUNT are checked before the timeout
  const { keys: candidates, where, count } = parseZmpopArgs(argv, 2);
  blockingZpopGeneric(client, candidates, where, argv[1]!, count, true);
}

const blockingKeys: KeySpec = {
  flags: ['RW', 'ACCESS', 'DELETE'],
  beginSearch: { index: 1 },
  findKeys: { range: { lastKey: -2, step: 1, limit: 0 } },
};
const timeoutHistory = [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']] as const;
const keysAndTimeout = [
  { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  { name: 'timeout', type: 'double' },
] as const;

export const bzpopmin = {
  name: 'bzpopmin',
  arity: -3,
  flags: ['write', 'noscript', 'blocking', 'fast'],
  keySpecs: [blockingKeys],
  group: 'sorted_set',
  summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
  since: '5.0.0',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
  history: timeoutHistory,
  arguments: keysAndTimeout,
  handler: bzpopminCommand,
} as const satisfies CommandSpec;

export const bzpopmax = {
  name: 'bzpopmax',
  arity: -3,
  flags: ['write', 'noscript', 'blocking', 'fast'],
  keySpecs: [blockingKeys],
  group: 'sorted_set',
  summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
  since: '5.0.0',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
  history: timeoutHistory,
  arguments: keysAndTimeout,
  handler: bzpopmaxCommand,
} as const satisfies CommandSpec;

export const bzmpop = {
  name: 'bzmpop',
  arity: -5,
  flags: ['write', 'blocking'],
  keySpecs: [keys.counted(2, ['RW', 'ACCESS', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove and return members with scores in a sorted set or block until one is available',
  since: '7.0.0',
  complexity:
    'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
  arguments: [
    { name: 'timeout', type: 'double' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    {
      name: 'where',
      type: 'oneof',
      arguments: [
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  ],
  handler: bzmpopCommand,
} as const satisfies CommandSpec;

export const blockingCommands: readonly CommandSpec[] = [bzpopmin, bzpopmax, bzmpop];
