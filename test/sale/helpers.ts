import { ManualClock } from '../../src/expiry/clock.js';
import { DeadlineScheduler, manualTimers } from '../../src/expiry/scheduler.js';
import { createSale, SaleValue, type SaleEvent, type SaleOptions, type Reservation } from '../../src/sale/index.js';

export interface Recorded {
  event: SaleEvent;
  lot: number;
  code: string;
  user: string;
}

export function setup(options: SaleOptions) {
  const clock = new ManualClock();
  const scheduler = new DeadlineScheduler(clock, manualTimers);
  const env = { clock, scheduler };
  const sale = createSale(env, options);
  if (!(sale instanceof SaleValue)) throw new Error(`createSale: ${sale}`);
  const events: Recorded[] = [];
  const listener = (event: SaleEvent, lot: number, code: string, user: string) => {
    events.push({ event, lot, code, user });
  };
  sale.onEvent = listener;
  /** Moves time and fires what is due, as the real timer would. */
  const advance = (ms: number) => {
    clock.advance(ms);
    scheduler.runDue();
  };
  return { sale, clock, scheduler, env, events, listener, advance };
}

export function reserved(result: unknown): Reservation {
  if (typeof result === 'string' || result === null || typeof result !== 'object') {
    throw new Error(`expected a reservation, got ${String(result)}`);
  }
  return result as Reservation;
}
