import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from './limits.js';
import { ARRAY_HEADER_BYTES, MAP_ENTRY_BYTES, MAP_HEADER_BYTES, OBJECT_HEADER_BYTES, POINTER_BYTES, stringBytes } from './memory.js';
import { randomIndex, sampleDistinctIndexes, type RandomSource } from './random.js';

export type HashEntry = [field: string, value: string];

/**
 * A Redis hash. Fields and values live in two parallel arrays with a Map from
 * field to array position, so HRANDFIELD picks a uniform field in O(1) and
 * iteration needs no per-entry objects.
 *
 * Order: while the hash is a listpack, Redis keeps insertion order (an update
 * stays in place, a delete closes the gap), and HGETALL shows it; we keep the same
 * order by closing the gap on delete, O(n) for n <= hash-max-listpack-entries,
 * as in a listpack. Once it is a hashtable the order is unspecified in Redis, so
 * a delete moves the last entry into the hole in O(1).
 */
export class HashValue implements Iterable<HashEntry> {
  readonly #limits: EncodingLimits;
  readonly #index = new Map<string, number>();
  readonly #fields: string[] = [];
  readonly #values: string[] = [];
  /** Sticky, as in Redis: a hash converted to a hashtable never goes back to a listpack. */
  #hashtable = false;
  /** Sum of field and value lengths, kept so memoryUsage() is O(1). */
  #bytes = 0;

  /** @param limits read on every write, so pass the live server config to have CONFIG SET behave as in Redis. */
  constructor(limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS) {
    this.#limits = limits;
  }

  /** The TYPE command's answer. */
  get type(): 'hash' {
    return 'hash';
  }

  get size(): number {
    return this.#fields.length;
  }

  /**
   * OBJECT ENCODING. Redis 7.0 converts a listpack hash to a hashtable when a
   * write brings a field or value longer than hash-max-listpack-value, or more
   * than hash-max-listpack-entries fields (defaults 64 and 512), and never
   * converts it back.
   */
  get encoding(): 'listpack' | 'hashtable' {
    return this.#hashtable ? 'hashtable' : 'listpack';
  }

  get(field: string): string | undefined {
    const i = this.#index.get(field);
    return i === undefined ? undefined : this.#values[i];
  }

  has(field: string): boolean {
    return this.#index.has(field);
  }

  /** Sets a field (HSET, HINCRBY...); true when the field is new. */
  set(field: string, value: string): boolean {
    const limits = this.#limits;
    // Redis hashTypeSet/hashTypeTryConversion: long fields or values convert even
    // when they only update, e.g. HINCRBYFLOAT on a listpack hash.
    if (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue) {
      this.#hashtable = true;
    }
    const i = this.#index.get(field);
    if (i !== undefined) {
      this.#bytes += value.length - this.#values[i]!.length;
      this.#values[i] = value;
      return false;
    }
    this.#index.set(field, this.#fields.length);
    this.#fields.push(field);
    this.#values.push(value);
    this.#bytes += field.length + value.length;
    if (this.#fields.length > limits.hashMaxListpackEntries) this.#hashtable = true;
    return true;
  }

  delete(field: string): boolean {
    const i = this.#index.get(field);
    if (i === undefined) return false;
    const fields = this.#fields;
    const values = this.#values;
    this.#bytes -= field.length + values[i]!.length;
    this.#index.delete(field);
    const last = fields.length - 1;
    if (!this.#hashtable) {
      fields.splice(i, 1);
      values.splice(i, 1);
      for (let j = i; j < last; j++) this.#index.set(fields[j]!, j);
    } else {
      if (i !== last) {
        fields[i] = fields[last]!;
        values[i] = values[last]!;
        this.#index.set(fields[i]!, i);
      }
      fields.pop();
      values.pop();
    }
    return true;
  }

  /** One uniformly random entry, O(1); undefined when empty. */
  randomEntry(random: RandomSource = Math.random): HashEntry | undefined {
    const n = this.#fields.length;
    if (n === 0) return undefined;
    const i = randomIndex(n, random);
    return [this.#fields[i]!, this.#values[i]!];
  }

  /**
   * count distinct random entries in random order (HRANDFIELD with a positive
   * count). When count >= size every entry is returned in hash order, as Redis does.
   */
  randomEntries(count: number, random: RandomSource = Math.random): HashEntry[] {
    const n = this.#fields.length;
    if (count <= 0) return [];
    if (count >= n) return [...this];
    return sampleDistinctIndexes(n, count, random).map((i) => [this.#fields[i]!, this.#values[i]!]);
  }

  /** count independent uniform picks (HRANDFIELD with a negative count). */
  randomEntriesWithRepetition(count: number, random: RandomSource = Math.random): HashEntry[] {
    const n = this.#fields.length;
    if (n === 0 || count <= 0) return [];
    const out = new Array<HashEntry>(count);
    for (let k = 0; k < count; k++) {
      const i = randomIndex(n, random);
      out[k] = [this.#fields[i]!, this.#values[i]!];
    }
    return out;
  }

  [Symbol.iterator](): Iterator<HashEntry> {
    return this.entries();
  }

  /** Entries in hash order (insertion order while a listpack). */
  *entries(): Generator<HashEntry, void, undefined> {
    for (let i = 0; i < this.#fields.length; i++) yield [this.#fields[i]!, this.#values[i]!];
  }

  /** Fields in hash order (HKEYS); a copy. */
  fields(): string[] {
    return this.#fields.slice();
  }

  /** Values in hash order (HVALS); a copy. */
  values(): string[] {
    return this.#values.slice();
  }

  /**
   * One step of HSCAN. A listpack hash is returned whole with cursor 0, as Redis does
   * (COUNT is ignored for compact encodings). A hashtable is walked by position from the
   * end towards the start, `count` entries per step; the cursor is the position to
   * continue below. A delete only ever moves an entry to a lower position (the last one
   * into the hole), and inserts append above every cursor, so an entry present for the
   * whole scan is visited at least once (Redis's SCAN guarantee); entries moved down may
   * be visited twice, which the contract allows.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const fields = this.#fields;
    const values = this.#values;
    const n = fields.length;
    if (!this.#hashtable) {
      for (let i = 0; i < n; i++) visit(fields[i]!, values[i]!);
      return 0;
    }
    const from = cursor === 0 || cursor > n ? n : cursor;
    const to = Math.max(0, from - count);
    for (let i = from - 1; i >= to; i--) visit(fields[i]!, values[i]!);
    return to;
  }

  /** A deep copy with the same encoding and order (COPY; Redis's hashTypeDup). */
  clone(): HashValue {
    const copy = new HashValue(this.#limits);
    const fields = this.#fields;
    const values = this.#values;
    for (let i = 0; i < fields.length; i++) {
      copy.#index.set(fields[i]!, i);
      copy.#fields.push(fields[i]!);
      copy.#values.push(values[i]!);
    }
    copy.#hashtable = this.#hashtable;
    copy.#bytes = this.#bytes;
    return copy;
  }

  /** A rough estimate of this value's heap footprint in bytes, O(1). */
  memoryUsage(): number {
    const n = this.#fields.length;
    return (
      OBJECT_HEADER_BYTES + 5 * POINTER_BYTES + MAP_HEADER_BYTES + 2 * ARRAY_HEADER_BYTES +
      n * (MAP_ENTRY_BYTES + 2 * POINTER_BYTES * 1.25 + 2 * stringBytes(0) + 8) + this.#bytes
    );
  }
}
