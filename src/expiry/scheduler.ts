import type { Clock } from './clock.js';

/**
 * Whoever scheduled an item decides, when its deadline comes, whether it still stands
 * (a key may have been deleted or given a new TTL since). Heap entries are never removed in
 * place; an owner that drops or changes a deadline calls noteStale() instead.
 */
export interface DeadlineOwner<T> {
  /**
   * The deadline came. Returning false says the entry was stale (already counted by
   * noteStale), so the scheduler's stale count stays exact; void is taken as live. The
   * entry being fired is already off the heap: do not call noteStale for it.
   */
  onDeadline(item: T, deadline: number): boolean | void;
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
export const BATCH_LIMIT = 10_000;

/** setTimeout's largest delay (a longer one fires at once): far deadlines re-arm on the way. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** poll() looks at the clock once per this many calls (one call per command). */
const POLL_EVERY = 64;

/** Compaction waits for at least this many stale entries, and for them to be half the heap. */
const COMPACT_MIN_STALE = 1024;

/**
 * A heap up to this size is compacted at once (a few ms); a larger one by an incremental
 * sweep of SWEEP_CHUNK entries per event-loop turn, so a million refreshed TTLs never stop
 * the server for the hundreds of ms a full pass takes.
 */
const SYNC_COMPACT_LIMIT = 16_384;
const SWEEP_CHUNK = 1024;

export interface SchedulerOptions {
  /** Items fired per timer tick before yielding to I/O (tests use a small one). */
  batchLimit?: number;
  /** Largest heap compacted in one go; larger ones are swept incrementally. */
  syncCompactLimit?: number;
  /** Entries the incremental sweep checks per turn. */
  sweepChunk?: number;
  /** Fewest stale entries that start a compaction. */
  compactMinStale?: number;
}

/**
 * Expiry by deadline, not by sampling (mini-redis): a binary min-heap of deadlines and one
 * timer armed for the earliest. The timer is re-armed only when a sooner deadline arrives.
 * Keys' TTLs and sale holds share it. Changing or dropping a deadline leaves its entry in
 * the heap (the owner calls noteStale()); when stale entries outnumber live ones they are
 * dropped, in one pass for a small heap and by an incremental sweep for a large one, so the
 * heap never grows without bound and never stops the server to shrink.
 *
 * Redis samples volatile keys (activeExpireCycle), so a key may outlive its deadline by
 * seconds in a large keyspace; here each key fires within a timer tick of its deadline,
 * whatever else the keyspace holds.
 */
export class DeadlineScheduler {
  /** How long each timer-driven batch of deadlines took, in ms (LATENCY's expire-cycle). */
  onBatchTime: ((ms: number) => void) | null = null;
  // Parallel arrays keep one heap slot at three array cells and no object per entry.
  private deadlines: number[] = [];
  private owners: DeadlineOwner<any>[] = [];
  private items: unknown[] = [];
  private stale = 0;
  private timer: unknown = null;
  private armedFor = Infinity;
  /** A batch was cut at the limit and the rest runs from timers.soon(). */
  private continuing = false;
  private readonly batchLimit: number;
  private readonly syncCompactLimit: number;
  private readonly sweepChunk: number;
  private readonly compactMinStale: number;
  /** Next heap index the incremental sweep checks; -1 when no sweep is running. */
  private sweepAt = -1;
  private pollCountdown = POLL_EVERY;
  /** How late items fired, for INFO / benchmarks: sum and max of (fire time - deadline). */
  lateness = { count: 0, totalMs: 0, maxMs: 0 };
  /**
   * Wraps each batch poll() fires (the server writes out the pub/sub pushes it caused at
   * once, instead of after the pipeline being processed).
   */
  pollBatch: ((fire: () => void) => void) | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerHost = nodeTimers,
    options: SchedulerOptions = {},
  ) {
    this.batchLimit = options.batchLimit ?? BATCH_LIMIT;
    this.syncCompactLimit = options.syncCompactLimit ?? SYNC_COMPACT_LIMIT;
    this.sweepChunk = options.sweepChunk ?? SWEEP_CHUNK;
    this.compactMinStale = options.compactMinStale ?? COMPACT_MIN_STALE;
  }

