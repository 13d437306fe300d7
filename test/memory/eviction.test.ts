import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { contractSuite } from '../helpers/contract.js';
import { CELL_BYTES, INLINE_ENTRY_SLACK, SHARD_BYTES } from '../../src/memory/sizes.js';

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const VALUE = 'x'.repeat(100);
/**
 * What one `{t}k:NNN` key with a 100-byte value costs in the dataset estimate
 * (src/memory/sizes.ts): its arena entry (length bytes, 8-byte key, value) with slack, and
 * its table cells. The {t} tag puts every such key in one slot, which costs SHARD_BYTES.
 */
const KEY_COST = CELL_BYTES + Math.ceil((1 + 8 + 1 + 100) * INLINE_ENTRY_SLACK);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: Holdfast | null = null;
let clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server?.close();
  server = null;
});

/** A server whose dataset holds about `keys` keys of KEY_COST bytes. */
async function start(policy: string, keys: number, extra: Record<string, string> = {}): Promise<RawClient> {
  server = await startHoldfast({ maxmemory: String(SHARD_BYTES + keys * KEY_COST), 'maxmemory-policy': policy, 'maxmemory-samples': '64', ...extra });
  return connect();
}

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(server!.port);
  clients.push(c);
  return c;
}

const name = (i: number) => `{t}k:${String(i).padStart(3, '0')}`;

async function exists(c: RawClient, keys: string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  // EXISTS does not touch: checking does not change what is evicted next.
  for (const k of keys) out.push((await c.call('EXISTS', k)) === ':1\r\n');
  return out;
}

async function evictedKeys(c: RawClient): Promise<number> {
  const info = await c.call('INFO', 'stats');
  return Number(/evicted_keys:(\d+)/.exec(info)![1]);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('noeviction', () => {
  it('refuses denyoom writes with the OOM error once full; reads, deletes and other writes go on', async () => {
    const c = await start('noeviction', 10);
    let stored = 0;
    let reply = '';
    for (let i = 0; i < 20; i++) {
      reply = await c.call('SET', name(i), VALUE);
      if (reply !== '+OK\r\n') break;
      stored++;
    }
    // The limit is checked before each command: the write that crosses it is let through.
    expect(stored).toBe(11);
    expect(reply).toBe(OOM);
    expect(await c.call('GET', name(0))).toBe(`$100\r\n${VALUE}\r\n`);
    expect(await c.call('APPEND', name(0), 'y')).toBe(OOM);
    expect(await c.call('LPUSH', 'list', 'a')).toBe(OOM);
    // Not denyoom: EXPIRE, DEL
    expect(await c.call('EXPIRE', name(1), '100')).toBe(':1\r\n');
    expect(await c.call('DEL', name(0), name(1))).toBe(':2\r\n');
    expect(await c.call('SET', name(0), VALUE)).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':10\r\n');
    expect(await evictedKeys(c)).toBe(0);
    const info = await c.call('INFO', 'memory');
    expect(info).toContain(`maxmemory:${SHARD_BYTES + 10 * KEY_COST}\r\n`);
    expect(info).toContain('maxmemory_policy:noeviction\r\n');
    expect(Number(/used_memory_dataset:(\d+)/.exec(info)![1])).toBe(SHARD_BYTES + 10 * KEY_COST);
  });

  it('in MULTI, queues nothing while out of memory, and EXEC with a queued write is refused', async () => {
    const c = await start('noeviction', 2);
    for (let i = 0; i < 3; i++) await c.call('SET', name(i), VALUE);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('GET', name(0))).toBe(OOM);
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    // Queued while there was room, run after it ran out: EXEC holds a denyoom command.
    await c.call('DEL', name(2));
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', name(2), VALUE)).toBe('+QUEUED\r\n');
    const other = await connect();
    expect(await other.call('SET', name(3), VALUE)).toBe('+OK\r\n');
    expect(await c.call('EXEC')).toBe(`-EXECABORT Transaction discarded because of: ${OOM.slice(1)}`);
    expect(await c.call('EXISTS', name(2))).toBe(':0\r\n');
  });

  it('lowering maxmemory below the data does not delete anything', async () => {
    const c = await start('noeviction', 100);
    for (let i = 0; i < 20; i++) await c.call('SET', name(i), VALUE);
    expect(await c.call('CONFIG', 'SET', 'maxmemory', String(SHARD_BYTES + 5 * KEY_COST))).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':20\r\n');
    expect(await c.call('SET', 'more', VALUE)).toBe(OOM);
  });
});

