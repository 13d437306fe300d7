import net from 'node:net';
import { Duplex } from 'node:stream';
import { Client as ClientClass } from '../../src/network/client.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { encodeCommand } from '../helpers/resp.js';
import { redisMissing, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';
import type { Client, DeferredReply } from '../../src/network/client.js';
import { CountingSocket, exchange, lastClient, startWithCommands, testCommand, until } from './support.js';

/** A reply of n bytes: the large value a pipelined GET would return. */
let bigCalls = 0;
const bigReply = testCommand('bigreply', 2, (client, argv) => {
  bigCalls++;
  client.reply.bulk('v'.repeat(Number(argv[1])));
});

/** Defers its reply until the test resolves it. */
const deferred: { client: Client; d: DeferredReply; tag: string }[] = [];
const deferMe = testCommand('deferme', 2, (client, argv) => {
  deferred.push({ client, d: client.defer(), tag: argv[1]! });
});
function resolveDeferred(tag: string): void {
  const i = deferred.findIndex((x) => x.tag === tag);
  const { client, d } = deferred.splice(i, 1)[0]!;
  d.reply.bulk(`resolved ${tag}`);
  client.resolve(d);
}

const boom = testCommand('boom', 1, () => {
  throw new TypeError('a bug in a handler');
});

const encode = (...argv: string[]) => encodeCommand(argv);

describe('connections', () => {
  let holdfast: Holdfast;
  const open: { close(): void }[] = [];
  const connect = async () => {
    const c = await RawClient.connect(holdfast.port);
    open.push(c);
    return c;
  };
  beforeAll(async () => {
    holdfast = await startWithCommands([bigReply, deferMe, boom]);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    deferred.length = 0;
    holdfast.server.config.setMany([['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60']]);
  });
  afterAll(async () => holdfast?.close());

  describe('pipelining', () => {
    it('answers 10,000 commands sent in one write in order, with one socket write per batch read', async () => {
      const c = await connect();
      expect(await c.call('PING')).toBe('+PONG\r\n');
      const server = lastClient(holdfast.server);
      const writes = vi.spyOn(server.socket, 'write');
      const stats = holdfast.server.stats;
      const readsBefore = stats.readsProcessed;
      const writesBefore = stats.writesProcessed;
      const n = 10_000;
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++) parts.push(encode('PING', String(i)));
      c.write(Buffer.concat(parts));
      for (let i = 0; i < n; i++) {
        const s = String(i);
        expect(await c.read()).toBe(`$${s.length}\r\n${s}\r\n`);
      }
      const reads = stats.readsProcessed - readsBefore;
      expect(reads).toBeGreaterThan(1); // 200 KB cannot come in one read
      expect(writes.mock.calls.length).toBeLessThanOrEqual(reads);
      expect(stats.writesProcessed - writesBefore).toBe(writes.mock.calls.length);
      writes.mockRestore();
    });

    it('keeps order across inline and multibulk requests in one write', async () => {
      const c = await connect();
      c.write('PING a\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\nPING "c d"\n\r\n*1\r\n$4\r\nPING\r\n');
      expect([await c.read(), await c.read(), await c.read(), await c.read()]).toEqual([
        '$1\r\na\r\n',
        '$1\r\nb\r\n',
        '$3\r\nc d\r\n',
        '+PONG\r\n',
      ]);
    });
  });

  describe('backpressure', () => {
    it('stops reading a client that does not read its replies, and resumes when it does', async () => {
      const size = 256 * 1024;
      const n = 2000; // 500 MB of replies if it were all buffered
      const c = await CountingSocket.connect(holdfast.port);
      open.push({ close: () => c.socket.destroy() });
      c.socket.pause(); // the client does not read
      await until(() => holdfast.server.clients.size > 0, 'the connection');
      const server = lastClient(holdfast.server);
      bigCalls = 0;
      const request = encode('bigreply', String(size));
      c.socket.write(Buffer.concat(Array.from({ length: n }, () => request)));
      // Kernel buffers on both sides fill, then the server must stop processing.
      await until(() => server.socket.isPaused(), 'the server to stop reading');
      const callsWhenPaused = bigCalls;
      let peak = 0;
      for (let i = 0; i < 20; i++) {
        peak = Math.max(peak, server.outputBytes);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(bigCalls).toBe(callsWhenPaused); // nothing more ran while the client did not read
      expect(bigCalls).toBeLessThan(n / 10);
      expect(peak).toBeLessThan(4 * 1024 * 1024);
      expect(server.parser.bufferedBytes).toBeGreaterThan(0); // the rest waits, unparsed
      // The client reads: everything arrives.
      const total = n * (size + `$${size}\r\n`.length + 2);
      c.socket.resume();
      await until(() => c.received === total, `all ${total} bytes`, 60_000);
      expect(bigCalls).toBe(n);
      expect(c.closed).toBe(false);
    });

    it('disconnects a normal client over client-output-buffer-limit when one is set, as Redis does', async () => {
      holdfast.server.config.setMany([['client-output-buffer-limit', 'normal 1mb 0 0']]);
      const bystander = await connect();
      const c = await CountingSocket.connect(holdfast.port);
      open.push({ close: () => c.socket.destroy() });
      c.socket.pause();
      await until(() => holdfast.server.clients.size === 2, 'the connection');
      const server = lastClient(holdfast.server);
      const request = encode('bigreply', String(256 * 1024));
      c.socket.write(Buffer.concat(Array.from({ length: 400 }, () => request)));
      await until(() => server.closed, 'the client to be disconnected');
      expect(holdfast.server.clients.has(server.id)).toBe(false);
      expect(await bystander.call('PING')).toBe('+PONG\r\n');
    });
  });

  describe('deferred replies', () => {
    it('hold back the replies after them, in order, without holding back other clients', async () => {
      const a = await connect();
      await a.call('PING');
      const serverA = lastClient(holdfast.server);
      const b = await connect();
      await b.call('PING');
      const writes = vi.spyOn(serverA.socket, 'write');
      a.write(Buffer.concat([encode('PING', 'before'), encode('deferme', 'one'), encode('PING', 'after1'), encode('deferme', 'two'), encode('PING', 'after2')]));
      expect(await a.read()).toBe('$6\r\nbefore\r\n');
      await until(() => deferred.length === 2, 'both deferred commands to run');
      expect(serverA.lastCommand).toBe('ping'); // everything was processed...
      // ...but nothing after the first deferred reply was written.
      expect(writes.mock.calls.map((c) => c[0])).toEqual(['$6\r\nbefore\r\n']);
      // Other clients go on.
      expect(await b.call('PING', 'b')).toBe('$1\r\nb\r\n');
      // Resolving the second first releases nothing.
      resolveDeferred('two');
      await new Promise((r) => setImmediate(r));
      expect(writes.mock.calls.length).toBe(1);
      resolveDeferred('one');
      expect(await a.read()).toBe('$12\r\nresolved one\r\n');
      expect(await a.read()).toBe('$6\r\nafter1\r\n');
      expect(await a.read()).toBe('$12\r\nresolved two\r\n');
      expect(await a.read()).toBe('$6\r\nafter2\r\n');
      expect(await a.call('PING')).toBe('+PONG\r\n');
      writes.mockRestore();
    });

    it('a protocol error behind a deferred reply is sent after it, then the connection closes', async () => {
      const a = await connect();
      a.write(Buffer.concat([encode('deferme', 'first'), encode('PING', 'queued'), Buffer.from('*1\r\n$-5\r\n')]));
      await until(() => deferred.length === 1, 'the deferred command');
      const server = deferred[0]!.client;
      expect(server.closing).toBe(true);
      expect(server.closed).toBe(false); // waits for the deferred reply
      resolveDeferred('first');
      expect(await a.read()).toBe('$14\r\nresolved first\r\n');
      expect(await a.read()).toBe('$6\r\nqueued\r\n');
      expect(await a.read()).toBe('-ERR Protocol error: invalid bulk length\r\n');
      await a.waitClosed();
    });

    it('resolving after the client left is harmless', async () => {
      const a = await connect();
      a.write(encode('deferme', 'gone'));
      await until(() => deferred.length === 1, 'the deferred command');
      const server = deferred[0]!.client;
      a.close();
      await until(() => server.closed, 'the server to notice');
      expect(() => resolveDeferred('gone')).not.toThrow();
      expect(() => server.push('*1\r\n$1\r\nx\r\n')).not.toThrow();
      expect(() => server.reply.bulk('late')).not.toThrow();
      await new Promise((r) => setImmediate(r));
      expect(await (await connect()).call('PING')).toBe('+PONG\r\n');
    });
  });

  it('serves any Duplex, not only TCP sockets (the plain stream path)', async () => {
    let output = '';
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        output += chunk.toString('latin1');
        cb();
      },
    });
    const client = new ClientClass(holdfast.server, stream);
    stream.push(Buffer.from('PING\r\n*2\r\n$4\r\nECHO\r\n$2'));
    stream.push(Buffer.from('\r\nhi\r\n'));
    await until(() => output === '+PONG\r\n$2\r\nhi\r\n', 'both replies');
    client.close();
    expect(stream.destroyed).toBe(true);
  });

  describe('hardening', () => {
    it('answers a handler bug with an error and keeps serving the client', async () => {
      const c = await connect();
      expect(await c.call('boom')).toMatch(/^-ERR .*boom/);
      expect(await c.call('PING')).toBe('+PONG\r\n');
    });

    it('a bug outside a handler closes only that client', async () => {
      const bystander = await connect();
      const c = await connect();
      const observer = (_c: Client, _s: unknown, argv: string[]) => {
        if (argv[1] === 'trip') throw new Error('observer bug');
      };
      holdfast.server.dispatcher.observers.push(observer);
      try {
        c.write(encode('PING', 'trip'));
        await c.waitClosed();
      } finally {
        holdfast.server.dispatcher.observers.splice(holdfast.server.dispatcher.observers.indexOf(observer), 1);
      }
      expect(await bystander.call('PING')).toBe('+PONG\r\n');
    });

    it('survives clients that vanish mid-reply, socket errors and resets', async () => {
      // Clients that ask for large replies and disconnect at once.
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const s = net.connect({ port: holdfast.port, host: '127.0.0.1' });
          s.on('error', () => {});
          await new Promise((r) => s.once('connect', r));
          s.write(Buffer.concat(Array.from({ length: 20 }, () => encode('bigreply', String(64 * 1024)))));
          if (i % 2 === 0) s.resetAndDestroy();
          else s.destroy();
        }),
      );
      // A socket error on the server side.
      const c = await connect();
      await c.call('PING');
      const server = lastClient(holdfast.server);
      server.socket.destroy(new Error('injected socket error'));
      await c.waitClosed();
      expect(server.closed).toBe(true);
      // Writes after close.
      expect(() => {
        server.reply.bulk('after close');
        server.push('>1\r\n$1\r\nx\r\n');
        server.flush();
      }).not.toThrow();
      await until(() => holdfast.server.clients.size === 0, 'every client to be gone');
      const d = await connect();
      expect(await d.call('PING')).toBe('+PONG\r\n');
    });

    it('an error on the listening socket (accept failing) is logged, not thrown', async () => {
      const listener = (holdfast.server as unknown as { listeners: net.Server[] }).listeners[0]!;
      expect(() => listener.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }))).not.toThrow();
      const c = await connect();
      expect(await c.call('PING')).toBe('+PONG\r\n');
    });

    it('closes after QUIT once the reply is out, and drops what follows', async () => {
      const c = await connect();
      c.write(Buffer.concat([encode('PING', 'x'), encode('QUIT'), encode('PING', 'never')]));
      expect(await c.read()).toBe('$1\r\nx\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      await c.waitClosed();
    });
  });
});

