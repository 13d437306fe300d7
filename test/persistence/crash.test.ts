import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RawClient } from '../helpers/rawClient.js';
import { freePort } from '../helpers/servers.js';
import { encodeRecord } from '../../src/persistence/records.js';
import { decodeCode, decoded } from '../../src/sale/codes.js';

/**
 * Crash tests with real processes: the server is killed with SIGKILL in the middle of a
 * load and restarted on the same directory. The code under test is compiled to a private
 * directory first (the working tree as it is), so these tests never run a stale dist/.
 */
const root = path.resolve(import.meta.dirname, '../..');
const build = path.join(root, 'node_modules/.cache/holdfast-persistence-test');
const launcher = path.join(build, 'holdfast.mjs');

beforeAll(() => {
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--outDir', build], {
    encoding: 'utf8',
  });
  if (!existsSync(path.join(build, 'src/main.js'))) throw new Error(`build failed: ${tsc.stdout}${tsc.stderr}`);
  writeFileSync(launcher, "import { main } from './src/main.js';\nawait main(process.argv.slice(2));\n");
}, 180_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'holdfast-crash-'));
  dirs.push(d);
  return d;
}

interface Proc {
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the built server (the CLI, with its own defaults) and waits until it answers PING. */
async function run(args: string[], cwd = root): Promise<Proc> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [launcher, '--port', String(port), '--bind', '127.0.0.1', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      const c = await RawClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === '+PONG\r\n') break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`no answer on port ${port}: ${output}`);
    await new Promise((r) => setTimeout(r, 30));
  }
  return { port, child, output: () => output, exited };
}

async function kill(p: Proc): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

const bulkValue = (reply: string) => reply.split('\r\n')[1]!;

