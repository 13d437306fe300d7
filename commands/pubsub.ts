import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import { Err } from '../src/protocol/errors.js';
import { stringMatch } from '../src/util/glob.js';

// Subscription confirmations are pushes in RESP3 and 3-element arrays in RESP2 (Redis's
// addReplyPubsubSubscribed / addReplyPubsubUnsubscribed). Each command writes all of its
// confirmations with one reply.raw(), so CLIENT REPLY SKIP skips them as one reply.

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** One confirmation; name null is the "nothing to unsubscribe from" form (nil, count 0). */
function confirmation(resp: 2 | 3, kind: string, name: string | null, count: number): string {
  const nil = resp === 3 ? '_\r\n' : '$-1\r\n';
  return `${resp === 3 ? '>' : '*'}3\r\n${kind}${name === null ? nil : bulk(name)}:${count}\r\n`;
}

const SUBSCRIBE = bulk('subscribe');
const UNSUBSCRIBE = bulk('unsubscribe');
const PSUBSCRIBE = bulk('psubscribe');
const PUNSUBSCRIBE = bulk('punsubscribe');
const SSUBSCRIBE = bulk('ssubscribe');
const SUNSUBSCRIBE = bulk('sunsubscribe');

/** Redis's clientSubscriptionsCount: channels and patterns, shard channels apart. */
function subscriptions(c: Client): number {
  return c.channels.size + c.patterns.size;
}

