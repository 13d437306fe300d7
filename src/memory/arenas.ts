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
  /** Bytes of the blocks handed out (block sizes, not what callers asked for). */
  inUse: 0,
  /** Bytes of the buffers of their own (requests over 1 MB), handed out and not released. */
  largeBytes: 0,
};

function orderOf(bytes: number): number {
  return bytes <= 2 ** MIN_ORDER ? MIN_ORDER : 32 - Math.clz32(bytes - 1);
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

/** Takes a block of `bytes` (a power of two); returns its address. */
function take(bytes: number): number {
  stats.inUse += bytes;
  return allocBlock(orderOf(bytes));
}

/** A buffer of at least `size` bytes (its length is arenaBlockBytes(size)). Its contents are stale. */
export function takeArena(size: number): Buffer {
  const bytes = arenaBlockBytes(size);
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