  /** Heap entries, stale ones included. */
  get size(): number {
    return this.deadlines.length;
  }

  /** Entries known to be stale (waiting for compaction or for their deadline). */
  get staleCount(): number {
    return this.stale;
  }

  /** Whether an incremental sweep of stale entries is under way. */
  get sweeping(): boolean {
    return this.sweepAt >= 0;
  }

  /** The deadline the timer is armed for (Infinity: none); for tests and INFO. */
  get armedDeadline(): number {
    return this.armedFor;
  }

  schedule<T>(deadline: number, owner: DeadlineOwner<T>, item: T): void {
    this.push(deadline, owner, item);
    if (deadline < this.armedFor && !this.continuing) this.arm(deadline);
  }

  /** `count` previously scheduled entries no longer stand. */
  noteStale(count = 1): void {
    this.stale += count;
    if (this.stale < this.compactMinStale || this.stale * 2 <= this.deadlines.length) return;
    if (this.deadlines.length <= this.syncCompactLimit) {
      this.compact();
    } else if (this.sweepAt < 0) {
      this.sweepAt = 0;
      this.timers.soon(this.onSweep);
    }
  }

  /** Fires every item whose deadline is <= now, at most `limit` of them. Returns how many were popped. */
  runDue(now = this.clock.now(), limit = Infinity): number {
    let fired = 0;
    const d = this.deadlines;
    while (d.length > 0 && d[0]! <= now && fired < limit) {
      const deadline = d[0]!;
      const owner = this.owners[0]!;
      const item = this.items[0];
      this.pop();
      fired++;
      if (owner.onDeadline(item, deadline) === false) {
        if (this.stale > 0) this.stale--;
        continue;
      }
      const late = now - deadline;
      this.lateness.count++;
      this.lateness.totalMs += late;
      if (late > this.lateness.maxMs) this.lateness.maxMs = late;
    }
    return fired;
  }

  /**
   * Called between a client's commands. A long pipeline runs within one turn of the event
   * loop (Node hands over megabytes of input per turn) and timers wait for it: every
   * POLL_EVERY calls, fire what is due so deadlines keep their time meanwhile. Never
   * called inside EXEC, so a transaction still sees no key expire under it.
   */
  poll(): void {
    if (--this.pollCountdown > 0) return;
    this.pollCountdown = POLL_EVERY;
    if (this.deadlines.length === 0 || this.continuing) return;
    const now = this.clock.now();
    // The armed timer stays: it fires for what is left, or finds nothing and re-arms.
    if (this.deadlines[0]! > now) return;
    if (this.pollBatch === null) this.runDue(now, this.batchLimit);
    else this.pollBatch(() => void this.runDue(now, this.batchLimit));
  }

  /** The earliest pending deadline, or Infinity. */
  peek(): number {
    return this.deadlines.length > 0 ? this.deadlines[0]! : Infinity;
  }

  /** Re-arms the timer for the earliest deadline (the clock jumped: after a load). */
  rearm(): void {
    const next = this.peek();
    this.stop();
    if (next !== Infinity) this.arm(next);
  }

