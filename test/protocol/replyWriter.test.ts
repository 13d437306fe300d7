import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';
import { contractSuite } from '../helpers/contract.js';
import { allCommands } from '../../commands/index.js';
import { ReplyWriter } from '../../src/protocol/replyWriter.js';
import { startWithCommands, testCommand } from '../network/support.js';

/**
 * Every ReplyWriter shape, written by a test-only command on Holdfast, against the bytes a
 * real redis-server sends for a command that replies with the same shape, in RESP2 and
 * RESP3.
 */
const shape = testCommand('shape', -2, (client, argv) => {
  const r = client.reply;
  const args = argv.slice(2);
  switch (argv[1]) {
    case 'map':
      r.mapHeader(args.length / 2);
      for (const a of args) r.bulk(a);
      return;
    case 'set':
      r.setHeader(args.length);
      for (const a of args) r.bulk(a);
      return;
    case 'double':
      r.double(args[0] === 'inf' ? Infinity : args[0] === '-inf' ? -Infinity : Number(args[0]));
      return;
    case 'bool':
      r.boolean(args[0] === 'true');
      return;
    case 'nullbulk':
      r.nullBulk();
      return;
    case 'nullarray':
      r.nullArray();
      return;
    case 'push':
      r.pushHeader(3);
      r.bulk(args[0]!);
      r.bulk(args[1]!);
      r.integer(Number(args[2]));
      return;
    case 'verbatim':
      r.verbatim(args[0]!);
      return;
    case 'bulkOrNullArray':
      r.bulkOrNullArray(args.map((a) => (a === '(nil)' ? null : a)));
      return;
    case 'bulkArray':
      r.bulkArray(args);
      return;
    case 'integer':
      r.integer(BigInt(args[0]!));
      return;
    case 'smallint':
      r.integer(Number(args[0]));
      return;
  }
  r.error('ERR unknown shape');
});

interface ShapeCase {
  name: string;
  /** Commands run on redis-server before the one whose reply is compared. */
  setup?: string[][];
  redis: string[];
  holdfast: string[];
  /** Only in this protocol (default: both). */
  resp?: 2 | 3;
}

const cases: ShapeCase[] = [
  { name: 'map', redis: ['CONFIG', 'GET', 'maxmemory'], holdfast: ['shape', 'map', 'maxmemory', '0'] },
  { name: 'set', setup: [['SADD', 's', 'b']], redis: ['SMEMBERS', 's'], holdfast: ['shape', 'set', 'b'] },
  ...['1.5', '0.1', '3', '-2', '1e300', '0.00001', '123456789.123', '-0.5', 'inf', '-inf'].map((d) => ({
    name: `double ${d}`,
    setup: [['ZADD', 'z', d, 'm']],
    redis: ['ZSCORE', 'z', 'm'],
    holdfast: ['shape', 'double', d],
  })),
  { name: 'boolean true', redis: ['EVAL', 'redis.setresp(3); return true', '0'], holdfast: ['shape', 'bool', 'true'] },
  { name: 'boolean false', resp: 3, redis: ['EVAL', 'redis.setresp(3); return false', '0'], holdfast: ['shape', 'bool', 'false'] },
  { name: 'null bulk', redis: ['GET', 'nosuchkey'], holdfast: ['shape', 'nullbulk'] },
  { name: 'null array', redis: ['BLPOP', 'nosuchlist', '0.01'], holdfast: ['shape', 'nullarray'] },
  { name: 'push', redis: ['SUBSCRIBE', 'ch'], holdfast: ['shape', 'push', 'subscribe', 'ch', '1'] },
  { name: 'array of bulks and nulls', setup: [['SET', 'a', 'x']], redis: ['MGET', 'a', 'nosuchkey', 'a'], holdfast: ['shape', 'bulkOrNullArray', 'x', '(nil)', 'x'] },
  { name: 'array of bulks', setup: [['RPUSH', 'l', 'a', '', '\x00\r\n']], redis: ['LRANGE', 'l', '0', '-1'], holdfast: ['shape', 'bulkArray', 'a', '', '\x00\r\n'] },
  { name: 'empty array', redis: ['LRANGE', 'nosuchlist', '0', '-1'], holdfast: ['shape', 'bulkArray'] },
  { name: 'large integer', setup: [['SET', 'n', '9223372036854775806']], redis: ['INCR', 'n'], holdfast: ['shape', 'integer', '9223372036854775807'] },
  { name: 'negative integer', setup: [['SET', 'n', '-9223372036854775807']], redis: ['DECR', 'n'], holdfast: ['shape', 'integer', '-9223372036854775808'] },
  { name: 'small integer', setup: [['RPUSH', 'l3', 'a', 'b', 'c']], redis: ['LLEN', 'l3'], holdfast: ['shape', 'smallint', '3'] },
];

