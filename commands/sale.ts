import type { ArgSpec, CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { ArgCursor, CommandError } from '../src/dispatch/argCursor.js';
import type { Client } from '../src/network/client.js';
import type { Database } from '../src/keyspace/database.js';
import type { ReplyWriter } from '../src/protocol/replyWriter.js';
import { Err } from '../src/protocol/errors.js';
import { parseStrictInt } from '../src/util/numbers.js';
import {
  DEFAULT_HOLD_MS,
  MAX_HOLD_MS,
  MAX_LOTS,
  SaleValue,
  saleErrorText,
} from '../src/sale/index.js';
import { lookupKeyRead } from './keys.js';
import { isPropagating, propagateAs, propagateNothing } from '../src/persistence/propagation.js';
import { saleApplyRecord } from '../src/persistence/internalRecords.js';

/**
 * The flash-sale commands (shared/spec/sale.md). Handlers parse argv, find the sale, call
 * one engine transition and turn its result (a value or a SaleError code) into RESP; the
 * engine knows nothing of RESP and the error texts come from its catalog (src/sale/errors.ts).
 *
 * Every state change reaches WATCH and the `__sale@<db>__:<key>` channel through the
 * sale's listener (SaleRuntime), hold expiries included, so handlers signal nothing
 * themselves. PURCHASE, CONFIRM, CANCEL and SALE.MARK answer through the durability barrier
 * (sale.md Durability); with persistence off it is inactive and they answer at once.
 */

const NOSALE = saleErrorText('NOSALE');

/** The sale at key for a write: NOSALE when missing, WRONGTYPE for another type. */
function saleForWrite(db: Database, key: string): SaleValue {
  const v = db.get(key);
  if (v instanceof SaleValue) return v;
  throw new CommandError(v === undefined ? NOSALE : Err.wrongType);
}

/** The sale at key for a read, counted in keyspace_hits / keyspace_misses as Redis's reads are. */
function saleForRead(client: Client, key: string): SaleValue {
  const v = lookupKeyRead(client, client.db, key);
  if (v instanceof SaleValue) return v;
  throw new CommandError(v === undefined ? NOSALE : Err.wrongType);
}

/** A lot number argument: integers only (`ERR value is not an integer or out of range`). */
function intArg(s: string): number {
  const n = parseStrictInt(s);
  if (n === null) throw new CommandError(Err.notInteger);
  return n;
}

/**
 * Sends a transition's answer once it is durable (sale.md Durability). `write` is a plain
 * function of the result, so the usual case (barrier inactive) allocates nothing.
 */
function replyDurable<T>(client: Client, write: (reply: ReplyWriter, result: T) => void, result: T): void {
  const durability = client.server.durability;
  // CLIENT REPLY OFF/SKIP: there is nothing to send, so nothing to hold back either.
  if (!durability.active || client.replyMode === 'off' || client.replyMode === 'skip') {
    write(client.reply, result);
    return;
  }
  const slot = client.defer();
  slot.reply.onError = client.reply.onError;
  durability.afterSync(() => {
    write(slot.reply, result);
    client.resolve(slot);
  });
}

function writeInteger(reply: ReplyWriter, n: number): void {
  reply.integer(n);
}

function writeOk(reply: ReplyWriter): void {
  reply.ok();
}

function writeError(reply: ReplyWriter, text: string): void {
  reply.error(text);
}

const keyArg: ArgSpec = { name: 'key', type: 'key', keySpecIndex: 0 };
const codeArgs: readonly ArgSpec[] = [keyArg, { name: 'code', type: 'string' }];

export const saleCreate = {
  name: 'sale.create',
  arity: -3,
  flags: ['write', 'denyoom'],
  keySpecs: [keys.one(1, ['OW', 'INSERT'])],
  group: 'sale',
  summary: 'Creates a flash sale of a number of lots, with an optional per-user limit and hold time',
  since: '0.1.0',
  complexity: 'O(1); memory grows with the lots as they are first used',
  arguments: [
    keyArg,
    { name: 'lots', type: 'integer' },
    { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    { name: 'ms', type: 'integer', token: 'HOLD', optional: true },
  ],
  handler(client, argv) {
    const c = new ArgCursor(argv, 2);
    const lots = c.nextInt();
    let limit = 0;
    let holdMs = DEFAULT_HOLD_MS;
    while (c.hasMore()) {
      if (c.accept('LIMIT')) limit = c.nextInt();
      else if (c.accept('HOLD')) holdMs = c.nextInt();
      else throw new CommandError(Err.syntax);
    }
    // sale.md: numbers outside the contract's ranges are the standard integer error. Checked
    // before the key and before allocating, so a bad call costs nothing.
    if (lots < 1 || lots > MAX_LOTS || limit < 0 || holdMs < 1 || holdMs > MAX_HOLD_MS) {
      throw new CommandError(saleErrorText('OUTOFRANGE'));
    }
    const db = client.db;
    const key = argv[1]!;
    if (db.get(key) !== undefined) throw new CommandError(Err.busyKey);
    const sale = client.server.sales.create({ lots, limit, holdMs });
    if (!(sale instanceof SaleValue)) throw new CommandError(saleErrorText(sale));
    db.set(key, sale);
    client.server.keyspace.signalModifiedKey(db, key);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const reserve = {
  name: 'reserve',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'sale',
  summary: 'Holds one lot of a sale for a user until the hold time passes; returns the reservation code',
  since: '0.1.0',
  complexity: 'O(log N) where N is the number of lots',
  arguments: [keyArg, { name: 'user', type: 'string' }, { name: 'lot', type: 'integer', token: 'LOT', optional: true }],
  handler(client, argv) {
    let lot: number | undefined;
    if (argv.length !== 3) {
      const c = new ArgCursor(argv, 3);
      if (!c.accept('LOT')) throw new CommandError(Err.syntax);
      lot = c.nextInt();
      c.finish();
    }
    const result = saleForWrite(client.db, argv[1]!).reserve(argv[2]!, lot);
    if (typeof result === 'object') {
      // Propagated with the lot, code and deadline it drew, so replay recreates this very
      // hold (sale.md Durability); in the log before the reply like every record.
      if (isPropagating(client)) propagateAs(client, saleApplyRecord(argv[1]!, result.lot, argv[2]!, result.code, 'held', result.holdDeadline));
      client.reply.bulk(result.code);
    } else {
      // A refusal may still have expired a dead hold on the way: nothing to log (replay
      // expires it from its deadline).
      propagateNothing(client);
      client.reply.error(saleErrorText(result, lot));
    }
  },
} as const satisfies CommandSpec;

export const purchase = {
  name: 'purchase',
  arity: 3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'sale',
  summary: 'Turns a live hold into a purchase; returns the lot (again for a code already purchased)',
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: codeArgs,
  handler(client, argv) {
    const result = saleForWrite(client.db, argv[1]!).purchase(argv[2]!);
    if (typeof result === 'number') replyDurable(client, writeInteger, result);
    else {
      // Logged only when it succeeded (replay runs before any deadline, so a PURCHASE of a
      // hold that had expired must not be replayed)
      propagateNothing(client);
      replyDurable(client, writeError, saleErrorText(result));
    }
  },
} as const satisfies CommandSpec;

export const confirm = {
  name: 'confirm',
  arity: 3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'UPDATE'])],
  group: 'sale',
  summary: 'Makes a purchase final',
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: codeArgs,
  handler(client, argv) {
    const result = saleForWrite(client.db, argv[1]!).confirm(argv[2]!);
    if (typeof result === 'number') replyDurable(client, writeOk, null);
    else {
      propagateNothing(client);
      replyDurable(client, writeError, saleErrorText(result));
    }
  },
} as const satisfies CommandSpec;

export const cancel = {
  name: 'cancel',
  arity: 3,
  flags: ['write', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'DELETE'])],
  group: 'sale',
  summary: 'Releases a live hold or an unconfirmed purchase; returns 1, or 0 for an unknown, expired or cancelled code',
  since: '0.1.0',
  complexity: 'O(log N) where N is the number of lots',
  arguments: codeArgs,
  handler(client, argv) {
    const result = saleForWrite(client.db, argv[1]!).cancel(argv[2]!);
    // Logged only when it released a lot
    if (result !== 1) propagateNothing(client);
    if (typeof result === 'number') replyDurable(client, writeInteger, result);
    else replyDurable(client, writeError, saleErrorText(result));
  },
} as const satisfies CommandSpec;

