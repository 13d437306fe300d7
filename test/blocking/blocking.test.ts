import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { bothServersSuite, send, waitBlocked } from './bothServers.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { ManualClock } from '../../src/expiry/clock.js';
import { manualTimers } from '../../src/expiry/scheduler.js';
import { blockedClientCount } from '../../src/blocking/index.js';

/**
 * Blocking pops across connections. The scenarios run on Holdfast and on redis-server and
 * must give the same transcript: who is served, with what, in which order, and what the
 * other clients see.
 */
bothServersSuite('blocked clients served by pushes', {
  'first come, first served on one key (Redis FIFO per key)': async ({ connect, log }) => {
    const [c1, c2, c3, p] = [await connect(), await connect(), await connect(), await connect()];
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    send(c2, 'BLPOP', 'k', '0');
    await waitBlocked(p, 2);
    send(c3, 'BRPOP', 'k', '0');
    await waitBlocked(p, 3);
    log(await p.call('RPUSH', 'k', 'a'));
    log(await c1.read());
    await waitBlocked(p, 2);
    log(await p.call('RPUSH', 'k', 'b', 'c', 'd'));
    log(await c2.read());
    log(await c3.read());
    log(await p.call('LRANGE', 'k', '0', '-1'));
    await waitBlocked(p, 0);
  },
  'one push of several elements serves several clients, in order': async ({ connect, log }) => {
    const [c1, c2, p] = [await connect(), await connect(), await connect()];
    send(c1, 'BRPOP', 'k', '0');
    await waitBlocked(p, 1);
    send(c2, 'BLPOP', 'k', '0');
    await waitBlocked(p, 2);
    log(await p.call('LPUSH', 'k', 'a', 'b', 'c'));
    log(await c1.read());
    log(await c2.read());
    log(await p.call('LRANGE', 'k', '0', '-1'));
  },
  'a client blocked on several keys is served by the first that gets data, once': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLPOP', 'a', 'b', 'a', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'b', 'x'));
    log(await c1.read());
    send(c1, 'BRPOP', 'a', 'b', '0');
    await waitBlocked(p, 1);
    log(await p.call('MULTI'));
    log(await p.call('RPUSH', 'b', '1'));
    log(await p.call('RPUSH', 'a', '2'));
    log(await p.call('EXEC'));
    log(await c1.read());
    log(await p.call('LRANGE', 'a', '0', '-1'));
    log(await p.call('EXISTS', 'b'));
  },
  'keys made ready in one EXEC are served in the order they were written': async ({ connect, log }) => {
    const [c1, c2, p, sub] = [await connect(), await connect(), await connect(), await connect()];
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', 'El');
    log(await sub.call('SUBSCRIBE', '__keyevent@0__:lpop'));
    send(c1, 'BLPOP', 'a', '0');
    await waitBlocked(p, 1);
    send(c2, 'BLPOP', 'b', '0');
    await waitBlocked(p, 2);
    log(await p.call('MULTI'));
    log(await p.call('RPUSH', 'b', '1'));
    log(await p.call('RPUSH', 'a', '2'));
    log(await p.call('EXEC'));
    log(await c1.read());
    log(await c2.read());
    log(await sub.read());
    log(await sub.read());
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  },
  'inside a transaction nothing is served; after it, what is left is': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('MULTI'));
    log(await p.call('RPUSH', 'k', 'a'));
    log(await p.call('LPOP', 'k'));
    log(await p.call('EXEC'));
    log(await p.call('INFO', 'clients').then((s) => /blocked_clients:\d+/.exec(s)![0]));
    log(await p.call('RPUSH', 'k', 'b'));
    log(await c1.read());
  },
  'woken by RENAME, COPY, MOVE and SWAPDB': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLPOP', 'dst', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'src', 'renamed'));
    log(await p.call('RENAME', 'src', 'dst'));
    log(await c1.read());
    send(c1, 'BLPOP', 'dst', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'src', 'copied'));
    log(await p.call('COPY', 'src', 'dst'));
    log(await c1.read());
    log(await p.call('LRANGE', 'src', '0', '-1'));
    log(await c1.call('SELECT', '1'));
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'k', 'moved'));
    log(await p.call('MOVE', 'k', '1'));
    log(await c1.read());
    send(c1, 'BRPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'k', 'swapped'));
    log(await p.call('SWAPDB', '0', '1'));
    log(await c1.read());
  },
  'a key of another type does not serve; the list that replaces it does': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('SET', 'k', 'str'));
    log(await p.call('DEL', 'k'));
    log(await p.call('HSET', 'k', 'f', 'v'));
    log(await p.call('INFO', 'clients').then((s) => /blocked_clients:\d+/.exec(s)![0]));
    log(await p.call('DEL', 'k'));
    log(await p.call('RPUSH', 'k', 'list'));
    log(await c1.read());
  },
  'a push in another database does not serve': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('SELECT', '2'));
    log(await p.call('RPUSH', 'k', 'other-db'));
    log(await p.call('SELECT', '0'));
    log(await p.call('RPUSH', 'k', 'same-db'));
    log(await c1.read());
  },
  'BLMOVE: served by a push, feeding the next blocked client': async ({ connect, log }) => {
    const [c1, c2, p] = [await connect(), await connect(), await connect()];
    send(c1, 'BLMOVE', 'src', 'mid', 'LEFT', 'RIGHT', '0');
    await waitBlocked(p, 1);
    send(c2, 'BLPOP', 'mid', '0');
    await waitBlocked(p, 2);
    log(await p.call('RPUSH', 'src', 'x', 'y'));
    log(await c1.read());
    log(await c2.read());
    log(await p.call('LRANGE', 'src', '0', '-1'));
    log(await p.call('EXISTS', 'mid'));
    send(c1, 'BRPOPLPUSH', 'src2', 'dst', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'src2', '1', '2'));
    log(await c1.read());
    log(await p.call('LRANGE', 'dst', '0', '-1'));
  },
  'BLMOVE onto a destination of another type: the blocked client gets WRONGTYPE, nothing moves': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0');
    await waitBlocked(p, 1);
    log(await p.call('SET', 'dst', 'str'));
    log(await p.call('RPUSH', 'src', 'x'));
    log(await c1.read());
    log(await p.call('LRANGE', 'src', '0', '-1'));
    log(await c1.call('PING'));
  },
  'BLMPOP with COUNT': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BLMPOP', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'b', '1', '2', '3'));
    log(await c1.read());
    send(c1, 'BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '5');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'a', 'only'));
    log(await c1.read());
    log(await p.call('EXISTS', 'a'));
  },
  'commands pipelined behind a blocking one wait for it, then run in order': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    c1.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'k', 'a', 'b'));
    log(await c1.read());
    log(await c1.read());
    log(await c1.read());
  },
  'the events of a served pop': async ({ connect, log }) => {
    const [c1, p, sub] = [await connect(), await connect(), await connect()];
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    log(await sub.call('PSUBSCRIBE', '__keyevent@0__:*'));
    send(c1, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'src', 'x'));
    log(await c1.read());
    for (let i = 0; i < 4; i++) log(await sub.read());
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('LPUSH', 'k', 'v'));
    log(await c1.read());
    for (let i = 0; i < 3; i++) log(await sub.read());
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  },
  'timeouts, whole and fractional, answer a nil array': async ({ connect, log }) => {
    const [c1, c2] = [await connect(), await connect()];
    log(await c1.call('BLPOP', 'k', '0.05'));
    log(await c1.call('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0.02'));
    log(await c1.call('BRPOPLPUSH', 'k', 'd', '0.02'));
    log(await c1.call('BLMPOP', '0.02', '1', 'k', 'LEFT'));
    await c2.call('HELLO', '3');
    log(await c2.call('BRPOP', 'k', '0.02'));
    log(await c2.call('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0.02'));
  },
  'CLIENT UNBLOCK: a timeout reply by default, UNBLOCKED with ERROR': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    const id = (await c1.call('CLIENT', 'ID')).slice(1, -2);
    log(await p.call('CLIENT', 'UNBLOCK', id));
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    log(await p.call('CLIENT', 'UNBLOCK', id));
    log(await c1.read());
    log(await p.call('CLIENT', 'UNBLOCK', id));
    send(c1, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await waitBlocked(p, 1);
    log(await p.call('CLIENT', 'UNBLOCK', id, 'TIMEOUT'));
    log(await c1.read());
    send(c1, 'BLMPOP', '0', '1', 'k', 'LEFT');
    await waitBlocked(p, 1);
    log(await p.call('CLIENT', 'UNBLOCK', id, 'ERROR'));
    log(await c1.read());
    log(await p.call('RPUSH', 'k', 'kept'));
    log(await p.call('LRANGE', 'k', '0', '-1'));
    log(await c1.call('PING'));
  },
  'a client that disconnects while blocked is forgotten': async ({ connect, log }) => {
    const [c1, c2, p] = [await connect(), await connect(), await connect()];
    send(c1, 'BLPOP', 'k', '0');
    await waitBlocked(p, 1);
    send(c2, 'BLPOP', 'k', '0');
    await waitBlocked(p, 2);
    c1.close();
    await waitBlocked(p, 1);
    log(await p.call('RPUSH', 'k', 'a', 'b'));
    log(await c2.read());
    log(await p.call('LRANGE', 'k', '0', '-1'));
  },
});

