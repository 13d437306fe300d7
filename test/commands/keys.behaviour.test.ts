import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/expiry/clock.js';
import { manualTimers } from '../../src/expiry/scheduler.js';
import { HashValue, ListValue, SetValue, SortedSet } from '../../src/keyspace/types/index.js';
import type { TypedValue } from '../../src/keyspace/values.js';
import type { Database } from '../../src/keyspace/database.js';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

/** A value of another family that records what the keyspace does to it. */
class ProbeValue implements TypedValue {
  readonly type = 'hash' as const;
  readonly encoding = 'listpack';
  disposed = 0;
  clones = 0;
  constructor(readonly payload: string[] = []) {}
  dispose(): void {
    this.disposed++;
  }
  clone(): ProbeValue {
    this.clones++;
    return new ProbeValue([...this.payload]);
  }
}

describe('key commands on every value type', () => {
  let h: Holdfast;
  let c: RawClient;
  let db: Database;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    db = h.server.keyspace.dbs[0]!;
    db.set('list', new ListValue(['a', 'b']));
    db.set('hash', new HashValue());
    db.set('set', new SetValue());
    db.set('zset', new SortedSet());
    db.set('str', 'v');
  });

  it('TYPE and OBJECT ENCODING come from the value', async () => {
    expect(await c.call('TYPE', 'list')).toBe('+list\r\n');
    expect(await c.call('TYPE', 'hash')).toBe('+hash\r\n');
    expect(await c.call('TYPE', 'set')).toBe('+set\r\n');
    expect(await c.call('TYPE', 'zset')).toBe('+zset\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'list')).toBe('$9\r\nquicklist\r\n');
    const zsetEncoding = (db.get('zset') as TypedValue).encoding;
    expect(await c.call('OBJECT', 'ENCODING', 'zset')).toBe(`$${zsetEncoding.length}\r\n${zsetEncoding}\r\n`);
    expect(await c.call('OBJECT', 'REFCOUNT', 'list')).toBe(':1\r\n');
  });

  it('string commands answer WRONGTYPE and change nothing', async () => {
    const attempts: string[][] = [
      ['GET', 'list'], ['GETSET', 'list', 'x'], ['GETDEL', 'list'], ['GETEX', 'list', 'EX', '10'], ['SET', 'list', 'x', 'GET'],
      ['INCR', 'list'], ['DECRBY', 'list', '2'], ['INCRBYFLOAT', 'list', '1'], ['APPEND', 'list', 'x'], ['STRLEN', 'list'],
      ['GETRANGE', 'list', '0', '1'], ['SUBSTR', 'list', '0', '1'], ['SETRANGE', 'list', '0', 'x'], ['SETRANGE', 'list', '0', ''],
    ];
    for (const argv of attempts) expect(await c.call(...argv), argv.join(' ')).toBe(WRONGTYPE);
    expect(await c.call('LCS', 'list', 'str')).toBe('-ERR The specified keys must contain string values\r\n');
    expect(await c.call('TYPE', 'list')).toBe('+list\r\n');
    expect(await c.call('TTL', 'list')).toBe(':-1\r\n');
    // MGET reads other types as nil
    expect(await c.call('MGET', 'list', 'str')).toBe('*2\r\n$-1\r\n$1\r\nv\r\n');
  });

  it('SET, MSET and SETEX overwrite any type and dispose of the old value', async () => {
    const probe = new ProbeValue();
    db.set('p', probe);
    expect(await c.call('SET', 'p', 'x')).toBe('+OK\r\n');
    expect(probe.disposed).toBe(1);
    expect(await c.call('SET', 'list', 'x', 'NX')).toBe('$-1\r\n');
    expect(await c.call('MSET', 'list', '1', 'hash', '2')).toBe('+OK\r\n');
    expect(await c.call('SETEX', 'set', '100', '3')).toBe('+OK\r\n');
    expect(await c.call('MGET', 'list', 'hash', 'set')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  });

  it('DEL, EXPIRE, TTL and PERSIST work on any type', async () => {
    const probe = new ProbeValue();
    db.set('p', probe);
    expect(await c.call('EXPIRE', 'list', '100')).toBe(':1\r\n');
    expect(await c.call('TTL', 'list')).toBe(':100\r\n');
    expect(await c.call('PERSIST', 'list')).toBe(':1\r\n');
    expect(await c.call('DEL', 'list', 'hash', 'p', 'nokey')).toBe(':3\r\n');
    expect(probe.disposed).toBe(1);
    expect(await c.call('EXPIRE', 'set', '-1')).toBe(':1\r\n');
    expect(await c.call('EXISTS', 'set', 'list', 'zset')).toBe(':1\r\n');
  });

  it('RENAME and MOVE carry the same object with its TTL, without disposing of it', async () => {
    const probe = new ProbeValue(['x']);
    db.set('p', probe);
    await c.call('EXPIRE', 'p', '100');
    expect(await c.call('RENAME', 'p', 'q')).toBe('+OK\r\n');
    expect(db.get('q')).toBe(probe);
    expect(probe.disposed).toBe(0);
    expect(await c.call('TTL', 'q')).toBe(':100\r\n');
    expect(await c.call('MOVE', 'q', '3')).toBe(':1\r\n');
    expect(h.server.keyspace.dbs[3]!.get('q')).toBe(probe);
    expect(h.server.keyspace.dbs[3]!.getExpire('q')).toBeDefined();
    expect(probe.disposed).toBe(0);
    // Renaming onto a key disposes of what the target held
    const target = new ProbeValue();
    db.set('t', target);
    expect(await c.call('RENAME', 'list', 't')).toBe('+OK\r\n');
    expect(target.disposed).toBe(1);
    expect(await c.call('TYPE', 't')).toBe('+list\r\n');
  });

  it('COPY duplicates through clone() and refuses a value that cannot be copied', async () => {
    const probe = new ProbeValue(['x']);
    db.set('p', probe);
    expect(await c.call('COPY', 'p', 'p2')).toBe(':1\r\n');
    expect(probe.clones).toBe(1);
    const copied = db.get('p2') as ProbeValue;
    expect(copied).not.toBe(probe);
    expect(copied.payload).toEqual(['x']);
    expect(await c.call('COPY', 'p', 'p3', 'DB', '2')).toBe(':1\r\n');
    expect(h.server.keyspace.dbs[2]!.get('p3')).toBeInstanceOf(ProbeValue);
    const uncopyable: TypedValue = { type: 'sale', encoding: 'sale' };
    db.set('sale', uncopyable);
    expect(await c.call('COPY', 'sale', 's2')).toBe("-ERR COPY is not supported for values of type 'sale'\r\n");
    expect(await c.call('EXISTS', 's2')).toBe(':0\r\n');
  });

  it('SCAN TYPE and KEYS see every type', async () => {
    const keysReply = await c.call('KEYS', '*');
    for (const k of ['list', 'hash', 'set', 'zset', 'str']) expect(keysReply).toContain(`\r\n${k}\r\n`);
    for (const t of ['list', 'hash', 'set', 'zset', 'string']) {
      const reply = await c.call('SCAN', '0', 'TYPE', t, 'COUNT', '1000');
      const expected = t === 'string' ? 'str' : t;
      expect(reply).toBe(`*2\r\n$1\r\n0\r\n*1\r\n$${expected.length}\r\n${expected}\r\n`);
    }
  });

  it('FLUSHALL disposes of values in every database', async () => {
    const a = new ProbeValue(), b = new ProbeValue();
    db.set('a', a);
    h.server.keyspace.dbs[5]!.set('b', b);
    expect(await c.call('FLUSHALL')).toBe('+OK\r\n');
    expect([a.disposed, b.disposed]).toEqual([1, 1]);
    expect(h.server.keyspace.dbs[5]!.size).toBe(0);
  });
});

