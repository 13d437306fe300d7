import { contractSuite } from '../helpers/contract.js';
import { pubsubCommands } from '../../commands/pubsub.js';

/**
 * The pub/sub declarations as COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS show them,
 * against redis-server's. The PUBSUB container lists its subcommands in Redis's dict order
 * (random per process), so each subcommand is compared on its own.
 */
const names = pubsubCommands.flatMap((c) => (c.subcommands ? c.subcommands.map((s) => `${c.name}|${s.name}`) : [c.name]));

contractSuite('pub/sub: COMMAND INFO, DOCS and GETKEYS', [
  ...names.map((n) => ({ name: `COMMAND INFO ${n}`, commands: [['COMMAND', 'INFO', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n}`, commands: [['COMMAND', 'DOCS', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n} (RESP3)`, resp3: true, commands: [['COMMAND', 'DOCS', n]] })),
  {
    name: 'COMMAND GETKEYS: channels are not keys',
    commands: [
      ['COMMAND', 'GETKEYS', 'PUBLISH', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'SUBSCRIBE', 'a'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'PSUBSCRIBE', 'a*'],
    ],
  },
]);
