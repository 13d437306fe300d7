import { keyspaceEventsSuite } from '../helpers/keyspaceEvents.js';

keyspaceEventsSuite('hash commands', [
  ['HSET HSETNX HMSET', [
    ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HSETNX', 'h', 'b', '2'], ['HMSET', 'h', 'c', '3'], ['HSET', 'h', 'x'],
    ['HSETNX', 'new', 'f', 'v'],
  ]],
  ['HDEL down to an empty hash', [['HSET', 'h', 'a', '1', 'b', '2'], ['HDEL', 'h', 'nofield'], ['HDEL', 'h', 'a'], ['HDEL', 'h', 'b', 'c'], ['HDEL', 'h', 'a']]],
  ['HINCRBY HINCRBYFLOAT and their errors', [
    ['HINCRBY', 'h', 'n', '1'], ['HINCRBYFLOAT', 'h', 'f', '1.5'], ['HSET', 'h', 's', 'x'], ['HINCRBY', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 's', '1'],
    ['HINCRBY', 'h', 'n', 'x'],
  ]],
  ['reads on missing keys emit keymiss', [
    ['HGET', 'nokey', 'a'], ['HMGET', 'nokey', 'a'], ['HGETALL', 'nokey'], ['HKEYS', 'nokey'], ['HVALS', 'nokey'], ['HLEN', 'nokey'],
    ['HEXISTS', 'nokey', 'a'], ['HSTRLEN', 'nokey', 'a'], ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '2'], ['HSCAN', 'nokey', '0'],
    ['HDEL', 'nokey', 'a'], ['HSET', 'h', 'a', '1'], ['HGET', 'h', 'zz'],
  ]],
]);
