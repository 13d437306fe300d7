import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile, probeClient, rng, runProbe, sendChunks, splitReplies, startHostile, type Received } from './support.js';
import type { Server } from '../../src/server.js';

/**
 * Random and mutated RESP from many connections at once, with a well-behaved client
 * running alongside. Every connection must get replies that parse as RESP, ending (when
 * the server closed it) with a protocol error or QUIT's +OK; the server must stay up and
 * correct for the probe, and hold no more than a bounded amount of memory.
 */

const SEED = Number(process.env.HOLDFAST_FUZZ_SEED ?? 0x5eed);
const CONNECTIONS = 60;
const CHUNKS_PER_CONNECTION = 40;

const COMMANDS = [
  ['SET', 'k', 'v'], ['GET', 'k'], ['INCR', 'n'], ['DEL', 'k', 'n'], ['HSET', 'h', 'f', 'v'], ['HGETALL', 'h'],
  ['LPUSH', 'l', 'a', 'b'], ['LRANGE', 'l', '0', '-1'], ['SADD', 's', 'm'], ['ZADD', 'z', '1', 'm'], ['PING'], ['ECHO', 'hi'],
  ['EXPIRE', 'k', '100'], ['TTL', 'k'], ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'c'], ['APPEND', 'k', 'x'],
  ['GETRANGE', 'k', '0', '-1'], ['HELLO', '3'], ['HELLO', '2'], ['PUBLISH', 'c', 'm'], ['TYPE', 'k'], ['EXISTS', 'k'],
];

