import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { SALE_ERROR_TEXTS } from '../../src/sale/index.js';
import { SaleValue } from '../../src/sale/sale.js';

/**
 * The flash-sale commands over a real socket, reply by reply as raw RESP: every reply
 * shape and error text of shared/spec/sale.md, in RESP2 and RESP3.
 */

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const int = (n: number) => `:${n}\r\n`;
const err = (text: string) => `-${text}\r\n`;
const OK = '+OK\r\n';
const NOT_INTEGER = err('ERR value is not an integer or out of range');
const SYNTAX = err('ERR syntax error');
const NOSALE = err('NOSALE no such sale');
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOHOLD = err('NOHOLD unknown or expired reservation');
const RANGE = err('ERR lot out of range');
const CODE = /^\$22\r\n([A-Za-z0-9_-]{22})\r\n$/;

/** The code out of a RESERVE reply (fails the test on anything else). */
function codeOf(reply: string): string {
  const m = CODE.exec(reply);
  if (!m) throw new Error(`not a reservation code: ${JSON.stringify(reply)}`);
  return m[1]!;
}

describe('sale commands: replies and errors (raw RESP)', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });
  beforeEach(async () => {
    await c.call('HELLO', '2');
    await c.call('SELECT', '0');
    await c.call('FLUSHALL');
  });

  it('SALE.CREATE: OK, BUSYKEY on an existing key of any type, ranges and syntax', async () => {
    expect(await c.call('SALE.CREATE', 's', '10')).toBe(OK);
    expect(await c.call('SALE.CREATE', 's', '10')).toBe(err('BUSYKEY Target key name already exists.'));
    await c.call('SET', 'str', 'v');
    expect(await c.call('SALE.CREATE', 'str', '10')).toBe(err('BUSYKEY Target key name already exists.'));
    expect(await c.call('sale.create', 'a', '3', 'limit', '2', 'hold', '500')).toBe(OK);
    expect(await c.call('SALE.CREATE', 'b', '100000000', 'HOLD', '86400000', 'LIMIT', '0')).toBe(OK);
    expect(await c.call('SALE.CREATE', 'c', '1', 'HOLD', '1')).toBe(OK);
    for (const bad of [
      ['0'], ['-1'], ['100000001'], ['abc'], ['1.5'], ['10', 'LIMIT', '-1'], ['10', 'LIMIT', 'x'],
      ['10', 'HOLD', '0'], ['10', 'HOLD', '86400001'], ['10', 'HOLD', '1e3'], ['99999999999999999999'],
    ]) {
      expect(await c.call('SALE.CREATE', 'x', ...bad), bad.join(' ')).toBe(NOT_INTEGER);
    }
    for (const bad of [['10', 'LIMIT'], ['10', 'HOLD'], ['10', 'FOO'], ['10', 'LIMIT', '1', 'HOLD']]) {
      expect(await c.call('SALE.CREATE', 'x', ...bad), bad.join(' ')).toBe(SYNTAX);
    }
    // Bad numbers are reported before the key is looked at.
    expect(await c.call('SALE.CREATE', 's', '0')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.CREATE', 'x')).toBe(err("ERR wrong number of arguments for 'sale.create' command"));
    expect(await c.call('EXISTS', 'x')).toBe(int(0));
  });

  it('RESERVE: a code, LIMIT, SOLDOUT, TAKEN, lot range, NOSALE, WRONGTYPE, syntax and arity', async () => {
    await c.call('SALE.CREATE', 's', '3', 'LIMIT', '2');
    const first = codeOf(await c.call('RESERVE', 's', 'alice'));
    const second = codeOf(await c.call('RESERVE', 's', 'alice'));
    expect(first).not.toBe(second);
    expect(await c.call('RESERVE', 's', 'alice')).toBe(err('LIMIT user has reached the per-user limit'));
    // LIMIT comes before TAKEN: a user at the cap gets the same answer whatever the stock.
    expect(await c.call('RESERVE', 's', 'alice', 'LOT', '2')).toBe(err('LIMIT user has reached the per-user limit'));
    expect(await c.call('RESERVE', 's', 'bob', 'LOT', '0')).toBe(err('TAKEN lot 0 is not available'));
    codeOf(await c.call('RESERVE', 's', 'bob', 'lot', '2'));
    expect(await c.call('RESERVE', 's', 'carol')).toBe(err('SOLDOUT no lots available'));
    expect(await c.call('RESERVE', 's', 'carol', 'LOT', '3')).toBe(RANGE);
    expect(await c.call('RESERVE', 's', 'carol', 'LOT', '-1')).toBe(RANGE);
    expect(await c.call('RESERVE', 's', 'carol', 'LOT', 'x')).toBe(NOT_INTEGER);
    expect(await c.call('RESERVE', 's', 'carol', 'LOT')).toBe(SYNTAX);
    expect(await c.call('RESERVE', 's', 'carol', 'LOT', '1', 'LOT', '2')).toBe(SYNTAX);
    expect(await c.call('RESERVE', 's', 'carol', 'FOO', '1')).toBe(SYNTAX);
    expect(await c.call('RESERVE', 's')).toBe(err("ERR wrong number of arguments for 'reserve' command"));
    expect(await c.call('RESERVE', 'missing', 'u')).toBe(NOSALE);
    await c.call('SET', 'str', 'v');
    expect(await c.call('RESERVE', 'str', 'u')).toBe(WRONGTYPE);
    // A syntax error is reported before the key is looked at.
    expect(await c.call('RESERVE', 'missing', 'u', 'LOT', 'x')).toBe(NOT_INTEGER);
  });

  it('PURCHASE, CONFIRM, CANCEL: lots, idempotence and every error of the contract', async () => {
    await c.call('SALE.CREATE', 's', '5', 'LIMIT', '3');
    const a = codeOf(await c.call('RESERVE', 's', 'alice', 'LOT', '3'));
    expect(await c.call('CONFIRM', 's', a)).toBe(err('NOTPURCHASED reservation is not purchased'));
    expect(await c.call('PURCHASE', 's', a)).toBe(int(3));
    expect(await c.call('PURCHASE', 's', a)).toBe(int(3));
    expect(await c.call('CONFIRM', 's', a)).toBe(OK);
    expect(await c.call('CONFIRM', 's', a)).toBe(OK);
    expect(await c.call('PURCHASE', 's', a)).toBe(int(3));
    expect(await c.call('CANCEL', 's', a)).toBe(err('CONFIRMED a confirmed purchase cannot be cancelled'));

    const b = codeOf(await c.call('RESERVE', 's', 'bob'));
    expect(await c.call('CANCEL', 's', b)).toBe(int(1));
    expect(await c.call('CANCEL', 's', b)).toBe(int(0));
    expect(await c.call('PURCHASE', 's', b)).toBe(NOHOLD);
    expect(await c.call('CONFIRM', 's', b)).toBe(NOHOLD);

    // An unconfirmed purchase can be cancelled: the lot is available again.
    const d = codeOf(await c.call('RESERVE', 's', 'dave', 'LOT', '1'));
    expect(await c.call('PURCHASE', 's', d)).toBe(int(1));
    expect(await c.call('SALE.USER', 's', 'dave')).toBe(int(1));
    expect(await c.call('CANCEL', 's', d)).toBe(int(1));
    expect(await c.call('SALE.USER', 's', 'dave')).toBe(int(0));
    expect(await c.call('SALE.LOT', 's', '1')).toBe('*-1\r\n');

    // Codes that never were, or are malformed, or name a lot out of range.
    for (const bogus of ['', 'x', 'AAAAAAAAAAAAAAAAAAAAAA', a.slice(0, 21) + (a[21] === 'A' ? 'Q' : 'A'), a + 'x', 'AAAAAAAAAAAA_____AAAAQ']) {
      expect(await c.call('PURCHASE', 's', bogus), bogus).toBe(NOHOLD);
      expect(await c.call('CONFIRM', 's', bogus), bogus).toBe(NOHOLD);
      expect(await c.call('CANCEL', 's', bogus), bogus).toBe(int(0));
    }
    // A code of another sale names nothing here.
    await c.call('SALE.CREATE', 't', '5');
    expect(await c.call('PURCHASE', 't', a)).toBe(NOHOLD);

    for (const cmd of ['PURCHASE', 'CONFIRM', 'CANCEL']) {
      expect(await c.call(cmd, 'missing', a)).toBe(NOSALE);
      await c.call('SET', 'str', 'v');
      expect(await c.call(cmd, 'str', a)).toBe(WRONGTYPE);
      expect(await c.call(cmd, 's')).toBe(err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`));
      expect(await c.call(cmd, 's', a, 'x')).toBe(err(`ERR wrong number of arguments for '${cmd.toLowerCase()}' command`));
    }
  });

  it('SALE.MARK: a confirmed lot that counts toward the user, even past the limit; TAKEN and range', async () => {
    await c.call('SALE.CREATE', 's', '4', 'LIMIT', '1');
    codeOf(await c.call('RESERVE', 's', 'alice', 'LOT', '0'));
    expect(await c.call('SALE.MARK', 's', '1', 'alice')).toBe(OK);
    expect(await c.call('SALE.USER', 's', 'alice')).toBe(int(2));
    expect(await c.call('SALE.MARK', 's', '0', 'bob')).toBe(err('TAKEN lot 0 is not available'));
    expect(await c.call('SALE.MARK', 's', '1', 'bob')).toBe(err('TAKEN lot 1 is not available'));
    expect(await c.call('SALE.MARK', 's', '4', 'bob')).toBe(RANGE);
    expect(await c.call('SALE.MARK', 's', '-1', 'bob')).toBe(RANGE);
    expect(await c.call('SALE.MARK', 's', 'x', 'bob')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.MARK', 'missing', '1', 'bob')).toBe(NOSALE);
    expect(await c.call('SALE.MARK', 's', '1')).toBe(err("ERR wrong number of arguments for 'sale.mark' command"));
    const lot = await c.call('SALE.LOT', 's', '1');
    expect(lot).toMatch(/^\*6\r\n\$5\r\nstate\r\n\$9\r\nconfirmed\r\n\$4\r\nuser\r\n\$5\r\nalice\r\n\$4\r\ncode\r\n\$22\r\n[A-Za-z0-9_-]{22}\r\n$/);
    const code = lot.slice(-24, -2);
    // The marked lot's code behaves as a confirmed one.
    expect(await c.call('CONFIRM', 's', code)).toBe(OK);
    expect(await c.call('PURCHASE', 's', code)).toBe(int(1));
    expect(await c.call('CANCEL', 's', code)).toBe(err('CONFIRMED a confirmed purchase cannot be cancelled'));
  });

  it('SALE.INFO: a flat field-value array in RESP2, a map in RESP3, fields in the contract order', async () => {
    await c.call('SALE.CREATE', 's', '10', 'LIMIT', '3', 'HOLD', '60000');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    const b = codeOf(await c.call('RESERVE', 's', 'bob'));
    codeOf(await c.call('RESERVE', 's', 'carol'));
    await c.call('PURCHASE', 's', a);
    await c.call('PURCHASE', 's', b);
    await c.call('CONFIRM', 's', b);
    const fields = (lots: number) =>
      [['lots', lots], ['available', 7], ['held', 1], ['purchased', 1], ['confirmed', 1], ['limit', 3], ['hold-ms', 60000], ['expired-holds', 0], ['users', 3]]
        .map(([k, v]) => bulk(k as string) + int(v as number))
        .join('');
    expect(await c.call('SALE.INFO', 's')).toBe('*18\r\n' + fields(10));
    await c.call('HELLO', '3');
    expect(await c.call('SALE.INFO', 's')).toBe('%9\r\n' + fields(10));
    expect(await c.call('SALE.INFO', 'missing')).toBe(NOSALE);
    await c.call('SET', 'str', 'v');
    expect(await c.call('SALE.INFO', 'str')).toBe(WRONGTYPE);
    expect(await c.call('SALE.INFO')).toBe(err("ERR wrong number of arguments for 'sale.info' command"));
    expect(await c.call('SALE.INFO', 's', 'x')).toBe(err("ERR wrong number of arguments for 'sale.info' command"));
  });

  it('SALE.LOT: state, user, code and deadline-ms of a hold; no deadline once purchased; nil when available', async () => {
    await c.call('SALE.CREATE', 's', '3', 'HOLD', '60000');
    const before = Date.now();
    const a = codeOf(await c.call('RESERVE', 's', 'alice', 'LOT', '1'));
    const after = Date.now();
    const held = await c.call('SALE.LOT', 's', '1');
    const m = /^\*8\r\n\$5\r\nstate\r\n\$4\r\nheld\r\n\$4\r\nuser\r\n\$5\r\nalice\r\n\$4\r\ncode\r\n\$22\r\n(.{22})\r\n\$11\r\ndeadline-ms\r\n:(\d+)\r\n$/.exec(held);
    expect(m, held).not.toBeNull();
    expect(m![1]).toBe(a);
    expect(Number(m![2])).toBeGreaterThanOrEqual(before + 60000);
    expect(Number(m![2])).toBeLessThanOrEqual(after + 60000);
    await c.call('PURCHASE', 's', a);
    const purchased = '$5\r\nstate\r\n$9\r\npurchased\r\n$4\r\nuser\r\n$5\r\nalice\r\n$4\r\ncode\r\n' + bulk(a);
    expect(await c.call('SALE.LOT', 's', '1')).toBe('*6\r\n' + purchased);
    expect(await c.call('SALE.LOT', 's', '0')).toBe('*-1\r\n');
    expect(await c.call('SALE.LOT', 's', '3')).toBe(RANGE);
    expect(await c.call('SALE.LOT', 's', '-1')).toBe(RANGE);
    expect(await c.call('SALE.LOT', 's', 'one')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.LOT', 'missing', '0')).toBe(NOSALE);
    await c.call('HELLO', '3');
    expect(await c.call('SALE.LOT', 's', '1')).toBe('%3\r\n' + purchased);
    expect(await c.call('SALE.LOT', 's', '0')).toBe('_\r\n');
  });

  it('SALE.SOLD: [cursor, [[lot, user, code, state], ...]] over purchased and confirmed lots, as SCAN', async () => {
    await c.call('SALE.CREATE', 's', '30');
    const sold: { lot: number; user: string; code: string; state: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const user = `user${i % 4}`;
      const code = codeOf(await c.call('RESERVE', 's', user));
      if (i % 3 === 0) continue; // left held
      expect(await c.call('PURCHASE', 's', code)).toBe(int(i));
      if (i % 3 === 1) await c.call('CONFIRM', 's', code);
      sold.push({ lot: i, user, code, state: i % 3 === 1 ? 'confirmed' : 'purchased' });
    }
    const entry = (e: (typeof sold)[number]) => '*4\r\n' + int(e.lot) + bulk(e.user) + bulk(e.code) + bulk(e.state);
    // Default COUNT 10, from cursor 0: the first ten sold lots, then the cursor of the next lot.
    expect(await c.call('SALE.SOLD', 's', '0')).toBe(`*2\r\n${bulk(String(sold[9]!.lot + 1))}*10\r\n${sold.slice(0, 10).map(entry).join('')}`);
    // A full iteration with COUNT 7 visits each sold lot once, in lot order.
    const seen: string[] = [];
    let cursor = '0';
    do {
      const reply = await c.call('SALE.SOLD', 's', cursor, 'COUNT', '7');
      const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*(\d+)\r\n/.exec(reply)!;
      cursor = m[1]!;
      seen.push(reply.slice(m[0].length));
      expect(Number(m[2])).toBeLessThanOrEqual(7);
    } while (cursor !== '0');
    expect(seen.join('')).toBe(sold.map(entry).join(''));
    // Past the last lot: done.
    expect(await c.call('SALE.SOLD', 's', '30')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(await c.call('SALE.SOLD', 's', '1000', 'COUNT', '5')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(await c.call('SALE.SOLD', 's', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(await c.call('SALE.SOLD', 's', '0', 'COUNT', 'x')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.SOLD', 's', '0', 'COUNT')).toBe(SYNTAX);
    expect(await c.call('SALE.SOLD', 's', '0', 'FOO', '1')).toBe(SYNTAX);
    expect(await c.call('SALE.SOLD', 's', 'x')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.SOLD', 's', '-1')).toBe(NOT_INTEGER);
    expect(await c.call('SALE.SOLD', 'missing', '0')).toBe(NOSALE);
    expect(await c.call('SALE.SOLD', 's')).toBe(err("ERR wrong number of arguments for 'sale.sold' command"));
    await c.call('SALE.CREATE', 'empty', '5');
    expect(await c.call('SALE.SOLD', 'empty', '0')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('SALE.USER: held + purchased + confirmed, 0 for an unknown user', async () => {
    await c.call('SALE.CREATE', 's', '5');
    const a = codeOf(await c.call('RESERVE', 's', 'alice'));
    const b = codeOf(await c.call('RESERVE', 's', 'alice'));
    codeOf(await c.call('RESERVE', 's', 'alice'));
    await c.call('PURCHASE', 's', a);
    await c.call('PURCHASE', 's', b);
    await c.call('CONFIRM', 's', b);
    expect(await c.call('SALE.USER', 's', 'alice')).toBe(int(3));
    expect(await c.call('SALE.USER', 's', 'nobody')).toBe(int(0));
    expect(await c.call('SALE.USER', 'missing', 'alice')).toBe(NOSALE);
    expect(await c.call('SALE.USER', 's')).toBe(err("ERR wrong number of arguments for 'sale.user' command"));
  });

  it('user names and keys are binary safe', async () => {
    const key = 'sale\x00\xff key';
    const user = 'us\x00er \r\n\xe9';
    expect(await c.call('SALE.CREATE', key, '2')).toBe(OK);
    const code = codeOf(await c.call('RESERVE', key, user));
    expect(await c.call('SALE.USER', key, user)).toBe(int(1));
    expect(await c.call('SALE.LOT', key, '0')).toContain(bulk(user) + '$4\r\ncode\r\n' + bulk(code));
  });
});

describe('sale keys in the keyspace', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });
  beforeEach(async () => {
    await c.call('SELECT', '0');
    await c.call('FLUSHALL');
  });

  it('TYPE, OBJECT ENCODING, EXISTS, SCAN TYPE sale, DBSIZE', async () => {
    await c.call('SALE.CREATE', 's1', '5');
    await c.call('SALE.CREATE', 's2', '5');
    await c.call('SET', 'str', 'v');
    expect(await c.call('TYPE', 's1')).toBe('+sale\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 's1')).toBe(bulk('sale'));
    expect(await c.call('EXISTS', 's1', 's2', 'str')).toBe(int(3));
    expect(await c.call('DBSIZE')).toBe(int(3));
    const scan = await c.call('SCAN', '0', 'TYPE', 'sale', 'COUNT', '1000');
    expect(scan.startsWith('*2\r\n$1\r\n0\r\n*2\r\n')).toBe(true);
    expect(scan).toContain(bulk('s1'));
    expect(scan).toContain(bulk('s2'));
    expect(await c.call('SCAN', '0', 'TYPE', 'string', 'COUNT', '1000')).toBe('*2\r\n$1\r\n0\r\n*1\r\n' + bulk('str'));
  });

  it('DEL and UNLINK dispose of the sale: its holds leave the scheduler and never fire', async () => {
    const scheduler = h.server.scheduler;
    await c.call('SALE.CREATE', 's', '100', 'HOLD', '60000');
    await c.call('SALE.CREATE', 't', '100', 'HOLD', '60000');
    for (let i = 0; i < 50; i++) codeOf(await c.call('RESERVE', i % 2 ? 's' : 't', `u${i}`));
    const staleBefore = scheduler.staleCount;
    expect(await c.call('DEL', 's')).toBe(int(1));
    expect(scheduler.staleCount - staleBefore).toBe(25);
    expect(await c.call('UNLINK', 't')).toBe(int(1));
    expect(scheduler.staleCount - staleBefore).toBe(50);
    expect(await c.call('RESERVE', 's', 'u')).toBe(NOSALE);
    // A new sale under the same name starts fresh.
    expect(await c.call('SALE.CREATE', 's', '1')).toBe(OK);
    codeOf(await c.call('RESERVE', 's', 'u'));
  });

  it('a sale overwritten by SET is disposed of too', async () => {
    const scheduler = h.server.scheduler;
    await c.call('SALE.CREATE', 's', '10', 'HOLD', '60000');
    codeOf(await c.call('RESERVE', 's', 'u'));
    const staleBefore = scheduler.staleCount;
    expect(await c.call('SET', 's', 'v')).toBe(OK);
    expect(scheduler.staleCount - staleBefore).toBe(1);
    expect(await c.call('TYPE', 's')).toBe('+string\r\n');
  });

  it('EXPIRE closes the whole sale at its time', async () => {
    await c.call('SALE.CREATE', 's', '10', 'HOLD', '60000');
    const code = codeOf(await c.call('RESERVE', 's', 'u'));
    expect(await c.call('PEXPIRE', 's', '30')).toBe(int(1));
    expect(await c.call('PURCHASE', 's', code)).toBe(int(0));
    expect(Number((await c.call('PTTL', 's')).slice(1))).toBeGreaterThan(0);
    for (let i = 0; i < 200 && h.server.keyspace.dbs[0]!.size > 0; i++) await new Promise((r) => setTimeout(r, 5));
    // Gone by the timer, without any access.
    expect(h.server.keyspace.dbs[0]!.size).toBe(0);
    expect(await c.call('CONFIRM', 's', code)).toBe(NOSALE);
  });

  it('COPY of a sale is refused: a copy would sell the same stock twice', async () => {
    await c.call('SALE.CREATE', 's', '10');
    expect(await c.call('COPY', 's', 'd')).toBe(err("ERR COPY is not supported for values of type 'sale'"));
    expect(await c.call('EXISTS', 'd')).toBe(int(0));
  });

  it('RENAME and MOVE carry the sale with its holds; codes stay valid', async () => {
    await c.call('SALE.CREATE', 's', '10', 'HOLD', '60000');
    const code = codeOf(await c.call('RESERVE', 's', 'alice'));
    expect(await c.call('RENAME', 's', 'r')).toBe(OK);
    expect(await c.call('PURCHASE', 'r', code)).toBe(int(0));
    expect(await c.call('MOVE', 'r', '5')).toBe(int(1));
    expect(await c.call('EXISTS', 'r')).toBe(int(0));
    await c.call('SELECT', '5');
    expect(await c.call('CONFIRM', 'r', code)).toBe(OK);
    expect(await c.call('TYPE', 'r')).toBe('+sale\r\n');
  });

  it('a sale in another database, with SELECT', async () => {
    await c.call('SELECT', '3');
    await c.call('SALE.CREATE', 's', '2');
    codeOf(await c.call('RESERVE', 's', 'u'));
    await c.call('SELECT', '0');
    expect(await c.call('RESERVE', 's', 'u')).toBe(NOSALE);
    expect(h.server.keyspace.dbs[3]!.size).toBe(1);
    await c.call('SELECT', '3');
    expect(await c.call('SALE.USER', 's', 'u')).toBe(int(1));
  });

  it('INFO keyspace counts sale keys', async () => {
    await c.call('SALE.CREATE', 's', '2');
    await c.call('SET', 'k', 'v');
    const info = await c.call('INFO', 'keyspace');
    expect(info).toMatch(/db0:keys=2,/);
  });

  it('the value at the key is the engine object, stored once, typed sale', async () => {
    await c.call('SALE.CREATE', 's', '2');
    const v = h.server.keyspace.dbs[0]!.get('s');
    expect(v).toBeInstanceOf(SaleValue);
    expect((v as SaleValue).type).toBe('sale');
    expect((v as SaleValue).key).toBe('s');
    expect((v as SaleValue).db).toBe(h.server.keyspace.dbs[0]);
  });
});

describe('durability barrier: replies wait for the sync, in order, without holding back others', () => {
  let h: Holdfast;
  let a: RawClient;
  let b: RawClient;
  beforeEach(async () => {
    h = await startHoldfast();
    a = await RawClient.connect(h.port);
    b = await RawClient.connect(h.port);
    await a.call('SALE.CREATE', 's', '10');
  });
  afterEach(async () => {
    a.close();
    b.close();
    await h.close();
  });

  /** Resolves once the barrier has `n` callbacks queued (the server processed the requests). */
  async function waiting(n: number): Promise<void> {
    for (let i = 0; i < 500 && h.server.durability.waitingCount < n; i++) await new Promise((r) => setTimeout(r, 2));
    expect(h.server.durability.waitingCount).toBe(n);
  }

  it('PURCHASE, CONFIRM, CANCEL and SALE.MARK answer after the sync; later pipelined replies stay behind them', async () => {
    const code = codeOf(await a.call('RESERVE', 's', 'alice'));
    const other = codeOf(await a.call('RESERVE', 's', 'bob'));
    const barrier = h.server.durability;
    barrier.activate();
    const replies: string[] = [];
    const pending = [
      a.call('PURCHASE', 's', code),
      a.call('PING'),
      a.call('CONFIRM', 's', code),
      a.call('CANCEL', 's', other),
      a.call('SALE.MARK', 's', '9', 'carol'),
      a.call('PURCHASE', 's', 'bogus'),
      a.call('ECHO', 'last'),
    ].map((p) => p.then((r) => void replies.push(r)));
    await waiting(5);
    // Another client is served meanwhile, RESERVE included (it does not wait for fsync).
    expect(await b.call('PING')).toBe('+PONG\r\n');
    codeOf(await b.call('RESERVE', 's', 'dave'));
    // The transitions are applied already; only their replies wait.
    expect(await b.call('SALE.LOT', 's', '0')).toContain('confirmed');
    expect(replies).toEqual([]);
    barrier.endSync(barrier.beginSync());
    await Promise.all(pending);
    expect(replies).toEqual([int(0), '+PONG\r\n', OK, int(1), OK, NOHOLD, bulk('last')]);
  });

  it('group commit: one sync releases every client that waited before it began, and only those', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(codeOf(await a.call('RESERVE', 's', `u${i}`)));
    const barrier = h.server.durability;
    barrier.activate();
    let doneA = false;
    let doneB = false;
    const pa = a.call('PURCHASE', 's', codes[0]!).then((r) => ((doneA = true), r));
    const pb = b.call('PURCHASE', 's', codes[1]!).then((r) => ((doneB = true), r));
    await waiting(2);
    const batch = barrier.beginSync();
    // A reply queued while that sync runs waits for the next one.
    const pc = b.call('CANCEL', 's', codes[2]!);
    await waiting(1);
    barrier.endSync(batch);
    expect(await pa).toBe(int(0));
    expect(await pb).toBe(int(1));
    expect(doneA && doneB).toBe(true);
    let doneC = false;
    void pc.then(() => (doneC = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(doneC).toBe(false);
    barrier.endSync(barrier.beginSync());
    expect(await pc).toBe(int(1));
  });

  it('deactivating releases whoever waits, and later replies go out at once', async () => {
    const code = codeOf(await a.call('RESERVE', 's', 'alice'));
    const barrier = h.server.durability;
    barrier.activate();
    const p = a.call('PURCHASE', 's', code);
    await waiting(1);
    barrier.deactivate();
    expect(await p).toBe(int(0));
    expect(await a.call('CONFIRM', 's', code)).toBe(OK);
    expect(barrier.waitingCount).toBe(0);
  });

  it('a client that leaves while waiting is dropped quietly', async () => {
    const code = codeOf(await a.call('RESERVE', 's', 'alice'));
    const barrier = h.server.durability;
    barrier.activate();
    void a.call('PURCHASE', 's', code).catch(() => {});
    await waiting(1);
    a.close();
    await new Promise((r) => setTimeout(r, 20));
    barrier.endSync(barrier.beginSync());
    expect(await b.call('SALE.LOT', 's', '0')).toContain('purchased');
  });

  it('the error reply of a waiting transition is counted in errorstats', async () => {
    const barrier = h.server.durability;
    barrier.activate();
    const before = h.server.dispatcher.errorStats.get('NOHOLD') ?? 0;
    const p = a.call('PURCHASE', 's', 'bogus');
    await waiting(1);
    barrier.endSync(barrier.beginSync());
    expect(await p).toBe(NOHOLD);
    expect(h.server.dispatcher.errorStats.get('NOHOLD')).toBe(before + 1);
  });
});

describe('README: the flash-sale error codes', () => {
  it('lists exactly the codes of the catalog in src/sale/errors.ts, with their texts', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'latin1');
    const start = readme.indexOf('## Flash sales');
    expect(start, 'README has a "## Flash sales" section').toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    // Rows of the error table: | `-TEXT` | case |
    const listed = [...section.matchAll(/^\|\s*`-([A-Z]+ [^`]*)`\s*\|/gm)].map((m) => m[1]!);
    const catalog = Object.values(SALE_ERROR_TEXTS).map((t) => t.replace('%d', 'n'));
    expect([...new Set(listed)].sort()).toEqual([...new Set(catalog)].sort());
  });
});
