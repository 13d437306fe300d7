import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeIndexRange } from '../../../src/keyspace/types/indexRange.js';
import { DEFAULT_ENCODING_LIMITS } from '../../../src/keyspace/types/limits.js';
import { SortedSet, type LexBound, type ZEntry } from '../../../src/keyspace/types/sortedSet.js';
import { seededRandom } from './seededRandom.js';

type Pair = [member: string, score: number];

const pairs = (entries: Iterable<ZEntry>): Pair[] => [...entries].map((e) => [e.member, e.score]);

/** The naive model: a plain array kept sorted by (score, member) with byte order on members. */
function compare(a: Pair, b: Pair): number {
  if (a[1] < b[1]) return -1;
  if (a[1] > b[1]) return 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function modelSort(model: Pair[]): void {
  model.sort(compare);
}

function inScore(score: number, min: number, max: number, minEx: boolean, maxEx: boolean): boolean {
  return (minEx ? score > min : score >= min) && (maxEx ? score < max : score <= max);
}

function inLex(member: string, min: LexBound, max: LexBound): boolean {
  const gte = min === '-' ? true : min === '+' ? false : min.kind === 'inclusive' ? member >= min.value : member > min.value;
  const lte = max === '+' ? true : max === '-' ? false : max.kind === 'inclusive' ? member <= max.value : member < max.value;
  return gte && lte;
}

function limit<T>(items: T[], reverse: boolean, offset: number, count: number): T[] {
  const ordered = reverse ? [...items].reverse() : items;
  if (offset < 0) return [];
  return ordered.slice(offset, count < 0 ? undefined : offset + count);
}

// Few distinct bytes, including NUL and 0xff, so ties, prefixes and byte order all occur.
const memberArb = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '\x00', '\xff', '\x7f'), maxLength: 3 });
const scoreArb = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-Infinity, Infinity, 0.5, -0.5, 1e300),
);
const lexBoundArb: fc.Arbitrary<LexBound> = fc.oneof(
  fc.constantFrom<LexBound>('-', '+'),
  fc.record({ kind: fc.constantFrom<'inclusive' | 'exclusive'>('inclusive', 'exclusive'), value: memberArb }),
);

type Op =
  | { op: 'add'; member: string; score: number }
  | { op: 'delete'; member: string }
  | { op: 'popMin' | 'popMax'; count: number }
  | { op: 'delRank'; start: number; stop: number }
  | { op: 'delScore'; min: number; max: number; minEx: boolean; maxEx: boolean }
  | { op: 'delLex'; min: LexBound; max: LexBound };

const opArb = (scores: fc.Arbitrary<number>): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), member: memberArb, score: scores }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), member: memberArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('popMin' as const, 'popMax' as const), count: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delRank' as const), start: fc.integer({ min: -8, max: 8 }), stop: fc.integer({ min: -8, max: 8 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('delScore' as const), min: scores, max: scores, minEx: fc.boolean(), maxEx: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delLex' as const), min: lexBoundArb, max: lexBoundArb }) },
  );

/** Applies op to both; delLex is only applied when all scores are equal (its defined case). */
function apply(z: SortedSet, model: Pair[], op: Op, lexDefined: boolean): void {
  switch (op.op) {
    case 'add': {
      const i = model.findIndex((p) => p[0] === op.member);
      const expected = i === -1 ? 'added' : model[i]![1] === op.score ? 'unchanged' : 'updated';
      expect(z.add(op.member, op.score)).toBe(expected);
      if (i === -1) model.push([op.member, op.score]);
      else if (expected === 'updated') model[i]![1] = op.score;
      modelSort(model);
      break;
    }
    case 'delete': {
      const i = model.findIndex((p) => p[0] === op.member);
      expect(z.delete(op.member)).toBe(i !== -1);
      if (i !== -1) model.splice(i, 1);
      break;
    }
    case 'popMin':
      expect(pairs(z.popMin(op.count))).toEqual(model.splice(0, op.count));
      break;
    case 'popMax': {
      const n = Math.min(op.count, model.length);
      expect(pairs(z.popMax(op.count))).toEqual(model.splice(model.length - n, n).reverse());
      break;
    }
    case 'delRank': {
      const r = normalizeIndexRange(op.start, op.stop, model.length);
      if (r === null) break;
      expect(z.deleteRangeByRank(r[0], r[1])).toBe(r[1] - r[0] + 1);
      model.splice(r[0], r[1] - r[0] + 1);
      break;
    }
    case 'delScore': {
      const keep = model.filter((p) => !inScore(p[1], op.min, op.max, op.minEx, op.maxEx));
      expect(z.deleteRangeByScore(op.min, op.max, op.minEx, op.maxEx)).toBe(model.length - keep.length);
      model.splice(0, model.length, ...keep);
      break;
    }
    case 'delLex': {
      if (!lexDefined) break;
      const keep = model.filter((p) => !inLex(p[0], op.min, op.max));
      expect(z.deleteRangeByLex(op.min, op.max)).toBe(model.length - keep.length);
      model.splice(0, model.length, ...keep);
      break;
    }
  }
}

