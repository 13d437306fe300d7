import { contractSuite } from '../helpers/contract.js';

const long = 'x'.repeat(70);

// Every reply compared byte for byte with redis-server 7.0.
contractSuite('hashes: HSET HSETNX HMSET HGET HMGET HDEL HLEN HEXISTS HSTRLEN', [
  {
    name: 'HSET counts new fields, HMSET answers OK, HGET and HMGET',
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '10', 'c', '3'], ['HGET', 'h', 'a'], ['HGET', 'h', 'nofield'], ['HGET', 'nokey', 'a'],
      ['HMSET', 'h', 'd', '4', 'a', '11'], ['HMGET', 'h', 'a', 'nofield', 'd', 'a'], ['HMGET', 'nokey', 'a', 'b'], ['HGETALL', 'h'],
      ['HSET', 'h', 'a'], ['HSET', 'h', 'a', '1', 'b'], ['HMSET', 'h', 'a', '1', 'b'], ['HSET', 'h'], ['HMSET', 'h', 'a'], ['HGET', 'h'],
      ['HMGET', 'h'], ['HSET', 'h', '', ''], ['HGET', 'h', ''], ['HLEN', 'h'],
    ],
  },
  {
    name: 'HSETNX',
    commands: [['HSETNX', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HGET', 'h', 'a'], ['HSETNX', 'h'], ['HSETNX', 'h', 'a', '1', 'x']],
  },
  {
    name: 'HDEL removes fields and the emptied key',
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HDEL', 'h', 'a', 'a', 'nofield'], ['HLEN', 'h'], ['HDEL', 'h', 'b', 'c', 'd'], ['EXISTS', 'h'],
      ['HDEL', 'nokey', 'a'], ['HDEL', 'h'],
    ],
  },
  {
    name: 'HLEN HEXISTS HSTRLEN',
    commands: [
      ['HSET', 'h', 'a', 'hello', 'n', '12345', 'e', ''], ['HLEN', 'h'], ['HLEN', 'nokey'], ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'z'],
      ['HEXISTS', 'nokey', 'a'], ['HSTRLEN', 'h', 'a'], ['HSTRLEN', 'h', 'n'], ['HSTRLEN', 'h', 'e'], ['HSTRLEN', 'h', 'z'], ['HSTRLEN', 'nokey', 'a'],
      ['HLEN', 'h', 'x'], ['HEXISTS', 'h'], ['HSTRLEN', 'h'],
    ],
  },
  {
    name: 'WRONGTYPE on every hash command, nothing written',
    commands: [
      ['SET', 's', 'v'], ['HSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HGET', 's', 'a'], ['HMGET', 's', 'a'],
      ['HDEL', 's', 'a'], ['HLEN', 's'], ['HEXISTS', 's', 'a'], ['HSTRLEN', 's', 'a'], ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'],
      ['HINCRBY', 's', 'a', '1'], ['HINCRBYFLOAT', 's', 'a', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HSCAN', 's', '0'],
      ['GET', 's'], ['HSET', 's', 'a'], ['HINCRBY', 's', 'a', 'x'], ['HINCRBYFLOAT', 's', 'a', 'x'],
    ],
  },
  {
    name: 'binary-safe fields and values',
    commands: [['HSET', 'h', 'a\0b', '\xff\x00\r\n', '\xe9', 'v'], ['HGET', 'h', 'a\0b'], ['HGETALL', 'h'], ['HSTRLEN', 'h', 'a\0b']],
  },
]);

