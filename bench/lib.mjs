// Shared tools for the benchmark sections: start the built Holdfast and a real redis-server
// on free loopback ports, run redis-benchmark against them, read a process's CPU time and
// memory from /proc, and talk RESP for the odd command (DBSIZE, a bulk loader).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * How to run redis-benchmark: the local binary, else the `redis` image's through docker
 * (host network, so loopback ports work). Throws with a clear message when neither exists.
 */
export function benchmarkTool() {
  if (hasCommand('redis-benchmark')) return { command: 'redis-benchmark', prefix: [], label: 'redis-benchmark (local)' };
  if (hasCommand('docker')) {
    return { command: 'docker', prefix: ['run', '--rm', '--network', 'host', 'redis:7.0', 'redis-benchmark'], label: 'redis-benchmark (docker redis:7.0)' };
  }
  throw new Error('redis-benchmark is not installed and docker is not available: install redis-tools (apt-get install redis-tools) or docker');
}

/** A small RESP client: replies as JS values (strings, numbers, arrays, Error objects). */
export class RespClient {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    socket.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parseReply(this.buf, 0);
        if (r === null) break;
        this.buf = this.buf.subarray(r.end);
        this.waiters.shift()?.resolve(r.value);
      }
    });
    socket.on('error', (err) => {
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
    socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
    });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
  }

  /** Writes raw request bytes; `replies` replies are expected for them. */
  send(data, replies = 1) {
    const promises = [];
    for (let i = 0; i < replies; i++) promises.push(new Promise((resolve, reject) => this.waiters.push({ resolve, reject })));
    const ok = this.socket.write(data);
    return { replies: promises, drained: ok ? Promise.resolve() : new Promise((r) => this.socket.once('drain', r)) };
  }

  call(...argv) {
    return this.send(encodeCommand(argv)).replies[0];
  }

  close() {
    this.socket.destroy();
  }
}

export function encodeCommand(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`;
  return Buffer.from(s);
}

function parseReply(buf, pos) {
  if (pos >= buf.length) return null;
  const le = buf.indexOf('\r\n', pos);
  if (le < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('latin1', pos + 1, le);
  const next = le + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('latin1', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

async function waitForPing(port, child, what) {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const c = await RespClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === 'PONG') return;
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
  throw new Error(`${what} did not answer PING on port ${port}`);
}

/** A started server process: its port and pid, and a stop(). */
async function startProcess(what, command, args, port, cleanup = () => {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await waitForPing(port, child, what);
  } catch (err) {
    child.kill('SIGKILL');
    cleanup();
    throw new Error(`${err.message}\n${stderr}`);
  }
  return {
    name: what,
    port,
    pid: child.pid,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      cleanup();
    },
  };
}

/** The compiled Holdfast (`node bin/holdfast.js`); dist/ must exist (npm install builds it). */
export async function startHoldfast({ nodeArgs = [], args = [] } = {}) {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `npm install` (or `npm run build`) first');
  const port = await freePort();
  return startProcess('holdfast', process.execPath, [...nodeArgs, path.join(root, 'bin/holdfast.js'), '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'no', ...args], port);
}

/** A real redis-server, persistence off. */
export async function startRedis({ args = [] } = {}) {
  if (!hasCommand('redis-server')) throw new Error('redis-server is not installed: the benchmark compares against it (apt-get install redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-bench-'));
  return startProcess('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], port, () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU time of a process so far, in microseconds (/proc/<pid>/stat). */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / CLOCK_TICKS;
}

/**
 * The machine's CPU time so far, from /proc/stat, in clock ticks: all of it, and the part the
 * hypervisor gave to other guests while this one wanted to run (steal). On a shared VM,
 * a stolen stretch stops whatever runs on that vCPU, so steal bounds the stalls any server shows.
 */
export function machineCpuTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
}

/** Percent of the machine's CPU time stolen between two machineCpuTicks readings. */
export function stolenPercent(before, after) {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) * 100) / total : NaN;
}

/** The median element of a list by a numeric value (the upper one of an even count). */
export function medianBy(list, value) {
  return [...list].sort((a, b) => value(a) - value(b))[Math.floor(list.length / 2)];
}

/** Resident set size and its peak (VmRSS, VmHWM), in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Runs redis-benchmark against a port with --csv and returns one row per test:
 * { test, rps, avgMs, p50Ms, p99Ms }.
 */
export function runBenchmark(tool, port, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.command, [...tool.prefix, '-h', '127.0.0.1', '-p', String(port), '--csv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark exited with ${code}: ${err}`));
      const rows = [];
      for (const line of out.split('\n')) {
        const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
        if (cells.length < 7 || cells[0] === 'test') continue;
        rows.push({ test: cells[0], rps: Number(cells[1]), avgMs: Number(cells[2]), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]) });
      }
      if (rows.length === 0) return reject(new Error(`redis-benchmark printed no results: ${out}${err}`));
      resolve(rows);
    });
  });
}

/** Formats a markdown table. */
export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines;
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  fixed: (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a'),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a'),
};
