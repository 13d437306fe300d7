import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

/** Real client libraries against Holdfast's pub/sub, in both protocols. */
describe('pub/sub with client libraries', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h.close();
  });

  const nextEvent = <T extends unknown[]>(emitter: { once(e: string, f: (...a: T) => void): unknown }, event: string) =>
    new Promise<T>((resolve) => emitter.once(event, (...a: T) => resolve(a)));

  for (const protocol of [2, 3] as const) {
    it(`ioredis RESP${protocol}: message, pmessage, smessage and unsubscribing`, async () => {
      const sub = new Redis({ port: h.port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false });
      const pub = new Redis({ port: h.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
      try {
        await Promise.all([sub.connect(), pub.connect()]);
        expect(await sub.subscribe('news', 'sport')).toBe(2);
        expect(await sub.psubscribe('n*')).toBe(3);
        let message = nextEvent<[string, string]>(sub, 'message');
        const pmessage = nextEvent<[string, string, string]>(sub, 'pmessage');
        expect(await pub.publish('news', 'hello')).toBe(2);
        expect(await message).toEqual(['news', 'hello']);
        expect(await pmessage).toEqual(['n*', 'news', 'hello']);
        expect(await pub.pubsub('NUMSUB', 'news', 'sport', 'none')).toEqual(['news', 1, 'sport', 1, 'none', 0]);
        expect(await pub.pubsub('NUMPAT')).toBe(1);
        expect(await sub.unsubscribe('news')).toBe(2);
        message = nextEvent<[string, string]>(sub, 'message');
        expect(await pub.publish('sport', 'goal')).toBe(1);
        expect(await message).toEqual(['sport', 'goal']);
        // By name: ioredis 6 waits forever on a bare RESP2 PUNSUBSCRIBE, against redis-server too.
        expect(await sub.punsubscribe('n*')).toBe(1);
        expect(await sub.unsubscribe('sport')).toBe(0);
        expect(await pub.pubsub('CHANNELS')).toEqual([]);
        // Out of subscribed mode: ordinary commands again.
        expect(await sub.ping()).toBe('PONG');
      } finally {
        sub.disconnect();
        pub.disconnect();
      }
    });

    it(`node-redis RESP${protocol}: subscribe, pSubscribe, sSubscribe with listeners`, async () => {
      const sub = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      const pub = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: protocol });
      try {
        await Promise.all([sub.connect(), pub.connect()]);
        const got: string[] = [];
        const all = new Promise<void>((resolve) => {
          const push = (s: string) => {
            got.push(s);
            if (got.length === 3) resolve();
          };
          void sub.subscribe('ch', (m, c) => push(`message ${c} ${m}`));
          void sub.pSubscribe('c*', (m, c) => push(`pmessage ${c} ${m}`));
          void sub.sSubscribe('sh', (m, c) => push(`smessage ${c} ${m}`));
        });
        // Let the subscriptions land before publishing.
        for (let i = 0; i < 100 && (await pub.pubSubNumPat()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
        for (let i = 0; i < 100 && (await pub.pubSubShardNumSub('sh')).sh === 0; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await pub.publish('ch', 'one')).toBe(2);
        expect(await pub.sPublish('sh', 'two')).toBe(1);
        await all;
        expect(got.sort()).toEqual(['message ch one', 'pmessage ch one', 'smessage sh two']);
        expect(await pub.pubSubNumSub(['ch', 'x'])).toEqual({ ch: 1, x: 0 });
        // By name: node-redis 5 waits forever on a bare RESP2 UNSUBSCRIBE, against redis-server too.
        await sub.unsubscribe('ch');
        await sub.pUnsubscribe('c*');
        await sub.sUnsubscribe('sh');
        expect(await pub.pubSubChannels()).toEqual([]);
      } finally {
        sub.destroy();
        pub.destroy();
      }
    });
  }

  it('RESP3 allows any command on a subscribed connection', async () => {
    const c = createClient({ socket: { port: h.port, host: '127.0.0.1' }, RESP: 3 });
    try {
      await c.connect();
      const received = new Promise<string>((resolve) => void c.subscribe('self', (m) => resolve(m)));
      expect(await c.ping()).toBe('PONG');
      expect(await c.echo('still here')).toBe('still here');
      expect(await c.publish('self', 'to myself')).toBe(1);
      expect(await received).toBe('to myself');
    } finally {
      c.destroy();
    }
  });
});
