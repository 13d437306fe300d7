import type { Clock } from '../expiry/clock.js';
import type { DeadlineOwner, DeadlineScheduler } from '../expiry/scheduler.js';
import type { Database } from '../keyspace/database.js';
import type { TypedValue } from '../keyspace/values.js';
import { decodeCode, decoded, encodeCode, randomWord } from './codes.js';
import { FreeLots } from './free-lots.js';
import { UserTable } from './users.js';

/**
 * One flash sale (sale.md): pure transitions over typed arrays, no RESP, no keyspace.
 *
 * Per lot: a state byte, the user id, the hold deadline, the generation and the 64-bit code
 * tag, plus one bit in the free-lot bitset: 25 bytes and a bit, no object. Errors are returned as
 * SaleError strings (the only strings a transition returns); nothing throws for a business
 * error.
 */

export const MAX_LOTS = 100_000_000;
export const MAX_HOLD_MS = 86_400_000;
export const DEFAULT_HOLD_MS = 3000;

const AVAILABLE = 0;
const HELD = 1;
const PURCHASED = 2;
const CONFIRMED = 3;

export type LotState = 'held' | 'purchased' | 'confirmed';
/** Indexed by state byte; an available lot is never shown (SALE.LOT answers nil). */
const STATE_NAMES: readonly (LotState | null)[] = [null, 'held', 'purchased', 'confirmed'];

export type SaleEvent = 'reserved' | 'purchased' | 'confirmed' | 'cancelled' | 'expired';

/** Told of every state change (sale.md Events). Called synchronously, inside the transition. */
export type SaleListener = (event: SaleEvent, lot: number, code: string, user: string) => void;

export interface SaleEnv {
  /** The clock the scheduler uses: holds are judged against it. */
  clock: Clock;
  /** Holds ride the shared scheduler (sale.md invariant 4). */
  scheduler: DeadlineScheduler;
}

export interface SaleOptions {
  lots: number;
  /** Per-user cap on held + purchased + confirmed lots; 0 = no cap. */
  limit?: number;
  holdMs?: number;
}

export interface SaleCode {
  lot: number;
  code: string;
}

export interface Reservation extends SaleCode {
  /** Unix ms after which the hold is gone; a durable log records it with the code. */
  holdDeadline: number;
}

export interface LotView {
  state: LotState;
  user: string;
  code: string;
  /** Unix ms, held lots only. */
  deadlineMs: number | null;
}

export interface SoldEntry {
  lot: number;
  user: string;
  code: string;
  state: 'purchased' | 'confirmed';
}

export interface SoldPage {
  /** The next lot to look at; 0 when the iteration is done (as SCAN). */
  cursor: number;
  entries: SoldEntry[];
}

export interface SaleInfo {
  lots: number;
  available: number;
  held: number;
  purchased: number;
  confirmed: number;
  limit: number;
  holdMs: number;
  expiredHolds: number;
  users: number;
}

export type ReserveResult = Reservation | 'SOLDOUT' | 'TAKEN' | 'LIMIT' | 'RANGE';
export type PurchaseResult = number | 'NOHOLD';
export type ConfirmResult = number | 'NOHOLD' | 'NOTPURCHASED';
export type CancelResult = 0 | 1 | 'CONFIRMED';
export type MarkResult = SaleCode | 'TAKEN' | 'RANGE';

/** SALE.SOLD looks at no more than max(count * 10, this) lots per call, as SCAN bounds its work. */
const SOLD_SCAN_MIN = 100_000;

/**
 * The sale's presence on one scheduler. A sale gets a new one on rescheduleAll and retires
 * it on dispose, so every heap entry left on the old one reads as stale at once, whatever
 * happens to the lots afterwards.
 */
