import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const stringsCommands: readonly CommandSpec[] = [];
