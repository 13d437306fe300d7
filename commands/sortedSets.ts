import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import type { Database } from '../src/keyspace/database.js';
import type { Keyspace } from '../src/keyspace/keyspace.js';
import { SetValue, SortedSet, liveEncodingLimits, normalizeIndexRange, type LexBound, type ZEntry } from '../src/keyspace/types/index.js';
import { NotifyClass } from '../src/notify/notifier.js';
import { Err } from '../src/protocol/errors.js';
import type { ReplyWriter } from '../src/protocol/replyWriter.js';
import { formatDouble, parseRedisDouble, parseStrictInt } from '../src/util/numbers.js';
import { DOUBLE_FORMAT, binaryToFormat, roundedToNumber, scanStrtod } from '../src/util/strtod.js';
import {
  EMPTY_SCAN,
  checkPairCount,
  checkTypes,
  deleteEmptied,
  longArg,
  parseScanCursor,
  parseScanOptions,
  positiveLongArg,
  randomCountArg,
  readTyped,
  replyScan,
  scanCollector,
  storeResult,
  writeTyped,
} from './collections.js';
import { lookupKeyRead } from './keys.js';

/** A new, empty sorted set that follows the live zset-max-listpack-* settings. */
function newZset(client: Client): SortedSet {
  return new SortedSet(liveEncodingLimits(client.server.config));
}

function zsetWritten(client: Client, key: string, event: string): void {
  const keyspace = client.server.keyspace;
  keyspace.signalModifiedKey(client.db, key);
  keyspace.notify(NotifyClass.zset, event, key, client.db);
}

// ---- argument parsing ----------------------------------------------------------------------------

/** A score argument (ZADD, ZINCRBY): Redis's getDoubleFromObjectOrReply. */
function scoreArg(s: string, error: string = Err.notFloat): number {
  // Plain integers (the usual scores) are exact doubles: skip the full strtod grammar.
  if (s.length < 16) {
    const n = parseStrictInt(s);
    if (n !== null) return n;
  }
  const d = parseRedisDouble(s);
  if (d === null) throw new CommandError(error);
  return d;
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * A range bound as Redis's zslParseRange reads it: plain strtod() that must reach the end
 * of the C string, so unlike scores it accepts leading spaces, "" (zero), overflow to
 * ±inf and underflow to 0; only NaN and leftovers are errors.
 */
function strtodBound(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  // No conversion leaves strtod's end at the start: fine only when that is the end.
  if (i === s.length) return i === 0 ? 0 : null;
  const body = i === 0 ? s : s.slice(i);
  const tok = scanStrtod(body);
  if (tok === null || tok.kind === 'nan') return null;
  if (tok.kind === 'inf') return tok.neg ? -Infinity : Infinity;
  if (tok.kind === 'hex') {
    if (tok.mant === 0n) return tok.neg ? -0 : 0;
    const r = binaryToFormat(tok.mant, tok.exp2, DOUBLE_FORMAT);
    if (r === null) return tok.neg ? -Infinity : Infinity;
    return roundedToNumber(r, tok.neg);
  }
  // Decimal text: Number() rounds correctly like glibc, overflowing to ±Infinity.
  return Number(body);
}

interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

function scoreBound(s: string): [number, boolean] {
  const exclusive = s.charCodeAt(0) === 0x28; // '('
  const d = strtodBound(exclusive ? s.slice(1) : s);
  if (d === null || Number.isNaN(d)) throw new CommandError(Err.minOrMaxNotFloat);
  return [d, exclusive];
}

/** Redis's zslParseRange: "(" makes a bound exclusive; "-inf"/"+inf" work as numbers. */
function parseScoreRange(min: string, max: string): ScoreRange {
  const [lo, minEx] = scoreBound(min);
  const [hi, maxEx] = scoreBound(max);
  return { min: lo, max: hi, minEx, maxEx };
}

/** Redis's zslParseLexRangeItem; `+`/`-` must be the whole C string. */
function lexBound(s: string): LexBound {
  const c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) {
    if (s.length === 1 || s.charCodeAt(1) === 0) return c === 0x2b ? '+' : '-';
  } else if (c === 0x28) {
    return { kind: 'exclusive', value: s.slice(1) };
  } else if (c === 0x5b) {
    return { kind: 'inclusive', value: s.slice(1) };
  }
  throw new CommandError(Err.minOrMaxNotLex);
}

// ---- replies ------------------------------------------------------------------------------------------

/**
 * Members, optionally with scores: RESP2 flattens, RESP3 nests each pair (Redis: not a map,
 * since the order matters and ZRANDMEMBER may repeat).
 */
function replyEntries(reply: ReplyWriter, entries: readonly ZEntry[], withScores: boolean): void {
  if (!withScores) {
    reply.arrayHeader(entries.length);
    for (const e of entries) reply.bulk(e.member);
    return;
  }
  const nested = reply.resp === 3;
  reply.arrayHeader(nested ? entries.length : entries.length * 2);
  for (const e of entries) {
    if (nested) reply.arrayHeader(2);
    reply.bulk(e.member);
    reply.double(e.score);
  }
}

