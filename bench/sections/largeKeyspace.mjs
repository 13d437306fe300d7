// Large keyspace: stores more than 2^24 (16,777,216) keys in Holdfast, beyond what one V8
// Map can hold, with a pipelined MSET loader, then checks DBSIZE and a sample of values.
// While the keyspace grows, a second connection PINGs every 10 ms: its latency shows the
// pauses (GC, Map growth) a client would see. Takes a few minutes.
import { RespClient, fmt, memory, sleep, startHoldfast, table } from '../lib.mjs';

const V8_MAP_LIMIT = 2 ** 24;

function msetBatch(from, count) {
  let s = `*${1 + 2 * count}\r\n$4\r\nMSET\r\n`;
  for (let i = from; i < from + count; i++) {
    const k = `k:${i}`;
    const v = String(i);
    s += `$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
  }
  return s;
}

async function loadKeys(port, total, log) {
  const c = await RespClient.connect(port);
  const batch = 1000;
  const window = 8;
  const inFlight = [];
  const started = Date.now();
  let nextReport = 1_000_000;
  for (let i = 0; i < total; i += batch) {
    const { replies, drained } = c.send(msetBatch(i, Math.min(batch, total - i)));
    inFlight.push(replies[0]);
    if (inFlight.length >= window) {
      const r = await inFlight.shift();
      if (r !== 'OK') throw new Error(`MSET replied ${r}`);
    }
    await drained;
    if (i + batch >= nextReport) {
      log(`    ${fmt.int(Math.min(i + batch, total))} keys after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      nextReport += 1_000_000;
    }
  }
  for (const r of await Promise.all(inFlight)) if (r !== 'OK') throw new Error(`MSET replied ${r}`);
  c.close();
  return (Date.now() - started) / 1000;
}

/** PINGs every `everyMs` until stopped; returns the round-trip times in ms. */
function probe(port, everyMs = 10) {
  const samples = [];
  let stopped = false;
  const done = (async () => {
    const c = await RespClient.connect(port);
    while (!stopped) {
      const t = process.hrtime.bigint();
      await c.call('PING');
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

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const total = options.largeKeys ?? (options.quick ? 1_000_000 : 17_000_000);
  const lines = [
    '## Large keyspace',
    '',
    `${fmt.int(total)} keys (\`k:<i>\` = \`<i>\`) stored with pipelined MSETs of 1,000 keys, 8 in flight` +
      (total > V8_MAP_LIMIT ? `: more than 2^24 = ${fmt.int(V8_MAP_LIMIT)}, the most one V8 Map holds` : '') +
      '; PING latency sampled every 10 ms meanwhile.',
    '',
  ];
  for (const l of lines) log(l);
  const holdfast = await startHoldfast({ nodeArgs: ['--max-old-space-size=16384'] });
  try {
    const before = memory(holdfast.pid).rss;
    const prober = probe(holdfast.port);
    const seconds = await loadKeys(holdfast.port, total, log);
    const latencies = await prober.stop();
    const c = await RespClient.connect(holdfast.port);
    const dbsize = await c.call('DBSIZE');
    const sample = [0, total - 1, Math.floor(total / 2), V8_MAP_LIMIT, V8_MAP_LIMIT - 1].filter((i) => i < total);
    const values = await Promise.all(sample.map((i) => c.call('GET', `k:${i}`)));
    c.close();
    const mem = memory(holdfast.pid);
    const ok = dbsize === total && values.every((v, j) => v === String(sample[j]));
    if (!ok) throw new Error(`large keyspace check failed: DBSIZE ${dbsize} (expected ${total}), GET ${JSON.stringify(values)}`);
    const rows = [
      [
        fmt.int(total),
        String(dbsize),
        `${seconds.toFixed(1)} s`,
        fmt.int(total / seconds),
        fmt.mb(mem.rss),
        fmt.mb(mem.peak),
        fmt.int((mem.rss - before) / total),
        fmt.fixed(pct(latencies, 99), 2),
        fmt.fixed(pct(latencies, 99.9), 2),
        fmt.fixed(latencies[latencies.length - 1], 2),
      ],
    ];
    lines.push(
      ...table(['keys', 'DBSIZE', 'load time', 'keys/s', 'RSS', 'peak RSS', 'bytes/key', 'PING p99 ms', 'p99.9 ms', 'max ms'], rows),
      '',
      `DBSIZE and GET of keys ${sample.map((i) => `k:${i}`).join(', ')} checked.`,
      '',
    );
    log(`  DBSIZE ${dbsize}, loaded in ${seconds.toFixed(1)} s, RSS ${fmt.mb(mem.rss)}, PING p99 ${fmt.fixed(pct(latencies, 99))} ms, max ${fmt.fixed(latencies[latencies.length - 1])} ms`);
    return { name: 'large', lines, results: { total, dbsize, seconds, rss: mem.rss, peak: mem.peak } };
  } finally {
    await holdfast.stop();
  }
}
