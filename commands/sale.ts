import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const saleCommands: readonly CommandSpec[] = [];
