import { contractSuite } from '../helpers/contract.js';

/** Every byte value as a latin1 string (the contract client sends strings as latin1 bytes). */
const ALL = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const ALL_REVERSED = [...ALL].reverse().join('');

// Every reply compared byte for byte with redis-server 7.0.
contractSuite('strings: GET, SET and its options', [
  {
    name: 'GET and SET plain',
    commands: [['GET', 'k'], ['SET', 'k', 'v'], ['GET', 'k'], ['SET', 'k', ''], ['GET', 'k'], ['STRLEN', 'k'], ['SET', 'k', 'v', 'extra']],
  },
  {
    name: 'SET NX / XX',
    commands: [
      ['SET', 'k', 'a', 'XX'], ['GET', 'k'], ['SET', 'k', 'a', 'NX'], ['SET', 'k', 'b', 'NX'], ['GET', 'k'],
      ['SET', 'k', 'c', 'xx'], ['GET', 'k'], ['SET', 'k', 'd', 'nx', 'nx'], ['SET', 'k', 'd', 'XX', 'XX'], ['GET', 'k'],
    ],
  },
  {
    name: 'SET GET (with NX allowed in 7.0)',
    commands: [
      ['SET', 'k', 'a', 'GET'], ['SET', 'k', 'b', 'GET'], ['GET', 'k'],
      ['SET', 'k', 'c', 'NX', 'GET'], ['GET', 'k'], ['SET', 'n', 'c', 'NX', 'GET'], ['GET', 'n'],
      ['SET', 'x', 'v', 'XX', 'GET'], ['EXISTS', 'x'], ['SET', 'k', 'z', 'XX', 'GET'], ['SET', 'k', 'y', 'get', 'get'], ['GET', 'k'],
    ],
  },
  {
    name: 'SET expiry options',
    commands: [
      ['SET', 'k', 'v', 'EX', '100'], ['TTL', 'k'], ['SET', 'k', 'v', 'PX', '100000'], ['TTL', 'k'],
      ['SET', 'k', 'v', 'EXAT', '32503680000'], ['EXPIRETIME', 'k'], ['SET', 'k', 'v', 'PXAT', '32503680000123'], ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'EX', '10', 'EX', '20'], ['TTL', 'k'], ['SET', 'k', 'w', 'KEEPTTL'], ['TTL', 'k'], ['GET', 'k'],
      ['SET', 'k', 'w', 'KEEPTTL', 'KEEPTTL'], ['TTL', 'k'], ['SET', 'k', 'x'], ['TTL', 'k'],
      ['SET', 'k', 'v', 'ex', '100', 'nx'], ['SET', 'k', 'v', 'ex', '100', 'xx', 'get'], ['TTL', 'k'],
    ],
  },
  {
    name: 'SET syntax errors for conflicting or incomplete options',
    commands: [
      ['SET', 'k', 'v', 'NX', 'XX'], ['SET', 'k', 'v', 'XX', 'NX'], ['SET', 'k', 'v', 'EX', '10', 'PX', '10'],
      ['SET', 'k', 'v', 'PX', '10', 'EX', '10'], ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'], ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'EXAT', '10', 'PXAT', '10'], ['SET', 'k', 'v', 'EX'], ['SET', 'k', 'v', 'PX'], ['SET', 'k', 'v', 'foo'],
      ['SET', 'k', 'v', 'PERSIST'], ['SET', 'k', 'v', 'NX', 'EX'], ['EXISTS', 'k'],
    ],
  },
  {
    name: 'SET invalid expire times',
    commands: [
      ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', '-1'], ['SET', 'k', 'v', 'PX', '0'], ['SET', 'k', 'v', 'EXAT', '0'],
      ['SET', 'k', 'v', 'PXAT', '-5'], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'EX', '1.5'], ['SET', 'k', 'v', 'EX', ' 1'],
      ['SET', 'k', 'v', 'EX', '9223372036854775'], ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '99999999999999999999'], ['EXISTS', 'k'],
      // The syntax is checked before the number
      ['SET', 'k', 'v', 'EX', 'abc', 'foo'],
    ],
  },
  {
    name: 'SET with a deadline already past',
    commands: [['SET', 'k', 'v', 'PXAT', '1'], ['GET', 'k'], ['SET', 'k', 'v', 'EXAT', '1', 'GET'], ['GET', 'k']],
  },
  {
    name: 'SET arity',
    commands: [['SET'], ['SET', 'k'], ['GET'], ['GET', 'a', 'b']],
  },
  {
    name: 'SETNX SETEX PSETEX',
    commands: [
      ['SETNX', 'k', 'a'], ['SETNX', 'k', 'b'], ['GET', 'k'], ['SETEX', 'k', '100', 'c'], ['TTL', 'k'], ['GET', 'k'],
      ['PSETEX', 'k', '100000', 'd'], ['TTL', 'k'], ['GET', 'k'], ['SETNX', 'k', 'e'],
      ['SETEX', 'k', '0', 'v'], ['SETEX', 'k', '-10', 'v'], ['SETEX', 'k', 'x', 'v'], ['PSETEX', 'k', '0', 'v'],
      ['PSETEX', 'k', 'x', 'v'], ['SETEX', 'k', '9223372036854775807', 'v'], ['GET', 'k'], ['SETEX', 'k', '10'], ['SETNX', 'k'],
    ],
  },
  {
    name: 'SETEX drops NX semantics: it overwrites and sets the TTL',
    commands: [['SET', 'k', 'old'], ['SETEX', 'k', '50', 'new'], ['GET', 'k'], ['TTL', 'k'], ['SET', 'k', 'x'], ['TTL', 'k']],
  },
]);