describe('writes signal the modified keys (WATCH), reads do not', () => {
  let h: Holdfast;
  let c: RawClient;
  const signals: string[] = [];
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
    h.server.keyspace.onModifiedKey((db, key) => signals.push(`${db.index}:${key}`));
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    await c.call('MSET', 'a', '1', 'b', '2');
    signals.length = 0;
  });

  const cases: [string[], string[]][] = [
    [['GET', 'a'], []],
    [['MGET', 'a', 'nokey'], []],
    [['EXISTS', 'a'], []],
    [['TTL', 'a'], []],
    [['SET', 'a', '1'], ['0:a']],
    [['SET', 'a', '1', 'NX'], []],
    [['SET', 'c', '1', 'XX'], []],
    [['SETNX', 'a', '1'], []],
    [['SETNX', 'c', '1'], ['0:c']],
    [['MSET', 'a', '1', 'c', '2'], ['0:a', '0:c']],
    [['MSETNX', 'a', '1', 'c', '2'], []],
    [['INCR', 'a'], ['0:a']],
    [['INCRBYFLOAT', 'a', '1'], ['0:a']],
    [['APPEND', 'a', 'x'], ['0:a']],
    [['SETRANGE', 'a', '0', 'x'], ['0:a']],
    [['SETRANGE', 'a', '0', ''], []],
    [['GETDEL', 'a'], ['0:a']],
    [['GETEX', 'a'], []],
    [['GETEX', 'a', 'EX', '10'], ['0:a']],
    [['GETEX', 'a', 'PERSIST'], []],
    [['GETSET', 'a', '3'], ['0:a']],
    [['DEL', 'a', 'nokey'], ['0:a']],
    [['EXPIRE', 'a', '10'], ['0:a']],
    [['EXPIRE', 'a', '-1'], ['0:a']],
    [['EXPIRE', 'a', '10', 'XX'], []],
    [['PERSIST', 'a'], []],
    [['RENAME', 'a', 'c'], ['0:a', '0:c']],
    [['RENAMENX', 'a', 'b'], []],
    [['COPY', 'a', 'c'], ['0:c']],
    [['COPY', 'a', 'c', 'DB', '1'], ['1:c']],
    [['MOVE', 'a', '1'], ['0:a', '1:a']],
  ];
  for (const [argv, expected] of cases) {
    it(argv.join(' '), async () => {
      await c.call(...argv);
      expect(signals).toEqual(expected);
    });
  }

  it('FLUSHDB and SWAPDB signal the databases as a whole, not key by key (O(watched keys), not O(keys))', async () => {
    const wholeDbs: number[] = [];
    h.server.keyspace.onAllKeysModified((db) => wholeDbs.push(db.index));
    await c.call('FLUSHDB');
    expect(signals).toEqual([]);
    expect(wholeDbs).toEqual([0]);
    wholeDbs.length = 0;
    await c.call('SET', 'x', '1');
    await c.call('SELECT', '1');
    await c.call('SET', 'y', '1');
    signals.length = 0;
    await c.call('SWAPDB', '0', '1');
    // Before the swap and after it, each side once (WATCH: keys present on either side).
    expect(signals).toEqual([]);
    expect(wholeDbs.sort()).toEqual([0, 0, 1, 1]);
    // Empty databases have nothing to signal.
    wholeDbs.length = 0;
    await c.call('SWAPDB', '2', '3');
    expect(wholeDbs).toEqual([]);
    await c.call('SELECT', '0');
  });
});

