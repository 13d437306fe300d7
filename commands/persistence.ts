import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import { Err } from '../src/protocol/errors.js';

/**
 * SAVE, BGSAVE and BGREWRITEAOF in terms of the append-only log (Holdfast has no RDB
 * snapshot; the log is the only file):
 *
 * - BGREWRITEAOF: rewrites the log into a compact image while serving (src/persistence/rewrite.ts).
 *   With appendonly no it still writes the file, a snapshot a later start loads.
 * - BGSAVE: the same rewrite, with BGSAVE's replies.
 * - SAVE: makes everything written so far durable before answering: with the log on, an
 *   fsync of the log; with it off, a rewrite. The client waits; the server does not block.
 * - LASTSAVE (commands/server.ts) is the time of the last complete image on disk: a
 *   finished rewrite or SAVE.
 */

export const bgrewriteaof = {
  name: 'bgrewriteaof',
  arity: 1,
  flags: ['admin', 'noscript', 'no_async_loading'],
  group: 'server',
  summary: 'Asynchronously rewrite the append-only file',
  since: '1.0.0',
  complexity: 'O(1)',
  handler(client) {
    switch (client.server.persistence.startRewrite()) {
      case 'started':
        return client.reply.simple('Background append only file rewriting started');
      case 'scheduled':
        return client.reply.simple('Background append only file rewriting scheduled');
      case 'in-progress':
        return client.reply.error(Err.rewriteInProgress);
      case 'failed':
        return client.reply.error(Err.rewriteFailed);
    }
  },
} as const satisfies CommandSpec;

export const bgsave = {
  name: 'bgsave',
  arity: -1,
  flags: ['admin', 'noscript', 'no_async_loading'],
  group: 'server',
  summary: 'Asynchronously save the dataset to disk',
  since: '1.0.0',
  complexity: 'O(1)',
  history: [['3.2.2', 'Added the `SCHEDULE` option.']],
  arguments: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', optional: true, since: '3.2.2' }],
  handler(client, argv) {
    let schedule = false;
    if (argv.length > 1) {
      // Redis: only SCHEDULE, and only once
      if (argv.length > 2 || argv[1]!.toUpperCase() !== 'SCHEDULE') throw new CommandError(Err.syntax);
      schedule = true;
    }
    const persistence = client.server.persistence;
    if (persistence.rewrite !== null) {
      if (!schedule) return client.reply.error(Err.bgsaveInProgress);
      persistence.rewriteScheduled = true;
      return client.reply.simple('Background saving scheduled');
    }
    switch (persistence.startRewrite()) {
      case 'failed':
        return client.reply.error(Err.rewriteFailed);
      case 'scheduled':
        return client.reply.simple('Background saving scheduled');
      default:
        return client.reply.simple('Background saving started');
    }
  },
} as const satisfies CommandSpec;

export const save = {
  name: 'save',
  arity: 1,
  flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
  group: 'server',
  summary: 'Synchronously save the dataset to disk',
  since: '1.0.0',
  complexity: 'O(N) where N is the total number of keys in all databases',
  handler(client) {
    // The reply waits for the disk, not the server: later replies of this client queue behind it.
    const slot = client.defer();
    slot.reply.onError = client.reply.onError;
    void client.server.persistence.save().then((ok) => {
      if (ok) slot.reply.ok();
      else slot.reply.error(Err.saveFailed);
      client.resolve(slot);
    });
  },
} as const satisfies CommandSpec;

export const persistenceCommands: readonly CommandSpec[] = [bgrewriteaof, bgsave, save];
