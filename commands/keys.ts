import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const keysCommands: readonly CommandSpec[] = [];
