import { describe, expect, it } from 'vitest';
import { PubSubBroker, type Subscriber } from '../../src/pubsub/broker.js';

/** A subscriber that records what it is pushed and when it is flushed. */
function subscriber(resp: 2 | 3 = 2) {
  const s = {
    resp,
    channels: new Set<string>(),
    patterns: new Set<string>(),
    shardChannels: new Set<string>(),
    pending: '',
    written: [] as string[],
    push(text: string) {
      s.pending += text;
    },
    flush() {
      if (s.pending !== '') s.written.push(s.pending);
      s.pending = '';
    },
  };
  return s satisfies Subscriber;
}

describe('PubSubBroker', () => {
  it('encodes a message once per protocol and counts receptions, patterns included', () => {
    const broker = new PubSubBroker();
    const a = subscriber(2), b = subscriber(3), c = subscriber(2);
    broker.subscribe(a, 'news');
    broker.subscribe(b, 'news');
    broker.psubscribe(c, 'n*');
    broker.psubscribe(a, 'ne?s');
    expect(broker.publish('news', 'hi')).toBe(4);
    expect(a.pending).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$4\r\nne?s\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    expect(b.pending).toBe('>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    expect(c.pending).toBe('*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    expect(broker.publish('other', 'x')).toBe(0);
  });

  it('shard channels are their own namespace, without patterns', () => {
    const broker = new PubSubBroker();
    const a = subscriber(), p = subscriber();
    broker.ssubscribe(a, 'ch');
    broker.psubscribe(p, '*');
    expect(broker.publish('ch', 'm')).toBe(1); // only the pattern
    expect(broker.spublish('ch', 'm')).toBe(1);
    expect(a.pending).toBe('*3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$1\r\nm\r\n');
    expect(broker.numShardSub('ch')).toBe(1);
    expect(broker.numSub('ch')).toBe(0);
  });

  it('removeSubscriber leaves no trace in any index', () => {
    const broker = new PubSubBroker();
    const a = subscriber(), b = subscriber();
    for (const s of [a, b]) {
      broker.subscribe(s, 'x');
      broker.psubscribe(s, 'p*');
      broker.ssubscribe(s, 'sx');
    }
    broker.removeSubscriber(a);
    expect([a.channels.size, a.patterns.size, a.shardChannels.size]).toEqual([0, 0, 0]);
    expect([broker.numSub('x'), broker.patterns.get('p*')?.size, broker.numShardSub('sx')]).toEqual([1, 1, 1]);
    broker.removeSubscriber(b);
    expect([broker.channels.size, broker.patterns.size, broker.shardChannels.size]).toEqual([0, 0, 0]);
    expect(broker.idle).toBe(true);
  });

  it('flushAfter writes out at once every subscriber a batch pushed to, once each', () => {
    const broker = new PubSubBroker();
    const a = subscriber(), b = subscriber(), idle = subscriber();
    broker.subscribe(a, 'k');
    broker.psubscribe(b, 'k*');
    broker.subscribe(idle, 'other');
    broker.flushAfter(() => {
      broker.publish('k', '1');
      // Nested batches flush with the outer one.
      broker.flushAfter(() => broker.publish('k', '2'));
      expect(a.written).toEqual([]);
    });
    expect(a.written).toEqual(['*3\r\n$7\r\nmessage\r\n$1\r\nk\r\n$1\r\n1\r\n*3\r\n$7\r\nmessage\r\n$1\r\nk\r\n$1\r\n2\r\n']);
    expect(b.written).toHaveLength(1);
    expect(idle.written).toEqual([]);
    // Outside flushAfter, pushes wait for the subscriber's own flush.
    broker.publish('k', '3');
    expect(a.written).toHaveLength(1);
    expect(a.pending).not.toBe('');
  });
});
