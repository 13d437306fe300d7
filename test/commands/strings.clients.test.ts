import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

/** Every byte value, in order and reversed: keys and values must come back bit for bit. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ALL_BYTES_REVERSED = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));

describe('strings and keys with client libraries', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const protocol of [2, 3] as const) {
    it(`ioredis RESP${protocol}: strings, counters, expiry, keys`, async () => {
      const r = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      try {
        await r.connect();
        await r.flushall();
        expect(await r.set('greeting', 'hello', 'EX', 100)).toBe('OK');
        expect(await r.get('greeting')).toBe('hello');
        expect(await r.ttl('greeting')).toBe(100);
        expect(await r.set('greeting', 'hi', 'NX')).toBeNull();
        expect(await r.set('greeting', 'hey', 'XX', 'GET')).toBe('hello');
        expect(await r.mset({ a: '1', b: '2' })).toBe('OK');
        expect(await r.mget('a', 'b', 'missing')).toEqual(['1', '2', null]);
        expect(await r.incr('a')).toBe(2);
        expect(await r.incrby('a', 40)).toBe(42);
        expect(await r.decrby('a', 2)).toBe(40);
        expect(await r.incrbyfloat('f', '0.1')).toBe('0.1');
        expect(await r.incrbyfloat('f', '0.2')).toBe('0.3');
        expect(await r.append('greeting', '!')).toBe(4);
        expect(await r.getrange('greeting', 0, 2)).toBe('hey');
        expect(await r.setrange('greeting', 0, 'HEY')).toBe(4);
        expect(await r.strlen('greeting')).toBe(4);
        expect(await r.getex('greeting', 'PERSIST')).toBe('HEY!');
        expect(await r.ttl('greeting')).toBe(-1);
        expect(await r.getdel('greeting')).toBe('HEY!');
        expect(await r.exists('greeting', 'a', 'b')).toBe(2);
        expect(await r.type('a')).toBe('string');
        expect(await r.expire('a', 50, 'NX')).toBe(1);
        expect(await r.pexpire('a', 60_000, 'GT')).toBe(1);
        expect(await r.pttl('a')).toBeGreaterThan(59_000);
        expect(await r.rename('a', 'c')).toBe('OK');
        expect(await r.copy('c', 'd')).toBe(1);
        expect(await r.renamenx('c', 'd')).toBe(0);
        expect(await r.object('ENCODING', 'd')).toBe('int');
        expect(await r.dbsize()).toBe(4);
        expect((await r.keys('*')).sort()).toEqual(['b', 'c', 'd', 'f']);
        await expect(r.incr('f')).rejects.toThrow('ERR value is not an integer or out of range');
        await expect(r.rename('missing', 'x')).rejects.toThrow('ERR no such key');
        expect(await r.del('b', 'c', 'd', 'f')).toBe(4);
      } finally {
        r.disconnect();
      }
    });

    it(`ioredis RESP${protocol}: binary-safe keys and values, scanStream, pipelines`, async () => {
      const r = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      try {
        await r.connect();
        await r.flushall();
        expect(await r.set(ALL_BYTES, ALL_BYTES_REVERSED)).toBe('OK');
        expect(await r.getBuffer(ALL_BYTES)).toEqual(ALL_BYTES_REVERSED);
        expect(await r.append(ALL_BYTES, ALL_BYTES)).toBe(512);
        expect(await r.getrangeBuffer(ALL_BYTES, 254, 257)).toEqual(Buffer.from([1, 0, 0, 1]));
        expect(await r.keysBuffer('*')).toEqual([ALL_BYTES]);
        const pipeline = r.pipeline();
        for (let i = 0; i < 500; i++) pipeline.set(`k:${i}`, String(i));
        await pipeline.exec();
        const seen = new Set<string>();
        await new Promise<void>((resolve, reject) => {
          const stream = r.scanStream({ match: 'k:*', count: 50 });
          stream.on('data', (keys: string[]) => keys.forEach((k) => seen.add(k)));
          stream.on('end', resolve);
          stream.on('error', reject);
        });
        expect(seen.size).toBe(500);
      } finally {
        r.disconnect();
      }
    });

    it(`node-redis RESP${protocol}: typed commands`, async () => {
      const client = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      try {
        await client.connect();
        await client.flushAll();
        expect(await client.set('k', 'v', { expiration: { type: 'PX', value: 100_000 } })).toBe('OK');
        expect(await client.pTTL('k')).toBeGreaterThan(99_000);
        expect(await client.set('k', 'w', { condition: 'NX' })).toBeNull();
        expect(await client.get('k')).toBe('v');
        expect(await client.getEx('k', { type: 'PERSIST' })).toBe('v');
        expect(await client.ttl('k')).toBe(-1);
        expect(await client.incrByFloat('n', 1.5)).toBe('1.5');
        expect(await client.incrBy('i', 10)).toBe(10);
        expect(await client.mGet(['k', 'i', 'none'])).toEqual(['v', '10', null]);
        expect(await client.exists(['k', 'i', 'none'])).toBe(2);
        expect(await client.expireTime('k')).toBe(-1);
        expect(await client.copy('k', 'k2')).toBe(1);
        expect(await client.objectEncoding('k2')).toBe('embstr');
        const keys: string[] = [];
        for await (const batch of client.scanIterator({ MATCH: '*', COUNT: 10 })) keys.push(...batch);
        expect(keys.sort()).toEqual(['i', 'k', 'k2', 'n']);
        expect(await client.sendCommand(['LCS', 'k', 'k2'])).toBe('v');
        expect(await client.del(['k', 'k2', 'i', 'n'])).toBe(4);
        expect(await client.randomKey()).toBeNull();
      } finally {
        client.destroy();
      }
    });
  }
});

describe('binary safety over the wire', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });

  it('keys and values holding every byte survive every string and key command', async () => {
    const key = ALL_BYTES;
    const value = ALL_BYTES_REVERSED;
    const bulk = (b: Buffer) => `$${b.length}\r\n${b.toString('latin1')}\r\n`;
    expect(await c.call('SET', key, value)).toBe('+OK\r\n');
    expect(await c.call('GET', key)).toBe(bulk(value));
    expect(await c.call('MGET', key, key)).toBe(`*2\r\n${bulk(value)}${bulk(value)}`);
    expect(await c.call('STRLEN', key)).toBe(':256\r\n');
    expect(await c.call('GETRANGE', key, '250', '-1')).toBe(bulk(value.subarray(250)));
    expect(await c.call('SETRANGE', key, '256', Buffer.from([0, 0xff]))).toBe(':258\r\n');
    expect(await c.call('APPEND', key, Buffer.from([0x80]))).toBe(':259\r\n');
    const renamed = Buffer.concat([Buffer.from([0]), ALL_BYTES]);
    expect(await c.call('RENAME', key, renamed)).toBe('+OK\r\n');
    expect(await c.call('GET', renamed)).toBe(bulk(Buffer.concat([value, Buffer.from([0, 0xff, 0x80])])));
    expect(await c.call('KEYS', '*')).toBe(`*1\r\n${bulk(renamed)}`);
    expect(await c.call('SCAN', '0', 'COUNT', '16384')).toBe(`*2\r\n$1\r\n0\r\n*1\r\n${bulk(renamed)}`);
    expect(await c.call('COPY', renamed, key)).toBe(':1\r\n');
    expect(await c.call('GETDEL', renamed)).toBe(bulk(Buffer.concat([value, Buffer.from([0, 0xff, 0x80])])));
    expect(await c.call('SET', Buffer.from([0xff]), Buffer.from('12'))).toBe('+OK\r\n');
    expect(await c.call('INCRBY', Buffer.from([0xff]), '30')).toBe(':42\r\n');
    expect(await c.call('DEL', key, Buffer.from([0xff]))).toBe(':2\r\n');
  });
});
