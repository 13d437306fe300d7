import { contractSuite } from '../helpers/contract.js';
import { hashesCommands } from '../../commands/hashes.js';
import { setsCommands } from '../../commands/sets.js';
import { sortedSetsCommands } from '../../commands/sortedSets.js';

/**
 * The declarations of the hash, set and sorted-set commands as COMMAND INFO and COMMAND
 * DOCS show them, against redis-server's, plus COMMAND GETKEYS for the movable-key forms.
 */
const names = [...hashesCommands, ...setsCommands, ...sortedSetsCommands].map((c) => c.name);

contractSuite('hashes, sets, sorted sets: COMMAND INFO and DOCS', [
  ...names.map((n) => ({ name: `COMMAND INFO ${n}`, commands: [['COMMAND', 'INFO', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n}`, commands: [['COMMAND', 'DOCS', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n} (RESP3)`, resp3: true, commands: [['COMMAND', 'DOCS', n]] })),
  {
    name: 'COMMAND GETKEYS',
    commands: [
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'], ['COMMAND', 'GETKEYS', 'ZINTER', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'ZDIFFSTORE', 'd', '1', 'a'], ['COMMAND', 'GETKEYS', 'ZINTERCARD', '3', 'a', 'b', 'c', 'LIMIT', '1'],
      ['COMMAND', 'GETKEYS', 'ZMPOP', '2', 'a', 'b', 'MIN'], ['COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b'], ['COMMAND', 'GETKEYS', 'SMOVE', 'a', 'b', 'm'],
      ['COMMAND', 'GETKEYS', 'SINTERSTORE', 'd', 'a', 'b'], ['COMMAND', 'GETKEYS', 'ZRANGESTORE', 'd', 's', '0', '1'], ['COMMAND', 'GETKEYS', 'HSET', 'h', 'f', 'v'],
      ['COMMAND', 'GETKEYS', 'SUNION', 'a', 'b', 'c'], ['COMMAND', 'GETKEYS', 'ZUNION', '0', 'a'],
    ],
  },
]);