export const subscribe = {
  name: 'subscribe',
  arity: -2,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Listen for messages published to the given channels',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of channels to subscribe to.',
  arguments: [{ name: 'channel', type: 'string', multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    let out = '';
    // Redis confirms every argument, even a channel already subscribed to.
    for (let i = 1; i < argv.length; i++) {
      broker.subscribe(client, argv[i]!);
      out += confirmation(client.resp, SUBSCRIBE, argv[i]!, subscriptions(client));
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const unsubscribe = {
  name: 'unsubscribe',
  arity: -1,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Stop listening for messages posted to the given channels',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
  arguments: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    // No argument: every channel the client has (Redis: or one nil confirmation if none).
    const channels = argv.length > 1 ? argv.slice(1) : [...client.channels];
    if (channels.length === 0) {
      client.reply.raw(confirmation(client.resp, UNSUBSCRIBE, null, subscriptions(client)));
      return;
    }
    let out = '';
    for (const channel of channels) {
      broker.unsubscribe(client, channel);
      out += confirmation(client.resp, UNSUBSCRIBE, channel, subscriptions(client));
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const psubscribe = {
  name: 'psubscribe',
  arity: -2,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Listen for messages published to channels matching the given patterns',
  since: '2.0.0',
  complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
  // Redis 7.0 declares it as a block holding one pattern; COMMAND DOCS shows it so.
  arguments: [{ name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }],
  handler(client, argv) {
    const broker = client.server.broker;
    let out = '';
    for (let i = 1; i < argv.length; i++) {
      broker.psubscribe(client, argv[i]!);
      out += confirmation(client.resp, PSUBSCRIBE, argv[i]!, subscriptions(client));
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const punsubscribe = {
  name: 'punsubscribe',
  arity: -1,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Stop listening for messages posted to channels matching the given patterns',
  since: '2.0.0',
  complexity:
    'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
  arguments: [{ name: 'pattern', type: 'pattern', optional: true, multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    // Without arguments, in subscription order (Redis keeps a client's patterns in a list).
    const patterns = argv.length > 1 ? argv.slice(1) : [...client.patterns];
    if (patterns.length === 0) {
      client.reply.raw(confirmation(client.resp, PUNSUBSCRIBE, null, subscriptions(client)));
      return;
    }
    let out = '';
    for (const pattern of patterns) {
      broker.punsubscribe(client, pattern);
      out += confirmation(client.resp, PUNSUBSCRIBE, pattern, subscriptions(client));
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const publish = {
  name: 'publish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  group: 'pubsub',
  summary: 'Post a message to a channel',
  since: '2.0.0',
  complexity:
    'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
  arguments: [
    { name: 'channel', type: 'string' },
    { name: 'message', type: 'string' },
  ],
  handler(client, argv) {
    client.reply.integer(client.server.broker.publish(argv[1]!, argv[2]!));
  },
} as const satisfies CommandSpec;

export const ssubscribe = {
  name: 'ssubscribe',
  arity: -2,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  keySpecs: [keys.rest(1, ['NOT_KEY'])],
  group: 'pubsub',
  summary: 'Listen for messages published to the given shard channels',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of shard channels to subscribe to.',
  arguments: [{ name: 'shardchannel', type: 'string', multiple: true }],
  handler(client, argv) {
    // Redis: EXEC runs with CLIENT_DENY_BLOCKING, which SSUBSCRIBE refuses (SUBSCRIBE does not).
    if (client.multi !== null) throw new CommandError(Err.denyBlockingSubscribe('SSUBSCRIBE'));
    const broker = client.server.broker;
    let out = '';
    for (let i = 1; i < argv.length; i++) {
      broker.ssubscribe(client, argv[i]!);
      out += confirmation(client.resp, SSUBSCRIBE, argv[i]!, client.shardChannels.size);
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const sunsubscribe = {
  name: 'sunsubscribe',
  arity: -1,
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  keySpecs: [keys.rest(1, ['NOT_KEY'])],
  group: 'pubsub',
  summary: 'Stop listening for messages posted to the given shard channels',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
  arguments: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    const channels = argv.length > 1 ? argv.slice(1) : [...client.shardChannels];
    if (channels.length === 0) {
      client.reply.raw(confirmation(client.resp, SUNSUBSCRIBE, null, client.shardChannels.size));
      return;
    }
    let out = '';
    for (const channel of channels) {
      broker.sunsubscribe(client, channel);
      out += confirmation(client.resp, SUNSUBSCRIBE, channel, client.shardChannels.size);
    }
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

export const spublish = {
  name: 'spublish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  keySpecs: [keys.one(1, ['NOT_KEY'])],
  group: 'pubsub',
  summary: 'Post a message to a shard channel',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
  arguments: [
    { name: 'shardchannel', type: 'string' },
    { name: 'message', type: 'string' },
  ],
  handler(client, argv) {
    client.reply.integer(client.server.broker.spublish(argv[1]!, argv[2]!));
  },
} as const satisfies CommandSpec;

/** PUBSUB CHANNELS / SHARDCHANNELS: names in `index` matching the optional pattern. */
function channelList(client: Client, argv: string[], index: Map<string, unknown>): void {
  // Redis: more than one pattern is a subcommand syntax error, not an arity error.
  if (argv.length > 3) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'pubsub'));
  const pattern = argv[2];
  const names: string[] = [];
  for (const name of index.keys()) {
    if (pattern === undefined || stringMatch(pattern, name)) names.push(name);
  }
  client.reply.bulkArray(names);
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];
const PUBSUB_HELP_REPLY = `*${PUBSUB_HELP.length}\r\n${PUBSUB_HELP.map((l) => `+${l}\r\n`).join('')}`;

const pubsubChannels = {
  name: 'channels',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'List active channels',
  since: '2.8.0',
  complexity:
    'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
  arguments: [{ name: 'pattern', type: 'pattern', optional: true }],
  handler(client, argv) {
    channelList(client, argv, client.server.broker.channels);
  },
} as const satisfies CommandSpec;

const pubsubNumsub = {
  name: 'numsub',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Get the count of subscribers for channels',
  since: '2.8.0',
  complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
  arguments: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    // A flat array in RESP3 too (Redis 7.0), not a map.
    let out = `*${(argv.length - 2) * 2}\r\n`;
    for (let i = 2; i < argv.length; i++) out += `${bulk(argv[i]!)}:${broker.numSub(argv[i]!)}\r\n`;
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

const pubsubNumpat = {
  name: 'numpat',
  arity: 2,
  flags: ['pubsub', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Get the count of unique patterns pattern subscriptions',
  since: '2.8.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.integer(client.server.broker.patterns.size);
  },
} as const satisfies CommandSpec;

const pubsubShardchannels = {
  name: 'shardchannels',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'List active shard channels',
  since: '7.0.0',
  complexity:
    'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
  arguments: [{ name: 'pattern', type: 'pattern', optional: true }],
  handler(client, argv) {
    channelList(client, argv, client.server.broker.shardChannels);
  },
} as const satisfies CommandSpec;

const pubsubShardnumsub = {
  name: 'shardnumsub',
  arity: -2,
  flags: ['pubsub', 'loading', 'stale'],
  group: 'pubsub',
  summary: 'Get the count of subscribers for shard channels',
  since: '7.0.0',
  complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
  arguments: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
  handler(client, argv) {
    const broker = client.server.broker;
    let out = `*${(argv.length - 2) * 2}\r\n`;
    for (let i = 2; i < argv.length; i++) out += `${bulk(argv[i]!)}:${broker.numShardSub(argv[i]!)}\r\n`;
    client.reply.raw(out);
  },
} as const satisfies CommandSpec;

const pubsubHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'pubsub',
  summary: 'Show helpful text about the different subcommands',
  since: '6.2.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.raw(PUBSUB_HELP_REPLY);
  },
} as const satisfies CommandSpec;

export const pubsub = {
  name: 'pubsub',
  arity: -2,
  flags: [],
  group: 'pubsub',
  summary: 'A container for Pub/Sub commands',
  since: '2.8.0',
  complexity: 'Depends on subcommand.',
  subcommands: [pubsubChannels, pubsubNumsub, pubsubNumpat, pubsubShardchannels, pubsubShardnumsub, pubsubHelp],
} as const satisfies CommandSpec;

export const pubsubCommands: readonly CommandSpec[] = [
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  publish,
  ssubscribe,
  sunsubscribe,
  spublish,
  pubsub,
];
