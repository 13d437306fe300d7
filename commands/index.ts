import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { connectionCommands } from './connection.js';
import { serverCommands } from './server.js';
import { stringsCommands } from './strings.js';
import { keysCommands } from './keys.js';
import { pubsubCommands } from './pubsub.js';
import { hashesCommands } from './hashes.js';
import { listsCommands } from './lists.js';
import { setsCommands } from './sets.js';
import { sortedSetsCommands } from './sortedSets.js';
import { blockingCommands } from './blocking.js';
import { transactionsCommands } from './transactions.js';
import { saleCommands } from './sale.js';
import { aclCommands } from './acl.js';
import { memoryCommands } from './memory.js';
import { observabilityCommands } from './observability.js';
import { persistenceCommands } from './persistence.js';

/** Every command family; the server's command table is built from this list. */
export const allCommands: readonly CommandSpec[] = [
  ...connectionCommands,
  ...serverCommands,
  ...stringsCommands,
  ...keysCommands,
  ...pubsubCommands,
  ...hashesCommands,
  ...listsCommands,
  ...setsCommands,
  ...sortedSetsCommands,
  ...blockingCommands,
  ...transactionsCommands,
  ...saleCommands,
  ...aclCommands,
  ...memoryCommands,
  ...observabilityCommands,
  ...persistenceCommands,
];