contractSuite('hashes: HKEYS HVALS HGETALL, order and encodings', [
  {
    name: 'listpack order: updates in place, deletes close the gap',
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'], ['HDEL', 'h', 'b'], ['HSET', 'h', 'a', '9', 'e', '5'], ['HKEYS', 'h'], ['HVALS', 'h'],
      ['HGETALL', 'h'], ['HKEYS', 'nokey'], ['HVALS', 'nokey'], ['HGETALL', 'nokey'], ['OBJECT', 'ENCODING', 'h'],
    ],
  },
  {
    name: 'RESP3: HGETALL is a map',
    resp3: true,
    commands: [['HSET', 'h', 'a', '1', 'b', '2'], ['HGETALL', 'h'], ['HGETALL', 'nokey'], ['HKEYS', 'h'], ['HVALS', 'h'], ['HMGET', 'h', 'a', 'z'], ['HGET', 'h', 'z']],
  },
  {
    name: 'a long value or field converts to hashtable (HSETNX of an existing field does not)',
    commands: [
      ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'b', long], ['OBJECT', 'ENCODING', 'h'], ['HSET', 'h2', long, '1'], ['OBJECT', 'ENCODING', 'h2'],
      ['HSET', 'h3', 'a', '1'], ['HSETNX', 'h3', 'a', long], ['OBJECT', 'ENCODING', 'h3'], ['HGET', 'h3', 'a'],
      ['HSET', 'h4', 'a', '1'], ['HINCRBYFLOAT', 'h4', 'a', '0.' + '1'.repeat(70)], ['OBJECT', 'ENCODING', 'h4'],
      ['HSET', 'h5', 'a', '1'], ['HDEL', 'h5', 'a'], ['HSET', 'h5', 'b', long, 'c', '1'], ['HDEL', 'h5', 'b'], ['OBJECT', 'ENCODING', 'h5'],
    ],
  },
  {
    name: 'hash-max-listpack-entries and CONFIG SET take effect on the next write',
    commands: [
      ['CONFIG', 'GET', 'hash-max-listpack-entries'], ['CONFIG', 'GET', 'hash-max-ziplist-value'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'], ['HSET', 'h', 'a', '1', 'b', '2'], ['OBJECT', 'ENCODING', 'h'],
      ['HSET', 'h', 'c', '3'], ['OBJECT', 'ENCODING', 'h'], ['HDEL', 'h', 'c', 'b'], ['OBJECT', 'ENCODING', 'h'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '3'], ['HSET', 'h2', 'a', '1234'], ['OBJECT', 'ENCODING', 'h2'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'], ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
    ],
  },
]);

contractSuite('hashes: HINCRBY HINCRBYFLOAT', [
  {
    name: 'HINCRBY',
    commands: [
      ['HINCRBY', 'h', 'a', '5'], ['HINCRBY', 'h', 'a', '-7'], ['HGET', 'h', 'a'], ['HINCRBY', 'h', 'a', 'x'], ['HINCRBY', 'h', 'a', '1.5'],
      ['HINCRBY', 'h', 'a', ''], ['HINCRBY', 'h', 'a', '01'], ['HSET', 'h', 's', 'abc', 'f', '1.5', 'sp', ' 1', 'z', '007'],
      ['HINCRBY', 'h', 's', '1'], ['HINCRBY', 'h', 'f', '1'], ['HINCRBY', 'h', 'sp', '1'], ['HINCRBY', 'h', 'z', '1'],
      ['HSET', 'h', 'big', '9223372036854775806'], ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'big', '1'], ['HGET', 'h', 'big'],
      ['HINCRBY', 'h', 'big', '-9223372036854775808'], ['HINCRBY', 'h', 'big', '-9223372036854775808'], ['HGET', 'h', 'big'],
      ['HSET', 'h', 'small', '-9223372036854775808'], ['HINCRBY', 'h', 'small', '-1'], ['HINCRBY', 'h', 'small', '9223372036854775807'],
      ['HINCRBY', 'h', 'n', '9007199254740993'], ['HINCRBY', 'h', 'n', '9007199254740993'], ['HINCRBY', 'h', 'a', '9223372036854775808'],
      ['HINCRBY', 'nokey', 'a', 'x'], ['EXISTS', 'nokey'], ['HINCRBY', 'h', 'a'],
    ],
  },
  {
    name: 'HINCRBYFLOAT adds in long double like Redis',
    commands: [
      ['HINCRBYFLOAT', 'h', 'a', '0.1'], ['HINCRBYFLOAT', 'h', 'a', '0.2'], ['HSET', 'h', 'b', '10.50'], ['HINCRBYFLOAT', 'h', 'b', '0.1'],
      ['HINCRBYFLOAT', 'h', 'b', '5.0e3'], ['HINCRBYFLOAT', 'h', 'c', '1e-20'], ['HINCRBYFLOAT', 'h', 'd', '-0'], ['HINCRBYFLOAT', 'h', 'e', '3'],
      ['HINCRBYFLOAT', 'h', 'e', '0x10'], ['HINCRBYFLOAT', 'h', 'a', 'inf'], ['HINCRBYFLOAT', 'h', 'a', '-inf'], ['HINCRBYFLOAT', 'h', 'a', 'nan'],
      ['HINCRBYFLOAT', 'h', 'a', 'abc'], ['HINCRBYFLOAT', 'h', 'a', ' 1'], ['HINCRBYFLOAT', 'h', 'a', ''],
      ['HSET', 'h', 's', 'abc', 'big', '1e4932'], ['HINCRBYFLOAT', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 'big', '1e4932'],
      ['HGET', 'h', 'big'], ['HGETALL', 'h'], ['HINCRBYFLOAT', 'h', 'i', '1e308'], ['HINCRBYFLOAT', 'h', 'i', '1e308'], ['HGET', 'h', 'i'],
      ['HINCRBYFLOAT', 'nokey', 'a', 'x'], ['EXISTS', 'nokey'], ['HINCRBYFLOAT', 'h', 'a'],
    ],
  },
]);

