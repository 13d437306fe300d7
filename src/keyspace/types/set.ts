import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from './limits.js';
import { ARRAY_HEADER_BYTES, MAP_ENTRY_BYTES, MAP_HEADER_BYTES, OBJECT_HEADER_BYTES, POINTER_BYTES, stringBytes } from './memory.js';
import { randomIndex, sampleDistinctIndexes, type RandomSource } from './random.js';

/**
 * Redis string2ll acceptance (util.c), which decides whether a set member can
 * live in an intset: optional '-', no '+', no spaces, no leading zeros (so "-0"
 * and "007" are strings), and within the signed 64-bit range.
 */
export function isInt64String(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  const negative = s.charCodeAt(0) === 45; // '-'
  if (negative) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1; // only "0" itself may start with '0'
  if (first < 49 || first > 57) return false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  const digits = n - i;
  if (digits !== 19) return digits < 19;
  // Same length, no leading zeros: string order is numeric order.
  return s.slice(i) <= (negative ? '9223372036854775808' : '9223372036854775807');
}

/** Numeric order of two isInt64String members, without converting (int64 exceeds doubles). */
function compareInt64Strings(a: string, b: string): number {
  const aNegative = a.charCodeAt(0) === 45;
  const bNegative = b.charCodeAt(0) === 45;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const magnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return aNegative ? -magnitude : magnitude;
}

/**
 * A Redis set.
 *
 * While every member is an integer and there are at most set-max-intset-entries
 * of them, it is an intset as in Redis: one array sorted numerically, binary
 * search for membership, sorted iteration (SMEMBERS on an intset answers in
 * ascending order), O(n) insert and delete like the intset's memmove.
 *
 * Otherwise it is a hashtable: an array of members plus a Map from member to
 * position; a delete moves the last member into the hole, so SPOP and
 * SRANDMEMBER pick a uniform member in O(1).
 */
export class SetValue implements Iterable<string> {
  readonly #limits: EncodingLimits;
  #members: string[] = [];
  /** Member to position in #members; null while an intset. */
  #index: Map<string, number> | null = null;
  /** Sum of member lengths, kept so memoryUsage() is O(1). */
  #bytes = 0;

  /** @param limits read on every insert, so pass the live server config to have CONFIG SET behave as in Redis. */
  constructor(limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS) {
    this.#limits = limits;
  }

  /** The TYPE command's answer. */
  get type(): 'set' {
    return 'set';
  }

  get size(): number {
    return this.#members.length;
  }

  /**
   * OBJECT ENCODING. Redis 7.0 has only 'intset' and 'hashtable' for sets (7.2
   * added 'listpack' for small non-integer sets; checked against redis-server
   * 7.0.15). The first non-integer member or the member past
   * set-max-intset-entries converts to a hashtable, which never converts back.
   */
  get encoding(): 'intset' | 'hashtable' {
    return this.#index === null ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    if (this.#index !== null) return this.#index.has(member);
    return isInt64String(member) && this.#search(member) >= 0;
  }