contractSuite('strings: GETSET GETDEL GETEX MGET MSET MSETNX', [
  {
    name: 'GETSET',
    commands: [['GETSET', 'k', 'a'], ['GETSET', 'k', 'b'], ['GET', 'k'], ['SET', 't', 'v', 'EX', '100'], ['GETSET', 't', 'w'], ['TTL', 't']],
  },
  {
    name: 'GETDEL',
    commands: [['GETDEL', 'k'], ['SET', 'k', 'v'], ['GETDEL', 'k'], ['EXISTS', 'k'], ['GETDEL', 'k'], ['GETDEL']],
  },
  {
    name: 'GETEX options',
    commands: [
      ['GETEX', 'k'], ['SET', 'k', 'v'], ['GETEX', 'k'], ['TTL', 'k'], ['GETEX', 'k', 'EX', '100'], ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '200000'], ['TTL', 'k'], ['GETEX', 'k', 'EXAT', '32503680000'], ['EXPIRETIME', 'k'],
      ['GETEX', 'k', 'PXAT', '32503680000999'], ['PEXPIRETIME', 'k'], ['GETEX', 'k', 'PERSIST'], ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'], ['GETEX', 'k', 'persist', 'persist'], ['GETEX', 'k', 'ex', '10', 'ex', '20'], ['TTL', 'k'],
    ],
  },
  {
    name: 'GETEX errors and order of checks',
    commands: [
      ['GETEX', 'nokey', 'EX', 'abc'], ['GETEX', 'nokey', 'foo'], ['SET', 'k', 'v'], ['GETEX', 'k', 'EX', 'abc'], ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', '-1'], ['GETEX', 'k', 'PXAT', '0'], ['GETEX', 'k', 'PERSIST', 'EX', '10'], ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'KEEPTTL'], ['GETEX', 'k', 'NX'], ['GETEX', 'k', 'GET'], ['GETEX', 'k', 'EX'], ['GETEX', 'k', 'EX', '10', 'PX', '10'],
      ['GETEX', 'k', 'EX', '9223372036854775807'], ['TTL', 'k'],
    ],
  },
  {
    name: 'GETEX with an absolute time already past deletes the key',
    commands: [['SET', 'k', 'v'], ['GETEX', 'k', 'EXAT', '1'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['GETEX', 'k', 'PXAT', '1000'], ['EXISTS', 'k']],
  },
  {
    name: 'MGET MSET',
    commands: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['MGET', 'a', 'b', 'c', 'nokey', 'a'], ['MSET', 'a', '1', 'b'], ['MSET', 'a'],
      ['MGET'], ['SET', 't', 'v', 'EX', '100'], ['MSET', 't', 'w'], ['TTL', 't'], ['MSET', 'a', 'x', 'a', 'y'], ['GET', 'a'],
    ],
  },
  {
    name: 'MSETNX',
    commands: [
      ['MSETNX', 'a', '1', 'b', '2'], ['MGET', 'a', 'b'], ['MSETNX', 'b', '3', 'c', '4'], ['MGET', 'a', 'b', 'c'], ['MSETNX', 'a'],
      ['MSETNX', 'a', '1', 'b'], ['MSETNX', 'x', '1', 'x', '2'], ['GET', 'x'],
    ],
  },
]);

