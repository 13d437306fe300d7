import { describe, expect, it } from 'vitest';
import { reserved, setup } from '../sale/helpers.js';
import { powerCut, records, SIM_LOG, SimulatedDisk, until, serverPool } from './helpers.js';

const { start, connect } = serverPool();

const bulkValue = (reply: string) => reply.split('\r\n')[1]!;

describe('SaleValue.applyLogged: replaying a logged RESERVE or SALE.MARK', () => {
  it('recreates the exact hold: lot, user, code and deadline; the code then purchases as usual', () => {
    const live = setup({ lots: 10, limit: 2, holdMs: 5000 });
    const r = reserved(live.sale.reserve('alice'));
    const replay = setup({ lots: 10, limit: 2, holdMs: 5000 });
    expect(replay.sale.applyLogged(r.lot, 'alice', r.code, 'held', r.holdDeadline)).toBe(true);
    expect(replay.sale.lot(r.lot)).toEqual({ state: 'held', user: 'alice', code: r.code, deadlineMs: r.holdDeadline });
    expect(replay.sale.userCount('alice')).toBe(1);
    expect(replay.events).toEqual([{ event: 'reserved', lot: r.lot, code: r.code, user: 'alice' }]);
    expect(replay.sale.purchase(r.code)).toBe(r.lot);
    // The hold rides the scheduler with its own deadline.
    const other = reserved(live.sale.reserve('bob'));
    replay.sale.applyLogged(other.lot, 'bob', other.code, 'held', other.holdDeadline);
    replay.clock.set(other.holdDeadline);
    replay.scheduler.runDue();
    expect(replay.sale.lot(other.lot)).toBeNull();
    expect(replay.sale.info().expiredHolds).toBe(1);
  });

  it('a hold still on the lot ended without a record: it is expired first (with its event), as it was live', () => {
    const live = setup({ lots: 1, holdMs: 100 });
    const first = reserved(live.sale.reserve('alice'));
    live.advance(100);
    const second = reserved(live.sale.reserve('bob'));
    expect(second.lot).toBe(first.lot);
    const replay = setup({ lots: 1, holdMs: 100 });
    replay.sale.applyLogged(first.lot, 'alice', first.code, 'held', first.holdDeadline);
    expect(replay.sale.applyLogged(second.lot, 'bob', second.code, 'held', second.holdDeadline)).toBe(true);
    expect(replay.events.map((e) => `${e.event} ${e.user}`)).toEqual(['reserved alice', 'expired alice', 'reserved bob']);
    expect(replay.sale.info()).toMatchObject({ held: 1, expiredHolds: 1, users: 1 });
    expect(replay.sale.userCount('alice')).toBe(0);
    expect(replay.sale.toSnapshot().equals(live.sale.toSnapshot())).toBe(true);
  });

  it('SALE.MARK: confirmed under its code; codes issued later never repeat a replayed one', () => {
    const live = setup({ lots: 3 });
    const mark = live.sale.mark(1, 'carol');
    if (typeof mark !== 'object') throw new Error(mark);
    const replay = setup({ lots: 3 });
    expect(replay.sale.applyLogged(1, 'carol', mark.code, 'confirmed')).toBe(true);
    expect(replay.sale.lot(1)).toEqual({ state: 'confirmed', user: 'carol', code: mark.code, deadlineMs: null });
    expect(replay.sale.cancel(mark.code)).toBe('CONFIRMED');
    const next = reserved(replay.sale.reserve('dave', 2));
    expect(next.code).not.toBe(mark.code);
  });

  it('refuses what cannot be a replay of this sale (a corrupt log)', () => {
    const live = setup({ lots: 5 });
    const r = reserved(live.sale.reserve('alice', 2));
    const replay = setup({ lots: 5 });
    expect(replay.sale.applyLogged(3, 'alice', r.code, 'held', r.holdDeadline)).toBe(false); // code of another lot
    expect(replay.sale.applyLogged(2, 'alice', 'not-a-code', 'held', 1)).toBe(false);
    expect(replay.sale.applyLogged(9, 'alice', r.code, 'held', 1)).toBe(false);
    replay.sale.applyLogged(2, 'alice', r.code, 'confirmed');
    expect(replay.sale.applyLogged(2, 'bob', r.code, 'held', 1)).toBe(false); // sold
    expect(replay.sale.info()).toMatchObject({ confirmed: 1, held: 0, available: 4 });
  });
});

