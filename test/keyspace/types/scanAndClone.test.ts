import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashValue } from '../../../src/keyspace/types/hash.js';
import { DEFAULT_ENCODING_LIMITS, liveEncodingLimits } from '../../../src/keyspace/types/limits.js';
import { SetValue } from '../../../src/keyspace/types/set.js';
import { SortedSet } from '../../../src/keyspace/types/sortedSet.js';
import { Config } from '../../../src/config.js';
import { seededRandom } from './seededRandom.js';

const small = { ...DEFAULT_ENCODING_LIMITS, hashMaxListpackEntries: 4, setMaxIntsetEntries: 4, zsetMaxListpackEntries: 4 };

/** A write between two scan steps: add a new element, or remove one that is not kept. */
type Churn = [add: boolean, n: number];
const churnArb = fc.array(fc.tuple(fc.boolean(), fc.nat(500)), { maxLength: 80 });

/**
 * Runs a full scan with writes between steps; `keep` elements are never removed and must
 * all be visited. Returns the elements seen.
 */
function scanWithChurn(
  scan: (cursor: number, count: number, visit: (e: string) => void) => number,
  count: number,
  churn: Churn[],
  write: (c: Churn) => void,
): Set<string> {
  const seen = new Set<string>();
  let cursor = 0;
  let steps = 0;
  do {
    cursor = scan(cursor, count, (e) => seen.add(e));
    if (churn.length > 0) write(churn[steps % churn.length]!);
    steps++;
  } while (cursor !== 0 && steps < 100_000);
  expect(cursor).toBe(0);
  return seen;
}

describe('scan cursors (HSCAN/SSCAN/ZSCAN): every element present for the whole scan is visited', () => {
  it('HashValue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 10 }), churnArb, (size, count, churn) => {
        const h = new HashValue(small);
        for (let i = 0; i < size; i++) h.set(`keep${i}`, `v${i}`), h.set(`tmp${i}`, 'x');
        const seen = scanWithChurn((c, n, v) => h.scan(c, n, (f) => v(f)), count, churn, ([add, n]) => {
          if (add) h.set(`new${n}`, 'y');
          else h.delete(`tmp${n % Math.max(1, size)}`);
        });
        for (let i = 0; i < size; i++) expect(seen.has(`keep${i}`)).toBe(true);
      }),
    );
  });

  it('SetValue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 10 }), churnArb, (size, count, churn) => {
        const s = new SetValue(small);
        for (let i = 0; i < size; i++) s.add(`keep${i}`), s.add(`tmp${i}`);
        const seen = scanWithChurn((c, n, v) => s.scan(c, n, v), count, churn, ([add, n]) => {
          if (add) s.add(`new${n}`);
          else s.delete(`tmp${n % Math.max(1, size)}`);
        });
        for (let i = 0; i < size; i++) expect(seen.has(`keep${i}`)).toBe(true);
      }),
    );
  });

  it('SortedSet, with rescoring', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 10 }), churnArb, (size, count, churn) => {
        const z = new SortedSet(small, seededRandom(size + 7 * count));
        for (let i = 0; i < size; i++) z.insert(`keep${i}`, i), z.insert(`tmp${i}`, -i);
        const seen = scanWithChurn((c, n, v) => z.scan(c, n, (m) => v(m)), count, churn, ([add, n]) => {
          if (add) z.add(`new${n}`, n % 13);
          // updateScore requires a present member: with size 0 there is no keep element.
          else if (n % 3 === 0) size > 0 && z.updateScore(`keep${n % size}`, n);
          else z.delete(`tmp${n % Math.max(1, size)}`);
        });
        z.debugCheck();
        for (let i = 0; i < size; i++) expect(seen.has(`keep${i}`)).toBe(true);
      }),
    );
  });

  it('compact encodings come back whole, in order, with cursor 0', () => {
    const h = new HashValue();
    h.set('b', '1');
    h.set('a', '2');
    const fields: string[] = [];
    expect(h.scan(0, 1, (f, v) => fields.push(f, v))).toBe(0);
    expect(fields).toEqual(['b', '1', 'a', '2']);
    const s = new SetValue();
    for (const m of ['3', '1', '2']) s.add(m);
    const members: string[] = [];
    expect(s.scan(0, 1, (m) => members.push(m))).toBe(0);
    expect(members).toEqual(['1', '2', '3']);
    const z = new SortedSet();
    z.insert('b', 2);
    z.insert('a', 1);
    const entries: (string | number)[] = [];
    expect(z.scan(0, 1, (m, sc) => entries.push(m, sc))).toBe(0);
    expect(entries).toEqual(['a', 1, 'b', 2]);
  });
});