// ---- ZADD, ZINCRBY, ZREM -------------------------------------------------------------------------------

function zaddGeneric(client: Client, argv: string[], incrCommand: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
  let scoreIdx = 2;
  // Redis: options come first, up to the first argument that is not one.
  for (; scoreIdx < argv.length; scoreIdx++) {
    const a = argv[scoreIdx]!;
    if (a.length > 4) break;
    const opt = a.toUpperCase();
    if (opt === 'NX') nx = true;
    else if (opt === 'XX') xx = true;
    else if (opt === 'GT') gt = true;
    else if (opt === 'LT') lt = true;
    else if (opt === 'CH') ch = true;
    else if (opt === 'INCR') incr = true;
    else break;
  }
  const elements = argv.length - scoreIdx;
  if (elements === 0 || elements % 2 !== 0) throw new CommandError(Err.syntax);
  const pairs = elements / 2;
  if (incr && pairs > 1) throw new CommandError(Err.zaddIncrSinglePair);
  if (nx && xx) throw new CommandError(Err.zaddXxAndNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new CommandError(Err.zaddGtLtNx);
  const scores = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) scores[j] = scoreArg(argv[scoreIdx + 2 * j]!);

  const db = client.db;
  const key = argv[1]!;
  let zset = writeTyped(db, key, SortedSet);
  if (zset === undefined) {
    if (xx) {
      // Redis: no key and XX, nothing to do
      if (incr) client.reply.nullBulk();
      else client.reply.integer(0);
      return;
    }
    zset = newZset(client);
    db.set(key, zset);
  }
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  for (let j = 0; j < pairs; j++) {
    const member = argv[scoreIdx + 2 * j + 1]!;
    let s = scores[j]!;
    const current = zset.score(member);
    if (current !== undefined) {
      if (nx) continue;
      if (incr) {
        s += current;
        if (Number.isNaN(s)) throw new CommandError(Err.zscoreNaN);
      }
      if ((lt && s >= current) || (gt && s <= current)) continue;
      score = s;
      processed++;
      // Redis compares with !=, so -0 does not replace 0
      if (s !== current) {
        zset.updateScore(member, s);
        updated++;
      }
    } else if (!xx) {
      zset.insert(member, s);
      score = s;
      added++;
      processed++;
    }
  }
  if (added > 0 || updated > 0) zsetWritten(client, key, incr ? 'zincr' : 'zadd');
  if (incr) {
    if (processed > 0) client.reply.double(score);
    else client.reply.nullBulk();
  } else {
    client.reply.integer(ch ? added + updated : added);
  }
}

function zaddCommand(client: Client, argv: string[]): void {
  zaddGeneric(client, argv, false);
}

function zincrbyCommand(client: Client, argv: string[]): void {
  zaddGeneric(client, argv, true);
}

function zremCommand(client: Client, argv: string[]): void {
  const key = argv[1]!;
  const zset = writeTyped(client.db, key, SortedSet);
  if (zset === undefined) {
    client.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (zset.delete(argv[i]!)) {
      deleted++;
      if (zset.size === 0) break;
    }
  }
  if (deleted > 0) {
    client.server.keyspace.notify(NotifyClass.zset, 'zrem', key, client.db);
    if (zset.size === 0) deleteEmptied(client, key);
    else client.server.keyspace.signalModifiedKey(client.db, key);
  }
  client.reply.integer(deleted);
}

// ---- ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, ZRANK -------------------------------------------------

function zscoreCommand(client: Client, argv: string[]): void {
  const score = readTyped(client, argv[1]!, SortedSet)?.score(argv[2]!);
  if (score === undefined) client.reply.nullBulk();
  else client.reply.double(score);
}

function zmscoreCommand(client: Client, argv: string[]): void {
  const zset = readTyped(client, argv[1]!, SortedSet);
  const reply = client.reply;
  reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]!);
    if (score === undefined) reply.nullBulk();
    else reply.double(score);
  }
}

function zcardCommand(client: Client, argv: string[]): void {
  client.reply.integer(readTyped(client, argv[1]!, SortedSet)?.size ?? 0);
}

function zcountCommand(client: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2]!, argv[3]!);
  const zset = readTyped(client, argv[1]!, SortedSet);
  client.reply.integer(zset === undefined ? 0 : zset.countByScore(r.min, r.max, r.minEx, r.maxEx));
}

function zlexcountCommand(client: Client, argv: string[]): void {
  const min = lexBound(argv[2]!);
  const max = lexBound(argv[3]!);
  const zset = readTyped(client, argv[1]!, SortedSet);
  client.reply.integer(zset === undefined ? 0 : zset.countByLex(min, max));
}

