import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { redisMissing, startHoldfast, startRedis } from '../helpers/servers.js';

const names = ['bgrewriteaof', 'bgsave', 'save', 'lastsave'];

contractSuite('persistence commands: declarations and errors', [
  ...names.map((n) => ({ name: `COMMAND INFO ${n}`, commands: [['COMMAND', 'INFO', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n}`, commands: [['COMMAND', 'DOCS', n]] })),
  ...names.map((n) => ({ name: `COMMAND DOCS ${n} (RESP3)`, resp3: true, commands: [['COMMAND', 'DOCS', n]] })),
  {
    name: 'wrong arity and syntax (nothing is started)',
    commands: [['BGREWRITEAOF', 'x'], ['SAVE', 'x'], ['BGSAVE', 'NOW'], ['BGSAVE', 'SCHEDULE', 'x'], ['LASTSAVE', 'x']],
  },
  {
    name: 'SAVE is refused inside MULTI',
    commands: [['MULTI'], ['SAVE'], ['EXEC']],
  },
]);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(redisMissing)('INFO persistence against redis-server (appendonly yes on both)', () => {
  it("has Redis's fields in Redis's order, then Holdfast's own", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-info-'));
    dirs.push(dir);
    const redis = (await startRedis(['--appendonly', 'yes']))!;
    const holdfast = await startHoldfast({ appendonly: 'yes', dir });
    try {
      const fieldsOf = async (port: number) => {
        const c = await RawClient.connect(port);
        const text = await c.call('INFO', 'persistence');
        c.close();
        return text
          .split('\r\n')
          .slice(2)
          .map((l) => l.split(':')[0]!)
          .filter((l) => l !== '');
      };
      const expected = await fieldsOf(redis.port);
      const actual = await fieldsOf(holdfast.port);
      expect(actual.slice(0, expected.length)).toEqual(expected);
      expect(actual.slice(expected.length)).toEqual(['aof_rewrite_max_stall_usec', 'aof_fsync_policy', 'aof_fsyncs', 'aof_fsync_waiters_released']);
    } finally {
      await redis.close();
      await holdfast.close();
    }
  });
});
