import { contractSuite } from '../helpers/contract.js';

// Hashes, sets and sorted sets through the generic key commands (TYPE, OBJECT ENCODING,
// DEL, EXPIRE, RENAME, COPY, SCAN TYPE), compared byte for byte with redis-server 7.0.
contractSuite('hashes, sets, sorted sets through the generic key commands', [
  {
    name: 'TYPE and OBJECT ENCODING',
    commands: [
      ['HSET', 'h', 'a', '1'], ['SADD', 'i', '1'], ['SADD', 's', 'x'], ['ZADD', 'z', '1', 'a'], ['TYPE', 'h'], ['TYPE', 'i'], ['TYPE', 's'], ['TYPE', 'z'],
      ['OBJECT', 'ENCODING', 'h'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'ENCODING', 's'], ['OBJECT', 'ENCODING', 'z'], ['OBJECT', 'REFCOUNT', 'z'],
    ],
  },
  {
    name: 'DEL and EXPIRE',
    commands: [
      ['HSET', 'h', 'a', '1'], ['SADD', 's', 'x'], ['ZADD', 'z', '1', 'a'], ['DEL', 'h', 's'], ['EXISTS', 'h', 's', 'z'], ['PEXPIREAT', 'z', '1'],
      ['ZCARD', 'z'], ['EXISTS', 'z'], ['ZADD', 'z', '1', 'a'], ['EXPIRE', 'z', '100'], ['ZADD', 'z', '2', 'b'], ['TTL', 'z'],
      ['ZREM', 'z', 'a', 'b'], ['TTL', 'z'], ['HSET', 'h', 'a', '1'], ['EXPIRE', 'h', '100'], ['HDEL', 'h', 'a'], ['TTL', 'h'],
    ],
  },
  {
    name: 'RENAME keeps the value and its TTL',
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2'], ['EXPIRE', 'h', '100'], ['RENAME', 'h', 'h2'], ['HGETALL', 'h2'], ['TTL', 'h2'], ['SADD', 's', '3', '1'],
      ['RENAME', 's', 'h2'], ['TYPE', 'h2'], ['SMEMBERS', 'h2'], ['TTL', 'h2'], ['ZADD', 'z', '1', 'a'], ['RENAMENX', 'z', 'h2'], ['RENAMENX', 'z', 'z2'],
      ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'COPY is a deep copy with the same encoding',
    commands: [
      ['HSET', 'h', 'a', '1'], ['COPY', 'h', 'h2'], ['HSET', 'h2', 'b', '2'], ['HGETALL', 'h'], ['HGETALL', 'h2'], ['SADD', 's', '3', '1', '2'],
      ['COPY', 's', 's2'], ['SREM', 's', '1'], ['SMEMBERS', 's'], ['SMEMBERS', 's2'], ['OBJECT', 'ENCODING', 's2'], ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['COPY', 'z', 'z2'], ['ZINCRBY', 'z2', '5', 'a'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'big', '1', 'x'.repeat(80)], ['COPY', 'big', 'big2'], ['OBJECT', 'ENCODING', 'big2'], ['SADD', 'hs', 'x', 'y'], ['COPY', 'hs', 'hs2'],
      ['OBJECT', 'ENCODING', 'hs2'], ['COPY', 'z', 'h', 'REPLACE'], ['TYPE', 'h'], ['COPY', 'z', 'z3', 'DB', '1'], ['SELECT', '1'], ['ZSCORE', 'z3', 'b'],
    ],
  },
  {
    name: 'SCAN TYPE',
    commands: [
      ['HSET', 'h', 'a', '1'], ['SADD', 's', 'x'], ['ZADD', 'z', '1', 'a'], ['SET', 'str', 'v'], ['SCAN', '0', 'TYPE', 'hash', 'COUNT', '100'],
      ['SCAN', '0', 'TYPE', 'set', 'COUNT', '100'], ['SCAN', '0', 'TYPE', 'zset', 'COUNT', '100'], ['SCAN', '0', 'TYPE', 'list', 'COUNT', '100'],
    ],
  },
]);