function zrankGeneric(client: Client, argv: string[], reverse: boolean): void {
  const rank = readTyped(client, argv[1]!, SortedSet)?.rankOf(argv[2]!, reverse);
  if (rank === undefined) client.reply.nullBulk();
  else client.reply.integer(rank);
}

function zrankCommand(client: Client, argv: string[]): void {
  zrankGeneric(client, argv, false);
}

function zrevrankCommand(client: Client, argv: string[]): void {
  zrankGeneric(client, argv, true);
}

// ---- ZRANGE and its variants ----------------------------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/**
 * Redis's zrangeGenericCommand: ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX]
 * forms. Options are parsed first, then the range, then the key is read.
 */
function zrangeGeneric(client: Client, argv: string[], argStart: number, dst: string | null, rangeType: RangeType, direction: Direction): void {
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!.toUpperCase();
    if (dst === null && opt === 'WITHSCORES') {
      withScores = true;
    } else if (opt === 'LIMIT' && left >= 2) {
      offset = longArg(argv[j + 1]!);
      limit = longArg(argv[j + 2]!);
      j += 2;
    } else if (direction === 'auto' && opt === 'REV') {
      direction = 'reverse';
    } else if (rangeType === 'auto' && opt === 'BYLEX') {
      rangeType = 'lex';
    } else if (rangeType === 'auto' && opt === 'BYSCORE') {
      rangeType = 'score';
    } else {
      throw new CommandError(Err.syntax);
    }
  }
  if (rangeType === 'auto') rangeType = 'rank';
  const reverse = direction === 'reverse';
  // Redis: only an explicit LIMIT other than "-1 count" is refused for ranks
  if (limit !== -1 && rangeType === 'rank') throw new CommandError(Err.zrangeLimitByRank);
  if (withScores && rangeType === 'lex') throw new CommandError(Err.zrangeWithscoresByLex);
  // Score and lex ranges are given as max, min in reverse.
  if (reverse && rangeType !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];

  let start = 0, stop = 0;
  let scores: ScoreRange | null = null;
  let lexMin: LexBound = '-', lexMax: LexBound = '+';
  if (rangeType === 'rank') {
    start = longArg(argv[minIdx]!);
    stop = longArg(argv[maxIdx]!);
  } else if (rangeType === 'score') {
    scores = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
  } else {
    lexMin = lexBound(argv[minIdx]!);
    lexMax = lexBound(argv[maxIdx]!);
  }

  const zset = readTyped(client, argv[argStart]!, SortedSet);
  let entries: ZEntry[] = [];
  if (zset !== undefined) {
    if (rangeType === 'rank') {
      const r = normalizeIndexRange(start, stop, zset.size);
      if (r !== null) entries = zset.rangeByRank(r[0], r[1], reverse);
    } else if (scores !== null) {
      entries = zset.rangeByScore(scores.min, scores.max, scores.minEx, scores.maxEx, reverse, offset, limit);
    } else {
      entries = zset.rangeByLex(lexMin, lexMax, reverse, offset, limit);
    }
  }
  if (dst === null) {
    replyEntries(client.reply, entries, withScores);
    return;
  }
  const result = newZset(client);
  // Redis: a rank range of known length above the limit is stored as a skiplist from the start.
  if (rangeType === 'rank' && entries.length > liveEncodingLimits(client.server.config).zsetMaxListpackEntries) result.convertToSkiplist();
  for (const e of entries) result.insert(e.member, e.score);
  storeResult(client, dst, result, NotifyClass.zset, 'zrangestore');
}

function zrangeCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'auto', 'auto');
}
function zrangestoreCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 2, argv[1]!, 'auto', 'auto');
}
function zrevrangeCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'rank', 'reverse');
}
function zrangebyscoreCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'score', 'forward');
}
function zrevrangebyscoreCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'score', 'reverse');
}
function zrangebylexCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'lex', 'forward');
}
function zrevrangebylexCommand(client: Client, argv: string[]): void {
  zrangeGeneric(client, argv, 1, null, 'lex', 'reverse');
}

// ---- ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX ---------------------------------------------

function zremrangeGeneric(client: Client, argv: string[], type: 'rank' | 'score' | 'lex'): void {
  let start = 0, stop = 0;
  let scores: ScoreRange | null = null;
  let lexMin: LexBound = '-', lexMax: LexBound = '+';
  if (type === 'rank') {
    start = longArg(argv[2]!);
    stop = longArg(argv[3]!);
  } else if (type === 'score') {
    scores = parseScoreRange(argv[2]!, argv[3]!);
  } else {
    lexMin = lexBound(argv[2]!);
    lexMax = lexBound(argv[3]!);
  }
  const key = argv[1]!;
  const zset = writeTyped(client.db, key, SortedSet);
  if (zset === undefined) {
    client.reply.integer(0);
    return;
  }
  let deleted = 0;
  if (type === 'rank') {
    const r = normalizeIndexRange(start, stop, zset.size);
    if (r !== null) deleted = zset.deleteRangeByRank(r[0], r[1]);
  } else if (scores !== null) {
    deleted = zset.deleteRangeByScore(scores.min, scores.max, scores.minEx, scores.maxEx);
  } else {
    deleted = zset.deleteRangeByLex(lexMin, lexMax);
  }
  if (deleted > 0) {
    zsetWritten(client, key, `zremrangeby${type}`);
    if (zset.size === 0) deleteEmptied(client, key);
  }
  client.reply.integer(deleted);
}

