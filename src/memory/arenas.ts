/**
 * The memory of the keyspace's slot arenas and tables (src/keyspace/database.ts): blocks
 * carved out of large SharedArrayBuffers by a buddy allocator, and handed back when a slot
 * replaces them, instead of one ArrayBuffer each left to the garbage collector.
 *
 * Why: V8 counts every ArrayBuffer it allocates as external memory and, for every 64 MB
 * allocated since the last full GC, starts a major GC, making each further ArrayBuffer
 * allocation do a 5 to 10 ms marking step on the main thread until it is done
 * (Heap::ReportExternalMemoryPressure). A keyspace growing to 20 million keys replaces
 * each slot's arena and table by bigger ones again and again: gigabytes of ArrayBuffers,
 * a major GC for every 64 MB of them, each stalling the event loop several times.
 * Measured (2,000,000 SETs of 100 bytes under redis-benchmark -P 16, a busy machine): 34
 * to 38 major GCs, the longest pause 280 to 330 ms.
 *
 * A SharedArrayBuffer is not counted (its accounting length is 0:
 * BackingStore::PerIsolateAccountingLength), and blocks handed back are reused, so the
 * arenas never start a GC and leave no garbage. Buddies (two halves of a block) merge when
 * both are free: the slots of a growing keyspace all pass through the same sizes at about
 * the same time, so a pool of blocks by size alone would keep the sizes nobody needs any
 * more (measured: reuse stopped at a tenth of the growth). The cost is rounding to powers
 * of two, and memory that stays with the slabs after deletes (as with Redis's allocator,
 * a free block is reused but not returned, unless a whole slab is free). Measured with the
 * keyspace on it, 5,000,000 SETs as above, same minute: 4 major GCs instead of 73, GC
 * pauses 0.85 s in all instead of 3.2, the longest 98 ms instead of 233 (busy machine),
 * server CPU 4.9 instead of 5.8 µs a SET, RSS 211 instead of 227 bytes a key; slabs
 * 1.28 GB for 1.18 GB of blocks.
 *
 * A caller must not touch a block after releasing it. Nothing outside the keyspace ever
 * sees one: values are copied out.
 */

/** Slabs of 64 MB. */
const SLAB_ORDER = 26;
const SLAB_BYTES = 2 ** SLAB_ORDER;
/** The smallest block: 64 bytes. */
const MIN_ORDER = 6;
/** Blocks up to 1 MB; larger requests (a slot of many big values) get a buffer of their own. */
const MAX_ORDER = 20;

const slabs: (SharedArrayBuffer | undefined)[] = [];
/** A Buffer over each slab, to cut blocks from. */
const slabViews: (Buffer | undefined)[] = [];
/** Each slab as float64 words: a free block's first two hold its list links. */
const slabLinks: (Float64Array | undefined)[] = [];
/** Per slab, per 64-byte granule: 0, or 1 + the order of the free block starting there. */
const slabFree: (Uint8Array | undefined)[] = [];
const slabIndex = new Map<SharedArrayBuffer, number>();
/**
 * The free blocks of each order: a doubly linked list threaded through the blocks
 * themselves (addresses are slab index * SLAB_BYTES + offset; -1 ends a list), so the
 * allocator keeps no heap object per block.
 */
const freeHeads = new Float64Array(SLAB_ORDER + 1).fill(-1);

const stats = {
  /** Bytes of the slabs. */
  slabBytes: 0,
  /**
   * Bytes of the buddy blocks handed out (block sizes, not what callers asked for), runs
   * counted whole: memory the slabs cannot give to anyone else.
   */
  inUse: 0,
  /** Bytes of the chunks of size classes handed out (part of inUse: the rest is their runs' free chunks and tails). */
  classBytes: 0,
  /** Bytes of the buffers of their own (requests over 1 MB), handed out and not released. */
  largeBytes: 0,
};

function orderOf(bytes: number): number {
  return bytes <= 2 ** MIN_ORDER ? MIN_ORDER : 32 - Math.clz32(bytes - 1);
}

