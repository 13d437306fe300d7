// Flash-sale benchmark section: Holdfast's native sale commands against the Redis + Lua
// peer, in the same run, plus hold expiry lag and the in-process engine microbenchmark.
//
//   npx tsc -p tsconfig.json && node bench/sections/sale.mjs [--duration 20] [--skip-engine]
//
// 1. salebench (../shared/tools/salebench) --recreate for `duration` s: native mode against
//    Holdfast, lua mode against a real redis-server. Total ops/s, p99 latency per
//    operation, and server CPU per operation (the least noise-sensitive figure on a
//    shared machine), with the ratios. Targets: ops/s >= 2x the Lua peer, p99 <= the
//    peer's, CPU/op < the peer's.
// 2. Hold expiry lag over the wire: 100,000 holds across 20 sales whose HOLD goes from
//    6.0 to 10.75 s, so deadlines spread over 5 s. Two latenesses after each deadline
//    (deadline-ms from SALE.LOT): the `expired` event's arrival at a subscriber, and the
//    lot becoming available, seen by polling SALE.INFO every millisecond (holds of a
//    sale expire in deadline order, so the k-th expiry of a sale is its k-th earliest
//    deadline: no access to the holds is made, which would expire them lazily). Target:
//    p99 <= 10 ms for both.
// 3. bench/saleEngine.mjs: the engine alone, in process.
//
// Exports run(options) for bench/run.mjs; runs by itself when executed directly.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineCpuTicks, medianBy, stolenPercent } from '../lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const salebenchPath = path.resolve(root, '../shared/tools/salebench/salebench.js');

// ---- processes ------------------------------------------------------------------------

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

async function waitForPing(port, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const c = await RespClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === 'PONG') return;
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
  throw new Error(`nothing answered on port ${port}`);
}

/** The built Holdfast CLI, persistence off as the Lua peer's redis-server. */
async function startHoldfast() {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
  const port = await freePort();
  // SALE_BENCH_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof) when profiling.
  const nodeArgs = (process.env.SALE_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, path.join(root, 'bin/holdfast.js'), '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'no', '--save', ''];
  // SALE_BENCH_SERVER_LOG: where the server's output goes (with --trace-gc, say).
  const logFile = process.env.SALE_BENCH_SERVER_LOG;
  const stdio = logFile ? ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] : 'ignore';
  const child = spawn(process.execPath, args, { stdio });
  await waitForPing(port, child);
  return { port, pid: child.pid, stop: () => stopChild(child, nodeArgs.length > 0 ? 'SIGINT' : 'SIGKILL') };
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await waitForPing(port, child);
  return {
    port,
    pid: child.pid,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child, signal = 'SIGKILL') {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(signal);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

// ---- a small pipelining RESP client (timestamps each chunk as it arrives) --------------

class RespClient {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    // One entry per pipeline, not per command: a promise per reply would dominate the cost
    // of reading 100,000 replies. A queue with a head index, as shift() is O(n).
    this.batches = [];
    this.head = 0;
    /** Out-of-band messages (pub/sub): fn(reply, arrivalMs). */
    this.onPush = null;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.received(chunk));
    socket.on('error', () => {});
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
  }

  received(chunk) {
    const at = wallNow();
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const r = parse(this.buf, pos);
      if (r === null) break;
      pos = r.end;
      const v = r.value;
      if (this.onPush !== null && Array.isArray(v) && (v[0] === 'message' || v[0] === 'pmessage')) {
        this.onPush(v, at);
        continue;
      }
      const batch = this.batches[this.head];
      if (batch === undefined) continue;
      batch.replies.push(v);
      if (batch.replies.length === batch.n) {
        this.head++;
        if (this.head === this.batches.length) {
          this.batches = [];
          this.head = 0;
        }
        batch.resolve(batch.replies);
      }
    }
    this.buf = this.buf.subarray(pos);
  }

  /** Sends many commands in one write; resolves with their replies (errors as Error values). */
  pipeline(commands) {
    let out = '';
    for (const argv of commands) {
      out += `*${argv.length}\r\n`;
      for (const a of argv) {
        const s = String(a);
        out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
      }
    }
    return new Promise((resolve) => {
      this.batches.push({ n: commands.length, replies: [], resolve });
      this.socket.write(out, 'latin1');
    });
  }

  async call(...argv) {
    const [reply] = await this.pipeline([argv]);
    if (reply instanceof Error) throw reply;
    return reply;
  }

  close() {
    this.socket.destroy();
  }
}

