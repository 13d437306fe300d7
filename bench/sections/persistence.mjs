// Persistence benchmark section: the append-only log against redis-server's, in the same run.
//
//   npx tsc -p tsconfig.json && node bench/sections/persistence.mjs [--quick] [--keys N]
//
// 1. SET throughput (redis-benchmark -t set -c 50, at -P 1 and -P 16) with appendonly no,
//    appendfsync everysec and appendfsync always, Holdfast and redis-server side by side.
//    Target: Holdfast's `always` within 2x of its `no` (group commit: one fsync answers every
//    client that waited), not 100x.
// 2. The salebench flow (../shared/tools/salebench, --recreate) with the log on and
//    sale-fsync always (PURCHASE/CONFIRM/CANCEL answer after their fsync), against Holdfast
//    with the log off and against the Redis + Lua peer with appendfsync always (the same
//    durability for every step).
// 3. BGREWRITEAOF of 5,000,000 keys while clients write: rewrite time, the longest
//    event-loop stall (INFO aof_rewrite_max_stall_usec; target under 10 ms), a PING probe's
//    worst round trip meanwhile; then a restart from the rewritten log (load time) and a
//    check that the data equals what the writers' model predicts. Redis's fork stall
//    (latest_fork_usec) for the same keys as a reference.
//
// Exports run(options) for bench/run.mjs; runs by itself when executed directly.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchmarkTool, fmt, freePort, RespClient, runBenchmark, sleep, startHoldfast, startRedis, table } from '../lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const salebenchPath = path.resolve(root, '../shared/tools/salebench/salebench.js');

const MODES = [
  { name: 'appendonly no', args: ['--appendonly', 'no'] },
  { name: 'everysec', args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] },
  { name: 'always', args: ['--appendonly', 'yes', '--appendfsync', 'always'] },
];

function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'holdfast-bench-aof-'));
}

/** A server (Holdfast or redis-server) with its own data directory, removed on stop. */
async function start(kind, args) {
  const dir = tempDir();
  const all = ['--dir', dir, '--auto-aof-rewrite-percentage', '0', ...args];
  const server = kind === 'holdfast' ? await startHoldfast({ args: all }) : await startRedis({ args: all });
  return {
    ...server,
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function info(port, section) {
  const c = await RespClient.connect(port);
  try {
    const text = await c.call('INFO', section);
    const fields = {};
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
    }
    return fields;
  } finally {
    c.close();
  }
}

// ---- 1. SET throughput by fsync policy ---------------------------------------------------

async function throughputSection(o, log) {
  const rows = [];
  const results = {};
  for (const pipeline of [1, 16]) {
    const n = Math.round((o.quick ? 20_000 : 200_000) * (pipeline === 1 ? 1 : 4));
    for (const mode of MODES) {
      for (const kind of ['redis', 'holdfast']) {
        const server = await start(kind, mode.args);
        try {
          const [row] = await runBenchmark(o.tool, server.port, ['-t', 'set', '-c', '50', '-P', String(pipeline), '-n', String(n), '-r', '100000', '-d', '64']);
          const extra = kind === 'holdfast' && mode.name !== 'appendonly no' ? await info(server.port, 'persistence') : null;
          results[`${kind}/${mode.name}/P${pipeline}`] = { ...row, fsyncs: Number(extra?.aof_fsyncs ?? NaN), released: Number(extra?.aof_fsync_waiters_released ?? NaN) };
          log(`  ${kind.padEnd(9)} ${mode.name.padEnd(14)} -P ${String(pipeline).padEnd(3)} ${fmt.int(row.rps).padStart(10)} req/s   p50 ${fmt.fixed(row.p50Ms, 3)} ms   p99 ${fmt.fixed(row.p99Ms, 3)} ms` +
            (extra && mode.name === 'always' ? `   (${fmt.int(Number(extra.aof_fsyncs))} fsyncs, ${fmt.fixed(Number(extra.aof_fsync_waiters_released) / Number(extra.aof_fsyncs), 1)} waiting clients released per fsync)` : ''));
        } finally {
          await server.stop();
        }
      }
      const r = results[`redis/${mode.name}/P${pipeline}`];
      const h = results[`holdfast/${mode.name}/P${pipeline}`];
      rows.push([`SET -P ${pipeline}, ${mode.name}`, fmt.int(r.rps), fmt.int(h.rps), `${fmt.fixed(h.rps / r.rps)}x`, fmt.fixed(r.p99Ms, 3), fmt.fixed(h.p99Ms, 3)]);
    }
    const no = results[`holdfast/appendonly no/P${pipeline}`].rps;
    const always = results[`holdfast/always/P${pipeline}`].rps;
    const redisRatio = results[`redis/appendonly no/P${pipeline}`].rps / results[`redis/always/P${pipeline}`].rps;
    log(`  -P ${pipeline}: Holdfast no/always = ${fmt.fixed(no / always)}x (target <= 2x: ${no / always <= 2 ? 'met' : 'MISSED'}); redis-server no/always = ${fmt.fixed(redisRatio)}x`);
  }
  return { rows, results };
}

// ---- 2. salebench with sale-fsync always ---------------------------------------------------

function runSalebench(port, mode, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [salebenchPath, '--port', String(port), '--mode', mode, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`salebench ${mode} printed no summary (exit ${code}):\n${out}\n${err}`));
      }
    });
  });
}

