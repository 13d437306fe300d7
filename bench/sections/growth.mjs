// Growth: each server from empty to 20,000,000 keys of 100-byte values under
// redis-benchmark load (-t set -d 100 -r 1000000000 -c 50 -P 16: random keys, so about
// 20,000,000 distinct ones in 20,200,000 SETs). Meanwhile a separate connection GETs a key
// every 10 ms: its round trips show the stalls (GC, table growth) any client would see.
// Reported: keys per second over time, the load's own p99/p99.9 (redis-benchmark's
// distribution, pipelined 16 deep so queueing is included), the probe's p99/p99.9/max,
// Holdfast's own largest event-loop stall and GC pause (INFO), and RSS bytes per key.
import { spawn } from 'node:child_process';
import { RespClient, fmt, machineCpuTicks, memory, sleep, startHoldfast, startRedis, stolenPercent, table } from '../lib.mjs';

/** No Node flags: the string keys and values live outside the V8 heap, whose default limit (about 4 GB) they do not touch. */
const HOLDFAST_NODE_ARGS = [];

function probe(port, everyMs = 10) {
  const samples = [];
  let stopped = false;
  const done = (async () => {
    const c = await RespClient.connect(port);
    await c.call('SET', 'probe', 'x');
    while (!stopped) {
      const t = process.hrtime.bigint();
      await c.call('GET', 'probe');
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      await sleep(everyMs);
    }
    c.close();
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return samples.sort((a, b) => a - b);
    },
  };
}

const pct = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

/** redis-benchmark's "Latency by percentile distribution": the first line at or past p. */
function percentileFromReport(text, p) {
  for (const m of text.matchAll(/^\s*([\d.]+)% <= ([\d.]+) milliseconds/gm)) {
    if (Number(m[1]) >= p) return Number(m[2]);
  }
  return NaN;
}

