import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RawClient } from '../helpers/rawClient.js';
import { spawnHoldfast } from '../helpers/servers.js';
import { percentile } from './support.js';

const built = existsSync(path.resolve(import.meta.dirname, '../../dist/src/main.js'));
const IDLE = 10_000;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

function open(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * 10,000 idle connections, against the built server in its own process: each connection
 * costs a descriptor on both ends, and this machine's limit (20,000 per process) would not
 * hold both ends in one. The server keeps answering a probe and holds a bounded amount of
 * memory per idle connection.
 */
describe.skipIf(!built || !existsSync('/proc/self/status'))('10,000 idle connections', () => {
  it('are held with bounded memory while a probe is served; all of them are released', async () => {
    const s = await spawnHoldfast(['--appendonly', 'no', '--maxclients', String(IDLE + 100), '--save', '']);
    const sockets: net.Socket[] = [];
    try {
      const probe = await RawClient.connect(s.port);
      expect(await probe.call('PING')).toBe('+PONG\r\n');
      const pid = s.child.pid!;
      const before = rssBytes(pid);
      const latencies: number[] = [];
      for (let i = 0; i < IDLE; i += 500) {
        sockets.push(...(await Promise.all(Array.from({ length: Math.min(500, IDLE - i) }, () => open(s.port)))));
        const t0 = performance.now();
        expect(await probe.call('PING')).toBe('+PONG\r\n');
        latencies.push(performance.now() - t0);
      }
      for (const sock of sockets) sock.on('error', () => {});
      // Connected on our side once in the listen backlog: wait for the server to accept them all
      let accepted = 0;
      for (let i = 0; i < 400 && accepted < IDLE + 1; i++) {
        accepted = Number(/connected_clients:(\d+)/.exec(await probe.call('INFO', 'clients'))![1]);
        if (accepted < IDLE + 1) await new Promise((r) => setTimeout(r, 25));
      }
      expect(accepted).toBe(IDLE + 1);
      expect(await probe.call('INFO', 'stats')).toMatch(/rejected_connections:0\r\n/);
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        expect(await probe.call('SET', 'k', String(i))).toBe('+OK\r\n');
        latencies.push(performance.now() - t0);
      }
      const perConnection = (rssBytes(pid) - before) / IDLE;
      console.log(`10,000 idle connections: ${Math.round(perConnection)} bytes of RSS each, probe p99 ${percentile(latencies, 99).toFixed(2)} ms`);
      expect(perConnection).toBeLessThan(32 * 1024);
      for (const sock of sockets) sock.destroy();
      sockets.length = 0;
      let connected = '';
      for (let i = 0; i < 200; i++) {
        connected = /connected_clients:(\d+)/.exec(await probe.call('INFO', 'clients'))![1]!;
        if (connected === '1') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(connected).toBe('1');
      probe.close();
    } finally {
      for (const sock of sockets) sock.destroy();
      await s.close();
    }
  }, 120_000);
});