class HoldTimer implements DeadlineOwner<number> {
  live = true;
  constructor(
    readonly scheduler: DeadlineScheduler,
    private readonly fire: (lot: number, deadline: number) => boolean,
    private readonly stands: (lot: number, deadline: number) => boolean,
  ) {}
  /** False for an entry the sale already reported with noteStale, keeping the count exact. */
  onDeadline(lot: number, deadline: number): boolean {
    return this.live && this.fire(lot, deadline);
  }
  isScheduled(lot: number, deadline: number): boolean {
    return this.live && this.stands(lot, deadline);
  }
  /** Stops standing for anything; `liveEntries` of the heap's entries become stale. */
  retire(liveEntries: number): void {
    this.live = false;
    if (liveEntries > 0) this.scheduler.noteStale(liveEntries);
  }
}

/** Validates SALE.CREATE's numbers and builds the sale. */
export function createSale(env: SaleEnv, options: SaleOptions): SaleValue | 'OUTOFRANGE' {
  const { lots, limit = 0, holdMs = DEFAULT_HOLD_MS } = options;
  if (!validOptions(lots, limit, holdMs)) return 'OUTOFRANGE';
  return new SaleValue(env, lots, limit, holdMs);
}

function validOptions(lots: number, limit: number, holdMs: number): boolean {
  return (
    Number.isInteger(lots) && lots >= 1 && lots <= MAX_LOTS &&
    Number.isSafeInteger(limit) && limit >= 0 &&
    Number.isInteger(holdMs) && holdMs >= 1 && holdMs <= MAX_HOLD_MS
  );
}

function isLot(lot: number, lots: number): boolean {
  return Number.isInteger(lot) && lot >= 0 && lot < lots;
}

/**
 * A sale is a keyspace value (TYPE answers `sale`). It has no clone(): COPY of a sale is
 * refused, because a copy would put the same stock on sale twice, every hold and purchase
 * duplicated under the same codes (sale.md invariant 2).
 */
export class SaleValue implements TypedValue {
  readonly type = 'sale';
  readonly encoding = 'sale';
  readonly lots: number;
  readonly limit: number;
  readonly holdMs: number;
  /** Set by the command layer; null costs one comparison per transition. */
  onEvent: SaleListener | null = null;
  /**
   * Where the sale is stored, kept current by the keyspace (bindKey on create, RENAME,
   * MOVE, load), so events name the key the sale has now. Null until first stored.
   */
  db: Database | null = null;
  key = '';

  private held = 0;
  private purchased = 0;
  private confirmed = 0;
  private expiredHolds = 0;
  private readonly clock: Clock;
  private readonly lotState: Uint8Array;
  private readonly lotUser: Int32Array;
  private readonly holdDeadline: Float64Array;
  private readonly lotGeneration: Uint32Array;
  /** Two words per lot: the code tag of the lot's current reservation. */
  private readonly codeTag: Uint32Array;
  private readonly freeLots: FreeLots;
  private readonly users = new UserTable();
  /** Highest generation ever given, so a restored sale never reissues a code (snapshot). */
  private maxGeneration = 0;
  private holdTimer: HoldTimer;
  /** Bytes of the per-lot arrays, summed on first use by memoryUsage (they never grow). */
  private arrayBytes = 0;

  /** Use createSale, which validates; this throws on numbers outside the contract. */
  constructor(env: SaleEnv, lots: number, limit: number, holdMs: number) {
    if (!validOptions(lots, limit, holdMs)) throw new RangeError('sale options out of range');
    this.lots = lots;
    this.limit = limit;
    this.holdMs = holdMs;
    this.clock = env.clock;
    // Zero-filled typed arrays: pages are mapped as lots are first touched.
    this.lotState = new Uint8Array(lots);
    this.lotUser = new Int32Array(lots);
    this.holdDeadline = new Float64Array(lots);
    this.lotGeneration = new Uint32Array(lots);
    this.codeTag = new Uint32Array(lots * 2);
    this.freeLots = new FreeLots(lots);
    this.holdTimer = this.newHoldTimer(env.scheduler);
  }

  // ---- transitions -------------------------------------------------------------------