const worstP99 = (s) => Math.max(...Object.values(s.ops).map((op) => op.p99_ms ?? 0));

async function saleSection(o, log) {
  if (!existsSync(salebenchPath)) {
    log(`  salebench not found at ${salebenchPath}: skipped`);
    return null;
  }
  const duration = o.quick ? 5 : 20;
  const args = ['--recreate', '--duration', String(duration)];
  const runs = [
    ['redis-server + Lua, appendfsync always', 'redis', 'lua', ['--appendonly', 'yes', '--appendfsync', 'always']],
    ['Holdfast, appendonly no', 'holdfast', 'native', ['--appendonly', 'no']],
    ['Holdfast, everysec + sale-fsync always', 'holdfast', 'native', ['--appendonly', 'yes', '--appendfsync', 'everysec', '--sale-fsync', 'always']],
  ];
  const rows = [];
  const results = {};
  for (const [label, kind, mode, serverArgs] of runs) {
    const server = await start(kind, serverArgs);
    try {
      log(`  salebench ${mode} against ${label}, ${duration} s ...`);
      const s = await runSalebench(server.port, mode, args);
      results[label] = s;
      rows.push([label, fmt.int(s.total_ops_per_s), fmt.fixed(s.ops.purchase?.p99_ms ?? NaN), fmt.fixed(worstP99(s)), fmt.fixed(s.server_cpu_us_per_op), s.audit.ok ? 'PASS' : s.audit.skipped ? 'skipped' : 'FAIL']);
      log(`    ${fmt.int(s.total_ops_per_s)} ops/s, p99 PURCHASE ${fmt.fixed(s.ops.purchase?.p99_ms ?? NaN)} ms, worst p99 ${fmt.fixed(worstP99(s))} ms, audit ${s.audit.ok ? 'PASS' : 'FAIL'}`);
    } finally {
      await server.stop();
    }
  }
  return { rows, results };
}

// ---- 3. rewrite of a large keyspace under load -------------------------------------------------

