import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { RawClient } from '../helpers/rawClient.js';
import { freePort, startHoldfast } from '../helpers/servers.js';
import { splitReplies } from '../hostile/support.js';

describe('shutdown', () => {
  it('stops accepting, answers /health 503, and lets the replies already due go out whole', async () => {
    const httpPort = await freePort();
    const h = await startHoldfast({ 'http-port': String(httpPort) });
    const admin = await RawClient.connect(h.port);
    const big = 'v'.repeat(1024 * 1024);
    expect(await admin.call('SET', 'big', big)).toBe('+OK\r\n');
    // A client that sent 40 GETs of a 1 MB value and is not reading yet
    const reader = net.connect({ port: h.port, host: '127.0.0.1' });
    await new Promise((r) => reader.once('connect', r));
    const received: Buffer[] = [];
    let ended = false;
    reader.on('data', (d) => received.push(d));
    reader.on('close', () => (ended = true));
    reader.pause();
    const pipeline = Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(40));
    reader.write(pipeline);
    await new Promise((r) => setTimeout(r, 50));
    // Commands run so far (the rest waits in the parser: the reader is throttled by backpressure)
    const ran = h.server.dispatcher.stats.get('get')!.calls;
    expect(ran).toBeGreaterThan(0);
    const closing = h.server.close();
    expect(h.server.shuttingDown).toBe(true);
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'shutting down' });
    // No new connections
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ port: h.port, host: '127.0.0.1' }, () => {
        s.once('data', (d) => resolve(`data ${d}`));
        s.once('close', () => resolve('closed'));
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(['ECONNREFUSED', 'closed']).toContain(refused);
    reader.resume();
    await closing;
    for (let i = 0; i < 100 && !ended; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(true);
    const { replies, rest } = splitReplies(Buffer.concat(received));
    expect(rest).toBe(0);
    // Every reply due was sent whole; commands not run yet were dropped with the connection
    expect(replies.length).toBe(ran);
    for (const r of replies) expect(r).toBe(`$${big.length}\r\n${big}\r\n`);
    admin.close();
  });
});
