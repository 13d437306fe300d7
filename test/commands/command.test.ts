import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.js';
import { aclCategories, infoFlags } from '../../commands/server.js';
import type { CommandSpec } from '../../src/dispatch/commandSpec.js';
import { keys } from '../../src/dispatch/commandTable.js';
import { Config } from '../../src/config.js';
import { Server } from '../../src/server.js';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp, mapGet, text, type RespValue } from '../helpers/respDecode.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

contractSuite('COMMAND introspection', [
  { name: 'COMMAND HELP', commands: [['COMMAND', 'HELP']] },
  { name: 'COMMAND errors', commands: [['COMMAND', 'NOSUCH'], ['COMMAND', 'COUNT', 'x'], ['COMMAND', 'HELP', 'x'], ['COMMAND', 'GETKEYS'], ['COMMAND', 'GETKEYS', 'get']] },
  { name: 'COMMAND INFO of a shared command and of unknown ones', commands: [['COMMAND', 'INFO', 'nosuch', 'config|get', 'CONFIG|SET', 'config|nosuch', 'echo']] },
  { name: 'COMMAND INFO in RESP3', resp3: true, commands: [['COMMAND', 'INFO', 'echo', 'nosuch', 'config|rewrite']] },
  { name: 'COMMAND DOCS of shared commands, unknown ones skipped', commands: [['COMMAND', 'DOCS', 'nosuch', 'hello', 'config|set']] },
  { name: 'COMMAND DOCS in RESP3', resp3: true, commands: [['COMMAND', 'DOCS', 'client|kill', 'auth', 'nosuch']] },
  { name: 'COMMAND DOCS of nothing known', commands: [['COMMAND', 'DOCS', 'nosuch']] },
  {
    name: 'COMMAND LIST filters',
    commands: [
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config*'], ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'ECH?'],
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'foo'], ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcat'],
      ['COMMAND', 'LIST', 'FILTERBY', 'bad', 'x'], ['COMMAND', 'LIST', 'foo'], ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
    ],
    unordered: [0, 1],
  },
  {
    name: 'COMMAND GETKEYS and GETKEYSANDFLAGS',
    commands: [
      ['COMMAND', 'GETKEYS', 'nosuch', 'x'], ['COMMAND', 'GETKEYS', 'config', 'get', 'x'], ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'echo', 'x'], ['COMMAND', 'GETKEYS', 'get', 'k'], ['COMMAND', 'GETKEYS', 'set', 'k', 'v', 'EX', '10'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'], ['COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'],
    ],
  },
  { name: 'COMMAND GETKEYSANDFLAGS in RESP3', resp3: true, commands: [['COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a', 'b']] },
]);

/**
 * Where Holdfast deliberately differs from Redis 7.0.15 in COMMAND INFO / DOCS. Anything not
 * listed here must match byte for byte (after ordering what Redis orders by hash).
 */
const KNOWN_DIFFERENCES: Record<string, { missingSubcommands?: string[]; extraSubcommands?: string[] }> = {
  // Client-side caching (TRACKING...) is not implemented; SETINFO and
  // NO-TOUCH come from Redis 7.2 (clients send SETINFO on connect).
  client: {
    missingSubcommands: ['client|caching', 'client|getredir', 'client|tracking', 'client|trackinginfo'],
    extraSubcommands: ['client|setinfo', 'client|no-touch'],
  },
};

/** Orders what Redis leaves to its dict (subcommands) and drops the known differences. */
function normalizeInfo(v: RespValue, skip: Set<string>): RespValue {
  if (v.t !== 'array' || v.v.length !== 10) return v;
  const subs = v.v[9]!;
  if (subs.t !== 'array') return v;
  const kept = subs.v.filter((s) => s.t === 'array' && !skip.has(text(s.v[0]!)));
  kept.sort((a, b) => (text((a as { v: RespValue[] }).v[0]!) < text((b as { v: RespValue[] }).v[0]!) ? -1 : 1));
  return { t: 'array', v: [...v.v.slice(0, 9), { t: 'array', v: kept }] };
}

function normalizeDocs(v: RespValue, skip: Set<string>): RespValue {
  if (v.t !== 'map') return v;
  return {
    t: 'map',
    v: v.v.map(([k, val]): [RespValue, RespValue] => {
      if (text(k) !== 'subcommands' || val.t !== 'map') return [k, val];
      const kept = val.v.filter(([name]) => !skip.has(text(name))).map(([name, d]): [RespValue, RespValue] => [name, normalizeDocs(d, skip)]);
      kept.sort((a, b) => (text(a[0]) < text(b[0]) ? -1 : 1));
      return [k, { t: 'map', v: kept }];
    }),
  };
}

