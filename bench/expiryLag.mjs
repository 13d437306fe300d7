// Expiry lag: how late does a key's `expired` event arrive after its deadline, when nobody
// touches the key? Holdfast (deadline heap + one timer) against a real redis-server 7
// (active expiry by sampling), in the same run, one after the other on an idle machine.
//
//   npx tsc -p tsconfig.json && node bench/expiryLag.mjs [--keys 100000 --long 1000000]
//       [--holdfast-only] [--node-args "--single-threaded-gc"]
//
// Each server gets `--notify-keyspace-events Ex`, then, pipelined:
//   - `long` keys with a 1-hour TTL (the bulk of a real keyspace, never expiring here);
//   - `keys` keys with TTLs spread uniformly over 1-5 s, set with SET ... PXAT so each
//     deadline is known to the millisecond.
// A subscriber on __keyevent@0__:expired, in its own thread so that the loading never
// delays its timestamps, records when each short key's event arrives; lag = arrival -
// deadline. Prints p50/p90/p99/p99.9/max lag and events received side by side, then one
// JSON line. Percentiles are over every short key: one whose event has not come 30 s after
// the last deadline counts as not expired (null in the JSON). Target: Holdfast p99 <= 10 ms.
//
// Exports run(options) for bench/run.mjs; runs by itself when executed directly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock milliseconds with sub-millisecond resolution (deadlines are wall-clock). */
const nowMs = () => performance.timeOrigin + performance.now();

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

async function waitForPing(port, child, name) {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const s = await connect(port);
      const reply = await new Promise((resolve) => {
        s.once('data', (d) => resolve(d.toString()));
        s.write('PING\r\n');
      });
      s.destroy();
      if (reply.startsWith('+PONG')) return;
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
  throw new Error(`${name} did not answer PING on port ${port}`);
}

