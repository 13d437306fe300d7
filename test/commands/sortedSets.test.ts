import { contractSuite } from '../helpers/contract.js';

const long = 'm'.repeat(70);
const pairs = (n: number, score = (i: number) => String(i)): string[] => Array.from({ length: n }, (_, i) => [score(i), `m${i}`]).flat();

// Every reply compared byte for byte with redis-server 7.0.
contractSuite('sorted sets: ZADD ZINCRBY ZREM ZSCORE ZMSCORE ZCARD', [
  {
    name: 'ZADD adds and updates, ZSCORE formats doubles as Redis 7.0',
    commands: [
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '-3', 'c'], ['ZADD', 'z', '1', 'a', '5', 'b'], ['ZCARD', 'z'], ['ZSCORE', 'z', 'b'],
      ['ZADD', 'z', '0.1', 'd', '1e20', 'e', '1e-5', 'f', '-inf', 'g', '+inf', 'h', '0x10', 'i', '1.7976931348623157e308', 'j'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'z', 'nomember'], ['ZSCORE', 'nokey', 'a'], ['ZMSCORE', 'z', 'a', 'x', 'g', 'h'],
      ['ZMSCORE', 'nokey', 'a', 'b'], ['ZCARD', 'nokey'], ['ZADD', 'z', '3', 'a', '3', 'a'], ['ZSCORE', 'z', 'a'],
    ],
  },
  {
    name: 'ZADD score and argument errors',
    commands: [
      ['ZADD', 'z', 'x', 'a'], ['ZADD', 'z', 'nan', 'a'], ['ZADD', 'z', '1', 'a', '2'], ['ZADD', 'z', '1'], ['ZADD', 'z', 'NX'],
      ['ZADD', 'z', ' 1', 'a'], ['ZADD', 'z', '1e400', 'a'], ['ZADD', 'z', '1e-400', 'a'], ['ZADD', 'z', '', 'a'], ['ZADD', 'z', '1', 'a', 'x', 'b'],
      ['EXISTS', 'z'], ['ZADD', 'z'], ['ZADD', 'z', '1'], ['ZADD', 'z', 'CH'], ['ZADD', 'z', '0e-400', 'a'], ['ZSCORE', 'z', 'a'],
    ],
  },
  {
    name: 'ZADD NX XX GT LT CH INCR and their conflicts',
    commands: [
      ['ZADD', 'z', '5', 'a'], ['ZADD', 'z', 'NX', '1', 'a', '2', 'b'], ['ZADD', 'z', 'XX', '9', 'a', '3', 'c'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'GT', 'CH', '1', 'a', '10', 'b'], ['ZADD', 'z', 'LT', 'CH', '1', 'a', '20', 'b', '7', 'new'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'CH', '1', 'a', '1', 'b', '100', 'c'], ['ZADD', 'z', 'nx', 'xx', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'], ['ZADD', 'z', 'NX', 'LT', '1', 'a'], ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'INCR', '2', 'a'], ['ZADD', 'z', 'INCR', 'XX', '2', 'zz'], ['ZADD', 'z', 'INCR', 'NX', '2', 'a'], ['ZADD', 'z', 'INCR', 'GT', '-1', 'a'],
      ['ZADD', 'z', 'INCR', 'LT', '-1', 'a'], ['ZADD', 'z', 'INCR', 'GT', '0', 'a'], ['ZADD', 'z', 'INCR', '0', 'a'], ['ZADD', 'nokey', 'XX', '1', 'a'],
      ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'], ['EXISTS', 'nokey'], ['ZADD', 'z', 'GT', 'GT', 'CH', 'CH', '5', 'q'], ['ZADD', 'z', 'XX', 'XX', '1', 'x', 'y'],
      ['ZADD', 'z', 'INCR', 'x', 'a'],
    ],
  },
  {
    name: 'ZADD INCR and ZINCRBY: NaN, infinities, -0',
    commands: [
      ['ZADD', 'z', 'inf', 'a'], ['ZINCRBY', 'z', '-inf', 'a'], ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZSCORE', 'z', 'a'], ['ZINCRBY', 'z', '1', 'a'],
      ['ZADD', 'z', 'INCR', '-0', 'n'], ['ZSCORE', 'z', 'n'], ['ZINCRBY', 'z', '-0', 'p'], ['ZINCRBY', 'z', '1.5', 'p'], ['ZINCRBY', 'z', 'x', 'p'],
      ['ZINCRBY', 'z', '1', 'p', 'q'], ['ZINCRBY', 'z', 'nan', 'p'], ['ZINCRBY', 'nokey', '2', 'm'], ['ZINCRBY', 'z', 'NX', 'p'],
      ['ZADD', 'zero', '-0', 'a'], ['ZSCORE', 'zero', 'a'], ['ZADD', 'zero', '0', 'a'], ['ZSCORE', 'zero', 'a'],
      // An update to -0 in a listpack (the entry rewritten as text) and in a skiplist (kept as -0).
      ['ZADD', 'upd', '2.5', 'a', '-0', 'a'], ['ZSCORE', 'upd', 'a'], ['ZADD', 'upd', '3', 'b'], ['ZADD', 'upd', '-0', 'b'], ['ZPOPMIN', 'upd', '2'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'], ['ZADD', 'upds', '2.5', 'a', '-0', 'a'], ['ZSCORE', 'upds', 'a'], ['ZADD', 'upds', '3', 'b'], ['ZADD', 'upds', '-0', 'b'], ['ZPOPMIN', 'upds', '2'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ],
  },
  {
    name: 'ZREM removes members and the emptied key',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZREM', 'z', 'a', 'x', 'a'], ['ZCARD', 'z'], ['ZREM', 'z', 'b', 'c', 'd'], ['EXISTS', 'z'],
      ['ZREM', 'nokey', 'a'], ['ZREM', 'z'],
    ],
  },
  {
    name: 'RESP3: scores are doubles',
    resp3: true,
    commands: [
      ['ZADD', 'z', '1.1', 'a', 'inf', 'b', '-inf', 'c', '3', 'd'], ['ZSCORE', 'z', 'a'], ['ZSCORE', 'z', 'b'], ['ZSCORE', 'z', 'c'], ['ZSCORE', 'z', 'x'],
      ['ZMSCORE', 'z', 'a', 'x', 'd'], ['ZINCRBY', 'z', '2', 'd'], ['ZADD', 'z', 'INCR', '1', 'a'], ['ZADD', 'z', 'XX', 'INCR', '1', 'nomember'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZADD', 'neg', 'INCR', '-0', 'm'],
    ],
  },
  {
    name: 'WRONGTYPE on every sorted-set command',
    commands: [
      ['SET', 's', 'v'], ['ZADD', 'z', '1', 'a'], ['ZADD', 's', '1', 'a'], ['ZADD', 's', 'XX', '1', 'a'], ['ZINCRBY', 's', '1', 'a'], ['ZREM', 's', 'a'],
      ['ZSCORE', 's', 'a'], ['ZMSCORE', 's', 'a'], ['ZCARD', 's'], ['ZCOUNT', 's', '0', '1'], ['ZLEXCOUNT', 's', '-', '+'], ['ZRANGE', 's', '0', '1'],
      ['ZRANGEBYSCORE', 's', '0', '1'], ['ZREVRANGEBYSCORE', 's', '1', '0'], ['ZRANGEBYLEX', 's', '-', '+'], ['ZREVRANGEBYLEX', 's', '+', '-'],
      ['ZREVRANGE', 's', '0', '1'], ['ZRANGESTORE', 'd', 's', '0', '1'], ['ZRANK', 's', 'a'], ['ZREVRANK', 's', 'a'], ['ZPOPMIN', 's'],
      ['ZPOPMAX', 's', '2'], ['ZMPOP', '2', 'nokey', 's', 'MIN'], ['ZRANDMEMBER', 's'], ['ZRANDMEMBER', 's', '2'], ['ZREMRANGEBYSCORE', 's', '0', '1'],
      ['ZREMRANGEBYRANK', 's', '0', '1'], ['ZREMRANGEBYLEX', 's', '-', '+'], ['ZUNION', '2', 'z', 's'], ['ZINTER', '1', 's'], ['ZDIFF', '2', 'z', 's'],
      ['ZUNIONSTORE', 'd', '1', 's'], ['ZINTERSTORE', 'd', '2', 'nokey', 's'], ['ZDIFFSTORE', 'd', '1', 's'], ['ZINTERCARD', '2', 'z', 's'],
      ['ZSCAN', 's', '0'], ['ZUNION', '1', 's', 'WEIGHTS', 'x'], ['ZCOUNT', 's', 'x', '1'], ['ZPOPMIN', 's', '0'], ['ZPOPMIN', 's', '-1'],
      ['EXISTS', 'd'], ['GET', 's'],
    ],
  },
]);

contractSuite('sorted sets: ZCOUNT ZLEXCOUNT ZRANK ZREVRANK and range parsing', [
  {
    name: 'ZCOUNT with inclusive, exclusive and infinite bounds',
    commands: [
      ['ZADD', 'z', '1', 'a', '1.5', 'b', '2', 'c', '3', 'd', 'inf', 'e'], ['ZCOUNT', 'z', '1', '2'], ['ZCOUNT', 'z', '(1', '2'], ['ZCOUNT', 'z', '(1', '(2'],
      ['ZCOUNT', 'z', '-inf', '+inf'], ['ZCOUNT', 'z', '(-inf', '(+inf'], ['ZCOUNT', 'z', '3', '1'], ['ZCOUNT', 'z', '(2', '2'], ['ZCOUNT', 'z', '2', '2'],
      ['ZCOUNT', 'z', '', '1'], ['ZCOUNT', 'z', ' 1', '2'], ['ZCOUNT', 'z', '1e400', 'inf'], ['ZCOUNT', 'z', '0x1', '0x2'], ['ZCOUNT', 'z', '(', '5'],
      ['ZCOUNT', 'z', '1e-400', '1'], ['ZCOUNT', 'nokey', '0', '1'],
    ],
  },
  {
    name: 'score range errors',
    commands: [
      ['ZADD', 'z', '1', 'a'], ['ZCOUNT', 'z', 'x', '1'], ['ZCOUNT', 'z', '1', 'nan'], ['ZCOUNT', 'z', '[1', '2'], ['ZCOUNT', 'z', '1 ', '2'],
      ['ZCOUNT', 'z', '((1', '2'], ['ZCOUNT', 'z', ' ', '2'], ['ZCOUNT', 'nokey', 'x', '1'], ['ZRANGEBYSCORE', 'z', 'a', 'b'],
      ['ZREMRANGEBYSCORE', 'z', '1', 'x'], ['ZRANGE', 'z', 'x', '1', 'BYSCORE'], ['ZCOUNT', 'z', '1'],
    ],
  },
  {
    name: 'ZLEXCOUNT and lex range errors',
    commands: [
      ['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd'], ['ZLEXCOUNT', 'z', '-', '+'], ['ZLEXCOUNT', 'z', '[b', '[c'], ['ZLEXCOUNT', 'z', '(b', '[c'],
      ['ZLEXCOUNT', 'z', '(b', '(c'], ['ZLEXCOUNT', 'z', '[c', '[b'], ['ZLEXCOUNT', 'z', '+', '-'], ['ZLEXCOUNT', 'z', '-', '-'], ['ZLEXCOUNT', 'z', '+', '+'],
      ['ZLEXCOUNT', 'z', '[', '+'], ['ZLEXCOUNT', 'z', '(', '(a'], ['ZLEXCOUNT', 'z', 'a', '+'], ['ZLEXCOUNT', 'z', '-a', '+'], ['ZLEXCOUNT', 'z', '', '+'],
      ['ZLEXCOUNT', 'z', '-', '+x'], ['ZLEXCOUNT', 'nokey', '-', '+'], ['ZLEXCOUNT', 'nokey', 'x', '+'], ['ZRANGEBYLEX', 'z', '1', '+'],
      ['ZREMRANGEBYLEX', 'z', '-', 'x'], ['ZLEXCOUNT', 'z', '-\0', '+'],
    ],
  },
  {
    name: 'lex ranges over unequal scores follow the listpack walk',
    commands: [
      ['ZADD', 'z', '1', 'b', '2', 'a', '3', 'd', '4', 'c'], ['ZRANGEBYLEX', 'z', '[b', '+'], ['ZRANGEBYLEX', 'z', '-', '[b'], ['ZREVRANGEBYLEX', 'z', '[c', '-'],
      ['ZLEXCOUNT', 'z', '[b', '[c'], ['ZRANGEBYLEX', 'z', '[c', '+'], ['ZRANGEBYLEX', 'z', '(a', '[b', 'LIMIT', '1', '2'], ['ZREMRANGEBYLEX', 'z', '[a', '[b'],
      ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYLEX', 'z', '[c', '+'], ['ZRANGE', 'z', '0', '-1'],
    ],
  },
  {
    name: 'ZRANK ZREVRANK',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZRANK', 'z', 'a'], ['ZRANK', 'z', 'c'], ['ZREVRANK', 'z', 'a'], ['ZREVRANK', 'z', 'c'],
      ['ZRANK', 'z', 'x'], ['ZREVRANK', 'nokey', 'a'], ['ZRANK', 'z'], ['ZRANK', 'z', 'a', 'WITHSCORE'],
    ],
  },
  { name: 'RESP3 ZRANK miss', resp3: true, commands: [['ZADD', 'z', '1', 'a'], ['ZRANK', 'z', 'x'], ['ZRANK', 'z', 'a'], ['ZCOUNT', 'z', '-inf', 'inf']] },
]);

contractSuite('sorted sets: ZRANGE family and ZRANGESTORE', [
  {
    name: 'rank ranges',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZRANGE', 'z', '0', '-1'], ['ZRANGE', 'z', '1', '2', 'WITHSCORES'], ['ZRANGE', 'z', '-2', '-1'],
      ['ZRANGE', 'z', '-100', '100'], ['ZRANGE', 'z', '3', '1'], ['ZRANGE', 'z', '5', '10'], ['ZRANGE', 'z', '0', '-1', 'REV'], ['ZREVRANGE', 'z', '0', '1'],
      ['ZREVRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'nokey', '0', '-1'], ['ZRANGE', 'z', 'x', '1'], ['ZRANGE', 'z', '0', '1.5'],
      ['ZRANGE', 'z', '0', '-1', 'withscores', 'WITHSCORES'], ['ZRANGE', 'z', '0', '-1', 'rev', 'REV'], ['ZREVRANGE', 'z', '0', '-1', 'REV'],
      ['ZRANGE', 'z', '0', '9223372036854775807'], ['ZRANGE', 'z', '-9223372036854775808', '1'],
    ],
  },
  {
    name: 'BYSCORE and BYLEX with REV and LIMIT',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['ZRANGE', 'z', '2', '4', 'BYSCORE'], ['ZRANGE', 'z', '(2', '+inf', 'BYSCORE', 'WITHSCORES'],
      ['ZRANGE', 'z', '4', '2', 'BYSCORE', 'REV'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1', '2'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1', '-1'],
      ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '10', '2'],
      ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '0'],
      ['ZRANGEBYSCORE', 'z', '2', '3'], ['ZRANGEBYSCORE', 'z', '-inf', 'inf', 'WITHSCORES', 'LIMIT', '2', '2'], ['ZREVRANGEBYSCORE', 'z', '3', '2'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '(4', 'WITHSCORES'], ['ZREVRANGEBYSCORE', 'z', '2', '3'], ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
      ['ZRANGE', 'l', '[b', '+', 'BYLEX'], ['ZRANGE', 'l', '+', '[b', 'BYLEX', 'REV'], ['ZRANGE', 'l', '-', '+', 'BYLEX', 'LIMIT', '1', '2'],
      ['ZRANGEBYLEX', 'l', '(a', '(d'], ['ZREVRANGEBYLEX', 'l', '(d', '(a', 'LIMIT', '0', '1'], ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '-1', '1'],
    ],
  },
  {
    name: 'ZRANGE option errors',
    commands: [
      ['ZADD', 'z', '1', 'a'], ['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'], ['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '-1'], ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYSCORE'], ['ZRANGE', 'z', '0', '1', 'FOO'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', '0'], ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', 'x', '1'], ['ZRANGEBYSCORE', 'z', '0', '1', 'BYSCORE'],
      ['ZRANGEBYSCORE', 'z', '0', '1', 'REV'], ['ZREVRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'],
      ['ZREVRANGEBYSCORE', 'z', '1', '0', 'LIMIT', '0'], ['ZRANGE', 'z', '0'], ['ZRANGE', 'nokey', '0', '-1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'nokey', 'x', 'y', 'BYSCORE'], ['ZRANGE', 'nokey', '0', '1', 'FOO'], ['ZRANGE', 'z', '(1', '(2'],
    ],
  },
  {
    name: 'ZRANGESTORE',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['SET', 'd', 'x'], ['EXPIRE', 'd', '100'], ['ZRANGESTORE', 'd', 'z', '0', '1'], ['TTL', 'd'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE', 'REV'], ['ZRANGESTORE', 'd', 'z', '+inf', '(1', 'BYSCORE', 'REV'],
      ['ZRANGE', 'd', '0', '-1'], ['ZRANGESTORE', 'd', 'z', '[b', '+', 'BYLEX', 'LIMIT', '0', '1'], ['ZRANGE', 'd', '0', '-1'], ['ZRANGESTORE', 'd', 'z', '5', '6'],
      ['EXISTS', 'd'], ['ZRANGESTORE', 'd', 'nokey', '0', '-1'], ['ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'z', 'z', '1', '1'],
      ['ZRANGE', 'z', '0', '-1'], ['ZRANGESTORE', 'd', 'z'], ['ZRANGESTORE', 'd', 'z', '0', '-1', 'LIMIT', '0', '1'],
    ],
  },
  {
    name: 'RESP3: WITHSCORES nests pairs',
    resp3: true,
    commands: [
      ['ZADD', 'z', '1', 'a', '2.5', 'b'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'z', '0', '-1'], ['ZRANGEBYSCORE', 'z', '-inf', 'inf', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '0', 'WITHSCORES'], ['ZRANGE', 'nokey', '0', '-1', 'WITHSCORES'],
    ],
  },
]);

contractSuite('sorted sets: ZREMRANGEBY* and ZPOP*', [
  {
    name: 'ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['ZREMRANGEBYRANK', 'z', '0', '1'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYRANK', 'z', '-1', '-1'],
      ['ZREMRANGEBYRANK', 'z', '5', '10'], ['ZREMRANGEBYSCORE', 'z', '(3', '4'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ['EXISTS', 'z'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c'], ['ZREMRANGEBYLEX', 'l', '(a', '[b'], ['ZRANGE', 'l', '0', '-1'], ['ZREMRANGEBYLEX', 'l', '-', '+'], ['EXISTS', 'l'],
      ['ZREMRANGEBYRANK', 'nokey', '0', '1'], ['ZREMRANGEBYRANK', 'z', 'x', '1'], ['ZREMRANGEBYRANK', 'nokey', '0', 'x'], ['ZREMRANGEBYSCORE', 'nokey', '1', '0'],
      ['ZREMRANGEBYLEX', 'nokey', '+', '-'], ['ZREMRANGEBYRANK', 'z', '0'],
    ],
  },
  {
    name: 'ZPOPMIN ZPOPMAX',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', '0'], ['ZPOPMAX', 'z', '5'], ['EXISTS', 'z'],
      ['ZPOPMIN', 'nokey'], ['ZPOPMIN', 'nokey', '2'], ['ZADD', 'z', '1', 'a'], ['ZPOPMIN', 'z', '-1'], ['ZPOPMIN', 'z', 'x'], ['ZPOPMIN', 'z', '1', '2'],
      ['ZPOPMIN', 'z', '1'], ['ZPOPMIN', 'nokey', '-1'], ['ZPOPMIN'],
    ],
  },
  {
    name: 'RESP3: ZPOPMIN with a count nests, without does not',
    resp3: true,
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '1'], ['ZPOPMIN', 'z', '5'], ['ZPOPMIN', 'nokey'], ['ZPOPMIN', 'nokey', '1'],
    ],
  },
  {
    name: 'ZMPOP',
    commands: [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'], ['ZADD', 'b', '5', 'q'], ['ZMPOP', '2', 'nokey', 'a', 'MIN'], ['ZMPOP', '2', 'a', 'b', 'max', 'COUNT', '5'],
      ['EXISTS', 'a'], ['ZMPOP', '2', 'a', 'b', 'MIN', 'COUNT', '1'], ['ZMPOP', '2', 'a', 'b', 'MIN'], ['ZADD', 'a', '1', 'x'], ['ZMPOP', '0', 'a', 'MIN'],
      ['ZMPOP', 'x', 'a', 'MIN'], ['ZMPOP', '-1', 'a', 'MIN'], ['ZMPOP', '1', 'a', 'FOO'], ['ZMPOP', '2', 'a', 'MIN'], ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', 'x'], ['ZMPOP', '1', 'a', 'MIN', 'COUNT'], ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '1', 'COUNT', '1'], ['ZMPOP', '1', 'a', 'MIN', 'x'],
      ['ZMPOP', '1', 'a'], ['ZMPOP', '1'], ['ZMPOP', '5', 'a', 'MIN'],
    ],
  },
  {
    name: 'RESP3 ZMPOP',
    resp3: true,
    commands: [['ZADD', 'a', '1', 'x', '2', 'y'], ['ZMPOP', '1', 'a', 'MAX', 'COUNT', '2'], ['ZMPOP', '1', 'a', 'MIN']],
  },
]);

contractSuite('sorted sets: ZRANDMEMBER ZSCAN', [
  {
    name: 'ZRANDMEMBER deterministic forms',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZRANDMEMBER', 'z', '3'], ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '0'],
      ['ZADD', 'one', '1.5', 'a'], ['ZRANDMEMBER', 'one'], ['ZRANDMEMBER', 'one', '-3', 'withscores'], ['ZRANDMEMBER', 'one', '1'], ['ZRANDMEMBER', 'nokey'],
      ['ZRANDMEMBER', 'nokey', '3'], ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', '1', 'WITHVALUES'], ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'], ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'], ['ZRANDMEMBER', 'nokey', 'x'],
    ],
  },
  {
    name: 'RESP3 ZRANDMEMBER',
    resp3: true,
    commands: [['ZADD', 'z', '1', 'a', '2', 'b'], ['ZRANDMEMBER', 'z', '5', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '5'], ['ZRANDMEMBER', 'nokey']],
  },
  {
    name: 'ZSCAN of a listpack zset returns everything in order',
    commands: [
      ['ZADD', 'z', '1.5', 'a', '-0', 'b', '1e100', 'ab'], ['ZSCAN', 'z', '0'], ['ZSCAN', 'z', '0', 'MATCH', 'a*', 'COUNT', '1'], ['ZSCAN', 'nokey', '0'],
      ['ZSCAN', 'z', 'x'], ['ZSCAN', 'z', '0', 'COUNT', '0'], ['ZSCAN', 'z'],
    ],
  },
  { name: 'RESP3 ZSCAN scores stay strings', resp3: true, commands: [['ZADD', 'z', '1.5', 'a'], ['ZSCAN', 'z', '0']] },
]);

