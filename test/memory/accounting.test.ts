import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { arenaStats } from '../../src/memory/arenas.js';
import { fullGc } from '../../src/memory/gc.js';
import { HashValue, ListValue, SetValue, SortedSet } from '../../src/keyspace/types/index.js';
import type { Value } from '../../src/keyspace/values.js';

/**
 * used_memory's dataset figure is an estimate kept on every write (src/memory/sizes.ts).
 * These tests hold it against what the process really spends: the V8 heap after a full
 * collection plus the ArrayBuffers (the slots' arenas), before and after storing many keys
 * of one shape, must agree within 15%.
 */

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** A flat one-byte string, made the way the request parser makes arguments. */
function wire(s: string): string {
  const b = Buffer.from(s, 'latin1') as Latin1Buffer;
  return b.latin1Slice(0, b.length);
}

/** The heap and the buffers, counting of the arenas' slabs only the blocks in use (src/memory/arenas.ts). */
function used(): number {
  const m = process.memoryUsage();
  const arenas = arenaStats();
  return m.heapUsed + m.arrayBuffers - (arenas.slabBytes - arenas.inUse);
}

/** Full GCs with pauses between: V8's sweeper frees array buffers after the collection, off the main thread. */
async function settle(): Promise<void> {
  for (let n = 0; n < 4; n++) {
    fullGc();
    await new Promise((r) => setTimeout(r, 20));
  }
}

let h: Holdfast;
beforeAll(async () => {
  h = await startHoldfast();
});
afterAll(async () => {
  await h.close();
});

/** Stores `n` keys made by `make`, returns [real bytes per key, estimated bytes per key]. */
function measure(n: number, make: (i: number) => [string, Value], ttl = false): [number, number] {
  const ks = h.server.keyspace;
  const db = ks.dbs[0]!;
  db.flush();
  fullGc();
  fullGc();
  const heapBefore = used();
  const estBefore = ks.lru.datasetBytes;
  for (let i = 0; i < n; i++) {
    const [k, v] = make(i);
    db.set(k, v);
    if (typeof v !== 'string') ks.signalModifiedKey(db, k);
    if (ttl) db.setExpire(k, Date.now() + 3_600_000 + i);
  }
  fullGc();
  fullGc();
  const real = (used() - heapBefore) / n;
  const est = (ks.lru.datasetBytes - estBefore) / n;
  db.flush();
  return [real, est];
}

const key = (i: number) => wire(`key:${String(i).padStart(10, '0')}`);

