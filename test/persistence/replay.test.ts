import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import type { Holdfast } from '../helpers/servers.js';
import { SimulatedDisk, until, serverPool } from './helpers.js';
import { dumpKeyspace } from './dump.js';
import { prng, Workload } from './workload.js';

const { start } = serverPool();

const settle = () => new Promise((r) => setTimeout(r, 150));

/** Waits for BGREWRITEAOF to be over, its rename included. */
async function rewritten(h: Holdfast): Promise<void> {
  const p = h.server.persistence;
  await until(() => p.rewrite === null && p.log?.replacing === false, 'the rewrite to finish', 20_000);
}

describe('replay equivalence: what the log rebuilds is what was there', () => {
  for (const seed of [11, 12, 13]) {
    it(`seed ${seed}: a random workload over every type, then a restart, then a rewrite and a restart`, async () => {
      const disk = new SimulatedDisk();
      const h = await start(disk, { appendfsync: 'no' });
      const c = await RawClient.connect(h.port);
      await new Workload(prng(seed)).run(c, 1500);
      c.close();
      await settle();
      const before = dumpKeyspace(h.server);
      expect(Object.keys(before).length).toBeGreaterThan(20);
      await h.close();

      const again = await start(disk);
      await settle();
      expect(dumpKeyspace(again.server)).toEqual(before);

      // More writes, a rewrite in the middle of them, more writes: the compact file rebuilds it all.
      const c2 = await RawClient.connect(again.port);
      const w = new Workload(prng(seed + 100));
      await w.run(c2, 300);
      expect(await c2.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      await w.run(c2, 300);
      await rewritten(again);
      await w.run(c2, 100);
      c2.close();
      await settle();
      const beforeRewrite = dumpKeyspace(again.server);
      await again.close();
      const third = await start(disk);
      await settle();
      expect(dumpKeyspace(third.server)).toEqual(beforeRewrite);
    });
  }
});
