/** Wall-clock milliseconds (unix time). Injected everywhere time matters so tests can drive it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The server's clock: its source's time, except while the dataset loads. Redis expires
 * nothing while loading, so a record replays as it ran (a key written before its deadline
 * is still there for the next record); here the clock stands at 0 meanwhile, before every
 * deadline, and deadlines are judged once the load is done.
 */
export class PausableClock implements Clock {
  paused = false;
  constructor(readonly source: Clock) {}
  now(): number {
    return this.paused ? 0 : this.source.now();
  }
}

/** A clock that only moves when a test moves it. */
export class ManualClock implements Clock {
  constructor(private current = 1_700_000_000_000) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
