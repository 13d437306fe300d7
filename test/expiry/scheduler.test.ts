import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock, systemClock } from '../../src/expiry/clock.js';
import { BATCH_LIMIT, DeadlineScheduler, nodeTimers, type DeadlineOwner, type SchedulerOptions, type TimerHost } from '../../src/expiry/scheduler.js';

/** Timers driven by a ManualClock: records every set/clear, fires only when told. */
class FakeTimers implements TimerHost {
  readonly armed = new Set<{ fn: () => void; at: number; delay: number }>();
  readonly soonQueue: (() => void)[] = [];
  sets = 0;
  clears = 0;
  constructor(private readonly clock: ManualClock) {}
  set(fn: () => void, delay: number): unknown {
    this.sets++;
    const t = { fn, at: this.clock.now() + delay, delay };
    this.armed.add(t);
    return t;
  }
  clear(handle: unknown): void {
    this.clears++;
    this.armed.delete(handle as never);
  }
  soon(fn: () => void): void {
    this.soonQueue.push(fn);
  }
  /** The one armed timer (the scheduler keeps at most one). */
  get only(): { at: number; delay: number } | undefined {
    expect(this.armed.size).toBeLessThanOrEqual(1);
    return [...this.armed][0];
  }
  /** Fires the armed timers that are due at the clock's time. */
  fireDue(): void {
    for (const t of [...this.armed]) {
      if (t.at <= this.clock.now()) {
        this.armed.delete(t);
        t.fn();
      }
    }
  }
  /** Runs the callbacks queued by soon() so far (one turn of the event loop). */
  runSoon(): void {
    for (const fn of this.soonQueue.splice(0)) fn();
  }
}

/** An owner whose entries are live until cancelled, like a key's TTL. */
class Owner implements DeadlineOwner<string> {
  readonly fired: [string, number][] = [];
  readonly live = new Map<string, number>();
  constructor(private readonly scheduler: DeadlineScheduler) {}
  add(item: string, deadline: number): void {
    if (this.live.has(item)) this.scheduler.noteStale();
    this.live.set(item, deadline);
    this.scheduler.schedule(deadline, this, item);
  }
  cancel(item: string): void {
    if (this.live.delete(item)) this.scheduler.noteStale();
  }
  onDeadline(item: string, deadline: number): boolean {
    if (this.live.get(item) !== deadline) return false;
    this.live.delete(item);
    this.fired.push([item, deadline]);
    return true;
  }
  isScheduled(item: string, deadline: number): boolean {
    return this.live.get(item) === deadline;
  }
}

function setup(options: SchedulerOptions = {}) {
  const clock = new ManualClock(1_000_000);
  const timers = new FakeTimers(clock);
  const scheduler = new DeadlineScheduler(clock, timers, options);
  const owner = new Owner(scheduler);
  /** Moves time forward and lets the armed timer fire, as the event loop would. */
  const advance = (ms: number) => {
    clock.advance(ms);
    timers.fireDue();
  };
  return { clock, timers, scheduler, owner, advance };
}