function zremrangebyrankCommand(client: Client, argv: string[]): void {
  zremrangeGeneric(client, argv, 'rank');
}
function zremrangebyscoreCommand(client: Client, argv: string[]): void {
  zremrangeGeneric(client, argv, 'score');
}
function zremrangebylexCommand(client: Client, argv: string[]): void {
  zremrangeGeneric(client, argv, 'lex');
}

// ---- ZPOPMIN, ZPOPMAX, ZMPOP (and the pop logic the blocking forms reuse) ------------------------------

export type PopWhere = 'min' | 'max';

/**
 * Pops up to `count` entries (count >= 1) from the lowest or highest end of the sorted set
 * at key, as Redis's genericZpopCommand does: `zpopmin`/`zpopmax` is emitted, then the key
 * is deleted when emptied (`del`); the key is signalled to WATCH. Returns null when
 * there is no such key; throws WRONGTYPE for another type. Used by ZPOPMIN, ZPOPMAX,
 * ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP.
 */
export function zsetPop(keyspace: Keyspace, db: Database, key: string, where: PopWhere, count: number): ZEntry[] | null {
  const zset = writeTyped(db, key, SortedSet);
  if (zset === undefined) return null;
  const popped = where === 'min' ? zset.popMin(count) : zset.popMax(count);
  if (popped.length > 0) keyspace.notify(NotifyClass.zset, where === 'min' ? 'zpopmin' : 'zpopmax', key, db);
  if (zset.size === 0) keyspace.deleteKeyAndNotify(db, key, 'del');
  else if (popped.length > 0) keyspace.signalModifiedKey(db, key);
  return popped;
}

/** Writes popped entries without a header: [member, score] pairs nested (ZMPOP, RESP3 counts) or flat. */
export function replyPopped(reply: ReplyWriter, entries: readonly ZEntry[], nested: boolean): void {
  for (const e of entries) {
    if (nested) reply.arrayHeader(2);
    reply.bulk(e.member);
    reply.double(e.score);
  }
}

/** ZMPOP's and BZMPOP's arguments from numkeys on: the keys, MIN|MAX, then an optional COUNT. */
export interface MpopArgs {
  keys: string[];
  where: PopWhere;
  count: number;
}

/** Redis's zmpopGenericCommand parsing; `numkeysIdx` is 1 for ZMPOP, 2 for BZMPOP. */
export function parseZmpopArgs(argv: readonly string[], numkeysIdx: number): MpopArgs {
  const numkeys = longArg(argv[numkeysIdx]!, Err.numkeysNotPositive);
  if (numkeys < 1) throw new CommandError(Err.numkeysNotPositive);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw new CommandError(Err.syntax);
  const whereArg = argv[whereIdx]!.toUpperCase();
  if (whereArg !== 'MIN' && whereArg !== 'MAX') throw new CommandError(Err.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j]!.toUpperCase() === 'COUNT' && j + 1 < argv.length) {
      count = longArg(argv[++j]!, Err.countNotPositive);
      if (count < 1) throw new CommandError(Err.countNotPositive);
    } else {
      throw new CommandError(Err.syntax);
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where: whereArg === 'MIN' ? 'min' : 'max', count: count === -1 ? 1 : count };
}

/** The first key among `keys` holding a sorted set (WRONGTYPE stops at the first other type), or null. */
export function firstZsetKey(db: Database, keys: readonly string[]): string | null {
  for (const key of keys) if (writeTyped(db, key, SortedSet) !== undefined) return key;
  return null;
}

function zpopGeneric(client: Client, argv: string[], where: PopWhere): void {
  if (argv.length > 3) throw new CommandError(Err.syntax);
  // Redis: -1 is "no count": one entry, flat even in RESP3
  const count = argv.length === 3 ? positiveLongArg(argv[2]!) : -1;
  const reply = client.reply;
  const db = client.db;
  const key = argv[1]!;
  if (writeTyped(db, key, SortedSet) === undefined || count === 0) {
    reply.arrayHeader(0);
    return;
  }
  const popped = zsetPop(client.server.keyspace, db, key, where, count === -1 ? 1 : count)!;
  const nested = reply.resp === 3 && count !== -1;
  reply.arrayHeader(nested ? popped.length : popped.length * 2);
  replyPopped(reply, popped, nested);
}

