import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

/**
 * Keyspace notifications compared with redis-server: both run with every class enabled
 * (KEA plus key misses), one connection subscribes to all keyspace and keyevent channels,
 * another runs a script; the messages received, in order, must be the same.
 */
const END = '__keyevent@0__:zz-end';

async function eventsOf(port: number, script: string[][]): Promise<string[]> {
  const sub = await RawClient.connect(port);
  const cmd = await RawClient.connect(port);
  try {
    await sub.call('PSUBSCRIBE', '__key*__:*');
    await cmd.call('FLUSHALL');
    await cmd.call('SELECT', '0');
    for (const argv of script) await cmd.call(...argv);
    await cmd.call('PUBLISH', END, 'x');
    const events: string[] = [];
    for (;;) {
      const m = await sub.read();
      if (m.includes(END)) return events;
      // *4 pmessage <pattern> <channel> <payload>: keep channel and payload
      const parts = m.split('\r\n');
      events.push(`${parts[6]} ${parts[8]}`);
    }
  } finally {
    sub.close();
    cmd.close();
  }
}

const scripts: [string, string[][]][] = [
  ['SET and its options', [
    ['SET', 'a', '1'], ['SET', 'a', '2', 'EX', '100'], ['SET', 'a', '3', 'NX'], ['SET', 'a', '4', 'XX', 'GET'], ['SET', 'a', '5', 'KEEPTTL'],
    ['SET', 'b', 'x', 'PX', '100000', 'GET'], ['SET', 'c', 'v', 'EX', '0'], ['SET', 'c', 'v', 'foo'],
  ]],
  ['SETNX SETEX PSETEX GETSET MSET MSETNX', [
    ['SETNX', 'a', '1'], ['SETNX', 'a', '2'], ['SETEX', 'b', '100', 'v'], ['PSETEX', 'c', '100000', 'v'], ['GETSET', 'a', '9'], ['GETSET', 'n', '1'],
    ['MSET', 'x', '1', 'y', '2'], ['MSETNX', 'x', '1', 'z', '2'], ['MSETNX', 'p', '1', 'q', '2'],
  ]],
  ['GETDEL GETEX', [
    ['SET', 'a', '1'], ['GETDEL', 'a'], ['GETDEL', 'a'], ['SET', 'a', '1'], ['GETEX', 'a', 'EX', '100'], ['GETEX', 'a', 'PERSIST'],
    ['GETEX', 'a', 'PERSIST'], ['GETEX', 'a'], ['GETEX', 'a', 'PXAT', '1000'], ['GETEX', 'nokey', 'EX', '10'],
  ]],
  ['INCR family, APPEND, SETRANGE', [
    ['INCR', 'n'], ['DECR', 'n'], ['INCRBY', 'n', '5'], ['DECRBY', 'n', '2'], ['INCRBYFLOAT', 'f', '1.5'], ['SET', 's', 'x'], ['INCR', 's'],
    ['APPEND', 's', 'y'], ['APPEND', 'new', 'z'], ['SETRANGE', 's', '1', 'abc'], ['SETRANGE', 's', '0', ''], ['SETRANGE', 'm', '2', 'x'],
  ]],
  ['DEL UNLINK EXPIRE PERSIST', [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['DEL', 'a', 'nokey'], ['UNLINK', 'b'], ['EXPIRE', 'c', '100'], ['EXPIRE', 'c', '10', 'NX'],
    ['PEXPIRE', 'c', '200000', 'GT'], ['PERSIST', 'c'], ['PERSIST', 'c'], ['EXPIREAT', 'c', '32503680000'], ['EXPIRE', 'c', '-1'],
    ['SET', 'd', '1'], ['PEXPIREAT', 'd', '1'], ['EXPIRE', 'nokey', '10'],
  ]],
  ['RENAME COPY MOVE SWAPDB FLUSHDB', [
    ['SET', 'a', '1', 'EX', '100'], ['RENAME', 'a', 'b'], ['RENAME', 'b', 'b'], ['SET', 'c', '2'], ['RENAMENX', 'c', 'b'], ['RENAMENX', 'c', 'd'],
    ['COPY', 'b', 'e'], ['COPY', 'b', 'e'], ['COPY', 'b', 'e', 'REPLACE'], ['COPY', 'b', 'f', 'DB', '1'], ['MOVE', 'd', '2'],
    ['SWAPDB', '1', '2'], ['FLUSHDB'], ['SELECT', '1'], ['FLUSHDB'], ['SELECT', '2'], ['FLUSHDB'],
  ]],
  ['key misses', [
    ['GET', 'nokey'], ['MGET', 'a', 'b'], ['STRLEN', 'nokey'], ['EXISTS', 'nokey'], ['TYPE', 'nokey'], ['TTL', 'nokey'], ['TOUCH', 'nokey'],
    ['OBJECT', 'ENCODING', 'nokey'], ['GETRANGE', 'nokey', '0', '1'], ['COPY', 'nokey', 'x'], ['GETDEL', 'nokey'], ['SET', 'nokey', 'v', 'GET'],
    ['LCS', 'x', 'y'], ['SCAN', '0', 'TYPE', 'string'], ['KEYS', '*'], ['RANDOMKEY'], ['INCR', 'x2'], ['RENAME', 'nokey', 'z'],
  ]],
];

describe.skipIf(redisMissing)('keyspace notifications match redis-server', () => {
  let holdfast: Holdfast;
  let redis: RunningServer;
  beforeAll(async () => {
    holdfast = await startHoldfast({ 'notify-keyspace-events': 'KEAm' });
    redis = (await startRedis(['--notify-keyspace-events', 'KEAm']))!;
  });
  afterAll(async () => {
    await holdfast?.close();
    await redis?.close();
  });

  for (const [name, script] of scripts) {
    it(name, async () => {
      const theirs = await eventsOf(redis.port, script);
      const ours = await eventsOf(holdfast.port, script);
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
    });
  }
});
