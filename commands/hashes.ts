import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const hashesCommands: readonly CommandSpec[] = [];
