import type { Clock } from './clock.js';

/**
 * Whoever scheduled an item decides, when its deadline comes, whether it still stands
 * (a key may have been deleted or given a new TTL since). Returning false marks the heap
 * entry stale; nothing else is done with it.
 */
export interface DeadlineOwner<T> {
  onDeadline(item: T, deadline: number): void;
  /** Whether (item, deadline) is still the live schedule; used only when compacting. */
  isScheduled(item: T, deadline: number): boolean;
}

export interface TimerHost {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
  /** Runs fn soon, after pending I/O: used to continue a large batch without stalling. */
  soon(fn: () => void): void;
}

export const nodeTimers: TimerHost = {
  set: (fn, delay) => {
    const t = setTimeout(fn, delay);
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
  soon: (fn) => void setImmediate(fn),
};

/** Timers a test drives by hand (with a ManualClock): nothing fires until runDue(). */
export const manualTimers: TimerHost = { set: () => null, clear: () => {}, soon: () => {} };

/** How many due items one timer tick handles before yielding to I/O. */
const BATCH_LIMIT = 10_000;

/**
 * Expiry by deadline, not by sampling (mini-redis): a binary min-heap of deadlines and one
 * timer armed for the earliest. The timer is re-armed only when a sooner deadline arrives.
 * Keys' TTLs and sale holds share it. Entries are never removed in place: an owner that
 * changes or drops a deadline calls noteStale(), and the heap is compacted when stale
 * entries outnumber live ones, so it never grows without bound.
 */
export class DeadlineScheduler {
  // Parallel arrays keep one heap slot at three array cells and no object per entry.
  private deadlines: number[] = [];
  private owners: DeadlineOwner<any>[] = [];
  private items: unknown[] = [];
  private stale = 0;
  private timer: unknown = null;
  private armedFor = Infinity;
  private continuing = false;
  /** How late items fired, for INFO / benchmarks: sum and max of (fire time - deadline). */
  lateness = { count: 0, totalMs: 0, maxMs: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerHost = nodeTimers,
  ) {}

  get size(): number {
    return this.deadlines.length;
  }

  schedule<T>(deadline: number, owner: DeadlineOwner<T>, item: T): void {
    this.push(deadline, owner, item);
    if (deadline < this.armedFor && !this.continuing) this.arm(deadline);
  }

  /** A previously scheduled entry no longer stands. */
  noteStale(): void {
    this.stale++;
    if (this.stale > 1024 && this.stale * 2 > this.deadlines.length) this.compact();
  }

  /** Fires every item whose deadline is <= now, at most `limit` of them. Returns how many fired. */
  runDue(now = this.clock.now(), limit = Infinity): number {
    let fired = 0;
    while (this.deadlines.length > 0 && this.deadlines[0]! <= now && fired < limit) {
      const deadline = this.deadlines[0]!;
      const owner = this.owners[0]!;
      const item = this.items[0];
      this.pop();
      const late = now - deadline;
      this.lateness.count++;
      this.lateness.totalMs += late;
      if (late > this.lateness.maxMs) this.lateness.maxMs = late;
      owner.onDeadline(item, deadline);
      fired++;
    }
    return fired;
  }

  /** The earliest pending deadline, or Infinity. */
  peek(): number {
    return this.deadlines.length > 0 ? this.deadlines[0]! : Infinity;
  }

  stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private arm(deadline: number): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.armedFor = deadline;
    const delay = Math.max(0, deadline - this.clock.now());
    this.timer = this.timers.set(this.onTimer, delay);
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    this.continuing = false;
    const now = this.clock.now();
    this.runDue(now, BATCH_LIMIT);
    const next = this.peek();
    if (next === Infinity) return;
    if (next <= now) {
      // More were due than one batch: let I/O run, then go on.
      this.continuing = true;
      this.timers.soon(this.onTimer);
    } else {
      this.arm(next);
    }
  };

  private compact(): void {
    const d = this.deadlines, o = this.owners, it = this.items;
    this.deadlines = [];
    this.owners = [];
    this.items = [];
    this.stale = 0;
    for (let i = 0; i < d.length; i++) {
      if (o[i]!.isScheduled(it[i], d[i]!)) this.push(d[i]!, o[i]!, it[i]);
    }
  }

  private push(deadline: number, owner: DeadlineOwner<any>, item: unknown): void {
    const d = this.deadlines, o = this.owners, it = this.items;
    let i = d.length;
    d.push(deadline);
    o.push(owner);
    it.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (d[parent]! <= deadline) break;
      d[i] = d[parent]!;
      o[i] = o[parent]!;
      it[i] = it[parent];
      i = parent;
    }
    d[i] = deadline;
    o[i] = owner;
    it[i] = item;
  }

  private pop(): void {
    const d = this.deadlines, o = this.owners, it = this.items;
    const lastD = d.pop()!;
    const lastO = o.pop()!;
    const lastI = it.pop();
    const n = d.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && d[r]! < d[l]! ? r : l;
      if (d[c]! >= lastD) break;
      d[i] = d[c]!;
      o[i] = o[c]!;
      it[i] = it[c];
      i = c;
    }
    d[i] = lastD;
    o[i] = lastO;
    it[i] = lastI;
  }
}
