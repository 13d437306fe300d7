import { stringMatch } from '../util/glob.js';

/** What the broker needs of a subscriber: somewhere to push encoded messages. */
export interface Subscriber {
  readonly resp: 2 | 3;
  /** Out-of-band output (pub/sub messages): goes out in order with replies, never waits behind a deferred one. */
  push(text: string): void;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/**
 * Channels and patterns to subscribers (Redis's pubsub_channels / pubsub_patterns).
 * Each message is encoded once per protocol, not once per subscriber.
 */
export class PubSubBroker {
  readonly channels = new Map<string, Set<Subscriber>>();
  readonly patterns = new Map<string, Set<Subscriber>>();

  /** True when nobody listens at all: publishers skip building messages. */
  get idle(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  subscribe(s: Subscriber, channel: string): boolean {
    if (s.channels.has(channel)) return false;
    s.channels.add(channel);
    let set = this.channels.get(channel);
    if (set === undefined) this.channels.set(channel, (set = new Set()));
    set.add(s);
    return true;
  }

  unsubscribe(s: Subscriber, channel: string): boolean {
    if (!s.channels.delete(channel)) return false;
    const set = this.channels.get(channel);
    if (set !== undefined) {
      set.delete(s);
      if (set.size === 0) this.channels.delete(channel);
    }
    return true;
  }

  psubscribe(s: Subscriber, pattern: string): boolean {
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    let set = this.patterns.get(pattern);
    if (set === undefined) this.patterns.set(pattern, (set = new Set()));
    set.add(s);
    return true;
  }

  punsubscribe(s: Subscriber, pattern: string): boolean {
    if (!s.patterns.delete(pattern)) return false;
    const set = this.patterns.get(pattern);
    if (set !== undefined) {
      set.delete(s);
      if (set.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /** Drops every subscription of a subscriber that goes away. */
  removeSubscriber(s: Subscriber): void {
    for (const c of [...s.channels]) this.unsubscribe(s, c);
    for (const p of [...s.patterns]) this.punsubscribe(s, p);
  }

  /** Delivers message; returns how many subscriptions received it (PUBLISH's reply). */
  publish(channel: string, message: string): number {
    if (this.idle) return 0;
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      const tail = bulk(channel) + bulk(message);
      const m2 = `*3\r\n$7\r\nmessage\r\n${tail}`;
      const m3 = `>3\r\n$7\r\nmessage\r\n${tail}`;
      for (const s of direct) {
        s.push(s.resp === 3 ? m3 : m2);
        receivers++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, subs] of this.patterns) {
        if (!stringMatch(pattern, channel)) continue;
        const tail = bulk(pattern) + bulk(channel) + bulk(message);
        const m2 = `*4\r\n$8\r\npmessage\r\n${tail}`;
        const m3 = `>4\r\n$8\r\npmessage\r\n${tail}`;
        for (const s of subs) {
          s.push(s.resp === 3 ? m3 : m2);
          receivers++;
        }
      }
    }
    return receivers;
  }
}
