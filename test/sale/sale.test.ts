import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/expiry/clock.js';
import { DeadlineScheduler, manualTimers, nodeTimers } from '../../src/expiry/scheduler.js';
import {
  CODE_LENGTH,
  DEFAULT_HOLD_MS,
  createSale,
  saleMemoryUsage,
  SaleValue,
  type Reservation,
} from '../../src/sale/index.js';
import { reserved, setup } from './helpers.js';

const CODE = /^[A-Za-z0-9_-]{22}$/;

describe('SALE.CREATE', () => {
  it('applies the contract defaults', () => {
    const { sale } = setup({ lots: 3 });
    expect(sale.info()).toEqual({
      lots: 3, available: 3, held: 0, purchased: 0, confirmed: 0,
      limit: 0, holdMs: DEFAULT_HOLD_MS, expiredHolds: 0, users: 0,
    });
  });

  it('rejects numbers outside the contract', () => {
    const { env } = setup({ lots: 1 });
    for (const options of [
      { lots: 0 }, { lots: 100_000_001 }, { lots: 1.5 }, { lots: -1 },
      { lots: 1, limit: -1 }, { lots: 1, limit: 0.5 },
      { lots: 1, holdMs: 0 }, { lots: 1, holdMs: 86_400_001 }, { lots: 1, holdMs: 2.5 },
    ]) {
      expect(createSale(env, options)).toBe('OUTOFRANGE');
    }
    expect(createSale(env, { lots: 100_000_000, holdMs: 86_400_000 })).toBeInstanceOf(SaleValue);
    expect(() => new SaleValue(env, 0, 0, 1)).toThrow(RangeError);
  });
});

describe('RESERVE', () => {
  it('hands out lots in ascending order with fresh opaque codes', () => {
    const { sale, clock, events } = setup({ lots: 3, holdMs: 500 });
    const a = reserved(sale.reserve('alice'));
    const b = reserved(sale.reserve('bob'));
    expect([a.lot, b.lot]).toEqual([0, 1]);
    expect(a.code).toMatch(CODE);
    expect(a.code.length).toBe(CODE_LENGTH);
    expect(a.code).not.toBe(b.code);
    expect(a.holdDeadline).toBe(clock.now() + 500);
    expect(sale.info()).toMatchObject({ available: 1, held: 2, users: 2 });
    expect(sale.userCount('alice')).toBe(1);
    expect(sale.userCount('nobody')).toBe(0);
    expect(events).toEqual([
      { event: 'reserved', lot: 0, code: a.code, user: 'alice' },
      { event: 'reserved', lot: 1, code: b.code, user: 'bob' },
    ]);
  });

  it('answers SOLDOUT when no lot is available', () => {
    const { sale } = setup({ lots: 1 });
    reserved(sale.reserve('a'));
    expect(sale.reserve('b')).toBe('SOLDOUT');
  });

  it('reserves a given lot, TAKEN if not available, RANGE outside 0..lots-1', () => {
    const { sale } = setup({ lots: 5 });
    expect(reserved(sale.reserve('a', 3)).lot).toBe(3);
    expect(sale.reserve('b', 3)).toBe('TAKEN');
    for (const lot of [-1, 5, 1.5, NaN]) expect(sale.reserve('b', lot)).toBe('RANGE');
    // The others still go out lowest first after a removal from the middle.
    expect([0, 1, 2, 3].map(() => reserved(sale.reserve('c')).lot)).toEqual([0, 1, 2, 4]);
    expect(sale.reserve('c')).toBe('SOLDOUT');
  });

  it('enforces the per-user limit, before stock (invariant 3)', () => {
    const { sale } = setup({ lots: 4, limit: 2 });
    reserved(sale.reserve('a'));
    reserved(sale.reserve('a', 3));
    expect(sale.reserve('a')).toBe('LIMIT');
    expect(sale.reserve('a', 3)).toBe('LIMIT');
    expect(sale.userCount('a')).toBe(2);
    reserved(sale.reserve('b'));
    reserved(sale.reserve('b'));
    expect(sale.reserve('c')).toBe('SOLDOUT');
    expect(sale.reserve('a')).toBe('LIMIT');
  });

  it('limit 0 means no cap', () => {
    const { sale } = setup({ lots: 50 });
    for (let i = 0; i < 50; i++) reserved(sale.reserve('a'));
    expect(sale.userCount('a')).toBe(50);
  });

  it('treats user names as binary-safe latin1 strings', () => {
    const { sale } = setup({ lots: 3 });
    const weird = '\u0000\u00ff\r\n é';
    const r = reserved(sale.reserve(weird));
    expect(sale.userCount(weird)).toBe(1);
    expect(sale.userCount('')).toBe(0);
    reserved(sale.reserve(''));
    expect(sale.userCount('')).toBe(1);
    expect(sale.lot(r.lot)).toMatchObject({ user: weird });
  });
});

