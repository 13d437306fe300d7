import { stringMatch } from '../util/glob.js';

/** What the broker needs of a subscriber: somewhere to push encoded messages. */
export interface Subscriber {
  readonly resp: 2 | 3;
  /** Out-of-band output (pub/sub messages): goes out in order with replies, never waits behind a deferred one. */
  push(text: string): void;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  /** Redis 7 shard channels (SSUBSCRIBE): a separate namespace with its own counts. */
  readonly shardChannels: Set<string>;
  /** Writes out what was pushed so far (used by flushAfter). */
  flush?(): void;
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

function addTo(index: Map<string, Set<Subscriber>>, name: string, s: Subscriber): void {
  let set = index.get(name);
  if (set === undefined) index.set(name, (set = new Set()));
  set.add(s);
}

function removeFrom(index: Map<string, Set<Subscriber>>, name: string, s: Subscriber): void {
  const set = index.get(name);
  if (set === undefined) return;
  set.delete(s);
  // Redis drops a channel with no subscriber left, so PUBSUB CHANNELS never lists it.
  if (set.size === 0) index.delete(name);
}

/** Sends one message to each subscriber, encoding it at most once per protocol. */
function deliver(subs: Set<Subscriber>, header2: string, header3: string, tail: string, collected: Set<Subscriber> | null): number {
  let m2: string | null = null;
  let m3: string | null = null;
  for (const s of subs) {
    if (s.resp === 3) s.push((m3 ??= header3 + tail));
    else s.push((m2 ??= header2 + tail));
    if (collected !== null) collected.add(s);
  }
  return subs.size;
}

/**
 * Channels and patterns to subscribers (Redis's pubsub_channels, pubsub_patterns and, for
 * SSUBSCRIBE, pubsub_shard_channels). Each message is encoded once per protocol, not once
 * per subscriber; a publish nobody listens to costs a map lookup.
 */
export class PubSubBroker {
  readonly channels = new Map<string, Set<Subscriber>>();
  readonly patterns = new Map<string, Set<Subscriber>>();
  readonly shardChannels = new Map<string, Set<Subscriber>>();
  /** Subscribers pushed to inside flushAfter(). */
  private collected: Set<Subscriber> | null = null;

  /** True when nobody listens at all: publishers skip building messages. */
  get idle(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  /** Returns false when already subscribed (Redis still confirms, with the same count). */
  subscribe(s: Subscriber, channel: string): boolean {
    if (s.channels.has(channel)) return false;
    s.channels.add(channel);
    addTo(this.channels, channel, s);
    return true;
  }

  unsubscribe(s: Subscriber, channel: string): boolean {
    if (!s.channels.delete(channel)) return false;
    removeFrom(this.channels, channel, s);
    return true;
  }

  psubscribe(s: Subscriber, pattern: string): boolean {
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    addTo(this.patterns, pattern, s);
    return true;
  }

  punsubscribe(s: Subscriber, pattern: string): boolean {
    if (!s.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, s);
    return true;
  }

  ssubscribe(s: Subscriber, channel: string): boolean {
    if (s.shardChannels.has(channel)) return false;
    s.shardChannels.add(channel);
    addTo(this.shardChannels, channel, s);
    return true;
  }

  sunsubscribe(s: Subscriber, channel: string): boolean {
    if (!s.shardChannels.delete(channel)) return false;
    removeFrom(this.shardChannels, channel, s);
    return true;
  }

  /** Drops every subscription of a subscriber that goes away (disconnect, RESET). */
  removeSubscriber(s: Subscriber): void {
    for (const c of s.channels) removeFrom(this.channels, c, s);
    for (const p of s.patterns) removeFrom(this.patterns, p, s);
    for (const c of s.shardChannels) removeFrom(this.shardChannels, c, s);
    s.channels.clear();
    s.patterns.clear();
    s.shardChannels.clear();
  }

  /**
   * Runs fn, then writes out at once every message it published. A push is normally written
   * at the end of the current I/O callback; expiries fired in the middle of another
   * client's long pipeline (DeadlineScheduler.poll) must not wait for that.
   */
  flushAfter(fn: () => void): void {
    if (this.collected !== null) return fn();
    const collected = (this.collected = new Set());
    try {
      fn();
    } finally {
      this.collected = null;
      for (const s of collected) s.flush?.();
    }
  }

  /** Subscribers of a channel, patterns excluded (PUBSUB NUMSUB). */
  numSub(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  numShardSub(channel: string): number {
    return this.shardChannels.get(channel)?.size ?? 0;
  }

  /**
   * Delivers message (Redis's pubsubPublishMessage): channel subscribers first, then every
   * matching pattern. Returns how many subscriptions received it (PUBLISH's reply).
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      receivers += deliver(direct, '*3\r\n$7\r\nmessage\r\n', '>3\r\n$7\r\nmessage\r\n', bulk(channel) + bulk(message), this.collected);
    }
    if (this.patterns.size > 0) {
      let tail: string | null = null;
      for (const [pattern, subs] of this.patterns) {
        if (!stringMatch(pattern, channel)) continue;
        tail ??= bulk(channel) + bulk(message);
        receivers += deliver(subs, '*4\r\n$8\r\npmessage\r\n', '>4\r\n$8\r\npmessage\r\n', bulk(pattern) + tail, this.collected);
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channels have no patterns. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    return deliver(subs, '*3\r\n$8\r\nsmessage\r\n', '>3\r\n$8\r\nsmessage\r\n', bulk(channel) + bulk(message), this.collected);
  }
}
