import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeIndexRange } from '../../../src/keyspace/types/indexRange.js';
import { ListValue } from '../../../src/keyspace/types/list.js';

const valueArb = fc.constantFrom('a', 'b', 'c', '\x00', '\xff', '');

type Op =
  | { op: 'pushFront' | 'pushBack'; value: string }
  | { op: 'popFront' | 'popBack' }
  | { op: 'popFrontMany' | 'popBackMany'; count: number }
  | { op: 'insertAt' | 'removeAt' | 'set'; at: number; value: string }
  | { op: 'insertAtPivot'; pivot: string; value: string; before: boolean }
  | { op: 'removeOccurrences'; value: string; count: number }
  | { op: 'trim'; start: number; stop: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('pushFront' as const, 'pushBack' as const), value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('popFront' as const, 'popBack' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('popFrontMany' as const, 'popBackMany' as const), count: fc.integer({ min: 0, max: 5 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constantFrom('insertAt' as const, 'removeAt' as const, 'set' as const), at: fc.nat(40), value: valueArb }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insertAtPivot' as const), pivot: valueArb, value: valueArb, before: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeOccurrences' as const), value: valueArb, count: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('trim' as const), start: fc.integer({ min: -6, max: 6 }), stop: fc.integer({ min: -6, max: 6 }) }) },
);

function apply(list: ListValue, model: string[], o: Op): void {
  switch (o.op) {
    case 'pushFront':
      list.pushFront(o.value);
      model.unshift(o.value);
      break;
    case 'pushBack':
      list.pushBack(o.value);
      model.push(o.value);
      break;
    case 'popFront':
      expect(list.popFront()).toBe(model.shift());
      break;
    case 'popBack':
      expect(list.popBack()).toBe(model.pop());
      break;
    case 'popFrontMany':
      expect(list.popFrontMany(o.count)).toEqual(model.splice(0, o.count));
      break;
    case 'popBackMany': {
      const n = Math.min(o.count, model.length);
      expect(list.popBackMany(o.count)).toEqual(model.splice(model.length - n, n).reverse());
      break;
    }
    case 'insertAt': {
      const at = o.at % (model.length + 1);
      list.insertAt(at, o.value);
      model.splice(at, 0, o.value);
      break;
    }
    case 'removeAt':
      if (model.length === 0) {
        expect(() => list.removeAt(0)).toThrow(RangeError);
        break;
      }
      expect(list.removeAt(o.at % model.length)).toBe(model.splice(o.at % model.length, 1)[0]);
      break;
    case 'set':
      expect(list.set(o.at, o.value)).toBe(o.at < model.length);
      if (o.at < model.length) model[o.at] = o.value;
      break;
    case 'insertAtPivot': {
      const i = model.indexOf(o.pivot);
      expect(list.insertAtPivot(o.pivot, o.value, o.before ? 'before' : 'after')).toBe(i === -1 ? -1 : model.length + 1);
      if (i !== -1) model.splice(o.before ? i : i + 1, 0, o.value);
      break;
    }
    case 'removeOccurrences': {
      // The model removes one match at a time from the chosen end.
      let removed = 0;
      const limit = o.count === 0 ? Infinity : Math.abs(o.count);
      while (removed < limit) {
        const i = o.count < 0 ? model.lastIndexOf(o.value) : model.indexOf(o.value);
        if (i === -1) break;
        model.splice(i, 1);
        removed++;
      }
      expect(list.removeOccurrences(o.value, o.count)).toBe(removed);
      break;
    }
    case 'trim': {
      const r = normalizeIndexRange(o.start, o.stop, model.length);
      if (r === null) {
        list.trim(1, 0);
        model.length = 0;
      } else {
        list.trim(r[0], r[1]);
        model.splice(0, model.length, ...model.slice(r[0], r[1] + 1));
      }
      break;
    }
  }
}

/** LPOS by its definition in the Redis docs, scanning a copy. */
function modelPositions(model: string[], value: string, rank: number, count: number, maxlen: number): number[] {
  const order = model.map((_, i) => i);
  if (rank < 0) order.reverse();
  const scanned = maxlen === 0 ? order : order.slice(0, maxlen);
  const matches = scanned.filter((i) => model[i] === value).slice(Math.abs(rank) - 1);
  return count === 0 ? matches : matches.slice(0, count);
}

describe('ListValue', () => {
  it('is a quicklist whatever its size, as Redis 7.0.15 reports', () => {
    const list = new ListValue(['a']);
    expect(list.encoding).toBe('quicklist');
    expect(list.type).toBe('list');
  });

  it('grows and shrinks its ring across wrap-around', () => {
    const list = new ListValue();
    for (let i = 0; i < 1000; i++) i % 2 ? list.pushFront(`f${i}`) : list.pushBack(`b${i}`);
    expect(list.size).toBe(1000);
    expect(list.at(0)).toBe('f999');
    expect(list.at(999)).toBe('b998');
    const big = list.memoryUsage();
    while (list.size > 2) list.popFront();
    expect(list.memoryUsage()).toBeLessThan(big / 10);
    expect(list.toArray()).toEqual(['b996', 'b998']);
  });

  it('answers LPOS with rank, count and maxlen', () => {
    const list = new ListValue(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(list.positions('a')).toEqual([0]);
    expect(list.positions('a', -1)).toEqual([6]);
    expect(list.positions('a', 2, 0)).toEqual([3, 6]);
    expect(list.positions('a', -2, 2)).toEqual([3, 0]);
    expect(list.positions('a', 1, 0, 4)).toEqual([0, 3]);
    expect(list.positions('z', 1, 0)).toEqual([]);
  });

  it('matches an array model under random operations', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 80 }),
        fc.array(fc.record({ start: fc.integer({ min: -8, max: 8 }), stop: fc.integer({ min: -8, max: 8 }) }), { maxLength: 4 }),
        fc.array(
          fc.record({
            value: valueArb,
            rank: fc.integer({ min: -3, max: 3 }).filter((r) => r !== 0),
            count: fc.nat(3),
            maxlen: fc.nat(6),
          }),
          { maxLength: 4 },
        ),
        (ops, ranges, lposes) => {
          const list = new ListValue();
          const model: string[] = [];
          for (const o of ops) {
            apply(list, model, o);
            expect(list.size).toBe(model.length);
            expect([...list]).toEqual(model);
          }
          expect([...list.values(true)]).toEqual([...model].reverse());
          model.forEach((v, i) => expect(list.at(i)).toBe(v));
          expect(list.at(model.length)).toBeUndefined();
          for (const { start, stop } of ranges) {
            const r = normalizeIndexRange(start, stop, model.length);
            expect(r === null ? [] : list.range(r[0], r[1])).toEqual(model.slice(start < 0 ? Math.max(0, start + model.length) : start, stop < 0 ? Math.max(0, stop + model.length + 1) : stop + 1));
          }
          for (const q of lposes) {
            expect(list.positions(q.value, q.rank, q.count, q.maxlen)).toEqual(modelPositions(model, q.value, q.rank, q.count, q.maxlen));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