describe('allkeys-lru', () => {
  it('evicts the least recently used keys and keeps the ones just read', async () => {
    const c = await start('allkeys-lru', 40);
    for (const i of range(0, 40)) await c.call('SET', name(i), VALUE);
    await sleep(20);
    const hot = range(0, 40).filter((i) => i % 4 === 0);
    for (const i of hot) await c.call('GET', name(i));
    await sleep(20);
    for (const i of range(40, 60)) expect(await c.call('SET', name(i), VALUE)).toBe('+OK\r\n');
    expect(await exists(c, hot.map(name))).toEqual(hot.map(() => true));
    // The newest keys are the most recently used too.
    expect(await exists(c, range(45, 60).map(name))).toEqual(range(45, 60).map(() => true));
    expect(Number((await c.call('DBSIZE')).slice(1))).toBeLessThanOrEqual(40);
    expect(await evictedKeys(c)).toBeGreaterThanOrEqual(20);
    const info = await c.call('INFO', 'memory');
    expect(Number(/used_memory_dataset:(\d+)/.exec(info)![1])).toBeLessThanOrEqual(SHARD_BYTES + 40 * KEY_COST);
  });

  it('lowering maxmemory evicts at once', async () => {
    const c = await start('allkeys-lru', 100);
    for (let i = 0; i < 50; i++) await c.call('SET', name(i), VALUE);
    expect(await c.call('CONFIG', 'SET', 'maxmemory', String(SHARD_BYTES + 10 * KEY_COST))).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':10\r\n');
    expect(await evictedKeys(c)).toBe(40);
  });

  it('a big drop is evicted in slices between clients (maxmemory-eviction-tenacity), never refusing commands meanwhile', async () => {
    // Tenacity 0: one pass evicts 16 keys, then the rest goes on after pending I/O.
    const c = await start('allkeys-lru', 5000, { 'maxmemory-eviction-tenacity': '0' });
    const load: string[] = [];
    for (let i = 0; i < 2000; i++) load.push(`*3\r\n$3\r\nSET\r\n$9\r\n{t}k:${String(i).padStart(4, '0')}\r\n$3\r\nabc\r\n`);
    c.write(load.join(''));
    for (let i = 0; i < 2000; i++) await c.read();
    // Both in one write, so both run in one turn of the event loop: CONFIG SET's pass and
    // DBSIZE's own pass (every command evicts while over) take 16 keys each.
    c.write('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$9\r\nmaxmemory\r\n$1\r\n1\r\n*1\r\n$6\r\nDBSIZE\r\n');
    expect(await c.read()).toBe('+OK\r\n');
    expect(await c.read()).toBe(':1968\r\n');
    // A write while eviction runs is not refused (Redis's EVICT_RUNNING is not OOM)...
    expect(await c.call('SET', 'late', 'v')).toBe('+OK\r\n');
    const stats = await c.call('INFO', 'stats');
    expect(Number(/current_eviction_exceeded_time:(\d+)/.exec(stats)![1])).toBeGreaterThanOrEqual(0);
    // ...and the slices go on by themselves until nothing is left over the limit.
    for (let i = 0; i < 500 && (await c.call('DBSIZE')) !== ':0\r\n'; i++) await sleep(5);
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    expect(await evictedKeys(c)).toBe(2001);
    expect(await c.call('INFO', 'stats')).toContain('current_eviction_exceeded_time:0\r\n');
    // Tenacity 100: no time limit, everything at once.
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
    await c.call('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100');
    for (let i = 0; i < 200; i++) await c.call('SET', name(i), 'v');
    c.write('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$9\r\nmaxmemory\r\n$1\r\n1\r\n*1\r\n$6\r\nDBSIZE\r\n');
    expect(await c.read()).toBe('+OK\r\n');
    expect(await c.read()).toBe(':0\r\n');
  });

  it('evicts from every database, and the evicted keys are published, counted and seen by WATCH', async () => {
    const c = await start('allkeys-lru', 20, { 'notify-keyspace-events': 'Ee' });
    const sub = await connect();
    await sub.call('PSUBSCRIBE', '__keyevent@*__:evicted');
    await c.call('SELECT', '3');
    await c.call('SET', 'watched', VALUE);
    const watcher = await connect();
    await watcher.call('SELECT', '3');
    expect(await watcher.call('WATCH', 'watched')).toBe('+OK\r\n');
    await sleep(20);
    await c.call('SELECT', '0');
    for (const i of range(0, 30)) await c.call('SET', name(i), VALUE);
    expect(await c.call('EXISTS', 'watched')).toBe(':0\r\n'); // db 0
    await c.call('SELECT', '3');
    expect(await c.call('EXISTS', 'watched')).toBe(':0\r\n');
    expect(await watcher.call('MULTI')).toBe('+OK\r\n');
    expect(await watcher.call('SET', 'x', '1')).toBe('+QUEUED\r\n');
    expect(await watcher.call('EXEC')).toBe('*-1\r\n');
    expect(await evictedKeys(c)).toBe(11);
    const first = await sub.read();
    expect(first).toContain('__keyevent@3__:evicted');
    expect(first).toContain('watched');
  });
});

