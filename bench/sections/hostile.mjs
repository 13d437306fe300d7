// Hostile clients: how a well-behaved probe client fares while others abuse the server.
// Each scenario runs for a few seconds against Redis and against Holdfast (built, in its own
// process); the abuse comes from a separate load process (this file, forked), so the
// probe's own event loop measures only the server. Reported: the probe's round-trip
// percentiles (SET then GET of a checked value), wrong replies (must be 0), and the
// server's RSS at the end of the scenario.
//
//   baseline   the probe alone
//   fuzz       20 connections sending random and mutated RESP, reconnecting when dropped
//   trickle    20 connections announcing a 1 GB bulk and trickling it (query buffer limit 64 MB)
//   subscriber 10 subscribers that never read, a publisher flooding 16 KB messages
//   idle       10,000 idle connections
//   churn      connections opened and dropped in a tight loop by 20 workers
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { RespClient, fmt, memory, sleep, startHoldfast, startRedis, table } from '../lib.mjs';

const SCENARIOS = ['baseline', 'fuzz', 'trickle', 'subscriber', 'idle', 'churn'];

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The probe: SET/GET round trips with checked values until `ms` have passed. */
async function probe(port, ms) {
  const c = await RespClient.connect(port);
  const lat = [];
  let wrong = 0;
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) {
    const v = `v${i}`;
    const t0 = performance.now();
    const set = await c.call('SET', `probe:${i % 100}`, v);
    const get = await c.call('GET', `probe:${i % 100}`);
    lat.push((performance.now() - t0) / 2);
    if (set !== 'OK' || get !== v) wrong++;
  }
  c.close();
  lat.sort((a, b) => a - b);
  return { n: lat.length, wrong, p50: percentile(lat, 50), p99: percentile(lat, 99), p999: percentile(lat, 99.9), max: lat[lat.length - 1] };
}

// ------------------------------------------------------------------------------------------
// The load process: `node hostile.mjs load <scenario> <port>`, runs until killed; says
// "ready" once the abuse is in place.

function encode(argv) {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

function randomPayload() {
  const r = Math.random();
  if (r < 0.2) return Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256)));
  if (r < 0.4) return Buffer.from('*1\r\n$999999999999\r\n');
  if (r < 0.5) return Buffer.from('*2\r\n' + '*1\r\n'.repeat(20) + '$4\r\nPING\r\n');
  if (r < 0.6) return Buffer.alloc(70 * 1024, 'a');
  if (r < 0.7) return Buffer.from('*1\r\n$-5\r\n');
  const b = Buffer.from(encode(['SET', `fuzz:${Math.floor(Math.random() * 100)}`, 'x'.repeat(Math.floor(Math.random() * 1000))]));
  if (Math.random() < 0.5) b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
  return b;
}

function connect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.on('error', () => resolve(s));
  });
}

async function fuzzer(port) {
  for (;;) {
    const s = await connect(port);
    let open = true;
    s.on('close', () => (open = false));
    s.on('data', () => {});
    while (open) {
      s.write(randomPayload());
      await sleep(1);
    }
  }
}

async function trickler(port) {
  for (;;) {
    const s = await connect(port);
    let open = true;
    s.on('close', () => (open = false));
    s.on('data', () => {});
    s.write('*2\r\n$3\r\nSET\r\n$1000000000\r\n');
    const chunk = Buffer.alloc(16 * 1024, 'z');
    while (open) {
      s.write(chunk);
      await sleep(2);
    }
  }
}

async function load(scenario, port) {
  const ready = () => process.send?.('ready');
  if (scenario === 'baseline') return ready();
  if (scenario === 'fuzz') {
    for (let i = 0; i < 20; i++) void fuzzer(port);
    return ready();
  }
  if (scenario === 'trickle') {
    for (let i = 0; i < 20; i++) void trickler(port);
    return ready();
  }
  if (scenario === 'subscriber') {
    for (let i = 0; i < 10; i++) {
      const s = await connect(port);
      s.write(encode(['SUBSCRIBE', 'busy']));
      await sleep(10);
      s.pause(); // never reads again
    }
    const pub = await connect(port);
    pub.on('data', () => {});
    const msg = encode(['PUBLISH', 'busy', 'm'.repeat(16 * 1024)]);
    const flood = () => {
      while (pub.write(msg));
      pub.once('drain', flood);
    };
    ready();
    return flood();
  }
  if (scenario === 'idle') {
    const held = [];
    for (let i = 0; i < 10_000; i += 500) held.push(...(await Promise.all(Array.from({ length: 500 }, () => connect(port)))));
    return ready();
  }
  if (scenario === 'churn') {
    const worker = async () => {
      for (;;) {
        await new Promise((resolve) => {
          const s = net.connect({ port, host: '127.0.0.1' }, () => s.destroy());
          s.on('close', resolve);
          s.on('error', resolve);
        });
      }
    };
    for (let i = 0; i < 20; i++) void worker();
    return ready();
  }
  throw new Error(`unknown scenario ${scenario}`);
}