describe('client-output-buffer-limit for subscribers', () => {
  let holdfast: Holdfast;
  beforeAll(async () => {
    holdfast = await startWithCommands([], { 'client-output-buffer-limit': 'pubsub 1mb 0 0' });
  });
  afterAll(async () => holdfast?.close());

  it('disconnects a subscriber that does not read once over the hard limit; the publisher is unaffected', async () => {
    const sub = await CountingSocket.connect(holdfast.port);
    sub.socket.pause();
    sub.socket.write(encode('SUBSCRIBE', 'ch'));
    await until(() => holdfast.server.broker.numSub('ch') === 1, 'the subscription');
    const subscriber = [...holdfast.server.clients.values()][0]!;
    const pub = await RawClient.connect(holdfast.port);
    const message = 'm'.repeat(64 * 1024);
    let published = 0;
    while (!subscriber.closed && published < 2000) {
      const reply = await pub.call('PUBLISH', 'ch', message);
      expect(reply === ':1\r\n' || reply === ':0\r\n').toBe(true);
      published++;
    }
    expect(subscriber.closed).toBe(true);
    // Kernel buffers take a few MB first; then at most the limit plus one message is held.
    expect(published).toBeLessThan(2000);
    expect(await pub.call('PUBLISH', 'ch', 'x')).toBe(':0\r\n');
    pub.close();
    sub.socket.destroy();
  });

  it('keeps a subscriber that reads', async () => {
    const sub = await RawClient.connect(holdfast.port);
    expect(await sub.call('SUBSCRIBE', 'ch2')).toBe('*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:1\r\n');
    const pub = await RawClient.connect(holdfast.port);
    const message = 'm'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) {
      expect(await pub.call('PUBLISH', 'ch2', message)).toBe(':1\r\n');
      expect(await sub.read()).toBe(`*3\r\n$7\r\nmessage\r\n$3\r\nch2\r\n$${message.length}\r\n${message}\r\n`);
    }
    pub.close();
    sub.close();
  });
});

