// Memory: resident memory of each server after 1,000,000 SETs of 100-byte values with
// random keys (redis-benchmark -t set -n 1000000 -r 100000000 -d 100), as bytes per key:
// (RSS after - RSS before) / DBSIZE, and the peak RSS (VmHWM) reached while loading.
import { RespClient, benchmarkTool, fmt, memory, runBenchmark, sleep, startHoldfast, startRedis, table } from '../lib.mjs';

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
  return { name: 'memory', lines, results };
}