if (process.argv[2] === 'load') {
  // Until killed (the timer keeps the process alive when the scenario holds no socket)
  setInterval(() => {}, 60_000);
  await load(process.argv[3], Number(process.argv[4]));
}

// ------------------------------------------------------------------------------------------

/** Connections accepted and bytes read so far (INFO stats), to show how hard each server was pushed. */
async function counters(port) {
  const c = await RespClient.connect(port);
  const info = await c.call('INFO', 'stats');
  c.close();
  const field = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);
  return { connections: field('total_connections_received'), input: field('total_net_input_bytes') };
}

async function scenario(name, server, ms) {
  const child = fork(fileURLToPath(import.meta.url), ['load', name, String(server.port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`load process for ${name} exited with ${code}`)));
  });
  await sleep(200);
  try {
    const before = await counters(server.port);
    const t0 = performance.now();
    const r = await probe(server.port, ms);
    const after = await counters(server.port);
    const seconds = (performance.now() - t0) / 1000;
    return { ...r, rss: memory(server.pid).rss, connPerSec: (after.connections - before.connections) / seconds, inMBps: (after.input - before.input) / seconds / 1e6 };
  } finally {
    child.removeAllListeners('exit');
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await sleep(300);
  }
}

/** The same limits for both servers: room for the 1 GB announcement, a 64 MB query buffer, 4 MB for subscribers. */
const LIMITS = ['--maxclients', '10100', '--proto-max-bulk-len', '2gb', '--client-query-buffer-limit', '64mb', '--client-output-buffer-limit', 'pubsub 4mb 1mb 60'];

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const ms = options.quick ? 1000 : 5000;
  const lines = [
    '## Hostile clients',
    '',
    `A probe client's SET+GET round trip (ms, per command) for ${ms / 1000} s while a separate process abuses the server: ` +
      'random and mutated RESP from 20 connections, 20 clients trickling a 1 GB bulk (client-query-buffer-limit 64 MB), ' +
      '10 subscribers that never read a flooded channel (pubsub limit 4 MB), 10,000 idle connections, a connect/drop loop. ' +
      'Wrong replies must be 0; the target is a probe p99 under 5 ms.',
    '',
  ];
  for (const l of lines) log(l);
  const results = {};
  for (const [label, start] of [
    ['Redis', () => startRedis({ args: LIMITS })],
    ['Holdfast', () => startHoldfast({ args: LIMITS })],
  ]) {
    const server = await start();
    try {
      for (const name of SCENARIOS) {
        const r = await scenario(name, server, ms);
        (results[name] ??= {})[label] = r;
        log(`  ${label.padEnd(8)} ${name.padEnd(10)} p50 ${fmt.fixed(r.p50, 3)} p99 ${fmt.fixed(r.p99, 3)} p99.9 ${fmt.fixed(r.p999, 3)} max ${fmt.fixed(r.max, 1)} ms, ${fmt.int(r.n)} rounds, ${r.wrong} wrong, RSS ${fmt.mb(r.rss)}, ${fmt.int(r.connPerSec)} conn/s, ${fmt.fixed(r.inMBps, 1)} MB/s in`);
      }
    } finally {
      await server.stop();
    }
  }
  const rows = SCENARIOS.map((name) => {
    const r = results[name].Redis;
    const h = results[name].Holdfast;
    const load = (x) => `${fmt.int(x.connPerSec)} conn/s, ${fmt.fixed(x.inMBps, 1)} MB/s`;
    return [name, fmt.fixed(r.p50, 3), fmt.fixed(r.p99, 3), load(r), fmt.fixed(h.p50, 3), fmt.fixed(h.p99, 3), fmt.fixed(h.p999, 3), load(h), `${r.wrong + h.wrong}`, fmt.mb(r.rss), fmt.mb(h.rss), h.p99 < 5 ? 'yes' : 'no'];
  });
  lines.push(...table(['scenario', 'Redis p50', 'Redis p99', 'abuse on Redis', 'Holdfast p50', 'Holdfast p99', 'Holdfast p99.9', 'abuse on Holdfast', 'wrong', 'Redis RSS', 'Holdfast RSS', 'Holdfast p99 < 5 ms'], rows), '');
  return { lines, results };
}
