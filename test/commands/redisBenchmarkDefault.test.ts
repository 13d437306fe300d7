import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasBinary, startHoldfast } from '../helpers/servers.js';

/** redis-benchmark 7.0's default test list, in its order (`redis-benchmark -q` with no -t). */
const DEFAULT_TESTS = [
  'PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN',
  'LPUSH (needed to benchmark LRANGE)', 'LRANGE_100 (first 100 elements)', 'LRANGE_300 (first 300 elements)',
  'LRANGE_500 (first 500 elements)', 'LRANGE_600 (first 600 elements)', 'MSET (10 keys)',
];

const missing = !hasBinary('redis-benchmark');
if (missing) console.warn('redis-benchmark is not installed: the default benchmark run against Holdfast is skipped');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, killing it after `timeoutMs` (redis-benchmark retries forever when it cannot connect). */
function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(missing)('redis-benchmark against Holdfast', () => {
  it('runs the whole default test list with no error reply', async () => {
    const holdfast = await startHoldfast();
    try {
      // redis-benchmark 7 exits at the first error reply ("Error from server: ..."); --csv gives one line per test.
      const { code, stdout, stderr } = await run('redis-benchmark', ['-p', String(holdfast.port), '-n', '3000', '--csv'], 120_000);
      expect(stdout).not.toMatch(/error/i);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const rows = stdout.trim().split('\n').slice(1).map((line) => line.split('","').map((f) => f.replace(/"/g, '')));
      expect(rows.map((r) => r[0])).toEqual(DEFAULT_TESTS);
      for (const r of rows) expect(Number(r[1]), `${r[0]} requests/s`).toBeGreaterThan(0);
    } finally {
      await holdfast.close();
    }
  }, 150_000);
});
