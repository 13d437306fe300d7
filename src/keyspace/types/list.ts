import { ARRAY_HEADER_BYTES, OBJECT_HEADER_BYTES, POINTER_BYTES, stringBytes } from './memory.js';

/**
 * A Redis list: a growable ring buffer of latin1 strings. Push and pop at either
 * end are amortised O(1), index access is O(1), and an insert or removal in the
 * middle moves only the shorter side (LINSERT, LSET, LREM, LTRIM, LPOS).
 *
 * Indexes taken by the methods are plain 0-based positions from the head; the
 * command layer normalises Redis's negative indexes (normalizeIndexRange for
 * ranges, `i < 0 ? i + size : i` for LINDEX/LSET).
 */

const MIN_CAPACITY = 4;

export class ListValue implements Iterable<string> {
  /** Slots; capacity is a power of two so a position wraps with a mask. */
  #buf: (string | undefined)[];
  #head = 0;
  #size = 0;
  /** Sum of element lengths, kept so memoryUsage() is O(1). */
  #bytes = 0;

  constructor(values?: Iterable<string>) {
    this.#buf = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
    if (values !== undefined) for (const v of values) this.pushBack(v);
  }

  /** The TYPE command's answer. */
  get type(): 'list' {
    return 'list';
  }

  get size(): number {
    return this.#size;
  }

  /**
   * OBJECT ENCODING. Redis 7.0 stores every list as a quicklist of listpack nodes
   * (list-max-listpack-size -2: up to 8 KB per node) and reports 'quicklist' even
   * for one element, as checked against redis-server 7.0.15. Redis 7.2 added a
   * plain 'listpack' encoding for small lists; if we ever claim 7.2, this is where
   * that rule goes.
   */
  get encoding(): 'quicklist' {
    return 'quicklist';
  }

