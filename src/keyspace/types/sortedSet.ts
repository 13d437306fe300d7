import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from './limits.js';
import { ARRAY_HEADER_BYTES, HEAP_NUMBER_BYTES, MAP_ENTRY_BYTES, MAP_HEADER_BYTES, OBJECT_HEADER_BYTES, POINTER_BYTES, stringBytes } from './memory.js';
import { randomIndex, sampleDistinctIndexes, type RandomSource } from './random.js';

/**
 * A sorted set: a Map from member to skip-list node plus Redis's zskiplist
 * (t_zset.c), where every forward pointer carries the number of level-0 steps it
 * skips, so ranks and rank lookups cost O(log n) and every range costs
 * O(log n + m).
 *
 * Order is (score, member). Members are latin1 strings (one char per byte), so
 * JavaScript's string `<`, which compares UTF-16 code units and then length, is
 * exactly Redis's memcmp-then-length `sdscmp`.
 *
 * Scores are never NaN: the command layer rejects NaN inputs and NaN results of
 * ZINCRBY, as Redis does.
 */

/** A lex range bound as ZRANGEBYLEX parses it: `[v`, `(v`, `-` or `+`. */
export type LexBound = { kind: 'inclusive' | 'exclusive'; value: string } | '-' | '+';

/** A member and its score: a snapshot, safe to keep across writes. */
export interface ZEntry {
  readonly member: string;
  readonly score: number;
}

export type ZAddOutcome = 'added' | 'updated' | 'unchanged';

// Redis: ZSKIPLIST_MAXLEVEL 32, ZSKIPLIST_P 0.25 (server.h).
const MAX_LEVEL = 32;
const LEVEL_P = 0.25;

/**
 * A skip-list node is a single array:
 *   [member, score, backward, pos, next0, span0, next1, span1, ...]
 * where span_i is the number of level-0 steps next_i jumps and pos is the node's
 * place in the scan array (see SortedSet.scan). One heap object per
 * member instead of three (node, next[], span[]): a descent through a large set
 * is bound by cache misses, one per node visited instead of three, and the GC has
 * a third of the objects to trace.
 */
type ZNode = (string | number | ZNode | null)[];
const MEMBER = 0;
const SCORE = 1;
const BACKWARD = 2;
const POS = 3;
const NEXT = 4; // next_i at NEXT + 2i, span_i at SPAN + 2i
const SPAN = 5;

function newNode(member: string, score: number, level: number): ZNode {
  // Allocated at its exact length: growing by push would leave ~17 slots of slack per node.
  const node: ZNode = new Array(NEXT + 2 * level);
  node[MEMBER] = member;
  node[SCORE] = score;
  node[BACKWARD] = null;
  node[POS] = 0;
  for (let i = 0; i < level; i++) {
    node[NEXT + 2 * i] = null;
    node[SPAN + 2 * i] = 0;
  }
  return node;
}

const memberOf = (x: ZNode): string => x[MEMBER] as string;
const scoreOf = (x: ZNode): number => x[SCORE] as number;
const backwardOf = (x: ZNode): ZNode | null => x[BACKWARD] as ZNode | null;
const nextOf = (x: ZNode, i: number): ZNode | null => x[NEXT + 2 * i] as ZNode | null;
const spanOf = (x: ZNode, i: number): number => x[SPAN + 2 * i] as number;
const levelOf = (x: ZNode): number => (x.length - NEXT) >> 1;
const entryOf = (x: ZNode): ZEntry => ({ member: x[MEMBER] as string, score: x[SCORE] as number });

/** True when node sorts strictly before (score, member). */
function nodeBefore(node: ZNode, score: number, member: string): boolean {
  const s = node[SCORE] as number;
  return s < score || (s === score && (node[MEMBER] as string) < member);
}

