import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODING_LIMITS } from '../../../src/keyspace/types/limits.js';
import { isInt64String, SetValue } from '../../../src/keyspace/types/set.js';
import { sampleDistinctIndexes } from '../../../src/keyspace/types/random.js';
import { seededRandom } from './seededRandom.js';
import { propertyRuns } from '../../helpers/runs.js';

/** string2ll by its definition: a canonical decimal that round-trips through int64. */
function modelIsInt64(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

const byNumber = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

const intLike = fc.oneof(
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('-0', '007', '+1', ' 1', '1 ', '1.0', '-', '', '9223372036854775807', '-9223372036854775808', '9223372036854775808'),
);

describe('isInt64String (Redis string2ll)', () => {
  it('accepts exactly the canonical int64 decimals', () => {
    fc.assert(
      fc.property(fc.oneof(intLike, fc.string({ maxLength: 22 })), (s) => {
        expect(isInt64String(s)).toBe(modelIsInt64(s));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });
});

describe('SetValue', () => {
  it('is an intset for integers up to 512 members, else a hashtable, never back (Redis 7.0.15)', () => {
    const s = new SetValue();
    for (let i = 0; i < 512; i++) s.add(String(i * 3 - 700));
    expect(s.encoding).toBe('intset');
    s.add('9999');
    expect(s.encoding).toBe('hashtable');
    s.delete('9999');
    s.delete('2');
    expect(s.encoding).toBe('hashtable');

    for (const member of ['-0', '007', '+1', '9223372036854775808', 'a']) {
      const t = new SetValue();
      t.add(member);
      expect(t.encoding).toBe('hashtable');
    }
    expect(new SetValue().type).toBe('set');
  });

  it('iterates an intset in ascending numeric order, like SMEMBERS', () => {
    const s = new SetValue();
    for (const m of ['-5', '10', '3', '0', '-100', '9223372036854775807', '-9223372036854775808']) s.add(m);
    expect([...s]).toEqual(['-9223372036854775808', '-100', '-5', '0', '3', '10', '9223372036854775807']);
  });

  it('matches a Set model under random writes and pops', () => {
    const limits = { ...DEFAULT_ENCODING_LIMITS, setMaxIntsetEntries: 8 };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            op: fc.constantFrom('add', 'add', 'add', 'delete', 'pop', 'popMany'),
            member: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -12, max: 12 }).map(String) }, { weight: 1, arbitrary: intLike }),
            count: fc.nat(4),
          }),
          { maxLength: 60 },
        ),
        fc.integer(),
        (ops, seed) => {
          const random = seededRandom(seed);
          const s = new SetValue(limits);
          const model = new Set<string>();
          let converted = false;
          for (const o of ops) {
            if (o.op === 'add') {
              expect(s.add(o.member)).toBe(!model.has(o.member));
              model.add(o.member);
              converted ||= model.size > 8 || !modelIsInt64(o.member);
            } else if (o.op === 'delete') {
              expect(s.delete(o.member)).toBe(model.delete(o.member));
            } else if (o.op === 'pop') {
              const popped = s.popRandom(random);
              if (popped === undefined) expect(model.size).toBe(0);
              else expect(model.delete(popped)).toBe(true);
            } else {
              const popped = s.popRandomMany(o.count, random);
              expect(popped).toHaveLength(Math.min(o.count, model.size));
              for (const m of popped) expect(model.delete(m)).toBe(true);
            }
            expect(s.encoding).toBe(converted ? 'hashtable' : 'intset');
            expect(s.size).toBe(model.size);
            if (!converted) expect([...s]).toEqual([...model].sort(byNumber));
            else expect(new Set(s)).toEqual(model);
            for (const m of model) expect(s.has(m)).toBe(true);
            expect(s.has(o.member)).toBe(model.has(o.member));
          }
          for (const count of [1, 3, model.size, model.size + 1]) {
            const picked = s.randomMembers(count, random);
            expect(picked).toHaveLength(Math.min(count, model.size));
            expect(new Set(picked).size).toBe(picked.length);
            for (const m of picked) expect(model.has(m)).toBe(true);
          }
          for (const m of s.randomMembersWithRepetition(5, random)) expect(model.has(m)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('samples uniformly enough: every member shows up, distinct samples cover all indexes', () => {
    const s = new SetValue();
    for (let i = 0; i < 600; i++) s.add(`m${i}`);
    const random = seededRandom(11);
    const seen = new Set<string>();
    for (let i = 0; i < 12_000; i++) seen.add(s.randomMember(random)!);
    expect(seen.size).toBe(600);
    const hits = new Array<number>(10).fill(0);
    for (let t = 0; t < 5000; t++) for (const i of sampleDistinctIndexes(10, 3, random)) hits[i]!++;
    // Each index is chosen with probability 3/10: 1500 expected per index.
    for (const h of hits) expect(Math.abs(h - 1500)).toBeLessThan(150);
    expect(s.memoryUsage()).toBeGreaterThan(600 * 4);
  });
});
