import { contractSuite } from '../helpers/contract.js';

// Every reply compared byte for byte with redis-server 7.0.
contractSuite('keys: DEL UNLINK EXISTS TYPE TOUCH DBSIZE', [
  {
    name: 'DEL and UNLINK',
    commands: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['DEL', 'a', 'nokey', 'a'], ['EXISTS', 'a'], ['UNLINK', 'b', 'c', 'd'], ['DBSIZE'],
      ['DEL'], ['UNLINK'], ['DEL', 'nokey'],
    ],
  },
  {
    name: 'EXISTS counts repeats',
    commands: [['SET', 'a', '1'], ['EXISTS', 'a', 'a', 'nokey', 'a'], ['EXISTS', 'nokey'], ['EXISTS']],
  },
  {
    name: 'TYPE',
    commands: [['SET', 'a', '1'], ['TYPE', 'a'], ['TYPE', 'nokey'], ['TYPE'], ['TYPE', 'a', 'b']],
  },
  {
    name: 'TOUCH and DBSIZE',
    commands: [['MSET', 'a', '1', 'b', '2'], ['TOUCH', 'a', 'b', 'c', 'a'], ['TOUCH'], ['DBSIZE'], ['DBSIZE', 'x']],
  },
]);

contractSuite('keys: EXPIRE family, TTL family, PERSIST', [
  {
    name: 'EXPIRE PEXPIRE EXPIREAT PEXPIREAT with TTL PTTL',
    commands: [
      ['SET', 'k', 'v'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRE', 'k', '100'], ['TTL', 'k'], ['PEXPIRE', 'k', '200000'], ['TTL', 'k'],
      ['EXPIREAT', 'k', '32503680000'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['PEXPIREAT', 'k', '32503680000555'],
      ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['TTL', 'nokey'], ['PTTL', 'nokey'], ['EXPIRETIME', 'nokey'], ['PEXPIRETIME', 'nokey'],
      ['EXPIRE', 'nokey', '100'], ['PERSIST', 'k'], ['TTL', 'k'], ['EXPIRETIME', 'k'], ['PERSIST', 'k'], ['PERSIST', 'nokey'],
    ],
  },
  {
    name: 'a past deadline deletes the key',
    commands: [
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '-1'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['PEXPIRE', 'k', '0'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['EXPIREAT', 'k', '1'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['PEXPIREAT', 'k', '-9223372036854775808'],
      ['EXISTS', 'k'], ['EXPIRE', 'nokey', '-1'],
    ],
  },
  {
    name: 'NX XX GT LT',
    commands: [
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '100', 'XX'], ['EXPIRE', 'k', '100', 'GT'], ['EXPIRE', 'k', '100', 'LT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '200', 'NX'], ['EXPIRE', 'k', '200', 'GT'], ['TTL', 'k'], ['EXPIRE', 'k', '150', 'GT'], ['EXPIRE', 'k', '300', 'LT'],
      ['EXPIRE', 'k', '50', 'LT'], ['TTL', 'k'], ['EXPIRE', 'k', '60', 'XX'], ['TTL', 'k'], ['EXPIRE', 'k', '10', 'xx', 'lt'], ['TTL', 'k'],
      ['EXPIRE', 'k', '20', 'XX', 'GT'], ['TTL', 'k'], ['PERSIST', 'k'], ['EXPIRE', 'k', '10', 'XX', 'LT'], ['EXPIRE', 'k', '-5', 'GT'],
      ['EXISTS', 'k'], ['EXPIRE', 'k', '-5', 'LT'], ['EXISTS', 'k'], ['EXPIRE', 'nokey', '10', 'NX'],
    ],
  },
  {
    name: 'option and time errors',
    commands: [
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '10', 'foo'], ['EXPIRE', 'k', '10', 'NX', 'XX'], ['EXPIRE', 'k', '10', 'NX', 'GT'],
      ['EXPIRE', 'k', '10', 'NX', 'LT'], ['EXPIRE', 'k', '10', 'GT', 'LT'], ['EXPIRE', 'k', '10', 'XX', 'XX', 'GT', 'GT'], ['TTL', 'k'],
      ['EXPIRE', 'k', 'abc'], ['EXPIRE', 'k', 'abc', 'foo'], ['EXPIRE', 'k', '1.5'], ['EXPIRE', 'nokey', 'abc'], ['EXPIRE', 'nokey', '10', 'bar'],
      ['EXPIRE', 'k', '9223372036854775807'], ['EXPIRE', 'k', '-9223372036854775808'], ['EXPIRE', 'k', '9223372036854776'],
      ['EXPIRE', 'k', '-9223372036854776'], ['PEXPIRE', 'k', '9223372036854775807'], ['EXPIREAT', 'k', '9223372036854775807'],
      ['PEXPIRE', 'k', '99999999999999999999'], ['EXPIRE', 'k'], ['TTL'], ['PERSIST'], ['EXISTS', 'k'],
    ],
  },
]);

contractSuite('keys: RENAME RENAMENX COPY MOVE', [
  {
    name: 'RENAME',
    commands: [
      ['SET', 'a', '1'], ['RENAME', 'a', 'b'], ['GET', 'a'], ['GET', 'b'], ['RENAME', 'nokey', 'b'], ['RENAME', 'b', 'b'], ['GET', 'b'],
      ['RENAME', 'nokey', 'nokey'], ['SET', 'c', '3', 'EX', '100'], ['RENAME', 'c', 'b'], ['TTL', 'b'], ['GET', 'b'], ['EXISTS', 'c'],
      ['SET', 'd', '4'], ['RENAME', 'd', 'b'], ['TTL', 'b'], ['RENAME', 'b'],
    ],
  },
  {
    name: 'RENAMENX',
    commands: [
      ['MSET', 'a', '1', 'b', '2'], ['RENAMENX', 'a', 'b'], ['RENAMENX', 'a', 'c'], ['MGET', 'a', 'b', 'c'], ['RENAMENX', 'c', 'c'],
      ['RENAMENX', 'nokey', 'x'], ['RENAMENX', 'nokey', 'nokey'],
    ],
  },
  {
    name: 'COPY',
    commands: [
      ['SET', 'a', '1', 'EX', '100'], ['COPY', 'a', 'b'], ['GET', 'b'], ['TTL', 'b'], ['COPY', 'a', 'b'], ['SET', 'a', '2'],
      ['COPY', 'a', 'b', 'REPLACE'], ['GET', 'b'], ['TTL', 'b'], ['COPY', 'a', 'b', 'replace', 'replace'], ['COPY', 'nokey', 'b'],
      ['COPY', 'a', 'a'], ['COPY', 'a', 'a', 'DB', '0'], ['COPY', 'a', 'a', 'DB', '1'], ['COPY', 'a', 'b', 'DB', '16'],
      ['COPY', 'a', 'b', 'DB', '-1'], ['COPY', 'a', 'b', 'DB', 'x'], ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'foo'],
      ['COPY', 'a', 'b', 'DB', '2147483648'], ['SET', 'x', '1'], ['COPY', 'x', 'y', 'DB', '1'], ['COPY', 'a', 'y', 'DB', '1'], ['COPY', 'a', 'y', 'DB', '1', 'REPLACE'], ['COPY', 'a', 'b', 'DB', '-2147483649'], ['MOVE', 'a', '4294967296'], ['SWAPDB', '2147483648', '0'], ['SWAPDB', '0', '-2147483649'], ['COPY', 'nokey', 'nokey'], ['COPY', 'nokey', 'b', 'DB', '99'],
      ['SELECT', '1'], ['GET', 'a'], ['FLUSHDB'], ['SELECT', '0'], ['COPY', 'a'],
    ],
  },
  {
    name: 'MOVE',
    commands: [
      ['SET', 'a', '1', 'EX', '100'], ['MOVE', 'a', '1'], ['EXISTS', 'a'], ['MOVE', 'a', '1'], ['SET', 'a', '2'], ['MOVE', 'a', '1'],
      ['SELECT', '1'], ['GET', 'a'], ['TTL', 'a'], ['MOVE', 'a', '1'], ['MOVE', 'a', '0'], ['SELECT', '0'], ['GET', 'a'],
      ['MOVE', 'a', '16'], ['MOVE', 'a', '-1'], ['MOVE', 'a', 'x'], ['MOVE', 'nokey', '16'], ['MOVE', 'nokey', '2'], ['MOVE', 'a'],
      ['SELECT', '1'], ['FLUSHDB'], ['SELECT', '0'],
    ],
  },
]);

contractSuite('keys: KEYS SCAN RANDOMKEY', [
  {
    name: 'KEYS patterns',
    unordered: [1, 2, 3, 4, 10],
    commands: [
      ['MSET', 'one', '1', 'two', '2', 'three', '3', 'four', '4', '', 'empty', 'a*b', '5'], ['KEYS', '*'], ['KEYS', 't*'], ['KEYS', '*o*'],
      ['KEYS', '?wo'], ['KEYS', 'a\\*b'], ['KEYS', 'one'], ['KEYS', 'nokey'], ['KEYS', ''], ['KEYS'], ['KEYS', '[a-f]*'],
    ],
  },
  {
    name: 'SCAN over a small keyspace returns everything in one call',
    unordered: [],
    commands: [['SET', 'only', '1'], ['SCAN', '0'], ['SCAN', '0', 'COUNT', '100'], ['SCAN', '0', 'MATCH', 'o*'], ['SCAN', '0', 'MATCH', 'x*'], ['SCAN', '0', 'TYPE', 'string'], ['SCAN', '0', 'TYPE', 'STRING'], ['SCAN', '0', 'TYPE', 'list'], ['SCAN', '0', 'TYPE', 'nosuchtype']],
  },
  {
    name: 'SCAN cursor and option errors',
    commands: [
      ['SCAN', 'abc'], ['SCAN', '-1'], ['SCAN', ''], ['SCAN', ' 1'], ['SCAN', '1x'], ['SCAN', '18446744073709551615'],
      ['SCAN', '18446744073709551616'], ['SCAN', '+0'], ['SCAN', '+'], ['SCAN', '-'], ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'MATCH'], ['SCAN', '0', 'TYPE'], ['SCAN', '0', 'foo', 'bar'], ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'count', '5', 'match', '*', 'type', 'string'], ['SCAN'],
    ],
  },
  {
    name: 'RANDOMKEY',
    commands: [['RANDOMKEY'], ['SET', 'only', '1'], ['RANDOMKEY'], ['RANDOMKEY', 'x']],
  },
  {
    name: 'RANDOMKEY, SCAN, TYPE and OBJECT in RESP3',
    resp3: true,
    commands: [
      ['RANDOMKEY'], ['OBJECT', 'ENCODING', 'nokey'], ['SET', 'k', 'v'], ['SCAN', '0'], ['TYPE', 'k'], ['OBJECT', 'HELP'], ['KEYS', '*'],
      ['TTL', 'k'], ['EXISTS', 'k'], ['COPY', 'k', 'k2'], ['RENAMENX', 'k2', 'k'],
    ],
  },
]);

