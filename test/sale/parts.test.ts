import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_LENGTH, decodeCode, decoded, encodeCode } from '../../src/sale/codes.js';
import { SALE_ERROR_TEXTS, saleErrorText } from '../../src/sale/errors.js';
import { FreeLots } from '../../src/sale/free-lots.js';
import { UserTable } from '../../src/sale/users.js';

/** expect() costs ~10 µs a call; the property loops compare this way. */
function same(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`expected ${String(expected)}, got ${String(actual)}`);
}

describe('FreeLots', () => {
  it('always hands out the lowest available lot', () => {
    const sizes = fc.constantFrom(1, 2, 31, 32, 33, 64, 1023, 1024, 1025, 32 * 32 * 32 + 1);
    const op = fc.oneof(
      fc.record({ t: fc.constant('pop' as const) }),
      fc.record({ t: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ t: fc.constant('push' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(sizes, fc.array(op, { maxLength: 300 }), (lots, ops) => {
        const free = new FreeLots(lots);
        const available = new Uint8Array(lots).fill(1);
        let count = lots;
        const lowestFrom = (from: number) => {
          for (let i = from; i < lots; i++) if (available[i] === 1) return i;
          return -1;
        };
        const taken: number[] = [];
        for (const o of ops) {
          if (o.t === 'pop') {
            if (count === 0) continue;
            const lowest = lowestFrom(0);
            same(free.pop(), lowest);
            available[lowest] = 0;
            count--;
            taken.push(lowest);
          } else if (o.t === 'remove') {
            if (count === 0) continue;
            let lot = lowestFrom(o.pick % lots);
            if (lot < 0) lot = lowestFrom(0);
            free.remove(lot);
            available[lot] = 0;
            count--;
            taken.push(lot);
          } else {
            if (taken.length === 0) continue;
            const lot = taken.splice(o.pick % taken.length, 1)[0]!;
            free.push(lot);
            available[lot] = 1;
            count++;
          }
          same(free.size, count);
        }
        // Drain: the rest come out in ascending order.
        for (let lot = lowestFrom(0); lot >= 0; lot = lowestFrom(lot + 1)) same(free.pop(), lot);
        same(free.size, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('hands out every lot of a large sale exactly once, ascending', () => {
    const lots = 100_003;
    const free = new FreeLots(lots);
    for (let i = 0; i < lots; i++) if (free.pop() !== i) throw new Error(`lot ${i}`);
    expect(free.size).toBe(0);
    free.push(77_777);
    free.push(5);
    expect(free.pop()).toBe(5);
    expect(free.pop()).toBe(77_777);
  });
});

describe('codes', () => {
  it('round-trip any four words through 22 base64url characters', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(word, word, word, word, (a, b, c, d) => {
        const code = encodeCode(a, b, c, d);
        expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(code).toBe(Buffer.from([a, b, c, d].flatMap((w) => [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255])).toString('base64url'));
        expect(decodeCode(code)).toBe(true);
        expect([...decoded]).toEqual([a, b, c, d]);
      }),
    );
  });

  it('reject non-canonical and foreign strings', () => {
    const code = encodeCode(1, 2, 3, 4);
    expect(code.length).toBe(CODE_LENGTH);
    expect(decodeCode(code.slice(0, 21) + 'B')).toBe(false); // padding bits set
    expect(decodeCode(code + '=')).toBe(false);
    expect(decodeCode(code.slice(0, 21) + '=')).toBe(false);
    expect(decodeCode('+'.repeat(22))).toBe(false);
    expect(decodeCode('\u0100'.repeat(22))).toBe(false);
  });
});

describe('UserTable', () => {
  for (const threshold of [1 << 23, 4]) {
    it(`counts, forgets and recycles users (shard threshold ${threshold})`, () => {
      const users = new UserTable(threshold);
      const ids = new Map<string, number>();
      for (let i = 0; i < 50; i++) ids.set(`u${i}`, users.acquire(`u${i}`));
      users.acquire('u7', users.idOf('u7'));
      expect(users.size).toBe(50);
      expect(users.countOf('u7')).toBe(2);
      for (let i = 0; i < 50; i += 2) users.release(ids.get(`u${i}`)!);
      expect(users.size).toBe(25);
      expect(users.idOf('u0')).toBe(-1);
      expect(users.countOf('u1')).toBe(1);
      const again = users.acquire('new');
      expect(users.names[again]).toBe('new');
      expect(again).toBeLessThan(50); // a recycled id
      for (let i = 1; i < 50; i += 2) expect(users.idOf(`u${i}`)).toBe(ids.get(`u${i}`));
    });
  }
});

describe('error catalog', () => {
  it('holds the exact texts of sale.md', () => {
    expect(SALE_ERROR_TEXTS).toEqual({
      NOSALE: 'NOSALE no such sale',
      SOLDOUT: 'SOLDOUT no lots available',
      TAKEN: 'TAKEN lot %d is not available',
      RANGE: 'ERR lot out of range',
      LIMIT: 'LIMIT user has reached the per-user limit',
      NOHOLD: 'NOHOLD unknown or expired reservation',
      NOTPURCHASED: 'NOTPURCHASED reservation is not purchased',
      CONFIRMED: 'CONFIRMED a confirmed purchase cannot be cancelled',
      OUTOFRANGE: 'ERR value is not an integer or out of range',
    });
    expect(saleErrorText('TAKEN', 42)).toBe('TAKEN lot 42 is not available');
    expect(saleErrorText('NOHOLD')).toBe('NOHOLD unknown or expired reservation');
  });
});
