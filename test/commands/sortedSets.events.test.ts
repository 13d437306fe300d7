import { keyspaceEventsSuite } from '../helpers/keyspaceEvents.js';

keyspaceEventsSuite('sorted-set commands', [
  ['ZADD ZINCRBY ZREM', [
    ['ZADD', 'z', '1', 'a'], ['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'XX', '2', 'a'], ['ZADD', 'z', 'NX', '2', 'a'], ['ZADD', 'z', 'INCR', '1', 'a'],
    ['ZADD', 'z', 'INCR', '0', 'a'], ['ZINCRBY', 'z', '1', 'b'], ['ZADD', 'z', 'GT', '0', 'a'], ['ZREM', 'z', 'x'], ['ZREM', 'z', 'a'], ['ZREM', 'z', 'b'],
    ['ZADD', 'nokey', 'XX', '1', 'a'],
  ]],
  ['ZREMRANGEBY*', [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZREMRANGEBYRANK', 'z', '0', '0'], ['ZREMRANGEBYRANK', 'z', '10', '20'],
    ['ZREMRANGEBYSCORE', 'z', '2', '2'], ['ZREMRANGEBYLEX', 'z', '-', '+'], ['ZREMRANGEBYSCORE', 'z', '0', '1'],
  ]],
  ['ZPOPMIN ZPOPMAX ZMPOP', [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '0'], ['ZPOPMAX', 'z', '5'], ['ZADD', 'z', '1', 'a', '2', 'b'],
    ['ZMPOP', '1', 'z', 'MIN'], ['ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '3'], ['ZPOPMIN', 'z'],
  ]],
  ['STORE forms', [
    ['ZADD', 'a', '1', 'x'], ['ZADD', 'b', '2', 'y'], ['ZUNIONSTORE', 'd', '2', 'a', 'b'], ['ZINTERSTORE', 'd', '2', 'a', 'b'], ['ZUNIONSTORE', 'd', '1', 'a'],
    ['ZDIFFSTORE', 'd', '1', 'a'], ['ZDIFFSTORE', 'd', '2', 'a', 'a'], ['ZRANGESTORE', 'd', 'a', '0', '-1'], ['ZRANGESTORE', 'd', 'a', '5', '6'],
    ['ZRANGESTORE', 'd', 'nokey', '0', '1'],
  ]],
  ['reads on missing keys emit keymiss', [
    ['ZSCORE', 'nokey', 'a'], ['ZMSCORE', 'nokey', 'a'], ['ZCARD', 'nokey'], ['ZCOUNT', 'nokey', '0', '1'], ['ZLEXCOUNT', 'nokey', '-', '+'],
    ['ZRANGE', 'nokey', '0', '1'], ['ZRANGEBYSCORE', 'nokey', '0', '1'], ['ZRANK', 'nokey', 'a'], ['ZRANDMEMBER', 'nokey'], ['ZUNION', '2', 'nokey', 'x'],
    ['ZINTERCARD', '1', 'nokey'], ['ZSCAN', 'nokey', '0'], ['ZPOPMIN', 'nokey'], ['ZREM', 'nokey', 'a'],
  ]],
]);
