import { describe, expect, it } from 'vitest';
import { arenaBlockBytes, arenaClassBytes, arenaStats, releaseArena, releaseWords, takeArena, takeWords } from '../../src/memory/arenas.js';

/** A small seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Block = Buffer | Uint32Array;

function release(view: Block): void {
  if (view instanceof Uint32Array) releaseWords(view);
  else releaseArena(view);
}

/**
 * Random takes and releases: each live block is filled with its own id, checked before it
 * is released and at the end (a block handed out over another would overwrite one), then
 * everything is released.
 */
function churn(seed: number, steps: number, releaseChance: (live: number) => number, take: (random: () => number) => Block): void {
  const random = rng(seed);
  const live: { view: Block; id: number }[] = [];
  // Its id in every whole word (ids are unique), its low byte in the tail of an odd length.
  const words = (view: Block) => new Uint32Array(view.buffer, view.byteOffset, view.byteLength >> 2);
  const tail = (view: Block) => new Uint8Array(view.buffer, view.byteOffset + (view.byteLength & ~3), view.byteLength & 3);
  const holds = (view: Block, id: number) => words(view).every((w) => w === id) && tail(view).every((b) => b === (id & 0xff));
  for (let step = 0; step < steps; step++) {
    if (live.length > 0 && random() < releaseChance(live.length)) {
      const i = Math.floor(random() * live.length);
      const { view, id } = live[i]!;
      expect(holds(view, id)).toBe(true);
      release(view);
      live[i] = live[live.length - 1]!;
      live.pop();
    } else {
      const view = take(random);
      const id = step + 1;
      words(view).fill(id);
      tail(view).fill(id & 0xff);
      live.push({ view, id });
    }
  }
  for (const { view, id } of live) {
    expect(holds(view, id)).toBe(true);
    release(view);
  }
}

describe('arena blocks', () => {
  it('rounds a request up to its power of two, 64 bytes at least, up to 1 MB', () => {
    expect(arenaBlockBytes(1)).toBe(64);
    expect(arenaBlockBytes(64)).toBe(64);
    expect(arenaBlockBytes(65)).toBe(128);
    expect(arenaBlockBytes(1000)).toBe(1024);
    expect(arenaBlockBytes(1025)).toBe(2048);
    expect(arenaBlockBytes(1 << 20)).toBe(1 << 20);
    // Over 1 MB: a buffer of its own, the size asked for.
    expect(arenaBlockBytes((1 << 20) + 1)).toBe((1 << 20) + 1);
  });

  it('rounds a request up to its size class, quarter steps from 1 KB to 64 KB', () => {
    expect(arenaClassBytes(1)).toBe(64);
    expect(arenaClassBytes(129)).toBe(256);
    expect(arenaClassBytes(1000)).toBe(1024);
    expect(arenaClassBytes(1024)).toBe(1024);
    expect(arenaClassBytes(1025)).toBe(1280);
    expect(arenaClassBytes(1280)).toBe(1280);
    expect(arenaClassBytes(1281)).toBe(1536);
    expect(arenaClassBytes(1700)).toBe(1792);
    expect(arenaClassBytes(1800)).toBe(2048);
    expect(arenaClassBytes(5000)).toBe(5120);
    expect(arenaClassBytes(40_000)).toBe(40_960);
    expect(arenaClassBytes(65_536)).toBe(65_536);
    // Above 64 KB, powers of two again.
    expect(arenaClassBytes(65_537)).toBe(131_072);
    expect(arenaClassBytes((1 << 20) + 1)).toBe((1 << 20) + 1);
    const a = takeArena(5000, true);
    expect(a.length).toBe(5120);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    releaseArena(a);
  });

  it('hands out SharedArrayBuffer views, which V8 does not count as external memory', () => {
    const a = takeArena(5000);
    const w = takeWords(300);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(w.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.length).toBe(arenaBlockBytes(5000));
    expect(w.length).toBe(300);
    releaseArena(a);
    releaseWords(w);
  });

  it('reuses a freed chunk of a class, and hands a run back once all its chunks are free', () => {
    const before = arenaStats().inUse;
    const classBefore = arenaStats().classBytes;
    // 1280 bytes: 1.25 x 1024, chunks of an 8 KB run (32 quarter-units of 256 bytes: 6 chunks).
    const RUN = 8 * 1024;
    const a = takeArena(1100, true);
    expect(a.length).toBe(1280);
    expect(arenaStats().inUse - before).toBe(RUN);
    releaseArena(a);
    // The run was empty: it went back.
    expect(arenaStats().inUse).toBe(before);
    const kept = takeArena(1280, true);
    const b = takeArena(1200, true);
    releaseArena(b);
    const c = takeArena(1250, true);
    // The chunk just freed is the one handed out again.
    expect(c.byteOffset).toBe(b.byteOffset);
    expect(c.buffer).toBe(b.buffer);
    releaseArena(c);
    releaseArena(kept);
    expect(arenaStats().inUse).toBe(before);
    // 15 chunks: three runs of 6; all free, none kept.
    const many = Array.from({ length: 15 }, () => takeArena(1280, true));
    expect(arenaStats().inUse - before).toBe(3 * RUN);
    expect(arenaStats().classBytes - classBefore).toBe(15 * 1280);
    const runs = new Set(many.map((m) => m.byteOffset - (m.byteOffset % RUN)));
    expect(runs.size).toBe(3);
    for (const m of many.slice(0, 8)) releaseArena(m);
    // The first run is empty and went back; the second, a third full, stays.
    expect(arenaStats().inUse - before).toBe(2 * RUN);
    for (const m of many.slice(8)) releaseArena(m);
    expect(arenaStats().inUse).toBe(before);
    expect(arenaStats().classBytes).toBe(classBefore);
  });

  it('keeps live chunks of every class apart (randomized, a pattern per block)', () => {
    const before = arenaStats().inUse;
    churn(777, 30_000, (live) => (live > 3000 ? 0.7 : 0.4), (random) => {
      // Log-uniform over the classes' range, 100 bytes to 70 KB.
      const size = Math.floor(100 * Math.pow(700, random()));
      const r = random();
      const view = r < 0.2 ? takeWords(Math.ceil(size / 4)) : takeArena(size, r < 0.8);
      expect(view.byteLength).toBeGreaterThanOrEqual(size & ~3);
      return view;
    });
    expect(arenaStats().inUse).toBe(before);
  });

  it('never hands out overlapping blocks, and merges every block back once all are released', () => {
    const before = arenaStats().inUse;
    churn(12345, 20_000, () => 0.45, (random) => {
      // Mostly small, some up to 1 MB and a few over it (buffers of their own).
      const r = random();
      const size = 1 + Math.floor(r < 0.9 ? random() * 4096 : r < 0.99 ? random() * (1 << 20) : (1 << 20) + random() * 100_000);
      return random() < 0.3 ? takeWords(Math.ceil(size / 4)) : takeArena(size);
    });
    const s = arenaStats();
    expect(s.inUse).toBe(before);
    expect(s.largeBytes).toBe(0);
    // Everything merged back into whole slabs, all but two of which went back to the GC.
    expect(s.slabBytes).toBeLessThanOrEqual(2 * 64 * 1024 * 1024);
    // And whole slabs come out again: a 1 MB block splits from a merged one.
    const big = takeArena(1 << 20);
    expect(big.length).toBe(1 << 20);
    releaseArena(big);
  });
});
