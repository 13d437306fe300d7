import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './rawClient.js';
import { decodeResp, type RespValue } from './respDecode.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from './servers.js';

/**
 * One generated command. `unordered` marks replies whose order Redis leaves to a hash table:
 * 'items' compares the elements as a multiset, 'pairs' the field/value (or member/score)
 * pairs of a flat RESP2 array, a RESP3 map or nested pairs.
 */
export interface DiffOp {
  argv: string[];
  unordered?: 'items' | 'pairs';
}

function canonical(v: RespValue, how: 'items' | 'pairs'): string {
  if (v.t === 'map') return JSON.stringify({ t: 'map', v: v.v.map((p) => JSON.stringify(p)).sort() });
  if (v.t !== 'array' && v.t !== 'set') return JSON.stringify(v);
  let parts: string[];
  if (how === 'pairs' && v.v.every((x) => x.t !== 'array')) {
    parts = [];
    for (let i = 0; i < v.v.length; i += 2) parts.push(JSON.stringify([v.v[i], v.v[i + 1]]));
  } else {
    parts = v.v.map((x) => JSON.stringify(x));
  }
  return JSON.stringify({ t: v.t, n: v.v.length, v: parts.sort() });
}

/**
 * Random command sequences run on Holdfast and on redis-server (fresh databases, RESP2 or
 * RESP3 per run, `setup` first); every reply must be the same, byte for byte unless the
 * op says its order is free. Runs are bounded (numRuns × maxOps commands) to stay fast.
 */
export function differentialProperty(
  title: string,
  op: fc.Arbitrary<DiffOp>,
  options: { setup?: string[][]; numRuns?: number; maxOps?: number; seed?: number } = {},
): void {
  describe.skipIf(redisMissing)(`differential: ${title} (Holdfast vs redis-server)`, () => {
    let holdfast: Holdfast;
    let redis: RunningServer;
    let h: RawClient, r: RawClient;
    beforeAll(async () => {
      holdfast = await startHoldfast();
      redis = (await startRedis())!;
      h = await RawClient.connect(holdfast.port);
      r = await RawClient.connect(redis.port);
    });
    afterAll(async () => {
      h?.close();
      r?.close();
      await holdfast?.close();
      await redis?.close();
    });

    it('random command sequences give the same replies', async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.array(op, { minLength: 1, maxLength: options.maxOps ?? 60 }), async (resp3, ops) => {
          for (const c of [h, r]) {
            await c.call('HELLO', resp3 ? '3' : '2');
            await c.call('FLUSHALL');
            for (const s of options.setup ?? []) await c.call(...s);
          }
          const log: string[] = [];
          for (const { argv, unordered } of ops) {
            let [a, b] = await Promise.all([h.call(...argv), r.call(...argv)]);
            if (unordered !== undefined && !a.startsWith('-')) {
              a = canonical(decodeResp(a), unordered);
              b = canonical(decodeResp(b), unordered);
            }
            log.push(JSON.stringify(argv));
            expect(a, `reply to ${JSON.stringify(argv)} after\n${log.slice(-30).join('\n')}`).toBe(b);
          }
        }),
        { numRuns: Number(process.env.DIFF_RUNS ?? 0) || (options.numRuns ?? 12), seed: options.seed },
      );
    }, 120_000);
  });
}

/** `n` picks from `items`, as a flat argument list. */
export function someOf(items: readonly string[], min: number, max: number): fc.Arbitrary<string[]> {
  return fc.array(fc.constantFrom(...items), { minLength: min, maxLength: max });
}
