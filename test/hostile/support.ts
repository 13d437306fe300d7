import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Config } from '../../src/config.js';
import { Server } from '../../src/server.js';
import { allCommands } from '../../commands/index.js';
import { replyLength } from '../helpers/resp.js';
import { RawClient } from '../helpers/rawClient.js';

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An in-process server from redis.conf-style lines (so `user` directives apply). The
 * default user of hostile tests cannot run what would stop or stall the server for the
 * others (SHUTDOWN, DEBUG SLEEP, CLIENT PAUSE, MONITOR, blocking pops...): the fuzz may
 * assemble any command. A `probe` user (password probe) can run everything.
 */
export async function startHostile(extra = ''): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-hostile-'));
  const file = path.join(dir, 'hostile.conf');
  writeFileSync(
    file,
    [
      'port 0',
      'bind 127.0.0.1',
      'appendonly no',
      `dir ${dir}`,
      'user default on nopass ~* &* +@all -@dangerous -@blocking -@admin -client -multi -exec -watch -swapdb -select -subscribe -psubscribe -ssubscribe',
      'user probe on >probe ~* &* +@all',
      extra,
    ].join('\n'),
  );
  const config = new Config();
  config.applyArgs([file]);
  const server = new Server(allCommands, { quiet: true, config });
  const port = await server.listen();
  return {
    server,
    port,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A connection authenticated as the probe user. */
export async function probeClient(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  const ok = await c.call('AUTH', 'probe', 'probe');
  if (ok !== '+OK\r\n') throw new Error(`probe AUTH failed: ${ok}`);
  return c;
}

/**
 * A probe that keeps running SET/GET with values it checks, until stopped: reports every
 * wrong reply and each round trip's latency (ms).
 */
export function runProbe(c: RawClient): { stop: () => Promise<{ rounds: number; wrong: string[]; latencies: number[] }> } {
  let running = true;
  const wrong: string[] = [];
  const latencies: number[] = [];
  let rounds = 0;
  const loop = (async () => {
    while (running) {
      const v = `value-${rounds}-${'x'.repeat(rounds % 50)}`;
      const t0 = performance.now();
      const set = await c.call('SET', `probe:${rounds % 100}`, v);
      const get = await c.call('GET', `probe:${rounds % 100}`);
      latencies.push((performance.now() - t0) / 2);
      if (set !== '+OK\r\n') wrong.push(`SET -> ${JSON.stringify(set)}`);
      if (get !== `$${v.length}\r\n${v}\r\n`) wrong.push(`GET -> ${JSON.stringify(get)}`);
      rounds++;
      // Yield so the hostile traffic gets its turns too
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { rounds, wrong, latencies };
    },
  };
}

/** What a raw connection received, and whether the server closed it. */
export interface Received {
  data: Buffer;
  closedByServer: boolean;
  /**
   * The server closed while we were still sending: the kernel answers with a reset, which
   * may discard its last reply before we read it (Redis behaves the same way).
   */
  reset: boolean;
}

/**
 * Writes `chunks` one by one (as separate writes, with pauses now and then so the server
 * sees them split), then waits until the server closes the connection or stays quiet for
 * `idleMs`; returns everything received.
 */
export function sendChunks(port: number, chunks: Buffer[], idleMs = 150): Promise<Received> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let closedByServer = false;
    let reset = false;
    let done = false;
    let idle: NodeJS.Timeout | null = null;
    const s = net.connect({ port, host: '127.0.0.1' });
    const finish = () => {
      if (done) return;
      done = true;
      if (idle) clearTimeout(idle);
      s.destroy();
      resolve({ data: Buffer.concat(parts), closedByServer, reset });
    };
    const armIdle = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    };
    s.on('data', (d) => {
      parts.push(d);
      armIdle();
    });
    s.on('end', () => {
      closedByServer = true;
      finish();
    });
    s.on('close', () => {
      closedByServer = closedByServer || !done;
      finish();
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
    });
    s.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        s.write(c);
        if (Math.random() < 0.2) await new Promise((r) => setTimeout(r, 1));
      }
      armIdle();
    });
  });
}

/** Splits a byte stream into complete RESP replies; `rest` is what is left (should be empty). */
export function splitReplies(data: Buffer): { replies: string[]; rest: number } {
  const replies: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const n = replyLength(data, pos);
    if (n < 0) break;
    replies.push(data.toString('latin1', pos, pos + n));
    pos += n;
  }
  return { replies, rest: data.length - pos };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