  /** SADD of one member; true when it was not present. */
  add(member: string): boolean {
    if (this.#index === null) {
      if (isInt64String(member)) {
        const at = this.#search(member);
        if (at >= 0) return false;
        this.#members.splice(~at, 0, member);
        this.#bytes += member.length;
        if (this.#members.length > this.#limits.setMaxIntsetEntries) this.#convertToHashtable();
        return true;
      }
      this.#convertToHashtable();
    }
    const index = this.#index!;
    if (index.has(member)) return false;
    index.set(member, this.#members.length);
    this.#members.push(member);
    this.#bytes += member.length;
    return true;
  }

  delete(member: string): boolean {
    if (this.#index === null) {
      if (!isInt64String(member)) return false;
      const at = this.#search(member);
      if (at < 0) return false;
      this.#members.splice(at, 1);
    } else {
      const at = this.#index.get(member);
      if (at === undefined) return false;
      this.#removeFromHashtable(member, at);
    }
    this.#bytes -= member.length;
    return true;
  }

  /** One uniformly random member, O(1); undefined when empty. */
  randomMember(random: RandomSource = Math.random): string | undefined {
    const n = this.#members.length;
    return n === 0 ? undefined : this.#members[randomIndex(n, random)];
  }

  /**
   * count distinct random members in random order (SRANDMEMBER with a positive
   * count). When count >= size every member is returned in set order, as Redis does.
   */
  randomMembers(count: number, random: RandomSource = Math.random): string[] {
    const n = this.#members.length;
    if (count <= 0) return [];
    if (count >= n) return this.#members.slice();
    return sampleDistinctIndexes(n, count, random).map((i) => this.#members[i]!);
  }

  /** count independent uniform picks (SRANDMEMBER with a negative count). */
  randomMembersWithRepetition(count: number, random: RandomSource = Math.random): string[] {
    const n = this.#members.length;
    if (n === 0 || count <= 0) return [];
    const out = new Array<string>(count);
    for (let k = 0; k < count; k++) out[k] = this.#members[randomIndex(n, random)]!;
    return out;
  }

  /** SPOP: removes and returns a uniformly random member; undefined when empty. */
  popRandom(random: RandomSource = Math.random): string | undefined {
    const n = this.#members.length;
    if (n === 0) return undefined;
    const at = randomIndex(n, random);
    const member = this.#members[at]!;
    if (this.#index === null) this.#members.splice(at, 1);
    else this.#removeFromHashtable(member, at);
    this.#bytes -= member.length;
    return member;
  }

  /** SPOP with a count: up to count distinct random members, removed. */
  popRandomMany(count: number, random: RandomSource = Math.random): string[] {
    if (count >= this.#members.length) {
      const all = this.#members;
      this.#members = [];
      if (this.#index !== null) this.#index.clear();
      this.#bytes = 0;
      return all;
    }
    const out: string[] = [];
    while (out.length < count) out.push(this.popRandom(random)!);
    return out;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#members.values();
  }

  /** Members in set order (ascending while an intset); a copy. */
  toArray(): string[] {
    return this.#members.slice();
  }

  /**
   * One step of SSCAN. An intset is returned whole with cursor 0, as Redis does. A
   * hashtable is walked by position from the end towards the start, `count` members per
   * step; the cursor is the position to continue below. Deletes only move the last member
   * down into the hole and inserts append, so a member present for the whole scan is
   * visited at least once (Redis's SCAN guarantee), possibly twice.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const members = this.#members;
    const n = members.length;
    if (this.#index === null) {
      for (let i = 0; i < n; i++) visit(members[i]!);
      return 0;
    }
    const from = cursor === 0 || cursor > n ? n : cursor;
    const to = Math.max(0, from - count);
    for (let i = from - 1; i >= to; i--) visit(members[i]!);
    return to;
  }

  /** A deep copy with the same encoding and order (COPY; Redis's setTypeDup). */
  clone(): SetValue {
    const copy = new SetValue(this.#limits);
    copy.#members = this.#members.slice();
    if (this.#index !== null) copy.#index = new Map(this.#index);
    copy.#bytes = this.#bytes;
    return copy;
  }

  /** A rough estimate of this value's heap footprint in bytes, O(1). */
  memoryUsage(): number {
    const n = this.#members.length;
    const perMember = POINTER_BYTES * 1.25 + stringBytes(0) + 4 + (this.#index === null ? 0 : MAP_ENTRY_BYTES);
    return (
      OBJECT_HEADER_BYTES + 4 * POINTER_BYTES + ARRAY_HEADER_BYTES + (this.#index === null ? 0 : MAP_HEADER_BYTES) +
      n * perMember + this.#bytes
    );
  }

  /** Binary search of the intset array: the position, or ~insertion point when absent. */
  #search(member: string): number {
    const members = this.#members;
    let lo = 0;
    let hi = members.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareInt64Strings(members[mid]!, member);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return ~lo;
  }

  #convertToHashtable(): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.#members.length; i++) index.set(this.#members[i]!, i);
    this.#index = index;
  }

  #removeFromHashtable(member: string, at: number): void {
    const members = this.#members;
    const index = this.#index!;
    const last = members.length - 1;
    index.delete(member);
    if (at !== last) {
      members[at] = members[last]!;
      index.set(members[at]!, at);
    }
    members.pop();
  }
}
