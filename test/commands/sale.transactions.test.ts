import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

/**
 * Sales in MULTI/EXEC and under WATCH: every state change of a sale is a modification of
 * its key (a hold that times out too), a command that changes nothing is not.
 */

const CODE = /^\$22\r\n([A-Za-z0-9_-]{22})\r\n$/;
function codeOf(reply: string): string {
  const m = CODE.exec(reply);
  if (!m) throw new Error(`not a reservation code: ${JSON.stringify(reply)}`);
  return m[1]!;
}

describe('sale commands in transactions', () => {
  let h: Holdfast;
  let c: RawClient;
  let other: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
    other = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    other.close();
    await h.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    await c.call('SALE.CREATE', 's', '3', 'HOLD', '60000');
  });

  it('commands queue and answer in the EXEC array, errors as elements', async () => {
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('RESERVE', 's', 'alice', 'LOT', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('RESERVE', 's', 'bob', 'LOT', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('PURCHASE', 's', 'bogus')).toBe('+QUEUED\r\n');
    expect(await c.call('SALE.USER', 's', 'alice')).toBe('+QUEUED\r\n');
    const exec = await c.call('EXEC');
    expect(exec).toMatch(/^\*4\r\n\$22\r\n[A-Za-z0-9_-]{22}\r\n-TAKEN lot 1 is not available\r\n-NOHOLD unknown or expired reservation\r\n:1\r\n$/);
  });

  it('a wrong arity inside MULTI dooms the EXEC', async () => {
    await c.call('MULTI');
    expect(await c.call('RESERVE', 's')).toBe("-ERR wrong number of arguments for 'reserve' command\r\n");
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await c.call('SALE.USER', 's', 'alice')).toBe(':0\r\n');
  });

  it('WATCH: another client\'s RESERVE aborts the EXEC', async () => {
    await c.call('WATCH', 's');
    codeOf(await other.call('RESERVE', 's', 'bob'));
    await c.call('MULTI');
    await c.call('RESERVE', 's', 'alice');
    expect(await c.call('EXEC')).toBe('*-1\r\n');
    expect(await c.call('SALE.USER', 's', 'alice')).toBe(':0\r\n');
  });

  it('WATCH: a hold that times out meanwhile is a modification', async () => {
    await c.call('FLUSHALL');
    await c.call('SALE.CREATE', 's', '3', 'HOLD', '20');
    codeOf(await other.call('RESERVE', 's', 'bob'));
    await c.call('WATCH', 's');
    for (let i = 0; i < 200 && !(await c.call('SALE.INFO', 's')).includes('$13\r\nexpired-holds\r\n:1\r\n'); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await c.call('MULTI');
    await c.call('RESERVE', 's', 'alice');
    expect(await c.call('EXEC')).toBe('*-1\r\n');
  });

  it('WATCH: reads and transitions that change nothing leave the EXEC alone', async () => {
    const code = codeOf(await other.call('RESERVE', 's', 'bob'));
    await other.call('PURCHASE', 's', code);
    await c.call('WATCH', 's');
    await other.call('SALE.INFO', 's');
    await other.call('SALE.LOT', 's', '0');
    expect(await other.call('PURCHASE', 's', code)).toBe(':0\r\n'); // idempotent
    expect(await other.call('CANCEL', 's', 'bogus')).toBe(':0\r\n');
    await other.call('RESERVE', 's', 'x', 'LOT', '0'); // TAKEN
    await c.call('MULTI');
    await c.call('RESERVE', 's', 'alice');
    expect(await c.call('EXEC')).toMatch(/^\*1\r\n\$22\r\n/);
  });

  it('ioredis: multi().exec() with sale commands', async () => {
    const r = new Redis({ port: h.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    try {
      await r.connect();
      const results = await r.multi().call('RESERVE', 's', 'alice', 'LOT', '2').call('SALE.INFO', 's').exec();
      expect(results![0]![1]).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect((results![1]![1] as unknown[]).slice(0, 6)).toEqual(['lots', 3, 'available', 2, 'held', 1]);
    } finally {
      r.disconnect();
    }
  });
});
