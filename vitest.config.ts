import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Speed without weakening a test:
 * - isolate: false. Every file imports the whole server (src/ and commands/); with isolation
 *   each file paid that import again (about 70 of 310 seconds of the suite on 2 cores).
 *   Tests share nothing through module state: every server, registry and interner hangs off
 *   its own Server/Config instance, except the arena allocator's blocks (one per process). Files that measure the process itself run isolated
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
  // The arena allocator (src/memory/arenas.ts) is one per process, shared by every server in
  // it: this file counts its blocks, which another file's partly used runs would change.
  'test/memory/arenas.test.ts',
  // Heap growth of its own process starts the idle-time GC it checks.
  'test/memory/idleGc.test.ts',
];

/**
 * The slowest files (measured: 10-20 s each on an idle machine, several of them spawning
 * processes) start first, so that two workers finish together instead of one of them
 * starting a 20 s file at the end. A fresh CI checkout has no vitest cache of durations
 * to order by, hence the list; the rest keep vitest's order (cached durations, else size).
 */
const slowFirst = [
  'test/persistence/crash.test.ts',
  'test/persistence/rewrite.test.ts',
  'test/sale/memory.test.ts',
  'test/commands/sale.salebench.test.ts',
  'test/memory/accounting.test.ts',
  'test/hostile/idle.test.ts',
  'test/persistence/log.test.ts',
  'test/network/client.test.ts',
  'test/commands/redisBenchmarkDefault.test.ts',
  'test/persistence/load.test.ts',
  'test/persistence/sale.test.ts',
  'test/persistence/replay.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = slowFirst.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? slowFirst.length : i;
    };
    return sorted.map((f, i) => [rank(f), i, f] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , f]) => f);
  }
}

const workers = Number(process.env.VITEST_MAX_WORKERS ?? 0) || Math.max(1, Math.min(2, availableParallelism()));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    sequence: { sequencer: SlowFirstSequencer },
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
