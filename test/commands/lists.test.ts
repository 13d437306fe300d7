import { contractSuite } from '../helpers/contract.js';
import { listsCommands } from '../../commands/lists.js';

const big = (n: number, prefix = 'e'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

// Every reply compared byte for byte with redis-server 7.0.
contractSuite('lists: pushes and pops', [
  {
    name: 'LPUSH RPUSH order, lengths, LRANGE',
    commands: [
      ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'], ['TYPE', 'l'],
      ['OBJECT', 'ENCODING', 'l'], ['RPUSH', 'l', ''], ['LRANGE', 'l', '-1', '-1'], ['LLEN', 'nokey'],
    ],
  },
  {
    name: 'LPUSHX RPUSHX only push onto an existing list',
    commands: [
      ['LPUSHX', 'l', 'a'], ['RPUSHX', 'l', 'a', 'b'], ['EXISTS', 'l'], ['RPUSH', 'l', 'm'], ['LPUSHX', 'l', 'a', 'b'],
      ['RPUSHX', 'l', 'y', 'z'], ['LRANGE', 'l', '0', '-1'], ['SET', 's', 'v'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
    ],
  },
  {
    name: 'LPOP RPOP without count: a bulk, nil when missing, the key goes when emptied',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l'], ['EXISTS', 'l'], ['LPOP', 'l'], ['RPOP', 'nokey'],
    ],
  },
  {
    name: 'LPOP RPOP with count (7.0 nil vs empty array rules)',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LPOP', 'l', '2'], ['RPOP', 'l', '2'], ['LPOP', 'l', '0'], ['RPOP', 'l', '0'],
      ['LPOP', 'l', '10'], ['EXISTS', 'l'], ['LPOP', 'nokey', '0'], ['LPOP', 'nokey', '3'], ['RPOP', 'nokey', '1'],
      ['RPUSH', 'l', 'x'], ['RPOP', 'l', '9223372036854775807'], ['RPUSH', 'l', 'x'], ['LPOP', 'l', '1'],
    ],
  },
  {
    name: 'LPOP RPOP errors',
    commands: [
      ['RPUSH', 'l', 'a'], ['LPOP', 'l', '-1'], ['RPOP', 'l', 'x'], ['LPOP', 'l', '1.5'], ['LPOP', 'l', '9223372036854775808'],
      ['LPOP', 'l', '1', '2'], ['RPOP', 'l', '1', '2'], ['LPOP'], ['SET', 's', 'v'], ['LPOP', 's'], ['RPOP', 's', '0'],
      ['LPOP', 's', '-1'], ['LPOP', 'nokey', '-1'], ['LLEN', 's'], ['LRANGE', 'l', '0', '-1'],
    ],
  },
  {
    name: 'wrong types everywhere',
    commands: [
      ['SET', 's', 'v'], ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LLEN', 's'], ['LRANGE', 's', '0', '-1'], ['LINDEX', 's', '0'],
      ['LSET', 's', '0', 'v'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LREM', 's', '0', 'a'], ['LTRIM', 's', '0', '1'],
      ['LPOS', 's', 'a'], ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 's', 'd'], ['LMPOP', '1', 's', 'LEFT'],
      ['HSET', 'h', 'f', 'v'], ['LPUSH', 'h', 'x'], ['GET', 's'],
    ],
  },
  {
    name: 'COPY of a list is a deep copy',
    commands: [
      ['RPUSH', 'l', 'a', 'b'], ['COPY', 'l', 'c'], ['RPUSH', 'c', 'x'], ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'c', '0', '-1'],
      ['OBJECT', 'ENCODING', 'c'], ['COPY', 'l', 'c'], ['COPY', 'l', 'c', 'REPLACE'], ['LRANGE', 'c', '0', '-1'], ['COPY', 'l', 'x', 'DB', '1'],
      ['SELECT', '1'], ['LPOP', 'x', '5'], ['SELECT', '0'],
    ],
  },
  {
    name: 'binary-safe elements',
    commands: [
      ['RPUSH', 'l', 'a\0b', '\xff\xfe', '\r\n', ' '], ['LRANGE', 'l', '0', '-1'], ['LPOS', 'l', '\xff\xfe'], ['LREM', 'l', '0', 'a\0b'],
      ['LINDEX', 'l', '0'], ['RPUSH', 'l', 'x'.repeat(5000)], ['LINDEX', 'l', '-1'],
    ],
  },
]);

