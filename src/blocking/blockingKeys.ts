import type { DeadlineOwner } from '../expiry/scheduler.js';
import type { Database } from '../keyspace/database.js';
import type { TypedValue } from '../keyspace/values.js';
import type { Client, DeferredReply } from '../network/client.js';
import { Err } from '../protocol/errors.js';
import type { ReplyWriter } from '../protocol/replyWriter.js';
import type { Server } from '../server.js';
import { resolveAfterLogged } from '../persistence/propagation.js';

/** What a blocked client waits for (Redis's BLOCKED_LIST, BLOCKED_ZSET). */
export type BlockedType = 'list' | 'zset';

/**
 * Serves a blocked client from `key`, which now holds a non-empty value of the type it
 * waits for: applies the pop (events, signalModifiedKey) and writes the reply to `reply`.
 * Runs as the blocked client, in its database.
 */
export type ServeBlocked = (client: Client, reply: ReplyWriter, db: Database, key: string, value: TypedValue) => void;

/** Why a wait ends without data: its timeout, or CLIENT UNBLOCK (TIMEOUT or ERROR), or a disconnect. */
export type UnblockReason = 'timeout' | 'error';

/** One blocked client: its keys, its deadline and the reply slot its answer goes into. */
class BlockedClient {
  active = true;
  constructor(
    private readonly registry: BlockingKeys,
    readonly client: Client,
    /** Redis keeps blocking keys per database index (SWAPDB leaves them in place). */
    readonly dbIndex: number,
    readonly type: BlockedType,
    readonly keys: readonly string[],
    /** Unix ms, or 0 for no timeout. */
    readonly deadline: number,
    readonly slot: DeferredReply,
    readonly serve: ServeBlocked,
    /** CLIENT REPLY OFF/SKIP was in force when the command ran: its reply is dropped. */
    readonly silent: boolean,
  ) {}

  /** CLIENT UNBLOCK and disconnects (Client.blockedOn). */
  cancel(reason: UnblockReason): void {
    this.registry.unblockWithoutData(this, reason);
  }
}

/**
 * The clients blocked on keys (Redis's db->blocking_keys, server.ready_keys and
 * handleClientsBlockedOnKeys), one per server.
 *
 * - A blocking command that finds nothing calls block(): the client stops processing input
 *   (client.blocked), its reply is a slot in the connection's ordered output, and it is
 *   queued on each of its keys, first come first served.
 * - Every write signals its key (Keyspace.signalModifiedKey): a key somebody waits on is
 *   noted as ready. Whatever the write was (a push, RENAME or COPY onto it, a MOVE, SWAPDB,
 *   a whole MULTI/EXEC), once the command is over the ready keys are served: for each, the
 *   clients blocked on it, in the order they blocked, while it still holds data of their
 *   type. Serving may make more keys ready (BLMOVE pushes): they are served in turn.
 * - The timeout rides the server's deadline scheduler; CLIENT UNBLOCK and disconnects
 *   cancel the wait through client.blockedOn.
 */
export class BlockingKeys implements DeadlineOwner<BlockedClient> {
  /** db index -> key -> clients blocked on it, in blocking order (a Set keeps insertion order). */
  private readonly byDb = new Map<number, Map<string, Set<BlockedClient>>>();
  /** Keys signalled while clients wait on them, in signal order: "<db>\0<key>" -> [db, key]. */
  private ready = new Map<string, [number, string]>();
  private blockedCount = 0;
  private serving = false;
  private drainQueued = false;

  constructor(private readonly server: Server) {
    server.keyspace.onModifiedKey(this.onModifiedKey);
    server.keyspace.onAllKeysModified(this.onAllKeysModified);
    server.dispatcher.observers.push(this.afterCommand);
    // Server.removeClient cancels client.blockedOn already; this keeps the registry clean regardless.
    server.clientCloseHooks.push(this.onClientClose);
  }

  private readonly onClientClose = (client: Client): void => {
    const b = client.blockedOn;
    if (b instanceof BlockedClient && b.active) this.unblockWithoutData(b, 'error');
  };

  /** Clients blocked on keys now (INFO blocked_clients). */
  get count(): number {
    return this.blockedCount;
  }

  /** Redis's blockForKeys: `keys` may repeat (each counts once); timeoutMs 0 waits forever. */
  block(client: Client, type: BlockedType, keys: readonly string[], timeoutMs: number, serve: ServeBlocked): void {
    const unique = [...new Set(keys)];
    const slot = client.defer();
    slot.reply.onError = client.reply.onError;
    const silent = client.replyMode === 'off' || client.replyMode === 'skip';
    const deadline = timeoutMs > 0 ? this.server.keyspace.clock.now() + timeoutMs : 0;
    const b = new BlockedClient(this, client, client.dbIndex, type, unique, deadline, slot, serve, silent);
    let byKey = this.byDb.get(b.dbIndex);
    if (byKey === undefined) this.byDb.set(b.dbIndex, (byKey = new Map()));
    for (const key of unique) {
      let waiting = byKey.get(key);
      if (waiting === undefined) byKey.set(key, (waiting = new Set()));
      waiting.add(b);
    }
    this.blockedCount++;
    client.blocked = true;
    client.blockedOn = b;
    if (deadline > 0) this.server.scheduler.schedule(deadline, this, b);
  }

