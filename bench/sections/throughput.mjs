// Throughput: redis-benchmark against Holdfast and redis-server in the same run, test by
// test, alternating which server goes first so that drift in machine load hits both.
// Reports requests/s side by side with the ratio, p99 latency, and the server's CPU time
// per request (user + system from /proc/<pid>/stat): the figure least sensitive to other
// load on a shared machine.
import { RespClient, benchmarkTool, cpuMicros, fmt, medianBy, runBenchmark, startHoldfast, startRedis, table } from '../lib.mjs';

const TESTS = ['ping_inline', 'ping_mbulk', 'set', 'get', 'incr', 'mset'];

/** The runs: pipeline depth, extra redis-benchmark flags, requests per test. */
function variants(quick) {
  const scale = quick ? 0.1 : 1;
  return [
    { title: '-P 1', args: ['-P', '1'], n: 200_000 * scale },
    { title: '-P 16', args: ['-P', '16'], n: 2_000_000 * scale },
    { title: '-P 1 -d 1024', args: ['-P', '1', '-d', '1024'], n: 200_000 * scale },
    { title: '-P 16 -d 1024', args: ['-P', '16', '-d', '1024'], n: 1_000_000 * scale },
    { title: '-P 1 -r 1000000', args: ['-P', '1', '-r', '1000000'], n: 200_000 * scale },
    { title: '-P 16 -r 1000000', args: ['-P', '16', '-r', '1000000'], n: 2_000_000 * scale },
  ];
}

export async function measure(tool, server, args, n) {
  const before = cpuMicros(server.pid);
  const [row] = await runBenchmark(tool, server.port, args);
  const cpu = cpuMicros(server.pid) - before;
  return { ...row, cpuPerRequest: cpu / n };
}

function median(rows) {
  return medianBy(rows, (row) => row.rps);
}

/**
 * Runs one redis-benchmark invocation against both servers `repeat` times, alternating which
 * goes first (`order.flip` carries the alternation across calls), and keeps the medians.
 */
export async function compare({ tool, redis, holdfast, args, n, repeat = 1, order = { flip: false } }) {
  const r = [];
  const h = [];
  for (let i = 0; i < repeat; i++) {
    order.flip = !order.flip;
    if (order.flip) {
      r.push(await measure(tool, redis, args, n));
      h.push(await measure(tool, holdfast, args, n));
    } else {
      h.push(await measure(tool, holdfast, args, n));
      r.push(await measure(tool, redis, args, n));
    }
  }
  return { redis: median(r), holdfast: median(h) };
}

export const COMPARE_HEADER = ['test', 'Redis req/s', 'Holdfast req/s', 'ratio', 'Redis p99 ms', 'Holdfast p99 ms', 'Redis CPU µs/req', 'Holdfast CPU µs/req', 'CPU ratio'];

/** A markdown table row under COMPARE_HEADER. */
export function compareRow(name, rm, hm) {
  return [
    name,
    fmt.int(rm.rps),
    fmt.int(hm.rps),
    fmt.fixed(hm.rps / rm.rps),
    fmt.fixed(rm.p99Ms, 3),
    fmt.fixed(hm.p99Ms, 3),
    fmt.fixed(rm.cpuPerRequest),
    fmt.fixed(hm.cpuPerRequest),
    fmt.fixed(rm.cpuPerRequest / hm.cpuPerRequest),
  ];
}

/** The console line for one test. */
export function compareLine(name, rm, hm) {
  return `  ${name.padEnd(12)} redis ${fmt.int(rm.rps).padStart(10)}/s  holdfast ${fmt.int(hm.rps).padStart(10)}/s  ratio ${fmt.fixed(hm.rps / rm.rps)}  CPU µs/req ${fmt.fixed(rm.cpuPerRequest)} vs ${fmt.fixed(hm.cpuPerRequest)}`;
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const tool = options.tool ?? benchmarkTool();
  const repeat = options.repeat ?? 1;
  const lines = ['## Throughput (redis-benchmark -c 50)', ''];
  lines.push(
    `Each test is run against both servers in turn (${repeat === 1 ? 'once' : `${repeat} times, median kept`}). ` +
      'CPU is the server process\'s user + system time per request; "ratio" is Holdfast / Redis for requests/s and Redis / Holdfast for CPU (higher is better for Holdfast in both).',
    '',
  );
  for (const line of lines) log(line);
  const results = [];
  const redis = await startRedis();
  const holdfast = await startHoldfast();
  try {
    const order = { flip: false };
    for (const v of variants(options.quick)) {
      const n = Math.round(options.requests ?? v.n);
      const rows = [];
      log(`### ${v.title} (-n ${n})`);
      for (const test of TESTS) {
        const args = ['-c', '50', '-n', String(n), '-t', test, ...v.args];
        const { redis: rm, holdfast: hm } = await compare({ tool, redis, holdfast, args, n, repeat, order });
        results.push({ variant: v.title, test: rm.test, redis: rm, holdfast: hm });
        rows.push(compareRow(rm.test, rm, hm));
        log(compareLine(rm.test, rm, hm));
      }
      const t = [`### ${v.title} (-n ${n})`, '', ...table(COMPARE_HEADER, rows), ''];
      lines.push(...t);
      // Keep memory comparable between variants.
      for (const s of [redis, holdfast]) {
        const c = await RespClient.connect(s.port);
        await c.call('FLUSHALL');
        c.close();
      }
    }
  } finally {
    await holdfast.stop();
    await redis.stop();
  }
  return { name: 'throughput', lines, results };
}
