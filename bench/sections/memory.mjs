// Memory: resident memory of each server after 1,000,000 SETs of 100-byte values with
// random keys (redis-benchmark -t set -n 1000000 -r 100000000 -d 100), as bytes per key:
// (RSS after - RSS before) / DBSIZE, and the peak RSS (VmHWM) reached while loading.
import { RespClient, benchmarkTool, encodeCommand, fmt, memory, runBenchmark, sleep, startHoldfast, startRedis, table } from '../lib.mjs';

async function load(tool, server, n) {
  const before = memory(server.pid);
  await runBenchmark(tool, server.port, ['-c', '50', '-P', '16', '-t', 'set', '-n', String(n), '-r', '100000000', '-d', '100']);
  // Let a collector that runs on idle (V8) settle before reading the resident size.
  await sleep(1000);
  const c = await RespClient.connect(server.port);
  const keys = await c.call('DBSIZE');
  c.close();
  const after = memory(server.pid);
  return { keys, before: before.rss, after: after.rss, peak: after.peak, perKey: (after.rss - before.rss) / keys, peakPerKey: (after.peak - before.rss) / keys };
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const tool = options.tool ?? benchmarkTool();
  const n = options.quick ? 100_000 : 1_000_000;
  const lines = ['## Memory', '', `redis-benchmark -c 50 -P 16 -t set -n ${n} -r 100000000 -d 100 on a fresh server, then DBSIZE.`, ''];
  for (const l of lines) log(l);
  const rows = [];
  const results = {};
  for (const [name, start] of [
    ['Redis', startRedis],
    ['Holdfast', startHoldfast],
  ]) {
    const server = await start();
    try {
      const r = await load(tool, server, n);
      results[name.toLowerCase()] = r;
      rows.push([name, fmt.int(r.keys), fmt.mb(r.before), fmt.mb(r.after), fmt.mb(r.peak), fmt.int(r.perKey), fmt.int(r.peakPerKey)]);
      log(`  ${name}: ${fmt.int(r.keys)} keys, RSS ${fmt.mb(r.before)} -> ${fmt.mb(r.after)} (peak ${fmt.mb(r.peak)}), ${fmt.int(r.perKey)} bytes/key`);
    } finally {
      await server.stop();
    }
  }
  lines.push(...table(['server', 'keys', 'RSS before', 'RSS after', 'peak RSS', 'bytes/key (RSS)', 'bytes/key (peak)'], rows), '');
  const bound = await runRssBound({ log, quick: options.quick });
  results.rssBound = bound;
  lines.push(
    `Holdfast with \`--maxmemory 256mb --maxmemory-policy allkeys-lru\` under ${options.quick ? '50,000' : '200,000'} mixed commands (60% SETs of 10 B to 1 MB, log-uniform; HSET, RPUSH, SADD, ZADD on 100,000 aggregates): ` +
      `RSS empty ${fmt.mb(bound.empty)}; base (the same load with maxmemory 1mb) ${fmt.mb(bound.base)}; peak ${fmt.mb(bound.peak)}; (peak - base) / maxmemory = **${fmt.fixed(bound.ratio)}**; ` +
      `${fmt.int(bound.evicted)} keys evicted; largest GC pause ${fmt.fixed(bound.gcMaxPause)} ms, event-loop stall ${fmt.fixed(bound.stall)} ms.`,
    '',
  );
  return { name: 'memory', lines, results };
}

// ---- RSS under maxmemory -----------------------------------------------------------------
// Holdfast with maxmemory 256mb and allkeys-lru under a mixed workload for a fixed number of
// commands: strings of 10 B to 1 MB (log-uniform sizes), hashes, lists, sets and sorted sets
// grown a few elements at a time, over a keyspace far larger than the limit. The resident
// size is sampled every 100 ms; the claim is RSS <= 1.5 x maxmemory + the base. The base is
// what the process costs under the same load with (almost) no data: the same run with
// maxmemory 1mb (the Node runtime, V8's young generation and code, socket buffers).

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mixedCommand(random) {
  const id = Math.floor(random() * 2_000_000);
  const kind = random();
  if (kind < 0.6) {
    // 10 B to 1 MB, log-uniform
    const size = Math.round(10 * Math.pow(100_000, random()));
    return ['SET', `s:${id}`, 'x'.repeat(size)];
  }
  const member = `m${Math.floor(random() * 1000)}`;
  if (kind < 0.7) return ['HSET', `h:${id % 100_000}`, member, 'v'.repeat(1 + Math.floor(random() * 200))];
  if (kind < 0.8) return ['RPUSH', `l:${id % 100_000}`, 'e'.repeat(1 + Math.floor(random() * 200))];
  if (kind < 0.9) return ['SADD', `t:${id % 100_000}`, member];
  return ['ZADD', `z:${id % 100_000}`, String(random()), member];
}

export async function runRssBound(options = {}) {
  const base = await rssUnderLoad({ ...options, maxmemory: 1024 * 1024 });
  const r = await rssUnderLoad(options);
  r.empty = r.base;
  r.base = base.peak;
  r.ratio = (r.peak - r.base) / r.maxmemory;
  (options.log ?? console.log)(`  base (same load, maxmemory 1mb): peak RSS ${fmt.mb(base.peak)}; with 256mb: (peak - base) / maxmemory = ${fmt.fixed(r.ratio)}`);
  return r;
}

async function rssUnderLoad(options = {}) {
  const log = options.log ?? console.log;
  const maxmemory = options.maxmemory ?? 256 * 1024 * 1024;
  const commands = options.quick ? 50_000 : 200_000;
  const server = await startHoldfast({ nodeArgs: options.nodeArgs ?? [], args: ['--maxmemory', String(maxmemory), '--maxmemory-policy', 'allkeys-lru'] });
  try {
    await sleep(1000);
    const base = memory(server.pid).rss;
    const c = await RespClient.connect(server.port);
    const random = mulberry32(1);
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory(server.pid).rss);
    }, 100);
    const started = Date.now();
    const batch = 50;
    for (let done = 0; done < commands; done += batch) {
      const parts = [];
      for (let i = 0; i < batch; i++) parts.push(encodeCommand(mixedCommand(random)));
      const { replies, drained } = c.send(Buffer.concat(parts), batch);
      for (const r of await Promise.all(replies)) if (r instanceof Error) throw r;
      await drained;
    }
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const info = await c.call('INFO', 'memory');
    const stats = await c.call('INFO', 'stats');
    c.close();
    const after = memory(server.pid);
    peak = Math.max(peak, after.peak);
    const field = (text, name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1]);
    const r = {
      base,
      peak,
      maxmemory,
      ratio: (peak - base) / maxmemory,
      used: field(info, 'used_memory_dataset'),
      evicted: field(stats, 'evicted_keys'),
      seconds,
      gcMaxPause: field(info, 'gc_max_pause_ms'),
      stall: field(info, 'eventloop_max_stall_ms'),
      heapUsed: field(info, 'used_memory_vm_heap'),
      heapTotal: field(info, 'used_memory_vm_heap_total'),
      external: field(info, 'used_memory_vm_external'),
      rssEnd: after.rss,
    };
    log(`  RSS under maxmemory ${fmt.mb(maxmemory)}: empty ${fmt.mb(base)}, peak ${fmt.mb(peak)}: (peak - base) / maxmemory = ${fmt.fixed(r.ratio)}, ${fmt.int(r.evicted)} evicted, ${commands} commands in ${seconds.toFixed(0)} s`);
    return r;
  } finally {
    await server.stop();
  }
}
