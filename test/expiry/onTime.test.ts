import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

const declared = new Set(allCommands.map((c) => c.name));

/** Parses a RESP2 pub/sub message into [channel, payload]. */
function parseMessage(raw: string): [string, string] {
  const m = /^\*3\r\n\$7\r\nmessage\r\n\$\d+\r\n([^]*?)\r\n\$\d+\r\n([^]*)\r\n$/.exec(raw);
  if (!m) throw new Error(`not a message: ${JSON.stringify(raw)}`);
  return [m[1]!, m[2]!];
}

/**
 * Behaviour, not speed: keys expire from the deadline timer close to their deadline, with
 * no client touching them (Redis's sampling can leave them for seconds). The bound is
 * generous (ON_TIME_MS) so that a loaded machine does not make it flaky: the suite runs two
 * files at once on 2 cores, and 100 ms was exceeded (263 ms) under load.
 */
const ON_TIME_MS = 250;
describe('expiry is on time', () => {
  let holdfast: Holdfast;
  let sub: RawClient;
  beforeAll(async () => {
    holdfast = await startHoldfast({ 'notify-keyspace-events': 'Ex' });
    sub = await RawClient.connect(holdfast.port);
    expect(await sub.call('SUBSCRIBE', '__keyevent@0__:expired')).toContain('subscribe');
  });
  afterAll(async () => {
    sub?.close();
    await holdfast?.close();
  });

  it('keys with a 100 ms TTL publish expired close to their deadline, untouched', async () => {
    const db = holdfast.server.keyspace.dbs[0]!;
    // Plenty of long-lived keys around them, as in a real keyspace.
    for (let i = 0; i < 5_000; i++) {
      db.set(`long:${i}`, 'v');
      db.setExpire(`long:${i}`, Date.now() + 3_600_000);
    }
    const deadlines = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const key = `short:${i}`;
      const at = Date.now() + 100 + i; // one per millisecond
      db.set(key, 'v');
      db.setExpire(key, at);
      deadlines.set(key, at);
    }
    const lags: number[] = [];
    while (deadlines.size > 0) {
      const [channel, key] = parseMessage(await sub.read(2000));
      const arrived = Date.now();
      expect(channel).toBe('__keyevent@0__:expired');
      const at = deadlines.get(key);
      expect(at, key).toBeDefined();
      deadlines.delete(key);
      lags.push(arrived - at!);
    }
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0); // never before the deadline
    expect(Math.max(...lags)).toBeLessThan(ON_TIME_MS);
    expect(db.size).toBe(5_000);
    db.flush();
  });

  it.skipIf(!declared.has('set') || !declared.has('pexpire'))('over the socket: SET then PEXPIRE 100, nobody reads the key', async () => {
    const client = await RawClient.connect(holdfast.port);
    try {
      expect(await client.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await client.call('PEXPIRE', 'k', '100')).toBe(':1\r\n');
      const deadline = holdfast.server.keyspace.dbs[0]!.getExpire('k')!;
      const [, key] = parseMessage(await sub.read(2000));
      const lag = Date.now() - deadline;
      expect(key).toBe('k');
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(ON_TIME_MS);
      expect(await client.call('EXISTS', 'k')).toBe(':0\r\n');
    } finally {
      client.close();
    }
  });

  it.skipIf(!declared.has('set'))('keys expire, and their events go out, while another client pipelines for a long time', async () => {
    const loader = await RawClient.connect(holdfast.port);
    try {
      const db = holdfast.server.keyspace.dbs[0]!;
      const n = 100_000;
      let pipeline = '';
      for (let i = 0; i < n; i++) pipeline += `*3\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\np:${i}\r\n$1\r\nv\r\n`;
      let replies = 0;
      let pipelineDone = 0;
      const allReplies = new Promise<void>((resolve) =>
        loader.socket.on('data', (d) => {
          replies += d.toString('latin1').split('\r\n').length - 1;
          if (replies >= n) {
            pipelineDone = Date.now();
            resolve();
          }
        }),
      );
      const started = Date.now();
      loader.write(pipeline);
      const deadline = Date.now() + 30;
      db.set('during', 'v');
      db.setExpire('during', deadline);
      const [, key] = parseMessage(await sub.read(10_000));
      const arrived = Date.now();
      await allReplies;
      expect(key).toBe('during');
      // The event did not wait for the pipeline: it came while the server was still on it.
      expect(arrived).toBeLessThan(pipelineDone);
      expect(arrived - deadline).toBeLessThan(Math.max(ON_TIME_MS, (pipelineDone - started) / 2));
      expect(db.size).toBeGreaterThanOrEqual(n);
    } finally {
      loader.close();
      holdfast.server.keyspace.dbs[0]!.flush();
    }
  });

  it('a sooner deadline set after a later one still fires first and on time', async () => {
    const db = holdfast.server.keyspace.dbs[0]!;
    const now = Date.now();
    db.set('late', 'v');
    db.setExpire('late', now + 400);
    db.set('early', 'v');
    db.setExpire('early', now + 80);
    const [, first] = parseMessage(await sub.read(2000));
    expect(first).toBe('early');
    expect(Date.now() - (now + 80)).toBeLessThan(ON_TIME_MS);
    const [, second] = parseMessage(await sub.read(2000));
    expect(second).toBe('late');
    expect(Date.now() - (now + 400)).toBeLessThan(ON_TIME_MS);
  });

  it('a TTL removed or replaced before its deadline does not fire', async () => {
    const db = holdfast.server.keyspace.dbs[0]!;
    const now = Date.now();
    db.set('persisted', 'v');
    db.setExpire('persisted', now + 50);
    db.removeExpire('persisted');
    db.set('moved', 'v');
    db.setExpire('moved', now + 50);
    db.setExpire('moved', now + 150);
    db.set('overwritten', 'v');
    db.setExpire('overwritten', now + 50);
    db.set('overwritten', 'w'); // SET drops the TTL
    const [, key] = parseMessage(await sub.read(2000));
    expect(key).toBe('moved');
    expect(Date.now()).toBeGreaterThanOrEqual(now + 150);
    expect(db.has('persisted')).toBe(true);
    expect(db.has('overwritten')).toBe(true);
  });
});