describe.skipIf(redisMissing)('keyspace_hits and keyspace_misses count as in redis-server', () => {
  let h: Holdfast;
  let redis: RunningServer;
  let hc: RawClient, rc: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    redis = (await startRedis())!;
    hc = await RawClient.connect(h.port);
    rc = await RawClient.connect(redis.port);
  });
  afterAll(async () => {
    hc?.close();
    rc?.close();
    await h?.close();
    await redis?.close();
  });

  async function redisStats(): Promise<[number, number]> {
    const info = await rc.call('INFO', 'stats');
    const hits = Number(/keyspace_hits:(\d+)/.exec(info)![1]);
    const misses = Number(/keyspace_misses:(\d+)/.exec(info)![1]);
    return [hits, misses];
  }

  const script: string[][] = [
    ['SET', 's', 'v'], ['GET', 's'], ['GET', 'nokey'], ['MGET', 's', 'nokey', 's'], ['EXISTS', 's', 'nokey'], ['TYPE', 's'], ['TYPE', 'nokey'],
    ['TTL', 's'], ['PTTL', 'nokey'], ['EXPIRETIME', 's'], ['TOUCH', 's', 'nokey'], ['OBJECT', 'ENCODING', 's'], ['OBJECT', 'IDLETIME', 'nokey'],
    ['STRLEN', 's'], ['GETRANGE', 's', '0', '1'], ['SUBSTR', 'nokey', '0', '1'], ['GETEX', 's'], ['GETSET', 's', 'w'], ['SET', 's', 'x', 'GET'],
    ['SET', 'nokey2', 'x', 'GET'], ['GETDEL', 'nokey2'], ['COPY', 's', 't'], ['COPY', 'nokey', 't'], ['LCS', 's', 'nokey'], ['SCAN', '0', 'TYPE', 'string'],
    ['SCAN', '0'], ['KEYS', '*'], ['RANDOMKEY'], ['INCR', 'n'], ['APPEND', 's', 'y'], ['SETRANGE', 's', '0', 'z'], ['EXPIRE', 's', '100'],
    ['RENAME', 's', 'r'], ['MOVE', 'r', '1'], ['DEL', 'n'], ['SETNX', 't', '1'], ['MSETNX', 't', '1'], ['INCRBYFLOAT', 'f', '1'], ['DBSIZE'],
  ];

  it('over a script touching every read path', async () => {
    await hc.call('FLUSHALL');
    await rc.call('FLUSHALL');
    const before = await redisStats();
    const stats = h.server.keyspace.stats;
    const ourBefore = [stats.keyspaceHits, stats.keyspaceMisses];
    for (const argv of script) {
      await hc.call(...argv);
      await rc.call(...argv);
    }
    const after = await redisStats();
    const theirs = [after[0] - before[0], after[1] - before[1]];
    const ours = [stats.keyspaceHits - ourBefore[0]!, stats.keyspaceMisses - ourBefore[1]!];
    expect(theirs[0]).toBeGreaterThan(10);
    expect(ours).toEqual(theirs);
  });
});

