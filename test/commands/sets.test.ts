import { contractSuite } from '../helpers/contract.js';

const ints = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

// Every reply compared byte for byte with redis-server 7.0; hashtable-encoded sets have no
// defined order, so those replies are compared sorted (`unordered`).
contractSuite('sets: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS', [
  {
    name: 'SADD counts new members, SREM removes and deletes the emptied key',
    commands: [
      ['SADD', 's', 'a', 'b', 'a'], ['SADD', 's', 'b', 'c'], ['SCARD', 's'], ['SREM', 's', 'a', 'z', 'a'], ['SCARD', 's'],
      ['SREM', 's', 'b', 'c', 'd'], ['EXISTS', 's'], ['SREM', 'nokey', 'a'], ['SCARD', 'nokey'], ['SADD', 's'], ['SREM', 's'], ['SCARD'],
    ],
  },
  {
    name: 'intsets answer in ascending order; strings convert to hashtable',
    commands: [
      ['SADD', 's', '5', '-3', '10', '0', '007', '1'], ['SMEMBERS', 's'], ['OBJECT', 'ENCODING', 's'], ['SADD', 'i', '3', '1', '2'],
      ['SMEMBERS', 'i'], ['OBJECT', 'ENCODING', 'i'], ['SADD', 'i', '9223372036854775807', '-9223372036854775808'], ['SMEMBERS', 'i'],
      ['OBJECT', 'ENCODING', 'i'], ['SADD', 'i', '9223372036854775808'], ['OBJECT', 'ENCODING', 'i'], ['SMEMBERS', 'nokey'],
      ['SADD', 'j', '-0'], ['OBJECT', 'ENCODING', 'j'], ['SADD', 'k', '+1'], ['OBJECT', 'ENCODING', 'k'],
    ],
    unordered: [1],
  },
  {
    name: 'set-max-intset-entries',
    commands: [
      ['CONFIG', 'SET', 'set-max-intset-entries', '3'], ['SADD', 's', '1', '2', '3'], ['OBJECT', 'ENCODING', 's'], ['SADD', 's', '4'],
      ['OBJECT', 'ENCODING', 's'], ['SREM', 's', '4', '3'], ['OBJECT', 'ENCODING', 's'], ['SADD', 'big', ...ints(1, 5)], ['OBJECT', 'ENCODING', 'big'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'], ['SADD', 'max', ...ints(1, 512)], ['OBJECT', 'ENCODING', 'max'], ['SADD', 'max', '0'],
      ['OBJECT', 'ENCODING', 'max'], ['SCARD', 'max'],
    ],
  },
  {
    name: 'SISMEMBER SMISMEMBER',
    commands: [
      ['SADD', 's', 'a', '1'], ['SISMEMBER', 's', 'a'], ['SISMEMBER', 's', 'b'], ['SISMEMBER', 's', '1'], ['SISMEMBER', 's', '01'],
      ['SISMEMBER', 'nokey', 'a'], ['SMISMEMBER', 's', 'a', 'b', '1', 'a'], ['SMISMEMBER', 'nokey', 'a', 'b'], ['SISMEMBER', 's'],
      ['SMISMEMBER', 's'], ['SADD', 'i', '1', '2'], ['SISMEMBER', 'i', 'x'], ['SISMEMBER', 'i', '2'], ['SMISMEMBER', 'i', '2', '1.0', ''],
    ],
  },
  {
    name: 'RESP3: SMEMBERS is a set, SMISMEMBER an array of integers',
    resp3: true,
    commands: [
      ['SADD', 's', '3', '1', '2'], ['SMEMBERS', 's'], ['SMEMBERS', 'nokey'], ['SISMEMBER', 's', '1'], ['SMISMEMBER', 's', '1', '9'],
      ['SCARD', 's'],
    ],
  },
  {
    name: 'WRONGTYPE on every set command',
    commands: [
      ['SET', 'str', 'v'], ['SADD', 's', 'a'], ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str'], ['SPOP', 'str'], ['SPOP', 'str', '2'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'],
      ['SMOVE', 'str', 's', 'a'], ['SMOVE', 's', 'str', 'a'], ['SMOVE', 'nokey', 'str', 'a'], ['SINTER', 's', 'str'], ['SINTER', 'nokey', 'str'],
      ['SUNION', 's', 'str'], ['SDIFF', 's', 'str'], ['SDIFF', 'str', 's'], ['SINTERSTORE', 'd', 's', 'str'], ['SUNIONSTORE', 'd', 'str'],
      ['SDIFFSTORE', 'd', 'nokey', 'str'], ['SINTERCARD', '2', 's', 'str'], ['SSCAN', 'str', '0'], ['EXISTS', 'd'], ['SMEMBERS', 's'],
    ],
  },
  {
    name: 'binary members',
    commands: [['SADD', 's', 'a\0b', '\xff', ''], ['SISMEMBER', 's', 'a\0b'], ['SISMEMBER', 's', 'a'], ['SMEMBERS', 's'], ['SREM', 's', '']],
    unordered: [3],
  },
]);

