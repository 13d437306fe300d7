import { contractSuite } from '../helpers/contract.js';
import { stringsCommands } from '../../commands/strings.js';
import { keysCommands } from '../../commands/keys.js';

/**
 * The declarations of the string and key commands, as COMMAND INFO and COMMAND DOCS show
 * them, against redis-server's. The OBJECT container itself is left out: Redis lists its
 * subcommands in hash-table order, which changes from one process to the next.
 */
const names = [...stringsCommands, ...keysCommands].map((c) => c.name).filter((n) => n !== 'object');
const subcommands = ['object|encoding', 'object|freq', 'object|help', 'object|idletime', 'object|refcount'];

contractSuite('strings and keys: COMMAND INFO and DOCS', [
  ...[...names, ...subcommands].map((n) => ({ name: `COMMAND INFO ${n}`, commands: [['COMMAND', 'INFO', n]] })),
  ...[...names, ...subcommands].map((n) => ({ name: `COMMAND DOCS ${n}`, commands: [['COMMAND', 'DOCS', n]] })),
  ...[...names, ...subcommands].map((n) => ({ name: `COMMAND DOCS ${n} (RESP3)`, resp3: true, commands: [['COMMAND', 'DOCS', n]] })),
  {
    name: 'COMMAND GETKEYS',
    commands: [
      ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'], ['COMMAND', 'GETKEYS', 'COPY', 'a', 'b', 'DB', '1'], ['COMMAND', 'GETKEYS', 'LCS', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'k'], ['COMMAND', 'GETKEYS', 'RENAME', 'a', 'b'], ['COMMAND', 'GETKEYS', 'DEL', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'SET', 'k', 'v', 'EX', '10'],
    ],
  },
]);
