// MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7.0's multi.c).
//
// The dispatcher queues every command sent after MULTI (except EXEC, DISCARD, MULTI, WATCH,
// QUIT and RESET, which run at once) and marks the transaction dirty when one is refused
// while queuing (unknown command, wrong arity, ACL...): EXEC then answers EXECABORT. An EXEC
// it refuses itself discards the transaction (src/transactions execAbortReply).

import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import { Err } from '../src/protocol/errors.js';
import { discardTransaction, existingWatchedKeys, watchedKeys } from '../src/transactions/index.js';

function multiCommand(client: Client): void {
  // Redis: an error, but the transaction goes on (not flagged dirty)
  if (client.multi !== null) throw new CommandError(Err.multiNested);
  client.multi = { queue: [], dirty: false };
  client.reply.ok();
}

function discardCommand(client: Client): void {
  if (client.multi === null) throw new CommandError(Err.discardWithoutMulti);
  discardTransaction(client);
  client.reply.ok();
}

/**
 * Redis's execCommand. A queuing error aborts (EXECABORT), a touched or expired watched key
 * fails the transaction (a null array); otherwise every queued command runs, one after the
 * other with nothing in between (one thread), and the reply is the array of their replies,
 * an error being just that element. While it runs, client.multi stays set: blocking
 * commands answer at once (Redis's CLIENT_DENY_BLOCKING) and clients blocked on keys it
 * writes are served after it, not in the middle.
 */
function execCommand(client: Client): void {
  const multi = client.multi;
  if (multi === null) throw new CommandError(Err.execWithoutMulti);
  const server = client.server;
  const reply = client.reply;
  const watch = existingWatchedKeys(server);
  if (watch?.isWatchedKeyExpired(client)) client.dirtyCas = true;
  if (multi.dirty || client.dirtyCas) {
    if (multi.dirty) reply.error(Err.execAbort);
    else reply.nullArray();
    discardTransaction(client);
    return;
  }
  // Redis: unwatch before running, so the transaction's own writes touch nobody's EXEC here
  watch?.unwatchAllKeys(client);
  // Pub/sub messages this client gets from its own commands (keyspace events, RESP3) must
  // not land inside the array: they go out after it.
  const held: string[] | null = client.subscriptionCount > 0 ? [] : null;
  if (held !== null) client.push = (text: string) => void held.push(text);
  const dispatcher = server.dispatcher;
  try {
    reply.arrayHeader(multi.queue.length);
    for (const { spec, argv } of multi.queue) {
      // Redis: ACL rules may have changed since the command was queued
      const denied = server.acl.checkQueued(client, spec, argv);
      if (denied !== null) reply.error(denied);
      else dispatcher.call(client, spec, argv);
    }
  } finally {
    discardTransaction(client);
    if (held !== null) {
      delete (client as { push?: unknown }).push; // back to Client.prototype.push
      for (const text of held) client.push(text);
    }
  }
}

function watchCommand(client: Client, argv: string[]): void {
  if (client.multi !== null) throw new CommandError(Err.watchInMulti);
  // Redis: no point in watching once the transaction is doomed
  if (!client.dirtyCas) {
    const watch = watchedKeys(client.server);
    const db = client.db;
    for (let i = 1; i < argv.length; i++) watch.watch(client, db, argv[i]!);
  }
  client.reply.ok();
}

function unwatchCommand(client: Client): void {
  existingWatchedKeys(client.server)?.unwatchAllKeys(client);
  client.dirtyCas = false;
  client.reply.ok();
}

export const multi = {
  name: 'multi',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  group: 'transactions',
  summary: 'Mark the start of a transaction block',
  since: '1.2.0',
  complexity: 'O(1)',
  handler: multiCommand,
} as const satisfies CommandSpec;

export const exec = {
  name: 'exec',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
  group: 'transactions',
  summary: 'Execute all commands issued after MULTI',
  since: '1.2.0',
  complexity: 'Depends on commands in the transaction',
  handler: execCommand,
} as const satisfies CommandSpec;

export const discard = {
  name: 'discard',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  group: 'transactions',
  summary: 'Discard all commands issued after MULTI',
  since: '2.0.0',
  complexity: 'O(N), when N is the number of queued commands',
  handler: discardCommand,
} as const satisfies CommandSpec;

export const watch = {
  name: 'watch',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  keySpecs: [keys.rest(1, ['RO'])],
  group: 'transactions',
  summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
  since: '2.2.0',
  complexity: 'O(1) for every key.',
  arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  handler: watchCommand,
} as const satisfies CommandSpec;

export const unwatch = {
  name: 'unwatch',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  group: 'transactions',
  summary: 'Forget about all watched keys',
  since: '2.2.0',
  complexity: 'O(1)',
  handler: unwatchCommand,
} as const satisfies CommandSpec;

export const transactionsCommands: readonly CommandSpec[] = [multi, exec, discard, watch, unwatch];