describe('PURCHASE', () => {
  it('turns a live hold into a purchase, idempotently', () => {
    const { sale, events } = setup({ lots: 2 });
    const r = reserved(sale.reserve('a'));
    expect(sale.purchase(r.code)).toBe(r.lot);
    expect(sale.purchase(r.code)).toBe(r.lot);
    expect(sale.info()).toMatchObject({ held: 0, purchased: 1 });
    expect(events.map((e) => e.event)).toEqual(['reserved', 'purchased']);
    expect(sale.confirm(r.code)).toBe(r.lot);
    expect(sale.purchase(r.code)).toBe(r.lot);
    expect(events.map((e) => e.event)).toEqual(['reserved', 'purchased', 'confirmed']);
  });

  it('answers NOHOLD to unknown, malformed and forged codes', () => {
    const { sale } = setup({ lots: 2 });
    const r = reserved(sale.reserve('a'));
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const code of ['', 'x', r.code + 'A', r.code.slice(1), '!'.repeat(22), 'é'.repeat(22)]) {
      expect(sale.purchase(code)).toBe('NOHOLD');
    }
    for (let i = 0; i < CODE_LENGTH; i++) expect(sale.purchase(flip(r.code, i))).toBe('NOHOLD');
    expect(sale.info().held).toBe(1);
  });

  it('never sells a hold at or past its deadline (invariant 4), even before the timer fires', () => {
    const { sale, clock, events } = setup({ lots: 2, holdMs: 1000 });
    const r = reserved(sale.reserve('a'));
    clock.advance(999);
    const s = reserved(sale.reserve('b'));
    expect(sale.purchase(s.code)).toBe(s.lot);
    clock.advance(1); // exactly r's deadline; the scheduler has not run
    expect(sale.purchase(r.code)).toBe('NOHOLD');
    expect(sale.info()).toMatchObject({ available: 1, held: 0, expiredHolds: 1 });
    expect(sale.userCount('a')).toBe(0);
    expect(events.at(-1)).toEqual({ event: 'expired', lot: r.lot, code: r.code, user: 'a' });
  });

  it('rejects an old code once its lot is re-reserved', () => {
    const { sale, advance } = setup({ lots: 1, holdMs: 10 });
    const first = reserved(sale.reserve('a'));
    advance(10);
    const second = reserved(sale.reserve('a'));
    expect(second.lot).toBe(first.lot);
    expect(second.code).not.toBe(first.code);
    expect(sale.purchase(first.code)).toBe('NOHOLD');
    expect(sale.cancel(first.code)).toBe(0);
    expect(sale.confirm(first.code)).toBe('NOHOLD');
    expect(sale.purchase(second.code)).toBe(0);
  });
});

describe('CONFIRM', () => {
  it('needs a purchase', () => {
    const { sale, events } = setup({ lots: 1 });
    const r = reserved(sale.reserve('a'));
    expect(sale.confirm(r.code)).toBe('NOTPURCHASED');
    expect(sale.confirm('AAAAAAAAAAAAAAAAAAAAAA')).toBe('NOHOLD');
    sale.purchase(r.code);
    expect(sale.confirm(r.code)).toBe(0);
    expect(sale.confirm(r.code)).toBe(0);
    expect(sale.info()).toMatchObject({ purchased: 0, confirmed: 1 });
    expect(events.map((e) => e.event)).toEqual(['reserved', 'purchased', 'confirmed']);
  });

  it('answers NOHOLD to a hold past its deadline', () => {
    const { sale, clock } = setup({ lots: 1, holdMs: 5 });
    const r = reserved(sale.reserve('a'));
    clock.advance(5);
    expect(sale.confirm(r.code)).toBe('NOHOLD');
    expect(sale.info().expiredHolds).toBe(1);
  });
});