contractSuite('lists: reading and editing in place', [
  {
    name: 'LRANGE index normalisation',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LRANGE', 'l', '1', '3'], ['LRANGE', 'l', '-2', '-1'], ['LRANGE', 'l', '-100', '1'],
      ['LRANGE', 'l', '2', '100'], ['LRANGE', 'l', '3', '1'], ['LRANGE', 'l', '5', '10'], ['LRANGE', 'l', '-1', '-2'],
      ['LRANGE', 'l', '0', '-6'], ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'], ['LRANGE', 'nokey', '0', '-1'],
      ['LRANGE', 'l', 'a', '1'], ['LRANGE', 'l', '0', 'b'], ['LRANGE', 'nokey', '0', 'x'], ['LRANGE', 'l', '0'],
    ],
  },
  {
    name: 'LRANGE of large lists (one reply string)',
    commands: [['RPUSH', 'l', ...big(700)], ['LRANGE', 'l', '0', '99'], ['LRANGE', 'l', '0', '599'], ['LRANGE', 'l', '-650', '-600'], ['LLEN', 'l']],
  },
  {
    // The reply is encoded into a byte buffer: element lengths around the copy-loop limit
    // (32), multi-digit lengths, bytes above 0x7f, and a range over the 1 MB scratch limit.
    name: 'LRANGE element lengths, binary bytes, a reply over 1 MB',
    commands: [
      ['RPUSH', 'l', '', 'x'.repeat(9), 'y'.repeat(10), '\xe9'.repeat(31), '\xff\x80'.repeat(16), 'z\r\n'.repeat(11), 'w'.repeat(100), '\xa0b'.repeat(2500)],
      ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'l', '3', '5'],
      ['RPUSH', 'big', ...Array.from({ length: 300 }, (_, i) => `${i}:${'\xf0'.repeat(5000)}`)], ['LRANGE', 'big', '0', '-1'], ['LRANGE', 'big', '0', '1'],
    ],
  },
  {
    name: 'LINDEX: the key first, then the index',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '-3'], ['LINDEX', 'l', '-4'],
      ['LINDEX', 'l', '3'], ['LINDEX', 'l', 'x'], ['LINDEX', 'nokey', 'x'], ['LINDEX', 'nokey', '0'],
      ['LINDEX', 'l', '9223372036854775807'], ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l', '1.0'],
    ],
  },
  {
    name: 'LSET',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LSET', 'l', '0', 'x'], ['LSET', 'l', '-1', 'z'], ['LRANGE', 'l', '0', '-1'], ['LSET', 'l', '3', 'v'],
      ['LSET', 'l', '-4', 'v'], ['LSET', 'nokey', '0', 'v'], ['LSET', 'nokey', 'x', 'v'], ['LSET', 'l', 'x', 'v'],
      ['LSET', 'l', '1', 'y'.repeat(100)], ['LINDEX', 'l', '1'],
    ],
  },
  {
    name: 'LINSERT',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'b'], ['LINSERT', 'l', 'BEFORE', 'b', 'x'], ['LINSERT', 'l', 'after', 'b', 'y'],
      ['LINSERT', 'l', 'After', 'c', 'z'], ['LRANGE', 'l', '0', '-1'], ['LINSERT', 'l', 'BEFORE', 'nope', 'q'],
      ['LINSERT', 'nokey', 'BEFORE', 'a', 'b'], ['LINSERT', 'l', 'MIDDLE', 'a', 'b'], ['LINSERT', 'nokey', 'MIDDLE', 'a', 'b'],
      ['LINSERT', 'l', 'BEFORE', 'a', 'first'], ['LINSERT', 'l', 'AFTER', 'z', 'last'], ['LRANGE', 'l', '0', '-1'], ['EXISTS', 'nokey'],
    ],
  },
  {
    name: 'LREM from the head, the tail, or all',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'l', '2', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '-1', 'b'],
      ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'zz'], ['LREM', 'l', '0', 'b'],
      ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'], ['LREM', 'nokey', '0', 'a'], ['LREM', 'nokey', 'x', 'a'], ['LREM', 'l', '1.5', 'a'],
      ['RPUSH', 'm', 'a', 'a'], ['LREM', 'm', '-9223372036854775808', 'a'], ['EXISTS', 'm'],
    ],
  },
  {
    name: 'LTRIM',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LTRIM', 'l', '1', '-2'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '0', '100'],
      ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '-2', '-1'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '5', '10'], ['EXISTS', 'l'],
      ['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'nokey', 'x', '1'], ['RPUSH', 'm', 'a', 'b'], ['LTRIM', 'm', '1', '0'], ['EXISTS', 'm'],
      ['RPUSH', 'n', 'a', 'b'], ['LTRIM', 'n', '0', 'x'], ['LTRIM', 'n', '-9223372036854775808', '9223372036854775807'], ['LRANGE', 'n', '0', '-1'],
    ],
  },
  {
    name: 'LPOS with RANK COUNT MAXLEN',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'], ['LPOS', 'l', 'a'], ['LPOS', 'l', 'c'], ['LPOS', 'l', 'z'],
      ['LPOS', 'l', 'a', 'RANK', '2'], ['LPOS', 'l', 'a', 'RANK', '-1'], ['LPOS', 'l', 'a', 'RANK', '-2'], ['LPOS', 'l', 'a', 'RANK', '4'],
      ['LPOS', 'l', 'a', 'COUNT', '0'], ['LPOS', 'l', 'a', 'COUNT', '2'], ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '2'], ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'c', 'MAXLEN', '3'],
      ['LPOS', 'l', 'c', 'RANK', '-1', 'MAXLEN', '2'], ['LPOS', 'l', 'c', 'RANK', '-1', 'MAXLEN', '3'], ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
      ['LPOS', 'l', 'z', 'COUNT', '3'], ['LPOS', 'nokey', 'a'], ['LPOS', 'nokey', 'a', 'COUNT', '1'], ['LPOS', 'l', 'a', 'rank', '1', 'count', '1'],
      ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1'],
      ['LPOS', 'l', 'a', 'RANK', '2', 'RANK', '3'],
    ],
  },
  {
    name: 'LPOS errors, checked before the key',
    commands: [
      ['RPUSH', 'l', 'a'], ['LPOS', 'l', 'a', 'RANK', '0'], ['LPOS', 'nokey', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'], ['LPOS', 'l', 'a', 'COUNT', 'x'], ['LPOS', 'l', 'a', 'MAXLEN', '-1'], ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'a', 'RANK', 'x'], ['LPOS', 'l', 'a', 'FOO', '1'], ['LPOS', 'l', 'a', 'COUNT'], ['SET', 's', 'v'],
      ['LPOS', 's', 'a', 'RANK', '0'], ['LPOS', 's', 'a', 'COUNT', '1'], ['LPOS', 'l'],
    ],
  },
]);