  /** A key that clients wait on was written: serve them once the current command is over. */
  private readonly onModifiedKey = (db: Database, key: string): void => {
    if (this.blockedCount === 0) return;
    if (this.byDb.get(db.index)?.has(key) !== true) return;
    const id = `${db.index}\0${key}`;
    if (!this.ready.has(id)) this.ready.set(id, [db.index, key]);
    // A write from outside a command (none today) is served all the same.
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainSoon);
    }
  };

  /** FLUSHDB, SWAPDB: the keys clients wait on in db that are live are signalled. */
  private readonly onAllKeysModified = (db: Database): void => {
    const byKey = this.byDb.get(db.index);
    if (byKey === undefined) return;
    const keyspace = this.server.keyspace;
    for (const key of byKey.keys()) if (keyspace.isLive(db, key)) this.onModifiedKey(db, key);
  };

  private readonly drainSoon = (): void => {
    this.drainQueued = false;
    this.handleClientsBlockedOnKeys();
  };

  /** Redis serves ready keys after each command, and after EXEC as a whole (not inside it). */
  private readonly afterCommand = (client: Client): void => {
    if (this.ready.size === 0 || client.multi !== null) return;
    this.handleClientsBlockedOnKeys();
  };

  /** Redis's handleClientsBlockedOnKeys. */
  handleClientsBlockedOnKeys(): void {
    if (this.serving) return; // serving itself signals keys: the loop below picks them up
    this.serving = true;
    try {
      while (this.ready.size > 0) {
        const batch = this.ready;
        this.ready = new Map();
        for (const [dbIndex, key] of batch.values()) this.serveKey(dbIndex, key);
      }
    } finally {
      this.serving = false;
    }
  }

  /** Serves the clients blocked on one key, first blocked first, while it holds their data. */
  private serveKey(dbIndex: number, key: string): void {
    const waiting = this.byDb.get(dbIndex)?.get(key);
    if (waiting === undefined) return;
    const db = this.server.keyspace.dbs[dbIndex];
    if (db === undefined) return;
    for (const b of waiting) {
      // Redis: no keyspace statistics and no keymiss event for this lookup
      const value = db.get(key, false);
      if (value === undefined || typeof value === 'string') return;
      if (value.type !== b.type) {
        if (value.type !== 'list' && value.type !== 'zset') return;
        continue; // a client waiting for another type stays blocked
      }
      this.release(b, true);
      try {
        b.serve(b.client, b.slot.reply, db, key, value);
      } catch (err) {
        // A bug, not the pusher's fault: the blocked client gets an error, the pusher its reply.
        this.server.log('warning', `internal error serving blocked client id=${b.client.id}: ${(err as Error)?.stack ?? err}`);
        b.slot.reply.error(Err.blockedServeFailed);
      }
      if (b.silent) b.slot.text = '';
      this.finish(b, true);
    }
  }

  /** A wait ends without data: the timeout reply (a null array), or CLIENT UNBLOCK ... ERROR's error. */
  unblockWithoutData(b: BlockedClient, reason: UnblockReason, timerFired = false): void {
    if (!b.active) return;
    this.release(b, !timerFired);
    if (!b.silent && !b.client.closed) {
      if (reason === 'error') b.slot.reply.error(Err.unblocked);
      else b.slot.reply.nullArray();
    }
    this.finish(b);
  }

  /** Takes the client off its keys and its timer (`timerLive`: its heap entry is still queued). */
  private release(b: BlockedClient, timerLive: boolean): void {
    b.active = false;
    this.blockedCount--;
    const byKey = this.byDb.get(b.dbIndex);
    if (byKey !== undefined) {
      for (const key of b.keys) {
        const waiting = byKey.get(key);
        if (waiting === undefined) continue;
        waiting.delete(b);
        if (waiting.size === 0) byKey.delete(key);
      }
      if (byKey.size === 0) this.byDb.delete(b.dbIndex);
    }
    if (timerLive && b.deadline > 0) this.server.scheduler.noteStale();
  }

  /** The reply goes out in order and the client goes on with what it sent meanwhile. */
  private finish(b: BlockedClient, served = false): void {
    const client = b.client;
    // A served pop is a write: with appendfsync always its reply waits for its record's fsync.
    if (served) resolveAfterLogged(client, b.slot);
    else client.resolve(b.slot);
    if (client.blockedOn === b) client.unblock();
  }

  // DeadlineOwner: the scheduler fires timeouts.
  onDeadline(b: BlockedClient, deadline: number): boolean {
    if (!b.active || b.deadline !== deadline) return false;
    this.unblockWithoutData(b, 'timeout', true);
    return true;
  }

  isScheduled(b: BlockedClient, deadline: number): boolean {
    return b.active && b.deadline === deadline;
  }
}

const registries = new WeakMap<Server, BlockingKeys>();

/** The server's blocked-clients registry, created on first use. */
export function blockingKeys(server: Server): BlockingKeys {
  let r = registries.get(server);
  if (r === undefined) registries.set(server, (r = new BlockingKeys(server)));
  return r;
}

/** Clients blocked on keys (INFO blocked_clients); 0 when nothing ever blocked. */
export function blockedClientCount(server: Server): number {
  return registries.get(server)?.count ?? 0;
}

/**
 * Blocks the client on keys (Redis's blockForKeys): its reply comes from `serve` once one
 * of the keys holds data of `type`, or is a null array after timeoutMs (0: no timeout).
 */
export function blockForKeys(client: Client, type: BlockedType, keys: readonly string[], timeoutMs: number, serve: ServeBlocked): void {
  blockingKeys(client.server).block(client, type, keys, timeoutMs, serve);
}

/**
 * Redis's CLIENT_DENY_BLOCKING: inside MULTI/EXEC a blocking command answers at once as if
 * it had timed out.
 */
export function mayBlock(client: Client): boolean {
  return client.multi === null;
}