function subcommandNames(info: RespValue): string[] {
  if (info.t !== 'array' || info.v[9]?.t !== 'array') return [];
  return info.v[9].v.map((s) => text((s as { v: RespValue[] }).v[0]!)).sort();
}

describe.skipIf(redisMissing)('every declaration matches redis-server 7.0 in COMMAND INFO and COMMAND DOCS', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  let h: RawClient, r: RawClient;
  beforeAll(async () => {
    holdfast = await startHoldfast();
    redis = (await startRedis())!;
    h = await RawClient.connect(holdfast.port);
    r = await RawClient.connect(redis.port);
    for (const c of [h, r]) await c.call('HELLO', '3');
  });
  afterAll(async () => {
    h?.close();
    r?.close();
    await holdfast?.close();
    await redis?.close();
  });

  const names = allCommands.map((c) => c.name);
  it.each(names)('%s', async (name) => {
    const redisInfoRaw = await r.call('COMMAND', 'INFO', name);
    const redisInfo = (decodeResp(redisInfoRaw) as { v: RespValue[] }).v[0]!;
    if (redisInfo.t === 'null') {
      // A Holdfast-only command (the sale family): nothing to compare with.
      expect(['sale'].includes(allCommands.find((c) => c.name === name)!.group), `${name} is unknown to Redis 7.0`).toBe(true);
      return;
    }
    const known = KNOWN_DIFFERENCES[name] ?? {};
    const skip = new Set([...(known.missingSubcommands ?? []), ...(known.extraSubcommands ?? [])]);
    const holdfastInfo = (decodeResp(await h.call('COMMAND', 'INFO', name)) as { v: RespValue[] }).v[0]!;
    // The known differences are exactly the differences: nothing else missing or extra.
    const ours = subcommandNames(holdfastInfo), theirs = subcommandNames(redisInfo);
    expect(ours.filter((s) => !theirs.includes(s)), `${name}: subcommands only Holdfast has`).toEqual((known.extraSubcommands ?? []).slice().sort());
    expect(theirs.filter((s) => !ours.includes(s)), `${name}: subcommands only Redis has`).toEqual((known.missingSubcommands ?? []).slice().sort());
    expect(normalizeInfo(holdfastInfo, skip), `COMMAND INFO ${name}`).toEqual(normalizeInfo(redisInfo, skip));
    const redisDocs = decodeResp(await r.call('COMMAND', 'DOCS', name));
    const holdfastDocs = decodeResp(await h.call('COMMAND', 'DOCS', name));
    expect(normalizeDocs(mapGet(holdfastDocs, name)!, skip), `COMMAND DOCS ${name}`).toEqual(normalizeDocs(mapGet(redisDocs, name)!, skip));
  });
});

describe('COMMAND is driven by the declarations', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });

  it('COMMAND COUNT, COMMAND and COMMAND INFO list every top-level command once', async () => {
    expect(await c.call('COMMAND', 'COUNT')).toBe(`:${allCommands.length}\r\n`);
    const all = decodeResp(await c.call('COMMAND')) as { v: RespValue[] };
    const names = all.v.map((e) => text((e as { v: RespValue[] }).v[0]!)).sort();
    expect(names).toEqual(allCommands.map((s) => s.name).sort());
    expect(await c.call('COMMAND', 'INFO')).toBe(await c.call('COMMAND'));
  });

  it('COMMAND LIST names subcommands as parent|sub and filters by ACL category', async () => {
    const list = (decodeResp(await c.call('COMMAND', 'LIST')) as { v: RespValue[] }).v.map(text);
    const expected = allCommands.flatMap((s) => [s.name, ...(s.subcommands ?? []).map((sub) => `${s.name}|${sub.name}`)]);
    expect(list.slice().sort()).toEqual(expected.sort());
    const connection = (decodeResp(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'connection')) as { v: RespValue[] }).v.map(text);
    expect(connection).toContain('hello');
    expect(connection).toContain('client|kill');
    expect(connection).toContain('command|docs');
    expect(connection).not.toContain('config|get');
    const admin = (decodeResp(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'ADMIN')) as { v: RespValue[] }).v.map(text);
    expect(admin).toEqual(expect.arrayContaining(['config|get', 'client|kill', 'shutdown', 'monitor', 'debug']));
    expect(admin).not.toContain('ping');
  });

  it('derives ACL categories and flag order as Redis does', () => {
    const spec = (flags: CommandSpec['flags'], extra: Partial<CommandSpec> = {}): CommandSpec => ({
      name: 'x', arity: 1, flags, group: 'string', summary: 's', since: '1.0.0', ...extra,
    });
    expect(aclCategories(spec(['readonly', 'fast']))).toEqual(['read', 'string', 'fast']);
    expect(aclCategories(spec(['write', 'denyoom']))).toEqual(['write', 'string', 'slow']);
    expect(aclCategories(spec(['admin', 'noscript'], { group: 'server' }))).toEqual(['admin', 'slow', 'dangerous']);
    expect(aclCategories(spec(['write', 'blocking'], { group: 'list' }))).toEqual(['write', 'list', 'slow', 'blocking']);
    // WAIT-like: a generic command that is not @keyspace
    expect(aclCategories(spec([], { group: 'generic', acl: ['-keyspace', 'connection'] }))).toEqual(['slow', 'connection']);
    // A container has no data category of its own
    expect(aclCategories(spec([], { group: 'connection', subcommands: [] }))).toEqual(['slow']);
    expect(infoFlags(spec(['fast', 'readonly'], { keySpecs: [keys.counted(1, ['RO', 'ACCESS'])] }))).toEqual(['readonly', 'fast', 'movablekeys']);
  });
});