function encode(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** One hostile payload: valid, mutated, or plain garbage; sometimes split into several writes. */
function payload(rand: () => number): Buffer[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const kind = int(14);
  let bytes: Buffer;
  switch (kind) {
    case 0:
      bytes = randomBytes(1 + int(400));
      break;
    case 1: // a valid command
      bytes = Buffer.from(encode(pick(COMMANDS)), 'latin1');
      break;
    case 2: // inline command, maybe with quotes gone wrong
      bytes = Buffer.from(pick(['SET a "b\r\n', 'GET a\r\n', "ECHO 'x\r\n", 'PING\n', '"unbalanced\r\n', 'SET k v\r\n', '\r\n\r\n']), 'latin1');
      break;
    case 3: { // a valid command with one byte changed
      const b = Buffer.from(encode(pick(COMMANDS)), 'latin1');
      b[int(b.length)] = int(256);
      bytes = b;
      break;
    }
    case 4: // huge bulk length
      bytes = Buffer.from(pick(['*1\r\n$999999999999\r\n', '*2\r\n$3\r\nGET\r\n$2147483648\r\n', '*1\r\n$1000000000\r\nxx', '*1\r\n$9223372036854775808\r\n']), 'latin1');
      break;
    case 5: // negative or malformed lengths
      bytes = Buffer.from(pick(['*1\r\n$-5\r\n', '*-3\r\nPING\r\n', '*1\r\n$abc\r\n', '*x\r\n', '*1\r\n$\r\n', '*3\r\n$3\r\nSET\r\n$-1\r\n']), 'latin1');
      break;
    case 6: // nesting, not allowed in requests
      bytes = Buffer.from('*2\r\n' + '*1\r\n'.repeat(1 + int(50)) + '$4\r\nPING\r\n', 'latin1');
      break;
    case 7: // invalid type bytes after a multibulk header
      bytes = Buffer.from(`*2\r\n${pick([':1', '+OK', '-ERR', '%2', '~1', '#t', '_'])}\r\n`, 'latin1');
      break;
    case 8: // an inline line beyond 64 KB
      bytes = Buffer.alloc(70 * 1024 + int(1000), 'a');
      break;
    case 9: // a huge multibulk count
      bytes = Buffer.from(pick(['*1048577\r\n', '*2147483648\r\n', '*1000000\r\n$4\r\nPING\r\n']), 'latin1');
      break;
    case 10: // a truncated valid command (the rest never comes)
      bytes = Buffer.from(encode(pick(COMMANDS)), 'latin1').subarray(0, 1 + int(10));
      break;
    case 11: // NUL and CR/LF soup
      bytes = Buffer.from(Array.from({ length: 1 + int(64) }, () => pick([0, 13, 10, 42, 36, 48, 49])));
      break;
    case 12: // a pipeline of valid commands
      bytes = Buffer.from(Array.from({ length: 1 + int(20) }, () => encode(pick(COMMANDS))).join(''), 'latin1');
      break;
    default: // a valid command with a large value
      bytes = Buffer.from(encode(['SET', `big:${int(10)}`, 'v'.repeat(int(200_000))]), 'latin1');
  }
  // Split at random points: the server must not care where reads end
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const n = rand() < 0.5 ? bytes.length - pos : 1 + int(bytes.length - pos);
    parts.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return parts;
}

describe('fuzz: random and mutated RESP over many connections', () => {
  let h: Awaited<ReturnType<typeof startHostile>>;
  let server: Server;
  /** The server's warnings (an internal error would show here). */
  const warnings: string[] = [];
  beforeAll(async () => {
    h = await startHostile();
    server = h.server;
    server.log = (level: string, message: string) => {
      if (level === 'warning') warnings.push(message);
    };
  });
  afterAll(() => h.close());

  it(`every connection gets valid replies or a protocol error; the probe sees every reply right (seed ${SEED})`, async () => {
    const probe = await probeClient(h.port);
    const run = runProbe(probe);
    const heapBefore = process.memoryUsage().heapUsed;
    const rand = rng(SEED);
    const scripts = Array.from({ length: CONNECTIONS }, () => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < CHUNKS_PER_CONNECTION; i++) chunks.push(...payload(rand));
      return chunks;
    });
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      for (const c of server.clients.values()) maxBuffered = Math.max(maxBuffered, c.parser.bufferedBytes);
    }, 5);
    const results: Received[] = [];
    // In waves, so there are always many hostile connections at once
    for (let i = 0; i < scripts.length; i += 20) {
      results.push(...(await Promise.all(scripts.slice(i, i + 20).map((s) => sendChunks(h.port, s)))));
    }
    clearInterval(sampler);
    const { rounds, wrong, latencies } = await run.stop();

    let closedWithError = 0;
    for (const [i, r] of results.entries()) {
      const { replies, rest } = splitReplies(r.data);
      expect(rest, `connection ${i}: bytes after the last complete reply`).toBe(0);
      for (const reply of replies) expect('+-:$*_,#%~=(>!|'.includes(reply[0]!), `connection ${i}: ${JSON.stringify(reply.slice(0, 40))}`).toBe(true);
      if (r.closedByServer && !r.reset && replies.length > 0) {
        const last = replies[replies.length - 1]!;
        // Closed by the server: after a protocol error (Redis's text), or an inline QUIT
        expect(/^-ERR Protocol error: /.test(last) || last === '+OK\r\n', `connection ${i} closed after ${JSON.stringify(last.slice(0, 80))}; server warnings: ${warnings.join(' | ')}`).toBe(true);
        if (last.startsWith('-ERR Protocol error')) closedWithError++;
      }
    }
    // The generator does produce protocol errors (otherwise this test would prove nothing)
    expect(closedWithError).toBeGreaterThan(CONNECTIONS / 8);
    expect(results.filter((r) => r.closedByServer).length).toBeGreaterThan(CONNECTIONS / 3);
    expect(wrong).toEqual([]);
    expect(warnings.filter((w) => w.includes('internal error'))).toEqual([]);
    expect(rounds).toBeGreaterThan(10);
    // Bounded: no connection held more than one 200 KB value plus a read's worth unparsed
    expect(maxBuffered).toBeLessThan(1024 * 1024);
    expect(await probe.call('PING')).toBe('+PONG\r\n');
    // Every hostile connection is gone from the server
    await new Promise((r) => setTimeout(r, 50));
    expect(server.clients.size).toBe(1);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(heapGrowth).toBeLessThan(200 * 1024 * 1024);
    console.log(`fuzz: ${results.length} connections, ${closedWithError} protocol errors, probe ${rounds} rounds, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
    probe.close();
  });
});