  /** RESERVE key user [LOT n]. */
  reserve(user: string, lot?: number): ReserveResult {
    const now = this.clock.now();
    if (lot !== undefined) {
      if (!isLot(lot, this.lots)) return 'RANGE';
      // A dead hold on that lot is gone before anything is judged (sale.md invariant 4);
      // it may be this user's own, which frees room under the limit.
      if (this.lotState[lot] === HELD) this.expireIfDue(lot, now);
    }
    const userId = this.users.idOf(user);
    // sale.md invariant 3. LIMIT before SOLDOUT/TAKEN: a user at the cap gets the same
    // answer whatever the stock.
    if (this.limit > 0 && userId >= 0 && this.users.counts[userId]! >= this.limit) return 'LIMIT';
    if (lot === undefined) {
      if (this.freeLots.size === 0) return 'SOLDOUT';
      lot = this.freeLots.pop();
    } else {
      if (this.lotState[lot] !== AVAILABLE) return 'TAKEN';
      this.freeLots.remove(lot);
    }
    const code = this.assign(lot, HELD, this.users.acquire(user, userId));
    const holdDeadline = now + this.holdMs;
    this.holdDeadline[lot] = holdDeadline;
    this.held++;
    this.holdTimer.scheduler.schedule(holdDeadline, this.holdTimer, lot);
    if (this.onEvent !== null) this.onEvent('reserved', lot, code, user);
    return { lot, code, holdDeadline };
  }

  /** PURCHASE key code: the lot. Idempotent on purchased and confirmed codes. */
  purchase(code: string): PurchaseResult {
    const lot = this.lotOfCode(code);
    if (lot < 0) return 'NOHOLD';
    if (this.lotState[lot] === HELD) {
      // sale.md invariant 4: never purchasable past the deadline, even if the timer is late.
      if (this.expireIfDue(lot, this.clock.now())) return 'NOHOLD';
      this.lotState[lot] = PURCHASED;
      this.held--;
      this.purchased++;
      this.holdTimer.scheduler.noteStale();
      if (this.onEvent !== null) this.onEvent('purchased', lot, code, this.userOf(lot));
    }
    return lot;
  }

  /** CONFIRM key code: the lot. Idempotent on a confirmed code. */
  confirm(code: string): ConfirmResult {
    const lot = this.lotOfCode(code);
    if (lot < 0) return 'NOHOLD';
    const state = this.lotState[lot];
    if (state === HELD) return this.expireIfDue(lot, this.clock.now()) ? 'NOHOLD' : 'NOTPURCHASED';
    if (state === PURCHASED) {
      this.lotState[lot] = CONFIRMED;
      this.purchased--;
      this.confirmed++;
      if (this.onEvent !== null) this.onEvent('confirmed', lot, code, this.userOf(lot));
    }
    return lot;
  }

  /** CANCEL key code: 1 if a live hold or an unconfirmed purchase was released, else 0. */
  cancel(code: string): CancelResult {
    const lot = this.lotOfCode(code);
    if (lot < 0) return 0;
    const state = this.lotState[lot];
    if (state === CONFIRMED) return 'CONFIRMED';
    if (state === HELD) {
      if (this.expireIfDue(lot, this.clock.now())) return 0;
      this.held--;
      this.holdTimer.scheduler.noteStale();
    } else {
      this.purchased--;
    }
    this.release(lot, 'cancelled', code);
    return 1;
  }

  /**
   * SALE.MARK key lot user: a sale confirmed elsewhere. It gets a code like any lot (SALE.LOT
   * and SALE.SOLD show one) and counts toward the user even past the limit (sale.md).
   */
  mark(lot: number, user: string): MarkResult {
    if (!isLot(lot, this.lots)) return 'RANGE';
    if (this.lotState[lot] === HELD) this.expireIfDue(lot, this.clock.now());
    if (this.lotState[lot] !== AVAILABLE) return 'TAKEN';
    this.freeLots.remove(lot);
    const code = this.assign(lot, CONFIRMED, this.users.acquire(user));
    this.confirmed++;
    if (this.onEvent !== null) this.onEvent('confirmed', lot, code, user);
    return { lot, code };
  }