/** Redis's sdscmplex over range items: '-' and '+' are the shared min and max strings. */
function compareLexBounds(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === '-' || b === '+') return -1;
  if (a === '+' || b === '-') return 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Redis's zslParseLexRangeItem sets ex for '-', '+' and '(' items. */
function lexExclusive(b: LexBound): boolean {
  return typeof b === 'string' || b.kind === 'exclusive';
}

function lexGteMin(value: string, min: LexBound): boolean {
  if (min === '-') return true;
  if (min === '+') return false;
  return min.kind === 'inclusive' ? value >= min.value : value > min.value;
}

function lexLteMax(value: string, max: LexBound): boolean {
  if (max === '+') return true;
  if (max === '-') return false;
  return max.kind === 'inclusive' ? value <= max.value : value < max.value;
}

/**
 * Rank (1-based, 0 for the header) of the node #lastWhere returned. A module
 * variable rather than a returned pair so range lookups do not allocate; read it
 * immediately after the call.
 */
let lastRank = 0;

export class SortedSet implements Iterable<ZEntry> {
  readonly #limits: Readonly<EncodingLimits>;
  readonly #random: RandomSource;
  readonly #dict = new Map<string, ZNode>();
  /**
   * Every node, in no particular order: ZSCAN walks it by position. A delete moves the
   * last node into the hole (O(1)), an insert appends; see scan().
   */
  #nodes: ZNode[] = [];
  readonly #header: ZNode = newNode('', -Infinity, MAX_LEVEL);
  #tail: ZNode | null = null;
  #level = 1;
  /** Sticky, as in Redis: a zset converted to a skiplist never goes back to a listpack. */
  #skiplist = false;
  /** Sum of member lengths, kept so memoryUsage() is O(1). */
  #memberBytes = 0;

  /**
   * @param limits read on every insert, so pass the live server config to have
   *   CONFIG SET behave as in Redis.
   * @param random level and random-member source; tests inject a seeded one.
   */
  constructor(limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS, random: RandomSource = Math.random) {
    this.#limits = limits;
    this.#random = random;
  }

  /** The TYPE command's answer. */
  get type(): 'zset' {
    return 'zset';
  }

  get size(): number {
    return this.#dict.size;
  }

  /**
   * OBJECT ENCODING. Redis 7.0 keeps a zset as a listpack while it has at most
   * zset-max-listpack-entries members, each at most zset-max-listpack-value bytes,
   * and converts on the insert that breaks either limit; removals never convert
   * it back (only a new key built by ZUNIONSTORE, ZRANGESTORE... starts compact,
   * as a fresh SortedSet does).
   */
  get encoding(): 'listpack' | 'skiplist' {
    return this.#skiplist ? 'skiplist' : 'listpack';
  }

  /**
   * Redis's zsetConvert to a skiplist, before a *STORE result is filled when it is known
   * to exceed the listpack limits (Redis builds those as a skiplist from the start, which
   * keeps a -0 score as -0).
   */
  convertToSkiplist(): void {
    this.#skiplist = true;
  }

  score(member: string): number | undefined {
    const node = this.#dict.get(member);
    return node === undefined ? undefined : scoreOf(node);
  }

  has(member: string): boolean {
    return this.#dict.has(member);
  }

  /** Adds a member that is not present (check with score() first). */
  insert(member: string, score: number): void {
    if (this.#dict.has(member)) throw new Error('SortedSet.insert: member already present');
    const limits = this.#limits;
    // Redis zsetAdd: convert when the new length would exceed the entry limit or
    // the new member is longer than the value limit.
    if (this.#dict.size + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
      this.#skiplist = true;
    }
    // Redis: a listpack stores the score as text, and "-0" reads back as integer 0.
    if (score === 0 && !this.#skiplist) score = 0;
    const node = this.#insertNode(score, member);
    node[POS] = this.#nodes.length;
    this.#nodes.push(node);
    this.#dict.set(member, node);
    this.#memberBytes += member.length;
  }

  /** Changes the score of a present member. Returns false when the score was already equal. */
  updateScore(member: string, score: number): boolean {
    const node = this.#dict.get(member);
    if (node === undefined) throw new Error('SortedSet.updateScore: member not present');
    // Redis compares with `!=`, so -0 and 0 count as the same score.
    if (scoreOf(node) === score) return false;
    // A listpack rewrites the entry, score as text: "-0" reads back as 0 (as in insert).
    if (score === 0 && !this.#skiplist) score = 0;
    // Redis zslUpdateScore: when the node stays between its neighbours, change it in place.
    const prev = backwardOf(node);
    const after = nextOf(node, 0);
    if ((prev === null || scoreOf(prev) < score) && (after === null || scoreOf(after) > score)) {
      node[SCORE] = score;
      return true;
    }
    this.#deleteNode(node, this.#predecessors(node));
    const moved = this.#insertNode(score, member);
    const pos = node[POS] as number;
    moved[POS] = pos;
    this.#nodes[pos] = moved;
    this.#dict.set(member, moved);
    return true;
  }

  /** Insert or update in one call; ZADD's NX/XX/GT/LT/INCR rules stay with the command layer. */
  add(member: string, score: number): ZAddOutcome {
    if (!this.#dict.has(member)) {
      this.insert(member, score);
      return 'added';
    }
    return this.updateScore(member, score) ? 'updated' : 'unchanged';
  }

  delete(member: string): boolean {
    const node = this.#dict.get(member);
    if (node === undefined) return false;
    this.#deleteNode(node, this.#predecessors(node));
    this.#forget(node);
    return true;
  }

  /** 0-based rank, counted from the highest score when reverse (ZREVRANK); undefined when absent. */
  rankOf(member: string, reverse = false): number | undefined {
    const node = this.#dict.get(member);
    if (node === undefined) return undefined;
    const score = scoreOf(node);
    let x = this.#header;
    let rank = 0;
    for (let i = this.#level - 1; i >= 0 && x !== node; i--) {
      let next = nextOf(x, i);
      while (next !== null && (next === node || nodeBefore(next, score, member))) {
        rank += spanOf(x, i);
        x = next;
        next = nextOf(x, i);
      }
    }
    return reverse ? this.#dict.size - rank : rank - 1;
  }

  /** The entry at a 0-based rank (ascending), or undefined when out of range. */
  atRank(rank: number): ZEntry | undefined {
    const node = this.#nodeByRank(rank + 1);
    return node === null ? undefined : entryOf(node);
  }

  /**
   * Entries with ranks start..stop inclusive, already normalised
   * (0 <= start <= stop < size; see normalizeIndexRange). With reverse, rank 0 is
   * the highest score, as in ZREVRANGE.
   */
  rangeByRank(start: number, stop: number, reverse = false): ZEntry[] {
    const size = this.#dict.size;
    if (start < 0) start = 0;
    if (stop >= size) stop = size - 1;
    if (start > stop) return [];
    const out = new Array<ZEntry>(stop - start + 1);
    let x = this.#nodeByRank(reverse ? size - start : start + 1);
    for (let i = 0; x !== null && i < out.length; i++) {
      out[i] = entryOf(x);
      x = reverse ? backwardOf(x) : nextOf(x, 0);
    }
    return out;
  }

  /**
   * Entries with min <= score <= max (each side optionally exclusive), ascending,
   * or descending from max with reverse. offset/count are LIMIT's: skip offset
   * entries of the result (a negative offset yields nothing, as in Redis), then
   * return at most count (negative means all). Skipping costs O(log n), not O(offset).
   */
  rangeByScore(
    min: number,
    max: number,
    minExclusive = false,
    maxExclusive = false,
    reverse = false,
    offset = 0,
    count = -1,
  ): ZEntry[] {
    return this.#range(
      (n) => (minExclusive ? scoreOf(n) <= min : scoreOf(n) < min),
      (n) => (maxExclusive ? scoreOf(n) < max : scoreOf(n) <= max),
      reverse,
      offset,
      count,
    );
  }

  /**
   * Entries whose member is within the lex bounds, as ZRANGEBYLEX (meaningful when
   * all scores are equal; otherwise, as in Redis, the answer follows the skip list's
   * order and is unspecified). offset/count as in rangeByScore.
   */
  rangeByLex(min: LexBound, max: LexBound, reverse = false, offset = 0, count = -1): ZEntry[] {
    if (!this.#lexRangeReachable(min, max)) return [];
    if (!this.#skiplist) {
      const out: ZEntry[] = [];
      let x = reverse ? this.#lastInLexRangeLinear(min, max) : this.#firstInLexRangeLinear(min, max);
      // Redis walks the offset one entry at a time, so a negative one runs off the end.
      while (x !== null && offset-- !== 0) x = reverse ? backwardOf(x) : nextOf(x, 0);
      while (x !== null && out.length !== count) {
        if (reverse ? !lexGteMin(memberOf(x), min) : !lexLteMax(memberOf(x), max)) break;
        out.push(entryOf(x));
        x = reverse ? backwardOf(x) : nextOf(x, 0);
      }
      return out;
    }
    return this.#range(
      (n) => !lexGteMin(memberOf(n), min),
      (n) => lexLteMax(memberOf(n), max),
      reverse,
      offset,
      count,
    );
  }

  countByScore(min: number, max: number, minExclusive = false, maxExclusive = false): number {
    this.#lastWhere((n) => (minExclusive ? scoreOf(n) <= min : scoreOf(n) < min));
    const before = lastRank;
    this.#lastWhere((n) => (maxExclusive ? scoreOf(n) < max : scoreOf(n) <= max));
    return Math.max(0, lastRank - before);
  }

  countByLex(min: LexBound, max: LexBound): number {
    if (!this.#lexRangeReachable(min, max)) return 0;
    if (!this.#skiplist) {
      let n = 0;
      for (let x = this.#firstInLexRangeLinear(min, max); x !== null && lexLteMax(memberOf(x), max); x = nextOf(x, 0)) n++;
      return n;
    }
    this.#lastWhere((n) => !lexGteMin(memberOf(n), min));
    const before = lastRank;
    this.#lastWhere((n) => lexLteMax(memberOf(n), max));
    return Math.max(0, lastRank - before);
  }

  /** ZREMRANGEBYSCORE; returns the number removed. */
  deleteRangeByScore(min: number, max: number, minExclusive = false, maxExclusive = false): number {
    return this.#deleteRange(
      (n) => (minExclusive ? scoreOf(n) <= min : scoreOf(n) < min),
      (n) => (maxExclusive ? scoreOf(n) < max : scoreOf(n) <= max),
    );
  }

  /** ZREMRANGEBYLEX; returns the number removed. */
  deleteRangeByLex(min: LexBound, max: LexBound): number {
    if (!this.#skiplist) {
      if (!this.#lexRangeReachable(min, max)) return 0;
      let removed = 0;
      let x = this.#firstInLexRangeLinear(min, max);
      while (x !== null && lexLteMax(memberOf(x), max)) {
        const next = nextOf(x, 0);
        this.delete(memberOf(x));
        removed++;
        x = next;
      }
      return removed;
    }
    return this.#deleteRange(
      (n) => !lexGteMin(memberOf(n), min),
      (n) => lexLteMax(memberOf(n), max),
    );
  }

  /** ZREMRANGEBYRANK with normalised ascending ranks start..stop inclusive; returns the number removed. */
  deleteRangeByRank(start: number, stop: number): number {
    if (start < 0) start = 0;
    if (stop >= this.#dict.size) stop = this.#dict.size - 1;
    if (start > stop) return 0;
    const update = new Array<ZNode>(this.#level);
    let x = this.#header;
    let traversed = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = nextOf(x, i);
      while (next !== null && traversed + spanOf(x, i) <= start) {
        traversed += spanOf(x, i);
        x = next;
        next = nextOf(x, i);
      }
      update[i] = x;
    }
    let node = nextOf(x, 0);
    let removed = 0;
    for (let rank = start; node !== null && rank <= stop; rank++) {
      const next = nextOf(node, 0);
      this.#deleteNode(node, update);
      this.#forget(node);
      removed++;
      node = next;
    }
    return removed;
  }

  /** Removes and returns up to count lowest entries, lowest first (ZPOPMIN). */
  popMin(count = 1): ZEntry[] {
    const out: ZEntry[] = [];
    // Every predecessor of the first node is the header, so one update vector serves all pops.
    const update = new Array<ZNode>(this.#level).fill(this.#header);
    while (out.length < count) {
      const node = nextOf(this.#header, 0);
      if (node === null) break;
      this.#deleteNode(node, update);
      this.#forget(node);
      out.push(entryOf(node));
    }
    return out;
  }

  /** Removes and returns up to count highest entries, highest first (ZPOPMAX). */
  popMax(count = 1): ZEntry[] {
    const out: ZEntry[] = [];
    while (out.length < count && this.#tail !== null) {
      const node = this.#tail;
      this.#deleteNode(node, this.#predecessors(node));
      this.#forget(node);
      out.push(entryOf(node));
    }
    return out;
  }

  /** One uniformly random entry, O(log n); undefined when empty. */
  randomMember(): ZEntry | undefined {
    const size = this.#dict.size;
    if (size === 0) return undefined;
    return entryOf(this.#nodeByRank(1 + randomIndex(size, this.#random))!);
  }

  /**
   * count distinct random entries in random order (ZRANDMEMBER with a positive
   * count). When count >= size every entry is returned in order, as Redis does.
   */
  randomMembers(count: number): ZEntry[] {
    const size = this.#dict.size;
    if (count <= 0) return [];
    if (count >= size) return [...this];
    const ranks = sampleDistinctIndexes(size, count, this.#random);
    // Many picks: one O(n) walk beats count O(log n) descents.
    if (count * 4 >= size) {
      const all = [...this];
      return ranks.map((r) => all[r]!);
    }
    return ranks.map((r) => entryOf(this.#nodeByRank(r + 1)!));
  }

  /** count independent uniform picks (ZRANDMEMBER with a negative count). */
  randomMembersWithRepetition(count: number): ZEntry[] {
    const size = this.#dict.size;
    if (size === 0 || count <= 0) return [];
    const out = new Array<ZEntry>(count);
    for (let i = 0; i < count; i++) out[i] = entryOf(this.#nodeByRank(1 + randomIndex(size, this.#random))!);
    return out;
  }

  [Symbol.iterator](): Iterator<ZEntry> {
    return this.entries();
  }

  /** All entries in (score, member) order, or the reverse. The yielded member may be deleted meanwhile. */
  *entries(reverse = false): Generator<ZEntry, void, undefined> {
    let x = reverse ? this.#tail : nextOf(this.#header, 0);
    while (x !== null) {
      const next = reverse ? backwardOf(x) : nextOf(x, 0);
      yield entryOf(x);
      x = next;
    }
  }

  /**
   * One step of ZSCAN. A listpack zset is returned whole, in order, with cursor 0, as
   * Redis does. A skiplist is walked by position in the scan array from the end towards
   * the start, `count` entries per step; the cursor is the position to continue below.
   * Deletes only move the last node down into the hole, score updates keep the member's
   * position, inserts append: a member present for the whole scan is visited at least
   * once (Redis's SCAN guarantee), possibly twice.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (!this.#skiplist) {
      for (let x = nextOf(this.#header, 0); x !== null; x = nextOf(x, 0)) visit(memberOf(x), scoreOf(x));
      return 0;
    }
    const nodes = this.#nodes;
    const n = nodes.length;
    const from = cursor === 0 || cursor > n ? n : cursor;
    const to = Math.max(0, from - count);
    for (let i = from - 1; i >= to; i--) visit(memberOf(nodes[i]!), scoreOf(nodes[i]!));
    return to;
  }

  /** A deep copy with the same encoding (COPY; Redis's zsetDup). */
  clone(): SortedSet {
    const copy = new SortedSet(this.#limits, this.#random);
    copy.#skiplist = this.#skiplist;
    // Highest first, as zsetDup does: each insert then lands right after the header.
    for (let x = this.#tail; x !== null; x = backwardOf(x)) {
      const node = copy.#insertNode(scoreOf(x), memberOf(x));
      node[POS] = copy.#nodes.length;
      copy.#nodes.push(node);
      copy.#dict.set(memberOf(x), node);
    }
    copy.#memberBytes = this.#memberBytes;
    return copy;
  }

  /** A rough estimate of this value's heap footprint in bytes, O(1). */
  memoryUsage(): number {
    // Per member: the node array (3 slots + 2 per level, 1.33 levels on average
    // with p = 1/4), a possibly boxed score, a Map entry and the member string.
    const perNode = ARRAY_HEADER_BYTES + (5 + 2 * 1.33) * POINTER_BYTES + HEAP_NUMBER_BYTES + MAP_ENTRY_BYTES + stringBytes(0) + 4;
    const header = ARRAY_HEADER_BYTES + (4 + 2 * MAX_LEVEL) * POINTER_BYTES;
    return Math.round(OBJECT_HEADER_BYTES + 7 * POINTER_BYTES + MAP_HEADER_BYTES + header + this.#dict.size * perNode + this.#memberBytes);
  }

  /**
   * Checks every structural invariant (order, spans, backward links, level, tail,
   * map agreement) and throws on the first violation. O(n * levels): for tests.
   */
  debugCheck(): void {
    const fail = (why: string): never => {
      throw new Error(`SortedSet invariant: ${why}`);
    };
    const ranks = new Map<ZNode, number>([[this.#header, 0]]);
    let prev: ZNode | null = null;
    let rank = 0;
    for (let x = nextOf(this.#header, 0); x !== null; x = nextOf(x, 0)) {
      rank++;
      ranks.set(x, rank);
      if (backwardOf(x) !== prev) fail(`backward of ${memberOf(x)}`);
      if (prev !== null && !nodeBefore(prev, scoreOf(x), memberOf(x))) fail(`order at ${memberOf(x)}`);
      if (this.#dict.get(memberOf(x)) !== x) fail(`map entry of ${memberOf(x)}`);
      const level = levelOf(x);
      if (level < 1 || level > MAX_LEVEL || (x.length - NEXT) % 2 !== 0) fail('node shape');
      prev = x;
    }
    if (rank !== this.#dict.size) fail(`length ${rank} vs map ${this.#dict.size}`);
    if (this.#nodes.length !== rank) fail('scan array length');
    this.#nodes.forEach((x, i) => {
      if (x[POS] !== i || this.#dict.get(memberOf(x)) !== x) fail(`scan array at ${i}`);
    });
    if (this.#tail !== prev) fail('tail');
    for (const [x, r] of ranks) {
      const levels = x === this.#header ? this.#level : levelOf(x);
      for (let i = 0; i < levels; i++) {
        const next = nextOf(x, i);
        if (next === null) continue;
        // Spans of null pointers are never read (Redis leaves them at the distance to the end).
        if (!ranks.has(next)) fail('dangling pointer');
        if (spanOf(x, i) !== ranks.get(next)! - r) fail(`span at rank ${r} level ${i}`);
        if (levelOf(next) <= i) fail('pointer to a lower node');
      }
    }
    if (this.#level < 1 || (this.#level > 1 && nextOf(this.#header, this.#level - 1) === null)) fail('level');
    for (let i = this.#level; i < MAX_LEVEL; i++) if (nextOf(this.#header, i) !== null) fail('pointer above level');
  }

  /**
   * Redis's zslIsInLexRange/zzlIsInLexRange: false for a range that is empty by its bounds
   * or lies beyond either end. Only differs from walking the range when scores are not all
   * equal, where Redis's answer depends on the encoding; we follow it in both.
   */
  #lexRangeReachable(min: LexBound, max: LexBound): boolean {
    const cmp = compareLexBounds(min, max);
    if (cmp > 0 || (cmp === 0 && (lexExclusive(min) || lexExclusive(max)))) return false;
    const first = nextOf(this.#header, 0);
    return first !== null && lexGteMin(memberOf(this.#tail!), min) && lexLteMax(memberOf(first), max);
  }

  /** Redis's zzlFirstInLexRange (listpack): the first entry from the head at or above min, if it is within max. */
  #firstInLexRangeLinear(min: LexBound, max: LexBound): ZNode | null {
    for (let x = nextOf(this.#header, 0); x !== null; x = nextOf(x, 0)) {
      if (lexGteMin(memberOf(x), min)) return lexLteMax(memberOf(x), max) ? x : null;
    }
    return null;
  }

  /** Redis's zzlLastInLexRange (listpack): the first entry from the tail at or below max, if it is within min. */
  #lastInLexRangeLinear(min: LexBound, max: LexBound): ZNode | null {
    for (let x = this.#tail; x !== null; x = backwardOf(x)) {
      if (lexLteMax(memberOf(x), max)) return lexGteMin(memberOf(x), min) ? x : null;
    }
    return null;
  }

  #forget(node: ZNode): void {
    this.#dict.delete(memberOf(node));
    this.#memberBytes -= memberOf(node).length;
    const nodes = this.#nodes;
    const pos = node[POS] as number;
    const last = nodes.pop()!;
    if (last !== node) {
      nodes[pos] = last;
      last[POS] = pos;
    }
  }

  #randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && this.#random() < LEVEL_P) level++;
    return level;
  }

  /** For each level, the last node before `node`: the update vector of zslDeleteNode. */
  #predecessors(node: ZNode): ZNode[] {
    const score = scoreOf(node);
    const member = memberOf(node);
    const update = new Array<ZNode>(this.#level);
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = nextOf(x, i);
      while (next !== null && nodeBefore(next, score, member)) {
        x = next;
        next = nextOf(x, i);
      }
      update[i] = x;
    }
    return update;
  }

  /** Redis zslInsert. */
  #insertNode(score: number, member: string): ZNode {
    const update = new Array<ZNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    const header = this.#header;
    let x = header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let r = i === this.#level - 1 ? 0 : rank[i + 1]!;
      let next = nextOf(x, i);
      while (next !== null && nodeBefore(next, score, member)) {
        r += spanOf(x, i);
        x = next;
        next = nextOf(x, i);
      }
      rank[i] = r;
      update[i] = x;
    }
    const level = this.#randomLevel();
    if (level > this.#level) {
      for (let i = this.#level; i < level; i++) {
        rank[i] = 0;
        update[i] = header;
        header[SPAN + 2 * i] = this.#dict.size;
      }
      this.#level = level;
    }
    const node = newNode(member, score, level);
    const rank0 = rank[0]!;
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      const ri = rank[i]!;
      node[NEXT + 2 * i] = nextOf(u, i);
      u[NEXT + 2 * i] = node;
      node[SPAN + 2 * i] = spanOf(u, i) - (rank0 - ri);
      u[SPAN + 2 * i] = rank0 - ri + 1;
    }
    for (let i = level; i < this.#level; i++) {
      const u = update[i]!;
      u[SPAN + 2 * i] = spanOf(u, i) + 1;
    }
    node[BACKWARD] = update[0] === header ? null : update[0]!;
    const after = nextOf(node, 0);
    if (after !== null) after[BACKWARD] = node;
    else this.#tail = node;
    return node;
  }

  /** Redis zslDeleteNode: update[i] is the last node before `node` on level i. */
  #deleteNode(node: ZNode, update: ZNode[]): void {
    for (let i = 0; i < this.#level; i++) {
      const u = update[i]!;
      if (nextOf(u, i) === node) {
        u[SPAN + 2 * i] = spanOf(u, i) + spanOf(node, i) - 1;
        u[NEXT + 2 * i] = nextOf(node, i);
      } else {
        u[SPAN + 2 * i] = spanOf(u, i) - 1;
      }
    }
    const after = nextOf(node, 0);
    if (after !== null) after[BACKWARD] = backwardOf(node);
    else this.#tail = backwardOf(node);
    while (this.#level > 1 && nextOf(this.#header, this.#level - 1) === null) this.#level--;
  }

  /** The node at a 1-based rank, or null. */
  #nodeByRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.#dict.size) return null;
    let x = this.#header;
    let traversed = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = nextOf(x, i);
      while (next !== null && traversed + spanOf(x, i) <= rank) {
        traversed += spanOf(x, i);
        x = next;
        next = nextOf(x, i);
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /**
   * The last node for which `pred` holds (the header if none), for a predicate
   * that holds on a prefix of the order; its rank goes to `lastRank`.
   */
  #lastWhere(pred: (n: ZNode) => boolean): ZNode {
    let x = this.#header;
    let rank = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = nextOf(x, i);
      while (next !== null && pred(next)) {
        rank += spanOf(x, i);
        x = next;
        next = nextOf(x, i);
      }
    }
    lastRank = rank;
    return x;
  }

  /**
   * The nodes after the prefix where `beforeRange` holds and within the prefix
   * where `withinMax` holds, walked from either end with LIMIT applied.
   */
  #range(
    beforeRange: (n: ZNode) => boolean,
    withinMax: (n: ZNode) => boolean,
    reverse: boolean,
    offset: number,
    count: number,
  ): ZEntry[] {
    const out: ZEntry[] = [];
    // Redis: a negative offset skips past the end; LIMIT x 0 returns nothing.
    if (offset < 0 || count === 0) return out;
    if (!reverse) {
      const before = this.#lastWhere(beforeRange);
      let x = offset === 0 ? nextOf(before, 0) : this.#nodeByRank(lastRank + 1 + offset);
      while (x !== null && withinMax(x) && out.length !== count) {
        out.push(entryOf(x));
        x = nextOf(x, 0);
      }
    } else {
      const last = this.#lastWhere(withinMax);
      let x = offset === 0 ? (last === this.#header ? null : last) : this.#nodeByRank(lastRank - offset);
      while (x !== null && !beforeRange(x) && out.length !== count) {
        out.push(entryOf(x));
        x = backwardOf(x);
      }
    }
    return out;
  }

  /** Deletes the run of nodes after the `beforeRange` prefix for which `inRange` holds. */
  #deleteRange(beforeRange: (n: ZNode) => boolean, inRange: (n: ZNode) => boolean): number {
    const update = new Array<ZNode>(this.#level);
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = nextOf(x, i);
      while (next !== null && beforeRange(next)) {
        x = next;
        next = nextOf(x, i);
      }
      update[i] = x;
    }
    let node = nextOf(x, 0);
    let removed = 0;
    while (node !== null && inRange(node)) {
      const next = nextOf(node, 0);
      this.#deleteNode(node, update);
      this.#forget(node);
      removed++;
      node = next;
    }
    return removed;
  }
}