function zpopminCommand(client: Client, argv: string[]): void {
  zpopGeneric(client, argv, 'min');
}
function zpopmaxCommand(client: Client, argv: string[]): void {
  zpopGeneric(client, argv, 'max');
}

function zmpopCommand(client: Client, argv: string[]): void {
  const { keys: candidates, where, count } = parseZmpopArgs(argv, 1);
  const reply = client.reply;
  const key = firstZsetKey(client.db, candidates);
  if (key === null) {
    reply.nullArray();
    return;
  }
  const popped = zsetPop(client.server.keyspace, client.db, key, where, count)!;
  reply.arrayHeader(2);
  reply.bulk(key);
  reply.arrayHeader(popped.length);
  replyPopped(reply, popped, true);
}

// ---- ZRANDMEMBER, ZSCAN --------------------------------------------------------------------------------

function zrandmemberCommand(client: Client, argv: string[]): void {
  const reply = client.reply;
  if (argv.length === 2) {
    const e = readTyped(client, argv[1]!, SortedSet)?.randomMember();
    reply.bulkOrNull(e?.member);
    return;
  }
  const count = randomCountArg(argv[2]!);
  let withScores = false;
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toUpperCase() !== 'WITHSCORES')) {
    throw new CommandError(Err.syntax);
  } else if (argv.length === 4) {
    withScores = true;
    checkPairCount(argv[2]!);
  }
  const zset = readTyped(client, argv[1]!, SortedSet);
  if (zset === undefined || count === 0) {
    reply.arrayHeader(0);
    return;
  }
  // Redis: a negative count picks with repetition, in random order; a count covering the
  // whole set answers all of it, highest score first (checked on 7.0.15, both encodings).
  const entries =
    count < 0 ? zset.randomMembersWithRepetition(-count) : count >= zset.size ? zset.rangeByRank(0, zset.size - 1, true) : zset.randomMembers(count);
  replyEntries(reply, entries, withScores);
}

function zscanCommand(client: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]!);
  const zset = readTyped(client, argv[1]!, SortedSet);
  if (zset === undefined) {
    client.reply.raw(EMPTY_SCAN);
    return;
  }
  const { count, pattern } = parseScanOptions(argv, 3);
  const items: string[] = [];
  const collect = scanCollector(items, pattern);
  // Scores as ld2string/d2string print them: the same text as a RESP2 double.
  const next = zset.scan(cursor, count, (member, score) => collect(member, formatDouble(score)));
  replyScan(client, next, items);
}

// ---- ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD ---------------------------------------------

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input of a set operation: a sorted set, a set (every score 1) or a missing key. */
interface OpSource {
  value: SortedSet | SetValue | null;
  weight: number;
}

function sourceSize(s: OpSource): number {
  return s.value === null ? 0 : s.value.size;
}

/** The source's members with their scores (1 for a plain set), in its own order. */
function* sourceEntries(s: OpSource): Generator<[string, number]> {
  const v = s.value;
  if (v === null) return;
  if (v instanceof SetValue) {
    for (const m of v) yield [m, 1];
  } else {
    for (const e of v) yield [e.member, e.score];
  }
}

function sourceScore(s: OpSource, member: string): number | undefined {
  const v = s.value;
  if (v === null) return undefined;
  if (v instanceof SetValue) return v.has(member) ? 1 : undefined;
  return v.score(member);
}

/** Redis's zunionInterAggregate: a SUM that yields NaN (inf + -inf) counts as 0. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  // Written as Redis compares, so a NaN value leaves the target as it is.
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/**
 * Redis's zunionInterDiffGenericCommand. Inputs are read (and type-checked) before the
 * options are parsed, as Redis does.
 */