describe('allkeys-lfu', () => {
  it('evicts the least frequently used keys; OBJECT FREQ shows the counters', async () => {
    const c = await start('allkeys-lfu', 40, { 'lfu-log-factor': '0' });
    for (const i of range(0, 40)) await c.call('SET', name(i), VALUE);
    const hot = range(0, 40).filter((i) => i % 4 === 1);
    for (const i of hot) for (let n = 0; n < 5; n++) await c.call('GET', name(i));
    // lfu-log-factor 0: every access counts (LFU_INIT_VAL 5, then 5 reads).
    expect(await c.call('OBJECT', 'FREQ', name(1))).toBe(':10\r\n');
    expect(await c.call('OBJECT', 'FREQ', name(0))).toBe(':5\r\n');
    expect(await c.call('OBJECT', 'IDLETIME', name(0))).toMatch(/^-ERR An LFU maxmemory policy is selected/);
    for (const i of range(40, 60)) expect(await c.call('SET', name(i), VALUE)).toBe('+OK\r\n');
    expect(await exists(c, hot.map(name))).toEqual(hot.map(() => true));
    expect(await evictedKeys(c)).toBeGreaterThanOrEqual(20);
  });
});

describe('allkeys-random', () => {
  it('evicts until the dataset fits', async () => {
    const c = await start('allkeys-random', 30);
    for (const i of range(0, 60)) expect(await c.call('SET', name(i), VALUE)).toBe('+OK\r\n');
    const n = Number((await c.call('DBSIZE')).slice(1));
    expect(n).toBeGreaterThanOrEqual(29);
    expect(n).toBeLessThanOrEqual(30);
    expect(await evictedKeys(c)).toBe(60 - n);
  });
});