/** One RESP2 reply from buf at pos: { value, end }, or null if incomplete. */
function parse(buf, pos) {
  if (pos >= buf.length) return null;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 43: // +
      return { value: line, end: next };
    case 45: // -
      return { value: new Error(line), end: next };
    case 58: // :
      return { value: Number(line), end: next };
    case 36: { // $
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('latin1', next, next + n), end: next + n + 2 };
    }
    case 42: { // *
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new Error(`unexpected reply type ${String.fromCharCode(type)}`);
  }
}

// ---- statistics -------------------------------------------------------------------------

function percentiles(values) {
  const s = Float64Array.from(values).sort();
  const at = (p) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]);
  return { count: s.length, p50: at(50), p99: at(99), p999: at(99.9), max: s.length ? s[s.length - 1] : NaN };
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');

// ---- 1. salebench, native against Lua ----------------------------------------------------

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
        resolve({ code, summary: JSON.parse(out.trim().split('\n').pop()), text: out });
      } catch {
        reject(new Error(`salebench ${mode} printed no summary (exit ${code}):\n${out}\n${err}`));
      }
    });
  });
}

function worstP99(summary) {
  return Math.max(...Object.values(summary.ops).map((o) => o.p99_ms ?? 0));
}

async function salebenchSection(options, log) {
  if (!existsSync(salebenchPath)) {
    log(`salebench not found at ${salebenchPath}: skipped`);
    return null;
  }
  const args = ['--recreate', '--duration', String(options.duration)];
  // With --repeat R, R rounds of one run each, the order flipping every round (the machine's
  // load and the hypervisor's steal drift over minutes); the median run of each side is
  // compared, and every run is listed.
  const rounds = Math.max(1, options.repeat ?? 1);
  const runs = { lua: [], native: [] };
  const runOne = async (mode) => {
    const server = mode === 'lua' ? await startRedis() : await startHoldfast();
    try {
      log(`salebench ${mode} against ${mode === 'lua' ? 'redis-server' : 'Holdfast'} (port ${server.port}), ${options.duration} s ...`);
      const before = machineCpuTicks();
      const summary = (await runSalebench(server.port, mode, args)).summary;
      runs[mode].push({ ...summary, stolen_pct: stolenPercent(before, machineCpuTicks()) });
    } finally {
      await server.stop();
    }
  };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ['lua', 'native'] : ['native', 'lua']) await runOne(mode);
  }
  const opsPerSecond = (summary) => summary.total_ops_per_s;
  const results = { lua: medianBy(runs.lua, opsPerSecond), native: medianBy(runs.native, opsPerSecond), runs };
  const { lua, native } = results;
  const row = (label, s) =>
    `${label.padEnd(20)}${fmt(s.total_ops_per_s).padStart(10)}${fmt(s.ops.reserve.p99_ms, 2).padStart(12)}${fmt(worstP99(s), 2).padStart(12)}` +
    `${fmt(s.server_cpu_us_per_op, 2).padStart(14)}${fmt(s.server_cpu_pct, 0).padStart(10)}%${fmt(s.client_cpu_pct, 0).padStart(10)}%${fmt(s.other_cpu_pct, 0).padStart(10)}%   ${s.audit.ok ? 'PASS' : s.audit.skipped ? 'skipped' : 'FAIL'}`;
  log('');
  log(`salebench --recreate --duration ${options.duration} (${native.conns} connections, ${fmt(native.users)} users, ${fmt(native.lots)} lots per sale, limit ${native.limit}, hold ${native.hold_ms} ms)`);
  log(`${''.padEnd(20)}${'ops/s'.padStart(10)}${'p99 RESERVE'.padStart(12)}${'p99 worst'.padStart(12)}${'CPU us/op'.padStart(14)}${'server'.padStart(11)}${'client'.padStart(11)}${'others'.padStart(11)}   audit`);
  log(row('redis-server + Lua', lua));
  log(row('Holdfast native', native));
  const ratio = {
    ops: native.total_ops_per_s / lua.total_ops_per_s,
    p99: worstP99(native) / worstP99(lua),
    cpu: native.server_cpu_us_per_op / lua.server_cpu_us_per_op,
  };
  log(`${'Holdfast / Redis'.padEnd(20)}${(fmt(ratio.ops, 2) + 'x').padStart(10)}${''.padStart(12)}${(fmt(ratio.p99, 2) + 'x').padStart(12)}${(fmt(ratio.cpu, 2) + 'x').padStart(14)}`);
  log(`targets: ops/s >= 2x ${ratio.ops >= 2 ? 'met' : 'MISSED'}; p99 <= Redis ${ratio.p99 <= 1 ? 'met' : 'MISSED'}; CPU/op < Redis ${ratio.cpu < 1 ? 'met' : 'MISSED'}`);
  // salebench is one Node process: once it uses a whole core, ops/s measure the client.
  if (native.client_cpu_pct >= 85) log(`note: the salebench client used ${fmt(native.client_cpu_pct, 0)}% of a core against Holdfast: the ops/s ratio is bounded by the client, CPU per operation is the server's figure`);
  if (rounds > 1) log(roundsLine(runs));
  return { ...results, ratio };
}

