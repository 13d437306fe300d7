import { describe, expect, it } from 'vitest';
import { powerCut, records, SIM_LOG, SimulatedDisk, until, serverPool } from './helpers.js';

const OK = '+OK\r\n';

const { start, connect } = serverPool();

describe('the log: what is written', () => {
  it('records each write in order, a SELECT when the database changes; reads and writes that change nothing write nothing', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no' });
    const c = await connect(h);
    await c.call('SET', 'a', '1');
    await c.call('GET', 'a');
    await c.call('DEL', 'missing');
    await c.call('SET', 'a', '2', 'NX');
    await c.call('SELECT', '1');
    await c.call('SET', 'b', 'x\r\ny\0');
    await c.call('SELECT', '0');
    await c.call('DEL', 'a');
    expect(records(disk.contents(SIM_LOG))).toEqual([
      ['SELECT', '0'], ['SET', 'a', '1'],
      ['SELECT', '1'], ['SET', 'b', 'x\r\ny\0'],
      ['SELECT', '0'], ['DEL', 'a'],
    ]);
  });

  it('MULTI/EXEC is written as one MULTI ... EXEC block; so is a command with the expired keys it met', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no' });
    const c = await connect(h);
    await c.call('MULTI');
    await c.call('SET', 'a', '1');
    await c.call('GET', 'a');
    await c.call('SELECT', '2');
    await c.call('INCR', 'n');
    await c.call('EXEC');
    // A transaction that writes nothing writes nothing; one write is written as itself.
    await c.call('MULTI');
    await c.call('GET', 'a');
    await c.call('EXEC');
    await c.call('MULTI');
    await c.call('SET', 'b', '1');
    await c.call('EXEC');
    await c.call('SET', 'gone', 'x', 'PX', '1');
    await new Promise((r) => setTimeout(r, 5));
    // Lazily expired inside APPEND (the timer has not fired yet or just has): its DEL comes first.
    await c.call('APPEND', 'gone', 'y');
    const recs = records(disk.contents(SIM_LOG));
    const start0 = recs.findIndex((r) => r[0] === 'MULTI');
    expect(recs.slice(start0, start0 + 7)).toEqual([['MULTI'], ['SELECT', '0'], ['SET', 'a', '1'], ['SELECT', '2'], ['INCR', 'n'], ['EXEC'], ['SET', 'b', '1']]);
    const tail = recs.slice(recs.findIndex((r) => r[1] === 'gone'));
    expect(tail[0]![0]).toBe('SET');
    expect(tail.slice(1).filter((r) => r[0] !== 'MULTI' && r[0] !== 'EXEC')).toEqual([['DEL', 'gone'], ['APPEND', 'gone', 'y']]);
  });

  it('a record reaches the kernel before its reply (a crash of the process loses no acknowledged write)', async () => {
    const disk = new SimulatedDisk();
    disk.syncDelayMs = 50;
    const h = await start(disk, { appendfsync: 'everysec' });
    const c = await connect(h);
    for (let i = 0; i < 20; i++) {
      expect(await c.call('SET', `k${i}`, String(i))).toBe(OK);
      // The page cache already has it: a process crash (not a power cut) keeps it.
      expect(records(disk.contents(SIM_LOG)).at(-1)).toEqual(['SET', `k${i}`, String(i)]);
    }
  });

  it('continues the existing log after a restart and replays it', async () => {
    const disk = new SimulatedDisk();
    let h = await start(disk);
    let c = await connect(h);
    await c.call('SET', 'a', '1');
    await c.call('SADD', 's', 'x', 'y');
    await h.close();
    h = await start(disk);
    c = await connect(h);
    expect(await c.call('GET', 'a')).toBe('$1\r\n1\r\n');
    await c.call('SET', 'b', '2');
    await h.close();
    h = await start(disk);
    c = await connect(h);
    expect(await c.call('MGET', 'a', 'b')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await c.call('SCARD', 's')).toBe(':2\r\n');
  });
});

