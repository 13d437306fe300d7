import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import type { SaleValue } from '../../src/sale/sale.js';

/**
 * Sale events (sale.md Events): `<event> <lot> <code> <user>` on `__sale@<db>__:<key>`,
 * to RESP2 subscribers as messages and to RESP3 clients as pushes; off with
 * notify-sale-events no; following the key through RENAME, MOVE and SWAPDB.
 */

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const message2 = (channel: string, text: string) => `*3\r\n$7\r\nmessage\r\n${bulk(channel)}${bulk(text)}`;
const message3 = (channel: string, text: string) => `>3\r\n$7\r\nmessage\r\n${bulk(channel)}${bulk(text)}`;
const CODE = /^\$22\r\n([A-Za-z0-9_-]{22})\r\n$/;

function codeOf(reply: string): string {
  const m = CODE.exec(reply);
  if (!m) throw new Error(`not a reservation code: ${JSON.stringify(reply)}`);
  return m[1]!;
}

/** Reads a subscriber's messages up to (not including) the marker published last. */
async function readUntilMarker(sub: RawClient, marker: string): Promise<string[]> {
  const got: string[] = [];
  for (;;) {
    const m = await sub.read();
    if (m.endsWith(bulk(marker))) return got;
    got.push(m);
  }
}

describe('sale events over the wire', () => {
  let h: Holdfast;
  let c: RawClient;
  let sub: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    c = await RawClient.connect(h.port);
    sub = await RawClient.connect(h.port);
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'notify-sale-events', 'yes');
  });
  afterEach(() => {
    c.close();
    sub.close();
  });

  it('RESP2: reserved, purchased, confirmed, cancelled and SALE.MARK as messages on __sale@0__:<key>', async () => {
    const ch = '__sale@0__:s';
    expect(await sub.call('SUBSCRIBE', ch)).toBe(`*3\r\n$9\r\nsubscribe\r\n${bulk(ch)}:1\r\n`);
    await c.call('SALE.CREATE', 's', '5');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    await c.call('PURCHASE', 's', a);
    await c.call('PURCHASE', 's', a); // idempotent: no second event
    await c.call('CONFIRM', 's', a);
    await c.call('CONFIRM', 's', a);
    const b = codeOf(await c.call('RESERVE', 's', 'bob two', 'LOT', '3'));
    await c.call('CANCEL', 's', b);
    await c.call('CANCEL', 's', b); // already cancelled: 0, no event
    await c.call('RESERVE', 's', 'alice', 'LOT', '0'); // TAKEN: no event
    await c.call('SALE.MARK', 's', '4', 'carol');
    const mark = (await c.call('SALE.LOT', 's', '4')).slice(-24, -2);
    await c.call('PUBLISH', ch, 'marker');
    expect(await readUntilMarker(sub, 'marker')).toEqual([
      message2(ch, `reserved 0 ${a} alice`),
      message2(ch, `purchased 0 ${a} alice`),
      message2(ch, `confirmed 0 ${a} alice`),
      message2(ch, `reserved 3 ${b} bob two`),
      message2(ch, `cancelled 3 ${b} bob two`),
      message2(ch, `confirmed 4 ${mark} carol`),
    ]);
  });

  it('RESP3: pushes, on a connection that keeps running commands', async () => {
    const ch = '__sale@0__:s';
    await sub.call('HELLO', '3');
    expect(await sub.call('SUBSCRIBE', ch)).toBe(`>3\r\n$9\r\nsubscribe\r\n${bulk(ch)}:1\r\n`);
    await c.call('SALE.CREATE', 's', '5');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    expect(await sub.read()).toBe(message3(ch, `reserved 0 ${a} alice`));
    // The subscriber's own transition: its event is pushed, then the reply follows.
    const own = sub.call('PURCHASE', 's', a);
    expect(await own).toBe(message3(ch, `purchased 0 ${a} alice`));
    expect(await sub.read()).toBe(':0\r\n');
  });

  it('patterns receive them as pmessage, with the database number in the channel', async () => {
    await sub.call('PSUBSCRIBE', '__sale@*__:*');
    await c.call('SELECT', '7');
    await c.call('SALE.CREATE', 'x', '1');
    const a = codeOf(await c.call('RESERVE', 'x', 'u'));
    expect(await sub.read()).toBe(`*4\r\n$8\r\npmessage\r\n${bulk('__sale@*__:*')}${bulk('__sale@7__:x')}${bulk(`reserved 0 ${a} u`)}`);
    await c.call('SELECT', '0');
  });

  it('an expired hold is announced by the timer, with no access to the sale', async () => {
    const ch = '__sale@0__:s';
    await sub.call('SUBSCRIBE', ch);
    await c.call('SALE.CREATE', 's', '3', 'HOLD', '40');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    expect(await sub.read()).toBe(message2(ch, `reserved 0 ${a} alice`));
    // No command is sent until the event arrives.
    expect(await sub.read()).toBe(message2(ch, `expired 0 ${a} alice`));
    const info = await c.call('SALE.INFO', 's');
    expect(info).toContain(`${bulk('available')}:3\r\n${bulk('held')}:0\r\n`);
    expect(info).toContain(`${bulk('expired-holds')}:1\r\n`);
    expect(await c.call('PURCHASE', 's', a)).toBe('-NOHOLD unknown or expired reservation\r\n');
  });

  it('notify-sale-events no turns them off, yes back on', async () => {
    const ch = '__sale@0__:s';
    await sub.call('SUBSCRIBE', ch);
    await c.call('SALE.CREATE', 's', '5');
    expect(await c.call('CONFIG', 'SET', 'notify-sale-events', 'no')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'GET', 'notify-sale-events')).toBe(`*2\r\n${bulk('notify-sale-events')}${bulk('no')}`);
    await c.call('RESERVE', 's', 'alice');
    await c.call('PUBLISH', ch, 'marker');
    expect(await readUntilMarker(sub, 'marker')).toEqual([]);
    await c.call('CONFIG', 'SET', 'notify-sale-events', 'yes');
    const b = codeOf(await c.call('RESERVE', 's', 'bob'));
    expect(await sub.read()).toBe(message2(ch, `reserved 1 ${b} bob`));
  });

  it('after RENAME, MOVE and SWAPDB the events name the key and database the sale has now', async () => {
    await sub.call('PSUBSCRIBE', '__sale@*');
    await c.call('SALE.CREATE', 's', '10', 'HOLD', '60000');
    const a = codeOf(await c.call('RESERVE', 's', 'u'));
    await c.call('RENAME', 's', 'renamed');
    await c.call('PURCHASE', 'renamed', a);
    await c.call('MOVE', 'renamed', '2');
    await c.call('SELECT', '2');
    await c.call('CONFIRM', 'renamed', a);
    await c.call('SWAPDB', '2', '4');
    await c.call('SELECT', '4');
    const b = codeOf(await c.call('RESERVE', 'renamed', 'v'));
    await c.call('PUBLISH', '__sale@end', 'marker');
    await c.call('SELECT', '0');
    const events = (await readUntilMarker(sub, 'marker')).map((m) => {
      const parts = m.split('\r\n');
      return `${parts[6]} ${parts[8]}`;
    });
    expect(events).toEqual([
      `__sale@0__:s reserved 0 ${a} u`,
      `__sale@0__:renamed purchased 0 ${a} u`,
      `__sale@2__:renamed confirmed 0 ${a} u`,
      `__sale@4__:renamed reserved 1 ${b} v`,
    ]);
  });

  it('a deleted sale says nothing more: its holds never expire with an event', async () => {
    const ch = '__sale@0__:s';
    await sub.call('SUBSCRIBE', ch);
    await c.call('SALE.CREATE', 's', '3', 'HOLD', '20');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    await c.call('DEL', 's');
    await new Promise((r) => setTimeout(r, 60));
    await c.call('PUBLISH', ch, 'marker');
    expect(await readUntilMarker(sub, 'marker')).toEqual([message2(ch, `reserved 0 ${a} alice`)]);
  });

  it('a sale restored from a snapshot (loading) announces the holds that expired meanwhile on its key', async () => {
    const ch = '__sale@0__:restored';
    await sub.call('SUBSCRIBE', ch);
    await c.call('SALE.CREATE', 'orig', '4', 'HOLD', '30');
    const a = codeOf(await c.call('RESERVE', 'orig', 'alice'));
    const b = codeOf(await c.call('RESERVE', 'orig', 'bob'));
    expect(await c.call('PURCHASE', 'orig', b)).toBe(':1\r\n');
    const db = h.server.keyspace.dbs[0]!;
    const image = (db.get('orig') as SaleValue).toSnapshot();
    await new Promise((r) => setTimeout(r, 40)); // alice's hold is past its deadline in the image
    const restored = h.server.sales.restore(image, db, 'restored');
    expect(restored.key).toBe('restored');
    expect(await sub.read()).toBe(message2(ch, `expired 0 ${a} alice`));
    // Wired like any sale: its transitions are published too.
    expect(await c.call('CONFIRM', 'restored', b)).toBe('+OK\r\n');
    expect(await sub.read()).toBe(message2(ch, `confirmed 1 ${b} bob`));
    expect(await c.call('TYPE', 'restored')).toBe('+sale\r\n');
  });

  it('costs nothing when nobody listens: no message is formatted or published', async () => {
    const publish = vi.spyOn(h.server.broker, 'publish');
    try {
      await c.call('SALE.CREATE', 's', '5');
      codeOf(await c.call('RESERVE', 's', 'alice'));
      expect(publish).not.toHaveBeenCalled();
      // Someone listens elsewhere: still nothing for this channel.
      await sub.call('SUBSCRIBE', 'elsewhere');
      codeOf(await c.call('RESERVE', 's', 'bob'));
      expect(publish).not.toHaveBeenCalled();
      await sub.call('SUBSCRIBE', '__sale@0__:s');
      const code = codeOf(await c.call('RESERVE', 's', 'carol'));
      expect(publish).toHaveBeenCalledWith('__sale@0__:s', `reserved 2 ${code} carol`);
    } finally {
      publish.mockRestore();
    }
  });
});

