import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { memoryCommands } from '../../commands/memory.js';

const names = memoryCommands.flatMap((c) => (c.subcommands ? c.subcommands.map((s) => `${c.name}|${s.name}`) : [c.name]));

contractSuite('MEMORY: COMMAND INFO, DOCS and GETKEYS', [
  ...names.map((n) => ({ name: `COMMAND INFO ${n}`, commands: [['COMMAND', 'INFO', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n}`, commands: [['COMMAND', 'DOCS', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n} (RESP3)`, resp3: true, commands: [['COMMAND', 'DOCS', n]] })),
  { name: 'COMMAND GETKEYS MEMORY USAGE', commands: [['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k', 'SAMPLES', '5']] },
]);

contractSuite('MEMORY replies and errors', [
  {
    name: 'USAGE: a missing key is nil; options are checked first',
    commands: [
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'k', 'bar'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'samples', '99999999999999999999'],
      ['MEMORY', 'USAGE'],
      ['MEMORY'],
      ['MEMORY', 'NOPE'],
      ['MEMORY', 'STATS', 'extra'],
      ['MEMORY', 'DOCTOR', 'extra'],
      ['MEMORY', 'PURGE', 'x'],
    ],
  },
  { name: 'HELP', commands: [['MEMORY', 'HELP']] },
  { name: 'HELP (RESP3)', resp3: true, commands: [['MEMORY', 'HELP']] },
  { name: 'DOCTOR on an empty instance', commands: [['MEMORY', 'DOCTOR']] },
  { name: 'PURGE', commands: [['MEMORY', 'PURGE']] },
]);

describe('MEMORY over the wire', () => {
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

  it('USAGE grows with the value, for every type', async () => {
    await c.call('SET', 'small', 'x');
    await c.call('SET', 'big', 'x'.repeat(10_000));
    const usage = async (k: string) => Number((await c.call('MEMORY', 'USAGE', k)).slice(1));
    expect(await usage('small')).toBeGreaterThan(20);
    expect(await usage('big')).toBeGreaterThan(10_000);
    // Its arena is a size-class block (src/memory/arenas.ts): 10,240 bytes for 10 KB, charged 1.2x.
    expect(await usage('big')).toBeLessThan(15_000);
    for (const [cmd, key, ...args] of [
      ['RPUSH', 'l', 'a', 'b'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 's', 'm'],
      ['ZADD', 'z', '1', 'm'],
    ]) {
      await c.call(cmd!, key!, ...args);
      const before = await usage(key!);
      const many: string[] = [];
      for (let i = 0; i < 100; i++) many.push(cmd === 'HSET' ? `f${i}` : cmd === 'ZADD' ? String(i) : `m${i}`, ...(cmd === 'HSET' || cmd === 'ZADD' ? [`m${i}`] : []));
      await c.call(cmd!, key!, ...many);
      expect(await usage(key!), key).toBeGreaterThan(before + 100 * 8);
    }
  });

  it('STATS is a map of Redis field names, with the dataset and one entry per database in use', async () => {
    const redis = createClient({ url: `redis://127.0.0.1:${h.port}`, RESP: 3 });
    await redis.connect();
    try {
      await redis.sendCommand(['SELECT', '2']);
      await redis.sendCommand(['SET', 'k2', 'v']);
      const stats = (await redis.sendCommand(['MEMORY', 'STATS'])) as unknown as Record<string, unknown>;
      const keys = Object.keys(stats);
      expect(keys.slice(0, 10)).toEqual([
        'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves', 'clients.normal',
        'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches',
      ]);
      expect(keys).toContain('db.0');
      expect(keys).toContain('db.2');
      expect(keys).toContain('fragmentation');
      expect(stats['keys.count']).toBe(7);
      expect(stats['dataset.bytes']).toBeGreaterThan(10_000);
      expect(typeof stats['dataset.percentage']).toBe('number');
      expect(Object.keys(stats['db.2'] as object)).toEqual(['overhead.hashtable.main', 'overhead.hashtable.expires', 'overhead.hashtable.slot-to-keys']);
    } finally {
      await redis.quit();
    }
  });

  it('MALLOC-STATS describes the V8 heap; DOCTOR has nothing to say about a small instance', async () => {
    const text = await c.call('MEMORY', 'MALLOC-STATS');
    expect(text).toContain('heap_size_limit');
    expect(text).toContain('old_space');
    expect(await c.call('MEMORY', 'DOCTOR')).toContain('Hi Sam, this instance is empty');
  });

  it('INFO memory reports the dataset estimate, the V8 heap, the RSS and the limit', async () => {
    await c.call('CONFIG', 'SET', 'maxmemory', '100mb');
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    const info = await c.call('INFO', 'memory');
    const field = (n: string) => /* value */ new RegExp(`\\r\\n${n}:([^\\r]*)\\r\\n`).exec(info)?.[1];
    expect(Number(field('used_memory'))).toBeGreaterThanOrEqual(Number(field('used_memory_dataset')));
    expect(Number(field('used_memory_rss'))).toBeGreaterThan(10_000_000);
    expect(Number(field('used_memory_peak'))).toBeGreaterThanOrEqual(Number(field('used_memory')));
    expect(field('maxmemory')).toBe(String(100 * 1024 * 1024));
    expect(field('maxmemory_human')).toBe('100.00M');
    expect(field('maxmemory_policy')).toBe('allkeys-lfu');
    expect(Number(field('mem_fragmentation_ratio'))).toBeGreaterThan(1);
    expect(Number(field('used_memory_vm_heap'))).toBeGreaterThan(0);
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('CONFIG RESETSTAT starts the peak over', async () => {
    await c.call('SET', 'peak', 'x'.repeat(100_000));
    await c.call('DEL', 'peak');
    const peak = () => c.call('INFO', 'memory').then((i) => Number(/used_memory_peak:(\d+)/.exec(i)![1]));
    const before = await peak();
    expect(before).toBeGreaterThan(100_000);
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('+OK\r\n');
    expect(await peak()).toBeLessThan(before - 50_000);
  });
});