contractSuite('strings: INCR family', [
  {
    name: 'INCR DECR INCRBY DECRBY',
    commands: [
      ['INCR', 'n'], ['INCR', 'n'], ['DECR', 'n'], ['INCRBY', 'n', '100'], ['DECRBY', 'n', '50'], ['INCRBY', 'n', '-1000'], ['GET', 'n'],
      ['DECR', 'm'], ['DECRBY', 'o', '-5'], ['INCRBY', 'p', '0'], ['GET', 'p'],
    ],
  },
  {
    name: 'INCR on non-integers',
    commands: [
      ['SET', 'k', 'abc'], ['INCR', 'k'], ['SET', 'k', '1.5'], ['INCR', 'k'], ['SET', 'k', ' 1'], ['INCR', 'k'], ['SET', 'k', '01'], ['INCR', 'k'],
      ['SET', 'k', '+1'], ['INCR', 'k'], ['SET', 'k', '-0'], ['INCR', 'k'], ['SET', 'k', ''], ['INCR', 'k'], ['SET', 'k', '1 '], ['INCR', 'k'],
      ['SET', 'k', '5'], ['INCRBY', 'k', 'x'], ['INCRBY', 'k', '1.0'], ['INCRBY', 'k', ''], ['DECRBY', 'k', '99999999999999999999'], ['GET', 'k'],
    ],
  },
  {
    name: 'INCR at the int64 limits',
    commands: [
      ['SET', 'k', '9223372036854775806'], ['INCR', 'k'], ['INCR', 'k'], ['GET', 'k'], ['SET', 'k', '-9223372036854775807'], ['DECR', 'k'],
      ['DECR', 'k'], ['GET', 'k'], ['SET', 'k', '0'], ['DECRBY', 'k', '-9223372036854775808'], ['INCRBY', 'k', '-9223372036854775808'],
      ['DECRBY', 'k', '9223372036854775807'], ['SET', 'k', '9007199254740991'], ['INCR', 'k'], ['INCRBY', 'k', '9007199254740993'],
      ['INCRBY', 'k', '-18014398509481985'], ['SET', 'k', '9223372036854775808'], ['INCR', 'k'],
      ['SET', 'k', '4611686018427387904'], ['INCRBY', 'k', '4611686018427387903'], ['INCRBY', 'k', '1'],
    ],
  },
  {
    name: 'INCR keeps the TTL',
    commands: [['SET', 'k', '1', 'EX', '100'], ['INCR', 'k'], ['TTL', 'k'], ['INCRBYFLOAT', 'k', '1.5'], ['TTL', 'k'], ['APPEND', 'k', '0'], ['TTL', 'k']],
  },
  {
    name: 'INCRBYFLOAT long double results',
    commands: [
      ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '0.2'], ['SET', 'f', '10.50'], ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '5.0e3'],
      ['SET', 'f', '1'], ['INCRBYFLOAT', 'f', '-1.1'], ['SET', 'f', '0'], ['INCRBYFLOAT', 'f', '1e-20'], ['INCRBYFLOAT', 'f', '3'],
      ['INCRBYFLOAT', 'f', '-3'], ['SET', 'f', '5'], ['INCRBYFLOAT', 'f', '1e300'], ['INCRBYFLOAT', 'g', '3.0e3'], ['INCRBYFLOAT', 'g', '0x10'],
      ['INCRBYFLOAT', 'g', '-inf'], ['SET', 'g', 'inf'], ['INCRBYFLOAT', 'g', '1'], ['SET', 'g', '1'], ['INCRBYFLOAT', 'g', '1.7976931348623157e308'],
['SET', 'z', '0'], ['INCRBYFLOAT', 'z', '-0'], ['INCRBYFLOAT', 'z', '-0.0'], ['SET', 'z', '-1.5'], ['INCRBYFLOAT', 'z', '1.5'],
      ['INCRBYFLOAT', 'z', '1e-17'], ['INCRBYFLOAT', 'z', '123456789012345678901234567890'], ['INCRBYFLOAT', 'z', '-1e-5'],
            ['INCRBYFLOAT', 'g', 'abc'], ['INCRBYFLOAT', 'g', 'nan'], ['INCRBYFLOAT', 'g', ''], ['INCRBYFLOAT', 'g', ' 1'],
      ['SET', 'g', 'abc'], ['INCRBYFLOAT', 'g', '1'], ['INCRBYFLOAT', 'g', 'x'], ['GET', 'f'], ['GET', 'g'],
    ],
  },
]);