describe('CANCEL', () => {
  it('releases a live hold: lot available, count decremented', () => {
    const { sale, events } = setup({ lots: 1, limit: 1 });
    const r = reserved(sale.reserve('a'));
    expect(sale.cancel(r.code)).toBe(1);
    expect(sale.cancel(r.code)).toBe(0);
    expect(sale.info()).toMatchObject({ available: 1, held: 0, users: 0, expiredHolds: 0 });
    expect(sale.userCount('a')).toBe(0);
    expect(events.at(-1)).toEqual({ event: 'cancelled', lot: 0, code: r.code, user: 'a' });
    expect(sale.purchase(r.code)).toBe('NOHOLD');
    reserved(sale.reserve('a'));
  });

  it('releases an unconfirmed purchase, refuses a confirmed one', () => {
    const { sale } = setup({ lots: 2 });
    const r = reserved(sale.reserve('a'));
    const s = reserved(sale.reserve('a'));
    sale.purchase(r.code);
    sale.purchase(s.code);
    sale.confirm(s.code);
    expect(sale.cancel(r.code)).toBe(1);
    expect(sale.cancel(s.code)).toBe('CONFIRMED');
    expect(sale.info()).toMatchObject({ available: 1, purchased: 0, confirmed: 1 });
    expect(sale.userCount('a')).toBe(1);
  });

  it('answers 0 to unknown and expired codes', () => {
    const { sale, advance, clock } = setup({ lots: 2, holdMs: 5 });
    expect(sale.cancel('nope')).toBe(0);
    const r = reserved(sale.reserve('a'));
    const s = reserved(sale.reserve('a'));
    advance(5);
    expect(sale.cancel(r.code)).toBe(0);
    const t = reserved(sale.reserve('a'));
    clock.advance(5); // lazily, before the timer
    expect(sale.cancel(t.code)).toBe(0);
    expect(sale.cancel(s.code)).toBe(0);
    expect(sale.info()).toMatchObject({ available: 2, expiredHolds: 3 });
  });
});

describe('SALE.MARK', () => {
  it('records a confirmed sale with a code, past the limit', () => {
    const { sale, events } = setup({ lots: 4, limit: 1 });
    reserved(sale.reserve('a'));
    const m = sale.mark(2, 'a');
    if (typeof m === 'string') throw new Error(m);
    expect(m.code).toMatch(CODE);
    expect(sale.userCount('a')).toBe(2);
    expect(sale.info()).toMatchObject({ available: 2, held: 1, confirmed: 1 });
    expect(sale.lot(2)).toEqual({ state: 'confirmed', user: 'a', code: m.code, deadlineMs: null });
    expect(events.at(-1)).toEqual({ event: 'confirmed', lot: 2, code: m.code, user: 'a' });
    expect(sale.purchase(m.code)).toBe(2);
    expect(sale.confirm(m.code)).toBe(2);
    expect(sale.cancel(m.code)).toBe('CONFIRMED');
    expect(sale.mark(2, 'b')).toBe('TAKEN');
    expect(sale.mark(0, 'b')).toBe('TAKEN');
    expect(sale.mark(4, 'b')).toBe('RANGE');
    expect(sale.reserve('a')).toBe('LIMIT');
    // RESERVE without LOT skips the marked lot.
    expect(reserved(sale.reserve('b')).lot).toBe(1);
  });
});

describe('SALE.INFO, SALE.USER, SALE.LOT', () => {
  it('counts users with a nonzero count', () => {
    const { sale } = setup({ lots: 5 });
    const a = reserved(sale.reserve('a'));
    reserved(sale.reserve('b'));
    reserved(sale.reserve('b'));
    expect(sale.info().users).toBe(2);
    sale.cancel(a.code);
    expect(sale.info().users).toBe(1);
  });

  it('shows a lot, nil when available', () => {
    const { sale, clock } = setup({ lots: 2, holdMs: 100 });
    expect(sale.lot(0)).toBeNull();
    expect(sale.lot(2)).toBe('RANGE');
    expect(sale.lot(-1)).toBe('RANGE');
    const r = reserved(sale.reserve('a'));
    expect(sale.lot(0)).toEqual({ state: 'held', user: 'a', code: r.code, deadlineMs: clock.now() + 100 });
    sale.purchase(r.code);
    expect(sale.lot(0)).toEqual({ state: 'purchased', user: 'a', code: r.code, deadlineMs: null });
    const s = reserved(sale.reserve('b'));
    clock.advance(100);
    expect(sale.lot(s.lot)).toBeNull(); // a dead hold is never shown
    expect(sale.info().expiredHolds).toBe(1);
  });
});