describe('DeadlineScheduler ordering', () => {
  it('fires in deadline order whatever the order of scheduling', () => {
    const { clock, scheduler, owner } = setup();
    const now = clock.now();
    for (const [item, at] of [['c', 30], ['a', 10], ['e', 50], ['b', 20], ['d', 40]] as const) owner.add(item, now + at);
    clock.advance(35);
    expect(scheduler.runDue()).toBe(3);
    expect(owner.fired.map(([i]) => i)).toEqual(['a', 'b', 'c']);
    clock.advance(100);
    scheduler.runDue();
    expect(owner.fired.map(([i]) => i)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(scheduler.size).toBe(0);
  });

  it('fires an item exactly at its deadline, not a millisecond before', () => {
    const { clock, scheduler, owner } = setup();
    owner.add('k', clock.now() + 100);
    clock.advance(99);
    expect(scheduler.runDue()).toBe(0);
    clock.advance(1);
    expect(scheduler.runDue()).toBe(1);
  });

  it('matches a sorted-list model under random schedules, cancellations and time steps', () => {
    type Op = { kind: 'add'; item: number; at: number } | { kind: 'cancel'; item: number } | { kind: 'advance'; ms: number } | { kind: 'turn' };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), item: fc.integer({ min: 0, max: 40 }), at: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ kind: fc.constant('cancel' as const), item: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ kind: fc.constant('turn' as const) }),
    );
    fc.assert(
      // Tiny thresholds: compactions, in one go and incremental, happen all the time.
      fc.property(fc.array(op, { maxLength: 300 }), fc.boolean(), (ops: Op[], incremental) => {
        const { clock, timers, owner, advance, scheduler } = setup({
          batchLimit: 7,
          compactMinStale: 3,
          syncCompactLimit: incremental ? 0 : 1000,
          sweepChunk: 3,
        });
        const model = new Map<string, number>();
        const expected: [string, number][] = [];
        const drain = () => {
          // What must have fired by now: every live item due, earliest first.
          const due = [...model].filter(([, at]) => at <= clock.now()).sort((a, b) => a[1] - b[1]);
          for (const [item] of due) model.delete(item);
          expected.push(...due);
        };
        for (const o of ops) {
          if (o.kind === 'add') {
            const at = clock.now() + o.at;
            owner.add(String(o.item), at);
            model.set(String(o.item), at);
          } else if (o.kind === 'cancel') {
            owner.cancel(String(o.item));
            model.delete(String(o.item));
          } else if (o.kind === 'turn') {
            // One event-loop turn: a sweep step, or the rest of a batch (checked at the next advance).
            timers.runSoon();
          } else {
            advance(o.ms);
            // Batches beyond the limit continue from soon(): run those turns too.
            while (timers.soonQueue.length > 0) timers.runSoon();
            drain();
            // Exactly the live due items fired, each at its deadline step, earliest first.
            const firedDeadlines = owner.fired.map(([, at]) => at);
            expect(firedDeadlines).toEqual(expected.map(([, at]) => at));
            expect(owner.fired.map(([i, at]) => `${i}@${at}`).sort()).toEqual(expected.map(([i, at]) => `${i}@${at}`).sort());
          }
        }
        // Stale entries never outnumber what was noted, and the heap holds every live item.
        expect(scheduler.size).toBeGreaterThanOrEqual(owner.live.size);
        expect(scheduler.staleCount).toBeLessThanOrEqual(scheduler.size);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DeadlineScheduler timer', () => {
  it('arms one timer for the earliest deadline and re-arms only for a sooner one', () => {
    const { clock, timers, scheduler, owner } = setup();
    const now = clock.now();
    owner.add('late', now + 5000);
    expect(timers.sets).toBe(1);
    expect(timers.only).toMatchObject({ delay: 5000 });
    owner.add('later', now + 9000);
    owner.add('same', now + 5000);
    expect(timers.sets).toBe(1); // not sooner: the armed timer stands
    owner.add('sooner', now + 100);
    expect(timers.sets).toBe(2);
    expect(timers.clears).toBe(1);
    expect(timers.only).toMatchObject({ delay: 100 });
    expect(scheduler.armedDeadline).toBe(now + 100);
  });

  it('after firing, arms for the next pending deadline', () => {
    const { clock, timers, owner, advance } = setup();
    const now = clock.now();
    owner.add('a', now + 100);
    owner.add('b', now + 250);
    advance(100);
    expect(owner.fired).toEqual([['a', now + 100]]);
    expect(timers.only).toMatchObject({ at: now + 250, delay: 150 });
    advance(150);
    expect(owner.fired.map(([i]) => i)).toEqual(['a', 'b']);
    expect(timers.armed.size).toBe(0);
  });

  it('a timer that fires early (libuv loop time) re-arms without firing anything', () => {
    const { clock, timers, scheduler, owner } = setup();
    const now = clock.now();
    owner.add('a', now + 100);
    clock.advance(99);
    const t = [...timers.armed][0]!;
    timers.armed.delete(t);
    t.fn(); // fired a millisecond early
    expect(owner.fired).toEqual([]);
    expect(timers.only).toMatchObject({ at: now + 100, delay: 1 });
    expect(scheduler.armedDeadline).toBe(now + 100);
  });

  it('clamps far deadlines to setTimeout\'s limit and re-arms on the way', () => {
    const { clock, timers, owner, advance } = setup();
    const month = 30 * 24 * 3600 * 1000;
    owner.add('far', clock.now() + month);
    const max = 2 ** 31 - 1;
    expect(timers.only!.delay).toBe(max);
    advance(max);
    expect(owner.fired).toEqual([]);
    expect(timers.only!.delay).toBe(month - max);
    advance(month - max);
    expect(owner.fired.map(([i]) => i)).toEqual(['far']);
  });

  it('a cancelled entry fires nothing and leaves no stale count behind', () => {
    const { clock, scheduler, owner, advance } = setup();
    owner.add('x', clock.now() + 10);
    owner.cancel('x');
    advance(10);
    expect(owner.fired).toEqual([]);
    expect(scheduler.size).toBe(0);
    expect(scheduler.staleCount).toBe(0); // the popped stale entry is no longer counted
  });
});

describe('DeadlineScheduler batches', () => {
  it('fires at most batchLimit per tick, then continues from soon() with no timer armed', () => {
    const { clock, timers, scheduler, owner, advance } = setup({ batchLimit: 100 });
    const at = clock.now() + 10;
    for (let i = 0; i < 250; i++) owner.add(`k${i}`, at);
    advance(10);
    expect(owner.fired.length).toBe(100);
    expect(timers.soonQueue.length).toBe(1);
    expect(timers.armed.size).toBe(0);
    // A key scheduled meanwhile (even sooner) does not arm a timer: the batch is still running.
    owner.add('meanwhile', clock.now() + 1);
    expect(timers.armed.size).toBe(0);
    timers.runSoon();
    expect(owner.fired.length).toBe(200);
    timers.runSoon();
    expect(owner.fired.length).toBe(250);
    // Nothing more is due: back to one timer, armed for 'meanwhile'.
    expect(timers.soonQueue.length).toBe(0);
    expect(timers.only).toMatchObject({ at: clock.now() + 1 });
    advance(1);
    expect(owner.fired.at(-1)![0]).toBe('meanwhile');
  });

  it('uses a 10,000-item default limit', () => {
    const { clock, timers, owner, advance } = setup();
    expect(BATCH_LIMIT).toBe(10_000);
    for (let i = 0; i < 25_000; i++) owner.add(`k${i}`, clock.now() + 5);
    advance(5);
    expect(owner.fired.length).toBe(10_000);
    timers.runSoon();
    timers.runSoon();
    expect(owner.fired.length).toBe(25_000);
  });

  it('stop() cancels the timer and a batch in progress', () => {
    const { clock, timers, scheduler, owner, advance } = setup({ batchLimit: 10 });
    for (let i = 0; i < 30; i++) owner.add(`k${i}`, clock.now() + 5);
    advance(5);
    expect(owner.fired.length).toBe(10);
    scheduler.stop();
    timers.runSoon();
    expect(owner.fired.length).toBe(10);
    expect(timers.armed.size).toBe(0);
  });

  it('on real timers, I/O queued during a large batch runs before the next batch', async () => {
    const scheduler = new DeadlineScheduler(systemClock, nodeTimers, { batchLimit: 1000 });
    let fired = 0;
    let sawIoAfter = -1;
    const owner: DeadlineOwner<number> = {
      onDeadline(i) {
        fired++;
        // Stands in for a socket read that arrives during the batch.
        if (i === 0) setImmediate(() => (sawIoAfter = fired));
        return true;
      },
      isScheduled: () => true,
    };
    const at = Date.now() + 5;
    for (let i = 0; i < 3500; i++) scheduler.schedule(at, owner, i);
    await new Promise<void>((resolve) => {
      const poll = () => (fired === 3500 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    expect(sawIoAfter).toBe(1000);
    scheduler.stop();
  });
});

describe('DeadlineScheduler poll (between commands)', () => {
  it('looks at the clock every 64th call and fires what is due, without waiting for the timer', () => {
    const { clock, timers, scheduler, owner } = setup();
    owner.add('a', clock.now() + 10);
    owner.add('b', clock.now() + 20);
    clock.advance(15); // the timer is due, but the event loop is busy with a pipeline
    for (let i = 0; i < 63; i++) scheduler.poll();
    expect(owner.fired).toEqual([]);
    scheduler.poll();
    expect(owner.fired.map(([i]) => i)).toEqual(['a']);
    // The armed timer, when it finally runs, finds 'a' gone and re-arms for 'b'.
    timers.fireDue();
    expect(owner.fired.map(([i]) => i)).toEqual(['a']);
    expect(timers.only).toMatchObject({ at: clock.now() + 5 });
    clock.advance(5);
    for (let i = 0; i < 64; i++) scheduler.poll();
    expect(owner.fired.map(([i]) => i)).toEqual(['a', 'b']);
  });

  it('fires at most one batch per poll and leaves a batch in progress to soon()', () => {
    const { clock, timers, scheduler, owner, advance } = setup({ batchLimit: 10 });
    for (let i = 0; i < 25; i++) owner.add(`k${i}`, clock.now() + 1);
    clock.advance(1);
    for (let i = 0; i < 64; i++) scheduler.poll();
    expect(owner.fired.length).toBe(10);
    advance(0); // the timer: next batch, then continues from soon()
    expect(owner.fired.length).toBe(20);
    for (let i = 0; i < 64; i++) scheduler.poll(); // continuing: poll leaves it to soon()
    expect(owner.fired.length).toBe(20);
    timers.runSoon();
    expect(owner.fired.length).toBe(25);
  });
});

describe('DeadlineScheduler pollBatch', () => {
  it('wraps the batches poll() fires, not the timer\'s', () => {
    const { clock, scheduler, owner, advance } = setup();
    const wrapped: number[] = [];
    scheduler.pollBatch = (fire) => {
      const before = owner.fired.length;
      fire();
      wrapped.push(owner.fired.length - before);
    };
    owner.add('a', clock.now() + 5);
    owner.add('b', clock.now() + 5);
    owner.add('c', clock.now() + 10);
    advance(5); // the timer fires a and b
    expect(owner.fired.length).toBe(2);
    expect(wrapped).toEqual([]);
    clock.advance(5); // c is due while a pipeline keeps the loop busy
    for (let i = 0; i < 64; i++) scheduler.poll();
    expect(wrapped).toEqual([1]);
    for (let i = 0; i < 64; i++) scheduler.poll(); // nothing due: no batch
    expect(wrapped).toEqual([1]);
  });
});

describe('DeadlineScheduler stale entries', () => {
  it('compacts when stale entries reach 1024 and outnumber live ones, keeping live ones', () => {
    const { clock, scheduler, owner, advance } = setup();
    const now = clock.now();
    for (let i = 0; i < 3000; i++) owner.add(`k${i}`, now + 1000 + i);
    // Re-scheduling a key leaves its old entry stale.
    for (let i = 0; i < 1400; i++) owner.add(`k${i}`, now + 10_000 + i);
    expect(scheduler.size).toBe(4400);
    expect(scheduler.staleCount).toBe(1400);
    for (let i = 1400; i < 2300; i++) owner.cancel(`k${i}`);
    // 2300 stale of 4400: compaction ran once stale outnumbered live.
    expect(scheduler.size).toBeLessThan(4400);
    expect(scheduler.size).toBe(2100 + scheduler.staleCount);
    advance(20_000);
    expect(owner.fired.length).toBe(2100);
    const deadlines = owner.fired.map(([, at]) => at);
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    expect(owner.fired.every(([item, at]) => (Number(item.slice(1)) < 1400 ? at >= now + 10_000 : at < now + 10_000))).toBe(true);
    expect(scheduler.size).toBe(0);
  });

  it('a large heap is swept incrementally, a chunk per turn, keeping the heap order', () => {
    const { clock, timers, scheduler, owner, advance } = setup({ syncCompactLimit: 1000, sweepChunk: 500 });
    const now = clock.now();
    // Random deadlines, so removals in the middle need entries to move up as well as down.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 6000; i++) owner.add(`k${i}`, now + 1 + Math.floor(rand() * 100_000));
    const cancelled = new Set<number>();
    while (cancelled.size < 3500) {
      const i = Math.floor(rand() * 6000);
      if (!cancelled.has(i)) {
        cancelled.add(i);
        owner.cancel(`k${i}`);
      }
    }
    // Nothing removed yet: the sweep runs in later turns, never all at once.
    expect(scheduler.size).toBe(6000);
    expect(scheduler.sweeping).toBe(true);
    let turns = 0;
    while (timers.soonQueue.length > 0) {
      const before = scheduler.size;
      timers.runSoon();
      turns++;
      expect(before - scheduler.size).toBeLessThanOrEqual(500);
    }
    expect(turns).toBeGreaterThan(6);
    expect(scheduler.sweeping).toBe(false);
    expect(scheduler.size).toBe(2500);
    expect(scheduler.staleCount).toBe(0);
    advance(100_000);
    expect(owner.fired.length).toBe(2500);
    const deadlines = owner.fired.map(([, at]) => at);
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });

  it('a sweep and timers interleave: entries fired, added and cancelled between its turns', () => {
    const { clock, timers, scheduler, owner, advance } = setup({ syncCompactLimit: 100, sweepChunk: 64, compactMinStale: 10 });
    const now = clock.now();
    for (let i = 0; i < 1000; i++) owner.add(`a${i}`, now + 1 + ((i * 7919) % 1000));
    for (let i = 0; i < 600; i++) owner.cancel(`a${i}`);
    expect(scheduler.sweeping).toBe(true);
    let step = 0;
    while (timers.soonQueue.length > 0) {
      timers.runSoon();
      advance(25);
      owner.add(`b${step}`, clock.now() + 3 + ((step * 31) % 50));
      if (step % 3 === 0) owner.cancel(`a${600 + step}`);
      step++;
    }
    advance(2000);
    const deadlines = owner.fired.map(([, at]) => at);
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    expect(owner.live.size).toBe(0);
    expect(scheduler.size).toBe(0);
  });

  it('stop() ends a sweep in progress', () => {
    const { clock, timers, scheduler, owner } = setup({ syncCompactLimit: 10, sweepChunk: 10 });
    for (let i = 0; i < 3000; i++) owner.add(`k${i}`, clock.now() + 100);
    for (let i = 0; i < 2000; i++) owner.cancel(`k${i}`);
    expect(scheduler.sweeping).toBe(true);
    scheduler.stop();
    timers.runSoon();
    expect(scheduler.size).toBe(3000);
  });

  it('does not compact below 1024 stale entries', () => {
    const { clock, scheduler, owner } = setup();
    for (let i = 0; i < 1100; i++) owner.add(`k${i}`, clock.now() + 100);
    for (let i = 0; i < 1023; i++) owner.cancel(`k${i}`);
    expect(scheduler.size).toBe(1100);
    owner.cancel('k1023');
    expect(scheduler.size).toBe(1100 - 1024);
  });

  it('noteStale(n) counts n entries at once', () => {
    const { clock, scheduler, owner } = setup();
    for (let i = 0; i < 2000; i++) owner.add(`k${i}`, clock.now() + 100);
    for (let i = 0; i < 2000; i++) owner.live.delete(`k${i}`);
    scheduler.noteStale(2000);
    expect(scheduler.size).toBe(0);
    expect(scheduler.staleCount).toBe(0);
  });

  it('keeps the stale count exact as stale entries reach their deadline', () => {
    const { clock, scheduler, owner, advance } = setup();
    for (let i = 0; i < 500; i++) owner.add(`k${i}`, clock.now() + 10);
    for (let i = 0; i < 500; i++) owner.add(`k${i}`, clock.now() + 1000);
    expect(scheduler.staleCount).toBe(500);
    advance(10);
    expect(scheduler.staleCount).toBe(0);
    expect(scheduler.size).toBe(500);
    expect(owner.fired).toEqual([]);
  });
});

describe('batch timing (LATENCY expire-cycle)', () => {
  it('reports how long each timer-driven batch took, and only those', () => {
    const { scheduler, owner, advance } = setup();
    const times: number[] = [];
    scheduler.onBatchTime = (ms) => times.push(ms);
    // An owner that takes a known time per deadline: 3 ms of busy work.
    const slow = {
      onDeadline() {
        const until = performance.now() + 3;
        while (performance.now() < until);
      },
    };
    scheduler.schedule(1_000_010, slow, 'a');
    owner.add('b', 1_000_020);
    advance(10);
    advance(10);
    expect(times).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(3);
    expect(times[1]).toBeLessThan(3);
    // Deadlines fired between a client's commands (poll) are not a batch of their own.
    scheduler.onBatchTime = null;
  });
});