describe('the dataset estimate against the V8 heap', () => {
  const cases: [string, number, (i: number) => [string, Value]][] = [
    ['10-byte strings', 200_000, (i) => [key(i), wire(`v${String(i).padStart(9, '0')}`)]],
    ['100-byte strings', 200_000, (i) => [key(i), wire(`${i}`.padStart(100, 'x'))]],
    ['1 KB strings', 50_000, (i) => [key(i), wire(`${i}`.padStart(1000, 'x'))]],
    ['100 KB strings', 500, (i) => [key(i), wire(`${i}`.padStart(100_000, 'x'))]],
    ['1 MB strings', 100, (i) => [key(i), wire(`${i}`.padStart(1_000_000, 'x'))]],
    [
      'hashes of 10 fields',
      20_000,
      (i) => {
        const v = new HashValue();
        for (let f = 0; f < 10; f++) v.set(wire(`field${f}`), wire(`value-${i}-${f}`));
        return [key(i), v];
      },
    ],
    [
      'lists of 10 elements',
      20_000,
      (i) => {
        const v = new ListValue();
        for (let f = 0; f < 10; f++) v.pushBack(wire(`element-${i}-${f}`));
        return [key(i), v];
      },
    ],
    [
      'sets of 10 members',
      20_000,
      (i) => {
        const v = new SetValue();
        for (let f = 0; f < 10; f++) v.add(wire(`member-${i}-${f}`));
        return [key(i), v];
      },
    ],
    [
      'sorted sets of 10 members',
      20_000,
      (i) => {
        const v = new SortedSet();
        for (let f = 0; f < 10; f++) v.add(wire(`member-${i}-${f}`), f + 0.5);
        return [key(i), v];
      },
    ],
    [
      'hashes of 1 field',
      50_000,
      (i) => {
        const v = new HashValue();
        v.set(wire('field'), wire(`value-${i}`));
        return [key(i), v];
      },
    ],
    [
      'lists of 1 element',
      50_000,
      (i) => {
        const v = new ListValue();
        v.pushBack(wire(`element-${i}`));
        return [key(i), v];
      },
    ],
    [
      'sets of 1 member',
      50_000,
      (i) => {
        const v = new SetValue();
        v.add(wire(`member-${i}`));
        return [key(i), v];
      },
    ],
    [
      'sorted sets of 1 member',
      50_000,
      (i) => {
        const v = new SortedSet();
        v.add(wire(`member-${i}`), 0.5);
        return [key(i), v];
      },
    ],
  ];
  it.each(cases)('%s', (_name, n, make) => {
    const [real, est] = measure(n, make);
    console.log(`${_name}: real ${real.toFixed(1)} B/key, estimated ${est.toFixed(1)} B/key`);
    expect(est / real).toBeGreaterThan(0.85);
    expect(est / real).toBeLessThan(1.15);
  });

  it('keys with a TTL', () => {
    const [real, est] = measure(100_000, (i) => [key(i), wire(`${i}`.padStart(100, 'x'))], true);
    console.log(`100-byte strings with TTL: real ${real.toFixed(1)} B/key, estimated ${est.toFixed(1)} B/key`);
    expect(est / real).toBeGreaterThan(0.85);
    expect(est / real).toBeLessThan(1.15);
  });

  it('gives memory back after mass deletes: tables shrink, arenas repack, empty slots go', async () => {
    const ks = h.server.keyspace;
    const db = ks.dbs[0]!;
    db.flush();
    await settle();
    const base = used();
    for (let i = 0; i < 200_000; i++) db.set(key(i), wire(`${i}`.padStart(100, 'x')));
    await settle();
    const full = used() - base;
    // Nine keys in ten go, in key order (so every slot loses most of its keys).
    for (let i = 0; i < 200_000; i++) if (i % 10 !== 0) ks.deleteKeyAndNotify(db, key(i), 'del');
    await settle();
    const after = used() - base;
    expect(db.size).toBe(20_000);
    for (let i = 0; i < 200_000; i += 10) expect(db.get(key(i), false)).toBe(`${i}`.padStart(100, 'x'));
    // The same 20,000 keys stored into an empty database.
    db.flush();
    await settle();
    const fresh0 = used();
    for (let i = 0; i < 200_000; i += 10) db.set(key(i), wire(`${i}`.padStart(100, 'x')));
    await settle();
    const fresh = used() - fresh0;
    db.flush();
    console.log(`200,000 keys: ${(full / 1e6).toFixed(1)} MB; 20,000 left after deletes: ${(after / 1e6).toFixed(1)} MB; the same stored fresh: ${(fresh / 1e6).toFixed(1)} MB`);
    expect(after).toBeLessThan(full * 0.5);
    // Measured: 1.30x in this file's order, 1.47x when this test runs alone (the allocator's
    // state left by the tests before it differs), and alone 1.53x already before the size
    // classes. Why the remainder after deletes keeps a third more than a fresh store is not
    // explained yet; the bound guards against a regression beyond that.
    expect(after).toBeLessThan(fresh * 1.6);
  });

  it('comes back to zero when the keys go', () => {
    const ks = h.server.keyspace;
    const db = ks.dbs[0]!;
    for (let i = 0; i < 1000; i++) db.set(key(i), wire(`v${i}`));
    expect(ks.lru.datasetBytes).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++) ks.deleteKeyAndNotify(db, key(i), 'del');
    expect(ks.lru.datasetBytes).toBe(0);
  });
});