describe.skipIf(redisMissing)('slow subscribers, compared with redis-server', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startWithCommands([], { 'client-output-buffer-limit': 'pubsub 1mb 0 0' });
    redis = (await startRedis(['--client-output-buffer-limit', 'pubsub 1mb 0 0']))!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });

  it.each(['holdfast', 'redis'])('%s drops the subscriber from the channel', async (which) => {
    const port = which === 'holdfast' ? holdfast.port : redis.port;
    const sub = await CountingSocket.connect(port);
    sub.socket.pause();
    sub.socket.write(encode('SUBSCRIBE', 'slow'));
    const pub = await RawClient.connect(port);
    for (let i = 0; i < 100 && (await pub.call('PUBSUB', 'NUMSUB', 'slow')) !== '*2\r\n$4\r\nslow\r\n:1\r\n'; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const message = 'm'.repeat(64 * 1024);
    let receivers = 1;
    for (let i = 0; i < 2000 && receivers === 1; i++) receivers = Number((await pub.call('PUBLISH', 'slow', message)).slice(1, -2));
    expect(receivers).toBe(0);
    expect(await pub.call('PUBSUB', 'NUMSUB', 'slow')).toBe('*2\r\n$4\r\nslow\r\n:0\r\n');
    pub.close();
    sub.socket.destroy();
  });
});