/** Every run's ops/s and the CPU the hypervisor stole meanwhile, round by round. */
function roundsLine(runs) {
  const each = runs.lua.map((l, i) => {
    const n = runs.native[i];
    return `${fmt(l.total_ops_per_s)} (${fmt(l.stolen_pct, 1)}% stolen) / ${fmt(n.total_ops_per_s)} (${fmt(n.stolen_pct, 1)}%) = ${fmt(n.total_ops_per_s / l.total_ops_per_s, 2)}x`;
  });
  return `rounds, Lua / native ops/s: ${each.join('; ')}`;
}

// ---- 2. hold expiry lag -------------------------------------------------------------------

async function expiryLagSection(options, log) {
  const SALES = options.lagSales ?? 20;
  const LOTS = options.lagLots ?? 5000;
  const FIRST_HOLD = 6000;
  const SPREAD = 5000;
  const holdOf = (i) => FIRST_HOLD + Math.round((SPREAD * i) / SALES);
  const key = (i) => `lag:${i}`;
  const holdfast = await startHoldfast();
  const [cmd, sub, poll] = await Promise.all([RespClient.connect(holdfast.port), RespClient.connect(holdfast.port), RespClient.connect(holdfast.port)]);
  try {
    const total = SALES * LOTS;
    log('');
    log(`hold expiry lag: ${fmt(total)} holds in ${SALES} sales, HOLD ${fmt(FIRST_HOLD / 1000, 2)} .. ${fmt(holdOf(SALES - 1) / 1000, 2)} s ...`);
    const channelSale = new Map();
    for (let i = 0; i < SALES; i++) channelSale.set(`__sale@0__:${key(i)}`, i);
    const eventAt = Array.from({ length: SALES }, () => new Float64Array(LOTS).fill(NaN));
    let expiredEvents = 0;
    sub.onPush = (m, at) => {
      const text = m[2];
      if (!text.startsWith('expired ')) return;
      const sale = channelSale.get(m[1]);
      const lot = Number(text.slice(8, text.indexOf(' ', 8)));
      eventAt[sale][lot] = at;
      expiredEvents++;
    };
    const created = await cmd.pipeline(Array.from({ length: SALES }, (_, i) => ['SALE.CREATE', key(i), LOTS, 'HOLD', holdOf(i)]));
    if (created.some((r) => r !== 'OK')) throw new Error(`SALE.CREATE failed: ${created.find((r) => r !== 'OK')}`);
    const t0 = wallNow();
    // Round robin over the sales, so each sale's holds span the whole reservation phase and
    // the deadlines spread evenly instead of in one burst per sale.
    const CHUNK = 1000;
    for (let j = 0; j < total; j += CHUNK) {
      const batch = [];
      for (let k = j; k < Math.min(total, j + CHUNK); k++) batch.push(['RESERVE', key(k % SALES), `u${k}`]);
      const replies = await cmd.pipeline(batch);
      const failed = replies.find((r) => r instanceof Error);
      if (failed) throw failed;
    }
    const reserved = wallNow();
    // Subscribed only now, so the reservations above are not slowed by 100,000 `reserved` messages.
    await sub.pipeline([...channelSale.keys()].map((c) => ['SUBSCRIBE', c]));
    // Deadlines exactly as the server set them.
    const deadlines = [];
    for (let i = 0; i < SALES; i++) {
      const d = new Float64Array(LOTS);
      for (let j = 0; j < LOTS; j += CHUNK) {
        const batch = [];
        for (let k = j; k < Math.min(LOTS, j + CHUNK); k++) batch.push(['SALE.LOT', key(i), k]);
        const replies = await cmd.pipeline(batch);
        replies.forEach((r, n) => {
          if (r === null) throw new Error('a hold expired before its deadline was read: the reservation phase was too slow for this machine');
          d[j + n] = r[7];
        });
      }
      deadlines.push(d);
    }
    const read = wallNow();
    log(`  reserved in ${fmt(reserved - t0)} ms, deadlines read in ${fmt(read - reserved)} ms; waiting for every deadline`);
    const cpuBefore = machineCpuTicks();
    const lastDeadline = Math.max(...deadlines.map((d) => Math.max(...d)));
    // Availability without touching a hold (an access would expire it lazily, on time by
    // definition): expired-holds of the sales whose next deadline is due, polled every
    // millisecond. Holds of a sale expire in deadline order (one heap), so the k-th expiry
    // of a sale is its k-th earliest deadline: it was available by the first poll counting k.
    const sortedDeadlines = deadlines.map((d) => Float64Array.from(d).sort());
    const availableAt = sortedDeadlines.map((d) => new Float64Array(d.length).fill(NaN));
    const seen = new Int32Array(SALES);
    let polls = 0;
    while (options.lagPoll !== false && seen.some((n) => n < LOTS)) {
      const now = wallNow();
      if (now > lastDeadline + 10_000) throw new Error('holds did not all expire within 10 s of the last deadline');
      const due = [];
      let next = Infinity;
      for (let i = 0; i < SALES; i++) {
        if (seen[i] === LOTS) continue;
        const d = sortedDeadlines[i][seen[i]];
        if (d <= now + 2) due.push(i);
        else if (d < next) next = d;
      }
      if (due.length === 0) {
        await sleep(Math.max(0, next - now - 2));
        continue;
      }
      const replies = await poll.pipeline(due.map((i) => ['SALE.INFO', key(i)]));
      const at = wallNow();
      polls++;
      replies.forEach((r, n) => {
        const i = due[n];
        const expired = r[r.indexOf('expired-holds') + 1];
        for (let k = seen[i]; k < expired; k++) availableAt[i][k] = at;
        if (expired > seen[i]) seen[i] = expired;
      });
      await sleep(1);
    }
    while (expiredEvents < total) {
      if (wallNow() > lastDeadline + 10_000) throw new Error(`only ${expiredEvents} of ${total} expired events arrived`);
      await sleep(20);
    }
    const eventLate = [];
    const availableLate = [];
    for (let i = 0; i < SALES; i++) {
      for (let k = 0; k < LOTS; k++) {
        eventLate.push(eventAt[i][k] - deadlines[i][k]);
        availableLate.push(availableAt[i][k] - sortedDeadlines[i][k]);
      }
    }
    if (eventLate.some(Number.isNaN)) throw new Error(`only ${expiredEvents} of ${total} expired events arrived`);
    if (process.env.SALE_LAG_DEBUG) {
      const worst = [];
      for (let i = 0; i < SALES; i++) for (let k = 0; k < LOTS; k++) worst.push([deadlines[i][k] - t0, eventAt[i][k] - deadlines[i][k]]);
      worst.sort((x, y) => y[1] - x[1]);
      console.log(worst.slice(0, 40).map(([d, l]) => `${d.toFixed(0)}:${l.toFixed(1)}`).join(' '));
    }
    const stolen = stolenPercent(cpuBefore, machineCpuTicks());
    // The server's own view of its event loop over the run (INFO memory, src/observability).
    const memoryInfo = String(await cmd.call('INFO', 'memory'));
    const field = (name) => /^([\d.]+)/.exec(memoryInfo.split(`${name}:`)[1] ?? '')?.[1];
    const stall = field('eventloop_max_stall_ms');
    const gcMax = field('gc_max_pause_ms');
    const ev = percentiles(eventLate);
    const av = percentiles(availableLate);
    const line = (label, p) => `${label.padEnd(44)}${fmt(p.p50, 2).padStart(8)}${fmt(p.p99, 2).padStart(8)}${fmt(p.p999, 2).padStart(8)}${fmt(p.max, 2).padStart(8)}`;
    log(`  ${''.padEnd(42)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'p99.9'.padStart(8)}${'max'.padStart(8)}  ms after the deadline`);
    log('  ' + line('`expired` event at the subscriber', ev));
    log('  ' + line(`lot available (${fmt(polls)} SALE.INFO polls)`, av));
    if (stall !== undefined) log(`  server: longest event-loop stall ${stall} ms, longest GC pause ${gcMax ?? '-'} ms (INFO memory); CPU stolen by the hypervisor while waiting: ${fmt(stolen, 1)}%`);
    log(`  target p99 <= 10 ms: event ${ev.p99 <= 10 ? 'met' : 'MISSED'}, availability ${av.p99 <= 10 ? 'met' : 'MISSED'}`);
    return { holds: total, event: ev, available: av, stolen };
  } finally {
    cmd.close();
    sub.close();
    poll.close();
    await holdfast.stop();
  }
}

