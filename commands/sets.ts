import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const setsCommands: readonly CommandSpec[] = [];
