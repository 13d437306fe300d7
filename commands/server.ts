import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const serverCommands: readonly CommandSpec[] = [];
