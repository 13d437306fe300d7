import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { CommandError, parseIntArg } from '../src/dispatch/argCursor.js';
import { Err } from '../src/protocol/errors.js';
import { R, type ReplyWriter } from '../src/protocol/replyWriter.js';
import type { Client } from '../src/network/client.js';
import type { Server } from '../src/server.js';
import { parseStrictInt } from '../src/util/numbers.js';
import { clientInfoLine } from '../src/network/clientInfo.js';
import type { PauseMode } from '../src/network/pause.js';

/** The Redis version Holdfast answers as: clients gate features on it (HELLO, INFO). */
export const REDIS_COMPAT_VERSION = '7.0.15';

/**
 * Redis's validateClientName: names (and CLIENT SETINFO values) are printable ASCII without
 * spaces, so that CLIENT LIST stays one line of space-separated fields.
 */
function isValidClientAttr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Redis's addReplyHelp: a title line, the entries, and HELP itself, as status lines. */
export function replyHelp(reply: ReplyWriter, command: string, lines: readonly string[]): void {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ];
  let out = `*${all.length}\r\n`;
  for (const l of all) out += `+${l}\r\n`;
  reply.raw(out);
}

/**
 * Checks a username/password pair against the ACL users (src/acl); a failure is counted and
 * recorded in ACL LOG under the command's name as typed, without the password.
 */
function authenticate(client: Client, username: string, password: string, commandName: string): boolean {
  return client.server.acl.authenticate(client, username, password, commandName);
}

export const ping = {
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  group: 'connection',
  summary: 'Ping the server',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'message', type: 'string', optional: true }],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler(client, argv) {
    if (argv.length > 2) {
      client.reply.error(Err.wrongArity('ping'));
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

export const echo = {
  name: 'echo',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  group: 'connection',
  summary: 'Echo the given string',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'message', type: 'string' }],
  handler(client, argv) {
    client.reply.bulk(argv[1]!);
  },
} as const satisfies CommandSpec;

export const hello = {
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Handshake with Redis',
  since: '6.0.0',
  complexity: 'O(1)',
  history: [
    ['6.2.0', '`protover` made optional; when called without arguments the command reports the current connection\'s context.'],
  ],
  arguments: [
    {
      name: 'arguments', type: 'block', optional: true, arguments: [
        { name: 'protover', type: 'integer' },
        {
          name: 'username_password', type: 'block', token: 'AUTH', optional: true, arguments: [
            { name: 'username', type: 'string' },
            { name: 'password', type: 'string' },
          ],
        },
        { name: 'clientname', type: 'string', token: 'SETNAME', optional: true },
      ],
    },
  ],
  handler(client, argv) {
    let protover = 0;
    if (argv.length >= 2) {
      const v = parseStrictInt(argv[1]!);
      if (v === null) throw new CommandError(Err.helloProtover);
      if (v < 2 || v > 3) throw new CommandError(Err.noProto);
      protover = v;
    }
    // Redis 7.0 applies the options in order: a later bad option leaves an earlier name or login in place
    for (let i = 2; i < argv.length; i++) {
      const opt = argv[i]!;
      const more = argv.length - 1 - i;
      const upper = opt.toUpperCase();
      if (upper === 'AUTH' && more >= 2) {
        if (!authenticate(client, argv[i + 1]!, argv[i + 2]!, argv[0]!)) throw new CommandError(Err.wrongPass);
        i += 2;
      } else if (upper === 'SETNAME' && more >= 1) {
        const name = argv[++i]!;
        if (!isValidClientAttr(name)) throw new CommandError(Err.invalidClientName);
        client.name = name;
      } else {
        throw new CommandError(Err.helloSyntax(opt));
      }
    }
    if (client.server.acl.authRequired(client)) throw new CommandError(Err.helloNoAuth);
    if (protover !== 0) client.resp = protover as 2 | 3;
    const r = client.reply;
    r.mapHeader(7);
    // Clients (ioredis, node-redis) never read "server"; "version" is what they may gate features on.
    r.bulk('server');
    r.bulk('holdfast');
    r.bulk('version');
    r.bulk(REDIS_COMPAT_VERSION);
    r.bulk('proto');
    r.integer(client.resp);
    r.bulk('id');
    r.integer(client.id);
    r.bulk('mode');
    r.bulk('standalone');
    r.bulk('role');
    r.bulk('master');
    r.bulk('modules');
    r.arrayHeader(0);
  },
} as const satisfies CommandSpec;