describe('expiry in real time', () => {
  let h: Holdfast;
  let c: RawClient;
  let sub: RawClient;
  beforeAll(async () => {
    h = await startHoldfast({ 'notify-keyspace-events': 'Ex' });
    c = await RawClient.connect(h.port);
    sub = await RawClient.connect(h.port);
    await sub.call('SUBSCRIBE', '__keyevent@0__:expired');
  });
  afterAll(async () => {
    c?.close();
    sub?.close();
    await h?.close();
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('keys set with PX, PEXPIRE, PSETEX and GETEX PX expire and publish `expired`', async () => {
    await c.call('SET', 'a', '1', 'PX', '50');
    await c.call('SET', 'b', '1');
    await c.call('PEXPIRE', 'b', '50');
    await c.call('PSETEX', 'c', '50', '1');
    await c.call('SET', 'd', '1');
    await c.call('GETEX', 'd', 'PX', '50');
    expect(await c.call('DBSIZE')).toBe(':4\r\n');
    await sleep(200);
    expect(await c.call('MGET', 'a', 'b', 'c', 'd')).toBe('*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    const expired = new Set<string>();
    for (let i = 0; i < 4; i++) expired.add((await sub.read()).split('\r\n')[6]!);
    expect([...expired].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('PERSIST and SET without KEEPTTL save a key from expiry; KEEPTTL does not', async () => {
    await c.call('SET', 'p', '1', 'PX', '50');
    await c.call('PERSIST', 'p');
    await c.call('SET', 'q', '1', 'PX', '50');
    await c.call('SET', 'q', '2');
    await c.call('SET', 'k', '1', 'PX', '50');
    await c.call('SET', 'k', '2', 'KEEPTTL');
    await c.call('SET', 'i', '1', 'PX', '50');
    await c.call('INCR', 'i');
    await sleep(200);
    expect(await c.call('MGET', 'p', 'q', 'k', 'i')).toBe('*4\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n$-1\r\n');
    expect(await c.call('TTL', 'p')).toBe(':-1\r\n');
    expect(await c.call('PTTL', 'k')).toBe(':-2\r\n');
    for (let i = 0; i < 2; i++) await sub.read();
  });

  it('a renamed key keeps its deadline under the new name', async () => {
    await c.call('SET', 'from', '1', 'PX', '60');
    await c.call('RENAME', 'from', 'to');
    await sleep(200);
    expect(await c.call('EXISTS', 'from', 'to')).toBe(':0\r\n');
    expect((await sub.read()).split('\r\n')[6]).toBe('to');
  });
});

describe('OBJECT IDLETIME, FREQ and REFCOUNT with settings', () => {
  let h: Holdfast;
  let c: RawClient;
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await startHoldfast({}, { clock, timers: manualTimers });
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });
  afterEach(() => {
    h.server.config.setText('maxmemory-policy', 'noeviction');
    h.server.config.setText('maxmemory', '0');
  });

  it('IDLETIME counts seconds since the last access; OBJECT and TTL do not touch', async () => {
    await c.call('SET', 'k', 'v');
    clock.advance(42_000);
    h.server.keyspace.tick();
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':42\r\n');
    await c.call('TTL', 'k');
    await c.call('TYPE', 'k');
    await c.call('EXISTS', 'k');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':42\r\n');
    await c.call('GET', 'k');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
    clock.advance(5_000);
    h.server.keyspace.tick();
    await c.call('TOUCH', 'k');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
  });

  it('under an LFU policy IDLETIME is refused and FREQ answers (texts of redis-server 7.0)', async () => {
    await c.call('SET', 'k', 'v');
    expect(await c.call('OBJECT', 'FREQ', 'k')).toBe(
      '-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n',
    );
    h.server.config.setText('maxmemory-policy', 'allkeys-lfu');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(
      '-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n',
    );
    expect(await c.call('OBJECT', 'IDLETIME', 'nokey')).toBe('$-1\r\n');
    expect(await c.call('OBJECT', 'FREQ', 'k')).toBe(':5\r\n');
  });

  it('REFCOUNT: no shared integers when maxmemory evicts by LRU or LFU', async () => {
    await c.call('SET', 'k', '100');
    expect(await c.call('OBJECT', 'REFCOUNT', 'k')).toBe(':2147483647\r\n');
    h.server.config.setText('maxmemory', '1gb');
    h.server.config.setText('maxmemory-policy', 'allkeys-lru');
    expect(await c.call('OBJECT', 'REFCOUNT', 'k')).toBe(':1\r\n');
    h.server.config.setText('maxmemory-policy', 'volatile-ttl');
    expect(await c.call('OBJECT', 'REFCOUNT', 'k')).toBe(':2147483647\r\n');
  });
});

describe('SCAN iterates the whole keyspace', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
    const db = h.server.keyspace.dbs[0]!;
    for (let i = 0; i < 3000; i++) db.set(`key:${i}`, String(i));
    for (let i = 0; i < 50; i++) db.set(`list:${i}`, new ListValue(['x']));
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });

  async function scanAll(...opts: string[]): Promise<{ keys: string[]; calls: number }> {
    let cursor = '0';
    const keys: string[] = [];
    let calls = 0;
    do {
      const reply = await c.call('SCAN', cursor, ...opts);
      calls++;
      const lines = reply.split('\r\n');
      cursor = lines[2]!;
      const n = Number(lines[3]!.slice(1));
      for (let i = 0; i < n; i++) keys.push(lines[5 + 2 * i]!);
    } while (cursor !== '0');
    return { keys, calls };
  }

  it('visits every key exactly once and returns to cursor 0', async () => {
    const { keys, calls } = await scanAll('COUNT', '100');
    expect(keys.length).toBe(3050);
    expect(new Set(keys).size).toBe(3050);
    expect(calls).toBeGreaterThan(10);
  });

  it('filters by MATCH and TYPE', async () => {
    expect((await scanAll('MATCH', 'key:1??', 'COUNT', '500')).keys.sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `key:${100 + i}`).sort(),
    );
    const lists = (await scanAll('TYPE', 'list', 'COUNT', '1000')).keys;
    expect(lists.length).toBe(50);
    expect(lists.every((k) => k.startsWith('list:'))).toBe(true);
  });

  it('a cursor past the last slot ends the iteration', async () => {
    expect(await c.call('SCAN', '16384')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(await c.call('SCAN', '-1')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('RANDOMKEY returns keys that exist', async () => {
    for (let i = 0; i < 20; i++) {
      const reply = await c.call('RANDOMKEY');
      const key = reply.split('\r\n')[1]!;
      expect(await c.call('EXISTS', key)).toBe(':1\r\n');
    }
  });
});

describe('string size limits', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast({ 'proto-max-bulk-len': '1mb' });
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c?.close();
    await h?.close();
  });
  const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';

  it('SETRANGE and APPEND refuse to grow a string past proto-max-bulk-len', async () => {
    expect(await c.call('SETRANGE', 'k', String(1024 * 1024 - 1), 'x')).toBe(':1048576\r\n');
    expect(await c.call('SETRANGE', 'k', String(1024 * 1024), 'x')).toBe(TOO_LONG);
    expect(await c.call('APPEND', 'k', 'x')).toBe(TOO_LONG);
    expect(await c.call('STRLEN', 'k')).toBe(':1048576\r\n');
    expect(await c.call('SETRANGE', 'new', String(1024 * 1024), 'x')).toBe(TOO_LONG);
    expect(await c.call('EXISTS', 'new')).toBe(':0\r\n');
    // zero bytes fill the gap
    expect(await c.call('GETRANGE', 'k', '0', '3')).toBe('$4\r\n\0\0\0\0\r\n');
  });
});