function runLoad(tool, port, requests) {
  const child = spawn(tool.command, [...tool.prefix, '-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-d', '100', '-r', '1000000000', '-n', String(requests), '-c', '50', '-P', '16'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    // The progress lines (\r-separated) are not needed: keep the tail only.
    if (out.length > 1_000_000) out = out.slice(-200_000);
  });
  child.stderr.on('data', () => {});
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-benchmark exited with ${code}`))));
  });
  return { child, done };
}

async function grow(name, server, tool, total, log) {
  const before = memory(server.pid).rss;
  const requests = Math.round(total * 1.0101); // distinct random keys ≈ n - n²/2r
  const prober = probe(server.port);
  const monitor = await RespClient.connect(server.port);
  // The stall and GC figures are those of the growth, not of the server's start.
  await monitor.call('CONFIG', 'RESETSTAT');
  const cpuBefore = machineCpuTicks();
  const load = runLoad(tool, server.port, requests);
  const started = Date.now();
  const series = [];
  let finished = false;
  load.done.then(() => (finished = true), () => (finished = true));
  let lastKeys = 0;
  let lastAt = started;
  let peakRss = before;
  while (!finished) {
    await sleep(1000);
    const keys = await monitor.call('DBSIZE');
    const now = Date.now();
    const rss = memory(server.pid).rss;
    peakRss = Math.max(peakRss, rss);
    series.push({ t: (now - started) / 1000, keys, rate: ((keys - lastKeys) * 1000) / (now - lastAt), rss });
    lastKeys = keys;
    lastAt = now;
  }
  const report = await load.done;
  const seconds = (Date.now() - started) / 1000;
  const stolen = stolenPercent(cpuBefore, machineCpuTicks());
  const latencies = await prober.stop();
  await sleep(1000);
  const keys = await monitor.call('DBSIZE');
  let stall = NaN;
  let gcPause = NaN;
  if (name === 'Holdfast') {
    const info = await monitor.call('INFO', 'memory');
    stall = Number(/eventloop_max_stall_ms:([\d.]+)/.exec(info)?.[1]);
    gcPause = Number(/gc_max_pause_ms:([\d.]+)/.exec(info)?.[1]);
  }
  monitor.close();
  const after = memory(server.pid);
  const r = {
    keys,
    seconds,
    rate: keys / seconds,
    loadP99: percentileFromReport(report, 99),
    loadP999: percentileFromReport(report, 99.9),
    probeP99: pct(latencies, 99),
    probeP999: pct(latencies, 99.9),
    probeMax: latencies[latencies.length - 1],
    stall,
    gcPause,
    stolen,
    rss: after.rss,
    peakRss: Math.max(peakRss, after.peak),
    perKey: (after.rss - before) / keys,
    series,
  };
  log(
    `  ${name}: ${fmt.int(keys)} keys in ${seconds.toFixed(0)} s (${fmt.int(r.rate)} keys/s), load p99 ${fmt.fixed(r.loadP99)} p99.9 ${fmt.fixed(r.loadP999)} ms, ` +
      `probe p99 ${fmt.fixed(r.probeP99)} p99.9 ${fmt.fixed(r.probeP999)} max ${fmt.fixed(r.probeMax)} ms, RSS ${fmt.mb(r.rss)} (${fmt.int(r.perKey)} B/key), CPU stolen by the hypervisor ${fmt.fixed(stolen)}%` +
      (name === 'Holdfast' ? `, max stall ${fmt.fixed(stall)} ms, max GC pause ${fmt.fixed(gcPause)} ms` : ''),
  );
  return r;
}

/** Keys per second over each tenth of the way (the last one ends with the run). */
function tenths(series, total) {
  const out = [];
  let from = { t: 0, keys: 0 };
  for (let k = 1; k <= 10; k++) {
    const to = k === 10 ? series[series.length - 1] : series.find((s) => s.keys >= (k / 10) * total);
    if (to === undefined || to.t <= from.t) {
      out.push('—');
      continue;
    }
    out.push(fmt.int((to.keys - from.keys) / (to.t - from.t)));
    from = to;
  }
  return out;
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const tool = options.tool;
  const total = options.growthKeys ?? (options.quick ? 1_000_000 : 20_000_000);
  const lines = [
    '## Growth',
    '',
    `From empty to ${fmt.int(total)} keys: \`redis-benchmark -t set -d 100 -r 1000000000 -c 50 -P 16 -n ${fmt.int(Math.round(total * 1.0101))}\`` +
      ' (random 16-byte keys, 100-byte values), while another connection GETs a key every 10 ms (the probe).' +
      ' Holdfast runs with Node\'s default flags (the data is outside the V8 heap).',
    '',
  ];
  for (const l of lines) log(l);
  const results = {};
  for (const [name, start] of [
    ['Redis', () => startRedis()],
    ['Holdfast', () => startHoldfast({ nodeArgs: HOLDFAST_NODE_ARGS })],
  ]) {
    const server = await start();
    try {
      results[name.toLowerCase()] = await grow(name, server, tool, total, log);
    } finally {
      await server.stop();
    }
  }
  const rows = Object.entries(results).map(([name, r]) => [
    name === 'redis' ? 'Redis' : 'Holdfast',
    fmt.int(r.keys),
    `${r.seconds.toFixed(0)} s`,
    fmt.int(r.rate),
    fmt.fixed(r.loadP99),
    fmt.fixed(r.loadP999),
    fmt.fixed(r.probeP99),
    fmt.fixed(r.probeP999),
    fmt.fixed(r.probeMax),
    Number.isFinite(r.stall) ? fmt.fixed(r.stall) : '—',
    `${fmt.fixed(r.stolen)}%`,
    fmt.mb(r.rss),
    fmt.int(r.perKey),
  ]);
  lines.push(
    ...table(['server', 'keys', 'time', 'keys/s', 'load p99 ms', 'load p99.9 ms', 'probe p99 ms', 'probe p99.9 ms', 'probe max ms', 'max event-loop stall ms', 'CPU stolen', 'RSS', 'RSS bytes/key'], rows),
    '',
    'Keys per second over each tenth of the growth:',
    '',
    ...table(
      ['server', ...Array.from({ length: 10 }, (_, i) => `${(i + 1) * 10}%`)],
      Object.entries(results).map(([name, r]) => [name === 'redis' ? 'Redis' : 'Holdfast', ...tenths(r.series, total)]),
    ),
    '',
  );
  if (results.redis && results.holdfast) {
    const ratio = results.holdfast.perKey / results.redis.perKey;
    lines.push(`RSS per key: Holdfast ${fmt.fixed(ratio)}× Redis's. Holdfast's largest GC pause: ${fmt.fixed(results.holdfast.gcPause)} ms.`, '');
    lines.push(
      '"CPU stolen" is the share of both cores\' time the hypervisor gave to other guests during the run (/proc/stat steal). It comes in stretches' +
        ' of tens of milliseconds in which nothing on the stolen vCPU runs, so it sets a floor under the maximum and p99.9 figures of both servers.',
      '',
    );
  }
  return { name: 'growth', lines, results };
}