function zsetOperation(client: Client, argv: string[], numkeysIdx: number, op: SetOp, dst: string | null, cardinalityOnly: boolean, name: string): void {
  const setnum = longArg(argv[numkeysIdx]!);
  if (setnum < 1) throw new CommandError(Err.zsetNoInputKey(name));
  if (setnum > argv.length - (numkeysIdx + 1)) throw new CommandError(Err.syntax);
  const sources: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = lookupKeyRead(client, client.db, argv[j]!);
    checkTypes(v, SortedSet, SetValue);
    sources.push({ value: (v as SortedSet | SetValue | undefined) ?? null, weight: 1 });
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j]!.toUpperCase();
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && opt === 'WEIGHTS') {
      j++;
      for (let i = 0; i < setnum; i++, j++) sources[i]!.weight = scoreArg(argv[j]!, Err.weightNotFloat);
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'AGGREGATE') {
      const a = argv[j + 1]!.toUpperCase();
      if (a !== 'SUM' && a !== 'MIN' && a !== 'MAX') throw new CommandError(Err.syntax);
      how = a.toLowerCase() as Aggregate;
      j += 2;
    } else if (dst === null && !cardinalityOnly && opt === 'WITHSCORES') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'LIMIT') {
      limit = positiveLongArg(argv[j + 1]!, Err.limitNegative);
      j += 2;
    } else {
      throw new CommandError(Err.syntax);
    }
  }

  const result = new Map<string, number>();
  if (op === 'inter') {
    // Redis sorts the inputs by size (stable, like glibc's merge-sort qsort) and walks the smallest.
    const bySize = sources.slice().sort((a, b) => sourceSize(a) - sourceSize(b));
    const first = bySize[0]!;
    if (sourceSize(first) > 0) {
      outer: for (const [member, s0] of sourceEntries(first)) {
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < bySize.length; k++) {
          const other = bySize[k]!;
          const s = sourceScore(other, member);
          if (s === undefined) continue outer;
          score = aggregate(score, s * other.weight, how);
        }
        result.set(member, score);
        if (cardinalityOnly && limit > 0 && result.size >= limit) break;
      }
    }
  } else if (op === 'union') {
    const bySize = sources.slice().sort((a, b) => sourceSize(a) - sourceSize(b));
    for (const src of bySize) {
      for (const [member, s] of sourceEntries(src)) {
        let score = src.weight * s;
        if (Number.isNaN(score)) score = 0;
        const existing = result.get(member);
        result.set(member, existing === undefined ? score : aggregate(existing, score, how));
      }
    }
  } else {
    const first = sources[0]!;
    outer: for (const [member, s] of sourceEntries(first)) {
      for (let k = 1; k < sources.length; k++) if (sourceScore(sources[k]!, member) !== undefined) continue outer;
      result.set(member, s);
    }
  }

  if (cardinalityOnly) {
    client.reply.integer(result.size);
    return;
  }
  if (dst !== null) {
    const zset = newZset(client);
    // Redis builds a skiplist and converts it to a listpack only when it fits the limits.
    const limits = liveEncodingLimits(client.server.config);
    let fits = result.size <= limits.zsetMaxListpackEntries;
    if (fits) for (const member of result.keys()) if (member.length > limits.zsetMaxListpackValue) fits = false;
    if (!fits) zset.convertToSkiplist();
    for (const [member, score] of result) zset.insert(member, score);
    storeResult(client, dst, zset, NotifyClass.zset, `z${op}store`);
    return;
  }
  const entries: ZEntry[] = [];
  for (const [member, score] of result) entries.push({ member, score });
  entries.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  replyEntries(client.reply, entries, withScores);
}

function zunionCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 1, 'union', null, false, 'zunion');
}
function zinterCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 1, 'inter', null, false, 'zinter');
}
function zdiffCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 1, 'diff', null, false, 'zdiff');
}
function zunionstoreCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 2, 'union', argv[1]!, false, 'zunionstore');
}
function zinterstoreCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 2, 'inter', argv[1]!, false, 'zinterstore');
}
function zdiffstoreCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 2, 'diff', argv[1]!, false, 'zdiffstore');
}
function zintercardCommand(client: Client, argv: string[]): void {
  zsetOperation(client, argv, 1, 'inter', null, true, 'zintercard');
}

// ---- declarations ------------------------------------------------------------------------------------------

export const zadd = {
  name: 'zadd',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'sorted_set',
  summary: 'Add one or more members to a sorted set, or update its score if it already exists',
  since: '1.2.0',
  complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
  history: [['2.4.0', 'Accepts multiple elements.'], ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'], ['6.2.0', 'Added the `GT` and `LT` options.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'condition', type: 'oneof', since: '3.0.2', optional: true, arguments: [
      { name: 'nx', type: 'pure-token', token: 'NX' },
      { name: 'xx', type: 'pure-token', token: 'XX' },
    ] },
    { name: 'comparison', type: 'oneof', since: '6.2.0', optional: true, arguments: [
      { name: 'gt', type: 'pure-token', token: 'GT' },
      { name: 'lt', type: 'pure-token', token: 'LT' },
    ] },
    { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', optional: true },
    { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', optional: true },
    { name: 'score_member', type: 'block', multiple: true, arguments: [
      { name: 'score', type: 'double' },
      { name: 'member', type: 'string' },
    ] },
  ],
  handler: zaddCommand,
} as const satisfies CommandSpec;

export const zincrby = {
  name: 'zincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'UPDATE'])],
  group: 'sorted_set',
  summary: 'Increment the score of a member in a sorted set',
  since: '1.2.0',
  complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'increment', type: 'integer' },
    { name: 'member', type: 'string' },
  ],
  handler: zincrbyCommand,
} as const satisfies CommandSpec;

export const zrem = {
  name: 'zrem',
  arity: -3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove one or more members from a sorted set',
  since: '1.2.0',
  complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
  history: [['2.4.0', 'Accepts multiple elements.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string', multiple: true },
  ],
  handler: zremCommand,
} as const satisfies CommandSpec;