  pushBack(value: string): void {
    if (this.#size === this.#buf.length) this.#resize(this.#buf.length * 2);
    this.#buf[(this.#head + this.#size) & (this.#buf.length - 1)] = value;
    this.#size++;
    this.#bytes += value.length;
  }

  pushFront(value: string): void {
    if (this.#size === this.#buf.length) this.#resize(this.#buf.length * 2);
    this.#head = (this.#head - 1) & (this.#buf.length - 1);
    this.#buf[this.#head] = value;
    this.#size++;
    this.#bytes += value.length;
  }

  popFront(): string | undefined {
    if (this.#size === 0) return undefined;
    const value = this.#buf[this.#head]!;
    // Clear the slot so the buffer does not keep the string alive.
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#buf.length - 1);
    this.#size--;
    this.#bytes -= value.length;
    this.#maybeShrink();
    return value;
  }

  popBack(): string | undefined {
    if (this.#size === 0) return undefined;
    const slot = (this.#head + this.#size - 1) & (this.#buf.length - 1);
    const value = this.#buf[slot]!;
    this.#buf[slot] = undefined;
    this.#size--;
    this.#bytes -= value.length;
    this.#maybeShrink();
    return value;
  }

  /** Up to count elements from the head, in pop order (LPOP/LMPOP with a count). */
  popFrontMany(count: number): string[] {
    const n = Math.max(0, Math.min(count, this.#size));
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.popFront()!;
    return out;
  }

  /** Up to count elements from the tail, in pop order (RPOP with a count). */
  popBackMany(count: number): string[] {
    const n = Math.max(0, Math.min(count, this.#size));
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.popBack()!;
    return out;
  }

  /** The element at 0-based index from the head, or undefined when out of range (LINDEX). */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#buf[(this.#head + index) & (this.#buf.length - 1)];
  }

  /** Replaces the element at index; false when out of range (LSET answers ERR index out of range). */
  set(index: number, value: string): boolean {
    if (index < 0 || index >= this.#size) return false;
    const slot = (this.#head + index) & (this.#buf.length - 1);
    this.#bytes += value.length - this.#buf[slot]!.length;
    this.#buf[slot] = value;
    return true;
  }

  /** Elements start..stop inclusive, already normalised (LRANGE). */
  range(start: number, stop: number): string[] {
    if (start < 0) start = 0;
    if (stop >= this.#size) stop = this.#size - 1;
    if (start > stop) return [];
    const out = new Array<string>(stop - start + 1);
    const mask = this.#buf.length - 1;
    for (let i = start; i <= stop; i++) out[i - start] = this.#buf[(this.#head + i) & mask]!;
    return out;
  }

  /**
   * Keeps only start..stop inclusive, already normalised; start > stop empties the
   * list (LTRIM with an empty range; the keyspace then deletes the key).
   */
  trim(start: number, stop: number): void {
    if (start < 0) start = 0;
    if (stop >= this.#size) stop = this.#size - 1;
    if (start > stop) {
      this.clear();
      return;
    }
    const dropTail = this.#size - 1 - stop;
    for (let i = 0; i < dropTail; i++) this.popBack();
    for (let i = 0; i < start; i++) this.popFront();
  }

  clear(): void {
    this.#buf = new Array<string | undefined>(MIN_CAPACITY).fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#bytes = 0;
  }

  /** Inserts so that the value ends up at index (0..size), moving the shorter side. */
  insertAt(index: number, value: string): void {
    if (index < 0 || index > this.#size) throw new RangeError('ListValue.insertAt: index out of range');
    if (this.#size === this.#buf.length) this.#resize(this.#buf.length * 2);
    const buf = this.#buf;
    const mask = buf.length - 1;
    if (index < this.#size - index) {
      // Shift the first `index` elements one slot towards the front.
      this.#head = (this.#head - 1) & mask;
      for (let i = 0; i < index; i++) buf[(this.#head + i) & mask] = buf[(this.#head + i + 1) & mask];
    } else {
      for (let i = this.#size; i > index; i--) buf[(this.#head + i) & mask] = buf[(this.#head + i - 1) & mask];
    }
    buf[(this.#head + index) & mask] = value;
    this.#size++;
    this.#bytes += value.length;
  }

  /** Removes and returns the element at index, moving the shorter side. */
  removeAt(index: number): string {
    if (index < 0 || index >= this.#size) throw new RangeError('ListValue.removeAt: index out of range');
    const buf = this.#buf;
    const mask = buf.length - 1;
    const value = buf[(this.#head + index) & mask]!;
    if (index < this.#size - 1 - index) {
      for (let i = index; i > 0; i--) buf[(this.#head + i) & mask] = buf[(this.#head + i - 1) & mask];
      buf[this.#head] = undefined;
      this.#head = (this.#head + 1) & mask;
    } else {
      for (let i = index; i < this.#size - 1; i++) buf[(this.#head + i) & mask] = buf[(this.#head + i + 1) & mask];
      buf[(this.#head + this.#size - 1) & mask] = undefined;
    }
    this.#size--;
    this.#bytes -= value.length;
    this.#maybeShrink();
    return value;
  }

  /**
   * LINSERT: inserts value before or after the first element equal to pivot
   * (searching from the head). Returns the new size, or -1 when pivot is absent.
   */
  insertAtPivot(pivot: string, value: string, where: 'before' | 'after'): number {
    const index = this.indexOf(pivot);
    if (index === -1) return -1;
    this.insertAt(where === 'before' ? index : index + 1, value);
    return this.#size;
  }

  /** First index of value from the head, or -1. */
  indexOf(value: string): number {
    const mask = this.#buf.length - 1;
    for (let i = 0; i < this.#size; i++) if (this.#buf[(this.#head + i) & mask] === value) return i;
    return -1;
  }

  /**
   * LREM: removes elements equal to value, the first `count` from the head when
   * count > 0, the last -count from the tail when count < 0, all when 0. One
   * compacting pass, O(n). Returns the number removed.
   */
  removeOccurrences(value: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const buf = this.#buf;
    const mask = buf.length - 1;
    const n = this.#size;
    let removed = 0;
    if (count >= 0) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = buf[(this.#head + r) & mask]!;
        if (v === value && removed < limit) {
          removed++;
        } else {
          if (w !== r) buf[(this.#head + w) & mask] = v;
          w++;
        }
      }
      for (let i = w; i < n; i++) buf[(this.#head + i) & mask] = undefined;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = buf[(this.#head + r) & mask]!;
        if (v === value && removed < limit) {
          removed++;
        } else {
          if (w !== r) buf[(this.#head + w) & mask] = v;
          w--;
        }
      }
      for (let i = 0; i <= w; i++) buf[(this.#head + i) & mask] = undefined;
      this.#head = (this.#head + removed) & mask;
    }
    this.#size -= removed;
    this.#bytes -= removed * value.length;
    this.#maybeShrink();
    return removed;
  }

  /**
   * LPOS: indexes (from the head) of elements equal to value. rank (non-zero)
   * skips the first rank-1 matches, scanning from the tail when negative; count
   * caps the matches returned (0 = all); maxlen caps the elements compared
   * (0 = all). Validation of the arguments is the command layer's.
   */
  positions(value: string, rank = 1, count = 1, maxlen = 0): number[] {
    const out: number[] = [];
    const fromTail = rank < 0;
    const skip = Math.abs(rank) - 1;
    const n = maxlen === 0 ? this.#size : Math.min(maxlen, this.#size);
    const mask = this.#buf.length - 1;
    let matches = 0;
    for (let step = 0; step < n; step++) {
      const index = fromTail ? this.#size - 1 - step : step;
      if (this.#buf[(this.#head + index) & mask] !== value) continue;
      if (matches++ < skip) continue;
      out.push(index);
      if (count !== 0 && out.length >= count) break;
    }
    return out;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.values();
  }

  /** Elements from the head, or from the tail when reverse. */
  *values(reverse = false): Generator<string, void, undefined> {
    // Positions are re-read each step, so mutating the list while iterating is unsupported.
    for (let i = 0; i < this.#size; i++) yield this.at(reverse ? this.#size - 1 - i : i)!;
  }

  toArray(): string[] {
    return this.range(0, this.#size - 1);
  }

  /** A deep copy for COPY (elements are immutable strings, so copying the slots suffices). */
  clone(): ListValue {
    const copy = new ListValue();
    for (let i = 0; i < this.#size; i++) copy.pushBack(this.at(i)!);
    return copy;
  }

  /** A rough estimate of this value's heap footprint in bytes, O(1). */
  memoryUsage(): number {
    return (
      OBJECT_HEADER_BYTES + 4 * POINTER_BYTES + ARRAY_HEADER_BYTES + this.#buf.length * POINTER_BYTES +
      this.#size * stringBytes(0) + this.#size * 4 + this.#bytes
    );
  }

  /** Moves the elements into a fresh buffer of `capacity` slots, head at 0. */
  #resize(capacity: number): void {
    const old = this.#buf;
    const mask = old.length - 1;
    const buf = new Array<string | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.#size; i++) buf[i] = old[(this.#head + i) & mask];
    this.#buf = buf;
    this.#head = 0;
  }

  /** Halves the buffer once it is a quarter full, so a drained list gives its memory back. */
  #maybeShrink(): void {
    const capacity = this.#buf.length;
    if (capacity > MIN_CAPACITY && this.#size <= capacity >> 2) this.#resize(capacity >> 1);
  }
}
