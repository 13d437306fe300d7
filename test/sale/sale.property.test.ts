import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { SaleValue, type SaleEvent } from '../../src/sale/index.js';
import { setup, type Recorded } from './helpers.js';

/**
 * Random interleavings of every operation across several users, with clock advances and
 * scheduler runs, against a plain model. After every step the engine must agree with the
 * model and keep sale.md's invariants 1-4.
 */

const USERS = ['alice', 'bob', '', '\u0000\u00ff\r\n', 'é-carol'];

type CodePick =
  | { kind: 'known'; index: number }
  | { kind: 'forged'; index: number; at: number }
  | { kind: 'junk'; text: string };

type Op =
  | { t: 'reserve'; user: number; lot: number | null }
  | { t: 'purchase' | 'confirm' | 'cancel'; code: CodePick }
  | { t: 'mark'; lot: number; user: number }
  | { t: 'advance'; ms: number }
  | { t: 'runDue' }
  | { t: 'lot'; lot: number }
  | { t: 'sold'; cursor: number; count: number }
  | { t: 'snapshot' };

const user = fc.nat({ max: USERS.length - 1 });
const lotArg = fc.integer({ min: -1, max: 11 });
const codePick: fc.Arbitrary<CodePick> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('known' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forged' as const), index: fc.nat(), at: fc.nat({ max: 21 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), text: fc.string({ maxLength: 24 }) }) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('reserve' as const), user, lot: fc.option(lotArg, { nil: null }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('purchase' as const), code: codePick }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('confirm' as const), code: codePick }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cancel' as const), code: codePick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('mark' as const), lot: lotArg, user }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.nat({ max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('runDue' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lot' as const), lot: lotArg }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sold' as const), cursor: fc.integer({ min: -1, max: 11 }), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('snapshot' as const) }) },
);

interface ModelLot {
  state: 'available' | 'held' | 'purchased' | 'confirmed';
  user: string;
  code: string;
  deadline: number;
}

class Model {
  readonly lots: ModelLot[];
  expiredHolds = 0;
  /** Every code ever issued, to its lot (invariant 2: never issued twice). */
  readonly issued = new Map<string, number>();
  readonly issuedInOrder: string[] = [];
  /** Users who got a SALE.MARK: allowed past the limit (sale.md). */
  readonly marked = new Set<string>();
  expected: Recorded[] = [];

  constructor(n: number, readonly limit: number, readonly holdMs: number) {
    this.lots = Array.from({ length: n }, () => ({ state: 'available' as const, user: '', code: '', deadline: 0 }));
  }