describe('COMMAND GETKEYS over every kind of key spec', () => {
  const specs: CommandSpec[] = [
    {
      name: 'kwcmd', arity: -2, flags: ['readonly'], group: 'generic', summary: 'keys after STORE', since: '1.0.0',
      keySpecs: [{ flags: ['RW', 'UPDATE'], beginSearch: { keyword: 'STORE', startFrom: 1 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } }],
      arguments: [{ name: 'rest', type: 'string', multiple: true }],
      handler: (client) => client.reply.ok(),
    },
    {
      name: 'numcmd', arity: -3, flags: ['write'], group: 'generic', summary: 'counted keys', since: '1.0.0',
      keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.counted(2, ['RO', 'ACCESS'])],
      arguments: [{ name: 'dest', type: 'key', keySpecIndex: 0 }, { name: 'numkeys', type: 'integer' }, { name: 'key', type: 'key', keySpecIndex: 1, multiple: true }],
      handler: (client) => client.reply.ok(),
    },
    {
      name: 'optkeys', arity: -1, flags: ['readonly', 'no_mandatory_keys'], group: 'generic', summary: 'optional keys', since: '1.0.0',
      keySpecs: [{ flags: ['RO'], beginSearch: { keyword: 'KEYS', startFrom: 1 }, findKeys: { range: { lastKey: -1, step: 1, limit: 0 } } }],
      arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, token: 'KEYS', optional: true, multiple: true }],
      handler: (client) => client.reply.ok(),
    },
  ];
  let server: Server;
  let c: RawClient;
  beforeAll(async () => {
    const config = new Config();
    config.setText('port', '0', true);
    config.setText('bind', '127.0.0.1', true);
    server = new Server([...allCommands, ...specs], { quiet: true, config });
    c = await RawClient.connect(await server.listen());
  });
  afterAll(async () => {
    c.close();
    await server.close();
  });

  it('finds keys after a keyword, from a count, and accepts commands whose keys are optional', async () => {
    expect(await c.call('COMMAND', 'GETKEYS', 'kwcmd', 'a', 'STORE', 'dst', 'b')).toBe('*1\r\n$3\r\ndst\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'kwcmd', 'a', 'b')).toBe('-ERR Invalid arguments specified for command\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'numcmd', 'd', '2', 'k1', 'k2', 'extra')).toBe('*3\r\n$1\r\nd\r\n$2\r\nk1\r\n$2\r\nk2\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'numcmd', 'd', '5', 'k1')).toBe('-ERR Invalid arguments specified for command\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'numcmd', 'd', 'x', 'k1')).toBe('-ERR Invalid arguments specified for command\r\n');
    expect(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'numcmd', 'd', '1', 'k1')).toBe(
      '*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n',
    );
    expect(await c.call('COMMAND', 'GETKEYS', 'optkeys', 'x')).toBe('*0\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'optkeys', 'KEYS', 'a', 'b')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    // movablekeys is derived from the key specs
    const info = decodeResp(await c.call('COMMAND', 'INFO', 'numcmd')) as { v: RespValue[] };
    expect(((info.v[0] as { v: RespValue[] }).v[2] as { v: RespValue[] }).v.map(text)).toEqual(['write', 'movablekeys']);
  });
});
