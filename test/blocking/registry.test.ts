import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { ManualClock } from '../../src/expiry/clock.js';
import { manualTimers } from '../../src/expiry/scheduler.js';
import { blockForKeys, blockedClientCount, blockingKeys } from '../../src/blocking/index.js';
import type { Client } from '../../src/network/client.js';
import { send } from './bothServers.js';

/** The registry's own rules, driven through its API on a live server with a manual clock. */
describe('blocked-clients registry', () => {
  let h: Holdfast;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    h = await startHoldfast({}, { clock, timers: manualTimers });
  });
  afterAll(async () => {
    await h.close();
  });

  /** The server-side Client of a fresh connection. */
  async function connectWithClient(): Promise<[RawClient, Client]> {
    const raw = await RawClient.connect(h.port);
    const id = Number((await raw.call('CLIENT', 'ID')).slice(1, -2));
    return [raw, h.server.clients.get(id)!];
  }

  it('a failing serve answers the blocked client with an error and spares the pusher', async () => {
    const [raw, client] = await connectWithClient();
    const pusher = await RawClient.connect(h.port);
    try {
      blockForKeys(client, 'list', ['k'], 0, () => {
        throw new Error('boom');
      });
      expect(blockedClientCount(h.server)).toBe(1);
      expect(await pusher.call('RPUSH', 'k', 'v')).toBe(':1\r\n');
      expect(await raw.read()).toBe('-ERR internal error while serving a blocked client\r\n');
      expect(blockedClientCount(h.server)).toBe(0);
      expect(await raw.call('PING')).toBe('+PONG\r\n');
    } finally {
      raw.close();
      pusher.close();
    }
  });

  it('a key given twice is waited on once; served once', async () => {
    const [raw, client] = await connectWithClient();
    const pusher = await RawClient.connect(h.port);
    try {
      await pusher.call('DEL', 'k');
      let served = 0;
      blockForKeys(client, 'list', ['k', 'k', 'k'], 0, (_c, reply, db, key) => {
        served++;
        reply.bulk(key);
        h.server.keyspace.deleteKeyAndNotify(db, key, 'del');
      });
      await pusher.call('RPUSH', 'k', 'a', 'b');
      expect(await raw.read()).toBe('$1\r\nk\r\n');
      expect(served).toBe(1);
    } finally {
      raw.close();
      pusher.close();
    }
  });

  it('timeouts leave no live timer behind once served or unblocked', async () => {
    const [raw, client] = await connectWithClient();
    const pusher = await RawClient.connect(h.port);
    try {
      await pusher.call('DEL', 'k');
      const stale = h.server.scheduler.staleCount;
      send(raw, 'BLPOP', 'k', '10');
      for (let i = 0; i < 200 && blockedClientCount(h.server) === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(client.blocked).toBe(true);
      await pusher.call('RPUSH', 'k', 'v');
      expect(await raw.read()).toBe('*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
      // The served client's timer entry is stale now, and firing it changes nothing.
      expect(h.server.scheduler.staleCount).toBe(stale + 1);
      clock.advance(10_000);
      h.server.scheduler.runDue();
      expect(h.server.scheduler.staleCount).toBe(stale);
      expect(await raw.call('PING')).toBe('+PONG\r\n');
    } finally {
      raw.close();
      pusher.close();
    }
  });

  it('CLIENT REPLY OFF: the served reply is dropped like any other', async () => {
    const [raw] = await connectWithClient();
    const pusher = await RawClient.connect(h.port);
    try {
      await pusher.call('DEL', 'k');
      raw.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n');
      send(raw, 'BLPOP', 'k', '0');
      for (let i = 0; i < 200 && blockedClientCount(h.server) === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(await pusher.call('RPUSH', 'k', 'v')).toBe(':1\r\n');
      expect(await raw.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
      expect(await pusher.call('EXISTS', 'k')).toBe(':0\r\n');
    } finally {
      raw.close();
      pusher.close();
    }
  });

  it('the registry is one per server and counts what it holds', async () => {
    expect(blockingKeys(h.server)).toBe(blockingKeys(h.server));
    expect(blockingKeys(h.server).count).toBe(blockedClientCount(h.server));
  });
});
