import type { Client, DeferredReply } from '../network/client.js';

/**
 * The durability barrier: where a reply that must not go out before its write is on disk
 * waits (sale.md Durability: PURCHASE, CONFIRM, CANCEL and SALE.MARK reply only after
 * their log record is fsynced; `appendfsync always`: every write's reply does).
 *
 * A command handler applies its write, then, when `active`, takes a deferred reply slot
 * (client.defer()) and fills it from `afterSync`. The connection's ordered reply queue
 * keeps that client's later pipelined replies behind it; other clients are not held back.
 * When not `active` (persistence off, or `sale-fsync everysec`) the handler replies at
 * once: no deferred slot, no closure, nothing on the fast path.
 *
 * The log (AppendLog) drives it, with group commit: everything queued before an fsync
 * starts is released when that fsync ends, so one fsync answers every client that was
 * waiting. A command's own record is appended when the command returns, and an fsync only
 * starts from a later tick, so a callback queued by a handler is always covered by the
 * fsync that releases it.
 *
 *   barrier.activate()                       // appendonly yes with sale-fsync always
 *   barrier.onWaiting = (n) => planFsync(n)   // a callback arrived; n are waiting now
 *   const batch = barrier.beginSync()         // just before fs.fsync starts
 *   ... fsync done ...  barrier.endSync(batch)
 */
export class DurabilityBarrier {
  private enabled = false;
  private waiting: (() => void)[] = [];
  /** appendfsync always: the slot holding each client's replies until the next fsync starts. */
  private readonly held = new Map<Client, DeferredReply>();
  /** Told of every callback queued, with how many wait now: the log plans its next fsync. */
  onWaiting: ((waiting: number) => void) | null = null;

  /** Whether sale transitions' replies must wait for an fsync; false: afterSync runs at once. */
  get active(): boolean {
    return this.enabled;
  }

  /** Callbacks queued for the next fsync. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Runs `fn` once every write made so far, the current command's included, is on disk. */
  afterSync(fn: () => void): void {
    if (!this.enabled) {
      fn();
      return;
    }
    this.queue(fn);
  }

  /** Queues `fn` for the next fsync whether or not sale transitions wait (the log is open). */
  queue(fn: () => void): void {
    this.waiting.push(fn);
    if (this.onWaiting !== null) this.onWaiting(this.waiting.length);
  }

  /**
   * appendfsync always: the client's replies from here on wait for the next fsync (taken
   * before the handler runs, since it writes its reply at once). One slot per client and
   * fsync batch: a pipeline of writes waits behind the first. Returns the slot when it is
   * new, so a command that turned out to write nothing can release it at once.
   */
  holdReplies(client: Client): DeferredReply | null {
    if (this.held.has(client)) return null;
    const slot = client.defer();
    this.held.set(client, slot);
    this.queue(() => client.resolve(slot));
    return slot;
  }

  /** The command that took `slot` wrote nothing: its reply needs no fsync. */
  releaseEarly(client: Client, slot: DeferredReply): void {
    this.held.delete(client);
    client.resolve(slot);
  }

  /** Persistence turned durability on: from now on sale replies wait for fsync. */
  activate(): void {
    this.enabled = true;
  }

  /**
   * Durability off (appendonly no): whoever waits is released now, later calls run at once.
   * With `release` false (sale-fsync everysec while the log stays open) the waiting ones
   * are left to the fsync that is coming anyway.
   */
  deactivate(release = true): void {
    this.enabled = false;
    if (release) this.endSync(this.beginSync());
  }

  /** An fsync is starting: it covers every callback queued so far, returned as its batch. */
  beginSync(): (() => void)[] {
    const batch = this.waiting;
    this.waiting = [];
    this.held.clear();
    return batch;
  }

  /** The fsync that began with `batch` is done: releases its callbacks in arrival order. */
  endSync(batch: readonly (() => void)[]): void {
    for (const fn of batch) fn();
  }
}