describe('FLUSHALL ASYNC hands the memory back between clients', () => {
  it('keys are gone at once; lazyfree_pending_objects counts down to 0, lazyfreed_objects up, the blocks return', async () => {
    const h = await startHoldfast();
    const c = await RawClient.connect(h.port);
    const field = (info: string, name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)![1]);
    try {
      // The allocator is per process: other in-process servers of this worker count too.
      const baseline = field(await c.call('INFO', 'memory'), 'arena_used_bytes');
      // 20,000 keys over most of the 16,384 slots: more than one slice (256 slots) to free.
      const load: string[] = [];
      for (let i = 0; i < 20_000; i++) load.push(`*3\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\nk:${i}\r\n$1\r\nv\r\n`);
      c.write(load.join(''));
      for (let i = 0; i < 20_000; i++) await c.read();
      const loaded = await c.call('INFO', 'memory');
      const before = field(loaded, 'arena_used_bytes');
      const freedBefore = field(loaded, 'lazyfreed_objects');
      // One write, one turn of the event loop: INFO sees the flush before any slice ran.
      c.write('*2\r\n$8\r\nFLUSHALL\r\n$5\r\nASYNC\r\n*1\r\n$6\r\nDBSIZE\r\n*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      expect(await c.read()).toBe(':0\r\n');
      expect(field(await c.read(), 'lazyfree_pending_objects')).toBeGreaterThanOrEqual(20_000);
      let info = '';
      for (let i = 0; i < 200; i++) {
        info = await c.call('INFO', 'memory');
        if (field(info, 'lazyfree_pending_objects') === 0) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(field(info, 'lazyfree_pending_objects')).toBe(0);
      expect(field(info, 'lazyfreed_objects') - freedBefore).toBeGreaterThanOrEqual(20_000);
      expect(field(info, 'arena_used_bytes') - baseline).toBeLessThan((before - baseline) / 10);
      // SYNC, and no argument (lazyfree-lazy-user-flush no), free at once.
      await c.call('SET', 'a', '1');
      c.write('*2\r\n$8\r\nFLUSHALL\r\n$4\r\nSYNC\r\n*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      expect(field(await c.read(), 'lazyfree_pending_objects')).toBe(0);
    } finally {
      c.close();
      await h.close();
    }
  });
});