export const zscore = {
  name: 'zscore',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Get the score associated with the given member in a sorted set',
  since: '1.2.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
  ],
  handler: zscoreCommand,
} as const satisfies CommandSpec;

export const zmscore = {
  name: 'zmscore',
  arity: -3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Get the score associated with the given members in a sorted set',
  since: '6.2.0',
  complexity: 'O(N) where N is the number of members being requested.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string', multiple: true },
  ],
  handler: zmscoreCommand,
} as const satisfies CommandSpec;

export const zcard = {
  name: 'zcard',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'sorted_set',
  summary: 'Get the number of members in a sorted set',
  since: '1.2.0',
  complexity: 'O(1)',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  handler: zcardCommand,
} as const satisfies CommandSpec;

export const zcount = {
  name: 'zcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Count the members in a sorted set with scores within the given values',
  since: '2.0.0',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'double' },
    { name: 'max', type: 'double' },
  ],
  handler: zcountCommand,
} as const satisfies CommandSpec;

export const zlexcount = {
  name: 'zlexcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Count the number of members in a sorted set between a given lexicographical range',
  since: '2.8.9',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
  ],
  handler: zlexcountCommand,
} as const satisfies CommandSpec;

export const zrange = {
  name: 'zrange',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set',
  since: '1.2.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
  history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'string' },
    { name: 'stop', type: 'string' },
    { name: 'sortby', type: 'oneof', since: '6.2.0', optional: true, arguments: [
      { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
      { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
    ] },
    { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', optional: true },
    { name: 'offset_count', type: 'block', token: 'LIMIT', since: '6.2.0', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
  ],
  handler: zrangeCommand,
} as const satisfies CommandSpec;

export const zrangebyscore = {
  name: 'zrangebyscore',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set, by score',
  since: '1.0.5',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
  history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`ZRANGE` with the `BYSCORE` argument',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'double' },
    { name: 'max', type: 'double' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', since: '2.0.0', optional: true },
    { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
  ],
  handler: zrangebyscoreCommand,
} as const satisfies CommandSpec;

export const zrevrangebyscore = {
  name: 'zrevrangebyscore',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
  since: '2.2.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
  history: [['2.1.6', '`min` and `max` can be exclusive.']],
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'max', type: 'double' },
    { name: 'min', type: 'double' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
  ],
  handler: zrevrangebyscoreCommand,
} as const satisfies CommandSpec;

export const zrangebylex = {
  name: 'zrangebylex',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set, by lexicographical range',
  since: '2.8.9',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`ZRANGE` with the `BYLEX` argument',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
    { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
  ],
  handler: zrangebylexCommand,
} as const satisfies CommandSpec;

export const zrevrangebylex = {
  name: 'zrevrangebylex',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
  since: '2.8.9',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'max', type: 'string' },
    { name: 'min', type: 'string' },
    { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
  ],
  handler: zrevrangebylexCommand,
} as const satisfies CommandSpec;

export const zrevrange = {
  name: 'zrevrange',
  arity: -4,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
  since: '1.2.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
  docFlags: ['deprecated'],
  deprecatedSince: '6.2.0',
  replacedBy: '`ZRANGE` with the `REV` argument',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'integer' },
    { name: 'stop', type: 'integer' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
  ],
  handler: zrevrangeCommand,
} as const satisfies CommandSpec;

export const zrangestore = {
  name: 'zrangestore',
  arity: -5,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.one(2, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Store a range of members from sorted set into another key',
  since: '6.2.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
  arguments: [
    { name: 'dst', type: 'key', keySpecIndex: 0 },
    { name: 'src', type: 'key', keySpecIndex: 1 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
    { name: 'sortby', type: 'oneof', optional: true, arguments: [
      { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
      { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
    ] },
    { name: 'rev', type: 'pure-token', token: 'REV', optional: true },
    { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ] },
  ],
  handler: zrangestoreCommand,
} as const satisfies CommandSpec;

export const zrank = {
  name: 'zrank',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Determine the index of a member in a sorted set',
  since: '2.0.0',
  complexity: 'O(log(N))',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
  ],
  handler: zrankCommand,
} as const satisfies CommandSpec;

export const zrevrank = {
  name: 'zrevrank',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
  since: '2.0.0',
  complexity: 'O(log(N))',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
  ],
  handler: zrevrankCommand,
} as const satisfies CommandSpec;

export const zpopmin = {
  name: 'zpopmin',
  arity: -2,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove and return members with the lowest scores in a sorted set',
  since: '5.0.0',
  complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', optional: true },
  ],
  handler: zpopminCommand,
} as const satisfies CommandSpec;

export const zpopmax = {
  name: 'zpopmax',
  arity: -2,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'ACCESS', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove and return members with the highest scores in a sorted set',
  since: '5.0.0',
  complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', optional: true },
  ],
  handler: zpopmaxCommand,
} as const satisfies CommandSpec;