describe('appendfsync always: group commit', () => {
  it('replies wait for the fsync; one fsync answers every client that waited; other clients are not held back', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'always' });
    const writers = await Promise.all(Array.from({ length: 20 }, () => connect(h)));
    const reader = await connect(h);
    await reader.call('SET', 'r', 'v');
    disk.holdSyncs = true;
    const syncsBefore = disk.counts.datasyncs;
    let answered = 0;
    const pending = writers.map((w, i) => w.call('SET', `k${i}`, 'v').then((r) => (answered++, r)));
    await until(() => h.server.persistence.log!.syncInProgress, 'an fsync in flight');
    // Every write is applied and in the page cache, none is answered.
    await until(() => h.server.keyspace.dbs[0]!.size === 21, 'all writes applied');
    expect(answered).toBe(0);
    // A reader is not held back by the writers' fsync.
    expect(await reader.call('GET', 'k0')).toBe('$1\r\nv\r\n');
    disk.holdSyncs = false;
    disk.releaseSyncs();
    expect(await Promise.all(pending)).toEqual(writers.map(() => OK));
    // Twenty writes, at most a couple of fsyncs (the first may have started before all arrived).
    expect(disk.counts.datasyncs - syncsBefore).toBeLessThanOrEqual(3);
  });

  it('CONFIG SET appendonly no: a last fsync, and only then the replies that waited for one', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'always' });
    const c = await connect(h);
    const admin = await connect(h);
    disk.holdSyncs = true;
    let answered = false;
    const p = c.call('SET', 'a', '1').then((r) => ((answered = true), r));
    await until(() => disk.heldSyncCount === 1, 'the fsync in flight');
    expect(await admin.call('CONFIG', 'SET', 'appendonly', 'no')).toBe(OK);
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    disk.holdSyncs = false;
    disk.releaseSyncs();
    expect(await p).toBe(OK);
    await until(() => h.server.persistence.log === null, 'the log to close');
    expect(await admin.call('INFO', 'persistence')).toContain('aof_enabled:0\r\n');
    // Writes go on, unlogged, answered at once.
    disk.holdSyncs = true;
    expect(await c.call('SET', 'b', '2')).toBe(OK);
    disk.holdSyncs = false;
    disk.powerCut();
    await h.close();
    const again = await start(disk);
    expect([again.server.keyspace.dbs[0]!.get('a'), again.server.keyspace.dbs[0]!.get('b')]).toEqual(['1', undefined]);
  });

  it('a pipeline waits behind its first write, in order; a write that changes nothing does not wait', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'always' });
    const c = await connect(h);
    await c.call('SET', 'x', '1');
    disk.holdSyncs = true;
    const order: string[] = [];
    const p1 = c.call('SET', 'a', '1').then((r) => order.push(`set:${r.trim()}`));
    const p2 = c.call('GET', 'a').then((r) => order.push(`get:${r.trim()}`));
    await until(() => disk.heldSyncCount === 1, 'fsync held');
    expect(order).toEqual([]);
    disk.holdSyncs = false;
    disk.releaseSyncs();
    await Promise.all([p1, p2]);
    expect(order).toEqual(['set:+OK', 'get:$1\r\n1']);
    disk.holdSyncs = true;
    // SET NX on an existing key writes nothing: answered without an fsync.
    expect(await c.call('SET', 'a', '2', 'NX')).toBe('$-1\r\n');
    disk.holdSyncs = false;
    disk.releaseSyncs();
  });

  it('no acknowledged write is lost in a power cut at any moment', async () => {
    for (let round = 0; round < 5; round++) {
      const disk = new SimulatedDisk();
      disk.syncDelayMs = 1 + round;
      const h = await start(disk, { appendfsync: 'always' });
      const acked = new Set<string>();
      const sent = new Set<string>();
      let stop = false;
      const workers = await Promise.all(Array.from({ length: 8 }, () => connect(h)));
      const loops = workers.map(async (w, wi) => {
        for (let i = 0; !stop; i++) {
          const key = `w${wi}:${i}`;
          sent.add(key);
          try {
            if ((await w.call('SET', key, key)) === OK && !stop) acked.add(key);
          } catch {
            return;
          }
        }
      });
      // The cut comes at a random moment once writes are being acknowledged (under load the
      // first fsync may take longer than any fixed delay).
      await until(() => acked.size > 0, 'a first acknowledged write', 20_000);
      await new Promise((r) => setTimeout(r, Math.random() * 80));
      stop = true;
      const ackedAtCut = new Set(acked);
      await powerCut(disk, h);
      for (const w of workers) w.close();
      await Promise.all(loops);
      expect(ackedAtCut.size).toBeGreaterThan(0);
      const again = await start(disk);
      const db = again.server.keyspace.dbs[0]!;
      for (const key of ackedAtCut) expect(db.get(key), key).toBe(key);
      for (const [key] of db.entries()) expect(sent.has(key), key).toBe(true);
    }
  });
});