describe.skipIf(redisMissing)('telnet-style inline sessions, compared with redis-server', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startWithCommands([]);
    redis = (await startRedis())!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });

  it.each([
    ['one line at a time, CRLF', ['PING\r\n', 'ping hello\r\n', 'ECHO "a b"\r\n', 'echo \'it\\\'s\'\r\n']],
    ['LF only, keystroke by keystroke', [...'PING\nECHO x\n']],
    ['empty lines and spaces ignored', ['\r\n', '\n', '   \r\n', '\t\r\n', 'PING\r\n']],
    ['quoted escapes', ['ECHO "\\x41\\x00\\n\\t\\r"\r\n', 'ECHO "\\q\\"\\\\"\r\n']],
    ['unknown and wrong-arity commands stay on the connection', ['FOO bar\r\n', 'PING a b\r\n', 'PING\r\n']],
    ['a command split across lines is two commands', ['ECH', 'O\r\n', 'PING\r\n']],
  ])('%s', async (_name, chunks) => {
    const [h, r] = await Promise.all([exchange(holdfast.port, chunks, { halfClose: true }), exchange(redis.port, chunks, { halfClose: true })]);
    expect(h.text).toBe(r.text);
  });
});

describe('client-output-buffer-limit soft limit', () => {
  let holdfast: Holdfast;
  beforeAll(async () => {
    holdfast = await startWithCommands([], { 'client-output-buffer-limit': 'pubsub 0 256kb 1' });
  });
  afterAll(async () => holdfast?.close());

  it('disconnects a subscriber that stays over the soft limit for more than soft-seconds', async () => {
    const sub = await CountingSocket.connect(holdfast.port);
    sub.socket.pause();
    sub.socket.write(encode('SUBSCRIBE', 'soft'));
    await until(() => holdfast.server.broker.numSub('soft') === 1, 'the subscription');
    const subscriber = [...holdfast.server.clients.values()][0]!;
    const pub = await RawClient.connect(holdfast.port);
    const message = 'm'.repeat(64 * 1024);
    // Over the soft limit (kernel buffers first), but not for long: still connected.
    while (subscriber.outputBytes < 256 * 1024) await pub.call('PUBLISH', 'soft', message);
    expect(subscriber.closed).toBe(false);
    // Still over it more than a second later: the next message disconnects it.
    const since = Date.now();
    while (!subscriber.closed && Date.now() - since < 5000) {
      await pub.call('PUBLISH', 'soft', 'x');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(subscriber.closed).toBe(true);
    expect(Date.now() - since).toBeGreaterThanOrEqual(1000);
    pub.close();
    sub.socket.destroy();
  });
});
