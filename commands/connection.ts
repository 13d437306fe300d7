import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { R } from '../src/protocol/replyWriter.js';

export const ping = {
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  group: 'connection',
  summary: 'Returns the server\'s liveliness response.',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'message', type: 'string', optional: true }],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler(client, argv) {
    if (argv.length > 2) {
      client.reply.error("ERR wrong number of arguments for 'ping' command");
      return;
    }
    if (client.subscriptionCount > 0 && client.resp === 2) {
      // Redis: in subscribed mode PING answers a pong message
      client.reply.bulkArray(['pong', argv[1] ?? '']);
      return;
    }
    if (argv.length === 2) client.reply.bulk(argv[1]!);
    else client.reply.raw(R.pong);
  },
} as const satisfies CommandSpec;

export const connectionCommands: readonly CommandSpec[] = [ping];
