import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from './servers.js';

/**
 * A contract case: commands run in order on a fresh database, on Holdfast and on a real
 * redis-server; every reply must be the same, byte for byte.
 */
export interface ContractCase {
  name: string;
  commands: string[][];
  /** Run after HELLO 3. */
  resp3?: boolean;
  /** Indexes of commands whose replies are not compared (random or time-dependent). */
  skipCompare?: number[];
  /** Replies are compared after sorting array elements (unordered replies such as SMEMBERS, KEYS). */
  unordered?: number[];
}

function sortArrayReply(raw: string): string {
  const m = /^([*~])(\d+)\r\n/.exec(raw);
  if (!m) return raw;
  const body = raw.slice(m[0].length);
  const items = body.split(/(?=\$\d+\r\n)/).filter(Boolean).sort();
  return m[0] + items.join('');
}

export function contractSuite(title: string, cases: ContractCase[]): void {
  describe.skipIf(redisMissing)(`contract: ${title} (Holdfast vs redis-server)`, () => {
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
    for (const c of cases) {
      it(c.name, async () => {
        for (const client of [h, r]) {
          await client.call('HELLO', c.resp3 ? '3' : '2');
          await client.call('SELECT', '0');
          await client.call('FLUSHALL');
        }
        for (let i = 0; i < c.commands.length; i++) {
          const cmd = c.commands[i]!;
          let [a, b] = await Promise.all([h.call(...cmd), r.call(...cmd)]);
          if (c.skipCompare?.includes(i)) continue;
          if (c.unordered?.includes(i)) {
            a = sortArrayReply(a);
            b = sortArrayReply(b);
          }
          expect(a, `reply to ${JSON.stringify(cmd)}`).toBe(b);
        }
      });
    }
  });
}
