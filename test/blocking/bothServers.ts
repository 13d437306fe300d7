import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

/** What a scenario gets: connections to one server, and a log of what it saw. */
export interface ScenarioContext {
  connect(): Promise<RawClient>;
  /** Records a line of the transcript compared between the servers. */
  log(line: string): void;
  /** Which server runs this pass (for waits that must poll it). */
  holdfast: Holdfast | null;
}

export type Scenario = (ctx: ScenarioContext) => Promise<void>;

/**
 * Multi-connection scenarios run once on Holdfast and once on a real redis-server: the
 * transcripts (replies in the order the scenario logged them) must be equal. For what one
 * connection's contract case cannot show: a client served by another's push, WATCH
 * touched by another client, events seen by a subscriber.
 */
export function bothServersSuite(title: string, scenarios: Record<string, Scenario>): void {
  describe.skipIf(redisMissing)(`both servers: ${title}`, () => {
    let holdfast: Holdfast;
    let redis: RunningServer;
    beforeAll(async () => {
      holdfast = await startHoldfast();
      redis = (await startRedis())!;
    });
    afterAll(async () => {
      await holdfast?.close();
      await redis?.close();
    });
    const run = async (port: number, h: Holdfast | null, scenario: Scenario): Promise<string[]> => {
      const lines: string[] = [];
      const clients: RawClient[] = [];
      const admin = await RawClient.connect(port);
      await admin.call('FLUSHALL');
      admin.close();
      try {
        await scenario({
          connect: async () => {
            const c = await RawClient.connect(port);
            clients.push(c);
            return c;
          },
          log: (line) => lines.push(line),
          holdfast: h,
        });
      } finally {
        for (const c of clients) c.close();
      }
      return lines;
    };
    for (const [name, scenario] of Object.entries(scenarios)) {
      it(name, async () => {
        const theirs = await run(redis.port, null, scenario);
        const ours = await run(holdfast.port, holdfast, scenario);
        expect(ours).toEqual(theirs);
      });
    }
  });
}

/** Resolves once `n` clients are blocked on the server `c` is connected to (INFO clients). */
export async function waitBlocked(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = await c.call('INFO', 'clients');
    const m = /blocked_clients:(\d+)/.exec(info);
    if (m && Number(m[1]) === n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

/** Sends a command without waiting for its reply (a blocking one); read it later with read(). */
export function send(c: RawClient, ...argv: string[]): void {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  c.write(out);
}