  /**
   * Replays a logged RESERVE (state 'held', with its deadline) or SALE.MARK (state
   * 'confirmed'): puts `lot` in that state for `user` under exactly `code`, the one the live
   * command drew (codes are random, so replay cannot draw them again). The live command's
   * checks (limit, stock) passed when it ran and are not repeated.
   *
   * A hold still on the lot is one that ended without a record of its own: it timed out
   * before the lot was taken again. It is expired first, as it was then (with its event).
   * Returns false when the record cannot apply: a code that does not name this lot, a lot
   * out of range, or a lot purchased or confirmed under another code (a corrupt log).
   */
  applyLogged(lot: number, user: string, code: string, state: 'held' | 'confirmed', holdDeadline = 0): boolean {
    if (!isLot(lot, this.lots) || !decodeCode(code) || decoded[2] !== lot) return false;
    const tagHi = decoded[0]!;
    const tagLo = decoded[1]!;
    const generation = decoded[3]!;
    const current = this.lotState[lot];
    if (current === HELD) {
      // Its heap entry stays behind, stale.
      this.holdTimer.scheduler.noteStale();
      this.expire(lot);
    } else if (current !== AVAILABLE) {
      return false;
    }
    this.freeLots.remove(lot);
    this.lotState[lot] = state === 'held' ? HELD : CONFIRMED;
    this.lotUser[lot] = this.users.acquire(user);
    this.lotGeneration[lot] = generation;
    this.codeTag[2 * lot] = tagHi;
    this.codeTag[2 * lot + 1] = tagLo;
    if (generation > this.maxGeneration) this.maxGeneration = generation;
    if (state === 'held') {
      this.holdDeadline[lot] = holdDeadline;
      this.held++;
      this.holdTimer.scheduler.schedule(holdDeadline, this.holdTimer, lot);
    } else {
      this.confirmed++;
    }
    if (this.onEvent !== null) this.onEvent(state === 'held' ? 'reserved' : 'confirmed', lot, code, user);
    return true;
  }

  // ---- reads -------------------------------------------------------------------------

  info(): SaleInfo {
    return {
      lots: this.lots,
      available: this.freeLots.size,
      held: this.held,
      purchased: this.purchased,
      confirmed: this.confirmed,
      limit: this.limit,
      holdMs: this.holdMs,
      expiredHolds: this.expiredHolds,
      users: this.users.size,
    };
  }

  /** SALE.USER: held + purchased + confirmed lots of the user. */
  userCount(user: string): number {
    return this.users.countOf(user);
  }

  /** SALE.LOT: null for an available lot. A dead hold is expired here, never shown. */
  lot(lot: number): LotView | null | 'RANGE' {
    if (!isLot(lot, this.lots)) return 'RANGE';
    const state = this.lotState[lot]!;
    if (state === HELD && this.expireIfDue(lot, this.clock.now())) return null;
    if (state === AVAILABLE) return null;
    return {
      state: STATE_NAMES[state]!,
      user: this.userOf(lot),
      code: this.codeOf(lot),
      deadlineMs: state === HELD ? this.holdDeadline[lot]! : null,
    };
  }

  /**
   * SALE.SOLD: purchased and confirmed lots from `cursor` on, in lot order, at most `count`
   * entries. Like SCAN, a call's work is bounded, so a page may be empty with a nonzero
   * cursor. A cursor past the last lot ends the iteration.
   */
  sold(cursor: number, count = 10): SoldPage {
    const entries: SoldEntry[] = [];
    if (!Number.isInteger(cursor) || cursor < 0 || cursor >= this.lots) return { cursor: 0, entries };
    count = Math.max(1, Math.floor(count));
    const end = Math.min(this.lots, cursor + Math.max(count * 10, SOLD_SCAN_MIN));
    let lot = cursor;
    for (; lot < end && entries.length < count; lot++) {
      const state = this.lotState[lot]!;
      if (state < PURCHASED) continue;
      entries.push({
        lot,
        user: this.userOf(lot),
        code: this.codeOf(lot),
        state: state === PURCHASED ? 'purchased' : 'confirmed',
      });
    }
    return { cursor: lot >= this.lots ? 0 : lot, entries };
  }

  // ---- lifecycle ---------------------------------------------------------------------

  /** TypedValue.bindKey: the keyspace stored the sale at `key` of `db`. */
  bindKey(db: Database, key: string): void {
    this.db = db;
    this.key = key;
  }

