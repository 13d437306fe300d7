import type { Database } from '../keyspace/database.js';
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';

/** A client's watch entry: "<db index>\0<key>" (Client.watching holds these). */
function watchId(dbIndex: number, key: string): string {
  return `${dbIndex}\0${key}`;
}

/**
 * WATCH (Redis 7.0's multi.c): which clients watch which keys, and the "dirty CAS" mark
 * that makes their EXEC fail.
 *
 * Keys are watched per database index, like Redis's db->watched_keys (SWAPDB leaves the
 * watches in place while the data moves). Every write signals its key
 * (Keyspace.signalModifiedKey), the removal funnel included, so DEL, expiry, eviction,
 * FLUSHDB/FLUSHALL and SWAPDB (which signal every key they touch) all count as
 * modifications, and so does a key that has expired by EXEC time.
 *
 * Redis 7.0's expired-key rule: a key that was already logically expired when WATCHed is
 * not modified by being deleted (by lazy or active expiry, or DEL): it did not exist then
 * and does not now. Any later write to it counts as usual.
 */
export class WatchedKeys {
  /** db index -> key -> clients watching it. */
  private readonly byDb = new Map<number, Map<string, Set<Client>>>();
  /** The entries of each client that were logically expired when watched. */
  private readonly expiredWhenWatched = new WeakMap<Client, Set<string>>();
  private watchers = 0;

  constructor(private readonly server: Server) {
    server.keyspace.onModifiedKey(this.touchWatchedKey);
    server.keyspace.onAllKeysModified(this.touchAllWatchedKeysInDb);
    server.clientCloseHooks.push((c) => this.unwatchAllKeys(c));
    server.clientResetHooks.push((c) => this.unwatchAllKeys(c));
  }

  /** Redis's keyIsExpired: the key is still stored but its deadline has passed. */
  private keyIsExpired(db: Database, key: string): boolean {
    const at = db.getExpire(key);
    return at !== undefined && at <= this.server.keyspace.clock.now();
  }

  /** Redis's watchForKey: a key already watched in this database is not added twice. */
  watch(client: Client, db: Database, key: string): void {
    const id = watchId(db.index, key);
    let watching = client.watching;
    if (watching === null) {
      watching = client.watching = new Set();
      this.watchers++;
    }
    if (watching.has(id)) return;
    watching.add(id);
    let byKey = this.byDb.get(db.index);
    if (byKey === undefined) this.byDb.set(db.index, (byKey = new Map()));
    let clients = byKey.get(key);
    if (clients === undefined) byKey.set(key, (clients = new Set()));
    clients.add(client);
    if (this.keyIsExpired(db, key)) {
      let expired = this.expiredWhenWatched.get(client);
      if (expired === undefined) this.expiredWhenWatched.set(client, (expired = new Set()));
      expired.add(id);
    }
  }

  /** Redis's unwatchAllKeys (UNWATCH, EXEC, DISCARD, RESET, a closing client). */
  unwatchAllKeys(client: Client): void {
    const watching = client.watching;
    if (watching === null) return;
    for (const id of watching) {
      const sep = id.indexOf('\0');
      const dbIndex = Number(id.slice(0, sep));
      const key = id.slice(sep + 1);
      const byKey = this.byDb.get(dbIndex);
      const clients = byKey?.get(key);
      if (clients === undefined) continue;
      clients.delete(client);
      if (clients.size === 0) {
        byKey!.delete(key);
        if (byKey!.size === 0) this.byDb.delete(dbIndex);
      }
    }
    client.watching = null;
    this.expiredWhenWatched.delete(client);
    this.watchers--;
  }

  /** Redis's touchWatchedKey, called for every modified key. */
  private readonly touchWatchedKey = (db: Database, key: string): void => {
    if (this.watchers === 0) return;
    const clients = this.byDb.get(db.index)?.get(key);
    if (clients === undefined) return;
    const id = watchId(db.index, key);
    for (const c of clients) {
      const expired = this.expiredWhenWatched.get(c);
      if (expired?.has(id) && !this.server.keyspace.isStored(db, key)) {
        // Already expired when watched and now deleted: logically no change.
        expired.delete(id);
        continue;
      }
      c.dirtyCas = true;
      // Redis: a dirty client's watches serve no purpose any more.
      this.unwatchAllKeys(c);
    }
  };

  /** Redis's touchAllWatchedKeysInDb: the watched keys of db that are live (FLUSHDB, SWAPDB). */
  private readonly touchAllWatchedKeysInDb = (db: Database): void => {
    const byKey = this.byDb.get(db.index);
    if (byKey === undefined) return;
    const keyspace = this.server.keyspace;
    // A copy: touching unwatches the dirty clients' keys.
    for (const key of [...byKey.keys()]) if (keyspace.isLive(db, key)) this.touchWatchedKey(db, key);
  };

  /** Redis's isWatchedKeyExpired: EXEC fails when a key watched alive has expired since. */
  isWatchedKeyExpired(client: Client): boolean {
    const watching = client.watching;
    if (watching === null) return false;
    const expired = this.expiredWhenWatched.get(client);
    for (const id of watching) {
      if (expired?.has(id)) continue;
      const sep = id.indexOf('\0');
      const db = this.server.keyspace.dbs[Number(id.slice(0, sep))];
      if (db !== undefined && this.keyIsExpired(db, id.slice(sep + 1))) return true;
    }
    return false;
  }
}

const registries = new WeakMap<Server, WatchedKeys>();

/** The server's WATCH registry, created on first use. */
export function watchedKeys(server: Server): WatchedKeys {
  let w = registries.get(server);
  if (w === undefined) registries.set(server, (w = new WatchedKeys(server)));
  return w;
}

/** The registry if any client ever watched a key (EXEC, DISCARD need nothing otherwise). */
export function existingWatchedKeys(server: Server): WatchedKeys | undefined {
  return registries.get(server);
}
