import { keyspaceEventsSuite } from '../helpers/keyspaceEvents.js';

keyspaceEventsSuite('set commands', [
  ['SADD SREM', [['SADD', 's', 'a', 'b'], ['SADD', 's', 'a'], ['SREM', 's', 'x'], ['SREM', 's', 'a'], ['SREM', 's', 'b', 'c'], ['SREM', 's', 'a']]],
  ['SPOP', [
    ['SADD', 's', '1', '2', '3', '4'], ['SPOP', 's'], ['SPOP', 's', '1'], ['SPOP', 's', '0'], ['SPOP', 's', '5'], ['SPOP', 's'], ['SADD', 'one', 'x'],
    ['SPOP', 'one'], ['SPOP', 'nokey', '2'],
  ]],
  ['SMOVE', [
    ['SADD', 'a', '1', '2'], ['SMOVE', 'a', 'b', '1'], ['SMOVE', 'a', 'b', '9'], ['SADD', 'b', '2'], ['SMOVE', 'a', 'b', '2'], ['SMOVE', 'b', 'b', '1'],
    ['SMOVE', 'nokey', 'b', '1'],
  ]],
  ['STORE forms', [
    ['SADD', 'a', '1', '2'], ['SADD', 'b', '2', '3'], ['SINTERSTORE', 'd', 'a', 'b'], ['SUNIONSTORE', 'd', 'a', 'b'], ['SDIFFSTORE', 'd', 'a', 'b'],
    ['SDIFFSTORE', 'd', 'a', 'a'], ['SDIFFSTORE', 'd', 'a', 'a'], ['SINTERSTORE', 'e', 'a', 'nokey'],
  ]],
  ['reads on missing keys emit keymiss', [
    ['SMEMBERS', 'nokey'], ['SISMEMBER', 'nokey', 'a'], ['SMISMEMBER', 'nokey', 'a'], ['SCARD', 'nokey'], ['SRANDMEMBER', 'nokey'],
    ['SRANDMEMBER', 'nokey', '2'], ['SINTER', 'nokey', 'other'], ['SUNION', 'nokey'], ['SDIFF', 'nokey', 'x'], ['SINTERCARD', '2', 'a', 'b'],
    ['SSCAN', 'nokey', '0'],
  ]],
]);
