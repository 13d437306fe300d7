import type { CommandSpec } from '../src/dispatch/commandSpec.js';

export const pubsubCommands: readonly CommandSpec[] = [];