contractSuite('sorted sets: ZUNION ZINTER ZDIFF, STORE forms, ZINTERCARD', [
  {
    name: 'union and intersection with weights and aggregates, sets count as score 1',
    commands: [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'], ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'], ['SADD', 's', 'x', 'w', 'q'],
      ['ZUNION', '2', 'a', 'b'], ['ZUNION', '2', 'a', 'b', 'WITHSCORES'], ['ZUNION', '3', 'a', 'b', 's', 'WITHSCORES'], ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'WITHSCORES'], ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'AGGREGATE', 'max', 'WEIGHTS', '1', '-1', 'WITHSCORES'], ['ZINTER', '2', 'a', 's', 'WITHSCORES'], ['ZINTER', '2', 'a', 'nokey'],
      ['ZUNION', '2', 'a', 'nokey', 'WITHSCORES'], ['ZINTER', '2', 'a', 'a', 'WITHSCORES'], ['ZUNION', '1', 's', 'WITHSCORES'],
    ],
  },
  {
    name: 'infinities and NaN in weights and sums',
    commands: [
      ['ZADD', 'a', 'inf', 'x', '0', 'y', '-inf', 'z'], ['ZADD', 'b', '-inf', 'x', '5', 'y', '-inf', 'z'], ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'], ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '0', '1', 'WITHSCORES'], ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MIN', 'WITHSCORES'], ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '0', '1', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZUNION', '1', 'a', 'WEIGHTS', '-1', 'WITHSCORES'], ['ZUNION', '2', 'a', 'b', 'WEIGHTS', 'inf', '-inf', 'WITHSCORES'],
    ],
  },
  {
    name: 'ZDIFF',
    commands: [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'], ['ZADD', 'b', '10', 'y'], ['SADD', 's', 'z'], ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'], ['ZDIFF', '3', 'a', 'b', 's'],
      ['ZDIFF', '1', 'a'], ['ZDIFF', '2', 'nokey', 'a'], ['ZDIFF', '2', 'a', 'a'], ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'], ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'SUM'],
      ['ZDIFF', '1', 's', 'WITHSCORES'],
    ],
  },
  {
    name: 'argument errors',
    commands: [
      ['ZADD', 'a', '1', 'x'], ['ZUNION', '0', 'a'], ['ZUNION', '-1', 'a'], ['ZUNION', 'x', 'a'], ['ZUNION', '2', 'a'], ['ZUNION', '1', 'a', 'WEIGHTS'],
      ['ZUNION', '1', 'a', 'WEIGHTS', 'x'], ['ZUNION', '1', 'a', 'WEIGHTS', '1', '2'], ['ZUNION', '1', 'a', 'AGGREGATE'], ['ZUNION', '1', 'a', 'AGGREGATE', 'AVG'],
      ['ZUNION', '1', 'a', 'FOO'], ['ZUNIONSTORE', 'd', '1', 'a', 'WITHSCORES'], ['ZINTER', '1', 'a', 'WEIGHTS', 'nan'], ['ZUNIONSTORE', 'd', '0', 'a'],
      ['ZINTERSTORE', 'd', '0', 'a'], ['ZDIFFSTORE', 'd', '0', 'a'], ['ZINTER', '0', 'a'], ['ZDIFF', '0', 'a'], ['ZUNION', '1'], ['ZUNIONSTORE', 'd', '1'],
      ['ZUNION', '1', 'a', 'WITHSCORES', 'WITHSCORES'], ['ZUNION', '9223372036854775808', 'a'], ['ZUNION', '1', 'a', 'LIMIT', '1'],
    ],
  },
  {
    name: 'STORE forms replace any destination and delete it on an empty result',
    commands: [
      ['ZADD', 'a', '1', 'x', '2', 'y'], ['ZADD', 'b', '3', 'y'], ['SET', 'd', 'str'], ['EXPIRE', 'd', '100'], ['ZUNIONSTORE', 'd', '2', 'a', 'b'], ['TTL', 'd'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], ['ZINTERSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '2', '3'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZDIFFSTORE', 'd', '2', 'a', 'b'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], ['ZINTERSTORE', 'd', '2', 'a', 'nokey'], ['EXISTS', 'd'],
      ['ZUNIONSTORE', 'a', '2', 'a', 'b'], ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'], ['ZDIFFSTORE', 'd', '1', 'nokey'], ['OBJECT', 'ENCODING', 'a'],
      ['ZUNIONSTORE', 'neg', '1', 'a', 'WEIGHTS', '-0'], ['ZRANGE', 'neg', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'ZINTERCARD',
    commands: [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'], ['ZADD', 'b', '1', 'y', '1', 'z'], ['SADD', 's', 'z', 'q'], ['ZINTERCARD', '2', 'a', 'b'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'], ['ZINTERCARD', '3', 'a', 'b', 's'], ['ZINTERCARD', '2', 'a', 'nokey'],
      ['ZINTERCARD', '0', 'a'], ['ZINTERCARD', 'x', 'a'], ['ZINTERCARD', '2', 'a'], ['ZINTERCARD', '1', 'a', 'LIMIT', '-1'], ['ZINTERCARD', '1', 'a', 'LIMIT', 'x'],
      ['ZINTERCARD', '1', 'a', 'WEIGHTS', '1'], ['ZINTERCARD', '1', 'a', 'WITHSCORES'], ['ZINTERCARD', '1', 'a', 'LIMIT'],
    ],
  },
  {
    name: 'RESP3 WITHSCORES',
    resp3: true,
    commands: [['ZADD', 'a', '1', 'x', '2', 'y'], ['ZUNION', '1', 'a', 'WITHSCORES'], ['ZINTER', '1', 'a', 'WITHSCORES'], ['ZDIFF', '1', 'a', 'WITHSCORES'], ['ZUNION', '1', 'a']],
  },
]);

