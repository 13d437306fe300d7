import net from 'node:net';
import { Config } from '../../src/config.js';
import { Server } from '../../src/server.js';
import type { Client } from '../../src/network/client.js';
import type { CommandSpec } from '../../src/dispatch/commandSpec.js';
import { allCommands } from '../../commands/index.js';
import type { Holdfast } from '../helpers/servers.js';

/**
 * An in-process Holdfast with extra test-only commands (a deferred reply, a large reply,
 * a command that throws), on a free loopback port.
 */
export async function startWithCommands(extra: CommandSpec[], settings: Record<string, string> = {}): Promise<Holdfast> {
  const config = new Config();
  config.setText('port', '0', true);
  config.setText('bind', '127.0.0.1', true);
  for (const [k, v] of Object.entries(settings)) config.setText(k, v, true);
  const server = new Server([...allCommands, ...extra], { quiet: true, config });
  const port = await server.listen();
  return { server, port, close: () => server.close() };
}

/** A test-only command declaration: only the fields dispatch reads matter here. */
export function testCommand(name: string, arity: number, handler: NonNullable<CommandSpec['handler']>): CommandSpec {
  return { name, arity, flags: [], group: 'server', summary: 'test only', since: '0.0.0', handler };
}

export interface Exchange {
  /** Everything the server sent, as latin1. */
  text: string;
  /** Whether the server closed the connection by itself. */
  closedByServer: boolean;
}

/**
 * Writes `chunks` on a fresh connection (a tick apart, so they arrive as separate reads
 * where the kernel allows) and collects what comes back. With `halfClose`, the client then
 * shuts down its side, so the exchange ends deterministically when the server closes in
 * turn: both redis-server and Holdfast answer every complete request first. Without it, the
 * server is expected to close the connection itself (a protocol error).
 */
export function exchange(port: number, chunks: (string | Buffer)[], opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    let clientEnded = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after ${opts.timeoutMs ?? 5000} ms; received ${JSON.stringify(Buffer.concat(received).toString('latin1'))}`));
    }, opts.timeoutMs ?? 5000);
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {});
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closedByServer: !clientEnded });
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
        await new Promise((r) => setImmediate(r));
      }
      if (opts.halfClose) {
        clientEnded = true;
        socket.end();
      }
    });
  });
}

/** The server-side Client for the most recent connection. */
export function lastClient(server: Server): Client {
  const all = [...server.clients.values()];
  const c = all[all.length - 1];
  if (!c) throw new Error('no client connected');
  return c;
}

/** Waits until `cond` holds, checking every few milliseconds (state changes driven by I/O). */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw socket that counts what it receives without keeping it, and can stop reading. */
export class CountingSocket {
  received = 0;
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.received += d.length;
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  static connect(port: number): Promise<CountingSocket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new CountingSocket(s)));
      s.once('error', reject);
    });
  }
}
