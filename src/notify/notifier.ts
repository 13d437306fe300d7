import type { PubSubBroker } from '../pubsub/broker.js';

/** Redis's NOTIFY_* classes (notify-keyspace-events letters). */
export const NotifyClass = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m
  module: 1 << 12, // d
  newKey: 1 << 13, // n
} as const;

const ALL = NotifyClass.generic | NotifyClass.string | NotifyClass.list | NotifyClass.set | NotifyClass.hash |
  NotifyClass.zset | NotifyClass.expired | NotifyClass.evicted | NotifyClass.stream | NotifyClass.module;

const LETTERS: [string, number][] = [
  ['g', NotifyClass.generic], ['$', NotifyClass.string], ['l', NotifyClass.list], ['s', NotifyClass.set],
  ['h', NotifyClass.hash], ['z', NotifyClass.zset], ['x', NotifyClass.expired], ['e', NotifyClass.evicted],
  ['t', NotifyClass.stream], ['m', NotifyClass.keyMiss], ['d', NotifyClass.module], ['n', NotifyClass.newKey],
  ['K', NotifyClass.keyspace], ['E', NotifyClass.keyevent],
];

/** Redis's keyspaceEventsStringToFlags; null for an unknown letter. */
export function parseNotifyFlags(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') {
      flags |= ALL;
      continue;
    }
    const entry = LETTERS.find(([l]) => l === ch);
    if (entry === undefined) return null;
    flags |= entry[1];
  }
  return flags;
}

/** Redis's keyspaceEventsFlagsToString. */
export function formatNotifyFlags(flags: number): string {
  let s = '';
  if ((flags & ALL) === ALL) s += 'A';
  else for (const [l, f] of LETTERS.slice(0, 10)) if (flags & f) s += l;
  for (const [l, f] of LETTERS.slice(10)) if (flags & f) s += l;
  return s;
}

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): `__keyspace@<db>__:<key>` carries the
 * event, `__keyevent@<db>__:<event>` the key. Costs one branch when disabled or when nobody
 * is subscribed to anything.
 */
export class Notifier {
  flags = 0;
  constructor(private readonly broker: PubSubBroker) {}

  notify(type: number, event: string, key: string, db: number): void {
    if ((this.flags & type) === 0 || this.broker.idle) return;
    if (this.flags & NotifyClass.keyspace) this.broker.publish(`__keyspace@${db}__:${key}`, event);
    if (this.flags & NotifyClass.keyevent) this.broker.publish(`__keyevent@${db}__:${event}`, key);
  }
}