describe('SIGKILL at random moments (real processes)', () => {
  it('appendfsync always: every acknowledged write is there after a restart, and nothing that was never sent', async () => {
    const dir = tempDir();
    const args = ['--appendonly', 'yes', '--dir', dir, '--appendfsync', 'always'];
    const acked = new Map<string, string>();
    const sent = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const p = await run(args);
      const writers = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(p.port)));
      let killed = false;
      const loops = writers.map(async (w, wi) => {
        for (let i = 0; !killed; i++) {
          const key = `r${round}:w${wi}:${i}`;
          const value = `${key}:${'x'.repeat(i % 50)}`;
          sent.add(key);
          try {
            if ((await w.call('SET', key, value)) === '+OK\r\n' && !killed) acked.set(key, value);
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      killed = true;
      const ackedNow = new Map(acked);
      await kill(p);
      for (const w of writers) w.close();
      await Promise.all(loops);
      const q = await run(args);
      const c = await RawClient.connect(q.port);
      for (const [key, value] of ackedNow) expect(await c.call('GET', key), key).toBe(`$${value.length}\r\n${value}\r\n`);
      const keys = (await c.call('KEYS', '*')).split('\r\n').filter((l, i) => i > 0 && i % 2 === 0);
      for (const key of keys) expect(sent.has(key), key).toBe(true);
      expect(ackedNow.size).toBeGreaterThan(0);
      c.close();
      await kill(q);
    }
  }, 120_000);

  it('flash sales under load: purchased and confirmed lots keep their user and code, no lot sold twice, limits hold, holds keep their deadlines', async () => {
    const dir = tempDir();
    const args = ['--appendonly', 'yes', '--dir', dir, '--appendfsync', 'everysec', '--sale-fsync', 'always'];
    let p = await run(args);
    const admin = await RawClient.connect(p.port);
    expect(await admin.call('SALE.CREATE', 'flash', '2000', 'LIMIT', '3', 'HOLD', '60000')).toBe('+OK\r\n');
    admin.close();
    const sold = new Map<number, { user: string; code: string; confirmed: boolean }>();
    const holds = new Map<string, { lot: number; deadline: number }>();
    for (let round = 0; round < 3; round++) {
      const workers = await Promise.all(Array.from({ length: 12 }, () => RawClient.connect(p.port)));
      let killed = false;
      const loops = workers.map(async (w, wi) => {
        for (let i = 0; !killed; i++) {
          const user = `user${(wi * 31 + i * 7 + round) % 300}`;
          try {
            const r = await w.call('RESERVE', 'flash', user);
            if (!r.startsWith('$')) continue;
            const code = bulkValue(r);
            const roll = (wi + i) % 10;
            if (roll < 6) {
              const lotReply = await w.call('PURCHASE', 'flash', code);
              if (!lotReply.startsWith(':') || killed) continue;
              const lot = Number(lotReply.slice(1));
              expect(sold.has(lot) && sold.get(lot)!.code !== code, `lot ${lot} sold twice`).toBe(false);
              sold.set(lot, { user, code, confirmed: false });
              if (roll < 4 && (await w.call('CONFIRM', 'flash', code)) === '+OK\r\n' && !killed) sold.get(lot)!.confirmed = true;
            } else if (roll === 6) {
              await w.call('CANCEL', 'flash', code);
            } else {
              // Abandoned: the hold's deadline is checked after the restart.
              if (!decodeCode(code)) throw new Error(`bad code ${code}`);
              const lot = decoded[2]!;
              const d = /deadline-ms\r\n:(\d+)/.exec(await w.call('SALE.LOT', 'flash', String(lot)));
              if (d !== null) holds.set(code, { lot, deadline: Number(d[1]) });
            }
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
      killed = true;
      const soldNow = new Map([...sold].map(([lot, s]) => [lot, { ...s }]));
      await kill(p);
      for (const w of workers) w.close();
      await Promise.all(loops);
      p = await run(args);
      const c = await RawClient.connect(p.port);
      for (const [lot, s] of soldNow) {
        const view = await c.call('SALE.LOT', 'flash', String(lot));
        expect(view, `lot ${lot}`).toContain(`$${s.code.length}\r\n${s.code}\r\n`);
        expect(view, `lot ${lot}`).toContain(`$${s.user.length}\r\n${s.user}\r\n`);
        if (s.confirmed) expect(view).toContain('confirmed');
      }
      // Limits, lot arithmetic, and the holds that came back: each with a deadline within the hold time.
      let cursor = '0';
      const seenSold = new Set<number>();
      do {
        const page = await c.call('SALE.SOLD', 'flash', cursor, 'COUNT', '500');
        cursor = bulkValue(page.slice(page.indexOf('\r\n') + 2));
        for (const m of page.matchAll(/\*4\r\n:(\d+)\r\n/g)) {
          expect(seenSold.has(Number(m[1]))).toBe(false);
          seenSold.add(Number(m[1]));
        }
      } while (cursor !== '0');
      for (let u = 0; u < 300; u++) expect(Number((await c.call('SALE.USER', 'flash', `user${u}`)).slice(1))).toBeLessThanOrEqual(3);
      const info = await c.call('SALE.INFO', 'flash');
      const field = (name: string) => Number(new RegExp(`${name}\\r\\n:(\\d+)`).exec(info)![1]);
      expect(field('available') + field('held') + field('purchased') + field('confirmed')).toBe(2000);
      expect(field('purchased') + field('confirmed')).toBe(seenSold.size);
      let holdsBack = 0;
      for (const [code, { lot, deadline }] of holds) {
        const view = await c.call('SALE.LOT', 'flash', String(lot));
        if (!view.includes(code) || !view.includes('held')) continue;
        expect(view, `hold ${code}`).toContain(`deadline-ms\r\n:${deadline}\r\n`);
        holdsBack++;
      }
      expect(holdsBack).toBeGreaterThan(0);
      c.close();
    }
    await kill(p);
  }, 180_000);
});

describe('the built CLI', () => {
  it('SIGTERM flushes and fsyncs before exiting (appendfsync no): every write is there after a restart', async () => {
    const dir = tempDir();
    const args = ['--appendonly', 'yes', '--dir', dir, '--appendfsync', 'no'];
    const p = await run(args);
    const c = await RawClient.connect(p.port);
    const pending: Promise<string>[] = [];
    for (let i = 0; i < 2000; i++) pending.push(c.call('SET', `k${i}`, String(i)));
    await Promise.all(pending);
    c.close();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/Calling fsync\(\) on the AOF file/);
    const q = await run(args);
    const d = await RawClient.connect(q.port);
    expect(await d.call('DBSIZE')).toBe(':2000\r\n');
    d.close();
    await kill(q);
  }, 60_000);

  it('defaults to appendonly yes in ./data (created); --appendonly no turns it off', async () => {
    const cwd = tempDir();
    const p = await run([], cwd);
    const c = await RawClient.connect(p.port);
    expect(await c.call('CONFIG', 'GET', 'appendonly')).toBe('*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n');
    await c.call('SET', 'a', '1');
    c.close();
    await kill(p);
    expect(readFileSync(path.join(cwd, 'data/appendonly.aof'), 'latin1')).toContain('$1\r\na\r\n');
    const q = await run(['--appendonly', 'no'], cwd);
    const d = await RawClient.connect(q.port);
    expect(await d.call('GET', 'a')).toBe('$-1\r\n');
    d.close();
    await kill(q);
  }, 60_000);

  it('a damaged log stops the start with the offset; check-aof --fix repairs it, then the server starts', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'appendonly.aof');
    const good = [encodeRecord(['SET', 'a', '1']), encodeRecord(['SET', 'b', '2']), encodeRecord(['SET', 'c', '3'])];
    writeFileSync(file, Buffer.from(good[0] + 'X' + good[1]!.slice(1) + good[2], 'latin1'));
    const port = await freePort();
    const failed = spawnSync(process.execPath, [launcher, '--port', String(port), '--appendonly', 'yes', '--dir', dir], { encoding: 'utf8', timeout: 30_000 });
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/Bad file format reading the append only file appendonly\.aof at offset 27 .*check-aof --fix/);
    const check = spawnSync(process.execPath, [launcher, 'check-aof', file], { encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('AOF appendonly.aof is not valid. Use the --fix option to try fixing it.');
    const fix = spawnSync(process.execPath, [launcher, 'check-aof', '--fix', file], { encoding: 'utf8' });
    expect(fix.status).toBe(0);
    expect(fix.stdout).toMatch(/Repaired AOF appendonly\.aof: 2 records kept, 1 dropped/);
    const p = await run(['--appendonly', 'yes', '--dir', dir]);
    const c = await RawClient.connect(p.port);
    expect(await c.call('MGET', 'a', 'b', 'c')).toBe('*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n');
    c.close();
    await kill(p);
  }, 60_000);
});
