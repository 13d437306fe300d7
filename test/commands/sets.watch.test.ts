import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

/**
 * WATCH sees every write of the hash, set and sorted-set commands (Redis's signalModifiedKey),
 * and only real writes: a command that changes nothing leaves the transaction alone. Each case
 * prepares the key, WATCHes it on one connection, runs the command on another, then EXECs;
 * the EXEC reply (nil when aborted) must be the same as redis-server's.
 */
const cases: [prepare: string[][], command: string[]][] = [
  [[['HSET', 'k', 'a', '1']], ['HSET', 'k', 'a', '1']],
  [[['HSET', 'k', 'a', '1']], ['HSETNX', 'k', 'a', '2']],
  [[['HSET', 'k', 'a', '1']], ['HDEL', 'k', 'nofield']],
  [[['HSET', 'k', 'a', '1']], ['HDEL', 'k', 'a']],
  [[['HSET', 'k', 'a', '1']], ['HINCRBY', 'k', 'a', '0']],
  [[['HSET', 'k', 'a', '1']], ['HINCRBYFLOAT', 'k', 'a', '1']],
  [[], ['HSET', 'k', 'a', '1']],
  [[['SADD', 'k', 'a']], ['SADD', 'k', 'a']],
  [[['SADD', 'k', 'a']], ['SADD', 'k', 'b']],
  [[['SADD', 'k', 'a', 'b']], ['SREM', 'k', 'x']],
  [[['SADD', 'k', 'a', 'b']], ['SREM', 'k', 'a']],
  [[['SADD', 'k', 'a', 'b']], ['SPOP', 'k']],
  [[['SADD', 'k', 'a', 'b']], ['SPOP', 'k', '0']],
  [[['SADD', 'k', 'a', 'b']], ['SMOVE', 'k', 'other', 'a']],
  [[['SADD', 'k', 'a', 'b'], ['SADD', 'src', 'a']], ['SMOVE', 'src', 'k', 'a']],
  [[['SADD', 'k', 'a', 'b'], ['SADD', 'src', 'c']], ['SMOVE', 'src', 'k', 'c']],
  [[['SADD', 'a', '1']], ['SINTERSTORE', 'k', 'a']],
  [[], ['SUNIONSTORE', 'k', 'nokey']],
  [[['SADD', 'k', '1']], ['SDIFFSTORE', 'k', 'nokey']],
  [[['ZADD', 'k', '1', 'a']], ['ZADD', 'k', '1', 'a']],
  [[['ZADD', 'k', '1', 'a']], ['ZADD', 'k', '2', 'a']],
  [[['ZADD', 'k', '1', 'a']], ['ZADD', 'k', 'GT', '0', 'a']],
  [[['ZADD', 'k', '1', 'a']], ['ZINCRBY', 'k', '0', 'a']],
  [[['ZADD', 'k', '1', 'a']], ['ZREM', 'k', 'x']],
  [[['ZADD', 'k', '1', 'a', '2', 'b']], ['ZREM', 'k', 'a']],
  [[['ZADD', 'k', '1', 'a', '2', 'b']], ['ZPOPMIN', 'k']],
  [[['ZADD', 'k', '1', 'a', '2', 'b']], ['ZMPOP', '1', 'k', 'MAX']],
  [[['ZADD', 'k', '1', 'a', '2', 'b']], ['ZREMRANGEBYSCORE', 'k', '5', '6']],
  [[['ZADD', 'k', '1', 'a', '2', 'b']], ['ZREMRANGEBYRANK', 'k', '0', '0']],
  [[['ZADD', 'k', '0', 'a', '0', 'b']], ['ZREMRANGEBYLEX', 'k', '[a', '[a']],
  [[['ZADD', 'src', '1', 'a']], ['ZRANGESTORE', 'k', 'src', '0', '-1']],
  [[['ZADD', 'src', '1', 'a']], ['ZUNIONSTORE', 'k', '1', 'src']],
  [[['ZADD', 'k', '1', 'a']], ['ZINTERSTORE', 'k', '2', 'k', 'nokey']],
  [[], ['ZDIFFSTORE', 'k', '1', 'nokey']],
  [[['ZADD', 'k', '1', 'a']], ['ZRANGE', 'k', '0', '-1']],
];

async function execAfter(port: number, prepare: string[][], command: string[]): Promise<string> {
  const watcher = await RawClient.connect(port);
  const other = await RawClient.connect(port);
  try {
    await other.call('FLUSHALL');
    for (const p of prepare) await other.call(...p);
    await watcher.call('WATCH', 'k');
    await other.call(...command);
    await watcher.call('MULTI');
    await watcher.call('PING');
    return await watcher.call('EXEC');
  } finally {
    watcher.close();
    other.close();
  }
}

describe.skipIf(redisMissing)('WATCH and the hash, set and sorted-set writes (Holdfast vs redis-server)', () => {
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
  for (const [prepare, command] of cases) {
    it(`${command.join(' ')} after ${prepare.map((p) => p.join(' ')).join('; ') || 'nothing'}`, async () => {
      const theirs = await execAfter(redis.port, prepare, command);
      const ours = await execAfter(holdfast.port, prepare, command);
      expect(ours).toBe(theirs);
    });
  }
});
