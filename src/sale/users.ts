/**
 * The users of one sale, interned to small integer ids so each lot stores 4 bytes for its
 * user instead of a string pointer, and counts live in one typed array.
 *
 * Only users with a nonzero count (held + purchased + confirmed) are kept: the id of a
 * user whose count drops to zero is recycled, so a long sale with many passing users does
 * not grow without bound, and `size` is SALE.INFO's `users` field directly.
 *
 * A V8 Map holds at most 2^24 entries and a sale may have up to 100,000,000 buyers, so
 * past `shardThreshold` users the index is split into shards by a string hash. Below it,
 * lookups stay a single Map.get with no hashing of our own.
 */
const SHARD_THRESHOLD = 1 << 23;
const SHARD_COUNT = 32;

function shardOf(name: string): number {
  // FNV-1a over the latin1 code units.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (SHARD_COUNT - 1);
}

/** Rough per-user cost beyond the name's characters: Map entry and bucket, string header, slots. */
export const USER_OVERHEAD_BYTES = 72;

export class UserTable {
  /** id -> name ('' for a recycled id). */
  readonly names: string[] = [];
  /** id -> held + purchased + confirmed lots. */
  counts = new Int32Array(64);
  /** Sum of the names' lengths, for memory estimates. */
  nameChars = 0;
  private single: Map<string, number> | null = new Map();
  private shards: Map<string, number>[] | null = null;
  private freeIds: number[] = [];
  private live = 0;

  constructor(private readonly shardThreshold = SHARD_THRESHOLD) {}

  /** Users with a nonzero count. */
  get size(): number {
    return this.live;
  }

  /** The id of a user with a nonzero count, or -1. */
  idOf(name: string): number {
    const id = this.single !== null ? this.single.get(name) : this.shards![shardOf(name)]!.get(name);
    return id === undefined ? -1 : id;
  }

  countOf(name: string): number {
    const id = this.idOf(name);
    return id < 0 ? 0 : this.counts[id]!;
  }

  /** Adds one lot to a user's count; `id` is idOf(name) when the caller already has it. */
  acquire(name: string, id = this.idOf(name)): number {
    if (id < 0) id = this.intern(name);
    this.counts[id]!++;
    return id;
  }

  /** Removes one lot from a user's count, forgetting the user at zero. */
  release(id: number): void {
    if (--this.counts[id]! > 0) return;
    const name = this.names[id]!;
    if (this.single !== null) this.single.delete(name);
    else this.shards![shardOf(name)]!.delete(name);
    this.names[id] = '';
    this.nameChars -= name.length;
    this.freeIds.push(id);
    this.live--;
  }

  /** Bytes held by the table, estimated (for MEMORY USAGE). */
  memoryUsage(): number {
    return this.counts.byteLength + this.names.length * 8 + this.live * USER_OVERHEAD_BYTES + this.nameChars;
  }

  private intern(name: string): number {
    let id: number;
    if (this.freeIds.length > 0) {
      id = this.freeIds.pop()!;
      this.names[id] = name;
    } else {
      id = this.names.length;
      this.names.push(name);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    this.counts[id] = 0;
    this.nameChars += name.length;
    this.live++;
    if (this.single !== null) {
      this.single.set(name, id);
      if (this.single.size >= this.shardThreshold) this.shard();
    } else {
      this.shards![shardOf(name)]!.set(name, id);
    }
    return id;
  }

  private shard(): void {
    const shards: Map<string, number>[] = [];
    for (let i = 0; i < SHARD_COUNT; i++) shards.push(new Map());
    for (const [name, id] of this.single!) shards[shardOf(name)]!.set(name, id);
    this.shards = shards;
    this.single = null;
  }
}