describe('blocking on Holdfast with ioredis', () => {
  let h: Holdfast;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const c = new Redis({ port: h.port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: true });
    clients.push(c);
    return c;
  };
  const waitCount = async (n: number) => {
    for (let i = 0; i < 500 && blockedClientCount(h.server) !== n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(blockedClientCount(h.server)).toBe(n);
  };
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await h.close();
  });

  it('BLPOP/BRPOP woken by a push from another client, fairly', async () => {
    const [a, b, p] = [client(), client(), client()];
    await p.del('q');
    const first = a.blpop('q', 0);
    await waitCount(1);
    const second = b.brpop('q', 0);
    await waitCount(2);
    expect(await p.rpush('q', 'one', 'two')).toBe(2);
    expect(await first).toEqual(['q', 'one']);
    expect(await second).toEqual(['q', 'two']);
    expect(blockedClientCount(h.server)).toBe(0);
  });

  it('a timeout answers null; MULTI never blocks', async () => {
    const [a] = [client()];
    expect(await a.blpop('nothing', 0.05)).toBeNull();
    expect(await a.brpoplpush('nothing', 'x', 0.01)).toBeNull();
    const r = await a.multi().blpop('nothing', 0).blmove('nothing', 'x', 'LEFT', 'RIGHT', 0).exec();
    expect(r).toEqual([[null, null], [null, null]]);
  });

  it('INFO blocked_clients and CLIENT LIST flags follow the registry', async () => {
    const [a, p] = [client(), client()];
    const pending = a.blpop('k', 0);
    await waitCount(1);
    expect(await p.info('clients')).toMatch(/blocked_clients:1/);
    expect(await p.client('LIST')).toMatch(/flags=b /);
    await p.lpush('k', 'v');
    expect(await pending).toEqual(['k', 'v']);
    expect(await p.info('clients')).toMatch(/blocked_clients:0/);
  });

  it('CLIENT UNBLOCK from another connection: null by default, UNBLOCKED with ERROR', async () => {
    const [a, admin] = [client(), client()];
    const id = String(await a.client('ID'));
    const first = a.blpop('never', 0);
    await waitCount(1);
    expect(await admin.client('UNBLOCK', id)).toBe(1);
    expect(await first).toBeNull();
    const second = a.bzpopmin('never', 0);
    await waitCount(1);
    expect(await admin.client('UNBLOCK', id, 'ERROR')).toBe(1);
    await expect(second).rejects.toThrow('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(await admin.client('UNBLOCK', id)).toBe(0);
    expect(await a.ping()).toBe('PONG');
  });

  it('a consumer that disconnects while blocked loses nothing: the next one gets the item', async () => {
    const [gone, stays, p] = [client(), client(), client()];
    await p.del('q2');
    void gone.blpop('q2', 0).catch(() => {});
    await waitCount(1);
    const served = stays.blpop('q2', 0);
    await waitCount(2);
    gone.disconnect();
    await waitCount(1);
    await p.rpush('q2', 'item');
    expect(await served).toEqual(['q2', 'item']);
    expect(await p.exists('q2')).toBe(0);
  });

  it('producers and consumers under load: every item delivered exactly once', async () => {
    const producers = [client(), client(), client(), client()];
    const consumers = [client(), client(), client(), client()];
    const PER_PRODUCER = 400;
    const total = producers.length * PER_PRODUCER;
    const seen: string[] = [];
    let done = false;
    const consume = async (c: Redis) => {
      while (!done) {
        const r = await c.brpop('jobs', 0.2);
        if (r !== null) {
          seen.push(r[1]);
          if (seen.length >= total) done = true;
        }
      }
    };
    const consuming = consumers.map(consume);
    await Promise.all(
      producers.map(async (p, i) => {
        for (let j = 0; j < PER_PRODUCER; j += 20) {
          const batch = Array.from({ length: 20 }, (_, k) => `${i}:${j + k}`);
          if (j % 40 === 0) await p.lpush('jobs', ...batch);
          else await Promise.all(batch.map((item) => p.lpush('jobs', item)));
        }
      }),
    );
    const deadline = setTimeout(() => (done = true), 15_000);
    await Promise.all(consuming);
    clearTimeout(deadline);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(await producers[0]!.llen('jobs')).toBe(0);
  });
});