export const auth = {
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Authenticate to the server',
  since: '1.0.0',
  complexity: 'O(N) where N is the number of passwords defined for the user',
  history: [['6.0.0', 'Added ACL style (username and password).']],
  arguments: [
    { name: 'username', type: 'string', optional: true, since: '6.0.0' },
    { name: 'password', type: 'string' },
  ],
  handler(client, argv) {
    if (argv.length > 3) throw new CommandError(Err.syntax);
    let username = 'default';
    let password: string;
    if (argv.length === 2) {
      // Redis: the one-argument form is an error while the default user has no password
      if (client.server.acl.defaultUser.nopass) throw new CommandError(Err.noAuthConfigured);
      password = argv[1]!;
    } else {
      username = argv[1]!;
      password = argv[2]!;
    }
    if (!authenticate(client, username, password, argv[0]!)) throw new CommandError(Err.wrongPass);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const select = {
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  group: 'connection',
  summary: 'Change the selected database for the current connection',
  since: '1.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'index', type: 'integer' }],
  handler(client, argv) {
    const index = parseIntArg(argv[1]!);
    // Redis reads the index as a C int
    if (index < -0x80000000 || index > 0x7fffffff) throw new CommandError(Err.intOutOfRange);
    if (index < 0 || index >= client.server.keyspace.dbs.length) throw new CommandError(Err.dbIndexOutOfRange);
    client.dbIndex = index;
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const quit = {
  name: 'quit',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Close the connection',
  since: '1.0.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.ok();
    client.closeAfterReply();
  },
} as const satisfies CommandSpec;

/** Redis's clearClientConnectionState: the connection as if it had just been accepted. */
export function resetClient(client: Client): void {
  const server = client.server;
  for (const hook of server.clientResetHooks) hook(client);
  client.multi = null;
  client.watching = null;
  client.dirtyCas = false;
  server.broker.removeSubscriber(client);
  if (client.monitor) {
    client.monitor = false;
    server.monitors.delete(client);
  }
  client.dbIndex = 0;
  client.resp = 2;
  client.user = 'default';
  client.authenticated = server.acl.startsAuthenticated();
  client.name = '';
  // Redis keeps lib-name and lib-ver: they still describe the library behind the connection.
  client.replyMode = 'on';
  client.noEvict = false;
  client.noTouch = false;
}

export const reset = {
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Reset the connection',
  since: '6.2.0',
  complexity: 'O(1)',
  handler(client) {
    resetClient(client);
    client.reply.simple('RESET');
  },
} as const satisfies CommandSpec;

// ---------------------------------------------------------------------------------------
// CLIENT

type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** Redis's getClientTypeByName. */
function parseClientType(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

/** Redis's getClientType: monitors count as normal clients, subscribers (any RESP) as pubsub. */
function clientType(c: Client): ClientType {
  return c.subscriptionCount > 0 ? 'pubsub' : 'normal';
}

// CLIENT LIST's line lives in src/network/clientInfo.ts: the ACL log records it too.
export { clientInfoLine };

function findClientByAddr(server: Server, addr: string): Client | undefined {
  for (const c of server.clients.values()) if (c.remoteAddress === addr) return c;
  return undefined;
}

/** Closes a client: after its reply when it is the caller (Redis's CLIENT_CLOSE_AFTER_REPLY). */
function killClient(caller: Client, target: Client): void {
  if (target === caller) caller.closeAfterReply();
  else target.close();
}

const clientId = {
  name: 'id',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Returns the client ID for the current connection',
  since: '5.0.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.integer(client.id);
  },
} as const satisfies CommandSpec;

const clientSetname = {
  name: 'setname',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Set the current connection name',
  since: '2.6.9',
  complexity: 'O(1)',
  arguments: [{ name: 'connection-name', type: 'string' }],
  handler(client, argv) {
    const name = argv[2]!;
    if (!isValidClientAttr(name)) throw new CommandError(Err.invalidClientName);
    client.name = name;
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const clientGetname = {
  name: 'getname',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Get the current connection name',
  since: '2.6.9',
  complexity: 'O(1)',
  handler(client) {
    client.reply.bulkOrNull(client.name === '' ? null : client.name);
  },
} as const satisfies CommandSpec;

const clientInfo = {
  name: 'info',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Returns information about the current client connection.',
  since: '6.2.0',
  complexity: 'O(1)',
  tips: ['nondeterministic_output'],
  handler(client) {
    client.reply.verbatim(clientInfoLine(client, client, 'client|info') + '\n');
  },
} as const satisfies CommandSpec;

const clientList = {
  name: 'list',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Get the list of client connections',
  since: '2.4.0',
  complexity: 'O(N) where N is the number of client connections',
  history: [
    ['2.8.12', 'Added unique client `id` field.'],
    ['5.0.0', 'Added optional `TYPE` filter.'],
    ['6.0.0', 'Added `user` field.'],
    ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
    ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
    ['7.0.3', 'Added `ssub` field.'],
  ],
  arguments: [
    {
      name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '5.0.0', arguments: [
        { name: 'normal', type: 'pure-token', token: 'NORMAL' },
        { name: 'master', type: 'pure-token', token: 'MASTER' },
        { name: 'replica', type: 'pure-token', token: 'REPLICA' },
        { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
      ],
    },
    {
      name: 'id', type: 'block', token: 'ID', optional: true, since: '6.2.0', arguments: [
        { name: 'client-id', type: 'integer', multiple: true },
      ],
    },
  ],
  tips: ['nondeterministic_output'],
  handler(client, argv) {
    const server = client.server;
    let out = '';
    const opt = argv[2]?.toUpperCase();
    if (argv.length === 4 && opt === 'TYPE') {
      const type = parseClientType(argv[3]!);
      if (type === null) throw new CommandError(Err.unknownClientType(argv[3]!));
      for (const c of server.clients.values()) if (clientType(c) === type) out += clientInfoLine(c, client, 'client|list') + '\n';
    } else if (argv.length > 3 && opt === 'ID') {
      const ids: number[] = [];
      for (let i = 3; i < argv.length; i++) ids.push(parseIntArg(argv[i]!, Err.invalidClientId));
      for (const id of ids) {
        const c = server.clients.get(id);
        if (c !== undefined) out += clientInfoLine(c, client, 'client|list') + '\n';
      }
    } else if (argv.length !== 2) {
      throw new CommandError(Err.syntax);
    } else {
      for (const c of server.clients.values()) out += clientInfoLine(c, client, 'client|list') + '\n';
    }
    client.reply.verbatim(out);
  },
} as const satisfies CommandSpec;

const clientKill = {
  name: 'kill',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Kill the connection of a client',
  since: '2.4.0',
  complexity: 'O(N) where N is the number of client connections',
  history: [
    ['2.8.12', 'Added new filter format.'],
    ['2.8.12', '`ID` option.'],
    ['3.2.0', 'Added `master` type in for `TYPE` option.'],
    ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
    ['6.2.0', '`LADDR` option.'],
  ],
  arguments: [
    {
      name: 'filter', type: 'oneof', arguments: [
        { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
        {
          name: 'new-format', type: 'oneof', multiple: true, arguments: [
            { name: 'client-id', type: 'integer', token: 'ID', optional: true, since: '2.8.12' },
            {
              name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '2.8.12', arguments: [
                { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
              ],
            },
            { name: 'username', type: 'string', token: 'USER', optional: true },
            { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
            { name: 'ip:port', type: 'string', token: 'LADDR', optional: true, since: '6.2.0' },
            { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true },
          ],
        },
      ],
    },
  ],
  handler(client, argv) {
    const server = client.server;
    if (argv.length === 3) {
      // The old form: one address, +OK or an error
      const target = findClientByAddr(server, argv[2]!);
      if (target === undefined) throw new CommandError(Err.noSuchClient);
      client.reply.ok();
      killClient(client, target);
      return;
    }
    let id: number | null = null;
    let type: ClientType | null = null;
    let addr: string | null = null;
    let laddr: string | null = null;
    let user: string | null = null;
    let skipme = true;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toUpperCase();
      const value = argv[i + 1];
      if (value === undefined) throw new CommandError(Err.syntax);
      if (opt === 'ID') {
        const n = parseStrictInt(value);
        if (n === null || n < 1) throw new CommandError(Err.clientIdNotPositive);
        id = n;
      } else if (opt === 'TYPE') {
        type = parseClientType(value);
        if (type === null) throw new CommandError(Err.unknownClientType(value));
      } else if (opt === 'ADDR') {
        addr = value;
      } else if (opt === 'LADDR') {
        laddr = value;
      } else if (opt === 'USER') {
        if (!server.acl.users.has(value)) throw new CommandError(Err.noSuchUser(value));
        user = value;
      } else if (opt === 'SKIPME') {
        const v = value.toLowerCase();
        if (v === 'yes') skipme = true;
        else if (v === 'no') skipme = false;
        else throw new CommandError(Err.syntax);
      } else {
        throw new CommandError(Err.syntax);
      }
    }
    const victims: Client[] = [];
    for (const c of server.clients.values()) {
      if (addr !== null && c.remoteAddress !== addr) continue;
      if (laddr !== null && c.localAddress !== laddr) continue;
      if (type !== null && clientType(c) !== type) continue;
      if (id !== null && c.id !== id) continue;
      if (user !== null && c.user !== user) continue;
      if (c === client && skipme) continue;
      victims.push(c);
    }
    client.reply.integer(victims.length);
    for (const c of victims) killClient(client, c);
  },
} as const satisfies CommandSpec;

const clientReply = {
  name: 'reply',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Instruct the server whether to reply to commands',
  since: '3.2.0',
  complexity: 'O(1)',
  arguments: [
    {
      name: 'on_off_skip', type: 'oneof', arguments: [
        { name: 'on', type: 'pure-token', token: 'ON' },
        { name: 'off', type: 'pure-token', token: 'OFF' },
        { name: 'skip', type: 'pure-token', token: 'SKIP' },
      ],
    },
  ],
  handler(client, argv) {
    switch (argv[2]!.toUpperCase()) {
      case 'ON':
        client.replyMode = 'on';
        client.reply.ok();
        return;
      case 'OFF':
        client.replyMode = 'off';
        return;
      case 'SKIP':
        if (client.replyMode !== 'off') client.replyMode = 'skipNext';
        return;
      default:
        throw new CommandError(Err.syntax);
    }
  },
} as const satisfies CommandSpec;

function parseOnOff(arg: string): boolean {
  const v = arg.toUpperCase();
  if (v === 'ON') return true;
  if (v === 'OFF') return false;
  throw new CommandError(Err.syntax);
}

const clientNoEvict = {
  name: 'no-evict',
  arity: 3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Set client eviction mode for the current connection',
  since: '7.0.0',
  complexity: 'O(1)',
  arguments: [
    {
      name: 'enabled', type: 'oneof', arguments: [
        { name: 'on', type: 'pure-token', token: 'ON' },
        { name: 'off', type: 'pure-token', token: 'OFF' },
      ],
    },
  ],
  handler(client, argv) {
    client.noEvict = parseOnOff(argv[2]!);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

/** Redis 7.2 (not in 7.0): keys read by this client keep their LRU/LFU data. */
const clientNoTouch = {
  name: 'no-touch',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
  since: '7.2.0',
  complexity: 'O(1)',
  arguments: [
    {
      name: 'enabled', type: 'oneof', arguments: [
        { name: 'on', type: 'pure-token', token: 'ON' },
        { name: 'off', type: 'pure-token', token: 'OFF' },
      ],
    },
  ],
  handler(client, argv) {
    client.noTouch = parseOnOff(argv[2]!);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

/** Redis 7.2 (not in 7.0), sent by node-redis and ioredis on connect; they ignore errors. */
const clientSetinfo = {
  name: 'setinfo',
  arity: 4,
  flags: ['noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Sets information specific to the client or connection.',
  since: '7.2.0',
  complexity: 'O(1)',
  arguments: [
    {
      name: 'attr', type: 'oneof', arguments: [
        { name: 'libname', type: 'string', token: 'LIB-NAME' },
        { name: 'libver', type: 'string', token: 'LIB-VER' },
      ],
    },
  ],
  tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  handler(client, argv) {
    const attr = argv[2]!;
    const value = argv[3]!;
    const which = attr.toLowerCase();
    if (which !== 'lib-name' && which !== 'lib-ver') throw new CommandError(Err.setinfoUnknownAttr(attr));
    if (!isValidClientAttr(value)) throw new CommandError(Err.setinfoInvalid(attr));
    if (which === 'lib-name') client.libName = value;
    else client.libVer = value;
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const clientUnblock = {
  name: 'unblock',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Unblock a client blocked in a blocking command from a different connection',
  since: '5.0.0',
  complexity: 'O(log N) where N is the number of client connections',
  arguments: [
    { name: 'client-id', type: 'integer' },
    {
      name: 'timeout_error', type: 'oneof', optional: true, arguments: [
        { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
        { name: 'error', type: 'pure-token', token: 'ERROR' },
      ],
    },
  ],
  handler(client, argv) {
    const id = parseIntArg(argv[2]!);
    let reason: 'timeout' | 'error' = 'timeout';
    if (argv.length === 4) {
      const r = argv[3]!.toUpperCase();
      if (r === 'ERROR') reason = 'error';
      else if (r !== 'TIMEOUT') throw new CommandError(Err.unblockReason);
    } else if (argv.length > 4) {
      throw new CommandError(Err.subcommandSyntax(argv[1]!, 'client'));
    }
    const target = client.server.clients.get(id);
    if (target?.blocked && target.blockedOn !== null) {
      client.reply.integer(1);
      // Redis: the unblocked client gets its timeout reply (or UNBLOCKED error) as if the wait ended
      target.blockedOn.cancel(reason);
    } else {
      client.reply.integer(0);
    }
  },
} as const satisfies CommandSpec;

const clientPause = {
  name: 'pause',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Stop processing commands from clients for some time',
  since: '2.9.50',
  complexity: 'O(1)',
  history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
  arguments: [
    { name: 'timeout', type: 'integer' },
    {
      name: 'mode', type: 'oneof', optional: true, since: '6.2.0', arguments: [
        { name: 'write', type: 'pure-token', token: 'WRITE' },
        { name: 'all', type: 'pure-token', token: 'ALL' },
      ],
    },
  ],
  handler(client, argv) {
    if (argv.length > 4) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'client'));
    // Redis's getTimeoutFromObjectOrReply (milliseconds)
    const ms = parseIntArg(argv[2]!, Err.timeoutNotInteger);
    if (ms < 0) throw new CommandError(Err.timeoutNegative);
    let mode: PauseMode = 'all';
    if (argv.length === 4) {
      const m = argv[3]!.toUpperCase();
      if (m === 'WRITE') mode = 'write';
      else if (m !== 'ALL') throw new CommandError(Err.pauseMode);
    }
    client.server.pause.pause(ms, mode);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const clientUnpause = {
  name: 'unpause',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'connection',
  summary: 'Resume processing of clients that were paused',
  since: '6.2.0',
  complexity: 'O(N) Where N is the number of paused clients',
  handler(client) {
    client.reply.ok();
    client.server.pause.unpause();
  },
} as const satisfies CommandSpec;

const clientHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'connection',
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'CLIENT', [
      'GETNAME',
      '    Return the name of the current connection.',
      'ID',
      '    Return the ID of the current connection.',
      'INFO',
      '    Return information about the current client connection.',
      'KILL <ip:port>',
      '    Kill connection made from <ip:port>.',
      'KILL <option> <value> [<option> <value> [...]]',
      '    Kill connections. Options are:',
      '    * ADDR (<ip:port>|<unixsocket>:0)',
      '      Kill connections made from the specified address',
      '    * LADDR (<ip:port>|<unixsocket>:0)',
      '      Kill connections made to specified local address',
      '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
      '      Kill connections by type.',
      '    * USER <username>',
      '      Kill connections authenticated by <username>.',
      '    * SKIPME (YES|NO)',
      '      Skip killing current connection (default: yes).',
      'LIST [options ...]',
      '    Return information about client connections. Options:',
      '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
      '      Return clients of specified type.',
      'UNPAUSE',
      '    Stop the current client pause, resuming traffic.',
      'PAUSE <timeout> [WRITE|ALL]',
      '    Suspend all, or just write, clients for <timeout> milliseconds.',
      'REPLY (ON|OFF|SKIP)',
      '    Control the replies sent to the current connection.',
      'SETNAME <name>',
      '    Assign the name <name> to the current connection.',
      'SETINFO <option> <value>',
      '    Set client meta attr. Options are:',
      '    * LIB-NAME: the client lib name.',
      '    * LIB-VER: the client lib version.',
      'UNBLOCK <clientid> [TIMEOUT|ERROR]',
      '    Unblock the specified blocked client.',
      'NO-EVICT (ON|OFF)',
      '    Protect current client connection from eviction.',
      'NO-TOUCH (ON|OFF)',
      '    Will not touch LRU/LFU stats when this mode is on.',
    ]);
  },
} as const satisfies CommandSpec;

export const client = {
  name: 'client',
  arity: -2,
  flags: [],
  group: 'connection',
  summary: 'A container for client connection commands',
  since: '2.4.0',
  complexity: 'Depends on subcommand.',
  subcommands: [
    clientId, clientSetname, clientGetname, clientInfo, clientList, clientKill, clientReply,
    clientNoEvict, clientNoTouch, clientSetinfo, clientUnblock, clientPause, clientUnpause, clientHelp,
  ],
} as const satisfies CommandSpec;

export const connectionCommands: readonly CommandSpec[] = [ping, echo, hello, auth, select, quit, reset, client];