contractSuite('hashes: HRANDFIELD HSCAN', [
  {
    name: 'HRANDFIELD count forms that are deterministic',
    commands: [
      ['HSET', 'one', 'a', '1'], ['HRANDFIELD', 'one'], ['HRANDFIELD', 'one', '1'], ['HRANDFIELD', 'one', '-3'], ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '10', 'withvalues'], ['HRANDFIELD', 'h', '0'],
      ['HRANDFIELD', 'h', '0', 'WITHVALUES'], ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '5'], ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
    ],
  },
  {
    name: 'HRANDFIELD errors',
    commands: [
      ['HSET', 'h', 'a', '1'], ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', '1', 'WITHSCORES'], ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', '-9223372036854775808'], ['HRANDFIELD', 'h', '9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'], ['HRANDFIELD', 'h', '9223372036854775807'], ['HRANDFIELD', 'nokey', 'x'],
      ['HRANDFIELD', 'nokey', '1', 'x'], ['HRANDFIELD'],
    ],
  },
  {
    name: 'HRANDFIELD RESP3 nests pairs',
    resp3: true,
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2'], ['HRANDFIELD', 'h', '5', 'WITHVALUES'], ['HSET', 'one', 'a', '1'], ['HRANDFIELD', 'one', '-2', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '-2'], ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '2', 'WITHVALUES'],
    ],
  },
  {
    name: 'HSCAN of a listpack hash returns everything at once',
    commands: [
      ['HSET', 'h', 'a', '1', 'b', '2', 'ab', '3'], ['HSCAN', 'h', '0'], ['HSCAN', 'h', '0', 'COUNT', '1'], ['HSCAN', 'h', '0', 'MATCH', 'a*'],
      ['HSCAN', 'h', '0', 'match', '*', 'count', '100'], ['HSCAN', 'h', '5'], ['HSCAN', 'nokey', '0'], ['HSCAN', 'nokey', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', '0', 'COUNT', '-1'], ['HSCAN', 'h', '0', 'COUNT', 'x'], ['HSCAN', 'h', '0', 'COUNT'],
      ['HSCAN', 'h', '0', 'TYPE', 'string'], ['HSCAN', 'h', '0', 'foo', 'bar'], ['HSCAN', 'h', 'x'], ['HSCAN', 'h', '-1'], ['HSCAN', 'h', ''],
      ['HSCAN', 'h', ' 0'], ['HSCAN', 'h', '18446744073709551616'], ['HSCAN', 'nokey', 'x'], ['HSCAN', 'h'],
    ],
  },
  {
    name: 'HSCAN RESP3',
    resp3: true,
    commands: [['HSET', 'h', 'a', '1'], ['HSCAN', 'h', '0'], ['HSCAN', 'nokey', '0']],
  },
]);