/**
 * Size classes between the powers of two, as jemalloc's, for arenas up to 4 KB and those of
 * slots that have been repacked (takeArena's `fit`, src/keyspace/database.ts): for a request over 2^(n-1)
 * up to 2^n (n from 11 to 16: 1 KB to 64 KB), the smallest of 1.25, 1.5, 1.75 and 2 times
 * 2^(n-1) that holds it. Every database has 16,384 slots, so with a few hundred thousand
 * keys a slot's arena is a few KB, and rounding it to a power of two wasted a lot. Measured
 * in an evicting cache (maxmemory 46,400,000, SETs of 100 bytes over 4,000,000 keys): 197
 * bytes of blocks a key instead of 242.
 *
 * The classes that are not powers of two are chunks of runs: a run is a buddy block of 32
 * or 64 quarter-units (runOrder) cut into 6, 5 or 9 equal chunks; its last 64 bytes, in
 * the tail the chunks leave, hold the run's header: its free-chunk list (threaded through
 * the free chunks), its free and never-used counts, and its links in its class's list of
 * runs with a free chunk. So no heap object per chunk or run. A run goes back to the buddy
 * allocator when all its chunks are free, so classes nobody uses any more keep no memory.
 *
 * Why only for repacked slots, and small runs: a run stays while any of its chunks is in
 * use. The slots of a growing keyspace all move up through the same sizes at about the
 * same time, and the few that lag behind each pin a run of a class the others have left:
 * with every arena in classes (runs of 18 to 25 chunks), 1,000,000 SETs of 100 bytes took
 * 257 bytes of RSS a key instead of 235 (runs of 5 to 9 chunks: 251). A slot that only
 * grows therefore doubles above 4 KB, as before; one repacked (garbage: an evicting cache,
 * rewrites, deletes) holds a stable population and takes classes. No classes below 1 KB:
 * after mass deletes (200,000 keys of 100 bytes, nine in ten deleted) the small arenas,
 * allocated while every slot shrank at once, were left scattered over runs a third to
 * four fifths full: with classes from 128 bytes, 8.2 MB of blocks stayed for the 20,000
 * keys left (3.9 MB stored fresh); from 1 KB, 5.9 MB, as with powers of two only.
 */
const CLASS_MIN_ORDER = 11;
const CLASS_MAX_ORDER = 16;
/** Three classes (1.25, 1.5, 1.75) per order from CLASS_MIN_ORDER to CLASS_MAX_ORDER. */
const CLASS_COUNT = 3 * (CLASS_MAX_ORDER - CLASS_MIN_ORDER + 1);
/**
 * A run of the 1.25 and 1.5 classes is 32 quarter-units (6 or 5 chunks, 2 units left), of
 * the 1.75 class 64 (9 chunks, 1 unit left: 256 bytes at least, room for the header).
 */
const RUN_UNITS_LOG = 5;
const HEADER_BYTES = 64;
/** Header words (float64) from the header's start. */
const H_FREE_HEAD = 0;
const H_PREV = 1;
const H_NEXT = 2;
const H_FREE = 3;
const H_BUMP = 4;
/** Per class: the first run with a free chunk (an address, -1: none). */
const runHeads = new Float64Array(CLASS_COUNT).fill(-1);

/** The class of a request whose block is not a power of two (-1 if it is one). */
function classOf(size: number): number {
  const order = orderOf(size);
  if (order < CLASS_MIN_ORDER || order > CLASS_MAX_ORDER) return -1;
  const q = Math.ceil(size / 2 ** (order - 3));
  return q === 8 ? -1 : 3 * (order - CLASS_MIN_ORDER) + q - 5;
}

/** Bytes of a chunk of class c. */
function chunkBytes(c: number): number {
  return (5 + (c % 3)) * 2 ** (CLASS_MIN_ORDER - 3 + Math.floor(c / 3));
}

/** The buddy order of a run of class c. */
function runOrder(c: number): number {
  return CLASS_MIN_ORDER - 3 + Math.floor(c / 3) + RUN_UNITS_LOG + (c % 3 === 2 ? 1 : 0);
}

/** Chunks in a run of class c. */
function runChunks(c: number): number {
  return Math.floor((2 ** (RUN_UNITS_LOG + (c % 3 === 2 ? 1 : 0))) / (5 + (c % 3)));
}

/**
 * The bytes a request of `size` bytes takes: its power of two, or its own buffer over 1 MB.
 * The untouched end of a block costs address space only, until it is written (the slot
 * grows into it) or the block had a previous owner: RSS stays below what ArrayBuffers of
 * their own cost, their garbage included. Cutting blocks to an eighth of their power of
 * two and freeing the rest instead (tried) scattered small free pieces that kept buddies
 * from merging: 2,000,000 keys took 765 MB of RSS instead of 516.
 */
export function arenaBlockBytes(size: number): number {
  const order = orderOf(size);
  return order > MAX_ORDER ? size : 2 ** order;
}

/** The bytes a request of `size` bytes takes in its size class (else as arenaBlockBytes). */
export function arenaClassBytes(size: number): number {
  const c = classOf(size);
  return c < 0 ? arenaBlockBytes(size) : chunkBytes(c);
}

/** Takes a free block of 2^order bytes (splitting a bigger one, or a new slab); returns its address. */
function allocBlock(order: number): number {
  let j = order;
  while (j <= SLAB_ORDER && freeHeads[j]! < 0) j++;
  let addr: number;
  if (j > SLAB_ORDER) {
    j = SLAB_ORDER;
    addr = newSlab() * SLAB_BYTES;
  } else {
    addr = freeHeads[j]!;
    unlinkFree(addr, j);
  }
  // Split down to the order asked for, freeing the upper halves.
  while (j > order) {
    j--;
    pushFree(addr + 2 ** j, j);
  }
  return addr;
}