contractSuite('keys: FLUSHDB FLUSHALL SWAPDB', [
  {
    name: 'FLUSHDB and FLUSHALL',
    commands: [
      ['MSET', 'a', '1', 'b', '2'], ['SELECT', '1'], ['SET', 'c', '3'], ['FLUSHDB'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'],
      ['FLUSHDB', 'ASYNC'], ['SET', 'a', '1'], ['FLUSHDB', 'sync'], ['FLUSHDB', 'foo'], ['FLUSHDB', 'SYNC', 'ASYNC'], ['SET', 'a', '1'],
      ['SELECT', '2'], ['SET', 'b', '2'], ['FLUSHALL', 'ASYNC'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'], ['FLUSHALL', 'x'], ['FLUSHALL', 'SYNC'],
    ],
  },
  {
    name: 'SWAPDB',
    commands: [
      ['SET', 'a', '0'], ['SELECT', '1'], ['SET', 'b', '1', 'EX', '100'], ['SWAPDB', '0', '1'], ['GET', 'a'], ['GET', 'b'], ['SELECT', '0'],
      ['GET', 'b'], ['TTL', 'b'], ['SWAPDB', '1', '0'], ['GET', 'a'], ['SWAPDB', '0', '0'], ['SWAPDB', '0', '16'], ['SWAPDB', '-1', '0'],
      ['SWAPDB', 'x', '0'], ['SWAPDB', '0', 'x'], ['SWAPDB', '99', 'x'], ['SWAPDB', 'x', 'y'], ['SWAPDB', '0'], ['SELECT', '1'], ['FLUSHDB'], ['SELECT', '0'],
    ],
  },
]);

contractSuite('keys: OBJECT', [
  {
    name: 'OBJECT subcommands and errors',
    commands: [
      ['SET', 'k', 'v'], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'ENCODING', 'nokey'], ['OBJECT', 'REFCOUNT', 'k'], ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'IDLETIME', 'nokey'], ['OBJECT', 'FREQ', 'k'], ['OBJECT', 'FREQ', 'nokey'], ['OBJECT', 'HELP'], ['OBJECT', 'help'],
      ['OBJECT', 'foo'], ['OBJECT', 'foo', 'k'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'k', 'x'], ['OBJECT', 'HELP', 'x'], ['OBJECT'],
    ],
  },
  {
    name: 'OBJECT under an LFU policy',
    commands: [
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'k', 'v'], ['OBJECT', 'FREQ', 'k'], ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'IDLETIME', 'nokey'], ['OBJECT', 'FREQ', 'nokey'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ],
  },
  {
    name: 'REFCOUNT without shared integers',
    commands: [
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], ['CONFIG', 'SET', 'maxmemory', '1gb'], ['SET', 'k', '100'], ['OBJECT', 'REFCOUNT', 'k'],
      ['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ],
  },
]);
