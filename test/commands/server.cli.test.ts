import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { allCommands } from '../../commands/index.js';
import { Config } from '../../src/config.js';
import { Server } from '../../src/server.js';
import { hasBinary, redisMissing, spawnHoldfast, startHoldfast, startRedis, type Holdfast, type RunningServer } from '../helpers/servers.js';

/**
 * redis-cli and redis-benchmark against Holdfast. redis-cli 7.0 builds `help <command>`,
 * tab completion and the interactive hints from COMMAND DOCS (redis/redis#10043; before 7.0
 * it used a table compiled into redis-cli): so the argument trees in our declarations are
 * what users see in redis-cli.
 */

const run = promisify(execFile);
const cliMissing = !hasBinary('redis-cli');
if (cliMissing) console.warn('redis-cli is not installed: redis-cli tests are skipped');

async function cli(port: number, ...args: string[]): Promise<string> {
  // Async on purpose: the in-process server must keep serving while redis-cli runs.
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** Types into an interactive redis-cli under a pseudo-terminal and returns the screen lines. */
async function interactive(port: number, typed: string[]): Promise<string[]> {
  const p = spawn('script', ['-qfc', `stty cols 200 rows 50; redis-cli -p ${port}`, '/dev/null'], { env: { ...process.env, TERM: 'xterm' } });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await pause(500);
  for (const t of typed) {
    p.stdin.write(t);
    await pause(400);
    p.stdin.write('\x15'); // Ctrl-U: clear the line for the next one
  }
  p.stdin.write('\x03');
  await pause(200);
  p.kill();
  // Drop terminal escapes: what is left is the prompt, the typed text and the hint
  return out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/[\r\n]+/);
}

describe.skipIf(cliMissing)('redis-cli', () => {
  let h: Holdfast;
  let redis: RunningServer | null = null;
  beforeAll(async () => {
    h = await startHoldfast();
    if (!redisMissing) redis = await startRedis();
  });
  afterAll(async () => {
    await h.close();
    await redis?.close();
  });

  it.skipIf(redisMissing).each(['config get', 'config set', 'client kill', 'client list', 'hello', 'auth', 'command docs', 'info', 'shutdown', 'select'])(
    'help %s prints what it prints against redis-server',
    async (words) => {
      const args = words.split(' ');
      const ours = await cli(h.port, 'help', ...args);
      expect(ours).toContain('summary:');
      expect(ours).toBe(await cli(redis!.port, 'help', ...args));
    },
  );

  it('help reads COMMAND DOCS: it knows CLIENT SETINFO, which redis-cli 7.0 itself does not', async () => {
    const ours = await cli(h.port, 'help', 'client', 'setinfo');
    expect(ours).toContain('CLIENT SETINFO');
    expect(ours).toContain('LIB-NAME libname|LIB-VER libver');
    expect(ours).toContain('Sets information specific to the client or connection.');
    if (redis) expect((await cli(redis.port, 'help', 'client', 'setinfo')).trim()).toBe('');
  });

  it.skipIf(!hasBinary('script'))('interactive hints come from our argument docs', async () => {
    const lines = await interactive(h.port, ['client setinfo ', 'config get ', 'hello ']);
    expect(lines).toContain(`127.0.0.1:${h.port}> client setinfo LIB-NAME libname|LIB-VER libver`);
    expect(lines).toContain(`127.0.0.1:${h.port}> config get parameter [parameter ...]`);
    expect(lines).toContain(`127.0.0.1:${h.port}> hello [protover [AUTH username password] [SETNAME clientname]]`);
  });

  it.skipIf(redisMissing)('one-shot commands print the same as against redis-server', async () => {
    for (const args of [
      ['config', 'get', 'maxmemory'], ['-3', 'config', 'get', 'maxmemory'], ['--no-raw', 'client', 'getname'], ['echo', 'hi there'],
      ['select', '99'], ['info', 'cluster'], ['--no-raw', 'command', 'getkeys', 'config', 'get', 'x'], ['-3', 'command', 'info', 'echo'],
    ]) {
      expect(await cli(h.port, ...args), args.join(' ')).toBe(await cli(redis!.port, ...args));
    }
    expect(await cli(h.port, 'client', 'list')).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ laddr=/);
  });
});

describe.skipIf(!hasBinary('redis-benchmark'))('redis-benchmark startup', () => {
  async function benchmarkOutput(server: Server): Promise<string> {
    const port = await server.listen();
    try {
      const r = await run('redis-benchmark', ['-p', String(port), '-t', 'ping', '-n', '20', '-c', '1', '-q'], { timeout: 20_000 });
      return r.stdout + r.stderr;
    } finally {
      await server.close();
    }
  }
  const config = () => {
    const c = new Config();
    c.setText('port', '0', true);
    c.setText('bind', '127.0.0.1', true);
    return c;
  };

  it('reads CONFIG GET save / appendonly without a warning', async () => {
    const out = await benchmarkOutput(new Server(allCommands, { quiet: true, config: config() }));
    expect(out).not.toMatch(/WARNING: Could not fetch server CONFIG/);
    expect(out).toMatch(/PING_INLINE: /);
  });

  it('does warn against a server without CONFIG (so the check above can fail)', async () => {
    const out = await benchmarkOutput(new Server(allCommands.filter((c) => c.name !== 'config'), { quiet: true, config: config() }));
    expect(out).toMatch(/WARNING: Could not fetch server CONFIG/);
  });
});

const built = existsSync(path.resolve(import.meta.dirname, '../../dist/src/main.js'));
describe.skipIf(!built || cliMissing)('SHUTDOWN of the built server process', () => {
  it('redis-cli SHUTDOWN stops the process with exit code 0', async () => {
    const s = await spawnHoldfast(['--appendonly', 'no']);
    const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
    // redis-cli reports the closed connection as it does with Redis
    await cli(s.port, 'shutdown', 'nosave').catch(() => '');
    expect(await exited).toBe(0);
    expect(s.output()).toMatch(/User requested shutdown/);
    expect(s.output()).toMatch(/ready to exit, bye bye/);
  });
});
