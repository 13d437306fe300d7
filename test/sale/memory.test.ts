import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { ManualClock } from '../../src/expiry/clock.js';
import { DeadlineScheduler, manualTimers } from '../../src/expiry/scheduler.js';
import { createSale, SaleValue } from '../../src/sale/index.js';

/**
 * A 10,000,000-lot sale must fit well under 1 GB. Per-lot state lives in typed arrays,
 * which V8 counts outside heapUsed (arrayBuffers), so both are measured, and RSS too.
 * The worst case is measured: every lot held, so every page of every array is touched
 * and the shared scheduler carries one entry per hold.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function measure() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { counted: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

it('a 10,000,000-lot sale, every lot held, stays under 1 GB', () => {
  const GB = 1024 ** 3;
  const lots = 10_000_000;
  const clock = new ManualClock();
  const scheduler = new DeadlineScheduler(clock, manualTimers);
  const before = measure();
  const sale = createSale({ clock, scheduler }, { lots, holdMs: 60_000 }) as SaleValue;
  for (let i = 0; i < lots; i++) sale.reserve(`user:${i % 100_000}`);
  const after = measure();
  expect(sale.info()).toMatchObject({ available: 0, held: lots, users: 100_000 });
  expect(scheduler.size).toBe(lots);

  const grown = after.counted - before.counted;
  console.log(
    `10M held lots: heap+arrayBuffers +${(grown / 1e6).toFixed(0)} MB (${(grown / lots).toFixed(1)} B/lot),` +
      ` rss +${((after.rss - before.rss) / 1e6).toFixed(0)} MB, estimate ${(sale.memoryUsage() / 1e6).toFixed(0)} MB`,
  );
  expect(grown).toBeLessThan(GB);
  expect(after.rss - before.rss).toBeLessThan(GB);
  // The MEMORY USAGE estimate is in the right range of what was really spent.
  expect(sale.memoryUsage()).toBeGreaterThan(grown * 0.5);
  expect(sale.memoryUsage()).toBeLessThan(grown * 1.5);
  sale.dispose();
}, 180_000);
