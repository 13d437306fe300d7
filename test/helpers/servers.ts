import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Config } from '../../src/config.js';
import { Server, type ServerOptions } from '../../src/server.js';
import { allCommands } from '../../commands/index.js';
import { RawClient } from './rawClient.js';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export interface Holdfast extends RunningServer {
  server: Server;
}

/** Starts Holdfast in this process on a free loopback port. `settings` are config names. */
export async function startHoldfast(settings: Record<string, string> = {}, options: ServerOptions = {}): Promise<Holdfast> {
  const config = new Config();
  config.setText('port', '0', true);
  config.setText('bind', '127.0.0.1', true);
  for (const [k, v] of Object.entries(settings)) config.setText(k, v, true);
  const server = new Server(allCommands, { quiet: true, ...options, config });
  const port = await server.listen();
  return { server, port, close: () => server.close() };
}

/** Whether an executable is on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A free loopback port (the OS picks; a race is possible but unlikely in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      const c = await RawClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong.startsWith('+PONG')) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`nothing answered on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a real redis-server (the reference) on a free port; null when it is not installed. */
export async function startRedis(args: string[] = []): Promise<RunningServer | null> {
  if (!hasBinary('redis-server')) return null;
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-ref-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], {
    stdio: 'ignore',
  });
  await waitForPort(port, child);
  return {
    port,
    close: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the built Holdfast CLI (`node bin/holdfast.js`) as its own process. */
export async function spawnHoldfast(args: string[] = []): Promise<RunningServer & { child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, '../..');
  let output = '';
  // The CLI persists to ./data by default; tests ask for it explicitly (later flags win).
  const child = spawn(process.execPath, [path.join(root, 'bin/holdfast.js'), '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'no', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitForPort(port, child);
  return {
    port,
    child,
    output: () => output,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

export const redisMissing = !hasBinary('redis-server');
if (redisMissing) console.warn('redis-server is not installed: tests against the reference server are skipped (CI installs it)');
