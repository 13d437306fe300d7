import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idleCount = async (c: RawClient) => Number(/gc_idle_count:(\d+)/.exec(await c.call('INFO', 'memory'))![1]);

let h: Holdfast | null = null;
let c: RawClient | null = null;
afterEach(async () => {
  c?.close();
  await h?.close();
  h = c = null;
});

/** 40 MB of objects that live long enough to reach the old generation, then garbage. */
function oldGarbage(): void {
  let keep: { n: number; s: string }[] | null = [];
  for (let i = 0; i < 400_000; i++) keep.push({ n: i, s: `value ${i}` });
  keep = null;
}

describe('idle-time GC', () => {
  it('collects once the server has been quiet for two cron ticks after the heap grew, then not again within 10 s', async () => {
    h = await startHoldfast({ hz: '50' });
    c = await RawClient.connect(h.port);
    const before = await idleCount(c);
    oldGarbage();
    // hz 50: a tick every 20 ms; quiet for two of them, then one collection at most every 10 s.
    let n = before;
    for (let i = 0; i < 50 && n === before; i++) {
      await sleep(40);
      // Counting without a command: INFO would reset the quiet ticks.
      n = h.server.memory.idleGcs;
    }
    expect(n).toBe(before + 1);
    expect(await idleCount(c)).toBe(before + 1);
    // More garbage and quiet again: the 10 s spacing holds it back.
    oldGarbage();
    await sleep(200);
    expect(h.server.memory.idleGcs).toBe(before + 1);
  });

  it('does not collect while commands keep coming', async () => {
    h = await startHoldfast({ hz: '50' });
    c = await RawClient.connect(h.port);
    const before = h.server.memory.idleGcs;
    oldGarbage();
    // A command every 10 ms: never two quiet ticks of 20 ms.
    for (let i = 0; i < 40; i++) {
      await c.call('PING');
      await sleep(10);
    }
    expect(h.server.memory.idleGcs).toBe(before);
  });
});