function pushFree(addr: number, order: number): void {
  const off = addr % SLAB_BYTES;
  const slab = (addr - off) / SLAB_BYTES;
  const links = slabLinks[slab]!;
  const head = freeHeads[order]!;
  links[off / 8] = head;
  links[off / 8 + 1] = -1;
  if (head >= 0) linksOf(head)[(head % SLAB_BYTES) / 8 + 1] = addr;
  freeHeads[order] = addr;
  slabFree[slab]![off / 64] = order + 1;
}

function unlinkFree(addr: number, order: number): void {
  const off = addr % SLAB_BYTES;
  const slab = (addr - off) / SLAB_BYTES;
  const links = slabLinks[slab]!;
  const next = links[off / 8]!;
  const prev = links[off / 8 + 1]!;
  if (prev >= 0) linksOf(prev)[(prev % SLAB_BYTES) / 8] = next;
  else freeHeads[order] = next;
  if (next >= 0) linksOf(next)[(next % SLAB_BYTES) / 8 + 1] = prev;
  slabFree[slab]![off / 64] = 0;
}

function linksOf(addr: number): Float64Array {
  return slabLinks[Math.floor(addr / SLAB_BYTES)]!;
}

/** Whether the block at addr is free and of that order. */
function isFree(addr: number, order: number): boolean {
  const off = addr % SLAB_BYTES;
  return slabFree[(addr - off) / SLAB_BYTES]![off / 64] === order + 1;
}

function newSlab(): number {
  let i = slabs.indexOf(undefined);
  if (i < 0) i = slabs.length;
  const sab = new SharedArrayBuffer(SLAB_BYTES);
  slabs[i] = sab;
  slabViews[i] = Buffer.from(sab);
  slabLinks[i] = new Float64Array(sab);
  slabFree[i] = new Uint8Array(SLAB_BYTES / 64);
  slabIndex.set(sab, i);
  stats.slabBytes += SLAB_BYTES;
  return i;
}

/** Frees an aligned block of 2^order bytes, merging it with its free buddies. */
function freeBlock(addr: number, order: number): void {
  const off = addr % SLAB_BYTES;
  const base = addr - off;
  let at = off;
  while (order < SLAB_ORDER) {
    // Offsets within a slab stay below 2^26, where the bitwise operators work.
    const buddy = at ^ (1 << order);
    if (!isFree(base + buddy, order)) break;
    unlinkFree(base + buddy, order);
    at &= buddy;
    order++;
  }
  if (order === SLAB_ORDER && stats.slabBytes - stats.inUse > 2 * SLAB_BYTES) {
    // A whole slab is free, and at least one more slab's worth is: give this one back.
    dropSlab(base / SLAB_BYTES);
    return;
  }
  pushFree(base + at, order);
}

/**
 * Leaves a free slab to the garbage collector. V8 frees a SharedArrayBuffer at the first
 * full GC after it became unreachable but, not counting its memory, would not start one
 * for it. So V8 is told, the only way a script can: a plain ArrayBuffer of the slab's
 * size, allocated and let go at once, counts as that much external memory and so starts
 * an incremental major GC, as the slab would have if V8 counted it. That buffer is never
 * touched, so its pages are never resident (calloc maps them lazily).
 */
function dropSlab(i: number): void {
  const sab = slabs[i]!;
  slabs[i] = undefined;
  slabViews[i] = undefined;
  slabLinks[i] = undefined;
  slabFree[i] = undefined;
  slabIndex.delete(sab);
  stats.slabBytes -= SLAB_BYTES;
  void new ArrayBuffer(SLAB_BYTES);
}

/** Takes a block of `bytes` (a power of two or a class size); returns its address. */
function take(bytes: number): number {
  const c = classOf(bytes);
  if (c >= 0) return takeChunk(c);
  stats.inUse += bytes;
  return allocBlock(orderOf(bytes));
}

/** The float64 word index (in its slab's links) of the header of the run at addr, of class c. */
function headerAt(run: number, c: number): number {
  return ((run % SLAB_BYTES) + 2 ** runOrder(c) - HEADER_BYTES) / 8;
}