describe('blocking timeouts on a manual clock', () => {
  let h: Holdfast;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    h = await startHoldfast({}, { clock, timers: manualTimers });
  });
  afterAll(async () => {
    await h.close();
  });
  const waitCount = async (n: number) => {
    for (let i = 0; i < 500 && blockedClientCount(h.server) !== n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(blockedClientCount(h.server)).toBe(n);
  };

  it('a client times out exactly at its deadline, not before', async () => {
    const c = await RawClient.connect(h.port);
    try {
      send(c, 'BLPOP', 'k', '1.5');
      await waitCount(1);
      clock.advance(1499);
      h.server.scheduler.runDue();
      expect(blockedClientCount(h.server)).toBe(1);
      clock.advance(1);
      h.server.scheduler.runDue();
      expect(await c.read()).toBe('*-1\r\n');
      expect(blockedClientCount(h.server)).toBe(0);
      // Redis rounds a fraction of a millisecond up: 0.0009 s waits 1 ms
      send(c, 'BRPOP', 'k', '0.0009');
      await waitCount(1);
      clock.advance(1);
      h.server.scheduler.runDue();
      expect(await c.read()).toBe('*-1\r\n');
    } finally {
      c.close();
    }
  });

  it('a served client does not time out later; 0 waits forever', async () => {
    const c = await RawClient.connect(h.port);
    const p = await RawClient.connect(h.port);
    try {
      const id = (await c.call('CLIENT', 'ID')).slice(1, -2);
      send(c, 'BLPOP', 'k', '2');
      await waitCount(1);
      await p.call('RPUSH', 'k', 'v');
      expect(await c.read()).toBe('*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
      clock.advance(5000);
      h.server.scheduler.runDue();
      send(c, 'BLPOP', 'k', '0');
      await waitCount(1);
      clock.advance(10 * 365 * 86_400_000);
      h.server.scheduler.runDue();
      expect(blockedClientCount(h.server)).toBe(1);
      expect(await p.call('CLIENT', 'UNBLOCK', id)).toBe(':1\r\n');
      expect(await c.read()).toBe('*-1\r\n');
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
      p.close();
    }
  });
});
