// Data types (issue 3): redis-benchmark's LPUSH LPOP SADD HSET SPOP ZADD ZPOPMIN LRANGE_100
// LRANGE_600 at -c 50 -P 16 against Holdfast and redis-server in the same run, reported as
// the throughput section reports (requests/s, ratio, server CPU µs per request).
//
// The order and the data are redis-benchmark's default run: LPUSH fills `mylist` and LPOP
// drains it, SADD/SPOP and ZADD/ZPOPMIN work on one element (no -r), and before the LRANGE
// tests `mylist` is filled with 100,000 LPUSHes, as the default run's "LPUSH (needed to
// benchmark LRANGE)" does. That fill is not measured: `-t lrange_100` would run it inside the
// same redis-benchmark process and count its CPU, so the LRANGE tests are sent as the
// commands redis-benchmark sends for them (LRANGE mylist 0 99, LRANGE mylist 0 599).
import { RespClient, benchmarkTool, runBenchmark, startHoldfast, startRedis, table } from '../lib.mjs';
import { COMPARE_HEADER, compare, compareLine, compareRow } from './throughput.mjs';

/** The tests: redis-benchmark arguments and requests per test (LRANGE replies are large). */
function tests(quick) {
  const scale = quick ? 0.1 : 1;
  return [
    { name: 'LPUSH', args: ['-t', 'lpush'], n: 1_000_000 * scale },
    { name: 'LPOP', args: ['-t', 'lpop'], n: 1_000_000 * scale },
    { name: 'SADD', args: ['-t', 'sadd'], n: 1_000_000 * scale },
    { name: 'HSET', args: ['-t', 'hset'], n: 1_000_000 * scale },
    { name: 'SPOP', args: ['-t', 'spop'], n: 1_000_000 * scale },
    { name: 'ZADD', args: ['-t', 'zadd'], n: 1_000_000 * scale },
    { name: 'ZPOPMIN', args: ['-t', 'zpopmin'], n: 1_000_000 * scale },
    { name: 'LRANGE_100', fill: 100_000 * scale, args: ['LRANGE', 'mylist', '0', '99'], n: 200_000 * scale },
    { name: 'LRANGE_600', args: ['LRANGE', 'mylist', '0', '599'], n: 50_000 * scale },
  ];
}

async function flushAll(servers) {
  for (const s of servers) {
    const c = await RespClient.connect(s.port);
    await c.call('FLUSHALL');
    c.close();
  }
}

/**
 * Runs the data-type tests against the two started servers; returns the markdown lines and
 * the results. `options.requests` overrides every test's request count.
 */
export async function runTypes(options, redis, holdfast) {
  const log = options.log ?? console.log;
  const tool = options.tool ?? benchmarkTool();
  const repeat = options.repeat ?? 1;
  const order = { flip: false };
  const rows = [];
  const results = [];
  const heading = '### data types, -P 16';
  log(heading);
  await flushAll([redis, holdfast]);
  for (const t of tests(options.quick)) {
    const n = Math.round(options.requests ?? t.n);
    if (t.fill) {
      for (const s of [redis, holdfast]) await runBenchmark(tool, s.port, ['-c', '50', '-P', '16', '-n', String(Math.round(t.fill)), '-t', 'lpush']);
    }
    const args = ['-c', '50', '-P', '16', '-n', String(n), ...t.args];
    const { redis: rm, holdfast: hm } = await compare({ tool, redis, holdfast, args, n, repeat, order });
    results.push({ variant: 'data types, -P 16', test: t.name, redis: rm, holdfast: hm });
    rows.push(compareRow(`${t.name} (-n ${n})`, rm, hm));
    log(compareLine(t.name, rm, hm));
  }
  await flushAll([redis, holdfast]);
  const lines = [heading, '', ...table(COMPARE_HEADER, rows), ''];
  return { lines, results };
}

/** The `types` section on its own (`node bench/run.mjs --only types`). */
export async function run(options = {}) {
  const log = options.log ?? console.log;
  const intro = [
    '## Data types (redis-benchmark -c 50 -P 16)',
    '',
    'Issue 3: each at least 50% of redis-server\'s requests/s. redis-benchmark\'s default data (3-byte values, no -r); ' +
      'LRANGE_* read a 100,000-element `mylist` filled beforehand (not measured). CPU and ratios as in the throughput section.',
    '',
  ];
  for (const line of intro) log(line);
  const redis = await startRedis();
  const holdfast = await startHoldfast();
  try {
    const { lines, results } = await runTypes(options, redis, holdfast);
    return { name: 'types', lines: [...intro, ...lines], results };
  } finally {
    await holdfast.stop();
    await redis.stop();
  }
}