  /**
   * The key is gone (DEL, UNLINK, expiry, overwrite): every pending hold entry becomes
   * stale at once. No events: the keyspace reports the deletion.
   */
  dispose(): void {
    this.onEvent = null;
    this.holdTimer.retire(this.held);
  }

  /**
   * Re-arms every hold, on `scheduler` or the current one (after a load, or when the server
   * swaps schedulers). Holds already past their deadline expire now, with events.
   */
  rescheduleAll(scheduler: DeadlineScheduler = this.holdTimer.scheduler): void {
    this.holdTimer.retire(this.held);
    this.holdTimer = this.newHoldTimer(scheduler);
    this.armHolds();
  }

  /** Estimated bytes (for MEMORY USAGE): typed arrays, users, and hold entries in the scheduler. */
  memoryUsage(): number {
    // The memory accounting calls this on every write to the key: the fixed arrays are
    // summed once, the users and holds are O(1) counters.
    if (this.arrayBytes === 0) {
      this.arrayBytes =
        this.lotState.byteLength +
        this.lotUser.byteLength +
        this.holdDeadline.byteLength +
        this.lotGeneration.byteLength +
        this.codeTag.byteLength +
        this.freeLots.byteLength;
    }
    // A heap entry is three array slots in the scheduler, plus the arrays' growth slack.
    return this.arrayBytes + this.users.memoryUsage() + this.held * 36;
  }

  // ---- persistence -------------------------------------------------------------------

  /**
   * A compact, self-contained image: the header, the users with a nonzero count, then
   * only the lots that are not available, column by column. Holds keep their absolute
   * deadlines (sale.md Durability).
   */
  toSnapshot(): Buffer {
    const entryCount = this.lots - this.freeLots.size;
    const userIndex = new Int32Array(this.users.names.length).fill(-1);
    const userNames: Buffer[] = [];
    const entryLot = new Int32Array(entryCount);
    const entryState = new Uint8Array(entryCount);
    const entryGeneration = new Uint32Array(entryCount);
    const entryTag = new Uint32Array(entryCount * 2);
    const entryUser = new Int32Array(entryCount);
    const heldDeadline = new Float64Array(this.held);
    let e = 0;
    let h = 0;
    for (let lot = 0; lot < this.lots && e < entryCount; lot++) {
      const state = this.lotState[lot]!;
      if (state === AVAILABLE) continue;
      const userId = this.lotUser[lot]!;
      if (userIndex[userId] === -1) {
        userIndex[userId] = userNames.length;
        const name = this.users.names[userId]!;
        const record = Buffer.allocUnsafe(4 + name.length);
        record.writeUInt32LE(name.length, 0);
        record.write(name, 4, 'latin1');
        userNames.push(record);
      }
      entryLot[e] = lot;
      entryState[e] = state;
      entryGeneration[e] = this.lotGeneration[lot]!;
      entryTag[2 * e] = this.codeTag[2 * lot]!;
      entryTag[2 * e + 1] = this.codeTag[2 * lot + 1]!;
      entryUser[e] = userIndex[userId]!;
      if (state === HELD) heldDeadline[h++] = this.holdDeadline[lot]!;
      e++;
    }
    const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
    header.writeUInt32LE(SNAPSHOT_MAGIC, 0);
    header.writeUInt32LE(SNAPSHOT_VERSION, 4);
    header.writeDoubleLE(this.lots, 8);
    header.writeDoubleLE(this.limit, 16);
    header.writeDoubleLE(this.holdMs, 24);
    header.writeDoubleLE(this.expiredHolds, 32);
    header.writeUInt32LE(this.maxGeneration, 40);
    header.writeUInt32LE(userNames.length, 44);
    header.writeUInt32LE(entryCount, 48);
    header.writeUInt32LE(this.held, 52);
    return Buffer.concat([
      header,
      ...userNames,
      bytesOf(entryLot),
      bytesOf(entryState),
      bytesOf(entryGeneration),
      bytesOf(entryTag),
      bytesOf(entryUser),
      bytesOf(heldDeadline),
    ]);
  }

