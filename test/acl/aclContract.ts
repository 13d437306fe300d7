import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

/**
 * An ACL contract case: steps run on named connections (opened on first use), on Holdfast
 * and on a real redis-server, and every reply must be the same byte for byte. Connection
 * names let a case act as several users at once ('admin' is the default user).
 */
export interface AclCase {
  name: string;
  /** [connection, ...argv]; a step whose index is in skipCompare only has to succeed on both. */
  steps: [string, ...string[]][];
  skipCompare?: number[];
}

/** A step `[conn, WAIT_CLOSED]` waits until the server has closed that connection. */
export const WAIT_CLOSED = '<wait closed>';

class Side {
  private conns = new Map<string, RawClient>();
  constructor(readonly port: number) {}
  async conn(name: string): Promise<RawClient> {
    let c = this.conns.get(name);
    if (c === undefined || c.closed) {
      c = await RawClient.connect(this.port);
      this.conns.set(name, c);
    }
    return c;
  }
  /** Sends and reads, turning a closed connection into a marker reply both servers can match. */
  async call(name: string, argv: string[]): Promise<string> {
    if (argv[0] === WAIT_CLOSED) {
      // The server closes the connection: wait for it rather than race the next command
      const c = this.conns.get(name);
      if (c === undefined) return 'never opened';
      return c.waitClosed(2000).then(() => 'closed', () => 'still open');
    }
    const c = await this.conn(name);
    try {
      return await c.call(...argv);
    } catch (err) {
      return `<${(err as Error).message}>`;
    }
  }
  closeAll(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}

/** Restores the servers' ACL state between cases (users, log, requirepass). */
async function resetAcl(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  // requirepass may have been set by the case: try the passwords cases use
  await c.call('AUTH', 'default', 'secret');
  await c.call('CONFIG', 'SET', 'requirepass', '');
  await c.call('ACL', 'SETUSER', 'default', 'reset', 'on', 'nopass', '~*', '&*', '+@all');
  const users = await c.call('ACL', 'USERS');
  for (const m of users.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)) if (m[1] !== 'default') await c.call('ACL', 'DELUSER', m[1]!);
  await c.call('ACL', 'LOG', 'RESET');
  await c.call('FLUSHALL');
  c.close();
}

export function aclContractSuite(title: string, cases: AclCase[]): void {
  describe.skipIf(redisMissing)(`contract: ${title} (Holdfast vs redis-server)`, () => {
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
    for (const c of cases) {
      it(c.name, async () => {
        await Promise.all([resetAcl(holdfast.port), resetAcl(redis.port)]);
        const h = new Side(holdfast.port);
        const r = new Side(redis.port);
        try {
          for (let i = 0; i < c.steps.length; i++) {
            const [conn, ...argv] = c.steps[i]!;
            const [a, b] = await Promise.all([h.call(conn, argv), r.call(conn, argv)]);
            if (c.skipCompare?.includes(i)) continue;
            expect(a, `reply to ${conn}: ${JSON.stringify(argv)}`).toBe(b);
          }
        } finally {
          h.closeAll();
          r.closeAll();
        }
      });
    }
  });
}
