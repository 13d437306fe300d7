import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differentialProperty, someOf, type DiffOp } from '../helpers/differential.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast } from '../helpers/servers.js';
import { decodeResp, type RespValue } from '../helpers/respDecode.js';

const FIELDS = ['a', 'b', 'c', 'd', 'e', '', 'n'];
const VALUES = ['0', '1', '-5', '10.5', 'abc', '', '9223372036854775807', '1e3', 'x'.repeat(70)];
const INCRS = ['1', '-3', '0', 'x', '9223372036854775807', '-9223372036854775808'];
const FLOAT_INCRS = ['0.1', '-1.5', '1e3', 'inf', 'x', '-0', '3'];

// Mostly the two hash keys, so that they grow; sometimes the string and a missing key.
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constant('h1') },
  { weight: 3, arbitrary: fc.constant('h2') },
  { weight: 1, arbitrary: fc.constantFrom('str', 'nokey') },
);
const field = fc.constantFrom(...FIELDS);
const w = (weight: number, arbitrary: fc.Arbitrary<DiffOp>) => ({ weight, arbitrary });

/**
 * Hash commands over a few keys and fields. With `listpackOnly` no value is long enough to
 * convert a hash, so listpack order is compared exactly; otherwise hashtable replies are
 * compared as multisets.
 */
function hashOps(listpackOnly: boolean): fc.Arbitrary<DiffOp> {
  const value = fc.constantFrom(...VALUES.filter((v) => !listpackOnly || v.length <= 64));
  const pairs = fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 4 }).map((ps) => ps.flat());
  const items = listpackOnly ? undefined : ('items' as const);
  const fieldValues = listpackOnly ? undefined : ('pairs' as const);
  return fc.oneof(
    w(8, fc.tuple(key, pairs).map(([k, p]) => ({ argv: ['HSET', k, ...p] }))),
    w(3, fc.tuple(key, pairs).map(([k, p]) => ({ argv: ['HMSET', k, ...p] }))),
    w(3, fc.tuple(key, field, value).map(([k, f, v]) => ({ argv: ['HSETNX', k, f, v] }))),
    w(3, fc.tuple(key, someOf(FIELDS, 1, 4)).map(([k, f]) => ({ argv: ['HDEL', k, ...f] }))),
    w(3, fc.tuple(key, field).map(([k, f]) => ({ argv: ['HGET', k, f] }))),
    w(3, fc.tuple(key, someOf(FIELDS, 1, 4)).map(([k, f]) => ({ argv: ['HMGET', k, ...f] }))),
    w(3, fc.tuple(key, field).map(([k, f]) => ({ argv: ['HEXISTS', k, f] }))),
    w(3, fc.tuple(key, field).map(([k, f]) => ({ argv: ['HSTRLEN', k, f] }))),
    w(3, key.map((k) => ({ argv: ['HLEN', k] }))),
    w(3, fc.tuple(key, field, fc.constantFrom(...INCRS)).map(([k, f, i]) => ({ argv: ['HINCRBY', k, f, i] }))),
    w(3, fc.tuple(key, field, fc.constantFrom(...FLOAT_INCRS)).map(([k, f, i]) => ({ argv: ['HINCRBYFLOAT', k, f, i] }))),
    w(3, key.map((k) => ({ argv: ['HKEYS', k], unordered: items }))),
    w(3, key.map((k) => ({ argv: ['HVALS', k], unordered: items }))),
    w(3, key.map((k) => ({ argv: ['HGETALL', k], unordered: fieldValues }))),
    w(3, fc.tuple(key, fc.boolean()).map(([k, v]) => ({ argv: ['HRANDFIELD', k, '100', ...(v ? ['WITHVALUES'] : [])], unordered: v ? fieldValues : items }))),
    w(3, key.map((k) => ({ argv: ['OBJECT', 'ENCODING', k] }))),
    w(3, key.map((k) => ({ argv: ['TYPE', k] }))),
    w(1, key.map((k) => ({ argv: ['DEL', k] }))),
    w(1, fc.tuple(key, key).map(([a, b]) => ({ argv: ['COPY', a, b, 'REPLACE'] }))),
    w(1, fc.tuple(key, key).map(([a, b]) => ({ argv: ['RENAME', a, b] }))),
  );
}

differentialProperty('hash commands, listpack encoding (order compared)', hashOps(true), { setup: [['SET', 'str', 'v']], numRuns: 15, maxOps: 80 });
differentialProperty('hash commands, both encodings', hashOps(false), { setup: [['SET', 'str', 'v']], numRuns: 15, maxOps: 80 });

/** Every field/value of an HSCAN reply, and its cursor. */
function scanStep(raw: string): { cursor: string; pairs: [string, string][] } {
  const v = decodeResp(raw) as { t: 'array'; v: RespValue[] };
  const [cursor, items] = v.v as [{ v: string }, { v: { v: string }[] }];
  const pairs: [string, string][] = [];
  for (let i = 0; i < items.v.length; i += 2) pairs.push([items.v[i]!.v, items.v[i + 1]!.v]);
  return { cursor: cursor.v, pairs };
}

describe('HSCAN guarantees', () => {
  it('returns every field present for the whole scan, with its value, whatever is added or deleted meanwhile', async () => {
    const holdfast = await startHoldfast({ 'hash-max-listpack-entries': '8' });
    const c = await RawClient.connect(holdfast.port);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 9, max: 120 }),
          fc.integer({ min: 1, max: 15 }),
          fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 200 })), { maxLength: 200 }),
          async (size, count, churn) => {
            await c.call('DEL', 'h');
            for (let i = 0; i < size; i++) await c.call('HSET', 'h', `f${i}`, `v${i}`);
            // Fields f0..f(size/2) are never touched: they must all come back.
            const stable = Math.floor(size / 2);
            const seen = new Map<string, string>();
            let cursor = '0';
            let steps = 0;
            do {
              const step = scanStep(await c.call('HSCAN', 'h', cursor, 'COUNT', String(count)));
              for (const [f, v] of step.pairs) seen.set(f, v);
              cursor = step.cursor;
              const [add, n] = churn[steps % Math.max(1, churn.length)] ?? [true, 0];
              if (churn.length > 0) {
                if (add) await c.call('HSET', 'h', `new${n}`, 'x');
                else await c.call('HDEL', 'h', `f${stable + 1 + (n % Math.max(1, size - stable - 1))}`);
              }
              steps++;
            } while (cursor !== '0' && steps < 10_000);
            expect(cursor).toBe('0');
            for (let i = 0; i <= stable; i++) expect(seen.get(`f${i}`), `f${i}`).toBe(`v${i}`);
          },
        ),
        { numRuns: 30 },
      );
    } finally {
      c.close();
      await holdfast.close();
    }
  });
});