describe('clone (COPY)', () => {
  it('copies deeply with the same encoding and order', () => {
    const h = new HashValue(small);
    for (const f of ['c', 'a', 'b']) h.set(f, f.toUpperCase());
    const hc = h.clone();
    hc.set('d', 'D');
    h.delete('a');
    expect([...hc]).toEqual([['c', 'C'], ['a', 'A'], ['b', 'B'], ['d', 'D']]);
    expect([...h]).toEqual([['c', 'C'], ['b', 'B']]);
    expect(hc.encoding).toBe('listpack');
    hc.set('e', 'E');
    expect(hc.encoding).toBe('hashtable');
    expect(hc.clone().encoding).toBe('hashtable');

    const s = new SetValue(small);
    for (const m of ['5', '1', 'x']) s.add(m);
    const sc = s.clone();
    s.delete('1');
    expect(sc.has('1')).toBe(true);
    expect(sc.toArray()).toEqual(['1', '5', 'x']);
    expect(sc.encoding).toBe('hashtable');
    const ints = new SetValue();
    ints.add('2');
    expect(ints.clone().encoding).toBe('intset');

    const z = new SortedSet(small, seededRandom(1));
    for (let i = 0; i < 20; i++) z.insert(`m${i}`, i % 5);
    const zc = z.clone();
    zc.debugCheck();
    expect([...zc]).toEqual([...z]);
    expect(zc.encoding).toBe('skiplist');
    zc.updateScore('m0', 100);
    expect(z.score('m0')).toBe(0);
    const compact = new SortedSet();
    compact.insert('a', 1);
    expect(compact.clone().encoding).toBe('listpack');
  });
});

describe('sorted-set encodings', () => {
  it('a listpack stores -0 as 0, a skiplist keeps it; convertToSkiplist makes a store result keep it', () => {
    const z = new SortedSet();
    z.insert('a', -0);
    expect(Object.is(z.score('a'), 0)).toBe(true);
    const big = new SortedSet();
    big.convertToSkiplist();
    big.insert('a', -0);
    expect(Object.is(big.score('a'), -0)).toBe(true);
    expect(big.encoding).toBe('skiplist');
  });

  it('lex ranges over unequal scores follow the listpack walk (Redis zzlFirstInLexRange)', () => {
    const z = new SortedSet();
    z.insert('b', 1);
    z.insert('a', 2);
    z.insert('d', 3);
    z.insert('c', 4);
    // As redis-server 7.0.15 answers: the walk starts at the first entry >= min and goes on while <= max.
    expect(z.rangeByLex({ kind: 'inclusive', value: 'b' }, '+').map((e) => e.member)).toEqual(['b', 'a', 'd', 'c']);
    expect(z.countByLex({ kind: 'inclusive', value: 'b' }, { kind: 'inclusive', value: 'c' })).toBe(2);
    expect(z.rangeByLex({ kind: 'inclusive', value: 'c' }, '+').map((e) => e.member)).toEqual(['d', 'c']);
  });
});

describe('liveEncodingLimits', () => {
  it('follows CONFIG SET of the five settings, through aliases too', () => {
    const config = new Config();
    const limits = liveEncodingLimits(config);
    expect(limits).toEqual(DEFAULT_ENCODING_LIMITS);
    expect(liveEncodingLimits(config)).toBe(limits);
    config.setText('hash-max-ziplist-entries', '7');
    config.setText('zset-max-listpack-value', '9');
    config.setText('set-max-intset-entries', '3');
    expect(limits.hashMaxListpackEntries).toBe(7);
    expect(limits.zsetMaxListpackValue).toBe(9);
    expect(limits.setMaxIntsetEntries).toBe(3);
    const s = new SetValue(limits);
    for (const m of ['1', '2', '3']) s.add(m);
    expect(s.encoding).toBe('intset');
    s.add('4');
    expect(s.encoding).toBe('hashtable');
  });
});