// ---- 3. the engine alone -------------------------------------------------------------------

function engineSection(options, log) {
  return new Promise((resolve, reject) => {
    log('');
    log(`engine microbenchmark (bench/saleEngine.mjs ${options.engineLots}), in process, no sockets:`);
    const child = spawn(process.execPath, ['--expose-gc', path.join(root, 'bench/saleEngine.mjs'), String(options.engineLots)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      for (const l of out.trimEnd().split('\n')) log('  ' + l);
      if (code !== 0) reject(new Error(`saleEngine.mjs exited with ${code}`));
      else resolve({ output: out });
    });
  });
}

/** Markdown for BENCHMARKS.md from the section's results. */
function markdown(opts, salebench, lag, engine) {
  const md = [];
  if (salebench) {
    const { lua, native, ratio } = salebench;
    md.push(
      `salebench \`--recreate --duration ${opts.duration}\` (${native.conns} connections, ${fmt(native.lots)} lots per sale, limit ${native.limit}, hold ${native.hold_ms} ms), the same workload on both:`,
      '',
      '| | ops/s | p99 RESERVE ms | p99 worst op ms | server CPU µs/op | salebench client CPU | audit |',
      '|---|---:|---:|---:|---:|---:|---|',
    );
    for (const [label, s] of [['redis-server + Lua scripts', lua], ['Holdfast native commands', native]]) {
      md.push(`| ${label} | ${fmt(s.total_ops_per_s)} | ${fmt(s.ops.reserve.p99_ms, 2)} | ${fmt(worstP99(s), 2)} | ${fmt(s.server_cpu_us_per_op, 2)} | ${fmt(s.client_cpu_pct, 0)}% | ${s.audit.ok ? 'pass' : 'FAIL'} |`);
    }
    md.push(`| Holdfast / Redis | ${fmt(ratio.ops, 2)}x | | ${fmt(ratio.p99, 2)}x | ${fmt(ratio.cpu, 2)}x | | |`, '');
    if (salebench.runs.lua.length > 1) {
      md.push(
        `The median of ${salebench.runs.lua.length} runs each, in rounds whose order flips (Lua first, then Holdfast first, ...). Every round, with the share of the machine's CPU the hypervisor stole (/proc/stat) during each run:`,
        '',
        roundsLine(salebench.runs),
        '',
      );
    }
  }
  if (lag) {
    md.push(
      `Hold expiry lag over the wire, ${fmt(lag.holds)} holds with deadlines spread over about 5 s (ms after the deadline):`,
      '',
      '| | p50 | p99 | p99.9 | max |',
      '|---|---:|---:|---:|---:|',
      `| \`expired\` event at a subscriber | ${fmt(lag.event.p50, 2)} | ${fmt(lag.event.p99, 2)} | ${fmt(lag.event.p999, 2)} | ${fmt(lag.event.max, 2)} |`,
      `| lot available again (SALE.INFO polled every ms) | ${fmt(lag.available.p50, 2)} | ${fmt(lag.available.p99, 2)} | ${fmt(lag.available.p999, 2)} | ${fmt(lag.available.max, 2)} |`,
      '',
      `CPU the hypervisor stole meanwhile (/proc/stat): ${fmt(lag.stolen, 1)}%.`,
      '',
    );
  }
  if (engine) md.push(`Engine alone (\`node --expose-gc bench/saleEngine.mjs ${opts.engineLots}\`):`, '', '```', ...engine.output.trimEnd().split('\n'), '```', '');
  return md;
}

