import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differentialProperty, someOf, type DiffOp } from '../helpers/differential.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast } from '../helpers/servers.js';
import { decodeResp, type RespValue } from '../helpers/respDecode.js';

const INTS = ['1', '2', '3', '-1', '10', '0', '9223372036854775807'];
const STRINGS = ['a', 'b', '007', '', '-0', '1.0'];

// Mostly the set keys, so that they grow; sometimes the string and a missing key.
const key = fc.oneof(
  { weight: 5, arbitrary: fc.constant('s1') },
  { weight: 4, arbitrary: fc.constant('s2') },
  { weight: 2, arbitrary: fc.constant('s3') },
  { weight: 1, arbitrary: fc.constantFrom('str', 'nokey') },
);
const keyList = fc.array(key, { minLength: 1, maxLength: 3 });
const w = (weight: number, arbitrary: fc.Arbitrary<DiffOp>) => ({ weight, arbitrary });

/**
 * Set commands over a few keys. With `intsOnly` every set stays an intset (ascending order,
 * compared exactly; see the setups below); otherwise hashtable replies are compared as multisets. Random picks are
 * only asked for with counts that take the whole set, which is deterministic.
 */
function setOps(intsOnly: boolean): fc.Arbitrary<DiffOp> {
  const pool = intsOnly ? INTS : [...INTS, ...STRINGS];
  const member = fc.constantFrom(...pool);
  const members = someOf(pool, 1, 4);
  const items = intsOnly ? undefined : ('items' as const);
  return fc.oneof(
    w(8, fc.tuple(key, members).map(([k, m]) => ({ argv: ['SADD', k, ...m] }))),
    w(4, fc.tuple(key, members).map(([k, m]) => ({ argv: ['SREM', k, ...m] }))),
    w(2, fc.tuple(key, member).map(([k, m]) => ({ argv: ['SISMEMBER', k, m] }))),
    w(2, fc.tuple(key, members).map(([k, m]) => ({ argv: ['SMISMEMBER', k, ...m] }))),
    w(2, key.map((k) => ({ argv: ['SCARD', k] }))),
    w(3, key.map((k) => ({ argv: ['SMEMBERS', k], unordered: items }))),
    w(2, fc.tuple(fc.constantFrom('SINTER', 'SUNION', 'SDIFF'), keyList).map(([c, ks]) => ({ argv: [c, ...ks], unordered: items }))),
    w(2, fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, keyList).map(([c, d, ks]) => ({ argv: [c, d, ...ks] }))),
    w(1, fc.tuple(keyList, fc.constantFrom([], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1'])).map(([ks, l]) => ({ argv: ['SINTERCARD', String(ks.length), ...ks, ...l] }))),
    w(2, fc.tuple(key, key, member).map(([a, b, m]) => ({ argv: ['SMOVE', a, b, m] }))),
    w(1, fc.tuple(key, fc.constantFrom('20', '0')).map(([k, n]) => ({ argv: ['SPOP', k, n], unordered: items }))),
    w(1, fc.tuple(key, fc.constantFrom('20', '0')).map(([k, n]) => ({ argv: ['SRANDMEMBER', k, n], unordered: items }))),
    w(2, key.map((k) => ({ argv: ['OBJECT', 'ENCODING', k] }))),
    w(1, key.map((k) => ({ argv: ['TYPE', k] }))),
    w(1, key.map((k) => ({ argv: ['DEL', k] }))),
    w(1, fc.tuple(key, key).map(([a, b]) => ({ argv: ['COPY', a, b, 'REPLACE'] }))),
  );
}

// An intset that outgrows set-max-intset-entries becomes a hashtable, whose order Redis draws
// from a per-process random hash seed: the ordered run keeps every set below the limit (INTS
// has 7 members), the unordered run crosses it (5) and compares encodings and members.
differentialProperty('set commands, intsets (order compared)', setOps(true), {
  setup: [['SET', 'str', 'v'], ['CONFIG', 'SET', 'set-max-intset-entries', String(INTS.length)]],
  numRuns: 15,
  maxOps: 80,
});
differentialProperty('set commands, both encodings', setOps(false), {
  setup: [['SET', 'str', 'v'], ['CONFIG', 'SET', 'set-max-intset-entries', '5']],
  numRuns: 15,
  maxOps: 80,
});

function scanStep(raw: string): { cursor: string; members: string[] } {
  const v = decodeResp(raw) as { t: 'array'; v: RespValue[] };
  const [cursor, items] = v.v as [{ v: string }, { v: { v: string }[] }];
  return { cursor: cursor.v, members: items.v.map((x) => x.v) };
}

describe('SSCAN guarantees', () => {
  it('returns every member present for the whole scan, whatever is added, removed or popped meanwhile', async () => {
    const holdfast = await startHoldfast();
    const c = await RawClient.connect(holdfast.port);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 150 }),
          fc.integer({ min: 1, max: 15 }),
          fc.array(fc.tuple(fc.constantFrom('add', 'rem', 'pop'), fc.integer({ min: 0, max: 300 })), { maxLength: 100 }),
          async (size, count, churn) => {
            await c.call('DEL', 's', 'volatile');
            // Strings make it a hashtable; the "keep" members are never removed.
            for (let i = 0; i < size; i++) await c.call('SADD', 's', `keep${i}`, `tmp${i}`);
            const seen = new Set<string>();
            let cursor = '0';
            let steps = 0;
            do {
              const step = scanStep(await c.call('SSCAN', 's', cursor, 'COUNT', String(count), 'MATCH', '*'));
              for (const m of step.members) seen.add(m);
              cursor = step.cursor;
              const change = churn[steps % Math.max(1, churn.length)];
              if (change !== undefined) {
                const [kind, n] = change;
                if (kind === 'add') await c.call('SADD', 's', `new${n}`);
                else if (kind === 'rem') await c.call('SREM', 's', `tmp${n % size}`);
                else await c.call('SMOVE', 's', 'volatile', `tmp${n % size}`);
              }
              steps++;
            } while (cursor !== '0' && steps < 10_000);
            expect(cursor).toBe('0');
            for (let i = 0; i < size; i++) expect(seen.has(`keep${i}`), `keep${i}`).toBe(true);
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