export const zmpop = {
  name: 'zmpop',
  arity: -4,
  flags: ['write'],
  keySpecs: [keys.counted(1, ['RW', 'ACCESS', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove and return members with scores in a sorted set',
  since: '7.0.0',
  complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'where', type: 'oneof', arguments: [
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ] },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  ],
  handler: zmpopCommand,
} as const satisfies CommandSpec;

export const zrandmember = {
  name: 'zrandmember',
  arity: -2,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Get one or multiple random elements from a sorted set',
  since: '6.2.0',
  complexity: 'O(N) where N is the number of elements returned',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'options', type: 'block', optional: true, arguments: [
      { name: 'count', type: 'integer' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
    ] },
  ],
  tips: ['nondeterministic_output'],
  handler: zrandmemberCommand,
} as const satisfies CommandSpec;

export const zremrangebyscore = {
  name: 'zremrangebyscore',
  arity: 4,
  flags: ['write'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove all members in a sorted set within the given scores',
  since: '1.2.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'double' },
    { name: 'max', type: 'double' },
  ],
  handler: zremrangebyscoreCommand,
} as const satisfies CommandSpec;

export const zremrangebyrank = {
  name: 'zremrangebyrank',
  arity: 4,
  flags: ['write'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove all members in a sorted set within the given indexes',
  since: '2.0.0',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'integer' },
    { name: 'stop', type: 'integer' },
  ],
  handler: zremrangebyrankCommand,
} as const satisfies CommandSpec;

export const zremrangebylex = {
  name: 'zremrangebylex',
  arity: 4,
  flags: ['write'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'sorted_set',
  summary: 'Remove all members in a sorted set between the given lexicographical range',
  since: '2.8.9',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
  ],
  handler: zremrangebylexCommand,
} as const satisfies CommandSpec;

export const zunion = {
  name: 'zunion',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.counted(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Add multiple sorted sets',
  since: '6.2.0',
  complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
    { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
      { name: 'sum', type: 'pure-token', token: 'SUM' },
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ] },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
  ],
  handler: zunionCommand,
} as const satisfies CommandSpec;

export const zinter = {
  name: 'zinter',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.counted(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Intersect multiple sorted sets',
  since: '6.2.0',
  complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
    { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
      { name: 'sum', type: 'pure-token', token: 'SUM' },
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ] },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
  ],
  handler: zinterCommand,
} as const satisfies CommandSpec;

export const zdiff = {
  name: 'zdiff',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.counted(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Subtract multiple sorted sets',
  since: '6.2.0',
  complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
  ],
  handler: zdiffCommand,
} as const satisfies CommandSpec;

export const zunionstore = {
  name: 'zunionstore',
  arity: -4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.counted(2, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
  since: '2.0.0',
  complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
    { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
      { name: 'sum', type: 'pure-token', token: 'SUM' },
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ] },
  ],
  handler: zunionstoreCommand,
} as const satisfies CommandSpec;

export const zinterstore = {
  name: 'zinterstore',
  arity: -4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.counted(2, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
  since: '2.0.0',
  complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
    { name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true, arguments: [
      { name: 'sum', type: 'pure-token', token: 'SUM' },
      { name: 'min', type: 'pure-token', token: 'MIN' },
      { name: 'max', type: 'pure-token', token: 'MAX' },
    ] },
  ],
  handler: zinterstoreCommand,
} as const satisfies CommandSpec;

export const zdiffstore = {
  name: 'zdiffstore',
  arity: -4,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'UPDATE']), keys.counted(2, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
  since: '6.2.0',
  complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
  arguments: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
  ],
  handler: zdiffstoreCommand,
} as const satisfies CommandSpec;

export const zintercard = {
  name: 'zintercard',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.counted(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Intersect multiple sorted sets and return the cardinality of the result',
  since: '7.0.0',
  complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
  arguments: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
  ],
  handler: zintercardCommand,
} as const satisfies CommandSpec;

export const zscan = {
  name: 'zscan',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sorted_set',
  summary: 'Incrementally iterate sorted sets elements and associated scores',
  since: '2.8.0',
  complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
    { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  ],
  tips: ['nondeterministic_output'],
  handler: zscanCommand,
} as const satisfies CommandSpec;

export const sortedSetsCommands: readonly CommandSpec[] = [
  zadd, zincrby, zrem, zscore, zmscore, zcard, zcount, zlexcount,
  zrange, zrangebyscore, zrevrangebyscore, zrangebylex, zrevrangebylex, zrevrange, zrangestore, zrank, zrevrank,
  zpopmin, zpopmax, zmpop, zrandmember, zremrangebyscore, zremrangebyrank, zremrangebylex,
  zunion, zinter, zdiff, zunionstore, zinterstore, zdiffstore, zintercard, zscan,
];