contractSuite('sets: SPOP SRANDMEMBER SMOVE', [
  {
    name: 'SPOP: deterministic forms',
    commands: [
      ['SADD', 's', '3', '1', '2'], ['SPOP', 's', '0'], ['SPOP', 's', '3'], ['EXISTS', 's'], ['SADD', 's', '3', '1', '2'], ['SPOP', 's', '10'],
      ['SADD', 'one', 'x'], ['SPOP', 'one'], ['EXISTS', 'one'], ['SPOP', 'nokey'], ['SPOP', 'nokey', '2'], ['SPOP', 'nokey', '0'],
      ['SADD', 'h', 'a', 'b', '1'], ['SREM', 'h', 'a', 'b'], ['SADD', 'h', '5', '3'], ['SPOP', 'h', '3'],
    ],
  },
  {
    name: 'SPOP errors',
    commands: [
      ['SADD', 's', 'a'], ['SPOP', 's', '-1'], ['SPOP', 's', 'x'], ['SPOP', 's', '1', '2'], ['SPOP', 'nokey', '-1'], ['SPOP'],
      ['SPOP', 's', '9223372036854775808'], ['SMEMBERS', 's'],
    ],
  },
  {
    name: 'SPOP and SRANDMEMBER random forms have the right shape',
    commands: [
      ['SADD', 's', ...ints(1, 20)], ['SPOP', 's', '5'], ['SCARD', 's'], ['SPOP', 's'], ['SCARD', 's'], ['SRANDMEMBER', 's', '3'],
      ['SRANDMEMBER', 's', '-30'], ['SRANDMEMBER', 's'],
    ],
    skipCompare: [1, 3, 5, 6, 7],
  },
  {
    name: 'SRANDMEMBER: deterministic forms',
    commands: [
      ['SADD', 's', '3', '1', '2'], ['SRANDMEMBER', 's', '3'], ['SRANDMEMBER', 's', '5'], ['SRANDMEMBER', 's', '0'], ['SADD', 'one', 'x'],
      ['SRANDMEMBER', 'one'], ['SRANDMEMBER', 'one', '-3'], ['SRANDMEMBER', 'one', '1'], ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '3'],
      ['SRANDMEMBER', 'nokey', '-3'], ['SRANDMEMBER', 's', 'x'], ['SRANDMEMBER', 's', '-9223372036854775808'], ['SRANDMEMBER', 's', '1', '2'],
      ['SRANDMEMBER', 'nokey', 'x'], ['SRANDMEMBER', 's', '9223372036854775807'],
    ],
  },
  {
    name: 'RESP3: SPOP and SRANDMEMBER with a count',
    resp3: true,
    commands: [
      ['SADD', 's', '3', '1', '2'], ['SRANDMEMBER', 's', '5'], ['SADD', 'one', 'x'], ['SRANDMEMBER', 'one', '-2'], ['SPOP', 's', '5'],
      ['SPOP', 'nokey', '2'], ['SPOP', 'nokey'], ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '2'], ['SADD', 's', '1', '2', '3'],
      ['SPOP', 's', '0'], ['SPOP', 'one', '1'],
    ],
  },
  {
    name: 'SMOVE',
    commands: [
      ['SADD', 'a', '1', '2'], ['SMOVE', 'a', 'b', '1'], ['SMEMBERS', 'a'], ['SMEMBERS', 'b'], ['SMOVE', 'a', 'b', '9'], ['SMOVE', 'a', 'a', '2'],
      ['SMOVE', 'a', 'a', '9'], ['SMOVE', 'a', 'b', '2'], ['EXISTS', 'a'], ['SMEMBERS', 'b'], ['SMOVE', 'nokey', 'b', '1'], ['SADD', 'c', '1'],
      ['SMOVE', 'b', 'c', '1'], ['SMEMBERS', 'b'], ['SMEMBERS', 'c'], ['SMOVE', 'b', 'c'],
    ],
  },
]);