describe('SALE.SOLD', () => {
  it('iterates purchased and confirmed lots in lot order with a cursor', () => {
    const { sale } = setup({ lots: 10 });
    const codes: Reservation[] = [];
    for (let i = 0; i < 10; i++) codes.push(reserved(sale.reserve(`u${i}`)));
    for (const i of [1, 4, 5, 8]) sale.purchase(codes[i]!.code);
    sale.confirm(codes[5]!.code);
    const first = sale.sold(0, 2);
    expect(first.entries).toEqual([
      { lot: 1, user: 'u1', code: codes[1]!.code, state: 'purchased' },
      { lot: 4, user: 'u4', code: codes[4]!.code, state: 'purchased' },
    ]);
    expect(first.cursor).toBe(5);
    const second = sale.sold(first.cursor, 2);
    expect(second.entries.map((e) => [e.lot, e.state])).toEqual([[5, 'confirmed'], [8, 'purchased']]);
    expect(second.cursor).toBe(9);
    expect(sale.sold(second.cursor, 2)).toEqual({ cursor: 0, entries: [] });
    expect(sale.sold(0, 100).cursor).toBe(0);
    expect(sale.sold(10, 5)).toEqual({ cursor: 0, entries: [] });
    expect(sale.sold(-3, 5)).toEqual({ cursor: 0, entries: [] });
  });

  it('bounds the work of one call, as SCAN', () => {
    const { sale } = setup({ lots: 300_000 });
    sale.mark(250_000, 'x');
    const pages = [];
    let cursor = 0;
    do {
      const page = sale.sold(cursor, 10);
      pages.push(page.entries.length);
      cursor = page.cursor;
    } while (cursor !== 0);
    expect(pages).toEqual([0, 0, 1]);
  });
});