describe.skipIf(redisMissing)('reply shapes, byte for byte against redis-server', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  let h: RawClient, r: RawClient;
  beforeAll(async () => {
    holdfast = await startWithCommands([shape]);
    redis = (await startRedis())!;
    h = await RawClient.connect(holdfast.port);
    r = await RawClient.connect(redis.port);
  });
  afterAll(async () => {
    h?.close();
    r?.close();
    await holdfast?.close();
    await redis?.close();
  });

  for (const resp of [2, 3] as const) {
    for (const c of cases.filter((x) => x.resp === undefined || x.resp === resp)) {
      it(`RESP${resp}: ${c.name}`, async () => {
        await h.call('HELLO', String(resp));
        await r.call('HELLO', String(resp));
        await r.call('FLUSHALL');
        for (const s of c.setup ?? []) await r.call(...s);
        const theirs = await r.call(...c.redis);
        if (c.name === 'push') await r.call('UNSUBSCRIBE');
        expect(await h.call(...c.holdfast)).toBe(theirs);
      });
    }

    it(`RESP${resp}: verbatim text (CLIENT INFO's shape)`, async () => {
      await h.call('HELLO', String(resp));
      await r.call('HELLO', String(resp));
      const theirs = await r.call('CLIENT', 'INFO');
      const text = resp === 3 ? theirs.slice(theirs.indexOf('txt:') + 4, -2) : theirs.slice(theirs.indexOf('\r\n') + 2, -2);
      expect(theirs.startsWith(resp === 3 ? '=' : '$')).toBe(true);
      expect(await h.call('shape', 'verbatim', text)).toBe(theirs);
    });
  }

  const declared = new Set(allCommands.map((c) => c.name));
  it.skipIf(!declared.has('config'))('HELLO 3 then CONFIG GET maxmemory is a map on both', async () => {
    await h.call('HELLO', '3');
    await r.call('HELLO', '3');
    const theirs = await r.call('CONFIG', 'GET', 'maxmemory');
    expect(theirs).toBe('%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    expect(await h.call('CONFIG', 'GET', 'maxmemory')).toBe(theirs);
  });
});

describe('ReplyWriter', () => {
  function written(resp: 2 | 3, write: (w: ReplyWriter) => void): string {
    let out = '';
    const w = new ReplyWriter((t) => (out += t));
    w.resp = resp;
    write(w);
    return out;
  }

  it('never lets an error message break the protocol', () => {
    expect(written(2, (w) => w.error('ERR a\r\nb\nc'))).toBe('-ERR a  b c\r\n');
  });

  it('reports each error reply to onError', () => {
    const seen: string[] = [];
    written(2, (w) => {
      w.onError = (m) => seen.push(m);
      w.error('WRONGTYPE x');
      w.bulk('not an error');
    });
    expect(seen).toEqual(['WRONGTYPE x']);
  });

  it('counts bulk lengths in bytes (latin1 strings: one char per byte)', () => {
    expect(written(2, (w) => w.bulk('\x00\xff\u00e9'))).toBe('$3\r\n\x00\xff\u00e9\r\n');
  });
});

contractSuite('RESP3 and RESP2 shapes through real commands', [
  ...([2, 3] as const).map((resp) => ({
    name: `RESP${resp}: maps, sets, doubles, nulls and pushes`,
    resp3: resp === 3,
    commands: [
      ['CONFIG', 'GET', 'maxmemory'],
      ['HSET', 'h', 'f', 'v'],
      ['HGETALL', 'h'],
      ['SADD', 's', 'a'],
      ['SMEMBERS', 's'],
      ['ZADD', 'z', '1.5', 'm', '0.1', 'n'],
      ['ZSCORE', 'z', 'm'],
      ['ZINCRBY', 'z', '0.2', 'n'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'inf', 'i'],
      ['ZSCORE', 'z', 'i'],
      ['GET', 'missing'],
      ['MGET', 'missing', 'h'],
      ['SET', 'k', 'v'],
      ['MGET', 'k', 'missing'],
      ['LPOP', 'missing'],
      ['HGET', 'h', 'nofield'],
      ['SUBSCRIBE', 'ch'],
      ['UNSUBSCRIBE', 'ch'],
    ],
  })),
]);
