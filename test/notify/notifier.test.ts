import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.js';
import { Config, ConfigError } from '../../src/config.js';
import { NotifyClass, formatNotifyFlags, parseNotifyFlags } from '../../src/notify/notifier.js';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

const declared = new Set(allCommands.map((c) => c.name));

/** What CONFIG GET answers after CONFIG SET of each text, as read from redis-server 7.0.15. */
const ROUND_TRIPS: [string, string][] = [
  ['KEA', 'AKE'],
  ['', ''],
  ['n', 'n'],
  ['Anm', 'Am'], // 'n' is set, but Redis prints it only among the classes 'A' replaces
  ['Kgdtm', 'gtdKm'],
  ['Eg$lshzxetd', 'AE'],
  ['Eg$lshzxet', 'g$lshzxetE'],
  ['AA', 'A'],
  ['nxKm', 'xnKm'],
  ['Ex', 'xE'],
  ['mEK', 'KEm'],
  ['$lshz', '$lshz'],
];
const INVALID = ['Q', 'a', 'KEA ', 'k', 'AKEX'];

function bulkArray(items: string[]): string {
  return `*${items.length}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`;
}

describe('notify-keyspace-events flags', () => {
  it.each(ROUND_TRIPS)('"%s" reads back as "%s"', (text, shown) => {
    const flags = parseNotifyFlags(text);
    expect(flags).not.toBeNull();
    expect(formatNotifyFlags(flags!)).toBe(shown);
  });

  it('keeps n set under A although it does not print it', () => {
    expect(parseNotifyFlags('An')! & NotifyClass.newKey).toBeTruthy();
    expect(parseNotifyFlags('A')! & NotifyClass.newKey).toBe(0);
    expect(parseNotifyFlags('A')! & NotifyClass.keyMiss).toBe(0);
  });

  it.each(INVALID)('rejects "%s"', (text) => {
    expect(parseNotifyFlags(text)).toBeNull();
  });

  it('Config: set, format and Redis\'s error text', () => {
    const config = new Config();
    config.setText('notify-keyspace-events', 'KEA');
    expect(config.format('notify-keyspace-events')).toBe('AKE');
    config.setText('notify-keyspace-events', 'An');
    expect(config.format('notify-keyspace-events')).toBe('A');
    // The text is kept, so 'n' still reaches the notifier.
    expect(parseNotifyFlags(config.str('notify-keyspace-events'))! & NotifyClass.newKey).toBeTruthy();
    expect(() => config.setText('notify-keyspace-events', 'Q')).toThrow(new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
    expect(() => config.setMany([['notify-keyspace-events', 'Q']])).toThrow(
      "CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
    expect(config.format('notify-keyspace-events')).toBe('A');
  });
});

describe.skipIf(redisMissing)('contract: notify-keyspace-events round trip (Holdfast vs redis-server)', () => {
  let redis: RunningServer;
  let holdfast: Holdfast;
  let r: RawClient, h: RawClient;
  beforeAll(async () => {
    redis = (await startRedis())!;
    holdfast = await startHoldfast();
    r = await RawClient.connect(redis.port);
    h = await RawClient.connect(holdfast.port);
  });
  afterAll(async () => {
    r?.close();
    h?.close();
    await redis?.close();
    await holdfast?.close();
  });

  it('our formatting is what redis-server shows for every text', async () => {
    for (const [text] of ROUND_TRIPS) {
      expect(await r.call('CONFIG', 'SET', 'notify-keyspace-events', text)).toBe('+OK\r\n');
      const shown = await r.call('CONFIG', 'GET', 'notify-keyspace-events');
      expect(shown, text).toBe(bulkArray(['notify-keyspace-events', formatNotifyFlags(parseNotifyFlags(text)!)]));
    }
    for (const text of INVALID) {
      expect(await r.call('CONFIG', 'SET', 'notify-keyspace-events', text)).toMatch(/^-ERR .*Invalid event class character/);
    }
  });

  it.skipIf(!declared.has('config'))('CONFIG SET / GET answer byte for byte as redis-server', async () => {
    for (const text of [...ROUND_TRIPS.map(([t]) => t), ...INVALID]) {
      const [a, b] = await Promise.all([h.call('CONFIG', 'SET', 'notify-keyspace-events', text), r.call('CONFIG', 'SET', 'notify-keyspace-events', text)]);
      expect(a, `SET ${text}`).toBe(b);
      const [c, d] = await Promise.all([h.call('CONFIG', 'GET', 'notify-keyspace-events'), r.call('CONFIG', 'GET', 'notify-keyspace-events')]);
      expect(c, `GET after ${text}`).toBe(d);
    }
  });
});

describe('keyspace notifications', () => {
  let holdfast: Holdfast;
  const open: RawClient[] = [];
  beforeAll(async () => {
    holdfast = await startHoldfast({ 'notify-keyspace-events': 'KEA' });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    holdfast.server.config.setText('notify-keyspace-events', 'KEA');
    for (const db of holdfast.server.keyspace.dbs) db.flush();
  });
  afterAll(async () => {
    await holdfast?.close();
  });

  const subscriber = async (...channels: string[]) => {
    const c = await RawClient.connect(holdfast.port);
    open.push(c);
    for (const ch of channels) await c.call(ch.includes('*') ? 'PSUBSCRIBE' : 'SUBSCRIBE', ch);
    return c;
  };
  const message = (channel: string, payload: string) => `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n${payload}\r\n`;
  /** Everything c received before a marker published now on "marker" (c must subscribe to it). */
  const drain = async (c: RawClient) => {
    holdfast.server.broker.publish('marker', 'end');
    const got: string[] = [];
    for (let r = await c.read(); r !== message('marker', 'end'); r = await c.read()) got.push(r);
    return got;
  };
  const db = (i = 0) => holdfast.server.keyspace.dbs[i]!;

  it('a removal through the funnel publishes on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>', async () => {
    const c = await subscriber('marker', '__keyspace@0__:k', '__keyevent@0__:del');
    db().set('k', 'v');
    expect(holdfast.server.keyspace.deleteKeyAndNotify(db(), 'k', 'del')).toBe(true);
    expect(holdfast.server.keyspace.deleteKeyAndNotify(db(), 'k', 'del')).toBe(false); // nothing removed, nothing published
    expect(await drain(c)).toEqual([message('__keyspace@0__:k', 'del'), message('__keyevent@0__:del', 'k')]);
  });

  it('the flags choose the channels and the classes', async () => {
    const c = await subscriber('marker', '__keyspace@0__:k', '__keyevent@0__:del', '__keyevent@0__:evicted');
    const cycle = async (flags: string, reason: 'del' | 'evicted') => {
      holdfast.server.config.setText('notify-keyspace-events', flags);
      db().set('k', 'v');
      holdfast.server.keyspace.deleteKeyAndNotify(db(), 'k', reason);
      return drain(c);
    };
    expect(await cycle('Kg', 'del')).toEqual([message('__keyspace@0__:k', 'del')]);
    expect(await cycle('Eg', 'del')).toEqual([message('__keyevent@0__:del', 'k')]);
    expect(await cycle('KE$', 'del')).toEqual([]); // del is a generic (g) event
    expect(await cycle('g', 'del')).toEqual([]); // neither K nor E
    expect(await cycle('', 'del')).toEqual([]);
    expect(await cycle('Ee', 'evicted')).toEqual([message('__keyevent@0__:evicted', 'k')]);
    expect(await cycle('Eg', 'evicted')).toEqual([]);
  });

  it('carries the database index and reaches pattern subscribers', async () => {
    const c = await subscriber('marker', '__key*__:*');
    db(3).set('k3', 'v');
    holdfast.server.keyspace.deleteKeyAndNotify(db(3), 'k3', 'del');
    const pm = (pattern: string, channel: string, payload: string) =>
      `*4\r\n$8\r\npmessage\r\n$${pattern.length}\r\n${pattern}\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n${payload}\r\n`;
    expect(await drain(c)).toEqual([pm('__key*__:*', '__keyspace@3__:k3', 'del'), pm('__key*__:*', '__keyevent@3__:del', 'k3')]);
  });

  it('binary key names arrive intact', async () => {
    const key = 'k\x00\xff\r\n';
    const c = await subscriber('marker', '__keyevent@0__:del');
    db().set(key, 'v');
    holdfast.server.keyspace.deleteKeyAndNotify(db(), key, 'del');
    expect(await drain(c)).toEqual([message('__keyevent@0__:del', key)]);
  });

  it('a key expires from the deadline timer, without any access, and publishes expired', async () => {
    const c = await subscriber('marker', '__keyevent@0__:expired', '__keyspace@0__:soon');
    const deadline = Date.now() + 50;
    db().set('soon', 'v');
    db().setExpire('soon', deadline);
    db().set('later', 'v');
    db().setExpire('later', deadline + 60_000);
    expect(await c.read()).toBe(message('__keyspace@0__:soon', 'expired'));
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(await c.read()).toBe(message('__keyevent@0__:expired', 'soon'));
    // Removed for real (size does not run the lazy check), counted, and nothing else expired.
    expect(db().size).toBe(1);
    expect(db().expiresCount).toBe(1);
    expect(holdfast.server.keyspace.stats.expiredKeys).toBeGreaterThanOrEqual(1);
    expect(await drain(c)).toEqual([]);
  });

  it('a dead key read before its timer fires expires lazily, publishing once', async () => {
    const c = await subscriber('marker', '__keyevent@0__:expired');
    db().set('lazy', 'v');
    db().setExpire('lazy', Date.now() - 1);
    // Same tick: the timer cannot have fired yet, only the read sees the deadline.
    expect(db().size).toBe(1);
    expect(db().get('lazy')).toBeUndefined();
    expect(db().size).toBe(0);
    expect(db().get('lazy')).toBeUndefined();
    holdfast.server.scheduler.runDue(); // the heap entry is stale now: nothing more
    expect(await drain(c)).toEqual([message('__keyevent@0__:expired', 'lazy')]);
  });

  it('with nobody subscribed, removals publish nothing and cost no message building', async () => {
    const broker = holdfast.server.broker;
    // The previous test's subscribers are gone once the server has seen their sockets close.
    for (let i = 0; i < 200 && !broker.idle; i++) await new Promise((r) => setTimeout(r, 10));
    expect(broker.idle).toBe(true);
    let published = 0;
    const original = broker.publish.bind(broker);
    broker.publish = (ch, m) => (published++, original(ch, m));
    try {
      db().set('k', 'v');
      holdfast.server.keyspace.deleteKeyAndNotify(db(), 'k', 'del');
      expect(published).toBe(0);
    } finally {
      broker.publish = original;
    }
  });

  it.skipIf(!declared.has('del'))('DEL over a socket publishes del through the funnel, once per removed key', async () => {
    const c = await subscriber('marker', '__keyevent@0__:del');
    const client = await RawClient.connect(holdfast.port);
    open.push(client);
    db().set('a', '1');
    db().set('b', '2');
    expect(await client.call('DEL', 'a', 'nosuch', 'b')).toBe(':2\r\n');
    expect(await drain(c)).toEqual([message('__keyevent@0__:del', 'a'), message('__keyevent@0__:del', 'b')]);
  });
});