contractSuite('lists: LMOVE RPOPLPUSH LMPOP', [
  {
    name: 'LMOVE every direction, RPOPLPUSH',
    commands: [
      ['RPUSH', 'src', 'a', 'b', 'c', 'd'], ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['LMOVE', 'src', 'dst', 'Left', 'Left'], ['LRANGE', 'dst', '0', '-1'], ['LMOVE', 'src', 'dst', 'RIGHT', 'RIGHT'],
      ['EXISTS', 'src'], ['LRANGE', 'dst', '0', '-1'], ['RPOPLPUSH', 'dst', 'other'], ['RPOPLPUSH', 'nokey', 'other'],
      ['LRANGE', 'other', '0', '-1'], ['LMOVE', 'nokey', 'dst', 'LEFT', 'LEFT'],
    ],
  },
  {
    name: 'LMOVE onto the same list rotates it',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'], ['LRANGE', 'l', '0', '-1'], ['RPOPLPUSH', 'l', 'l'],
      ['LRANGE', 'l', '0', '-1'], ['RPUSH', 'one', 'x'], ['LMOVE', 'one', 'one', 'RIGHT', 'LEFT'], ['LRANGE', 'one', '0', '-1'],
    ],
  },
  {
    name: 'LMOVE errors: direction syntax first, a missing source is nil whatever the destination',
    commands: [
      ['RPUSH', 'l', 'a'], ['SET', 's', 'v'], ['LMOVE', 'l', 'd', 'UP', 'LEFT'], ['LMOVE', 'l', 'd', 'LEFT', 'DOWN'],
      ['LMOVE', 's', 'd', 'UP', 'LEFT'], ['LMOVE', 'nokey', 's', 'LEFT', 'LEFT'], ['LMOVE', 'l', 's', 'LEFT', 'LEFT'],
      ['LMOVE', 's', 'l', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'l', 's'], ['RPOPLPUSH', 'nokey', 's'], ['LRANGE', 'l', '0', '-1'],
      ['LMOVE', 'l', 'd', 'LEFT'], ['RPOPLPUSH', 'l'],
    ],
  },
  {
    name: 'LMPOP',
    commands: [
      ['RPUSH', 'b', '1', '2', '3', '4'], ['LMPOP', '2', 'a', 'b', 'LEFT'], ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
      ['LMPOP', '1', 'b', 'left', 'count', '10'], ['EXISTS', 'b'], ['LMPOP', '2', 'a', 'b', 'LEFT'], ['RPUSH', 'a', 'x'],
      ['LMPOP', '3', 'nokey', 'a', 'a', 'RIGHT', 'COUNT', '9223372036854775807'],
    ],
  },
  {
    name: 'LMPOP errors',
    commands: [
      ['RPUSH', 'l', 'a'], ['SET', 's', 'v'], ['LMPOP', '0', 'l', 'LEFT'], ['LMPOP', '-1', 'l', 'LEFT'], ['LMPOP', 'x', 'l', 'LEFT'],
      ['LMPOP', '2', 'l', 'LEFT'], ['LMPOP', '9223372036854775807', 'l', 'LEFT'], ['LMPOP', '1', 'l', 'UP'],
      ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '-1'], ['LMPOP', '1', 'l', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'l', 'LEFT', 'COUNT'], ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', 'l', 'LEFT', 'FOO'],
      ['LMPOP', '2', 'nokey', 's', 'LEFT'], ['LMPOP', '2', 'l', 's', 'LEFT'], ['LMPOP', '1', 'l'], ['LRANGE', 'l', '0', '-1'],
    ],
  },
]);