contractSuite('strings: APPEND STRLEN GETRANGE SETRANGE SUBSTR', [
  {
    name: 'APPEND and STRLEN',
    commands: [['APPEND', 'k', 'ab'], ['APPEND', 'k', 'cd'], ['GET', 'k'], ['STRLEN', 'k'], ['STRLEN', 'nokey'], ['APPEND', 'e', ''], ['EXISTS', 'e'], ['STRLEN', 'e'], ['APPEND', 'k', '']],
  },
  {
    name: 'GETRANGE',
    commands: [
      ['SET', 'k', 'Hello World'], ['GETRANGE', 'k', '0', '4'], ['GETRANGE', 'k', '-5', '-1'], ['GETRANGE', 'k', '0', '-1'],
      ['GETRANGE', 'k', '5', '1'], ['GETRANGE', 'k', '-1', '-5'], ['GETRANGE', 'k', '0', '100'], ['GETRANGE', 'k', '-100', '2'],
      ['GETRANGE', 'k', '100', '200'], ['GETRANGE', 'k', '-100', '-50'], ['GETRANGE', 'nokey', '0', '-1'], ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '0', 'b'], ['GETRANGE', 'k', '-9223372036854775808', '9223372036854775807'],
      ['GETRANGE', 'k', '-9223372036854775807', '-9223372036854775808'], ['GETRANGE', 'k', '9223372036854775807', '-1'],
      ['GETRANGE', 'k', '3', '9223372036854775807'], ['SET', 'e', ''], ['GETRANGE', 'e', '0', '-1'], ['GETRANGE', 'e', '0', '0'],
      ['SET', 'n', '12345'], ['GETRANGE', 'n', '1', '2'], ['SUBSTR', 'k', '0', '4'], ['SUBSTR', 'k', '0'],
    ],
  },
  {
    name: 'SETRANGE',
    commands: [
      ['SETRANGE', 'k', '0', 'Hello'], ['SETRANGE', 'k', '6', 'World'], ['GET', 'k'], ['SETRANGE', 'k', '1', 'a'], ['GET', 'k'],
      ['SETRANGE', 'k', '0', ''], ['SETRANGE', 'nokey', '0', ''], ['EXISTS', 'nokey'], ['SETRANGE', 'nokey', '100', ''],
      ['SETRANGE', 'k', '-1', 'x'], ['SETRANGE', 'k', 'x', 'x'], ['SETRANGE', 'k', '9223372036854775807', 'x'],
      ['SETRANGE', 'k', '536870911', 'xy'], ['SETRANGE', 'k', '9223372036854775807', ''], ['SETRANGE', 'z', '3', 'ab'], ['GET', 'z'],
      ['SET', 't', 'v', 'EX', '100'], ['SETRANGE', 't', '0', 'w'], ['TTL', 't'],
    ],
  },
]);