export const saleMark = {
  name: 'sale.mark',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keySpecs: [keys.one(1, ['RW', 'INSERT'])],
  group: 'sale',
  summary: 'Records a lot as confirmed for a user, for a sale made elsewhere',
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: [keyArg, { name: 'lot', type: 'integer' }, { name: 'user', type: 'string' }],
  handler(client, argv) {
    const lot = intArg(argv[2]!);
    const result = saleForWrite(client.db, argv[1]!).mark(lot, argv[3]!);
    if (typeof result === 'object') {
      // Propagated with the code it drew (sale.md Durability)
      if (isPropagating(client)) propagateAs(client, saleApplyRecord(argv[1]!, lot, argv[3]!, result.code, 'confirmed'));
      replyDurable(client, writeOk, null);
    } else {
      propagateNothing(client);
      replyDurable(client, writeError, saleErrorText(result, lot));
    }
  },
} as const satisfies CommandSpec;

/** SALE.INFO's fields, in the contract's order. */
export const SALE_INFO_FIELDS = ['lots', 'available', 'held', 'purchased', 'confirmed', 'limit', 'hold-ms', 'expired-holds', 'users'] as const;

export const saleInfo = {
  name: 'sale.info',
  arity: 2,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'sale',
  summary: 'Returns the counts of a sale: lots, available, held, purchased, confirmed, settings, expired holds, users',
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: [keyArg],
  handler(client, argv) {
    const i = saleForRead(client, argv[1]!).info();
    const r = client.reply;
    r.mapHeader(9);
    r.bulk('lots');
    r.integer(i.lots);
    r.bulk('available');
    r.integer(i.available);
    r.bulk('held');
    r.integer(i.held);
    r.bulk('purchased');
    r.integer(i.purchased);
    r.bulk('confirmed');
    r.integer(i.confirmed);
    r.bulk('limit');
    r.integer(i.limit);
    r.bulk('hold-ms');
    r.integer(i.holdMs);
    r.bulk('expired-holds');
    r.integer(i.expiredHolds);
    r.bulk('users');
    r.integer(i.users);
  },
} as const satisfies CommandSpec;