  count(u: string): number {
    return this.lots.filter((l) => l.state !== 'available' && l.user === u).length;
  }
  tally(state: ModelLot['state']): number {
    return this.lots.filter((l) => l.state === state).length;
  }
  inRange(lot: number): boolean {
    return Number.isInteger(lot) && lot >= 0 && lot < this.lots.length;
  }
  emit(event: SaleEvent, lot: number): void {
    const l = this.lots[lot]!;
    this.expected.push({ event, lot, code: l.code, user: l.user });
  }
  release(lot: number, event: SaleEvent): void {
    this.emit(event, lot);
    this.lots[lot]!.state = 'available';
  }
  expireIfDue(lot: number, now: number): boolean {
    const l = this.lots[lot]!;
    if (l.state !== 'held' || l.deadline > now) return false;
    this.expiredHolds++;
    this.release(lot, 'expired');
    return true;
  }
  expireAllDue(now: number): void {
    for (let i = 0; i < this.lots.length; i++) this.expireIfDue(i, now);
  }
  /** The lot a code currently names, or -1. */
  find(code: string): number {
    const lot = this.issued.get(code);
    if (lot === undefined) return -1;
    const l = this.lots[lot]!;
    return l.state !== 'available' && l.code === code ? lot : -1;
  }
  assign(lot: number, state: ModelLot['state'], u: string, code: string, deadline: number): void {
    assert.match(code, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(this.issued.has(code), false, 'a code was issued twice');
    this.issued.set(code, lot);
    this.issuedInOrder.push(code);
    Object.assign(this.lots[lot]!, { state, user: u, code, deadline });
  }
}

function pickCode(model: Model, pick: CodePick): string {
  const all = model.issuedInOrder;
  if (pick.kind === 'junk' || all.length === 0) return pick.kind === 'junk' ? pick.text : 'x';
  const code = all[pick.index % all.length]!;
  if (pick.kind === 'known') return code;
  const c = code[pick.at]!;
  return code.slice(0, pick.at) + (c === 'Q' ? 'R' : 'Q') + code.slice(pick.at + 1);
}

const byLot = (a: Recorded, b: Recorded) => a.lot - b.lot || a.event.localeCompare(b.event);

function run(lots: number, limit: number, holdMs: number, ops: Op[]): void {
  const t = setup({ lots, limit, holdMs });
  const { clock, scheduler, env, events, listener } = t;
  let sale: SaleValue = t.sale;
  const model = new Model(lots, limit, holdMs);

  for (const o of ops) {
    events.length = 0;
    model.expected = [];
    let unordered = false; // the scheduler fires equal deadlines in heap order
    const now = clock.now();
    switch (o.t) {
      case 'reserve': {
        const u = USERS[o.user]!;
        const lot = o.lot ?? undefined;
        const actual = sale.reserve(u, lot);
        if (lot !== undefined && !model.inRange(lot)) {
          assert.equal(actual, 'RANGE');
          break;
        }
        if (lot !== undefined) model.expireIfDue(lot, now);
        if (limit > 0 && model.count(u) >= limit) {
          assert.equal(actual, 'LIMIT');
          break;
        }
        const lowest = model.lots.findIndex((l) => l.state === 'available');
        if (lot === undefined && lowest < 0) {
          assert.equal(actual, 'SOLDOUT');
          break;
        }
        if (lot !== undefined && model.lots[lot]!.state !== 'available') {
          assert.equal(actual, 'TAKEN');
          break;
        }
        assert.equal(typeof actual, 'object', `reserve: ${String(actual)}`);
        const r = actual as Exclude<typeof actual, string>;
        assert.equal(r.lot, lot ?? lowest); // lowest available first
        assert.equal(r.holdDeadline, now + holdMs);
        model.assign(r.lot, 'held', u, r.code, now + holdMs);
        model.emit('reserved', r.lot);
        break;
      }
      case 'purchase': {
        const code = pickCode(model, o.code);
        const actual = sale.purchase(code);
        const lot = model.find(code);
        if (lot < 0) assert.equal(actual, 'NOHOLD');
        else if (model.lots[lot]!.state === 'held') {
          if (model.expireIfDue(lot, now)) assert.equal(actual, 'NOHOLD'); // invariant 4
          else {
            assert.equal(actual, lot);
            model.lots[lot]!.state = 'purchased';
            model.emit('purchased', lot);
          }
        } else assert.equal(actual, lot);
        break;
      }
      case 'confirm': {
        const code = pickCode(model, o.code);
        const actual = sale.confirm(code);
        const lot = model.find(code);
        if (lot < 0) assert.equal(actual, 'NOHOLD');
        else if (model.lots[lot]!.state === 'held') {
          assert.equal(actual, model.expireIfDue(lot, now) ? 'NOHOLD' : 'NOTPURCHASED');
        } else {
          assert.equal(actual, lot);
          if (model.lots[lot]!.state === 'purchased') {
            model.lots[lot]!.state = 'confirmed';
            model.emit('confirmed', lot);
          }
        }
        break;
      }
      case 'cancel': {
        const code = pickCode(model, o.code);
        const actual = sale.cancel(code);
        const lot = model.find(code);
        if (lot < 0) assert.equal(actual, 0);
        else if (model.lots[lot]!.state === 'confirmed') assert.equal(actual, 'CONFIRMED');
        else if (model.expireIfDue(lot, now)) assert.equal(actual, 0);
        else {
          assert.equal(actual, 1);
          model.release(lot, 'cancelled');
        }
        break;
      }
      case 'mark': {
        const u = USERS[o.user]!;
        const actual = sale.mark(o.lot, u);
        if (!model.inRange(o.lot)) {
          assert.equal(actual, 'RANGE');
          break;
        }
        model.expireIfDue(o.lot, now);
        if (model.lots[o.lot]!.state !== 'available') {
          assert.equal(actual, 'TAKEN');
          break;
        }
        assert.equal(typeof actual, 'object');
        const m = actual as Exclude<typeof actual, string>;
        assert.equal(m.lot, o.lot);
        model.assign(o.lot, 'confirmed', u, m.code, 0);
        model.marked.add(u);
        model.emit('confirmed', o.lot);
        break;
      }
      case 'advance':
        clock.advance(o.ms);
        break;
      case 'runDue':
        scheduler.runDue();
        model.expireAllDue(now);
        unordered = true;
        break;
      case 'lot': {
        const actual = sale.lot(o.lot);
        if (!model.inRange(o.lot)) {
          assert.equal(actual, 'RANGE');
          break;
        }
        model.expireIfDue(o.lot, now);
        const l = model.lots[o.lot]!;
        assert.deepEqual(
          actual,
          l.state === 'available'
            ? null
            : { state: l.state, user: l.user, code: l.code, deadlineMs: l.state === 'held' ? l.deadline : null },
        );
        break;
      }
      case 'sold': {
        const actual = sale.sold(o.cursor, o.count);
        const entries = [];
        let lot = Math.max(0, o.cursor);
        if (o.cursor >= 0 && o.cursor < lots) {
          for (; lot < lots && entries.length < o.count; lot++) {
            const l = model.lots[lot]!;
            if (l.state === 'purchased' || l.state === 'confirmed') entries.push({ lot, user: l.user, code: l.code, state: l.state });
          }
        }
        assert.deepEqual(actual, { cursor: o.cursor < 0 || lot >= lots ? 0 : lot, entries });
        break;
      }
      case 'snapshot': {
        const copy = SaleValue.fromSnapshot(sale.toSnapshot(), env, listener);
        sale.dispose();
        sale = copy;
        model.expireAllDue(now);
        unordered = true;
        break;
      }
    }

    if (unordered) assert.deepEqual([...events].sort(byLot), [...model.expected].sort(byLot));
    else assert.deepEqual(events, model.expected);

    // Invariant 1, and every counter against the model.
    const info = sale.info();
    assert.equal(info.available + info.held + info.purchased + info.confirmed, lots);
    assert.deepEqual(info, {
      lots,
      available: model.tally('available'),
      held: model.tally('held'),
      purchased: model.tally('purchased'),
      confirmed: model.tally('confirmed'),
      limit,
      holdMs,
      expiredHolds: model.expiredHolds,
      users: USERS.filter((u) => model.count(u) > 0).length,
    });
    // Every heap entry is either the one live entry of a current hold or was reported
    // stale: the scheduler's count stays exact, so compaction triggers on time.
    assert.equal(scheduler.staleCount, scheduler.size - info.held);
    for (const u of USERS) {
      const count = sale.userCount(u);
      assert.equal(count, model.count(u));
      // Invariant 3: only SALE.MARK may carry a user past the limit.
      if (limit > 0 && !model.marked.has(u)) assert.ok(count <= limit, `user over limit: ${count}`);
    }
    // Invariant 4: once the scheduler has run, no hold past its deadline is left.
    if (o.t === 'runDue') {
      assert.equal(model.lots.some((l) => l.state === 'held' && l.deadline <= clock.now()), false);
    }
  }

  // Finally, every lot as SALE.LOT shows it (invariant 2: one code per lot, one lot per code).
  scheduler.runDue();
  model.expireAllDue(clock.now());
  const shown = new Map<string, number>();
  for (let lot = 0; lot < lots; lot++) {
    const view = sale.lot(lot);
    const l = model.lots[lot]!;
    if (l.state === 'available') assert.equal(view, null);
    else {
      assert.ok(view !== null && view !== 'RANGE');
      assert.equal(view.code, l.code);
      assert.equal(shown.has(view.code), false);
      shown.set(view.code, lot);
    }
  }
}

describe('sale engine under random interleavings', () => {
  it('agrees with the model and keeps invariants 1-4 at every step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(op, { minLength: 1, maxLength: 80 }),
        run,
      ),
      { numRuns: 400 },
    );
  });

  it('holds up under long runs on a tiny sale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.array(op, { minLength: 200, maxLength: 400 }), (lots, limit, ops) =>
        run(lots, limit, 15, ops),
      ),
      { numRuns: 50 },
    );
  });
});
