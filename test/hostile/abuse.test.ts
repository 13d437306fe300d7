import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { RawClient } from '../helpers/rawClient.js';
import { probeClient, runProbe, startHostile } from './support.js';

/**
 * Clients that try to exhaust the server: a 1 GB bulk announced and then trickled, a
 * subscriber that never reads while its channel is busy, connections opened and dropped
 * in a tight loop. Each time a well-behaved probe keeps getting right answers and the
 * memory the server holds for the abuser stays bounded by the configured limits.
 */
describe('hostile clients', () => {
  let h: Awaited<ReturnType<typeof startHostile>>;
  let admin: RawClient;
  beforeAll(async () => {
    h = await startHostile();
    admin = await probeClient(h.port);
  });
  afterAll(async () => {
    admin.close();
    await h.close();
  });

  it('a 1 GB bulk length beyond proto-max-bulk-len is a protocol error at once', async () => {
    const c = await RawClient.connect(h.port);
    c.write('*1\r\n$1000000000\r\n');
    expect(await c.read()).toBe('-ERR Protocol error: invalid bulk length\r\n');
    await c.waitClosed();
  });

  it('a 1 GB bulk trickled in: the client is dropped at client-query-buffer-limit, others are served', async () => {
    expect(await admin.call('CONFIG', 'SET', 'proto-max-bulk-len', '2gb', 'client-query-buffer-limit', '4mb')).toBe('+OK\r\n');
    const probe = await probeClient(h.port);
    const run = runProbe(probe);
    const abuser = net.connect({ port: h.port, host: '127.0.0.1' });
    await new Promise((r) => abuser.once('connect', r));
    let closed = false;
    abuser.on('close', () => (closed = true));
    abuser.on('error', () => {});
    abuser.write('*2\r\n$3\r\nGET\r\n$1000000000\r\n');
    const chunk = Buffer.alloc(64 * 1024, 'z');
    let sent = 0;
    let maxHeld = 0;
    while (!closed && sent < 64 * 1024 * 1024) {
      abuser.write(chunk);
      sent += chunk.length;
      for (const c of h.server.clients.values()) maxHeld = Math.max(maxHeld, c.parser.bufferedBytes);
      await new Promise((r) => setTimeout(r, 1));
    }
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(true);
    // One read past the limit at most
    expect(maxHeld).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024);
    const { wrong, rounds } = await run.stop();
    expect(wrong).toEqual([]);
    expect(rounds).toBeGreaterThan(0);
    probe.close();
    expect(await admin.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb', 'client-query-buffer-limit', '1gb')).toBe('+OK\r\n');
  });

  it('before AUTH, a bulk longer than 16 KB or more than 10 arguments is refused (Redis 7.0)', async () => {
    expect(await admin.call('CONFIG', 'SET', 'requirepass', 'pw')).toBe('+OK\r\n');
    const a = await RawClient.connect(h.port);
    a.write('*1\r\n$16385\r\n');
    expect(await a.read()).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    const b = await RawClient.connect(h.port);
    b.write('*11\r\n');
    expect(await b.read()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    expect(await admin.call('CONFIG', 'SET', 'requirepass', '')).toBe('+OK\r\n');
    a.close();
    b.close();
  });

  it('a subscriber that never reads is disconnected at the pubsub output limit; publishing goes on', async () => {
    expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 4mb 1mb 60')).toBe('+OK\r\n');
    const sub = net.connect({ port: h.port, host: '127.0.0.1' });
    await new Promise((r) => sub.once('connect', r));
    let subClosed = false;
    sub.on('close', () => (subClosed = true));
    sub.on('error', () => {});
    sub.write('*3\r\n$4\r\nAUTH\r\n$5\r\nprobe\r\n$5\r\nprobe\r\n*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nbusy\r\n');
    await new Promise((r) => setTimeout(r, 20));
    sub.pause(); // never read again
    const publisher = await probeClient(h.port);
    const message = 'm'.repeat(32 * 1024);
    let maxOutput = 0;
    let published = 0;
    let dropped = false;
    while (!subClosed && !dropped && published < 20_000) {
      const n = await publisher.call('PUBLISH', 'busy', message);
      // Delivered to the subscriber (:1) until the server drops it (:0 from then on)
      expect([':1\r\n', ':0\r\n']).toContain(n);
      dropped = n === ':0\r\n';
      published++;
      for (const c of h.server.clients.values()) maxOutput = Math.max(maxOutput, c.outputBytes);
      if (published % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    // Dropped by the server (the paused socket does not notice until it reads again)
    expect(dropped).toBe(true);
    expect(await publisher.call('PUBSUB', 'NUMSUB', 'busy')).toBe('*2\r\n$4\r\nbusy\r\n:0\r\n');
    sub.resume();
    for (let i = 0; i < 250 && !subClosed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(subClosed).toBe(true);
    // Held for it: at most the hard limit plus one message
    expect(maxOutput).toBeLessThanOrEqual(4 * 1024 * 1024 + 64 * 1024);
    expect(await publisher.call('PUBLISH', 'busy', 'x')).toBe(':0\r\n');
    expect(await publisher.call('PING')).toBe('+PONG\r\n');
    publisher.close();
    expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60')).toBe('+OK\r\n');
  });

  it('connections opened and dropped in a tight loop leave nothing behind', async () => {
    const probe = await probeClient(h.port);
    const run = runProbe(probe);
    const before = h.server.clients.size;
    const info0 = await admin.call('INFO', 'stats');
    const received0 = Number(/total_connections_received:(\d+)/.exec(info0)![1]);
    const cycles = 3000;
    let done = 0;
    const worker = async () => {
      while (done < cycles) {
        done++;
        await new Promise<void>((resolve) => {
          const s = net.connect({ port: h.port, host: '127.0.0.1' }, () => {
            // Half the time say something first, half the time just go
            if (done % 2 === 0) s.write('*1\r\n$4\r\nPING\r\n');
            s.destroy();
          });
          s.on('close', () => resolve());
          s.on('error', () => resolve());
        });
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    for (let i = 0; i < 100 && h.server.clients.size > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.server.clients.size).toBe(before);
    const info1 = await admin.call('INFO', 'stats');
    expect(Number(/total_connections_received:(\d+)/.exec(info1)![1]) - received0).toBeGreaterThanOrEqual(cycles);
    const { wrong } = await run.stop();
    expect(wrong).toEqual([]);
    probe.close();
  });
});
