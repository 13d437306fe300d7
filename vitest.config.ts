import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Speed without weakening a test:
 * - isolate: false. Every file imports the whole server (src/ and commands/); with isolation
 *   each file paid that import again (about 70 of 310 seconds of the suite on 2 cores).
 *   Tests share nothing through module state: every server, registry and interner hangs off
 *   its own Server/Config instance. Files that measure the process itself run isolated
 *   (the 'isolated' project below).
 * - forks, not threads: tests spawn processes, read process.memoryUsage() and /proc, and
 *   set V8 flags.
 * - Property-test counts and load durations have defaults sized for CI; raise them with
 *   DIFF_RUNS and PROPERTY_RUNS_SCALE (test/helpers/runs.ts).
 */
const isolated = [
  // These measure heap, RSS or descriptors of the process they run in: no other file's
  // leftovers in that process.
  'test/sale/memory.test.ts',
  'test/memory/accounting.test.ts',
  'test/memory/memoryCommand.test.ts',
];

const workers = Number(process.env.VITEST_MAX_WORKERS ?? 0) || Math.max(1, Math.min(2, availableParallelism()));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: isolated, isolate: false },
      },
      {
        extends: true,
        test: { name: 'isolated', include: isolated, isolate: true },
      },
    ],
  },
});