async function startServer(name, nodeArgs = []) {
  const port = await freePort();
  let command, args, dir = null;
  if (name === 'holdfast') {
    if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
    command = process.execPath;
    args = [...nodeArgs, path.join(root, 'bin/holdfast.js'), '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'no', '--notify-keyspace-events', 'Ex'];
  } else {
    dir = mkdtempSync(path.join(tmpdir(), 'holdfast-expirylag-'));
    command = 'redis-server';
    args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--notify-keyspace-events', 'Ex'];
  }
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(port, child, name);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n${stderr}`);
  }
  return { port, stop };
}

/**
 * Sends `count` commands built by `build(i)` in pipelined batches, waiting for each batch's
 * replies (single-line replies: +OK or an error) before the next. Throws on an error reply.
 */
async function pipeline(socket, count, build, batch = 10_000) {
  let pending = 0;
  let error = null;
  let wake = null;
  let tail = '';
  const onData = (d) => {
    const s = tail + d.toString('latin1');
    let lines = 0;
    let start = 0;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) {
      if (s.charCodeAt(start) === 45 /* - */ && error === null) error = s.slice(start, i - 1);
      lines++;
      start = i + 1;
    }
    tail = s.slice(start);
    pending -= lines;
    if (pending <= 0 && wake) wake();
  };
  socket.on('data', onData);
  try {
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      const batchNow = Date.now();
      let out = '';
      for (let j = i; j < i + n; j++) out += build(j, batchNow);
      pending += n;
      const done = new Promise((r) => (wake = r));
      socket.write(out, 'latin1');
      await done;
      if (error) throw new Error(`server replied ${error}`);
    }
  } finally {
    socket.off('data', onData);
  }
}

function cmd(...argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** A deterministic uniform generator (mulberry32), so both servers get the same deadlines. */
function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Collects `expired` events from a RESP2 subscriber: key -> arrival time. */
function subscribeExpired(socket, onEvent, onReady) {
  let buf = '';
  socket.on('data', (d) => {
    const arrived = nowMs();
    buf += d.toString('latin1');
    let p = 0;
    for (;;) {
      // *3\r\n$7\r\nmessage\r\n$<n>\r\n<channel>\r\n$<m>\r\n<key>\r\n (or the subscribe confirmation)
      if (buf.length - p < 4) break;
      const h = buf.indexOf('\r\n', p);
      if (h === -1) break;
      const items = Number(buf.slice(p + 1, h));
      let q = h + 2;
      const parts = [];
      let complete = true;
      for (let k = 0; k < items; k++) {
        const e = buf.indexOf('\r\n', q);
        if (e === -1) { complete = false; break; }
        if (buf[q] === ':') { parts.push(buf.slice(q + 1, e)); q = e + 2; continue; }
        const len = Number(buf.slice(q + 1, e));
        if (buf.length < e + 2 + len + 2) { complete = false; break; }
        parts.push(buf.slice(e + 2, e + 2 + len));
        q = e + 2 + len + 2;
      }
      if (!complete) break;
      p = q;
      if (parts[0] === 'message') onEvent(parts[2], arrived);
      else if (parts[0] === 'subscribe') onReady();
    }
    buf = buf.slice(p);
  });
  socket.write(cmd('SUBSCRIBE', '__keyevent@0__:expired'));
}

/**
 * The subscriber thread: writes each short key's arrival time into the shared `arrivals`
 * (index = key number), then bumps counters[0]; anything else bumps counters[1].
 */
function runSubscriber({ port, arrivals, counters }) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  subscribeExpired(
    socket,
    (key, arrived) => {
      const i = key.startsWith('s:') ? Number(key.slice(2)) : -1;
      if (!(i >= 0 && i < arrivals.length) || arrivals[i] !== 0) return void Atomics.add(counters, 1, 1);
      arrivals[i] = arrived;
      Atomics.add(counters, 0, 1); // publishes the arrival to the main thread
    },
    () => parentPort.postMessage('ready'),
  );
  parentPort.on('message', () => {
    socket.destroy();
    parentPort.close();
  });
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Loads one server, waits for the short keys' events, returns the lag figures. */
async function measure(name, { keys, long, log, nodeArgs }) {
  const server = await startServer(name, nodeArgs);
  const loader = await connect(server.port);
  const arrivals = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, keys)));
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const subscriber = new Worker(new URL(import.meta.url), { workerData: { role: 'expiryLagSubscriber', port: server.port, arrivals, counters } });
  try {
    await new Promise((resolve, reject) => {
      subscriber.once('message', resolve);
      subscriber.once('error', reject);
    });
    const deadlines = new Float64Array(keys);

    let t = nowMs();
    const hour = String(Math.floor(Date.now()) + 3_600_000);
    await pipeline(loader, long, (i) => cmd('SET', `l:${i}`, 'v', 'PXAT', hour));
    const longMs = nowMs() - t;

    // TTLs uniform over 1-5 s from the moment each batch is sent (so a slow load never
    // sets a key after its deadline), as absolute deadlines known to the millisecond.
    const rand = uniform(0x5eed);
    let lastDeadline = 0;
    t = nowMs();
    await pipeline(loader, keys, (i, batchNow) => {
      const at = batchNow + 1000 + Math.floor(rand() * 4000);
      deadlines[i] = at;
      if (at > lastDeadline) lastDeadline = at;
      return cmd('SET', `s:${i}`, 'v', 'PXAT', String(at));
    });
    const shortMs = nowMs() - t;
    log(`${name}: loaded ${long.toLocaleString('en-US')} long keys in ${(longMs / 1000).toFixed(1)} s, ${keys.toLocaleString('en-US')} short keys in ${(shortMs / 1000).toFixed(2)} s`);

    // Wait for every event, or give up 30 s after the last deadline (sampling may never
    // get to some keys in a keyspace this size).
    const giveUp = lastDeadline + 30_000;
    while (Atomics.load(counters, 0) < keys && Date.now() < giveUp) await sleep(100);
    await sleep(200); // stragglers and duplicates
    const events = Atomics.load(counters, 0);
    const lags = new Float64Array(keys);
    let lastArrival = 0;
    for (let i = 0; i < keys; i++) {
      lags[i] = arrivals[i] > 0 ? arrivals[i] - deadlines[i] : Infinity;
      if (arrivals[i] > lastArrival) lastArrival = arrivals[i];
    }
    lags.sort();
    const finite = (v) => (Number.isFinite(v) ? v : null);
    return {
      events,
      expected: keys,
      unexpected: Atomics.load(counters, 1),
      p50: finite(percentile(lags, 0.5)),
      p90: finite(percentile(lags, 0.9)),
      p99: finite(percentile(lags, 0.99)),
      p999: finite(percentile(lags, 0.999)),
      max: finite(lags[keys - 1]),
      min: finite(lags[0]),
      lastEventAfterLastDeadlineMs: lastArrival ? lastArrival - lastDeadline : null,
      loadLongMs: longMs,
      loadShortMs: shortMs,
    };
  } finally {
    subscriber.postMessage('stop');
    await subscriber.terminate();
    loader.destroy();
    await server.stop();
  }
}

/**
 * The floor this machine sets: how late a bare setTimeout fires in a fresh Node process
 * (1,000 timers 1-5 ms ahead). On a shared box the OS scheduler alone adds this much.
 */
function timerBaseline() {
  const script = `
    const lags = []; let n = 0;
    const next = () => {
      const due = performance.now() + 1 + Math.random() * 4;
      setTimeout(() => { lags.push(performance.now() - due); if (++n < 1000) next(); else done(); }, due - performance.now());
    };
    const done = () => { lags.sort((a, b) => a - b); const p = (q) => lags[Math.ceil(q * lags.length) - 1];
      console.log(JSON.stringify({ p50: p(0.5), p90: p(0.9), p99: p(0.99), p999: p(0.999), max: lags.at(-1) })); };
    next();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : null;
}

function hasRedis() {
  return spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
}

/**
 * options: keys (short-TTL keys, default 100,000), long (1-hour keys, default 1,000,000),
 * redis (false: skip redis-server), nodeArgs (V8/Node flags for Holdfast's process, e.g.
 * ['--single-threaded-gc']), log (default console.log). Returns { keys, long, holdfast, redis } with lag figures in ms
 * (redis null when redis-server is not installed).
 */
export async function run(options = {}) {
  const keys = options.keys ?? 100_000;
  const long = options.long ?? 1_000_000;
  const log = options.log ?? console.log;
  const baseline = timerBaseline();
  const nodeArgs = options.nodeArgs ?? [];
  const holdfast = await measure('holdfast', { keys, long, log, nodeArgs });
  let redis = null;
  if (options.redis === false) log('redis-server skipped (--holdfast-only)');
  else if (hasRedis()) redis = await measure('redis', { keys, long, log });
  else log('redis-server is not installed: Holdfast alone');

  const ms = (v) => (v === null ? 'not expired' : Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
  const rows = [
    ['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p99.9', 'p999'], ['max', 'max'],
  ];
  log('');
  log(`expiry lag after the deadline (${keys.toLocaleString('en-US')} keys over 1-5 s, ${long.toLocaleString('en-US')} 1-hour keys)`);
  log(`${''.padEnd(18)}${'holdfast'.padStart(14)}${'redis-server'.padStart(16)}`);
  for (const [label, k] of rows) log(`${label.padEnd(18)}${ms(holdfast[k]).padStart(14)}${(redis ? ms(redis[k]) : 'n/a').padStart(16)}`);
  const got = (r) => (r ? `${r.events}/${r.expected}` : 'n/a');
  log(`${'events received'.padEnd(18)}${got(holdfast).padStart(14)}${got(redis).padStart(16)}`);
  if (baseline) log(`bare setTimeout lateness on this machine (the floor): p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}, max ${ms(baseline.max)}`);
  const result = { bench: 'expiryLag', keys, long, nodeArgs, holdfast, redis, timerBaseline: baseline, targetP99Ms: 10, pass: holdfast.events === keys && holdfast.p99 !== null && holdfast.p99 <= 10 };
  log(JSON.stringify(result));
  return result;
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if (flag === '--holdfast-only') {
      options.redis = false;
    } else if (flag === '--node-args' && i + 1 < argv.length) {
      options.nodeArgs = argv[++i].split(/\s+/).filter(Boolean);
    } else if ((flag === '--keys' || flag === '--long') && Number.isInteger(value) && value >= 0) {
      options[flag.slice(2)] = value;
      i++;
    } else {
      throw new Error(`usage: node bench/expiryLag.mjs [--keys N] [--long N] [--holdfast-only] [--node-args "FLAGS"] (bad argument ${flag})`);
    }
  }
  return options;
}

if (!isMainThread && workerData?.role === 'expiryLagSubscriber') {
  runSubscriber(workerData);
} else if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run(parseArgs(process.argv.slice(2))).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
