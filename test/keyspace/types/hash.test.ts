import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashValue } from '../../../src/keyspace/types/hash.js';
import { DEFAULT_ENCODING_LIMITS } from '../../../src/keyspace/types/limits.js';
import { seededRandom } from './seededRandom.js';

const small = { ...DEFAULT_ENCODING_LIMITS, hashMaxListpackEntries: 6, hashMaxListpackValue: 3 };

describe('HashValue', () => {
  it('converts past 512 fields or a 64-byte field or value and never back (Redis 7.0.15 defaults)', () => {
    const h = new HashValue();
    for (let i = 0; i < 512; i++) h.set(`f${i}`, 'v');
    expect(h.encoding).toBe('listpack');
    h.set('one-more', 'v');
    expect(h.encoding).toBe('hashtable');
    for (let i = 0; i < 512; i++) h.delete(`f${i}`);
    expect(h.encoding).toBe('hashtable');

    const long = new HashValue();
    long.set('f', 'x'.repeat(64));
    expect(long.encoding).toBe('listpack');
    // An update converts too: HINCRBYFLOAT / HSET of an existing field in Redis.
    long.set('f', 'x'.repeat(65));
    expect(long.encoding).toBe('hashtable');
    const longField = new HashValue();
    longField.set('k'.repeat(65), '1');
    expect(longField.encoding).toBe('hashtable');
    expect(longField.type).toBe('hash');
  });

  it('keeps listpack order as Redis does: updates in place, deletes close the gap', () => {
    const h = new HashValue();
    for (const [f, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]) h.set(f!, v!);
    h.delete('b');
    h.set('a', '9');
    h.set('e', '5');
    // HGETALL on redis-server 7.0.15 after the same commands.
    expect([...h].flat()).toEqual(['a', '9', 'c', '3', 'd', '4', 'e', '5']);
  });

  it('matches a Map model (insertion order while a listpack) under random writes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            del: fc.boolean(),
            field: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '\x00', 'long'),
            value: fc.constantFrom('1', '22', '333', '4444'),
          }),
          { maxLength: 60 },
        ),
        fc.integer(),
        (ops, seed) => {
          const h = new HashValue(small);
          const model = new Map<string, string>();
          let converted = false;
          for (const o of ops) {
            if (o.del) {
              expect(h.delete(o.field)).toBe(model.delete(o.field));
            } else {
              expect(h.set(o.field, o.value)).toBe(!model.has(o.field));
              model.set(o.field, o.value);
              converted ||= model.size > 6 || o.field.length > 3 || o.value.length > 3;
            }
            expect(h.encoding).toBe(converted ? 'hashtable' : 'listpack');
            expect(h.size).toBe(model.size);
            if (!converted) expect([...h]).toEqual([...model]);
            else expect(new Map(h.entries())).toEqual(model);
            for (const [f, v] of model) expect(h.get(f)).toBe(v);
            expect(h.get('absent')).toBeUndefined();
          }
          const random = seededRandom(seed);
          const entry = h.randomEntry(random);
          expect(entry === undefined ? model.size === 0 : model.get(entry[0]) === entry[1]).toBe(true);
          for (const count of [1, 2, model.size - 1, model.size, model.size + 3]) {
            const picked = h.randomEntries(count, random);
            expect(picked).toHaveLength(Math.max(0, Math.min(count, model.size)));
            expect(new Set(picked.map((e) => e[0])).size).toBe(picked.length);
            for (const [f, v] of picked) expect(model.get(f)).toBe(v);
          }
          const repeated = h.randomEntriesWithRepetition(10, random);
          expect(repeated).toHaveLength(model.size === 0 ? 0 : 10);
          for (const [f, v] of repeated) expect(model.get(f)).toBe(v);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('picks every field over many draws and tracks memory', () => {
    const h = new HashValue(DEFAULT_ENCODING_LIMITS);
    const empty = h.memoryUsage();
    for (let i = 0; i < 1000; i++) h.set(`f${i}`, 'v'.repeat(10));
    const seen = new Set<string>();
    const random = seededRandom(3);
    for (let i = 0; i < 20_000; i++) seen.add(h.randomEntry(random)![0]);
    expect(seen.size).toBe(1000);
    expect(h.memoryUsage()).toBeGreaterThan(empty + 1000 * 14);
    for (let i = 0; i < 1000; i++) h.delete(`f${i}`);
    expect(h.memoryUsage()).toBe(empty);
  });
});