contractSuite('strings: LCS', [
  {
    name: 'LCS',
    commands: [
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'], ['LCS', 'a', 'b'], ['LCS', 'a', 'b', 'LEN'], ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'], ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-1', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'LEN', 'IDX'], ['LCS', 'a', 'b', 'foo'], ['LCS', 'a', 'b', 'MINMATCHLEN'], ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'],
      ['LCS', 'a', 'nokey'], ['LCS', 'nokey', 'nokey2', 'IDX'], ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a'],
      ['MSET', 'x', 'ABCBDAB', 'y', 'BDCABA'], ['LCS', 'x', 'y'], ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
    ],
  },
  {
    name: 'LCS in RESP3',
    resp3: true,
    commands: [['MSET', 'a', 'ohmytext', 'b', 'mynewtext'], ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'LEN']],
  },
]);

contractSuite('strings: RESP3 nulls', [
  {
    name: 'null replies in RESP3',
    resp3: true,
    commands: [
      ['GET', 'k'], ['SET', 'k', 'v', 'NX'], ['SET', 'k', 'v', 'XX'], ['SET', 'k', 'v', 'GET'], ['GETDEL', 'nokey'], ['GETEX', 'nokey'],
      ['GETSET', 'nokey', 'v'], ['MGET', 'k', 'nokey'], ['INCRBYFLOAT', 'f', '1.5'], ['SET', 'k', 'v', 'XX', 'GET'],
    ],
  },
]);

