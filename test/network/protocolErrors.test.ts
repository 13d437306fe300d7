import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';
import { exchange, lastClient, until } from './support.js';

const KB64 = 64 * 1024;

/**
 * Malformed requests sent as raw bytes to Holdfast and to a real redis-server: the bytes
 * that come back must be the same, and both must close the connection after the error.
 */
const errorCases: [string, string[]][] = [
  ['invalid multibulk length', ['PING\r\n*-0\r\nPING\r\n']],
  ['multibulk count over INT_MAX', ['*2147483648\r\n']],
  ['multibulk count with a sign', ['*+1\r\n$4\r\nPING\r\n']],
  ['multibulk count below LLONG_MIN', ['*-9223372036854775809\r\n']],
  ['empty multibulk count', ['*\r\n']],
  ['invalid bulk length', ['*1\r\n$-1\r\n']],
  ['bulk length -0', ['*1\r\n$-0\r\n']],
  ['bulk length with a leading zero', ['*2\r\n$4\r\nPING\r\n$01\r\nx\r\n']],
  ['bulk length over proto-max-bulk-len', ['*1\r\n$536870913\r\n']],
  ['bulk length that is not a number', ['*1\r\n$abc\r\n']],
  ["expected '$', got 'x'", ['*1\r\nx\r\n']],
  ["expected '$' at a CR (shown as a space)", ['*1\r\n\r\n']],
  ["expected '$' at a byte over 127", ['*1\r\n\xff\r\n']],
  ["expected '$' after a short multibulk", ['*3\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n']],
  ['unbalanced quotes in request', ['PING "a b\r\n']],
  ['closing quote followed by a character', ['PING "a"b\r\n']],
  ['unbalanced single quotes', ["PING 'a\r\n"]],
  ['too big inline request', ['x'.repeat(KB64 + 1)]],
  ['too big mbulk count string', ['*' + '1'.repeat(KB64 + 1)]],
  ['too big bulk count string', ['*1\r\n$' + '1'.repeat(KB64 + 1)]],
  ['error after valid requests in the same write', ['PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$-5\r\nPING\r\n']],
  ['error in a later chunk', ['*1\r\n$4\r\nPI', 'NG\r\n*1\r\n', '$x\r\n']],
];

/** Requests after which the server keeps waiting (compared after the client half-closes). */
const waitingCases: [string, string[]][] = [
  ['NUL before the LF of an inline request', ['PI\x00NG\r\nPING\r\n']],
  ['NUL before the CR of a bulk header', ['*1\r\n$\x004\r\nPING\r\n']],
  ['NUL before the CR of a multibulk count', ['*\x001\r\n$4\r\nPING\r\n']],
  ['an incomplete payload', ['*1\r\n$4\r\nPIN']],
  ['a count line just under 64 KB', ['*' + '1'.repeat(KB64 - 1)]],
  ['an inline line of exactly 64 KB without newline', ['x'.repeat(KB64)]],
];

/** Valid but unusual framing, cut anywhere. */
const framingCases: [string, string[]][] = [
  ['requests cut inside headers and payloads', ['*1\r', '\n$4\r\nPI', 'NG\r', '\n*2\r\n$4\r\nPING\r\n$0\r\n\r', '\n']],
  ['inline and multibulk mixed', ['PING\r\n*1\r\n$4\r\nPING\r\nPING "a b"\nPING \'c\'\r\n']],
  ['empty lines and empty multibulks are skipped', ['\r\n\n   \r\n*0\r\n*-1\r\nPING\r\n']],
  ['the bytes after a CR are not checked', ['*2\rx$4\rxPING!!$1\rxa!!']],
  ['binary payload with CRLF inside', ['*2\r\n$4\r\nPING\r\n$6\r\n\r\n\x00\xff\r\n\r\n']],
  ['an empty command name', ['*1\r\n$0\r\n\r\n']],
  ['unknown command with NUL in its arguments', ['*3\r\n$3\r\nfoo\r\n$3\r\na\x00b\r\n$2\r\n\x00c\r\n']],
  ['lower case and mixed case names', ['ping\r\n*1\r\n$4\r\npInG\r\n']],
];