/**
 * The section: salebench native vs Lua, hold expiry lag, the engine microbenchmark.
 * Prints with options.log; returns { lines } (markdown for BENCHMARKS.md) and the figures.
 */
export async function run(options = {}) {
  const quick = options.quick === true;
  const opts = {
    duration: quick ? 5 : 20,
    engineLots: quick ? 200_000 : 2_000_000,
    lagSales: quick ? 10 : 20,
    lagLots: quick ? 1000 : 5000,
    skipEngine: false,
    skipSalebench: false,
    skipLag: false,
    ...options,
  };
  const log = opts.log ?? ((s) => console.log(s));
  const salebench = opts.skipSalebench ? null : await salebenchSection(opts, log);
  const lag = opts.skipLag ? null : await expiryLagSection(opts, log);
  const engine = opts.skipEngine ? null : await engineSection(opts, log);
  return { name: 'sale', salebench, lag, engine, lines: markdown(opts, salebench, lag, engine) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--duration') options.duration = Number(args[++i]);
    else if (a === '--engine-lots') options.engineLots = Number(args[++i]);
    else if (a === '--skip-engine') options.skipEngine = true;
    else if (a === '--skip-salebench') options.skipSalebench = true;
    else if (a === '--skip-lag') options.skipLag = true;
    else if (a === '--quick') options.quick = true;
    else if (a === '--repeat') options.repeat = Number(args[++i]);
    else if (a === '--no-lag-poll') options.lagPoll = false;
    else throw new Error(`unknown option ${a}`);
  }
  run(options).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
