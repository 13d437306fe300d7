import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import os from 'node:os';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp } from '../helpers/respDecode.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast } from '../helpers/servers.js';

/** This machine's first non-loopback IPv4 address, if it has one (protected mode needs a remote-looking peer). */
function externalAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** Everything the server sends until it closes the connection. */
function readUntilClosed(port: number, host: string, send = 'PING\r\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = net.connect({ port, host }, () => s.write(send));
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    setTimeout(() => {
      s.destroy();
      resolve(out + '<still open>');
    }, 3000).unref();
  });
}

const external = externalAddress();

describe.skipIf(external === null)('protected mode', () => {
  it('refuses non-loopback peers with Redis text while the default user has no password', async () => {
    const h = await startHoldfast({ bind: '0.0.0.0' });
    const denied = await readUntilClosed(h.port, external!);
    expect(denied).toMatch(/^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. /);
    expect(denied.endsWith('from the outside.\r\n')).toBe(true);
    // Loopback peers are served
    const local = await RawClient.connect(h.port);
    expect(await local.call('PING')).toBe('+PONG\r\n');
    // A password for the default user lifts it: the peer gets in (and must authenticate)
    await local.call('CONFIG', 'SET', 'requirepass', 'pw');
    expect(await readUntilClosed(h.port, external!, 'PING\r\nQUIT\r\n')).toBe('-NOAUTH Authentication required.\r\n+OK\r\n');
    await local.call('AUTH', 'pw');
    await local.call('CONFIG', 'SET', 'requirepass', '');
    await local.call('CONFIG', 'SET', 'protected-mode', 'no');
    expect(await readUntilClosed(h.port, external!, 'PING\r\nQUIT\r\n')).toBe('+PONG\r\n+OK\r\n');
    const info = decodeResp(await local.call('INFO', 'stats')).v as string;
    expect(info).toMatch(/rejected_connections:1\r\n/);
    local.close();
    await h.close();
  });

  it.skipIf(redisMissing)('sends the same bytes as redis-server', async () => {
    const h = await startHoldfast({ bind: '0.0.0.0' });
    const r = (await startRedis(['--bind', '0.0.0.0']))!;
    const [a, b] = await Promise.all([readUntilClosed(h.port, external!), readUntilClosed(r.port, external!)]);
    expect(a).toBe(b);
    await h.close();
    await r.close();
  });
});

describe('maxclients, timeout, CLIENT KILL', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(() => h.close());

  it('refuses connections beyond maxclients with Redis text', async () => {
    const admin = await RawClient.connect(h.port);
    const before = h.server.clients.size;
    await admin.call('CONFIG', 'SET', 'maxclients', String(before + 1));
    const second = await RawClient.connect(h.port);
    expect(await second.call('PING')).toBe('+PONG\r\n');
    expect(await readUntilClosed(h.port, '127.0.0.1')).toBe('-ERR max number of clients reached\r\n');
    second.close();
    await second.waitClosed();
    await admin.call('CONFIG', 'SET', 'maxclients', '10000');
    admin.close();
  });

  it('closes idle clients after timeout seconds, but not subscribers', async () => {
    const admin = await RawClient.connect(h.port);
    await admin.call('CONFIG', 'SET', 'timeout', '1');
    const idle = await RawClient.connect(h.port);
    const sub = await RawClient.connect(h.port);
    await sub.call('SUBSCRIBE', 'news');
    await idle.waitClosed(5000);
    // the admin connection was idle too
    await admin.waitClosed(5000);
    expect(sub.closed).toBe(false);
    const again = await RawClient.connect(h.port);
    await again.call('CONFIG', 'SET', 'timeout', '0');
    sub.close();
    again.close();
  });

  it('CLIENT KILL by ID, USER, TYPE, ADDR and SKIPME', async () => {
    const admin = await RawClient.connect(h.port);
    await admin.call('ACL', 'SETUSER', 'worker', 'on', 'nopass', '+@all', '~*', '&*');
    const w1 = await RawClient.connect(h.port);
    const w2 = await RawClient.connect(h.port);
    await w1.call('AUTH', 'worker', 'x');
    await w2.call('AUTH', 'worker', 'x');
    const sub = await RawClient.connect(h.port);
    await sub.call('SUBSCRIBE', 'c');
    const victim = await RawClient.connect(h.port);
    const victimId = (await victim.call('CLIENT', 'ID')).slice(1, -2);
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'nosuch')).toBe("-ERR No such user 'nosuch'\r\n");
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'worker')).toBe(':2\r\n');
    await w1.waitClosed();
    await w2.waitClosed();
    expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':1\r\n');
    await sub.waitClosed();
    expect(await admin.call('CLIENT', 'KILL', 'ID', victimId)).toBe(':1\r\n');
    await victim.waitClosed();
    const other = await RawClient.connect(h.port);
    const addr = `127.0.0.1:${other.socket.localPort}`;
    expect(await admin.call('CLIENT', 'KILL', 'ADDR', addr, 'SKIPME', 'yes')).toBe(':1\r\n');
    await other.waitClosed();
    expect(await admin.call('CLIENT', 'KILL', 'ID', '999999')).toBe(':0\r\n');
    expect(await admin.call('CLIENT', 'KILL', 'SKIPME', 'no', 'USER', 'default')).toBe(':1\r\n');
    await admin.waitClosed();
  });
});