contractSuite('sets: SINTER SUNION SDIFF, STORE and CARD forms', [
  {
    name: 'algebra on intsets (ordered replies)',
    commands: [
      ['SADD', 'a', '1', '2', '3', '4'], ['SADD', 'b', '3', '4', '5'], ['SADD', 'c', '4', '6'], ['SINTER', 'a', 'b'], ['SINTER', 'a', 'b', 'c'],
      ['SINTER', 'a', 'nokey'], ['SINTER', 'a'], ['SUNION', 'a', 'b', 'c'], ['SUNION', 'nokey'], ['SUNION', 'a', 'nokey'], ['SDIFF', 'a', 'b'],
      ['SDIFF', 'a', 'b', 'c'], ['SDIFF', 'nokey', 'a'], ['SDIFF', 'a', 'nokey'], ['SDIFF', 'a', 'a'], ['SDIFF', 'a', 'b', 'a'], ['SDIFF', 'a'],
      ['SINTER'], ['SUNION'], ['SDIFF'],
    ],
  },
  {
    name: 'algebra with strings (hashtable, unordered)',
    commands: [
      ['SADD', 'a', 'x', 'y', 'z', '1'], ['SADD', 'b', 'y', 'z', 'w', '1'], ['SINTER', 'a', 'b'], ['SUNION', 'a', 'b'], ['SDIFF', 'a', 'b'],
      ['SDIFF', 'b', 'a'], ['SADD', 'n', '2', '1'], ['SUNION', 'a', 'n'], ['SINTER', 'a', 'n'],
    ],
    unordered: [2, 3, 4, 5, 7],
  },
  {
    name: 'STORE forms replace any destination, empty results delete it',
    commands: [
      ['SADD', 'a', '1', '2', '3'], ['SADD', 'b', '2', '3', '4'], ['SET', 'd', 'str'], ['EXPIRE', 'd', '100'], ['SINTERSTORE', 'd', 'a', 'b'],
      ['TYPE', 'd'], ['TTL', 'd'], ['SMEMBERS', 'd'], ['SUNIONSTORE', 'd', 'a', 'b'], ['SMEMBERS', 'd'], ['SDIFFSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'], ['SINTERSTORE', 'd', 'a', 'nokey'], ['EXISTS', 'd'], ['SUNIONSTORE', 'd', 'nokey'], ['SDIFFSTORE', 'd', 'a', 'a'],
      ['SUNIONSTORE', 'a', 'a', 'b'], ['SMEMBERS', 'a'], ['SDIFFSTORE', 'a', 'a', 'b'], ['SMEMBERS', 'a'], ['OBJECT', 'ENCODING', 'a'],
      ['SINTERSTORE', 'd'], ['SUNIONSTORE', 'd'], ['SDIFFSTORE', 'd'],
    ],
  },
  {
    name: 'STORE results start as intsets again',
    commands: [
      ['SADD', 'a', 'x', '1', '2'], ['SREM', 'a', 'x'], ['OBJECT', 'ENCODING', 'a'], ['SUNIONSTORE', 'd', 'a'], ['OBJECT', 'ENCODING', 'd'],
      ['SMEMBERS', 'd'], ['SADD', 'b', '1', 'y'], ['SINTERSTORE', 'e', 'a', 'b'], ['OBJECT', 'ENCODING', 'e'], ['SDIFF', 'a', 'nokey'],
    ],
  },
  {
    name: 'SINTERCARD',
    commands: [
      ['SADD', 'a', '1', '2', '3', '4'], ['SADD', 'b', '2', '3', '4', '5'], ['SINTERCARD', '2', 'a', 'b'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
      ['SINTERCARD', '2', 'a', 'b', 'limit', '0'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '10'], ['SINTERCARD', '1', 'a'], ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '0', 'a'], ['SINTERCARD', '-1', 'a'], ['SINTERCARD', 'x', 'a'], ['SINTERCARD', '3', 'a', 'b'], ['SINTERCARD', '1', 'a', 'LIMIT'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '-1'], ['SINTERCARD', '1', 'a', 'LIMIT', 'x'], ['SINTERCARD', '1', 'a', 'FOO', '1'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '1', 'LIMIT', '2'], ['SINTERCARD', '1'], ['SINTERCARD', '9223372036854775808', 'a'],
    ],
  },
  {
    name: 'RESP3: algebra replies are sets',
    resp3: true,
    commands: [
      ['SADD', 'a', '1', '2'], ['SADD', 'b', '2', '3'], ['SINTER', 'a', 'b'], ['SUNION', 'a', 'b'], ['SDIFF', 'a', 'b'], ['SINTER', 'a', 'nokey'],
      ['SINTERSTORE', 'd', 'a', 'b'], ['SINTERCARD', '2', 'a', 'b'],
    ],
  },
]);

contractSuite('sets: SSCAN', [
  {
    name: 'an intset comes back whole',
    commands: [
      ['SADD', 's', '3', '1', '2', '10'], ['SSCAN', 's', '0'], ['SSCAN', 's', '0', 'COUNT', '1'], ['SSCAN', 's', '0', 'MATCH', '1*'],
      ['SSCAN', 'nokey', '0'], ['SSCAN', 's', 'x'], ['SSCAN', 's', '0', 'COUNT', '0'], ['SSCAN', 's', '0', 'MATCH'], ['SSCAN', 's'],
      ['SSCAN', 'nokey', '0', 'BAD'], ['SSCAN', 's', '0', 'BAD'],
    ],
  },
  { name: 'RESP3', resp3: true, commands: [['SADD', 's', '1'], ['SSCAN', 's', '0'], ['SSCAN', 'nokey', '0']] },
]);
