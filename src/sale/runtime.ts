import type { Clock } from '../expiry/clock.js';
import type { DeadlineScheduler } from '../expiry/scheduler.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { PubSubBroker } from '../pubsub/broker.js';
import type { Config } from '../config.js';
import { createSale, SaleValue, type SaleEnv, type SaleEvent, type SaleListener, type SaleOptions } from './sale.js';

/**
 * What the server gives every sale: its clock and the shared deadline scheduler (holds
 * ride the same timer as keys' TTLs), and where its state changes go. Each change
 * (sale.md Events) is, in this order:
 *
 * - a modification of the key (Keyspace.signalModifiedKey): WATCH fails, the dirty count
 *   moves. A hold that times out is a change too, with no command behind it.
 * - a message `<event> <lot> <code> <user>` on `__sale@<db>__:<key>`, unless
 *   notify-sale-events is off. Nothing is formatted when nobody could receive it (no
 *   subscriber at all, or none on that channel and no pattern).
 *
 * The key and database are read from the sale at the moment of the change (the keyspace
 * keeps them current through bindKey), so after RENAME or MOVE events name the new key,
 * and after SWAPDB the new database number.
 */
export class SaleRuntime implements SaleEnv {
  /** CONFIG SET notify-sale-events. */
  eventsEnabled: boolean;

  constructor(
    readonly clock: Clock,
    readonly scheduler: DeadlineScheduler,
    private readonly keyspace: Keyspace,
    private readonly broker: PubSubBroker,
    config: Config,
  ) {
    this.eventsEnabled = config.bool('notify-sale-events');
    config.onChange((name, value) => {
      if (name === 'notify-sale-events') this.eventsEnabled = value as boolean;
    });
  }

  /** SALE.CREATE: a new sale wired to this server, or 'OUTOFRANGE'. Store it with db.set. */
  create(options: SaleOptions): SaleValue | 'OUTOFRANGE' {
    const sale = createSale(this, options);
    if (sale instanceof SaleValue) this.attach(sale);
    return sale;
  }

  /**
   * Rebuilds a sale from SaleValue.toSnapshot's image for `key` of `db` (loading), stores
   * it there, and wires it. Holds already past their deadline expire during the load,
   * with their events on that key's channel (sale.md Durability).
   */
  restore(image: Uint8Array, db: Database, key: string): SaleValue {
    const sale = SaleValue.fromSnapshot(image, this, (event, lot, code, user) => this.changed(db, key, event, lot, code, user));
    this.attach(sale);
    db.set(key, sale);
    return sale;
  }

  /** Routes a sale's transitions to WATCH and its channel (SaleValue.onEvent). */
  attach(sale: SaleValue): void {
    sale.onEvent = this.listenerFor(sale);
    for (const l of this.onAttach) l(sale);
  }

  /** Told of every sale attached (the /metrics registry keeps a weak list of live sales). */
  readonly onAttach: ((sale: SaleValue) => void)[] = [];

  private listenerFor(sale: SaleValue): SaleListener {
    // The channel name is built once and again only after RENAME, MOVE or SWAPDB, not per event.
    let channelIndex = -1;
    let channelKey = '';
    let channel = '';
    return (event, lot, code, user) => {
      const db = sale.db;
      if (db === null) return;
      const key = sale.key;
      this.keyspace.signalModifiedKey(db, key);
      if (!this.eventsEnabled || this.broker.idle) return;
      if (db.index !== channelIndex || key !== channelKey) {
        channelIndex = db.index;
        channelKey = key;
        channel = `__sale@${db.index}__:${key}`;
      }
      this.publish(channel, event, lot, code, user);
    };
  }

  private changed(db: Database, key: string, event: SaleEvent, lot: number, code: string, user: string): void {
    this.keyspace.signalModifiedKey(db, key);
    if (this.eventsEnabled && !this.broker.idle) this.publish(`__sale@${db.index}__:${key}`, event, lot, code, user);
  }

  /** Formats the message only when someone could receive it: a subscriber of the channel or a pattern. */
  private publish(channel: string, event: SaleEvent, lot: number, code: string, user: string): void {
    const broker = this.broker;
    if (broker.patterns.size === 0 && !broker.channels.has(channel)) return;
    broker.publish(channel, `${event} ${lot} ${code} ${user}`);
  }
}