contractSuite('strings: OBJECT ENCODING by Redis rules', [
  {
    name: 'int, embstr and raw',
    commands: [
      ['SET', 'a', '123'], ['OBJECT', 'ENCODING', 'a'], ['SET', 'b', 'abc'], ['OBJECT', 'ENCODING', 'b'],
      ['SET', 'c', 'x'.repeat(44)], ['OBJECT', 'ENCODING', 'c'], ['SET', 'd', 'x'.repeat(45)], ['OBJECT', 'ENCODING', 'd'],
      ['SET', 'e', '-9223372036854775808'], ['OBJECT', 'ENCODING', 'e'], ['SET', 'f', '9223372036854775808'], ['OBJECT', 'ENCODING', 'f'],
      ['SET', 'g', '-0'], ['OBJECT', 'ENCODING', 'g'], ['SET', 'h', '007'], ['OBJECT', 'ENCODING', 'h'],
      ['SET', 'i', '12345678901234567890'], ['OBJECT', 'ENCODING', 'i'], ['SET', 'j', ''], ['OBJECT', 'ENCODING', 'j'],
      ['SET', 'x', '100', 'EX', '100'], ['OBJECT', 'ENCODING', 'x'], ['OBJECT', 'REFCOUNT', 'x'], ['SETEX', 'y', '100', '7'], ['OBJECT', 'ENCODING', 'y'],
      ['MSET', 'm1', '5', 'm2', 'five'], ['OBJECT', 'ENCODING', 'm1'], ['OBJECT', 'ENCODING', 'm2'], ['GETSET', 'm2', '6'], ['OBJECT', 'ENCODING', 'm2'],
    ],
  },
  {
    name: 'APPEND and SETRANGE leave raw strings, INCRBYFLOAT embstr, INCR int',
    commands: [
      ['SET', 'a', '12'], ['APPEND', 'a', '3'], ['OBJECT', 'ENCODING', 'a'], ['SET', 'a', '123'], ['OBJECT', 'ENCODING', 'a'],
      ['APPEND', 'n', '12'], ['OBJECT', 'ENCODING', 'n'], ['APPEND', 'n', ''], ['OBJECT', 'ENCODING', 'n'],
      ['SETRANGE', 'r', '0', '12'], ['OBJECT', 'ENCODING', 'r'], ['INCR', 'r'], ['OBJECT', 'ENCODING', 'r'],
      ['SET', 's', '1'], ['SETRANGE', 's', '0', ''], ['OBJECT', 'ENCODING', 's'], ['SETRANGE', 's', '0', '2'], ['OBJECT', 'ENCODING', 's'],
      ['INCRBYFLOAT', 'f', '3'], ['OBJECT', 'ENCODING', 'f'], ['INCRBYFLOAT', 'f', '1.5'], ['OBJECT', 'ENCODING', 'f'],
      ['INCR', 'i'], ['OBJECT', 'ENCODING', 'i'], ['SET', 'y', '5'], ['INCRBYFLOAT', 'y', '0'], ['OBJECT', 'ENCODING', 'y'],
      ['SET', 'z', 'ab'], ['APPEND', 'z', 'c'], ['GETSET', 'z', 'abc'], ['OBJECT', 'ENCODING', 'z'],
    ],
  },
  {
    name: 'RENAME, COPY and MOVE keep the encoding',
    commands: [
      ['SET', 'a', 'x'], ['APPEND', 'a', 'y'], ['RENAME', 'a', 'b'], ['OBJECT', 'ENCODING', 'b'], ['COPY', 'b', 'c'], ['OBJECT', 'ENCODING', 'c'],
      ['MOVE', 'c', '1'], ['SELECT', '1'], ['OBJECT', 'ENCODING', 'c'], ['FLUSHDB'], ['SELECT', '0'], ['SET', 'b', 'xy'], ['OBJECT', 'ENCODING', 'b'],
    ],
  },
  {
    name: 'REFCOUNT: shared integers',
    commands: [
      ['SET', 'a', '100'], ['OBJECT', 'REFCOUNT', 'a'], ['SET', 'b', '10000'], ['OBJECT', 'REFCOUNT', 'b'], ['SET', 'c', 'abc'],
      ['OBJECT', 'REFCOUNT', 'c'], ['INCR', 'd'], ['OBJECT', 'REFCOUNT', 'd'], ['SET', 'e', '-1'], ['OBJECT', 'REFCOUNT', 'e'],
      ['INCRBYFLOAT', 'f', '1'], ['OBJECT', 'REFCOUNT', 'f'], ['OBJECT', 'REFCOUNT', 'nokey'],
    ],
  },
]);

contractSuite('strings: binary-safe keys and values', [
  {
    name: 'every byte in keys and values',
    commands: [
      ['SET', ALL, ALL_REVERSED], ['GET', ALL], ['STRLEN', ALL], ['APPEND', ALL, '\0\r\n'], ['GETRANGE', ALL, '250', '-1'],
      ['SETRANGE', ALL, '300', ALL], ['STRLEN', ALL], ['GETRANGE', ALL, '255', '305'], ['MSET', '\0', '\xff', '\r\n', '\x80'],
      ['MGET', '\0', '\r\n', ALL], ['KEYS', '\r*'], ['RENAME', ALL, ALL_REVERSED], ['COPY', ALL_REVERSED, '\0\0', 'REPLACE'],
      ['GETDEL', '\0\0'], ['LCS', ALL_REVERSED, '\0'], ['OBJECT', 'ENCODING', ALL_REVERSED], ['DEL', '\0', '\r\n', ALL_REVERSED],
    ],
  },
]);
