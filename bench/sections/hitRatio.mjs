// Hit ratio: a cache in front of a keyspace 10x larger than maxmemory. Keys are requested
// with Zipfian popularity (skew 0.99), cache-aside: GET, and on a miss SET the 100-byte value.
// Redis and Holdfast get the same request sequence (seeded) and the same maxmemory in bytes
// of data: a tenth of the keyspace's key and value bytes, plus, for Redis, the used_memory it
// reports empty (its own overhead, which its maxmemory counts and Holdfast's does not).
// Reported per policy: the hit ratio over the measured half (the first half warms the cache),
// keys held at the end, and evictions.
import { RespClient, encodeCommand, fmt, startHoldfast, startRedis, table } from '../lib.mjs';

const VALUE = 'v'.repeat(100);
const SKEW = 0.99;

/** mulberry32: a small seeded generator, so both servers see the same requests. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(s) over n ranks: cumulative weights, sampled by binary search. */
function zipfSampler(n, s, random) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  // Ranks map to key ids through a permutation, so popularity is not in key order.
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const shuffle = rng(7);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return () => {
    const u = random();
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo];
  };
}

const keyName = (id) => `key:${String(id).padStart(12, '0')}`;

/** Runs `requests` cache-aside lookups in pipelined batches; returns [hits, misses] of the measured half. */
async function drive(port, requests, keyspace, batch = 200) {
  const c = await RespClient.connect(port);
  const next = zipfSampler(keyspace, SKEW, rng(42));
  let hits = 0, misses = 0;
  for (let done = 0; done < requests; done += batch) {
    const ids = [];
    let req = '';
    for (let i = 0; i < batch; i++) {
      const id = next();
      ids.push(id);
      req += `*2\r\n$3\r\nGET\r\n$16\r\n${keyName(id)}\r\n`;
    }
    const { replies } = c.send(req, batch);
    const values = await Promise.all(replies);
    let sets = '';
    let n = 0;
    const measured = done >= requests / 2;
    for (let i = 0; i < batch; i++) {
      if (values[i] === null) {
        if (measured) misses++;
        sets += encodeCommand(['SET', keyName(ids[i]), VALUE]).toString('latin1');
        n++;
      } else if (measured) hits++;
    }
    if (n > 0) {
      const r = c.send(Buffer.from(sets, 'latin1'), n);
      for (const v of await Promise.all(r.replies)) if (v instanceof Error) throw v;
    }
  }
  const info = await c.call('INFO', 'stats');
  const evicted = Number(/evicted_keys:(\d+)/.exec(info)?.[1]);
  const keys = await c.call('DBSIZE');
  c.close();
  return { hits, misses, ratio: hits / (hits + misses), evicted, keys };
}

async function emptyUsedMemory(port) {
  const c = await RespClient.connect(port);
  const info = await c.call('INFO', 'memory');
  c.close();
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  // Big enough that the cache holds a few hundred thousand keys: with fewer, Holdfast's
  // per-slot cost (about 450 bytes for each of 16,384 hash slots in use) is a large share.
  const keyspace = options.hitKeys ?? (options.quick ? 200_000 : 4_000_000);
  const requests = options.hitRequests ?? keyspace;
  // Bytes of data: key and value, as the client counts them.
  const dataBytes = Math.round((keyspace * (16 + VALUE.length)) / 10);
  const lines = [
    '## Hit ratio',
    '',
    `Cache-aside (GET, SET on a miss) over ${fmt.int(keyspace)} keys of 16 bytes with 100-byte values, Zipfian popularity (skew ${SKEW}),` +
      ` ${fmt.int(requests)} lookups pipelined 200 deep, the same seeded sequence for both servers; hit ratio over the second half.` +
      ` maxmemory: ${fmt.int(dataBytes)} bytes of data (a tenth of the keyspace), plus Redis's empty used_memory for Redis.`,
    '',
  ];
  for (const l of lines) log(l);
  const rows = [];
  const results = {};
  for (const policy of ['allkeys-lru', 'allkeys-lfu']) {
    for (const [name, start] of [
      ['Redis', startRedis],
      ['Holdfast', startHoldfast],
    ]) {
      const server = await start();
      try {
        const base = name === 'Redis' ? await emptyUsedMemory(server.port) : 0;
        const c = await RespClient.connect(server.port);
        await c.call('CONFIG', 'SET', 'maxmemory', String(dataBytes + base));
        await c.call('CONFIG', 'SET', 'maxmemory-policy', policy);
        c.close();
        const t = Date.now();
        const r = await drive(server.port, requests, keyspace);
        r.seconds = (Date.now() - t) / 1000;
        results[`${name.toLowerCase()}-${policy}`] = r;
        rows.push([policy, name, `${(r.ratio * 100).toFixed(2)}%`, fmt.int(r.keys), fmt.int(r.evicted), `${r.seconds.toFixed(0)} s`]);
        log(`  ${policy} ${name}: hit ratio ${(r.ratio * 100).toFixed(2)}%, ${fmt.int(r.keys)} keys held, ${fmt.int(r.evicted)} evicted`);
      } finally {
        await server.stop();
      }
    }
  }
  lines.push(...table(['policy', 'server', 'hit ratio', 'keys held', 'evicted', 'time'], rows), '');
  return { name: 'hitratio', lines, results };
}