  /**
   * Rebuilds a sale from toSnapshot's image and arms its holds on env.scheduler; holds
   * whose deadline has passed are expired now, reported to `onEvent` (sale.md Durability).
   * Throws on a corrupt image: that is a storage fault, not a business error.
   */
  static fromSnapshot(image: Uint8Array, env: SaleEnv, onEvent: SaleListener | null = null): SaleValue {
    const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
    const fail = (why: string): never => {
      throw new Error(`corrupt sale snapshot: ${why}`);
    };
    if (buf.length < SNAPSHOT_HEADER_BYTES) fail('short header');
    if (buf.readUInt32LE(0) !== SNAPSHOT_MAGIC) fail('bad magic');
    if (buf.readUInt32LE(4) !== SNAPSHOT_VERSION) fail('unknown version');
    const lots = buf.readDoubleLE(8);
    const limit = buf.readDoubleLE(16);
    const holdMs = buf.readDoubleLE(24);
    const expiredHolds = buf.readDoubleLE(32);
    const maxGeneration = buf.readUInt32LE(40);
    const userCount = buf.readUInt32LE(44);
    const entryCount = buf.readUInt32LE(48);
    const heldCount = buf.readUInt32LE(52);
    if (!validOptions(lots, limit, holdMs)) fail('options out of range');
    if (!Number.isSafeInteger(expiredHolds) || expiredHolds < 0) fail('bad expired-holds');
    if (entryCount > lots || heldCount > entryCount) fail('bad counts');

    let at = SNAPSHOT_HEADER_BYTES;
    const names: string[] = [];
    for (let i = 0; i < userCount; i++) {
      if (at + 4 > buf.length) fail('truncated users');
      const length = buf.readUInt32LE(at);
      if (at + 4 + length > buf.length) fail('truncated users');
      names.push(buf.toString('latin1', at + 4, at + 4 + length));
      at += 4 + length;
    }
    const column = <T extends { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }>(into: T): T => {
      if (at + into.byteLength > buf.length) fail('truncated lots');
      // Copied, not viewed: the image need not be aligned for the column's element size.
      new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(buf.subarray(at, at + into.byteLength));
      at += into.byteLength;
      return into;
    };
    const entryLot = column(new Int32Array(entryCount));
    const entryState = column(new Uint8Array(entryCount));
    const entryGeneration = column(new Uint32Array(entryCount));
    const entryTag = column(new Uint32Array(entryCount * 2));
    const entryUser = column(new Int32Array(entryCount));
    const heldDeadline = column(new Float64Array(heldCount));
    if (at !== buf.length) fail('trailing bytes');

    const sale = new SaleValue(env, lots, limit, holdMs);
    sale.expiredHolds = expiredHolds;
    // Generations of lots that are available now were not saved; starting them all at the
    // highest ever given keeps every future code unique (sale.md invariant 2).
    sale.maxGeneration = maxGeneration;
    sale.lotGeneration.fill(maxGeneration);
    const ids = new Int32Array(userCount).fill(-1);
    let h = 0;
    let previous = -1;
    for (let e = 0; e < entryCount; e++) {
      const lot = entryLot[e]!;
      const state = entryState[e]!;
      const user = entryUser[e]!;
      if (lot <= previous || lot >= lots) fail('lots out of order');
      if (state !== HELD && state !== PURCHASED && state !== CONFIRMED) fail('bad state');
      if (user < 0 || user >= userCount) fail('bad user');
      previous = lot;
      sale.freeLots.remove(lot);
      sale.lotState[lot] = state;
      sale.lotGeneration[lot] = entryGeneration[e]!;
      sale.codeTag[2 * lot] = entryTag[2 * e]!;
      sale.codeTag[2 * lot + 1] = entryTag[2 * e + 1]!;
      // The id hint only once known: a name listed twice still maps to one user.
      const known = ids[user]!;
      sale.lotUser[lot] = ids[user] = sale.users.acquire(names[user]!, known >= 0 ? known : undefined);
      if (state === HELD) {
        if (h >= heldCount) fail('held count');
        sale.holdDeadline[lot] = heldDeadline[h++]!;
        sale.held++;
      } else if (state === PURCHASED) sale.purchased++;
      else sale.confirmed++;
    }
    if (h !== heldCount) fail('held count');
    sale.onEvent = onEvent;
    sale.armHolds();
    return sale;
  }

