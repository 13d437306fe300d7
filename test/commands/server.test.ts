import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Config } from '../../src/config.js';
import { bytesToHuman, reprArg } from '../../commands/server.js';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp, text, type RespValue } from '../helpers/respDecode.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

contractSuite('server commands', [
  { name: 'INFO of sections with fixed content', commands: [['INFO', 'nosuchsection'], ['INFO', 'cluster'], ['INFO', 'CLUSTER', 'modules'], ['INFO', 'modules']] },
  { name: 'INFO keyspace of an empty server', commands: [['INFO', 'keyspace'], ['INFO', 'cluster', 'keyspace']] },
  { name: 'INFO as RESP3 verbatim text', resp3: true, commands: [['INFO', 'cluster']] },
  {
    name: 'CONFIG GET',
    commands: [
      ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'MAXMEMORY'], ['CONFIG', 'GET', 'save'], ['CONFIG', 'GET', 'appendonly'],
      ['CONFIG', 'GET', 'nosuchsetting'], ['CONFIG', 'GET', 'nosuch*'], ['CONFIG', 'GET', 'maxmemory', 'maxmemory'],
      ['CONFIG', 'GET', 'notify-keyspace-events'], ['CONFIG', 'GET', 'timeout'], ['CONFIG', 'GET', 'databases'],
      ['CONFIG', 'GET', 'maxmemory-policy'], ['CONFIG', 'GET'],
    ],
  },
  { name: 'CONFIG GET in RESP3 is a map', resp3: true, commands: [['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'nosuch']] },
  {
    name: 'CONFIG SET and its errors',
    commands: [
      ['CONFIG', 'SET', 'maxmemory', '1mb'], ['CONFIG', 'GET', 'maxmemory'],
      // atomic: one bad value leaves every setting as it was
      ['CONFIG', 'SET', 'maxmemory', '10mb', 'appendonly', 'maybe'], ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '0', 'timeout', '0'], ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'nosuch', '1'], ['CONFIG', 'SET', 'maxmemory', '1', 'nosuch', '2'], ['CONFIG', 'SET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '1', 'timeout'], ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2'],
      ['CONFIG', 'SET', 'maxmemory', 'abc'], ['CONFIG', 'SET', 'appendonly', 'maybe'], ['CONFIG', 'SET', 'maxmemory-policy', 'lru'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LRU'], ['CONFIG', 'GET', 'maxmemory-policy'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'timeout', '-1'], ['CONFIG', 'SET', 'databases', '4'], ['CONFIG', 'GET', 'maxmemory'],
    ],
  },
  { name: 'CONFIG REWRITE without a file, RESETSTAT, HELP', commands: [['CONFIG', 'REWRITE'], ['CONFIG', 'RESETSTAT'], ['CONFIG', 'HELP'], ['CONFIG', 'NOSUCH'], ['CONFIG', 'RESETSTAT', 'x'], ['CONFIG']] },
  { name: 'TIME, LASTSAVE, MONITOR, DEBUG arity', commands: [['TIME', 'x'], ['LASTSAVE', 'x'], ['MONITOR', 'x'], ['DEBUG']] },
  {
    name: 'SHUTDOWN argument errors (the server stays up)',
    commands: [['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'foo'], ['SHUTDOWN', 'NOSAVE', 'SAVE'], ['SHUTDOWN', 'ABORT', 'NOW'], ['SHUTDOWN', 'SAVE', 'ABORT'], ['PING']],
  },
]);

function bulkText(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n') + 2, -2);
  return raw.startsWith('=') ? body.slice(4) : body;
}

/** INFO text as section -> field -> value. */
function parseInfo(raw: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of bulkText(raw).split('\r\n')) {
    if (line.startsWith('# ')) sections.set(line.slice(2), (current = new Map()));
    else if (line !== '') current!.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1));
  }
  return sections;
}

