import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const sortedSetsCommands: readonly CommandSpec[] = [];
