import { describe, expect, it } from 'vitest';
import { arenaBlockBytes, arenaStats, releaseArena, releaseWords, takeArena, takeWords } from '../../src/memory/arenas.js';

/** A small seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
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

  it('never hands out overlapping blocks, and merges every block back once all are released', () => {
    const before = arenaStats().inUse;
    const random = rng(12345);
    const live: { view: Buffer | Uint32Array; tag: number }[] = [];
    const fill = (view: Buffer | Uint32Array, tag: number) => view.fill(tag);
    const check = (view: Buffer | Uint32Array, tag: number) => {
      for (let i = 0; i < view.length; i++) if (view[i] !== tag) return false;
      return true;
    };
    for (let step = 0; step < 20_000; step++) {
      if (live.length > 0 && random() < 0.45) {
        const i = Math.floor(random() * live.length);
        const { view, tag } = live[i]!;
        // Another block written over this one would show here.
        expect(check(view, tag)).toBe(true);
        if (view instanceof Uint32Array) releaseWords(view);
        else releaseArena(view);
        live[i] = live[live.length - 1]!;
        live.pop();
      } else {
        // Mostly small, some up to 1 MB and a few over it (buffers of their own).
        const r = random();
        const size = 1 + Math.floor(r < 0.9 ? random() * 4096 : r < 0.99 ? random() * (1 << 20) : (1 << 20) + random() * 100_000);
        const tag = 1 + (step % 250);
        const view = random() < 0.3 ? takeWords(Math.ceil(size / 4)) : takeArena(size);
        fill(view, tag);
        live.push({ view, tag });
      }
    }
    for (const { view, tag } of live) {
      expect(check(view, tag)).toBe(true);
      if (view instanceof Uint32Array) releaseWords(view);
      else releaseArena(view);
    }
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