describe('INFO', () => {
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

  it('default, all and everything list Redis 7.0 sections in order, each separated by a blank line', async () => {
    const def = await c.call('INFO');
    expect([...parseInfo(def).keys()]).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect(bulkText(def)).toMatch(/^# Server\r\n[^]*\r\n\r\n# Clients\r\n/);
    expect(bulkText(def).endsWith('\r\n')).toBe(true);
    expect(await c.call('INFO', 'default')).toMatch(/# Errorstats/);
    for (const arg of ['all', 'everything', 'ALL']) {
      expect([...parseInfo(await c.call('INFO', arg)).keys()]).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace']);
    }
    expect([...parseInfo(await c.call('INFO', 'stats', 'SERVER', 'nosuch')).keys()]).toEqual(['Server', 'Stats']);
    expect([...parseInfo(await c.call('INFO', 'commandstats')).keys()]).toEqual(['Commandstats']);
  });

  it('reports the fields clients and exporters read', async () => {
    const info = parseInfo(await c.call('INFO', 'everything'));
    const server = info.get('Server')!;
    expect(server.get('redis_version')).toBe('7.0.15');
    expect(server.get('holdfast_version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(server.get('redis_mode')).toBe('standalone');
    expect(server.get('arch_bits')).toMatch(/^(32|64)$/);
    expect(server.get('process_id')).toBe(String(process.pid));
    expect(server.get('run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(server.get('tcp_port')).toBe(String(h.port));
    expect(Number(server.get('uptime_in_seconds'))).toBeGreaterThanOrEqual(0);
    expect(server.get('os')).toBeTruthy();
    expect(info.get('Clients')!.get('connected_clients')).toBe(String(h.server.clients.size));
    expect(info.get('Clients')!.get('blocked_clients')).toBe('0');
    const mem = info.get('Memory')!;
    for (const f of ['used_memory', 'used_memory_rss', 'used_memory_peak', 'maxmemory']) expect(mem.get(f)).toMatch(/^\d+$/);
    expect(mem.get('used_memory_human')).toMatch(/^\d+(\.\d\d[KMGTP])?B?$/);
    expect(mem.get('maxmemory_policy')).toBe('noeviction');
    expect(mem.get('mem_fragmentation_ratio')).toMatch(/^\d+\.\d\d$/);
    const persistence = info.get('Persistence')!;
    expect(persistence.get('loading')).toBe('0');
    expect(persistence.get('aof_enabled')).toBe('0');
    expect(persistence.get('rdb_changes_since_last_save')).toMatch(/^\d+$/);
    const stats = info.get('Stats')!;
    for (const f of ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'expired_keys', 'evicted_keys', 'keyspace_hits', 'keyspace_misses', 'pubsub_channels', 'pubsub_patterns', 'total_error_replies']) {
      expect(stats.get(f), f).toMatch(/^\d+$/);
    }
    expect(info.get('Replication')!.get('role')).toBe('master');
    expect(info.get('Replication')!.get('connected_slaves')).toBe('0');
    expect(info.get('CPU')!.get('used_cpu_sys')).toMatch(/^\d+\.\d{6}$/);
    expect(info.get('CPU')!.get('used_cpu_user')).toMatch(/^\d+\.\d{6}$/);
  });

  it('counts commands, rejections, failures and errors by code; CONFIG RESETSTAT clears them', async () => {
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('PING');
    await c.call('PING');
    await c.call('ECHO'); // arity: rejected
    await c.call('SELECT', '99'); // error reply: failed
    await c.call('NOSUCHCMD');
    await c.call('HELLO', '9');
    const info = parseInfo(await c.call('INFO', 'commandstats', 'errorstats', 'stats'));
    const cmd = info.get('Commandstats')!;
    expect(cmd.get('cmdstat_ping')).toMatch(/^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    expect(cmd.get('cmdstat_echo')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0');
    expect(cmd.get('cmdstat_select')).toMatch(/^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    expect(cmd.get('cmdstat_config|resetstat')).toMatch(/^calls=1,/);
    expect(info.get('Errorstats')).toEqual(new Map([['errorstat_ERR', 'count=3'], ['errorstat_NOPROTO', 'count=1']]));
    expect(info.get('Stats')!.get('total_error_replies')).toBe('4');
    // RESETSTAT, then INFO itself is the only command counted
    await c.call('CONFIG', 'RESETSTAT');
    const after = parseInfo(await c.call('INFO', 'commandstats', 'errorstats', 'stats'));
    expect([...after.get('Commandstats')!.keys()]).toEqual(['cmdstat_config|resetstat']);
    expect(after.get('Errorstats')!.size).toBe(0);
    expect(after.get('Stats')!.get('total_commands_processed')).toBe('1');
  });

  it('keyspace lines count keys and volatile keys per database', async () => {
    const db0 = h.server.keyspace.dbs[0]!, db3 = h.server.keyspace.dbs[3]!;
    db0.set('a', '1');
    db0.set('b', '2');
    db0.setExpire('b', Date.now() + 100_000);
    db3.set('c', '3');
    try {
      const ks = parseInfo(await c.call('INFO', 'keyspace')).get('Keyspace')!;
      expect([...ks.keys()]).toEqual(['db0', 'db3']);
      expect(ks.get('db3')).toBe('keys=1,expires=0,avg_ttl=0');
      const m = /^keys=2,expires=1,avg_ttl=(\d+)$/.exec(ks.get('db0')!);
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(90_000);
      expect(Number(m![1])).toBeLessThanOrEqual(100_000);
    } finally {
      db0.flush();
      db3.flush();
    }
  });

  it('shows sections contributed by subsystems, and lets them extend a built-in one', async () => {
    h.server.infoSections.set('sale', () => [['sales', 2], ['holds_active', 5]]);
    h.server.infoSections.set('persistence', () => [['aof_enabled', 1], ['aof_fsync_lag_ms', 3]]);
    h.server.infoSections.set('latencystats', () => [['latency_percentiles_usec_ping', 'p50=1.003,p99=2.007,p99.9=2.007']]);
    try {
      // A Redis section Holdfast has no data for takes Redis's place, and like Redis stays out of the default
      expect([...parseInfo(await c.call('INFO', 'all')).keys()].slice(-5)).toEqual(['Errorstats', 'Latencystats', 'Cluster', 'Sale', 'Keyspace']);
      expect(parseInfo(await c.call('INFO')).has('Latencystats')).toBe(false);
      const all = parseInfo(await c.call('INFO'));
      const names = [...all.keys()];
      expect(names.indexOf('Sale')).toBe(names.indexOf('Keyspace') - 1);
      expect(all.get('Sale')).toEqual(new Map([['sales', '2'], ['holds_active', '5']]));
      expect(all.get('Persistence')!.get('aof_enabled')).toBe('1');
      expect(all.get('Persistence')!.get('aof_fsync_lag_ms')).toBe('3');
      expect([...all.get('Persistence')!.keys()].filter((k) => k === 'aof_enabled')).toHaveLength(1);
      expect([...parseInfo(await c.call('INFO', 'sale')).keys()]).toEqual(['Sale']);
    } finally {
      h.server.infoSections.delete('sale');
      h.server.infoSections.delete('persistence');
      h.server.infoSections.delete('latencystats');
    }
  });

  it('is verbatim text in RESP3', async () => {
    const r3 = await RawClient.connect(h.port);
    await r3.call('HELLO', '3');
    const raw = await r3.call('INFO', 'server');
    expect(raw).toMatch(/^=\d+\r\ntxt:# Server\r\nredis_version:7\.0\.15\r\n/);
    r3.close();
  });

  it('formats sizes as Redis does', () => {
    expect(bytesToHuman(0)).toBe('0B');
    expect(bytesToHuman(1023)).toBe('1023B');
    expect(bytesToHuman(1024)).toBe('1.00K');
    expect(bytesToHuman(1536 * 1024)).toBe('1.50M');
    expect(bytesToHuman(3 * 1024 ** 3)).toBe('3.00G');
  });

  it('does not count monitors as connected clients, as Redis', async () => {
    const count = async () => Number(parseInfo(await c.call('INFO', 'clients')).get('Clients')!.get('connected_clients'));
    // Connections of earlier tests finish closing first
    while (h.server.clients.size > 1) await new Promise((r) => setTimeout(r, 10));
    const m = await RawClient.connect(h.port);
    expect(await m.call('PING')).toBe('+PONG\r\n');
    expect(await count()).toBe(2);
    await m.call('MONITOR');
    expect(await count()).toBe(1);
    m.close();
  });
});

describe('CONFIG', () => {
  let h: Holdfast;
  let c: RawClient;
  let dir: string;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
    dir = mkdtempSync(path.join(tmpdir(), 'holdfast-config-'));
  });
  afterEach(() => {
    h.server.config.file = null;
  });
  afterAll(async () => {
    c.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET matches patterns case-insensitively, aliases included, each name once', async () => {
    const reply = decodeResp(await c.call('CONFIG', 'GET', 'MAXMEMORY*', 'maxmemory', 'hash-max-*')) as { v: RespValue[] };
    const names = reply.v.filter((_, i) => i % 2 === 0).map(text);
    // maxmemory-clients: src/memory (client eviction)
    expect(names).toEqual(['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'maxmemory-eviction-tenacity', 'maxmemory-clients', 'hash-max-listpack-entries', 'hash-max-ziplist-entries', 'hash-max-listpack-value', 'hash-max-ziplist-value']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('SET applies through the config listeners (the running server sees it)', async () => {
    expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA', 'maxmemory-policy', 'ALLKEYS-LRU')).toBe('+OK\r\n');
    expect(h.server.config.str('maxmemory-policy')).toBe('allkeys-lru');
    expect(h.server.notifier.flags).not.toBe(0);
    expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', '', 'maxmemory-policy', 'noeviction')).toBe('+OK\r\n');
    expect(h.server.notifier.flags).toBe(0);
  });

  it('REWRITE keeps comments and unknown lines, updates settings in place and appends changed ones', async () => {
    const file = path.join(dir, 'holdfast.conf');
    writeFileSync(file, ['# my server', 'maxmemory 100mb', '', 'some-module-option yes', 'maxmemory 1', 'save "" ', ''].join('\n'));
    h.server.config.file = file;
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '2mb', 'loglevel', 'warning', 'requirepass', 'p w"d')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'REWRITE')).toBe('+OK\r\n');
    const lines = readFileSync(file, 'latin1').split('\n');
    expect(lines.slice(0, 5)).toEqual(['# my server', 'maxmemory 2097152', '', 'some-module-option yes', 'save ""']);
    expect(lines).toContain('# Generated by CONFIG REWRITE');
    expect(lines).toContain('loglevel warning');
    expect(lines).toContain('requirepass "p w\\"d"');
    expect(lines.filter((l) => l.startsWith('maxmemory '))).toHaveLength(1);
    // The file loads back to the same values (a multi-word value is joined back)
    const loaded = new Config();
    writeFileSync(file, lines.filter((l) => l !== 'some-module-option yes').join('\n'));
    loaded.loadFile(file);
    expect(loaded.num('maxmemory')).toBe(2 * 1024 * 1024);
    expect(loaded.str('loglevel')).toBe('warning');
    expect(loaded.str('requirepass')).toBe('p w"d');
    // A second rewrite changes nothing
    h.server.config.file = file;
    const before = readFileSync(file, 'latin1');
    await c.call('CONFIG', 'REWRITE');
    expect(readFileSync(file, 'latin1')).toBe(before.endsWith('\n') ? before : before + '\n');
    await c.call('CONFIG', 'SET', 'maxmemory', '0', 'loglevel', 'notice', 'requirepass', '');
  });

  it('REWRITE reports a file it cannot write', async () => {
    h.server.config.file = path.join(dir, 'missing-dir', 'x.conf');
    expect(await c.call('CONFIG', 'REWRITE')).toMatch(/^-ERR Rewriting config file: /);
  });
});

describe('TIME, LASTSAVE, DEBUG', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  it('TIME is [seconds, microseconds] of the wall clock', async () => {
    const c = await RawClient.connect(h.port);
    const before = Date.now();
    const reply = decodeResp(await c.call('TIME')) as { v: RespValue[] };
    const after = Date.now();
    expect(reply.v.map((v) => v.t)).toEqual(['bulk', 'bulk']);
    const [sec, usec] = reply.v.map((v) => Number(text(v)));
    expect(usec!).toBeGreaterThanOrEqual(0);
    expect(usec!).toBeLessThan(1_000_000);
    const ms = sec! * 1000 + Math.floor(usec! / 1000);
    expect(ms).toBeGreaterThanOrEqual(before - 1);
    expect(ms).toBeLessThanOrEqual(after + 1);
    c.close();
  });

  it('LASTSAVE is the server last save time', async () => {
    const c = await RawClient.connect(h.port);
    expect(await c.call('LASTSAVE')).toBe(`:${h.server.lastSave}\r\n`);
    c.close();
  });

  it('DEBUG SLEEP holds every client until it is done, as in Redis', async () => {
    const a = await RawClient.connect(h.port);
    const b = await RawClient.connect(h.port);
    const order: string[] = [];
    const sleeping = a.call('DEBUG', 'SLEEP', '0.3').then((r) => order.push(`a:${r}`));
    await new Promise((r) => setTimeout(r, 20)); // a's request is in the server by now
    const pinged = b.call('PING').then((r) => order.push(`b:${r}`));
    await Promise.all([sleeping, pinged]);
    expect(order).toEqual(['a:+OK\r\n', 'b:+PONG\r\n']);
    expect(await a.call('DEBUG', 'SLEEP', 'junk')).toBe('+OK\r\n');
    expect(await a.call('DEBUG', 'NOSUCH')).toBe("-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n");
    expect(await a.call('DEBUG', 'HELP')).toMatch(/^\*\d+\r\n\+DEBUG <subcommand>/);
    a.close();
    b.close();
  });
});

/** MONITOR lines without what differs between runs: the time and the client's port. */
function normalizeMonitor(line: string): string {
  return line.replace(/^\+\d+\.\d{6} \[(\d+) [^\]]+\]/, '+T [$1 ADDR]');
}

async function monitorSession(port: number): Promise<string[]> {
  const m = await RawClient.connect(port);
  const c = await RawClient.connect(port);
  expect(await m.call('MONITOR')).toBe('+OK\r\n');
  const script: string[][] = [
    ['PING'], ['ECHO', 'a b"c\\\n\r\t\x07\x08\x01\xe9'], ['SELECT', '2'], ['ECHO', 'in db 2'], ['AUTH', 'secret'],
    ['AUTH', 'default', 'whatever'], ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'me'], ['CONFIG', 'GET', 'maxmemory'],
    ['CLIENT', 'LIST'], ['CLIENT', 'GETNAME'], ['NOSUCHCOMMAND'], ['ECHO'], ['SELECT', '0'], ['INFO', 'cluster'], ['ECHO', 'last'],
  ];
  for (const cmd of script) await c.call(...cmd);
  const lines: string[] = [];
  for (;;) {
    const line = await m.read();
    lines.push(normalizeMonitor(line));
    if (line.includes('"last"')) break;
  }
  m.close();
  c.close();
  return lines;
}

describe.skipIf(redisMissing)('MONITOR (against redis-server)', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startHoldfast();
    redis = (await startRedis())!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });

  it('shows other clients commands in the same lines as Redis, hiding admin commands and passwords', async () => {
    const ours = await monitorSession(holdfast.port);
    const theirs = await monitorSession(redis.port);
    expect(ours).toEqual(theirs);
    expect(ours).toContain('+T [2 ADDR] "AUTH" "(redacted)"\r\n');
    expect(ours).toContain('+T [2 ADDR] "SELECT" "2"\r\n');
    expect(ours.some((l) => l.includes('"config"'))).toBe(false);
  });
});