contractSuite('lists: blocking commands that need not block', [
  {
    name: 'BLPOP BRPOP pop from the first non-empty list',
    commands: [
      ['RPUSH', 'b', '1', '2', '3'], ['BLPOP', 'a', 'b', '0'], ['BRPOP', 'a', 'b', '1'], ['BLPOP', 'b', 'b', '0.5'], ['EXISTS', 'b'],
      ['RPUSH', 'a', 'x'], ['RPUSH', 'c', 'y'], ['BRPOP', 'c', 'a', '0'], ['BLPOP', 'nokey', 'a', '0'],
    ],
  },
  {
    name: 'BLMPOP BLMOVE BRPOPLPUSH with data',
    commands: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd'], ['BLMPOP', '0', '2', 'nokey', 'l', 'LEFT'], ['BLMPOP', '1.5', '1', 'l', 'RIGHT', 'COUNT', '2'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0'], ['EXISTS', 'l'], ['BRPOPLPUSH', 'd', 'e', '0'], ['LRANGE', 'e', '0', '-1'],
      ['RPUSH', 'x', '1'], ['BLMOVE', 'x', 'x', 'LEFT', 'LEFT', '0'],
    ],
  },
  {
    name: 'short timeouts answer nil arrays',
    commands: [
      ['BLPOP', 'nokey', '0.01'], ['BRPOP', 'a', 'b', '0.001'], ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0.01'],
      ['BRPOPLPUSH', 'a', 'b', '0.0009'], ['BLPOP', 'nokey', '1e-400'],
    ],
  },
  {
    name: 'timeout errors (ERR timeout is not a float or out of range, ERR timeout is negative)',
    commands: [
      ['BLPOP', 'l', 'x'], ['BLPOP', 'l', '-1'], ['BLPOP', 'l', ' 1'], ['BLPOP', 'l', '1 '], ['BLPOP', 'l', 'nan'], ['BLPOP', 'l', 'inf'],
      ['BLPOP', 'l', '-inf'], ['BLPOP', 'l', '1e300'], ['BRPOP', 'l', '-0.5'], ['BRPOP', 'l', ''], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '-1'],
      ['BRPOPLPUSH', 'a', 'b', 'x'], ['BLMPOP', '-2', '1', 'l', 'LEFT'], ['BLMPOP', 'x', '1', 'l', 'LEFT'],
      ['BLPOP', 'l', '9223372036854776'], ['BLPOP', 'l', '9223372036854775807'],
    ],
  },
  {
    name: 'argument errors come before the timeout, WRONGTYPE after it',
    commands: [
      ['SET', 's', 'v'], ['BLMPOP', 'x', '0', 'l', 'LEFT'], ['BLMPOP', 'x', '1', 'l', 'UP'], ['BLMPOP', 'x', '1', 'l', 'LEFT', 'COUNT', '0'],
      ['BLMOVE', 'a', 'b', 'UP', 'LEFT', 'x'], ['BLPOP', 's', 'x'], ['BLPOP', 's', '0'], ['BLPOP', 'nokey', 's', '0'],
      ['BLMPOP', '0', '2', 'nokey', 's', 'LEFT'], ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'], ['RPUSH', 'l', 'a'],
      ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'l', 's', '0'], ['BLPOP', 'l', 's', '0'], ['BLPOP', 'l'],
      ['BLMPOP', '0', '1', 'l'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT'],
    ],
  },
  {
    name: 'inside MULTI they answer at once as if timed out',
    commands: [
      ['MULTI'], ['BLPOP', 'nokey', '0'], ['BRPOP', 'a', 'b', '0'], ['BLMPOP', '0', '1', 'nokey', 'LEFT'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'a', 'b', '0'], ['RPUSH', 'l', 'x'], ['BLPOP', 'l', '0'], ['BLPOP', 'l', '-1'], ['EXEC'],
    ],
  },
  {
    name: 'inside MULTI, RESP3',
    resp3: true,
    commands: [['MULTI'], ['BLPOP', 'nokey', '0'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'], ['BLMPOP', '0', '1', 'a', 'LEFT'], ['EXEC']],
  },
]);

