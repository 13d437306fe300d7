/**
 * The durability barrier: where a reply that must not go out before its write is on disk
 * waits (sale.md Durability: PURCHASE, CONFIRM, CANCEL and SALE.MARK reply only after
 * their log record is fsynced).
 *
 * A command handler applies its write, then, when `active`, takes a deferred reply slot
 * (client.defer()) and fills it from `afterSync`. The connection's ordered reply queue
 * keeps that client's later pipelined replies behind it; other clients are not held back.
 * When not `active` (persistence off, the default today) the handler replies at once:
 * no deferred slot, no closure, nothing on the fast path.
 *
 * The log (persistence) drives it, with group commit: everything queued before an fsync
 * starts is released when that fsync ends, so one fsync answers every client that was
 * waiting. A command's own record is appended when the command returns, and an fsync only
 * starts from a later tick, so a callback queued by a handler is always covered by the
 * fsync that releases it.
 *
 *   barrier.activate()                       // appendonly yes with sale-fsync always
 *   barrier.onWaiting = () => scheduleFsync() // the first waiter of a batch arrived
 *   const batch = barrier.beginSync()         // just before fs.fsync starts
 *   ... fsync done ...  barrier.endSync(batch)
 */
export class DurabilityBarrier {
  private enabled = false;
  private waiting: (() => void)[] = [];
  /** Told when the first callback arrives while nothing is queued: time to plan an fsync. */
  onWaiting: (() => void) | null = null;

  /** Whether replies must wait for an fsync; false means afterSync runs its callback at once. */
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
    this.waiting.push(fn);
    if (this.waiting.length === 1 && this.onWaiting !== null) this.onWaiting();
  }

  /** Persistence turned durability on: from now on replies wait for fsync. */
  activate(): void {
    this.enabled = true;
  }

  /** Durability off (appendonly no): whoever waits is released now, later calls run at once. */
  deactivate(): void {
    this.enabled = false;
    this.endSync(this.beginSync());
  }

  /** An fsync is starting: it covers every callback queued so far, returned as its batch. */
  beginSync(): (() => void)[] {
    const batch = this.waiting;
    this.waiting = [];
    return batch;
  }

  /** The fsync that began with `batch` is done: releases its callbacks in arrival order. */
  endSync(batch: readonly (() => void)[]): void {
    for (const fn of batch) fn();
  }
}