function checkAgainstModel(z: SortedSet, model: Pair[]): void {
  z.debugCheck();
  expect(z.size).toBe(model.length);
  expect(pairs(z)).toEqual(model);
  expect(pairs(z.entries(true))).toEqual([...model].reverse());
  model.forEach(([member, score], i) => {
    expect(z.score(member)).toBe(score);
    expect(z.rankOf(member)).toBe(i);
    expect(z.rankOf(member, true)).toBe(model.length - 1 - i);
    expect(z.atRank(i)?.member).toBe(member);
  });
}

describe('SortedSet', () => {
  it('orders members as bytes on equal scores, NUL and 0xff included', () => {
    const z = new SortedSet();
    for (const m of ['b', 'a', 'B', 'a\x00', '', '\xff', 'ab', 'a\xff']) z.insert(m, 1);
    z.insert('z', 0);
    expect([...z].map((e) => e.member)).toEqual(['z', '', 'B', 'a', 'a\x00', 'ab', 'a\xff', 'b', '\xff']);
  });

  it('answers ranks, ranges and counts on a known set', () => {
    const z = new SortedSet();
    [['a', 1], ['b', 2], ['c', 3], ['d', 4]].forEach(([m, s]) => z.add(m as string, s as number));
    expect(z.rankOf('c')).toBe(2);
    expect(z.rankOf('c', true)).toBe(1);
    expect(z.rankOf('zz')).toBeUndefined();
    expect(pairs(z.rangeByRank(1, 2, true))).toEqual([['c', 3], ['b', 2]]);
    // Checked against redis-server 7.0.15: LIMIT -1 2 is empty, LIMIT 1 -1 is the rest, LIMIT 0 0 empty.
    expect(z.rangeByScore(-Infinity, Infinity, false, false, false, -1, 2)).toEqual([]);
    expect(pairs(z.rangeByScore(-Infinity, Infinity, false, false, false, 1, -1)).map((p) => p[0])).toEqual(['b', 'c', 'd']);
    expect(z.rangeByScore(-Infinity, Infinity, false, false, false, 0, 0)).toEqual([]);
    expect(pairs(z.rangeByScore(-Infinity, Infinity, false, false, true, 1, 2)).map((p) => p[0])).toEqual(['c', 'b']);
    expect(z.countByScore(2, 4, true, false)).toBe(2);
    expect(z.countByScore(3, 2)).toBe(0);
  });

  it('treats - and + lex bounds as Redis does', () => {
    const z = new SortedSet();
    for (const m of ['a', 'b', 'c']) z.insert(m, 0);
    expect(z.rangeByLex('+', '-')).toEqual([]);
    expect(z.countByLex('-', '-')).toBe(0);
    expect(z.countByLex('+', '+')).toBe(0);
    expect(z.countByLex({ kind: 'inclusive', value: 'a' }, '+')).toBe(3);
    expect(z.rangeByLex({ kind: 'exclusive', value: 'b' }, { kind: 'inclusive', value: 'b' })).toEqual([]);
    expect(pairs(z.rangeByLex('-', '+', true, 1, 2)).map((p) => p[0])).toEqual(['b', 'a']);
  });

  it('updates in place or moves, and keeps -0 equal to 0 as Redis does', () => {
    const z = new SortedSet();
    z.add('a', 1);
    z.add('b', 2);
    expect(z.add('a', 1.5)).toBe('updated');
    expect(z.add('a', 3)).toBe('updated');
    expect(pairs(z)).toEqual([['b', 2], ['a', 3]]);
    z.add('c', 0);
    expect(z.add('c', -0)).toBe('unchanged');
    expect(() => z.insert('a', 1)).toThrow();
    expect(() => z.updateScore('nope', 1)).toThrow();
  });

  describe('encoding (zset-max-listpack-entries/value, Redis 7.0.15)', () => {
    it('is a listpack up to 128 members and a skiplist from the 129th, never converting back', () => {
      const z = new SortedSet();
      for (let i = 0; i < 128; i++) z.insert(`m${i}`, i);
      expect(z.encoding).toBe('listpack');
      z.insert('extra', 0);
      expect(z.encoding).toBe('skiplist');
      z.deleteRangeByRank(0, 100);
      expect(z.encoding).toBe('skiplist');
    });

    it('converts on a member longer than 64 bytes, even the first', () => {
      const z = new SortedSet();
      z.insert('x'.repeat(64), 1);
      expect(z.encoding).toBe('listpack');
      z.insert('y'.repeat(65), 1);
      expect(z.encoding).toBe('skiplist');
      const first = new SortedSet();
      first.insert('y'.repeat(65), 1);
      expect(first.encoding).toBe('skiplist');
    });

    it('reads the live limits, so CONFIG SET applies from the next insert', () => {
      const limits = { ...DEFAULT_ENCODING_LIMITS };
      const z = new SortedSet(limits);
      z.insert('a', 1);
      z.insert('b', 2);
      limits.zsetMaxListpackEntries = 1;
      expect(z.encoding).toBe('listpack');
      z.updateScore('a', 5);
      expect(z.encoding).toBe('listpack');
      z.insert('c', 3);
      expect(z.encoding).toBe('skiplist');
      const zero = new SortedSet({ ...DEFAULT_ENCODING_LIMITS, zsetMaxListpackEntries: 0 });
      zero.insert('a', 1);
      expect(zero.encoding).toBe('skiplist');
    });
  });

  it('estimates memory growing with members', () => {
    const z = new SortedSet();
    const empty = z.memoryUsage();
    z.insert('a'.repeat(1000), 1);
    expect(z.memoryUsage()).toBeGreaterThan(empty + 1000);
    z.delete('a'.repeat(1000));
    expect(z.memoryUsage()).toBe(empty);
    expect(z.type).toBe('zset');
  });

  it('picks random members: distinct, with repetition, and everything when count >= size', () => {
    const z = new SortedSet(DEFAULT_ENCODING_LIMITS, seededRandom(7));
    expect(z.randomMember()).toBeUndefined();
    for (let i = 0; i < 50; i++) z.insert(`m${i}`, i);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(z.randomMember()!.member);
    expect(seen.size).toBe(50);
    for (const count of [1, 5, 12, 13, 30, 49]) {
      const picked = z.randomMembers(count).map((e) => e.member);
      expect(new Set(picked).size).toBe(count);
      for (const m of picked) expect(z.has(m)).toBe(true);
    }
    expect(z.randomMembers(50).map((e) => e.member)).toEqual([...z].map((e) => e.member));
    expect(z.randomMembersWithRepetition(200)).toHaveLength(200);
  });

  it('matches a sorted-array model under random operations and queries', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(opArb(scoreArb), { maxLength: 60 }),
        fc.array(
          fc.record({
            min: scoreArb,
            max: scoreArb,
            minEx: fc.boolean(),
            maxEx: fc.boolean(),
            reverse: fc.boolean(),
            offset: fc.integer({ min: -1, max: 4 }),
            count: fc.integer({ min: -1, max: 4 }),
            start: fc.integer({ min: -10, max: 10 }),
            stop: fc.integer({ min: -10, max: 10 }),
          }),
          { maxLength: 8 },
        ),
        (seed, ops, queries) => {
          const z = new SortedSet({ ...DEFAULT_ENCODING_LIMITS, zsetMaxListpackEntries: 8 }, seededRandom(seed));
          const model: Pair[] = [];
          for (const op of ops) {
            apply(z, model, op, false);
            checkAgainstModel(z, model);
          }
          for (const q of queries) {
            const inRange = model.filter((p) => inScore(p[1], q.min, q.max, q.minEx, q.maxEx));
            expect(pairs(z.rangeByScore(q.min, q.max, q.minEx, q.maxEx, q.reverse, q.offset, q.count))).toEqual(
              limit(inRange, q.reverse, q.offset, q.count),
            );
            expect(z.countByScore(q.min, q.max, q.minEx, q.maxEx)).toBe(inRange.length);
            const r = normalizeIndexRange(q.start, q.stop, model.length);
            const expected = r === null ? [] : (q.reverse ? [...model].reverse() : model).slice(r[0], r[1] + 1);
            expect(pairs(r === null ? [] : z.rangeByRank(r[0], r[1], q.reverse))).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches the model on lex ranges when all scores are equal', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(opArb(fc.constant(0)), { maxLength: 50 }),
        fc.array(
          fc.record({
            min: lexBoundArb,
            max: lexBoundArb,
            reverse: fc.boolean(),
            offset: fc.integer({ min: -1, max: 4 }),
            count: fc.integer({ min: -1, max: 4 }),
          }),
          { maxLength: 10 },
        ),
        (seed, ops, queries) => {
          const z = new SortedSet(DEFAULT_ENCODING_LIMITS, seededRandom(seed));
          const model: Pair[] = [];
          for (const op of ops) apply(z, model, op, true);
          checkAgainstModel(z, model);
          for (const q of queries) {
            const inRange = model.filter((p) => inLex(p[0], q.min, q.max));
            expect(pairs(z.rangeByLex(q.min, q.max, q.reverse, q.offset, q.count))).toEqual(
              limit(inRange, q.reverse, q.offset, q.count),
            );
            expect(z.countByLex(q.min, q.max)).toBe(inRange.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays consistent and O(log n)-shaped at 20k members', () => {
    const z = new SortedSet(DEFAULT_ENCODING_LIMITS, seededRandom(1));
    const n = 20_000;
    for (let i = 0; i < n; i++) z.insert(`m${i}`, (i * 7919) % 1000);
    z.debugCheck();
    const all = pairs(z);
    for (let i = 1; i < all.length; i++) expect(compare(all[i - 1]!, all[i]!)).toBeLessThan(0);
    for (let i = 0; i < n; i += 997) expect(z.rankOf(all[i]![0])).toBe(i);
    expect(z.countByScore(100, 199)).toBe(all.filter((p) => p[1] >= 100 && p[1] <= 199).length);
    for (let i = 0; i < n; i += 3) z.updateScore(`m${i}`, -i);
    z.deleteRangeByScore(500, 600, true, false);
    z.debugCheck();
  });
});
