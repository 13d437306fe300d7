import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const listsCommands: readonly CommandSpec[] = [];
