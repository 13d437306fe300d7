import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { getKeyPositions } from '../../src/dispatch/commandTable.js';
import { saleCommands } from '../../commands/sale.js';

/**
 * The flash-sale commands through real client libraries, in RESP2 and RESP3, and their
 * declarations as COMMAND reports them (cluster-aware clients route by these).
 */

const CODE = /^[A-Za-z0-9_-]{22}$/;
const INFO_FIELDS = ['lots', 'available', 'held', 'purchased', 'confirmed', 'limit', 'hold-ms', 'expired-holds', 'users'];

/** Field-value pairs from a flat array (RESP2), a Map or a plain object (RESP3 maps). */
function pairs(reply: unknown): [string, unknown][] {
  if (reply instanceof Map) return [...reply.entries()].map(([k, v]) => [String(k), v]);
  if (Array.isArray(reply)) {
    const out: [string, unknown][] = [];
    for (let i = 0; i < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1]]);
    return out;
  }
  return Object.entries(reply as object);
}

describe('sale commands with client libraries', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const protocol of [2, 3] as const) {
    it(`ioredis RESP${protocol}: every reply and error of the contract`, async () => {
      const r = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      const key = `io:${protocol}`;
      try {
        await r.connect();
        expect(await r.call('SALE.CREATE', key, '3', 'LIMIT', '2', 'HOLD', '60000')).toBe('OK');
        await expect(r.call('SALE.CREATE', key, '3')).rejects.toThrow('BUSYKEY Target key name already exists.');
        const a = (await r.call('RESERVE', key, 'alice')) as string;
        expect(a).toMatch(CODE);
        const b = (await r.call('RESERVE', key, 'alice', 'LOT', '2')) as string;
        await expect(r.call('RESERVE', key, 'alice')).rejects.toThrow('LIMIT user has reached the per-user limit');
        await expect(r.call('RESERVE', key, 'bob', 'LOT', '2')).rejects.toThrow('TAKEN lot 2 is not available');
        await expect(r.call('RESERVE', key, 'bob', 'LOT', '3')).rejects.toThrow('ERR lot out of range');
        await expect(r.call('RESERVE', key, 'bob', 'LOT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
        await expect(r.call('RESERVE', key)).rejects.toThrow("ERR wrong number of arguments for 'reserve' command");
        await expect(r.call('RESERVE', key, 'bob', 'NOPE')).rejects.toThrow('ERR syntax error');
        await expect(r.call('RESERVE', 'missing', 'bob')).rejects.toThrow('NOSALE no such sale');
        await r.set('plain', 'v');
        await expect(r.call('RESERVE', 'plain', 'bob')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
        const c = (await r.call('RESERVE', key, 'bob')) as string;
        await expect(r.call('RESERVE', key, 'carol')).rejects.toThrow('SOLDOUT no lots available');

        expect(await r.call('PURCHASE', key, a)).toBe(0);
        expect(await r.call('PURCHASE', key, a)).toBe(0);
        await expect(r.call('CONFIRM', key, b)).rejects.toThrow('NOTPURCHASED reservation is not purchased');
        expect(await r.call('CONFIRM', key, a)).toBe('OK');
        await expect(r.call('CANCEL', key, a)).rejects.toThrow('CONFIRMED a confirmed purchase cannot be cancelled');
        expect(await r.call('CANCEL', key, b)).toBe(1);
        expect(await r.call('CANCEL', key, b)).toBe(0);
        await expect(r.call('PURCHASE', key, b)).rejects.toThrow('NOHOLD unknown or expired reservation');
        await expect(r.call('CONFIRM', key, 'nonsense')).rejects.toThrow('NOHOLD unknown or expired reservation');
        expect(await r.call('SALE.MARK', key, '2', 'dave')).toBe('OK');
        await expect(r.call('SALE.MARK', key, '2', 'dave')).rejects.toThrow('TAKEN lot 2 is not available');

        expect(await r.call('SALE.USER', key, 'alice')).toBe(1);
        expect(await r.call('SALE.USER', key, 'bob')).toBe(1);
        const info = pairs(await r.call('SALE.INFO', key));
        expect(info).toEqual([
          ['lots', 3], ['available', 0], ['held', 1], ['purchased', 0], ['confirmed', 2], ['limit', 2], ['hold-ms', 60000],
          ['expired-holds', 0], ['users', 3],
        ]);
        const lot = pairs(await r.call('SALE.LOT', key, '1'));
        expect(lot.map(([k]) => k)).toEqual(['state', 'user', 'code', 'deadline-ms']);
        expect(lot.slice(0, 3)).toEqual([['state', 'held'], ['user', 'bob'], ['code', c]]);
        expect(typeof lot[3]![1]).toBe('number');
        expect(await r.call('CANCEL', key, c)).toBe(1);
        expect(await r.call('SALE.LOT', key, '1')).toBeNull();
        expect(await r.call('SALE.SOLD', key, '0')).toEqual([
          '0',
          [
            [0, 'alice', a, 'confirmed'],
            [2, 'dave', expect.stringMatching(CODE), 'confirmed'],
          ],
        ]);
      } finally {
        r.disconnect();
      }
    });

    it(`node-redis RESP${protocol}: every reply and error of the contract`, async () => {
      const r = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      const key = `nr:${protocol}`;
      try {
        await r.connect();
        expect(await r.sendCommand(['SALE.CREATE', key, '2', 'LIMIT', '1'])).toBe('OK');
        await expect(r.sendCommand(['SALE.CREATE', key, '0'])).rejects.toThrow('ERR value is not an integer or out of range');
        await expect(r.sendCommand(['SALE.CREATE', key, '2', 'HOLD'])).rejects.toThrow('ERR syntax error');
        const a = (await r.sendCommand(['RESERVE', key, 'alice'])) as string;
        expect(a).toMatch(CODE);
        await expect(r.sendCommand(['RESERVE', key, 'alice'])).rejects.toThrow('LIMIT user has reached the per-user limit');
        expect(await r.sendCommand(['PURCHASE', key, a])).toBe(0);
        expect(await r.sendCommand(['CONFIRM', key, a])).toBe('OK');
        await expect(r.sendCommand(['CANCEL', key, a])).rejects.toThrow('CONFIRMED a confirmed purchase cannot be cancelled');
        await expect(r.sendCommand(['PURCHASE', 'missing', a])).rejects.toThrow('NOSALE no such sale');
        const b = (await r.sendCommand(['RESERVE', key, 'bob'])) as string;
        await expect(r.sendCommand(['RESERVE', key, 'carol'])).rejects.toThrow('SOLDOUT no lots available');
        const info = pairs(await r.sendCommand(['SALE.INFO', key]));
        expect(info.map(([k]) => k)).toEqual(INFO_FIELDS);
        expect(Object.fromEntries(info)).toMatchObject({ lots: 2, available: 0, held: 1, confirmed: 1, limit: 1, 'hold-ms': 3000, users: 2 });
        const lot = Object.fromEntries(pairs(await r.sendCommand(['SALE.LOT', key, '1'])));
        expect(lot).toMatchObject({ state: 'held', user: 'bob', code: b });
        expect(lot['deadline-ms']).toBeGreaterThan(Date.now());
        expect(await r.sendCommand(['SALE.LOT', key, '0'])).not.toBeNull();
        expect(await r.sendCommand(['CANCEL', key, b])).toBe(1);
        expect(await r.sendCommand(['SALE.LOT', key, '1'])).toBeNull();
        // COUNT 1: one entry, then the cursor of the next lot to look at, as SCAN.
        expect(await r.sendCommand(['SALE.SOLD', key, '0', 'COUNT', '1'])).toEqual(['1', [[0, 'alice', a, 'confirmed']]]);
        expect(await r.sendCommand(['SALE.SOLD', key, '1', 'COUNT', '1'])).toEqual(['0', []]);
        expect(await r.sendCommand(['SALE.USER', key, 'bob'])).toBe(0);
        expect(await r.type(key)).toBe('sale');
      } finally {
        r.destroy();
      }
    });
  }
});

describe('sale command declarations as COMMAND reports them', () => {
  let h: Holdfast;
  let c: RawClient;
  let io: Redis;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
    io = new Redis({ port: h.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    await io.connect();
  });
  afterAll(async () => {
    c.close();
    io.disconnect();
    await h.close();
  });

  /** name, arity, flags, first key, last key, step, key spec flags. */
  const expected: [string, number, string[], string[]][] = [
    ['sale.create', -3, ['write', 'denyoom'], ['OW', 'insert']],
    ['reserve', -3, ['write', 'denyoom', 'fast'], ['RW', 'update']],
    ['purchase', 3, ['write', 'fast'], ['RW', 'update']],
    ['confirm', 3, ['write', 'fast'], ['RW', 'update']],
    ['cancel', 3, ['write', 'fast'], ['RW', 'delete']],
    ['sale.info', 2, ['readonly', 'fast'], ['RO']],
    ['sale.user', 3, ['readonly', 'fast'], ['RO']],
    ['sale.lot', 3, ['readonly', 'fast'], ['RO', 'access']],
    ['sale.sold', -3, ['readonly'], ['RO', 'access']],
    ['sale.mark', 4, ['write', 'denyoom', 'fast'], ['RW', 'insert']],
  ];

  it('declares every command of the contract once', () => {
    expect(saleCommands.map((s) => s.name).sort()).toEqual(expected.map((e) => e[0]).sort());
  });

  for (const [name, arity, flags, keySpecFlags] of expected) {
    it(`COMMAND INFO ${name}`, async () => {
      const [info] = (await io.call('COMMAND', 'INFO', name)) as unknown[][];
      expect(info!.slice(0, 6)).toEqual([name, arity, flags, 1, 1, 1]);
      const categories = info![6] as string[];
      expect(categories).toContain(flags.includes('write') ? '@write' : '@read');
      expect(categories).toContain(flags.includes('fast') ? '@fast' : '@slow');
      const specs = info![8] as unknown[][];
      expect(specs).toHaveLength(1);
      expect(specs[0]).toEqual([
        'flags', keySpecFlags,
        'begin_search', ['type', 'index', 'spec', ['index', 1]],
        'find_keys', ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]],
      ]);
    });
  }

  it('COMMAND GETKEYS finds the key, first argument, whatever follows', async () => {
    const calls: string[][] = [
      ['SALE.CREATE', 'k1', '10', 'LIMIT', '2', 'HOLD', '100'],
      ['RESERVE', 'k1', 'user'],
      ['RESERVE', 'k1', 'user', 'LOT', '3'],
      ['PURCHASE', 'k1', 'code'],
      ['CONFIRM', 'k1', 'code'],
      ['CANCEL', 'k1', 'code'],
      ['SALE.INFO', 'k1'],
      ['SALE.USER', 'k1', 'u'],
      ['SALE.LOT', 'k1', '0'],
      ['SALE.SOLD', 'k1', '0', 'COUNT', '5'],
      ['SALE.MARK', 'k1', '0', 'u'],
    ];
    for (const argv of calls) {
      expect(await io.call('COMMAND', 'GETKEYS', ...argv), argv.join(' ')).toEqual(['k1']);
      const spec = saleCommands.find((s) => s.name === argv[0]!.toLowerCase())!;
      expect(getKeyPositions(spec, argv)).toEqual([1]);
    }
    expect(await c.call('COMMAND', 'GETKEYS', 'RESERVE', 'k1')).toBe("-ERR Invalid number of arguments specified for command\r\n");
  });

  it('COMMAND DOCS: group sale, summary, since, complexity and the argument tree redis-cli hints from', async () => {
    const docs = (await io.call('COMMAND', 'DOCS', 'reserve', 'sale.create', 'sale.sold')) as unknown[];
    const byName = new Map<string, Map<string, unknown>>();
    for (let i = 0; i < docs.length; i += 2) {
      const fields = docs[i + 1] as unknown[];
      const m = new Map<string, unknown>();
      for (let j = 0; j < fields.length; j += 2) m.set(fields[j] as string, fields[j + 1]);
      byName.set(docs[i] as string, m);
    }
    for (const m of byName.values()) {
      expect(m.get('group')).toBe('sale');
      expect(m.get('since')).toBe('0.1.0');
      expect(typeof m.get('summary')).toBe('string');
      expect(typeof m.get('complexity')).toBe('string');
    }
    expect(byName.get('reserve')!.get('arguments')).toEqual([
      ['name', 'key', 'type', 'key', 'key_spec_index', 0],
      ['name', 'user', 'type', 'string'],
      ['name', 'lot', 'type', 'integer', 'token', 'LOT', 'flags', ['optional']],
    ]);
    expect(byName.get('sale.create')!.get('arguments')).toEqual([
      ['name', 'key', 'type', 'key', 'key_spec_index', 0],
      ['name', 'lots', 'type', 'integer'],
      ['name', 'limit', 'type', 'integer', 'token', 'LIMIT', 'flags', ['optional']],
      ['name', 'ms', 'type', 'integer', 'token', 'HOLD', 'flags', ['optional']],
    ]);
    expect(byName.get('sale.sold')!.get('arguments')).toEqual([
      ['name', 'key', 'type', 'key', 'key_spec_index', 0],
      ['name', 'cursor', 'type', 'integer'],
      ['name', 'count', 'type', 'integer', 'token', 'COUNT', 'flags', ['optional']],
    ]);
    // Every sale command has docs with its key argument first.
    const all = (await io.call('COMMAND', 'DOCS', ...saleCommands.map((s) => s.name))) as unknown[];
    expect(all.length).toBe(saleCommands.length * 2);
  });

  it('COMMAND LIST shows them; COMMAND COUNT includes them', async () => {
    const list = (await io.call('COMMAND', 'LIST')) as string[];
    for (const s of saleCommands) expect(list).toContain(s.name);
  });
});