  /** Cancels the timer, any batch and any sweep in progress (shutdown). A later schedule() re-arms. */
  stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
    this.continuing = false;
    this.sweepAt = -1;
  }

  private arm(deadline: number): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.armedFor = deadline;
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(0, deadline - this.clock.now()));
    this.timer = this.timers.set(this.onTimer, delay);
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    this.continuing = false;
    this.tick();
  };

  private readonly onContinue = (): void => {
    // stop() or a fresh timer may have taken over since this was queued.
    if (!this.continuing) return;
    this.continuing = false;
    this.tick();
  };

  private tick(): void {
    const now = this.clock.now();
    if (this.onBatchTime === null) this.runDue(now, this.batchLimit);
    else {
      const start = performance.now();
      this.runDue(now, this.batchLimit);
      this.onBatchTime(performance.now() - start);
    }
    const next = this.peek();
    if (next === Infinity) return;
    if (next <= now) {
      // More were due than one batch: let I/O run, then go on.
      this.continuing = true;
      this.timers.soon(this.onContinue);
    } else {
      // A timer may fire a little early (libuv's cached loop time): re-arming covers that too.
      this.arm(next);
    }
  }

  /**
   * One turn of the incremental sweep: checks up to sweepChunk entries from sweepAt and
   * removes the stale ones in place. Pops and pushes between turns move entries around, so
   * a few stale ones may be missed: they go when their deadline comes, or on a later sweep.
   */
  private readonly onSweep = (): void => {
    if (this.sweepAt < 0) return;
    const d = this.deadlines, o = this.owners, it = this.items;
    let i = this.sweepAt;
    for (let budget = this.sweepChunk; budget > 0 && i < d.length; budget--) {
      if (o[i]!.isScheduled(it[i], d[i]!)) {
        i++;
        continue;
      }
      // Stale tail entries go first, so the one that fills slot i is live: if it moves up,
      // behind the sweep, no stale entry is left there unseen.
      let last = d.length - 1;
      while (last > i && budget > 0 && !o[last]!.isScheduled(it[last], d[last]!)) {
        d.pop();
        o.pop();
        it.pop();
        last--;
        budget--;
        if (this.stale > 0) this.stale--;
      }
      // The entry moved into slot i is checked next.
      this.removeAt(i);
      if (this.stale > 0) this.stale--;
    }
    if (i < d.length) {
      this.sweepAt = i;
      this.timers.soon(this.onSweep);
    } else {
      this.sweepAt = -1;
    }
  };

  /** Drops stale entries and rebuilds the heap in O(n) (Floyd). */
  private compact(): void {
    this.sweepAt = -1;
    const d = this.deadlines, o = this.owners, it = this.items;
    let n = 0;
    for (let i = 0; i < d.length; i++) {
      if (!o[i]!.isScheduled(it[i], d[i]!)) continue;
      d[n] = d[i]!;
      o[n] = o[i]!;
      it[n] = it[i];
      n++;
    }
    d.length = n;
    o.length = n;
    it.length = n;
    this.stale = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, d[i]!, o[i]!, it[i]);
  }

  private push(deadline: number, owner: DeadlineOwner<any>, item: unknown): void {
    this.deadlines.push(deadline);
    this.owners.push(owner);
    this.items.push(item);
    this.siftUp(this.deadlines.length - 1, deadline, owner, item);
  }

  /** Removes the entry at slot i, the last one taking its place. */
  private removeAt(i: number): void {
    const d = this.deadlines, o = this.owners, it = this.items;
    const lastD = d.pop()!;
    const lastO = o.pop()!;
    const lastI = it.pop();
    if (i === d.length) return;
    if (i > 0 && lastD < d[(i - 1) >> 1]!) this.siftUp(i, lastD, lastO, lastI);
    else this.siftDown(i, lastD, lastO, lastI);
  }

  /** Places (deadline, owner, item) at slot i or above, moving larger parents down. */
  private siftUp(i: number, deadline: number, owner: DeadlineOwner<any>, item: unknown): void {
    const d = this.deadlines, o = this.owners, it = this.items;
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

  /** Removes the root. */
  private pop(): void {
    const lastD = this.deadlines.pop()!;
    const lastO = this.owners.pop()!;
    const lastI = this.items.pop();
    if (this.deadlines.length > 0) this.siftDown(0, lastD, lastO, lastI);
  }

  /** Places (deadline, owner, item) at slot i or below, moving smaller children up. */
  private siftDown(i: number, deadline: number, owner: DeadlineOwner<any>, item: unknown): void {
    const d = this.deadlines, o = this.owners, it = this.items;
    const n = d.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && d[r]! < d[l]! ? r : l;
      if (d[c]! >= deadline) break;
      d[i] = d[c]!;
      o[i] = o[c]!;
      it[i] = it[c];
      i = c;
    }
    d[i] = deadline;
    o[i] = owner;
    it[i] = item;
  }
}