contractSuite('sorted sets: encodings', [
  {
    name: 'listpack to skiplist by entries and member length; -0 survives only in a skiplist',
    commands: [
      ['ZADD', 'z', ...pairs(128)], ['OBJECT', 'ENCODING', 'z'], ['ZADD', 'z', '1', 'one-more'], ['OBJECT', 'ENCODING', 'z'], ['ZREMRANGEBYRANK', 'z', '0', '-10'],
      ['OBJECT', 'ENCODING', 'z'], ['ZADD', 'l', '1', long], ['OBJECT', 'ENCODING', 'l'], ['ZADD', 'l', '-0', 'n'], ['ZSCORE', 'l', 'n'],
      ['ZUNIONSTORE', 'u', '1', 'z'], ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'r', 'z', '0', '2'], ['OBJECT', 'ENCODING', 'r'],
      ['ZADD', 'big', ...pairs(130, () => '0')], ['ZUNIONSTORE', 'nz', '1', 'big', 'WEIGHTS', '-1'], ['ZSCORE', 'nz', 'm0'], ['OBJECT', 'ENCODING', 'nz'],
      ['ZRANGESTORE', 'rz', 'nz', '0', '-1'], ['ZSCORE', 'rz', 'm1'], ['ZRANGESTORE', 'rz2', 'nz', '0', '1'], ['ZSCORE', 'rz2', 'm1'],
      ['ZUNIONSTORE', 'one', '1', 'l'], ['OBJECT', 'ENCODING', 'one'],
    ],
  },
  {
    name: 'zset-max-listpack-entries and -value from CONFIG SET',
    commands: [
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '2'], ['ZADD', 'z', '1', 'a', '2', 'b'], ['OBJECT', 'ENCODING', 'z'], ['ZADD', 'z', '3', 'c'],
      ['OBJECT', 'ENCODING', 'z'], ['CONFIG', 'SET', 'zset-max-listpack-value', '2'], ['ZADD', 'v', '1', 'abc'], ['OBJECT', 'ENCODING', 'v'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'], ['ZADD', 'e', '1', 'a'], ['OBJECT', 'ENCODING', 'e'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'], ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
    ],
  },
]);