/** Takes a chunk of class c from the first run with a free one, or a new run. */
function takeChunk(c: number): number {
  const size = chunkBytes(c);
  stats.classBytes += size;
  let run = runHeads[c]!;
  if (run < 0) {
    const order = runOrder(c);
    stats.inUse += 2 ** order;
    run = allocBlock(order);
    const links = linksOf(run), h = headerAt(run, c);
    links[h + H_FREE_HEAD] = -1;
    links[h + H_PREV] = -1;
    links[h + H_NEXT] = -1;
    links[h + H_FREE] = runChunks(c);
    // Chunks never used are handed out in order, so their pages stay untouched until then.
    links[h + H_BUMP] = 0;
    runHeads[c] = run;
  }
  const links = linksOf(run), h = headerAt(run, c);
  let chunk = links[h + H_FREE_HEAD]!;
  if (chunk >= 0) {
    links[h + H_FREE_HEAD] = links[(chunk % SLAB_BYTES) / 8]!;
  } else {
    chunk = run + links[h + H_BUMP]! * size;
    links[h + H_BUMP]!++;
  }
  if (--links[h + H_FREE]! === 0) unlinkRun(run, c);
  return chunk;
}

/** Hands back a chunk of class c; its run goes back to the buddy allocator once all its chunks are free. */
function releaseChunk(chunk: number, c: number): void {
  stats.classBytes -= chunkBytes(c);
  const order = runOrder(c);
  const off = chunk % SLAB_BYTES;
  // Runs are buddy blocks, aligned to their size within the slab.
  const run = chunk - (off & (2 ** order - 1));
  const links = linksOf(run), h = headerAt(run, c);
  links[off / 8] = links[h + H_FREE_HEAD]!;
  links[h + H_FREE_HEAD] = chunk;
  const free = ++links[h + H_FREE]!;
  if (free === 1) {
    // Full until now: back in its class's list, first, so the fullest runs fill up first
    // and the emptiest drain.
    const head = runHeads[c]!;
    links[h + H_PREV] = -1;
    links[h + H_NEXT] = head;
    if (head >= 0) linksOf(head)[headerAt(head, c) + H_PREV] = run;
    runHeads[c] = run;
  }
  if (free === runChunks(c)) {
    unlinkRun(run, c);
    stats.inUse -= 2 ** order;
    freeBlock(run, order);
  }
}

/** Takes a run out of its class's list of runs with a free chunk. */
function unlinkRun(run: number, c: number): void {
  const links = linksOf(run), h = headerAt(run, c);
  const prev = links[h + H_PREV]!, next = links[h + H_NEXT]!;
  if (prev >= 0) linksOf(prev)[headerAt(prev, c) + H_NEXT] = next;
  else runHeads[c] = next;
  if (next >= 0) linksOf(next)[headerAt(next, c) + H_PREV] = prev;
}

/**
 * A buffer of at least `size` bytes: its length is arenaBlockBytes(size), or with `fit`
 * arenaClassBytes(size). Its contents are stale.
 */
export function takeArena(size: number, fit = false): Buffer {
  const bytes = fit ? arenaClassBytes(size) : arenaBlockBytes(size);
  if (orderOf(bytes) > MAX_ORDER) {
    stats.largeBytes += bytes;
    return Buffer.allocUnsafeSlow(bytes);
  }
  const addr = take(bytes);
  const off = addr % SLAB_BYTES;
  return slabViews[(addr - off) / SLAB_BYTES]!.subarray(off, off + bytes);
}

/** `words` uint32 words (a slot's table). Their contents are stale. */
export function takeWords(words: number): Uint32Array {
  const bytes = arenaBlockBytes(4 * words);
  if (orderOf(bytes) > MAX_ORDER) {
    stats.largeBytes += 4 * words;
    return new Uint32Array(words);
  }
  const addr = take(bytes);
  const off = addr % SLAB_BYTES;
  return new Uint32Array(slabs[(addr - off) / SLAB_BYTES]!, off, words);
}

function release(view: ArrayBufferView, bytes: number): void {
  const i = slabIndex.get(view.buffer as SharedArrayBuffer);
  if (i === undefined) {
    // A buffer of its own: the GC frees it.
    stats.largeBytes -= bytes;
    return;
  }
  const c = classOf(bytes);
  if (c >= 0) {
    releaseChunk(i * SLAB_BYTES + view.byteOffset, c);
    return;
  }
  stats.inUse -= bytes;
  freeBlock(i * SLAB_BYTES + view.byteOffset, orderOf(bytes));
}

/** Hands back a buffer from takeArena; the caller must not use it again. */
export function releaseArena(buffer: Buffer): void {
  // A slot's first arena is the shared empty one.
  if (buffer.length > 0) release(buffer, buffer.length);
}

/** Hands back a table from takeWords; the caller must not use it again. */
export function releaseWords(words: Uint32Array): void {
  release(words, words.buffer instanceof SharedArrayBuffer ? arenaBlockBytes(words.byteLength) : words.byteLength);
}

/** Bytes of slabs, of blocks in use and of large buffers (INFO memory, tests). */
export function arenaStats(): Readonly<typeof stats> {
  return stats;
}
