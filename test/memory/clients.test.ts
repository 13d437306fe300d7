import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { contractSuite } from '../helpers/contract.js';

let server: Holdfast | null = null;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(server!.port);
  clients.push(c);
  return c;
}

const closed = (c: RawClient) => new Promise<void>((resolve) => c.socket.once('close', () => resolve()));

/** Half of a 2 MB SET: the query buffer holds it until the rest comes. */
function bigPartialSet(c: RawClient): void {
  c.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n`);
  c.write(Buffer.alloc(1_500_000, 'x'));
}

describe('maxmemory-clients', () => {
  it('disconnects the clients holding the most memory; CLIENT NO-EVICT ON exempts one', async () => {
    server = await startHoldfast({ 'maxmemory-clients': '1mb', hz: '100' });
    const small = await connect();
    const protectedClient = await connect();
    expect(await protectedClient.call('CLIENT', 'NO-EVICT', 'ON')).toBe('+OK\r\n');
    bigPartialSet(protectedClient);
    const hog = await connect();
    const gone = closed(hog);
    bigPartialSet(hog);
    await gone;
    // The protected one holds 1.5 MB too: still over the limit, but it stays.
    await new Promise((r) => setTimeout(r, 100));
    expect(await small.call('PING')).toBe('+PONG\r\n');
    expect(protectedClient.socket.destroyed).toBe(false);
    expect(await small.call('INFO', 'stats')).toMatch(/evicted_clients:1\r\n/);
    expect(await small.call('CLIENT', 'NO-EVICT', 'OFF')).toBe('+OK\r\n');
  });

  it('is off by default, and a percentage is of maxmemory', async () => {
    server = await startHoldfast({ hz: '100' });
    const c = await connect();
    bigPartialSet(c);
    await new Promise((r) => setTimeout(r, 100));
    const other = await connect();
    expect(await other.call('INFO', 'stats')).toMatch(/evicted_clients:0\r\n/);
    expect(await other.call('CONFIG', 'SET', 'maxmemory', '10mb')).toBe('+OK\r\n');
    expect(await other.call('CONFIG', 'SET', 'maxmemory-clients', '5%')).toBe('+OK\r\n');
    expect(server.server.memory.clientsLimit()).toBe(Math.floor(10 * 1024 * 1024 * 0.05));
    const gone = closed(c);
    await gone;
    expect(await other.call('INFO', 'stats')).toMatch(/evicted_clients:1\r\n/);
  });
});

contractSuite('maxmemory-clients and CLIENT NO-EVICT', [
  {
    name: 'CONFIG SET/GET of maxmemory-clients: bytes, units, percent, errors',
    commands: [
      ['CONFIG', 'SET', 'maxmemory-clients', '1mb'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', 'abc'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CLIENT', 'NO-EVICT', 'ON'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'OFF'],
    ],
  },
]);