describe('CLIENT PAUSE and UNPAUSE', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(() => h.close());

  it('WRITE holds writes (in order, with what follows them) and lets reads through', async () => {
    const admin = await RawClient.connect(h.port);
    const writer = await RawClient.connect(h.port);
    const reader = await RawClient.connect(h.port);
    await admin.call('SET', 'k', '0');
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    writer.write('SET k 1\r\nGET k\r\nINCR k\r\n');
    expect(await reader.call('GET', 'k')).toBe('$1\r\n0\r\n');
    expect(await reader.call('PUBLISH', 'x', 'y')).toBe(':0\r\n');
    // MULTI is not a write; a write queued inside it waits
    expect(await reader.call('MULTI')).toBe('+OK\r\n');
    const queued = reader.call('SET', 'k', 'multi');
    const info = decodeResp(await admin.call('INFO', 'clients')).v as string;
    expect(info).toMatch(/paused_clients:2\r\n/);
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await writer.read()).toBe('+OK\r\n');
    expect(await writer.read()).toBe('$1\r\n1\r\n');
    expect(await writer.read()).toBe(':2\r\n');
    expect(await queued).toBe('+QUEUED\r\n');
    expect(await reader.call('EXEC')).toBe('*1\r\n+OK\r\n');
    for (const c of [admin, writer, reader]) c.close();
  });

  it('ALL holds every command, the pausing client included, until the timeout', async () => {
    const admin = await RawClient.connect(h.port);
    const other = await RawClient.connect(h.port);
    expect(await admin.call('CLIENT', 'PAUSE', '300')).toBe('+OK\r\n');
    const started = Date.now();
    const [a, b] = await Promise.all([admin.call('PING'), other.call('CLIENT', 'UNPAUSE')]);
    expect([a, b]).toEqual(['+PONG\r\n', '+OK\r\n']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    admin.close();
    other.close();
  });

  it('a pause never gets shorter or weaker while it lasts', async () => {
    const p = h.server.pause;
    p.pause(60_000, 'all');
    p.pause(10, 'write');
    expect(p.mode).toBe('all');
    expect(p.until - Date.now()).toBeGreaterThan(50_000);
    p.unpause();
    expect(p.mode).toBe(null);
  });

  it('a client that disconnects while held is forgotten', async () => {
    const admin = await RawClient.connect(h.port);
    const held = await RawClient.connect(h.port);
    await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    held.write('SET gone 1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.pause.pausedClients).toBe(1);
    held.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.pause.pausedClients).toBe(0);
    await admin.call('CLIENT', 'UNPAUSE');
    expect(await admin.call('EXISTS', 'gone')).toBe(':0\r\n');
    admin.close();
  });
});

contractSuite('CLIENT PAUSE errors', [
  {
    name: 'arguments',
    commands: [
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'foo'],
      ['CLIENT', 'PAUSE', '10', 'write', 'extra'],
      ['CLIENT', 'PAUSE', '99999999999999999999'],
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'PAUSE', '0', 'all'],
      ['CLIENT', 'UNPAUSE'],
    ],
  },
]);