describe('MONITOR', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  it('feeds every monitor with real addresses and times, and stops when the monitor resets', async () => {
    const m1 = await RawClient.connect(h.port);
    const m2 = await RawClient.connect(h.port);
    const c = await RawClient.connect(h.port);
    await m1.call('MONITOR');
    await m2.call('MONITOR');
    const before = Date.now() / 1000;
    await c.call('ECHO', 'x');
    const line = await m1.read();
    expect(await m2.read()).toBe(line);
    const m = /^\+(\d+\.\d{6}) \[0 127\.0\.0\.1:(\d+)\] "ECHO" "x"\r\n$/.exec(line);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBe(c.socket.localPort);
    expect(Number(m![1])).toBeGreaterThanOrEqual(before - 1);
    expect(Number(m![1])).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(bulkText(await c.call('CLIENT', 'LIST'))).toMatch(/ flags=O /);
    expect(await m1.call('RESET')).toBe('+RESET\r\n');
    expect(h.server.monitors.size).toBe(1);
    // The other monitor saw m1's RESET, as any command of any client
    expect(await m2.read()).toMatch(/ "RESET"\r\n$/);
    await c.call('ECHO', 'y');
    expect(await m2.read()).toMatch(/"ECHO" "y"/);
    await expect(m1.read(150)).rejects.toThrow(/no reply/);
    m2.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.monitors.size).toBe(0);
    m1.close();
    c.close();
  });

  it('is refused inside EXEC, as Redis refuses it to a DENY BLOCKING client', async () => {
    const c = await RawClient.connect(h.port);
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    const sc = h.server.clients.get(id)!;
    sc.multi = { queue: [], dirty: false };
    try {
      // What EXEC does with a queued MONITOR: call it while the transaction is running
      h.server.dispatcher.call(sc, h.server.table.lookup('monitor')!, ['MONITOR']);
      expect(await c.read()).toBe("-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
      expect(sc.monitor).toBe(false);
    } finally {
      sc.multi = null;
      c.close();
    }
  });

  it('quotes arguments as Redis sdscatrepr does', () => {
    expect(reprArg('plain')).toBe('"plain"');
    expect(reprArg('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(reprArg('\n\r\t\x07\x08')).toBe('"\\n\\r\\t\\a\\b"');
    expect(reprArg('\x00\x7f\xff ~')).toBe('"\\x00\\x7f\\xff ~"');
  });

  it('works with ioredis monitor()', async () => {
    const client = new Redis({ port: h.port, host: '127.0.0.1', lazyConnect: true });
    await client.connect();
    const mon = await client.monitor();
    try {
      // The other client's handshake (HELLO, CLIENT SETINFO...) shows up first
      const seen = new Promise<string[]>((resolve) =>
        mon.on('monitor', (_time: string, args: string[]) => {
          if (args[0]!.toLowerCase() === 'echo') resolve(args);
        }),
      );
      const other = new Redis({ port: h.port, host: '127.0.0.1' });
      await other.echo('hello monitor');
      expect(await seen).toEqual(['echo', 'hello monitor']);
      other.disconnect();
    } finally {
      mon.disconnect();
      client.disconnect();
    }
  });
});

describe('SHUTDOWN', () => {
  it('closes every connection without a reply, stops listening, then asks the process to exit', async () => {
    const h = await startHoldfast();
    let exited = 0;
    h.server.exitProcess = () => exited++;
    const bystander = await RawClient.connect(h.port);
    const c = await RawClient.connect(h.port);
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await c.waitClosed();
    await bystander.waitClosed();
    await expect(RawClient.connect(h.port)).rejects.toThrow();
    // The exit comes once the close steps are done: wait for it rather than a fixed 20 ms.
    for (let i = 0; i < 500 && exited === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(exited).toBe(1);
    await h.close();
  });

  it('runs the shutdown hooks (persistence flushes its log) before the process exit', async () => {
    const h = await startHoldfast();
    const events: string[] = [];
    h.server.shutdownHooks.push(() => {
      events.push('hook');
    });
    h.server.exitProcess = () => events.push('exit');
    const c = await RawClient.connect(h.port);
    c.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    await c.waitClosed();
    for (let i = 0; i < 500 && !events.includes('exit'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['hook', 'exit']);
    await h.close();
  });

  it('is refused inside MULTI (no_multi)', async () => {
    const h = await startHoldfast();
    const c = await RawClient.connect(h.port);
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    h.server.clients.get(id)!.multi = { queue: [], dirty: false };
    expect(await c.call('SHUTDOWN')).toBe('-ERR Command not allowed inside a transaction\r\n');
    c.close();
    await h.close();
  });
});

describe('node-redis RESP3 view of server commands', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  it('CONFIG GET, INFO and COMMAND through node-redis', async () => {
    const c = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: 3 });
    c.on('error', () => {});
    await c.connect();
    try {
      expect(await c.configGet('maxmemory*')).toMatchObject({ maxmemory: '0', 'maxmemory-policy': 'noeviction' });
      expect(await c.configSet({ 'maxmemory-samples': '7' })).toBe('OK');
      expect(h.server.config.num('maxmemory-samples')).toBe(7);
      expect(String(await c.info('server'))).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
      expect(await c.commandCount()).toBe(h.server.table.size);
      const docs = (await c.sendCommand(['COMMAND', 'DOCS', 'echo'])) as unknown as Map<string, unknown> | Record<string, unknown>;
      expect(JSON.stringify(docs instanceof Map ? Object.fromEntries(docs) : docs)).toContain('Echo the given string');
      expect(Number((await c.time()).getTime ? (await c.time()).getTime() : Date.now())).toBeGreaterThan(0);
    } finally {
      c.destroy();
    }
  });
});