describe.skipIf(redisMissing)('protocol errors and framing, byte for byte against redis-server', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startHoldfast();
    redis = (await startRedis())!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });

  it.each(errorCases)('%s: same reply, then only this client is closed', async (_name, chunks) => {
    const bystander = await RawClient.connect(holdfast.port);
    expect(await bystander.call('PING')).toBe('+PONG\r\n');
    const [h, r] = await Promise.all([exchange(holdfast.port, chunks), exchange(redis.port, chunks)]);
    expect(r.closedByServer).toBe(true);
    expect(r.text).toMatch(/-ERR Protocol error: [^\r\n]*\r\n$/);
    expect(h).toEqual(r);
    // The other connection is unaffected.
    expect(await bystander.call('PING', 'still here')).toBe('$10\r\nstill here\r\n');
    bystander.close();
    await until(() => holdfast.server.clients.size === 0, 'both clients to be gone');
  });

  it.each(waitingCases)('%s: the server waits, as redis-server does', async (_name, chunks) => {
    const [h, r] = await Promise.all([
      exchange(holdfast.port, chunks, { halfClose: true }),
      exchange(redis.port, chunks, { halfClose: true }),
    ]);
    expect(h.text).toBe(r.text);
    expect(h.text).toBe('');
  });

  it.each(framingCases)('%s', async (_name, chunks) => {
    const [h, r] = await Promise.all([
      exchange(holdfast.port, chunks, { halfClose: true }),
      exchange(redis.port, chunks, { halfClose: true }),
    ]);
    expect(h.text).toBe(r.text);
    expect(h.text).not.toBe('');
  });

  it('answers random byte streams exactly as redis-server does', async () => {
    const alphabet = [...'*$\r\n0123456789-+ "\'\\xPINGping\t'].map((c) => c.charCodeAt(0)).concat([0, 0xff]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constantFrom(...alphabet).map((b) => Buffer.from([b])),
            fc.constantFrom('*1\r\n$4\r\nPING\r\n', 'PING\r\n', '*2\r\n$4\r\nPING\r\n$1\r\n', '$4\r\n', '\r\n').map((s) => Buffer.from(s)),
          ),
          { maxLength: 60 },
        ),
        async (parts) => {
          const data = Buffer.concat(parts);
          const [h, r] = await Promise.all([
            exchange(holdfast.port, [data], { halfClose: true }),
            exchange(redis.port, [data], { halfClose: true }),
          ]);
          expect(h.text, JSON.stringify(data.toString('latin1'))).toBe(r.text);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('applies proto-max-bulk-len changed at runtime to new requests', async () => {
    const c = await RawClient.connect(redis.port);
    const hc = await RawClient.connect(holdfast.port);
    expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('+OK\r\n');
    expect(await hc.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('+OK\r\n');
    try {
      const ok = ['*2\r\n$4\r\nPING\r\n$1048576\r\n', 'x'.repeat(1048576) + '\r\n'];
      const tooBig = ['*2\r\n$4\r\nPING\r\n$1048577\r\n'];
      const [h1, r1] = await Promise.all([exchange(holdfast.port, ok, { halfClose: true }), exchange(redis.port, ok, { halfClose: true })]);
      expect(h1.text.length).toBe('$1048576\r\n'.length + 1048576 + 2);
      expect(h1.text).toBe(r1.text);
      const [h2, r2] = await Promise.all([exchange(holdfast.port, tooBig), exchange(redis.port, tooBig)]);
      expect(h2).toEqual(r2);
      expect(h2.text).toBe('-ERR Protocol error: invalid bulk length\r\n');
    } finally {
      await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
      await hc.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
      c.close();
      hc.close();
    }
  });

  describe('a client that must authenticate', () => {
    let h: Holdfast;
    let r: RunningServer;
    beforeAll(async () => {
      h = await startHoldfast({ requirepass: 'secret' });
      // Set after start: the helper checks that the server answers PING.
      r = (await startRedis())!;
      const c = await RawClient.connect(r.port);
      await c.call('CONFIG', 'SET', 'requirepass', 'secret');
      c.close();
    });
    afterAll(async () => {
      await h?.close();
      await r?.close();
    });
    it.each([
      ['unauthenticated multibulk length', ['*11\r\n']],
      ['unauthenticated bulk length', ['*1\r\n$16384\r\n', 'x'.repeat(16384) + '\r\n*1\r\n$16385\r\n']],
    ])('%s', async (_name, chunks) => {
      const [a, b] = await Promise.all([exchange(h.port, chunks), exchange(r.port, chunks)]);
      expect(a).toEqual(b);
      expect(a.text.endsWith(`-ERR Protocol error: ${_name}\r\n`)).toBe(true);
    });
  });
});

describe('query buffer limits', () => {
  let holdfast: Holdfast;
  beforeAll(async () => {
    holdfast = await startHoldfast({ 'client-query-buffer-limit': '1mb', 'proto-max-bulk-len': '2gb' });
  });
  afterAll(async () => holdfast?.close());

  it('a 1 GB bulk header followed by a trickle is cut off at client-query-buffer-limit', async () => {
    const bystander = await RawClient.connect(holdfast.port);
    const c = await RawClient.connect(holdfast.port);
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1073741824\r\n');
    await until(() => lastClient(holdfast.server).parser.bufferedBytes === 0 && holdfast.server.clients.size === 2, 'the header to be parsed');
    const server = lastClient(holdfast.server);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let peak = 0;
    for (let i = 0; i < 64 && !c.closed; i++) {
      c.write(chunk);
      await until(() => server.closed || server.parser.bufferedBytes >= (i + 1) * chunk.length, 'the chunk to arrive');
      peak = Math.max(peak, server.parser.bufferedBytes);
    }
    await c.waitClosed();
    expect(server.closed).toBe(true);
    // Closed as soon as it went over 1 MB: at most one chunk more than the limit was held.
    expect(peak).toBeLessThanOrEqual(1024 * 1024 + chunk.length);
    expect(await bystander.call('PING')).toBe('+PONG\r\n');
    bystander.close();
  });

  it('a new limit applies at once to connected clients', async () => {
    const c = await RawClient.connect(holdfast.port);
    const admin = await RawClient.connect(holdfast.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await admin.call('CONFIG', 'SET', 'client-query-buffer-limit', '2mb')).toBe('+OK\r\n');
    try {
      c.write('*2\r\n$4\r\nPING\r\n$1500000\r\n' + 'x'.repeat(1_500_000) + '\r\n');
      expect((await c.read()).length).toBe('$1500000\r\n'.length + 1_500_000 + 2);
    } finally {
      expect(await admin.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb')).toBe('+OK\r\n');
      admin.close();
    }
    c.write('*2\r\n$4\r\nPING\r\n$1500000\r\n' + 'x'.repeat(1_500_000) + '\r\n');
    await c.waitClosed();
  });
});