describe('sale events with client libraries', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  for (const protocol of [2, 3] as const) {
    it(`ioredis RESP${protocol}: a subscriber sees a whole flow`, async () => {
      const key = `io${protocol}`;
      const ch = `__sale@0__:${key}`;
      const sub = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      const cmd = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      try {
        await Promise.all([sub.connect(), cmd.connect()]);
        const got: string[] = [];
        const five = new Promise<void>((resolve) =>
          sub.on('message', (channel: string, text: string) => {
            got.push(`${channel} ${text}`);
            if (got.length === 5) resolve();
          }),
        );
        await sub.subscribe(ch);
        // 500 ms: alice's hold must outlive three round trips on a loaded machine; bob's then expires.
        expect(await cmd.call('SALE.CREATE', key, '2', 'HOLD', '500')).toBe('OK');
        const a = (await cmd.call('RESERVE', key, 'alice')) as string;
        expect(await cmd.call('PURCHASE', key, a)).toBe(0);
        expect(await cmd.call('CONFIRM', key, a)).toBe('OK');
        const b = (await cmd.call('RESERVE', key, 'bob')) as string;
        await five; // the last one is bob's hold expiring
        expect(got).toEqual([
          `${ch} reserved 0 ${a} alice`,
          `${ch} purchased 0 ${a} alice`,
          `${ch} confirmed 0 ${a} alice`,
          `${ch} reserved 1 ${b} bob`,
          `${ch} expired 1 ${b} bob`,
        ]);
      } finally {
        sub.disconnect();
        cmd.disconnect();
      }
    });

    it(`node-redis RESP${protocol}: a subscriber sees a whole flow`, async () => {
      const key = `nr${protocol}`;
      const ch = `__sale@0__:${key}`;
      const sub = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      const cmd = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      try {
        await Promise.all([sub.connect(), cmd.connect()]);
        const got: string[] = [];
        let done!: () => void;
        const five = new Promise<void>((r) => (done = r));
        await sub.subscribe(ch, (text, channel) => {
          got.push(`${channel} ${text}`);
          if (got.length === 5) done();
        });
        // 500 ms: alice's hold must outlive two round trips on a loaded machine; bob's then expires.
        expect(await cmd.sendCommand(['SALE.CREATE', key, '2', 'HOLD', '500'])).toBe('OK');
        const a = (await cmd.sendCommand(['RESERVE', key, 'alice'])) as string;
        expect(await cmd.sendCommand(['PURCHASE', key, a])).toBe(0);
        expect(await cmd.sendCommand(['CANCEL', key, a])).toBe(1);
        const b = (await cmd.sendCommand(['RESERVE', key, 'bob', 'LOT', '1'])) as string;
        await five;
        expect(got).toEqual([
          `${ch} reserved 0 ${a} alice`,
          `${ch} purchased 0 ${a} alice`,
          `${ch} cancelled 0 ${a} alice`,
          `${ch} reserved 1 ${b} bob`,
          `${ch} expired 1 ${b} bob`,
        ]);
      } finally {
        sub.destroy();
        cmd.destroy();
      }
    });
  }
});
