import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.js';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

const PONG2 = '*2\r\n$4\r\npong\r\n$0\r\n\r\n'; // PING in RESP2 subscribed mode
const PONG = '+PONG\r\n';

/**
 * A pub/sub script over several connections: each step runs one command on one connection;
 * after every step each connection is synced with a PING, so the transcript records, in
 * order, every reply and every message each connection received. Deterministic on both
 * servers: a message is written during the PUBLISH, before the PING is even read.
 */
type Step = [client: number, ...argv: string[]];

async function sync(c: RawClient): Promise<string[]> {
  c.write(encode(['PING']));
  const got: string[] = [];
  for (;;) {
    const r = await c.read();
    if (r === PONG || r === PONG2) return got;
    got.push(r);
  }
}

function encode(argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

async function transcript(port: number, clients: number, steps: Step[]): Promise<string[]> {
  const conns: RawClient[] = [];
  for (let i = 0; i < clients; i++) conns.push(await RawClient.connect(port));
  const out: string[] = [];
  // Inside MULTI a PING would only be queued: such a connection's step reads one reply.
  const inMulti = new Set<number>();
  try {
    for (const [i, ...argv] of steps) {
      conns[i]!.write(encode(argv));
      const name = argv[0]!.toUpperCase();
      if (name === 'MULTI') inMulti.add(i);
      if (name === 'EXEC' || name === 'DISCARD') inMulti.delete(i);
      for (let j = 0; j < conns.length; j++) {
        const got = inMulti.has(j) ? (j === i ? [await conns[j]!.read()] : []) : await sync(conns[j]!);
        if (got.length > 0) out.push(`${j}${j === i ? `> ${argv.join(' ')}` : ' (pushed)'}\n${got.join('')}`);
        else if (j === i) out.push(`${j}> ${argv.join(' ')}\n(no reply)`);
      }
    }
  } finally {
    for (const c of conns) c.close();
  }
  return out;
}

interface Scenario {
  name: string;
  clients?: number;
  steps: Step[];
  /** Commands of other families the script needs (skipped until they exist). */
  needs?: string[];
}

const declared = new Set(allCommands.map((c) => c.name));

const hello3 = (c: number): Step => [c, 'HELLO', '3'];

const scenarios: Scenario[] = [
  {
    name: 'unsubscribing with nothing subscribed confirms once with nil and 0',
    steps: [[0, 'UNSUBSCRIBE'], [0, 'PUNSUBSCRIBE'], [0, 'SUNSUBSCRIBE'], [0, 'UNSUBSCRIBE', 'a', 'b'], [0, 'PUNSUBSCRIBE', 'p*']],
  },
  {
    name: 'subscribe confirms each channel with the running count, repeats included',
    steps: [
      [0, 'SUBSCRIBE', 'a', 'b', 'a'],
      [0, 'PSUBSCRIBE', 'p*', 'a', 'p*'],
      [0, 'UNSUBSCRIBE', 'b', 'nosuch'],
      [0, 'PUNSUBSCRIBE'], // subscription order
      [0, 'UNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
    ],
  },
  {
    name: 'RESP2 subscribed mode allows only the pub/sub commands, PING, QUIT and RESET',
    steps: [
      [0, 'SUBSCRIBE', 'a'],
      [0, 'PUBLISH', 'a', 'x'],
      [0, 'PUBSUB', 'NUMSUB', 'a'],
      [0, 'PUBSUB', 'CHANNELS'],
      [0, 'PING', 'hello'],
      [0, 'SLOWLOG', 'RESET'], // a subcommand named RESET is not RESET
      [0, 'NOSUCHCOMMAND', 'x'],
      [0, 'SUBSCRIBE'],
      [0, 'PSUBSCRIBE', 'b*'],
      [0, 'UNSUBSCRIBE', 'a'],
      [0, 'PUBLISH', 'a', 'x'], // still subscribed to a pattern
      [0, 'PUNSUBSCRIBE', 'b*'],
      [0, 'PUBLISH', 'a', 'x'], // out of subscribed mode
    ],
  },
  {
    name: 'arity and syntax errors',
    steps: [
      [0, 'SUBSCRIBE'],
      [0, 'PSUBSCRIBE'],
      [0, 'SSUBSCRIBE'],
      [0, 'PUBLISH', 'a'],
      [0, 'PUBLISH', 'a', 'b', 'c'],
      [0, 'SPUBLISH', 'a'],
      [0, 'PUBSUB'],
      [0, 'PUBSUB', 'foo'],
      [0, 'PUBSUB', 'NUMPAT', 'x'],
      [0, 'PUBSUB', 'CHANNELS', 'a', 'b'],
      [0, 'PUBSUB', 'channels', 'a', 'b'],
      [0, 'PUBSUB', 'ShardChannels', 'a', 'b'],
      [0, 'PUBSUB', 'help', 'x'],
    ],
  },
  {
    name: 'PUBSUB HELP, NUMSUB and NUMPAT with nobody subscribed',
    steps: [[0, 'PUBSUB', 'HELP'], [0, 'pubsub', 'help'], [0, 'PUBSUB', 'NUMSUB'], [0, 'PUBSUB', 'NUMSUB', 'a', 'a'], [0, 'PUBSUB', 'NUMPAT'], [0, 'PUBSUB', 'SHARDNUMSUB', 'x'], [0, 'PUBSUB', 'CHANNELS'], [0, 'PUBSUB', 'SHARDCHANNELS']],
  },
  {
    name: 'messages and pattern messages reach every subscriber; PUBLISH counts receptions',
    clients: 4,
    steps: [
      [0, 'SUBSCRIBE', 'news', 'other'],
      [1, 'SUBSCRIBE', 'news'],
      [2, 'PSUBSCRIBE', 'n*'],
      [3, 'PUBLISH', 'news', 'hello'],
      [3, 'PUBLISH', 'nothing', 'x'],
      [3, 'PUBLISH', 'other', ''],
      [3, 'PUBLISH', 'zzz', 'nobody'],
      [3, 'PUBSUB', 'NUMSUB', 'news', 'other', 'n*', 'zzz'],
      [3, 'PUBSUB', 'NUMPAT'],
      [3, 'PUBSUB', 'CHANNELS', 'o*'],
      [3, 'PUBSUB', 'CHANNELS', 'new?'],
      [1, 'UNSUBSCRIBE', 'news'],
      [3, 'PUBLISH', 'news', 'again'],
      [3, 'PUBSUB', 'NUMSUB', 'news'],
    ],
  },
  {
    name: 'a client subscribed to a channel and a matching pattern gets both',
    clients: 2,
    steps: [[0, 'SUBSCRIBE', 'ch'], [0, 'PSUBSCRIBE', 'c*'], [1, 'PUBLISH', 'ch', 'm'], [1, 'PUBLISH', 'cx', 'm']],
  },
  {
    name: 'NUMPAT counts distinct patterns, not subscriptions',
    clients: 3,
    steps: [[0, 'PSUBSCRIBE', 'a*', 'b*'], [1, 'PSUBSCRIBE', 'a*'], [2, 'PUBSUB', 'NUMPAT'], [0, 'PUNSUBSCRIBE', 'a*'], [2, 'PUBSUB', 'NUMPAT'], [1, 'PUNSUBSCRIBE'], [2, 'PUBSUB', 'NUMPAT']],
  },
  {
    name: "patterns follow Redis's glob rules",
    clients: 8,
    steps: [
      [0, 'PSUBSCRIBE', 'h?llo'],
      [1, 'PSUBSCRIBE', 'h[ae]llo'],
      [2, 'PSUBSCRIBE', 'h[^e]llo'],
      [3, 'PSUBSCRIBE', 'h[a-c]llo'],
      [4, 'PSUBSCRIBE', 'a\\*b'],
      [5, 'PSUBSCRIBE', 'H*'],
      [6, 'PSUBSCRIBE', 'x[c-a]y'],
      [7, 'PUBLISH', 'hello', '1'],
      [7, 'PUBLISH', 'hallo', '2'],
      [7, 'PUBLISH', 'hbllo', '3'],
      [7, 'PUBLISH', 'hllo', '4'],
      [7, 'PUBLISH', 'a*b', '5'],
      [7, 'PUBLISH', 'axb', '6'],
      [7, 'PUBLISH', 'Hello', '7'],
      [7, 'PUBLISH', 'xby', '8'],
    ],
  },
  {
    name: 'shard channels: their own namespace and count, still subscribed mode',
    clients: 2,
    steps: [
      [0, 'SSUBSCRIBE', 's1', 's2', 's1'],
      [0, 'PUBSUB', 'NUMPAT'],
      [0, 'SUBSCRIBE', 'z'],
      [1, 'SPUBLISH', 's1', 'hi'],
      [1, 'PUBLISH', 's1', 'not shard'],
      [1, 'PUBSUB', 'SHARDNUMSUB', 's1', 'z'],
      [1, 'PUBSUB', 'NUMSUB', 's1', 'z'],
      [1, 'PUBSUB', 'SHARDCHANNELS', '*1'],
      [0, 'SUNSUBSCRIBE', 's2', 'zz'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
      [0, 'PUBSUB', 'SHARDNUMSUB', 's1'],
    ],
  },
  {
    name: 'RESET leaves every channel, pattern and shard channel',
    clients: 2,
    needs: ['reset'],
    steps: [[0, 'SUBSCRIBE', 'a'], [0, 'PSUBSCRIBE', 'a*'], [0, 'SSUBSCRIBE', 'sa'], [0, 'RESET'], [1, 'PUBLISH', 'a', 'x'], [1, 'PUBSUB', 'NUMSUB', 'a'], [1, 'PUBSUB', 'NUMPAT'], [1, 'SPUBLISH', 'sa', 'x'], [0, 'PUBSUB', 'NUMPAT']],
  },
  {
    name: 'SUBSCRIBE runs inside MULTI, SSUBSCRIBE is refused there',
    steps: [[0, 'MULTI'], [0, 'SSUBSCRIBE', 'x'], [0, 'SUBSCRIBE', 'y'], [0, 'EXEC'], [0, 'UNSUBSCRIBE']],
    needs: ['multi', 'exec'],
  },
  {
    name: 'RESP3: confirmations and messages are pushes, any command runs while subscribed',
    clients: 2,
    needs: ['hello'],
    steps: [
      hello3(0),
      [0, 'UNSUBSCRIBE'],
      [0, 'PUNSUBSCRIBE'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'SUBSCRIBE', 'ch'],
      [0, 'PSUBSCRIBE', 'c*'],
      [0, 'SSUBSCRIBE', 'sh'],
      [0, 'PUBLISH', 'ch', 'to myself'],
      [0, 'SPUBLISH', 'sh', 'yo'],
      [0, 'PUBSUB', 'NUMSUB', 'ch'],
      [0, 'PUBSUB', 'NUMPAT'],
      [0, 'PUBSUB', 'SHARDNUMSUB', 'sh'],
      [0, 'PUBSUB', 'CHANNELS'],
      [0, 'PUBSUB', 'SHARDCHANNELS', 's*'],
      [1, 'PUBLISH', 'cz', 'from 1'],
      [0, 'UNSUBSCRIBE', 'x'],
      [0, 'PUNSUBSCRIBE'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
    ],
  },
  {
    name: 'RESP2 and RESP3 subscribers of one channel each get their own encoding',
    clients: 3,
    needs: ['hello'],
    steps: [hello3(0), [0, 'SUBSCRIBE', 'ch'], [1, 'SUBSCRIBE', 'ch'], [2, 'PUBLISH', 'ch', 'both'], [0, 'PSUBSCRIBE', '*'], [1, 'PSUBSCRIBE', '*'], [2, 'PUBLISH', 'other', 'patterns']],
  },
  {
    name: 'binary-safe channel names and messages',
    clients: 2,
    steps: [[0, 'SUBSCRIBE', 'bin\x00\xff\r\n'], [0, 'PSUBSCRIBE', 'bin\x00*'], [1, 'PUBLISH', 'bin\x00\xff\r\n', '\x00\x01\x02\xfe\r\n'], [1, 'PUBSUB', 'NUMSUB', 'bin\x00\xff\r\n']],
  },
];

describe.skipIf(redisMissing)('contract: pub/sub scripts (Holdfast vs redis-server)', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startHoldfast();
    redis = (await startRedis())!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });
  for (const s of scenarios) {
    it.skipIf(!(s.needs ?? []).every((n) => declared.has(n)))(s.name, async () => {
      const [ours, theirs] = await Promise.all([transcript(holdfast.port, s.clients ?? 1, s.steps), transcript(redis.port, s.clients ?? 1, s.steps)]);
      // HELLO's reply differs by design (server name, version, id): compare everything else.
      const strip = (t: string[]) => t.filter((x) => !/> HELLO /.test(x));
      expect(strip(ours).join('\n----\n')).toBe(strip(theirs).join('\n----\n'));
    });
  }
});

describe('pub/sub behaviour', () => {
  let holdfast: Holdfast;
  const open: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.connect(holdfast.port);
    open.push(c);
    return c;
  };
  beforeAll(async () => {
    holdfast = await startHoldfast();
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await holdfast?.close();
  });

  const numsub = async (c: RawClient, ...channels: string[]) => c.call('PUBSUB', 'NUMSUB', ...channels);
  const until = async (check: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('UNSUBSCRIBE without arguments leaves every channel, counting down to 0', async () => {
    const c = await connect();
    c.write(encode(['SUBSCRIBE', 'a', 'b', 'c']));
    expect(await sync(c)).toHaveLength(3);
    c.write(encode(['UNSUBSCRIBE']));
    const got = await sync(c);
    // Redis walks its dict (no fixed order): every channel once, counts 2, 1, 0.
    const parsed = got.map((r) => /^\*3\r\n\$11\r\nunsubscribe\r\n\$1\r\n(.)\r\n:(\d)\r\n$/.exec(r));
    expect(parsed.every(Boolean)).toBe(true);
    expect(parsed.map((m) => m![1]).sort()).toEqual(['a', 'b', 'c']);
    expect(parsed.map((m) => m![2])).toEqual(['2', '1', '0']);
    expect(await c.call('PUBSUB', 'NUMSUB', 'a')).toBe('*2\r\n$1\r\na\r\n:0\r\n');
  });

  it('a client that disconnects leaves every channel, pattern and shard channel', async () => {
    const watcher = await connect();
    const subs = await Promise.all([connect(), connect()]);
    for (const s of subs) {
      s.write(encode(['SUBSCRIBE', 'x', 'y']));
      s.write(encode(['PSUBSCRIBE', 'p*', 'q*']));
      s.write(encode(['SSUBSCRIBE', 'sx']));
      await sync(s);
    }
    expect(await numsub(watcher, 'x', 'y')).toBe('*4\r\n$1\r\nx\r\n:2\r\n$1\r\ny\r\n:2\r\n');
    expect(await watcher.call('PUBSUB', 'NUMPAT')).toBe(':2\r\n');
    subs[0]!.close();
    await until(async () => (await numsub(watcher, 'x')) === '*2\r\n$1\r\nx\r\n:1\r\n');
    expect(await numsub(watcher, 'x', 'y')).toBe('*4\r\n$1\r\nx\r\n:1\r\n$1\r\ny\r\n:1\r\n');
    expect(await watcher.call('PUBSUB', 'SHARDNUMSUB', 'sx')).toBe('*2\r\n$2\r\nsx\r\n:1\r\n');
    expect(await watcher.call('PUBLISH', 'x', 'm')).toBe(':1\r\n');
    expect(await watcher.call('PUBLISH', 'pz', 'm')).toBe(':1\r\n');
    subs[1]!.close();
    await until(async () => (await numsub(watcher, 'x')) === '*2\r\n$1\r\nx\r\n:0\r\n');
    expect(await watcher.call('PUBSUB', 'NUMPAT')).toBe(':0\r\n');
    expect(await watcher.call('PUBSUB', 'CHANNELS')).toBe('*0\r\n');
    expect(await watcher.call('PUBSUB', 'SHARDCHANNELS')).toBe('*0\r\n');
    const broker = holdfast.server.broker;
    expect([broker.channels.size, broker.patterns.size, broker.shardChannels.size]).toEqual([0, 0, 0]);
  });

  it('PUBSUB CHANNELS lists each active channel once, filtered by a glob', async () => {
    const a = await connect(), b = await connect(), w = await connect();
    a.write(encode(['SUBSCRIBE', 'news.sport', 'news.tech', 'weather']));
    b.write(encode(['SUBSCRIBE', 'news.sport']));
    await Promise.all([sync(a), sync(b)]);
    const list = async (...pattern: string[]) => {
      const r = await w.call('PUBSUB', 'CHANNELS', ...pattern);
      return r.split('\r\n').filter((l, i) => i > 0 && !l.startsWith('$') && l !== '').sort();
    };
    expect(await list()).toEqual(['news.sport', 'news.tech', 'weather']);
    expect(await list('news.*')).toEqual(['news.sport', 'news.tech']);
    expect(await list('*[hr]')).toEqual(['news.tech', 'weather']);
    expect(await list('NEWS.*')).toEqual([]); // case-sensitive, as Redis
  });

  it('many messages in one burst arrive complete and in order', async () => {
    const sub = await connect(), pub = await connect();
    await sub.call('SUBSCRIBE', 'burst');
    const n = 2000;
    let pipeline = '';
    for (let i = 0; i < n; i++) pipeline += encode(['PUBLISH', 'burst', `m${i}`]);
    pub.write(pipeline);
    for (let i = 0; i < n; i++) expect(await sub.read()).toBe(`*3\r\n$7\r\nmessage\r\n$5\r\nburst\r\n$${`m${i}`.length}\r\nm${i}\r\n`);
    for (let i = 0; i < n; i++) expect(await pub.read()).toBe(':1\r\n');
  });
});