/** Loads `count` keys `key:<i>` (16-byte values) through one pipelined connection. */
async function bulkLoad(port, count, log) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  let acked = 0;
  let tail = '';
  socket.on('data', (d) => {
    const text = tail + d.toString('latin1');
    let i = 0;
    for (let at = text.indexOf('\r\n'); at !== -1; at = text.indexOf('\r\n', i)) {
      acked++;
      i = at + 2;
    }
    tail = text.slice(i);
  });
  const BATCH = 2000;
  const started = Date.now();
  let lastLog = started;
  for (let base = 0; base < count; base += BATCH) {
    let chunk = '';
    for (let i = base; i < Math.min(count, base + BATCH); i++) {
      const key = `key:${i}`;
      const value = `v${String(i).padStart(15, '0')}`;
      chunk += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$16\r\n${value}\r\n`;
    }
    if (!socket.write(chunk, 'latin1')) await new Promise((r) => socket.once('drain', r));
    // Keep at most a few batches in flight.
    while (base - acked > BATCH * 8) await sleep(1);
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(`    loaded ${fmt.int(acked)} keys ...`);
    }
  }
  while (acked < count) await sleep(5);
  socket.destroy();
  return (Date.now() - started) / 1000;
}

/**
 * Holdfast restarted on its log: it answers -LOADING until the replay is done, which for
 * millions of keys takes longer than lib.mjs's start waits.
 */
async function restart(args) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-old-space-size=8192', path.join(root, 'bin/holdfast.js'), '--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: 'ignore' });
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`holdfast exited with ${child.exitCode} while loading`);
    if (Date.now() > deadline) throw new Error('holdfast did not finish loading in 10 minutes');
    try {
      const c = await RespClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === 'PONG') break;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  return {
    port,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

async function rewriteSection(o, log) {
  const keys = o.keys ?? (o.quick ? 500_000 : 5_000_000);
  const result = { keys };
  // Redis as a reference: its fork stall for the same dataset.
  {
    const redis = await start('redis', ['--appendonly', 'yes', '--appendfsync', 'everysec']);
    try {
      log(`  redis-server: loading ${fmt.int(keys)} keys ...`);
      await bulkLoad(redis.port, keys, log);
      const c = await RespClient.connect(redis.port);
      await c.call('BGREWRITEAOF');
      const t0 = Date.now();
      for (;;) {
        await sleep(100);
        const i = await info(redis.port, 'persistence');
        if (i.aof_rewrite_in_progress === '0' && i.aof_rewrite_scheduled === '0') break;
      }
      result.redisRewriteSec = (Date.now() - t0) / 1000;
      result.redisForkUsec = Number((await info(redis.port, 'stats')).latest_fork_usec);
      c.close();
      log(`  redis-server BGREWRITEAOF: ${fmt.fixed(result.redisRewriteSec, 1)} s, fork stall ${fmt.fixed(result.redisForkUsec / 1000, 1)} ms`);
    } finally {
      await redis.stop();
    }
  }
  const dir = tempDir();
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--auto-aof-rewrite-percentage', '0'];
  let server = await startHoldfast({ nodeArgs: ['--max-old-space-size=8192'], args });
  try {
    log(`  Holdfast: loading ${fmt.int(keys)} keys ...`);
    result.loadSec = await bulkLoad(server.port, keys, log);
    const logBefore = statSync(path.join(dir, 'appendonly.aof')).size;
    // Writers during the rewrite, with a model of what they wrote, and a latency probe.
    const model = new Map();
    let stop = false;
    let writes = 0;
    const writers = await Promise.all([0, 1, 2, 3].map(() => RespClient.connect(server.port)));
    const loads = writers.map(async (w, wi) => {
      for (let i = 0; !stop; i++) {
        // Overwrites of loaded keys and new keys, spread over the whole keyspace.
        const key = i % 2 === 0 ? `key:${(i * 7919 + wi) % keys}` : `new:${wi}:${i}`;
        const value = `w${wi}:${i}`;
        await w.call('SET', key, value);
        model.set(key, value);
        writes++;
      }
    });
    const probe = await RespClient.connect(server.port);
    let probeMax = 0;
    const probeRtts = [];
    const probing = (async () => {
      while (!stop) {
        const t = performance.now();
        await probe.call('PING');
        const rtt = performance.now() - t;
        probeRtts.push(rtt);
        if (rtt > probeMax) probeMax = rtt;
        await sleep(1);
      }
    })();
    const c = await RespClient.connect(server.port);
    // The same load without a rewrite, for as long as a rewrite is expected to take: the
    // stalls any Node server of this size shows here (GC, a busy machine), for comparison.
    await sleep(500);
    await c.call('CONFIG', 'RESETSTAT');
    await sleep(o.quick ? 1000 : 8000);
    const baseline = await info(server.port, 'memory');
    result.baselineStallMs = Number(baseline.eventloop_max_stall_ms);
    result.baselineGcMs = Number(baseline.gc_max_pause_ms);
    await c.call('CONFIG', 'RESETSTAT');
    const writesBefore = writes;
    log(`  Holdfast BGREWRITEAOF of ${fmt.int(keys)} keys while 4 clients write ...`);
    const t0 = Date.now();
    await c.call('BGREWRITEAOF');
    for (;;) {
      await sleep(100);
      const i = await info(server.port, 'persistence');
      if (i.aof_rewrite_in_progress === '0') {
        result.stallUsec = Number(i.aof_rewrite_max_stall_usec);
        result.rewriteStatus = i.aof_last_bgrewrite_status;
        break;
      }
    }
    result.rewriteSec = (Date.now() - t0) / 1000;
    result.writesPerSec = (writes - writesBefore) / result.rewriteSec;
    const during = await info(server.port, 'memory');
    result.gcMs = Number(during.gc_max_pause_ms);
    await sleep(500);
    stop = true;
    await Promise.all([...loads, probing]);
    probeRtts.sort((a, b) => a - b);
    result.probeP99Ms = probeRtts[Math.floor(probeRtts.length * 0.99)] ?? NaN;
    result.probeMaxMs = probeMax;
    for (const w of writers) w.close();
    probe.close();
    c.close();
    log(`  rewrite ${fmt.fixed(result.rewriteSec, 1)} s (${result.rewriteStatus}), longest event-loop stall ${fmt.fixed(result.stallUsec / 1000, 2)} ms ` +
      `(target < 10 ms: ${result.stallUsec < 10_000 ? 'met' : 'MISSED'}; longest GC pause meanwhile ${fmt.fixed(result.gcMs)} ms), PING probe p99 ${fmt.fixed(result.probeP99Ms)} ms / max ${fmt.fixed(result.probeMaxMs)} ms, ` +
      `${fmt.int(result.writesPerSec)} writes/s meanwhile`);
    log(`  the same load without a rewrite: longest stall ${fmt.fixed(result.baselineStallMs)} ms, longest GC pause ${fmt.fixed(result.baselineGcMs)} ms`);
    // A clean stop (SIGTERM: flush and fsync), then a restart from the rewritten log.
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    result.logAfter = statSync(path.join(dir, 'appendonly.aof')).size;
    result.logBefore = logBefore;
    const t1 = Date.now();
    server = await restart(args);
    result.reloadSec = (Date.now() - t1) / 1000;
    const check = await RespClient.connect(server.port);
    const newKeys = [...model.keys()].filter((k) => k.startsWith('new:')).length;
    const dbsize = await check.call('DBSIZE');
    let mismatches = dbsize === keys + newKeys ? 0 : 1;
    for (const [key, value] of model) if ((await check.call('GET', key)) !== value) mismatches++;
    for (let i = 0; i < 1000; i++) {
      const k = Math.floor(Math.random() * keys);
      const key = `key:${k}`;
      if (model.has(key)) continue;
      if ((await check.call('GET', key)) !== `v${String(k).padStart(15, '0')}`) mismatches++;
    }
    check.close();
    result.modelKeys = model.size;
    result.dataOk = mismatches === 0;
    log(`  log ${fmt.mb(result.logBefore)} before, ${fmt.mb(result.logAfter)} after; restart from it ${fmt.fixed(result.reloadSec, 1)} s ` +
      `(${fmt.int(keys / result.reloadSec)} keys/s); data after restart vs the writers' model (${fmt.int(model.size)} keys) and 1,000 sampled keys: ${result.dataOk ? 'PASS' : `FAIL (${mismatches} mismatches)`}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export async function run(options = {}) {
  const o = { quick: false, tool: options.tool ?? benchmarkTool(), ...options };
  const log = o.log ?? ((s) => console.log(s));
  log('persistence: SET by appendfsync policy (redis-benchmark -t set -c 50 -d 64 -r 100000)');
  const tp = o.skipThroughput ? null : await throughputSection(o, log);
  log('persistence: salebench with the log on');
  const sale = o.skipSale ? null : await saleSection(o, log);
  log('persistence: BGREWRITEAOF of a large keyspace under load');
  const rw = o.skipRewrite ? null : await rewriteSection(o, log);
  const lines = ['## Persistence'];
  if (tp !== null) {
    lines.push('', 'SET throughput by fsync policy, `redis-benchmark -t set -c 50 -d 64 -r 100000` (req/s; p99 in ms):', '');
    lines.push(...table(['test', 'redis-server', 'Holdfast', 'Holdfast / Redis', 'Redis p99', 'Holdfast p99'], tp.rows));
  }
  for (const p of tp !== null ? [1, 16] : []) {
    const r = tp.results;
    lines.push('', `-P ${p}: Holdfast appendonly no / always = ${fmt.fixed(r[`holdfast/appendonly no/P${p}`].rps / r[`holdfast/always/P${p}`].rps)}x (target <= 2x); ` +
      `redis-server = ${fmt.fixed(r[`redis/appendonly no/P${p}`].rps / r[`redis/always/P${p}`].rps)}x. Holdfast's \`always\` released ` +
      `${fmt.fixed(r[`holdfast/always/P${p}`].released / r[`holdfast/always/P${p}`].fsyncs, 1)} waiting clients per fsync (group commit).`);
  }
  if (sale !== null) {
    lines.push('', 'salebench `--recreate` (ops/s; p99 in ms; server CPU µs per operation):', '');
    lines.push(...table(['server', 'ops/s', 'p99 PURCHASE', 'worst p99', 'CPU µs/op', 'audit'], sale.rows));
  }
  if (rw !== null) {
    lines.push(
      '',
      `BGREWRITEAOF of ${fmt.int(rw.keys)} keys while 4 clients write: ${fmt.fixed(rw.rewriteSec, 1)} s, longest event-loop stall ` +
        `**${fmt.fixed(rw.stallUsec / 1000, 2)} ms** (target < 10 ms; longest GC pause ${fmt.fixed(rw.gcMs)} ms; the same load without a rewrite: ` +
        `${fmt.fixed(rw.baselineStallMs)} ms stall, ${fmt.fixed(rw.baselineGcMs)} ms GC), PING p99 ${fmt.fixed(rw.probeP99Ms)} ms / max ${fmt.fixed(rw.probeMaxMs)} ms, ` +
        `${fmt.int(rw.writesPerSec)} writes/s meanwhile; redis-server: ${fmt.fixed(rw.redisRewriteSec, 1)} s with a ${fmt.fixed(rw.redisForkUsec / 1000, 1)} ms fork stall.`,
      `Log ${fmt.mb(rw.logBefore)} before, ${fmt.mb(rw.logAfter)} after; restart from it ${fmt.fixed(rw.reloadSec, 1)} s; data vs the writers' model: ${rw.dataOk ? 'PASS' : 'FAIL'}.`,
    );
  }
  return { name: 'persistence', lines };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quick') options.quick = true;
    else if (a === '--keys') options.keys = Number(args[++i]);
    else if (a === '--skip-sale') options.skipSale = true;
    else if (a === '--skip-rewrite') options.skipRewrite = true;
    else if (a === '--skip-throughput') options.skipThroughput = true;
    else throw new Error(`unknown option ${a}`);
  }
  run(options).then(
    (r) => console.log(`\n${r.lines.join('\n')}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
