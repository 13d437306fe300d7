import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from './servers.js';

/**
 * Keyspace notifications compared with redis-server: both run with every class enabled
 * (KEA plus key misses), one connection subscribes to all keyspace and keyevent channels,
 * another runs a script; the messages received, in order, must be the same.
 */
const END = '__keyevent@0__:zz-end';

async function eventsOf(port: number, script: readonly string[][]): Promise<string[]> {
  const sub = await RawClient.connect(port);
  const cmd = await RawClient.connect(port);
  try {
    await sub.call('PSUBSCRIBE', '__key*__:*');
    await cmd.call('FLUSHALL');
    await cmd.call('SELECT', '0');
    for (const argv of script) await cmd.call(...argv);
    await cmd.call('PUBLISH', END, 'x');
    const events: string[] = [];
    for (;;) {
      const m = await sub.read();
      if (m.includes(END)) return events;
      // *4 pmessage <pattern> <channel> <payload>: keep channel and payload
      const parts = m.split('\r\n');
      events.push(`${parts[6]} ${parts[8]}`);
    }
  } finally {
    sub.close();
    cmd.close();
  }
}

/** One test per script: the events Holdfast publishes equal redis-server's, in order. */
export function keyspaceEventsSuite(title: string, scripts: readonly [string, readonly string[][]][]): void {
  describe.skipIf(redisMissing)(`keyspace notifications: ${title} (Holdfast vs redis-server)`, () => {
    let holdfast: Holdfast;
    let redis: RunningServer;
    beforeAll(async () => {
      holdfast = await startHoldfast({ 'notify-keyspace-events': 'KEAm' });
      redis = (await startRedis(['--notify-keyspace-events', 'KEAm']))!;
    });
    afterAll(async () => {
      await holdfast?.close();
      await redis?.close();
    });
    for (const [name, script] of scripts) {
      it(name, async () => {
        const theirs = await eventsOf(redis.port, script);
        const ours = await eventsOf(holdfast.port, script);
        expect(theirs.length).toBeGreaterThan(0);
        expect(ours).toEqual(theirs);
      });
    }
  });
}
