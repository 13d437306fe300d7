import { afterEach } from 'vitest';
import { RecordReader } from '../../src/persistence/records.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { SimulatedDisk } from './simulatedDisk.js';

export const SIM_DIR = '/sim';
export const SIM_LOG = '/sim/appendonly.aof';

/** An in-process Holdfast persisting to `disk` (appendonly yes unless settings say otherwise). */
export function startOnDisk(disk: SimulatedDisk, settings: Record<string, string> = {}): Promise<Holdfast> {
  return startHoldfast({ appendonly: 'yes', dir: SIM_DIR, ...settings }, { fileSystem: disk });
}

/**
 * The servers (on simulated disks) and connections a test file opens, all closed after
 * each test. Call once at the top of the file.
 */
export function serverPool(): {
  start: (disk: SimulatedDisk, settings?: Record<string, string>) => Promise<Holdfast>;
  connect: (h: Holdfast) => Promise<RawClient>;
} {
  let servers: Holdfast[] = [];
  let clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients) c.close();
    for (const h of servers) await h.close().catch(() => {});
    servers = [];
    clients = [];
  });
  return {
    async start(disk, settings = {}) {
      const h = await startOnDisk(disk, settings);
      servers.push(h);
      return h;
    },
    async connect(h) {
      const c = await RawClient.connect(h.port);
      clients.push(c);
      return c;
    },
  };
}

/** Every record of a log's bytes. */
export function records(bytes: Buffer): string[][] {
  const reader = new RecordReader();
  reader.feed(bytes);
  const out: string[][] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
  return out;
}

/** Resolves once `check` holds, polling (for effects that land on a later loop turn). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * A crash of the machine: the disk loses what was not synced, then the old server is
 * dropped (its file handles are gone, so nothing it does afterwards reaches the disk).
 */
export async function powerCut(disk: SimulatedDisk, h: Holdfast): Promise<void> {
  disk.powerCut();
  await h.close().catch(() => {});
}

export { SimulatedDisk };
