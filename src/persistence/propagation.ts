import type { Client, DeferredReply } from '../network/client.js';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import type { Database } from '../keyspace/database.js';
import type { Server } from '../server.js';
import { encodeRecord } from './records.js';

/** Where propagated records go: the open log and a rewrite in progress. */
export interface RecordSink {
  /** One top-level call's records, in order (more than one: they must replay all or nothing). */
  write(dbs: readonly number[], argvs: readonly (readonly string[])[], records: readonly string[]): void;
}

/**
 * Propagation: which argv goes into the log for each write (Redis's call() →
 * propagatePendingCommands). The dispatcher brackets every call with beforeCall/afterCall:
 *
 * - A command flagged `write` that changed the dataset (the dirty counter moved, counting
 *   only the command's own changes) is logged as it was sent, unless its handler set an
 *   override: `propagateAs(client, ...argvs)` logs those instead (SET EX → SET PXAT,
 *   INCRBYFLOAT → SET, SPOP → SREM...), `propagateNothing(client)` logs nothing. A command
 *   that changed nothing logs nothing, whatever it asked for.
 * - Keys that expire or are evicted are logged as DEL from the removal funnel, at the
 *   point where they go (inside a command, before that command's own record).
 * - Everything one top-level call propagates (EXEC's commands, a command and the DELs of
 *   the keys it found expired) is one group: written as MULTI ... EXEC when it holds more
 *   than one record, so a crash in the middle replays all or nothing.
 */
export class Propagator {
  /** A log is open or a rewrite is running: records are wanted. */
  enabled = false;
  /** appendfsync always: replies of writes wait for their fsync. */
  syncWrites = false;
  override: string[][] | null | undefined = undefined;
  sinks: RecordSink[] = [];
  /** Called before a write command runs while a rewrite walks the keyspace. */
  beforeWrite: ((client: Client, spec: CommandSpec, argv: readonly string[]) => void) | null = null;

  private depth = 0;
  private groupDbs: number[] = [];
  private groupArgvs: (readonly string[])[] = [];
  /** Dirty-counter moves that were not the command's own (expired/evicted keys). */
  private removals = 0;
  /** Records of propagateAlso during a call, written after the call's own. */
  private trailing: { db: number; argv: readonly string[] }[] = [];
  /** The reply slot beforeCall took for the current command (appendfsync always). */
  private heldSlot: DeferredReply | null = null;

  constructor(private readonly server: Server) {}

  /** Changes made by commands: the dirty counter without the funnel's removals. */
  private changes(): number {
    return this.server.stats.dirty - this.removals;
  }

  /** Before a handler runs; returns the mark afterCall compares against. */
  beforeCall(client: Client, spec: CommandSpec, argv: readonly string[]): number {
    this.depth++;
    this.override = undefined;
    if (!this.enabled) return 0;
    if (spec.flags.includes('write')) {
      if (this.beforeWrite !== null) this.beforeWrite(client, spec, argv);
      // The handler writes its reply at once: the slot must be in the queue before it.
      if (this.syncWrites && client.replyMode === 'on') this.heldSlot = this.server.durability.holdReplies(client);
    }
    return this.changes();
  }

  afterCall(client: Client, spec: CommandSpec, argv: readonly string[], mark: number): void {
    this.depth--;
    const override = this.override;
    this.override = undefined;
    const slot = this.heldSlot;
    this.heldSlot = null;
    if (this.enabled) {
      const before = this.groupArgvs.length;
      if (this.changes() !== mark) {
        if (override === undefined) {
          if (spec.flags.includes('write')) this.add(client.dbIndex, argv);
        } else if (override !== null) {
          for (const a of override) this.add(client.dbIndex, a);
        }
      }
      if (this.trailing.length > 0) {
        for (const t of this.trailing) this.add(t.db, t.argv);
        this.trailing = [];
      }
      // Nothing to wait for: a write that changed nothing replies at once, as in Redis.
      if (slot !== null && this.groupArgvs.length === before) this.server.durability.releaseEarly(client, slot);
    }
    if (this.depth === 0 && this.groupArgvs.length > 0) this.flushGroup();
  }

  private add(db: number, argv: readonly string[]): void {
    this.groupDbs.push(db);
    this.groupArgvs.push(argv);
  }

  /** A key expired or was evicted (the removal funnel): logged as DEL. */
  readonly removed = (db: Database, key: string): void => {
    this.removals++;
    if (!this.enabled) return;
    this.add(db.index, ['DEL', key]);
    if (this.depth === 0) this.flushGroup();
  };

  /**
   * A record outside the current command's own (a blocked client served by another
   * client's push): logged after it, in the same group.
   */
  also(db: number, argv: readonly string[]): void {
    if (!this.enabled) return;
    if (this.depth > 0) {
      this.trailing.push({ db, argv });
      return;
    }
    this.add(db, argv);
    this.flushGroup();
  }

  private flushGroup(): void {
    const dbs = this.groupDbs;
    const argvs = this.groupArgvs;
    this.groupDbs = [];
    this.groupArgvs = [];
    const records = argvs.map(encodeRecord);
    for (const sink of this.sinks) sink.write(dbs, argvs, records);
  }
}

/** Whether records are being written: commands skip building an override when not. */
export function isPropagating(client: Client): boolean {
  return client.server.persistence.propagator.enabled;
}

/**
 * The current command is logged as `argvs` instead of its own argv (Redis's
 * alsoPropagate + preventCommandPropagation). Called by handlers after they applied the
 * write; nothing is logged when persistence is off.
 */
export function propagateAs(client: Client, ...argvs: string[][]): void {
  client.server.persistence.propagator.override = argvs;
}

/** The current command is not logged at all, whatever it changed. */
export function propagateNothing(client: Client): void {
  client.server.persistence.propagator.override = null;
}

/**
 * Releases a reply that a write outside its client's own command produced (a served
 * blocked pop): with appendfsync always it waits for that write's fsync, like any write.
 */
export function resolveAfterLogged(client: Client, slot: DeferredReply): void {
  const server = client.server;
  if (server.persistence.propagator.syncWrites) server.durability.queue(() => client.resolve(slot));
  else client.resolve(slot);
}

/** Logs `argv` for database `db` after the current command's records (e.g. a served blocked pop). */
export function propagateAlso(server: Server, db: number, argv: readonly string[]): void {
  server.persistence.propagator.also(db, argv);
}
