import { describe, expect, it } from 'vitest';
import { DeadlineScheduler, manualTimers } from '../../src/expiry/scheduler.js';
import { decodeCode, decoded } from '../../src/sale/codes.js';
import { SaleValue, type LotView } from '../../src/sale/index.js';
import { reserved, setup, type Recorded } from './helpers.js';

function lots(sale: SaleValue): (LotView | null | 'RANGE')[] {
  return Array.from({ length: sale.lots }, (_, i) => sale.lot(i));
}

describe('toSnapshot / fromSnapshot', () => {
  it('round-trips holds, purchases, confirmations, marks, users and counters', () => {
    const { sale, env, advance, clock } = setup({ lots: 40, limit: 3, holdMs: 1000 });
    const users = ['alice', '', '\u0000\u00ff\r\nbin', 'é'];
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push(reserved(sale.reserve(users[i % 4]!)).code);
    sale.purchase(codes[1]!);
    sale.purchase(codes[2]!);
    sale.confirm(codes[2]!);
    sale.cancel(codes[3]!);
    sale.mark(39, 'alice');
    advance(1000); // every remaining hold expires
    const live = [];
    for (let i = 0; i < 5; i++) live.push(reserved(sale.reserve(`late${i}`, 20 + i)));
    clock.advance(10);

    const image = sale.toSnapshot();
    const scheduler = new DeadlineScheduler(clock, manualTimers);
    const events: Recorded[] = [];
    const copy = SaleValue.fromSnapshot(image, { clock, scheduler }, (event, lot, code, user) =>
      events.push({ event, lot, code, user }),
    );
    expect(events).toEqual([]);
    expect(copy.info()).toEqual(sale.info());
    expect(lots(copy)).toEqual(lots(sale));
    for (const u of [...users, 'late0', 'nobody']) expect(copy.userCount(u)).toBe(sale.userCount(u));
    expect(copy.toSnapshot().equals(image)).toBe(true);

    // Codes keep working, stale ones stay dead.
    expect(copy.purchase(live[0]!.code)).toBe(20);
    expect(copy.confirm(codes[1]!)).toBe(1);
    expect(copy.purchase(codes[3]!)).toBe('NOHOLD');
    expect(copy.purchase(codes[0]!)).toBe('NOHOLD');
    expect(copy.userCount('alice')).toBe(1); // the marked lot; her holds expired
    // Holds keep their original deadlines, on the new scheduler.
    expect(scheduler.size).toBe(5);
    clock.advance(990);
    scheduler.runDue();
    expect(copy.info()).toMatchObject({ held: 0, expiredHolds: sale.info().expiredHolds + 4 });
    expect(events.filter((e) => e.event === 'expired').map((e) => e.lot).sort()).toEqual([21, 22, 23, 24]);
    sale.dispose();
  });

  it('never reissues a code of a lot that was available at snapshot time', () => {
    const { sale, env } = setup({ lots: 2 });
    const old = reserved(sale.reserve('a', 0));
    sale.cancel(old.code);
    const copy = SaleValue.fromSnapshot(sale.toSnapshot(), env);
    const again = reserved(copy.reserve('a', 0));
    expect(again.code).not.toBe(old.code);
    // Not just a different random tag: a higher generation, so equality is impossible.
    decodeCode(old.code);
    const oldGeneration = decoded[3]!;
    decodeCode(again.code);
    expect(decoded[3]).toBeGreaterThan(oldGeneration);
    expect(copy.purchase(old.code)).toBe('NOHOLD');
    expect(copy.purchase(again.code)).toBe(0);
  });

  it('expires holds already past their deadline on load, with events', () => {
    const { sale, clock } = setup({ lots: 3, holdMs: 100, limit: 1 });
    const a = reserved(sale.reserve('a'));
    clock.advance(60);
    const b = reserved(sale.reserve('b'));
    const image = sale.toSnapshot();
    clock.advance(50); // a is overdue, b still has 10 ms
    const scheduler = new DeadlineScheduler(clock, manualTimers);
    const events: Recorded[] = [];
    const copy = SaleValue.fromSnapshot(image, { clock, scheduler }, (event, lot, code, user) =>
      events.push({ event, lot, code, user }),
    );
    expect(events).toEqual([{ event: 'expired', lot: a.lot, code: a.code, user: 'a' }]);
    expect(copy.info()).toMatchObject({ available: 2, held: 1, expiredHolds: 1, users: 1 });
    expect(copy.purchase(b.code)).toBe(b.lot);
    reserved(copy.reserve('a'));
  });

  it('reads an image at any byte offset', () => {
    const { sale, env } = setup({ lots: 5 });
    reserved(sale.reserve('someone'));
    sale.mark(3, 'x');
    const image = sale.toSnapshot();
    const shifted = new Uint8Array(image.length + 3);
    shifted.set(image, 3);
    const copy = SaleValue.fromSnapshot(shifted.subarray(3), env);
    expect(lots(copy)).toEqual(lots(sale));
  });

  it('stays small: only lots that are not available are written', () => {
    const { sale } = setup({ lots: 1_000_000 });
    expect(sale.toSnapshot().length).toBe(56);
    for (let i = 0; i < 1000; i++) sale.mark(i * 997, 'u' + (i % 10));
    // 21 bytes per lot entry, plus users
    expect(sale.toSnapshot().length).toBeLessThan(56 + 1000 * 21 + 10 * 6 + 1);
  });

  it('counts a user listed twice in an image as one user', () => {
    const { sale, env } = setup({ lots: 4 });
    sale.mark(0, 'a');
    sale.mark(1, 'b');
    const image = sale.toSnapshot();
    image.write('a', 56 + 5 + 4, 'latin1'); // the second name, 'b', becomes 'a'
    const copy = SaleValue.fromSnapshot(image, env);
    expect(copy.userCount('a')).toBe(2);
    expect(copy.info().users).toBe(1);
  });

  it('refuses corrupt images', () => {
    const { sale, env } = setup({ lots: 4, holdMs: 100 });
    reserved(sale.reserve('a'));
    sale.mark(2, 'b');
    const image = sale.toSnapshot();
    const corrupt = (edit: (b: Buffer) => Buffer) => () => SaleValue.fromSnapshot(edit(Buffer.from(image)), env);
    expect(corrupt((b) => b.subarray(0, 10))).toThrow(/short header/);
    expect(corrupt((b) => (b.writeUInt32LE(0, 0), b))).toThrow(/magic/);
    expect(corrupt((b) => (b.writeUInt32LE(9, 4), b))).toThrow(/version/);
    expect(corrupt((b) => (b.writeDoubleLE(0, 8), b))).toThrow(/options/);
    expect(corrupt((b) => b.subarray(0, b.length - 1))).toThrow(/truncated/);
    expect(corrupt((b) => Buffer.concat([b, Buffer.from([0])]))).toThrow(/trailing/);
    // Users: 'a' and 'b' (4 + 1 bytes each), then the lot column: lots 0 and 2.
    const lotColumn = 56 + 10;
    expect(corrupt((b) => (b.writeInt32LE(0, lotColumn + 4), b))).toThrow(/order/);
    expect(corrupt((b) => (b.writeInt32LE(4, lotColumn + 4), b))).toThrow(/order/);
    expect(corrupt((b) => (b.writeUInt8(7, lotColumn + 8), b))).toThrow(/state/);
  });
});