describe('sales in the log (sale.md Durability)', () => {
  it('RESERVE is logged with its lot, code and deadline; failed transitions are not logged', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no' });
    const c = await connect(h);
    await c.call('SALE.CREATE', 's', '2', 'LIMIT', '1');
    const code = bulkValue(await c.call('RESERVE', 's', 'alice'));
    expect(await c.call('RESERVE', 's', 'alice')).toMatch(/^-LIMIT/);
    expect(await c.call('PURCHASE', 's', 'bogus')).toMatch(/^-NOHOLD/);
    expect(await c.call('CANCEL', 's', 'bogus')).toBe(':0\r\n');
    expect(await c.call('PURCHASE', 's', code)).toMatch(/^:\d\r\n$/);
    expect(await c.call('PURCHASE', 's', code)).toMatch(/^:\d\r\n$/); // idempotent: nothing new
    const lot = (await c.call('SALE.LOT', 's', '0')).includes(code) ? '0' : '1';
    const recs = records(disk.contents(SIM_LOG)).filter((r) => r[0] !== 'SELECT');
    expect(recs.map((r) => r[0])).toEqual(['SALE.CREATE', 'HOLDFAST.SALE.APPLY', 'PURCHASE']);
    const apply = recs[1]!;
    expect(apply.slice(0, 6)).toEqual(['HOLDFAST.SALE.APPLY', 's', lot, 'alice', code, 'held']);
    expect(Math.abs(Number(apply[6]) - (Date.now() + 3000))).toBeLessThan(2000);
    // Not a command a client can send.
    expect(await c.call(...apply)).toMatch(/^-ERR unknown command 'HOLDFAST.SALE.APPLY'/);
  });

  it('sale-fsync always: PURCHASE, CONFIRM, CANCEL and SALE.MARK answer after their fsync even with appendfsync no; RESERVE and SET do not wait', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no', 'sale-fsync': 'always' });
    const c = await connect(h);
    const d = await connect(h);
    await c.call('SALE.CREATE', 's', '10');
    const code = bulkValue(await c.call('RESERVE', 's', 'alice'));
    const other = bulkValue(await c.call('RESERVE', 's', 'bob'));
    disk.holdSyncs = true;
    const answered: string[] = [];
    const pending = [
      c.call('PURCHASE', 's', code).then((r) => answered.push(`purchase ${r.trim()}`)),
      c.call('CONFIRM', 's', code).then((r) => answered.push(`confirm ${r.trim()}`)),
      c.call('CANCEL', 's', other).then((r) => answered.push(`cancel ${r.trim()}`)),
      c.call('SALE.MARK', 's', '9', 'carol').then((r) => answered.push(`mark ${r.trim()}`)),
    ];
    await until(() => disk.heldSyncCount === 1, 'an fsync for the sale transitions');
    // Another client's RESERVE and SET go through meanwhile, their records in the page cache.
    const dave = bulkValue(await d.call('RESERVE', 's', 'dave'));
    expect(await d.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(records(disk.contents(SIM_LOG)).some((r) => r.includes(dave))).toBe(true);
    expect(answered).toEqual([]);
    disk.holdSyncs = false;
    disk.releaseSyncs();
    await Promise.all(pending);
    expect(answered).toEqual([expect.stringMatching(/^purchase :\d$/), 'confirm +OK', 'cancel :1', 'mark +OK']);
    // Everything acknowledged survives a power cut.
    await powerCut(disk, h);
    const again = await start(disk);
    const c2 = await connect(again);
    const lotReply = await c2.call('SALE.INFO', 's');
    expect(lotReply).toContain('confirmed\r\n:2\r\n');
  });

  it('a PURCHASE that met a full disk is answered once the disk takes the write again (appendfsync no)', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no', 'sale-fsync': 'always' });
    const c = await connect(h);
    await c.call('SALE.CREATE', 's', '10');
    const code = bulkValue(await c.call('RESERVE', 's', 'alice'));
    disk.fail.write = 'ENOSPC';
    let answered = false;
    const p = c.call('PURCHASE', 's', code).then((r) => ((answered = true), r));
    await until(() => h.server.dispatcher.writesDenied !== null, 'MISCONF');
    await new Promise((r) => setTimeout(r, 250));
    expect(answered).toBe(false);
    disk.fail.write = undefined;
    expect(await p).toMatch(/^:\d\r\n$/);
    disk.powerCut();
    await h.close();
    const again = await start(disk);
    const c2 = await connect(again);
    expect(await c2.call('SALE.INFO', 's')).toContain('purchased\r\n:1\r\n');
  });

  it('sale-fsync everysec: sale transitions follow appendfsync', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no', 'sale-fsync': 'everysec' });
    const c = await connect(h);
    await c.call('SALE.CREATE', 's', '10');
    const code = bulkValue(await c.call('RESERVE', 's', 'alice'));
    disk.holdSyncs = true;
    expect(await c.call('PURCHASE', 's', code)).toMatch(/^:\d\r\n$/);
    disk.holdSyncs = false;
    disk.releaseSyncs();
  });

  it('a restart brings holds back with their original deadlines; those passed meanwhile expire on load, with events', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk);
    const c = await connect(h);
    await c.call('SALE.CREATE', 'long', '5', 'HOLD', '600000');
    await c.call('SALE.CREATE', 'short', '5', 'HOLD', '50');
    const longCode = bulkValue(await c.call('RESERVE', 'long', 'alice'));
    const longLot = await c.call('SALE.LOT', 'long', (await c.call('SALE.LOT', 'long', '0')).includes(longCode) ? '0' : '0');
    const deadline = /deadline-ms\r\n:(\d+)/.exec(longLot)![1];
    await c.call('RESERVE', 'short', 'bob');
    await h.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await start(disk);
    const c2 = await connect(again);
    const events = await connect(again);
    await events.call('SUBSCRIBE', '__sale@0__:short');
    const lot = await c2.call('SALE.LOT', 'long', '0');
    expect(lot).toContain(longCode);
    expect(lot).toContain(`deadline-ms\r\n:${deadline}\r\n`);
    // The short hold's deadline passed while the server was down: expired right after the load.
    expect(await c2.call('SALE.INFO', 'short')).toContain('expired-holds\r\n:1\r\n');
    expect(await c2.call('SALE.USER', 'short', 'bob')).toBe(':0\r\n');
  });

  it('power cuts under a flash-sale load: every acknowledged purchase and confirmation survives, to the same user with the same code', async () => {
    for (let round = 0; round < 4; round++) {
      const disk = new SimulatedDisk();
      disk.syncDelayMs = 1 + round;
      const h = await start(disk, { appendfsync: round % 2 === 0 ? 'everysec' : 'no', 'sale-fsync': 'always' });
      const admin = await connect(h);
      await admin.call('SALE.CREATE', 'fs', '300', 'LIMIT', '2', 'HOLD', round === 3 ? '30' : '5000');
      const purchased = new Map<number, { user: string; code: string }>();
      const confirmed = new Set<number>();
      const cancelled = new Set<string>();
      let stop = false;
      const workers = await Promise.all(Array.from({ length: 10 }, () => connect(h)));
      const loops = workers.map(async (w, wi) => {
        for (let i = 0; !stop; i++) {
          const user = `u${(wi * 7 + i) % 40}`;
          try {
            const r = await w.call('RESERVE', 'fs', user);
            if (!r.startsWith('$')) continue;
            const code = bulkValue(r);
            const roll = (wi + i) % 7;
            if (roll < 5) {
              const p = await w.call('PURCHASE', 'fs', code);
              if (!p.startsWith(':') || stop) continue;
              const lot = Number(p.slice(1));
              purchased.set(lot, { user, code });
              if (roll < 3 && (await w.call('CONFIRM', 'fs', code)) === '+OK\r\n' && !stop) confirmed.add(lot);
            } else if (roll === 5) {
              if ((await w.call('CANCEL', 'fs', code)) === ':1\r\n' && !stop) cancelled.add(code);
            }
          } catch {
            return;
          }
        }
      });
      await until(() => purchased.size >= 5, 'a few purchases');
      await new Promise((r) => setTimeout(r, Math.random() * 100));
      stop = true;
      const purchasedAtCut = new Map(purchased);
      const confirmedAtCut = new Set(confirmed);
      await powerCut(disk, h);
      for (const w of workers) w.close();
      await Promise.all(loops);
      const again = await start(disk);
      const c = await connect(again);
      for (const [lot, { user, code }] of purchasedAtCut) {
        const view = await c.call('SALE.LOT', 'fs', String(lot));
        // A purchase acknowledged before the cut may have been cancelled after it (not yet confirmed).
        if (view === '*-1\r\n') {
          expect(confirmedAtCut.has(lot), `lot ${lot} confirmed but gone`).toBe(false);
          continue;
        }
        expect(view, `lot ${lot}`).toContain(`user\r\n$${user.length}\r\n${user}\r\n`);
        expect(view, `lot ${lot}`).toContain(code);
        if (confirmedAtCut.has(lot)) expect(view).toContain('confirmed');
        else expect(view).toMatch(/purchased|confirmed/);
      }
      // Per-user limits and the lot arithmetic hold after the replay.
      for (let u = 0; u < 40; u++) {
        const n = Number((await c.call('SALE.USER', 'fs', `u${u}`)).slice(1));
        expect(n).toBeLessThanOrEqual(2);
      }
      const info = await c.call('SALE.INFO', 'fs');
      const field = (name: string) => Number(new RegExp(`${name}\\r\\n:(\\d+)`).exec(info)![1]);
      expect(field('available') + field('held') + field('purchased') + field('confirmed')).toBe(300);
      await again.close();
    }
  });
});