  // ---- internals ---------------------------------------------------------------------

  /** Gives `lot` to a user with a fresh code in `state`; returns the code. */
  private assign(lot: number, state: number, userId: number): string {
    const generation = (this.lotGeneration[lot]! + 1) >>> 0;
    const tagHi = randomWord();
    const tagLo = randomWord();
    this.lotState[lot] = state;
    this.lotUser[lot] = userId;
    this.lotGeneration[lot] = generation;
    this.codeTag[2 * lot] = tagHi;
    this.codeTag[2 * lot + 1] = tagLo;
    if (generation > this.maxGeneration) this.maxGeneration = generation;
    return encodeCode(tagHi, tagLo, lot, generation);
  }

  /** The lot a code names while it is that lot's current reservation, else -1. */
  private lotOfCode(code: string): number {
    if (!decodeCode(code)) return -1;
    const lot = decoded[2]!;
    if (
      lot >= this.lots ||
      this.lotState[lot] === AVAILABLE ||
      this.lotGeneration[lot] !== decoded[3] ||
      this.codeTag[2 * lot] !== decoded[0] ||
      this.codeTag[2 * lot + 1] !== decoded[1]
    ) {
      return -1;
    }
    return lot;
  }

  private codeOf(lot: number): string {
    return encodeCode(this.codeTag[2 * lot]!, this.codeTag[2 * lot + 1]!, lot, this.lotGeneration[lot]!);
  }

  private userOf(lot: number): string {
    return this.users.names[this.lotUser[lot]!]!;
  }

  /** Makes a lot available again; the caller has already taken it off its state's counter. */
  private release(lot: number, event: SaleEvent, code: string | null): void {
    const userId = this.lotUser[lot]!;
    this.lotState[lot] = AVAILABLE;
    this.freeLots.push(lot);
    if (this.onEvent !== null) this.onEvent(event, lot, code ?? this.codeOf(lot), this.users.names[userId]!);
    this.users.release(userId);
  }

  private expire(lot: number): void {
    this.held--;
    this.expiredHolds++;
    this.release(lot, 'expired', null);
  }

  /**
   * Expires a held lot whose deadline has come, on access, before its timer (sale.md
   * invariant 4): the heap entry is left behind, stale.
   */
  private expireIfDue(lot: number, now: number): boolean {
    if (this.holdDeadline[lot]! > now) return false;
    this.holdTimer.scheduler.noteStale();
    this.expire(lot);
    return true;
  }

  /** Schedules every hold on the current timer, expiring those already past their deadline. */
  private armHolds(): void {
    if (this.held === 0) return;
    const now = this.clock.now();
    const { scheduler } = this.holdTimer;
    for (let lot = 0; lot < this.lots; lot++) {
      if (this.lotState[lot] !== HELD) continue;
      const deadline = this.holdDeadline[lot]!;
      if (deadline <= now) this.expire(lot);
      else scheduler.schedule(deadline, this.holdTimer, lot);
    }
  }

  private newHoldTimer(scheduler: DeadlineScheduler): HoldTimer {
    return new HoldTimer(
      scheduler,
      // The lot may have been purchased, cancelled, or expired and re-reserved since: only
      // the hold with this very deadline is expired. Every other way a hold ends has
      // already called noteStale for its entry.
      (lot, deadline) => {
        if (this.lotState[lot] !== HELD || this.holdDeadline[lot] !== deadline) return false;
        this.expire(lot);
        return true;
      },
      (lot, deadline) => this.lotState[lot] === HELD && this.holdDeadline[lot] === deadline,
    );
  }
}

const SNAPSHOT_MAGIC = 0x31534648; // 'HFS1' little-endian
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER_BYTES = 56;

function bytesOf(a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** MEMORY USAGE's estimate for a sale value. */
export function saleMemoryUsage(sale: SaleValue): number {
  return sale.memoryUsage();
}