describe('appendfsync everysec and no', () => {
  it('everysec: a power cut loses at most about a second of writes', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'everysec' });
    const c = await connect(h);
    const ackedAt = new Map<string, number>();
    const startedAt = Date.now();
    for (let i = 0; Date.now() - startedAt < 2600; i++) {
      await c.call('SET', `k${i}`, 'v');
      ackedAt.set(`k${i}`, Date.now());
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const cutAt = Date.now();
    await powerCut(disk, h);
    const again = await start(disk);
    const db = again.server.keyspace.dbs[0]!;
    let lost = 0;
    for (const [key, at] of ackedAt) {
      if (db.get(key) !== undefined) continue;
      lost++;
      // Only writes of the last second or so may be gone (an fsync each second, plus the
      // fsync's own time on a busy machine).
      expect(cutAt - at, key).toBeLessThan(2500);
    }
    expect(disk.counts.datasyncs).toBeGreaterThanOrEqual(2);
    expect(lost).toBeLessThan(ackedAt.size);
  });

  it('no: nothing is fsynced by the log itself, but SHUTDOWN (close) flushes and fsyncs', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no' });
    const c = await connect(h);
    await c.call('SET', 'a', '1');
    await new Promise((r) => setTimeout(r, 300));
    const syncs = disk.counts.datasyncs;
    await c.call('SET', 'b', '2');
    await new Promise((r) => setTimeout(r, 300));
    expect(disk.counts.datasyncs).toBe(syncs);
    await h.close();
    disk.powerCut();
    const again = await start(disk);
    const db = again.server.keyspace.dbs[0]!;
    expect([db.get('a'), db.get('b')]).toEqual(['1', '2']);
  });

  it('SAVE fsyncs what was written before answering', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'no' });
    const c = await connect(h);
    await c.call('SET', 'a', '1');
    const before = await c.call('LASTSAVE');
    expect(await c.call('SAVE')).toBe(OK);
    expect(Number(before.slice(1))).toBeLessThanOrEqual(Number((await c.call('LASTSAVE')).slice(1)));
    expect(await c.call('INFO', 'persistence')).toContain('rdb_changes_since_last_save:0\r\n');
    disk.powerCut();
    const again = await start(disk);
    expect(again.server.keyspace.dbs[0]!.get('a')).toBe('1');
  });
});

describe('a failing disk: MISCONF, never a silent loss', () => {
  it('ENOSPC: writes answer MISCONF (PING too, as Redis), reads work; writes resume once the disk has room', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'everysec' });
    const c = await connect(h);
    await c.call('SET', 'a', '1');
    disk.fail.write = 'ENOSPC';
    // The write that meets the full disk is applied and answered (its record waits in memory).
    expect(await c.call('SET', 'b', '2')).toBe(OK);
    const misconf = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
    expect(await c.call('SET', 'c', '3')).toBe(misconf);
    expect(await c.call('PING')).toBe(misconf);
    expect(await c.call('GET', 'a')).toBe('$1\r\n1\r\n');
    expect(await c.call('INFO', 'persistence')).toContain('aof_last_write_status:err\r\n');
    // Inside MULTI a write is refused at once and dooms the transaction.
    disk.fail.write = undefined;
    await until(() => h.server.dispatcher.writesDenied === null, 'the retry from the cron');
    expect(await c.call('SET', 'c', '3')).toBe(OK);
    expect(await c.call('INFO', 'persistence')).toContain('aof_last_write_status:ok\r\n');
    await h.close();
    disk.powerCut();
    const again = await start(disk);
    const db = again.server.keyspace.dbs[0]!;
    expect([db.get('a'), db.get('b'), db.get('c')]).toEqual(['1', '2', '3']);
  });

  it('EIO on fsync with appendfsync always: the waiting replies are held until a retry succeeds', async () => {
    const disk = new SimulatedDisk();
    const h = await start(disk, { appendfsync: 'always' });
    const c = await connect(h);
    const d = await connect(h);
    disk.fail.datasync = 'EIO';
    let answered = false;
    const p = c.call('SET', 'a', '1').then((r) => ((answered = true), r));
    await until(() => h.server.dispatcher.writesDenied !== null, 'MISCONF after the failed fsync');
    expect(await d.call('SET', 'x', '1')).toBe('-MISCONF Errors writing to the AOF file: Input/output error\r\n');
    await new Promise((r) => setTimeout(r, 250));
    expect(answered).toBe(false);
    disk.fail.datasync = undefined;
    expect(await p).toBe(OK);
    await until(() => h.server.dispatcher.writesDenied === null, 'recovery');
    disk.powerCut();
    await h.close();
    const again = await start(disk);
    expect(again.server.keyspace.dbs[0]!.get('a')).toBe('1');
  });
});