export const saleUser = {
  name: 'sale.user',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO'])],
  group: 'sale',
  summary: "Returns a user's count of held, purchased and confirmed lots",
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: [keyArg, { name: 'user', type: 'string' }],
  handler(client, argv) {
    client.reply.integer(saleForRead(client, argv[1]!).userCount(argv[2]!));
  },
} as const satisfies CommandSpec;

export const saleLot = {
  name: 'sale.lot',
  arity: 3,
  flags: ['readonly', 'fast'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sale',
  summary: 'Returns the state, user, code and hold deadline of a lot, or nil when it is available',
  since: '0.1.0',
  complexity: 'O(1)',
  arguments: [keyArg, { name: 'lot', type: 'integer' }],
  handler(client, argv) {
    const lot = intArg(argv[2]!);
    const view = saleForRead(client, argv[1]!).lot(lot);
    const r = client.reply;
    if (view === 'RANGE') return r.error(saleErrorText(view));
    if (view === null) return r.nullArray();
    const held = view.deadlineMs !== null;
    r.mapHeader(held ? 4 : 3);
    r.bulk('state');
    r.bulk(view.state);
    r.bulk('user');
    r.bulk(view.user);
    r.bulk('code');
    r.bulk(view.code);
    if (held) {
      r.bulk('deadline-ms');
      r.integer(Math.trunc(view.deadlineMs!));
    }
  },
} as const satisfies CommandSpec;

export const saleSold = {
  name: 'sale.sold',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.one(1, ['RO', 'ACCESS'])],
  group: 'sale',
  summary: 'Incrementally iterates the purchased and confirmed lots of a sale, as [lot, user, code, state] entries',
  since: '0.1.0',
  complexity:
    'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of lots.',
  arguments: [keyArg, { name: 'cursor', type: 'integer' }, { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
  handler(client, argv) {
    const cursor = intArg(argv[2]!);
    if (cursor < 0) throw new CommandError(Err.notInteger);
    let count = 10;
    const c = new ArgCursor(argv, 3);
    while (c.hasMore()) {
      if (!c.accept('COUNT')) throw new CommandError(Err.syntax);
      count = c.nextInt();
      // Redis: SCAN's COUNT below 1 is a syntax error
      if (count < 1) throw new CommandError(Err.syntax);
    }
    const page = saleForRead(client, argv[1]!).sold(cursor, count);
    const r = client.reply;
    r.arrayHeader(2);
    r.bulk(String(page.cursor));
    r.arrayHeader(page.entries.length);
    for (const e of page.entries) {
      r.arrayHeader(4);
      r.integer(e.lot);
      r.bulk(e.user);
      r.bulk(e.code);
      r.bulk(e.state);
    }
  },
} as const satisfies CommandSpec;

export const saleCommands: readonly CommandSpec[] = [
  saleCreate,
  reserve,
  purchase,
  confirm,
  cancel,
  saleInfo,
  saleUser,
  saleLot,
  saleSold,
  saleMark,
];
