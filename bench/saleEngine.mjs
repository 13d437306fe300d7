// Sale engine microbenchmark, in process, one core: no sockets, no RESP.
//
//   npx tsc -p tsconfig.json && node --expose-gc bench/saleEngine.mjs [lots]
//
// Prints RESERVE+PURCHASE+CONFIRM cycles per second on a real clock and the shared
// scheduler (every hold is scheduled, every purchase leaves a stale heap entry), then
// RESERVE+CANCEL cycles, hold expiry throughput, and the memory of a 10M-lot sale. It
// measures the engine alone; the end-to-end comparison with Redis + Lua belongs to the
// server benchmark, over sockets.
import { systemClock, ManualClock } from '../dist/src/expiry/clock.js';
import { DeadlineScheduler, nodeTimers, manualTimers } from '../dist/src/expiry/scheduler.js';
import { createSale } from '../dist/src/sale/index.js';

const lots = Number(process.argv[2] ?? 10_000_000);
const gc = globalThis.gc ?? (() => {});
const users = Array.from({ length: 100_000 }, (_, i) => `user:${i}`);
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { counted: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

function rate(label, n, ms, unit = 'cycles/s') {
  console.log(`${label.padEnd(34)} ${String(Math.round((n / ms) * 1000)).padStart(10)} ${unit}  (${n} in ${ms.toFixed(0)} ms)`);
}

/** RESERVE + PURCHASE + CONFIRM on every lot: the sale ends sold out, for the memory figure. */
function fullCycles() {
  const scheduler = new DeadlineScheduler(systemClock, nodeTimers);
  const before = memory();
  const sale = createSale({ clock: systemClock, scheduler }, { lots, limit: 0, holdMs: 3000 });
  const t0 = performance.now();
  for (let i = 0; i < lots; i++) {
    const r = sale.reserve(users[i % users.length]);
    if (sale.purchase(r.code) !== r.lot || sale.confirm(r.code) !== r.lot) throw new Error('cycle failed');
  }
  const ms = performance.now() - t0;
  rate('RESERVE+PURCHASE+CONFIRM', lots, ms);
  const after = memory();
  const grown = after.counted - before.counted;
  console.log(
    `memory, ${lots} lots all confirmed:`.padEnd(35),
    `${mb(grown)} heap+arrayBuffers (${(grown / lots).toFixed(1)} B/lot), rss +${mb(after.rss - before.rss)},`,
    `estimate ${mb(sale.memoryUsage())}, scheduler entries left ${scheduler.size}`,
  );
  sale.dispose();
  scheduler.stop();
}

/** RESERVE + CANCEL against one lot pool: steady state, codes churn, lots reused. */
function cancelCycles() {
  const scheduler = new DeadlineScheduler(systemClock, nodeTimers);
  const sale = createSale({ clock: systemClock, scheduler }, { lots: 1000, limit: 5, holdMs: 3000 });
  const n = 2_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = sale.reserve(users[i % users.length]);
    if (sale.cancel(r.code) !== 1) throw new Error('cancel failed');
  }
  rate('RESERVE+CANCEL', n, performance.now() - t0);
  sale.dispose();
  scheduler.stop();
}

/** Holds expiring on the scheduler: the sweep a flash sale's abandoned carts cause. */
function expiry() {
  const clock = new ManualClock();
  const scheduler = new DeadlineScheduler(clock, manualTimers);
  const n = 2_000_000;
  const sale = createSale({ clock, scheduler }, { lots: n, holdMs: 1000 });
  let events = 0;
  sale.onEvent = () => void events++;
  for (let i = 0; i < n; i++) sale.reserve(users[i % users.length]);
  clock.advance(1000);
  const t0 = performance.now();
  scheduler.runDue();
  rate('hold expiry (scheduler + event)', n, performance.now() - t0, 'holds/s');
  if (sale.info().available !== n || events !== 2 * n) throw new Error('expiry incomplete');
}

function createOnly() {
  const scheduler = new DeadlineScheduler(systemClock, nodeTimers);
  const before = memory();
  const t0 = performance.now();
  const sale = createSale({ clock: systemClock, scheduler }, { lots, limit: 0, holdMs: 3000 });
  const ms = performance.now() - t0;
  const after = memory();
  console.log(`SALE.CREATE ${lots} lots:`.padEnd(35), `${ms.toFixed(1)} ms, rss +${mb(after.rss - before.rss)} (pages map on first touch)`);
  sale.dispose();
}

console.log(`node ${process.version}, ${globalThis.gc ? 'with' : 'WITHOUT'} --expose-gc`);
createOnly();
fullCycles();
cancelCycles();
expiry();