describe('hold expiry on the scheduler (invariant 4)', () => {
  it('makes the lot available when the deadline fires, counting it', () => {
    const { sale, advance, scheduler, events } = setup({ lots: 2, holdMs: 100, limit: 1 });
    const r = reserved(sale.reserve('a'));
    advance(99);
    expect(sale.info().held).toBe(1);
    advance(1);
    expect(sale.info()).toMatchObject({ available: 2, held: 0, expiredHolds: 1, users: 0 });
    expect(events.at(-1)).toEqual({ event: 'expired', lot: r.lot, code: r.code, user: 'a' });
    expect(scheduler.size).toBe(0);
    reserved(sale.reserve('a'));
  });

  it('does not expire a hold that was purchased, cancelled or replaced', () => {
    const { sale, advance, clock } = setup({ lots: 3, holdMs: 100 });
    const a = reserved(sale.reserve('a'));
    const b = reserved(sale.reserve('b'));
    sale.purchase(a.code);
    sale.cancel(b.code);
    clock.advance(50);
    const c = reserved(sale.reserve('c', b.lot)); // same lot, later deadline
    advance(50);
    expect(sale.info()).toMatchObject({ held: 1, purchased: 1, expiredHolds: 0 });
    expect(sale.purchase(c.code)).toBe(b.lot);
  });

  it('frees the lot within a few ms on real timers', async () => {
    const scheduler = new DeadlineScheduler(systemClock, nodeTimers);
    const sale = createSale({ clock: systemClock, scheduler }, { lots: 1, holdMs: 30 }) as SaleValue;
    let expiredAt = 0;
    sale.onEvent = (event) => {
      if (event === 'expired') expiredAt = Date.now();
    };
    const r = reserved(sale.reserve('a'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sale.info()).toMatchObject({ available: 1, expiredHolds: 1 });
    expect(expiredAt - r.holdDeadline).toBeGreaterThanOrEqual(0);
    expect(expiredAt - r.holdDeadline).toBeLessThan(60); // generous for a loaded CI box
    scheduler.stop();
  });

  it('dispose makes every pending entry stale and lets the heap compact', () => {
    const { sale, scheduler, clock } = setup({ lots: 5000, holdMs: 100 });
    for (let i = 0; i < 3000; i++) reserved(sale.reserve(`u${i}`));
    expect(scheduler.size).toBe(3000);
    // A neighbour's entry that must survive compaction.
    const fired: number[] = [];
    scheduler.schedule(clock.now() + 1000, { onDeadline: (x: number) => void fired.push(x), isScheduled: () => true }, 7);
    sale.dispose();
    expect(scheduler.size).toBe(1); // 3000 stale of 3001: compacted at once
    expect(scheduler.staleCount).toBe(0);
    clock.advance(1000);
    scheduler.runDue();
    expect(fired).toEqual([7]);
    expect(sale.info().held).toBe(3000); // a disposed sale is not touched by its timer
  });

  it('keeps the scheduler stale count exact', () => {
    const { sale, scheduler, clock, advance } = setup({ lots: 4, holdMs: 100 });
    const a = reserved(sale.reserve('a'));
    const b = reserved(sale.reserve('b'));
    reserved(sale.reserve('c'));
    reserved(sale.reserve('d'));
    sale.purchase(a.code);
    sale.cancel(b.code);
    expect(scheduler.staleCount).toBe(2);
    clock.advance(100);
    sale.lot(2); // expired on access, before its timer
    expect(scheduler.staleCount).toBe(3);
    advance(0);
    expect(scheduler.size).toBe(0);
    expect(scheduler.staleCount).toBe(0);
    expect(sale.info().expiredHolds).toBe(2);
  });

  it('dispose: isScheduled answers false for the old entries', () => {
    const { sale, scheduler, clock } = setup({ lots: 2, holdMs: 100 });
    reserved(sale.reserve('a'));
    // Reach the owner through the heap, as compaction does.
    const owners = (scheduler as unknown as { owners: { isScheduled(i: number, d: number): boolean }[] }).owners;
    expect(owners[0]!.isScheduled(0, clock.now() + 100)).toBe(true);
    sale.dispose();
    expect(owners[0]!.isScheduled(0, clock.now() + 100)).toBe(false);
  });

  it('rescheduleAll moves holds to another scheduler and expires overdue ones', () => {
    const { sale, scheduler, clock, events } = setup({ lots: 3, holdMs: 100 });
    const a = reserved(sale.reserve('a'));
    clock.advance(50);
    reserved(sale.reserve('b'));
    const other = new DeadlineScheduler(clock, manualTimers);
    clock.advance(60); // a is overdue, nothing has fired
    sale.rescheduleAll(other);
    expect(events.at(-1)).toMatchObject({ event: 'expired', lot: a.lot });
    expect(sale.info()).toMatchObject({ held: 1, expiredHolds: 1 });
    clock.advance(100);
    scheduler.runDue();
    expect(sale.info().held).toBe(1); // the old scheduler's entries are stale
    other.runDue();
    expect(sale.info()).toMatchObject({ held: 0, expiredHolds: 2 });
  });
});

describe('codes', () => {
  it('are unique over many reservations of one lot', () => {
    const { sale } = setup({ lots: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const r = reserved(sale.reserve('a'));
      seen.add(r.code);
      sale.cancel(r.code);
    }
    expect(seen.size).toBe(20_000);
  });

  it('spread over the alphabet (random tags)', () => {
    const { sale } = setup({ lots: 5000 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const c = reserved(sale.reserve('a')).code[0]!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(64);
  });
});

describe('events', () => {
  it('cost nothing to skip when nobody listens', () => {
    const { sale, advance } = setup({ lots: 3, holdMs: 10 });
    sale.onEvent = null;
    const r = reserved(sale.reserve('a'));
    sale.purchase(r.code);
    sale.confirm(r.code);
    reserved(sale.reserve('b'));
    advance(10);
    sale.mark(2, 'c');
    expect(sale.info()).toMatchObject({ confirmed: 2, expiredHolds: 1 });
  });
});

describe('memory estimate', () => {
  it('counts the typed arrays and users', () => {
    const { sale } = setup({ lots: 1000 });
    const empty = saleMemoryUsage(sale);
    expect(empty).toBe(1000 * 25 + 32 * 4 + 4 + 64 * 4); // lots, bitset (32 + 1 words), user counts
    reserved(sale.reserve('someone'));
    expect(saleMemoryUsage(sale)).toBeGreaterThan(empty + 24);
  });
});