contractSuite('lists: RESP3 replies', [
  {
    name: 'nulls and arrays in RESP3',
    resp3: true,
    commands: [
      ['LPOP', 'nokey'], ['LPOP', 'nokey', '2'], ['RPOP', 'nokey', '0'], ['RPUSH', 'l', 'a', 'b', 'c'], ['LPOP', 'l', '2'], ['LINDEX', 'l', '5'],
      ['LPOS', 'l', 'z'], ['LPOS', 'l', 'c', 'COUNT', '0'], ['LMOVE', 'nokey', 'l', 'LEFT', 'LEFT'], ['LMPOP', '1', 'nokey', 'LEFT'],
      ['LMPOP', '1', 'l', 'LEFT'], ['BLPOP', 'nokey', '0.01'], ['BLMOVE', 'nokey', 'x', 'LEFT', 'LEFT', '0.01'], ['LRANGE', 'nokey', '0', '-1'],
      ['RPUSH', 'l', 'x', 'y'], ['BRPOP', 'l', '0'], ['LRANGE', 'l', '0', '-1'], ['LSET', 'nokey', '0', 'v'],
    ],
  },
]);

contractSuite('lists: settings', [
  {
    name: 'list-max-listpack-size (alias list-max-ziplist-size) and list-compress-depth',
    commands: [
      ['CONFIG', 'GET', 'list-max-listpack-size'], ['CONFIG', 'GET', 'list-max-ziplist-size'], ['CONFIG', 'GET', 'list-compress-depth'],
      ['CONFIG', 'SET', 'list-compress-depth', '1'], ['CONFIG', 'GET', 'list-compress-depth'], ['CONFIG', 'SET', 'list-compress-depth', '-1'],
      ['CONFIG', 'SET', 'list-compress-depth', '2147483648'], ['CONFIG', 'SET', 'list-compress-depth', '0'], ['CONFIG', 'SET', 'list-max-listpack-size', '-6'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2147483649'], ['CONFIG', 'SET', 'list-max-ziplist-size', '5'], ['CONFIG', 'GET', 'list-max-*'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'], ['RPUSH', 'l', ...big(300)], ['OBJECT', 'ENCODING', 'l'], ['LRANGE', 'l', '290', '-1'],
    ],
    // Redis: CONFIG GET with a pattern collects matches in a dict (seeded hash), so its order differs between processes.
    unordered: [11],
  },
]);

contractSuite('lists: COMMAND INFO and DOCS', [
  ...listsCommands.map((c) => ({ name: `COMMAND INFO ${c.name}`, commands: [['COMMAND', 'INFO', c.name]] })),
  ...listsCommands.map((c) => ({ name: `COMMAND DOCS ${c.name}`, commands: [['COMMAND', 'DOCS', c.name]] })),
  {
    name: 'COMMAND GETKEYS of list commands',
    commands: [
      ['COMMAND', 'GETKEYS', 'BLPOP', 'a', 'b', 'c', '0'], ['COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT'],
      ['COMMAND', 'GETKEYS', 'BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '1'], ['COMMAND', 'GETKEYS', 'LMOVE', 'a', 'b', 'LEFT', 'LEFT'],
      ['COMMAND', 'GETKEYS', 'BRPOPLPUSH', 'a', 'b', '0'],
    ],
  },
]);
