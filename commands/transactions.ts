import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const transactionsCommands: readonly CommandSpec[] = [];
