import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';

/**
 * The shared flash-sale load generator and its correctness audit (shared/tools/salebench)
 * against Holdfast's native commands: conservation of lots, no lot sold twice, per-user
 * limits, idempotent CONFIRM, no purchase after cancel or expiry, no live hold left once
 * every deadline has passed. Short runs here; `npm run bench` runs the long ones.
 */

const repoRoot = path.resolve(import.meta.dirname, '../..');
const salebench = path.resolve(repoRoot, '../shared/tools/salebench/salebench.js');
const missing = !existsSync(salebench);
if (missing) console.warn(`salebench not found at ${salebench}: its audit runs are skipped`);

interface SalebenchResult {
  code: number | null;
  summary: {
    stop_reason: string;
    error: string | null;
    lots_sold: number;
    sales: number;
    audit: { ok: boolean | null; checks: Record<string, unknown>; violations: string[] };
  };
  output: string;
}

/** Runs salebench against `port` (asynchronously: the server runs in this very process). */
function runSalebench(port: number, args: string[]): Promise<SalebenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [salebench, '--port', String(port), '--mode', 'native', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let errOut = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (errOut += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ code, summary: JSON.parse(last), output: out + errOut });
      } catch {
        reject(new Error(`salebench printed no summary (exit ${code}):\n${out}\n${errOut}`));
      }
    });
  });
}

describe.skipIf(missing)('salebench audit against Holdfast (native mode)', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('one sale run until sold out, holds expiring along the way', async () => {
    const r = await runSalebench(h.port, ['--lots', '2000', '--hold', '1000', '--conns', '20', '--duration', '30']);
    expect(r.summary.audit.violations, r.output).toEqual([]);
    expect(r.summary.audit.ok, r.output).toBe(true);
    expect(r.summary.stop_reason).toBe('sold_out');
    expect(r.summary.lots_sold).toBe(2000);
    expect(r.code).toBe(0);
  }, 60_000);

  it('--recreate: fresh sales whenever one sells out, every one audited', async () => {
    const r = await runSalebench(h.port, ['--recreate', '--duration', '3', '--lots', '3000', '--hold', '1000']);
    expect(r.summary.audit.violations, r.output).toEqual([]);
    expect(r.summary.audit.ok, r.output).toBe(true);
    expect(r.summary.error).toBeNull();
    expect(r.summary.lots_sold).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    // salebench deletes its sales when done.
    expect(h.server.keyspace.dbs[0]!.size).toBe(0);
  }, 60_000);
});
