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

/** Redis's NOTIFY_ALL ('A'): every class letter except m (key miss) and n (new key). */
const ALL = NotifyClass.generic | NotifyClass.string | NotifyClass.list | NotifyClass.set | NotifyClass.hash |
  NotifyClass.zset | NotifyClass.expired | NotifyClass.evicted | NotifyClass.stream | NotifyClass.module;

const LETTER_CLASS: Record<string, number> = {
  g: NotifyClass.generic, $: NotifyClass.string, l: NotifyClass.list, s: NotifyClass.set,
  h: NotifyClass.hash, z: NotifyClass.zset, x: NotifyClass.expired, e: NotifyClass.evicted,
  t: NotifyClass.stream, m: NotifyClass.keyMiss, d: NotifyClass.module, n: NotifyClass.newKey,
  K: NotifyClass.keyspace, E: NotifyClass.keyevent, A: ALL,
};

/** Redis's keyspaceEventsStringToFlags; null for an unknown letter. */
export function parseNotifyFlags(s: string): number | null {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const f = LETTER_CLASS[s[i]!];
    if (f === undefined) return null;
    flags |= f;
  }
  return flags;
}

/** Redis's error for a letter keyspaceEventsStringToFlags rejects (CONFIG SET). */
export const NOTIFY_FLAGS_ERROR = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

// Redis's keyspaceEventsFlagsToString order. 'n' sits with the classes that 'A' replaces,
// so "An" reads back as "A" although n stays set (Redis 7.0 does exactly this).
const CLASS_LETTERS: [string, number][] = [
  ['g', NotifyClass.generic], ['$', NotifyClass.string], ['l', NotifyClass.list], ['s', NotifyClass.set],
  ['h', NotifyClass.hash], ['z', NotifyClass.zset], ['x', NotifyClass.expired], ['e', NotifyClass.evicted],
  ['t', NotifyClass.stream], ['d', NotifyClass.module], ['n', NotifyClass.newKey],
];
const TYPE_LETTERS: [string, number][] = [['K', NotifyClass.keyspace], ['E', NotifyClass.keyevent], ['m', NotifyClass.keyMiss]];

/** Redis's keyspaceEventsFlagsToString (CONFIG GET notify-keyspace-events): "KEA" reads "AKE". */
export function formatNotifyFlags(flags: number): string {
  let s = '';
  if ((flags & ALL) === ALL) s += 'A';
  else for (const [l, f] of CLASS_LETTERS) if (flags & f) s += l;
  for (const [l, f] of TYPE_LETTERS) if (flags & f) s += l;
  return s;
}

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): `__keyspace@<db>__:<key>` carries the
 * event, `__keyevent@<db>__:<event>` the key. Costs one branch when disabled or when nobody
 * is subscribed to anything.
 */
export class Notifier {
  flags = 0;
  /** `__keyevent@<db>__:<event>` by db and event: a burst of expiries builds no channel names. */
  private readonly keyeventChannels: Map<string, string>[] = [];
  constructor(private readonly broker: PubSubBroker) {}

  notify(type: number, event: string, key: string, db: number): void {
    if ((this.flags & type) === 0 || this.broker.idle) return;
    if (this.flags & NotifyClass.keyspace) this.broker.publish(`__keyspace@${db}__:${key}`, event);
    if (this.flags & NotifyClass.keyevent) this.broker.publish(this.keyeventChannel(db, event), key);
  }

  private keyeventChannel(db: number, event: string): string {
    const byEvent = (this.keyeventChannels[db] ??= new Map());
    let channel = byEvent.get(event);
    if (channel === undefined) byEvent.set(event, (channel = `__keyevent@${db}__:${event}`));
    return channel;
  }
}