describe('volatile policies', () => {
  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy} evicts only keys with a TTL, then answers OOM`, async () => {
      // A volatile key costs VOLATILE_KEY_BYTES more (its TTL entry)
      const c = await start(policy, 30);
      const persistent = range(0, 10);
      for (const i of persistent) await c.call('SET', name(i), VALUE);
      for (const i of range(10, 20)) await c.call('SET', name(i), VALUE, 'EX', String(1000 + i));
      let reply = '';
      let i = 20;
      for (; i < 60; i++) {
        reply = await c.call('SET', name(i), VALUE);
        if (reply !== '+OK\r\n') break;
      }
      expect(reply).toBe(OOM);
      expect(await exists(c, persistent.map(name))).toEqual(persistent.map(() => true));
      expect(await c.call('INFO', 'keyspace')).toMatch(/expires=0,/);
      expect(await evictedKeys(c)).toBe(10);
    });
  }

  it('volatile-ttl evicts the keys that expire soonest first', async () => {
    const c = await start('volatile-ttl', 20);
    // Shuffled TTLs: 1000 + 10 * rank seconds
    const ranks = [7, 2, 9, 0, 5, 1, 8, 3, 6, 4];
    for (const [i, rank] of ranks.entries()) await c.call('SET', name(i), VALUE, 'EX', String(1000 + 10 * rank));
    for (const i of range(10, 15)) await c.call('SET', name(i), VALUE);
    // 10 volatile keys (+VOLATILE_KEY_BYTES each) and 5 others: room for about 2 more.
    for (const i of range(15, 19)) expect(await c.call('SET', name(i), VALUE)).toBe('+OK\r\n');
    const alive = await exists(c, ranks.map((_, i) => name(i)));
    const evictedRanks = ranks.filter((_, i) => !alive[i]).sort((a, b) => a - b);
    expect(evictedRanks.length).toBeGreaterThan(0);
    // The evicted ones are exactly the soonest deadlines.
    expect(evictedRanks).toEqual(range(0, evictedRanks.length));
  });
});

describe('sale keys', () => {
  it('are never evicted: the other keys go, then writes get OOM', async () => {
    const c = await start('allkeys-random', 1000);
    expect(await c.call('SALE.CREATE', 'drop:1', '10')).toBe('+OK\r\n');
    expect(await c.call('SALE.CREATE', 'drop:2', '10')).toBe('+OK\r\n');
    const sales = Number(/used_memory_dataset:(\d+)/.exec(await c.call('INFO', 'memory'))![1]);
    for (const i of range(0, 5)) await c.call('SET', name(i), VALUE);
    // Below what the sales alone take: everything else is evicted, and that is not enough.
    expect(await c.call('CONFIG', 'SET', 'maxmemory', String(sales - 1))).toBe('+OK\r\n');
    expect(await evictedKeys(c)).toBe(5);
    expect(await c.call('SET', 'more', VALUE)).toBe(OOM);
    expect(await c.call('EXISTS', 'drop:1', 'drop:2')).toBe(':2\r\n');
    expect(await c.call('TYPE', 'drop:1')).toBe('+sale\r\n');
    expect(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru')).toBe('+OK\r\n');
    expect(await c.call('SET', 'more', VALUE)).toBe(OOM);
    expect(await c.call('DBSIZE')).toBe(':2\r\n');
  });
});

describe('idle time', () => {
  it('OBJECT IDLETIME counts from the last access, and is not changed by it', async () => {
    const c = await start('allkeys-lru', 100);
    await c.call('SET', 'k', 'v');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
    const s = server!.server;
    // Move the access stamp back 5 s, as if the key was last read then.
    const db = s.keyspace.dbs[0]!;
    expect(db.idleMs('k')).toBeLessThan(1000);
    s.keyspace.lru.stamp = (s.keyspace.lru.stamp + 5000 / 8) & 0x7fffffff;
    expect(db.idleSeconds('k')).toBe(5);
    expect(await c.call('OBJECT', 'FREQ', 'k')).toMatch(/^-ERR An LFU maxmemory policy is not selected/);
  });
});

contractSuite('OOM and LFU counters', [
  {
    name: 'over maxmemory with noeviction: denyoom writes and anything queued in MULTI get OOM, reads go on',
    commands: [
      ['SET', 'a', '1'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'b', '2'],
      ['GET', 'a'],
      ['INCR', 'a'],
      ['SADD', 's', 'm'],
      ['EXPIRE', 'a', '100'],
      ['TTL', 'a'],
      ['MULTI'],
      ['GET', 'a'],
      ['EXEC'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'b', '2'],
    ],
  },
  {
    // Redis exempts the procs of EXEC, DISCARD, QUIT and RESET: a subcommand named RESET is not one.
    name: 'over maxmemory in MULTI: SLOWLOG RESET is refused like any queued command, RESET and DISCARD are not',
    commands: [
      ['SET', 'a', '1'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['MULTI'],
      ['SLOWLOG', 'RESET'],
      ['LATENCY', 'RESET'],
      ['EXEC'],
      ['MULTI'],
      ['DISCARD'],
      ['MULTI'],
      ['RESET'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ],
  },
  {
    name: 'OBJECT FREQ follows Redis LFU counter (lfu-log-factor 0: every access counts)',
    commands: [
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      ['CONFIG', 'SET', 'lfu-log-factor', '0'],
      ['SET', 'k', 'v'],
      ['OBJECT', 'FREQ', 'k'],
      ['GET', 'k'],
      ['GET', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      ['SET', 'k', 'w'],
      ['OBJECT', 'FREQ', 'k'],
      ['EXISTS', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ['CONFIG', 'SET', 'lfu-log-factor', '10'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
    ],
    // Redis reads the LFU field as an LRU clock after the switch: a meaningless number in both.
    skipCompare: [15],
  },
]);
