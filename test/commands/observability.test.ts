import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp, type RespValue } from '../helpers/respDecode.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { SimulatedDisk } from '../persistence/simulatedDisk.js';
import { startOnDisk } from '../persistence/helpers.js';
import { LatencyHistogram, bucketOf, bucketUpper, octaveLabelMicros } from '../../src/observability/histogram.js';

contractSuite('SLOWLOG and LATENCY replies', [
  {
    name: 'SLOWLOG LEN, RESET, GET errors and HELP',
    commands: [
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'LEN'],
      ['SLOWLOG', 'GET'],
      ['SLOWLOG', 'GET', '0'],
      ['SLOWLOG', 'GET', '-1'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'GET', '1', '2'],
      ['SLOWLOG', 'NOSUCH'],
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'LEN', 'x'],
    ],
  },
  {
    name: 'an entry holds the command, truncated arguments and the client',
    commands: [
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['CLIENT', 'SETNAME', 'probe'],
      ['SET', 'k', 'x'.repeat(200)],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
    ],
  },
  {
    name: 'LATENCY with no events: LATEST, HISTORY, GRAPH, RESET, HISTOGRAM of unknown commands, DOCTOR',
    commands: [
      ['LATENCY', 'RESET'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'RESET', 'command', 'nosuch'],
      ['LATENCY', 'HISTOGRAM', 'nosuchcommand'],
      ['LATENCY', 'DOCTOR'],
      ['CONFIG', 'SET', 'latency-monitor-threshold', '100'],
      ['LATENCY', 'DOCTOR'],
      ['CONFIG', 'SET', 'latency-monitor-threshold', '0'],
      ['LATENCY', 'HELP'],
      ['LATENCY', 'NOSUCH'],
      ['LATENCY', 'HISTORY'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 101'],
      ['CONFIG', 'GET', 'slowlog-*'],
    ],
    unordered: [15],
  },
]);

describe('SLOWLOG and LATENCY (Holdfast)', () => {
  let h: Holdfast;
  let c: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });

  it('records slow commands with Redis truncation and redacts passwords', async () => {
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('CLIENT', 'SETNAME', 'probe');
    await c.call('SET', 'k', 'x'.repeat(200));
    await c.call('AUTH', 'default', 'secret-password');
    await c.call('CONFIG', 'SET', 'requirepass', 'hunter2');
    await c.call('CONFIG', 'SET', 'requirepass', '');
    await c.call('DEL', ...Array.from({ length: 40 }, (_, i) => `key${i}`));
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    const entries = (decodeResp(await c.call('SLOWLOG', 'GET', '-1')) as { v: RespValue[] }).v.map((e) => (e as { v: RespValue[] }).v);
    const args = entries.map((e) => (e[3] as { v: RespValue[] }).v.map((a) => a.v as string));
    const del = args.find((a) => a[0] === 'DEL')!;
    expect(del).toHaveLength(32);
    expect(del[31]).toBe('... (10 more arguments)');
    const set = args.find((a) => a[0] === 'SET')!;
    expect(set[2]).toBe(`${'x'.repeat(128)}... (72 more bytes)`);
    expect(args.find((a) => a[0] === 'AUTH')).toEqual(['AUTH', '(redacted)', '(redacted)']);
    expect(args.filter((a) => a[0] === 'CONFIG' && a[2] === 'requirepass').map((a) => a[3])).toEqual(['(redacted)', '(redacted)']);
    expect(await c.call('SLOWLOG', 'GET', '-1')).not.toContain('hunter2');
    const first = entries[entries.length - 1]!;
    expect(first[4]!.v).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(entries[0]![5]!.v).toBe('probe');
    // ids grow, newest first
    const ids = entries.map((e) => Number(e[0]!.v));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    await c.call('CONFIG', 'SET', 'slowlog-max-len', '2');
    expect(await c.call('SLOWLOG', 'LEN')).toBe(':2\r\n');
    await c.call('CONFIG', 'SET', 'slowlog-max-len', '128');
  });

  it('the latency monitor records spikes above latency-monitor-threshold (DEBUG SLEEP)', async () => {
    await c.call('LATENCY', 'RESET');
    await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '20');
    await c.call('DEBUG', 'SLEEP', '0.03');
    await c.call('PING');
    const latest = decodeResp(await c.call('LATENCY', 'LATEST')) as { v: { v: RespValue[] }[] };
    expect(latest.v).toHaveLength(1);
    const [name, , last, max] = latest.v[0]!.v;
    expect(name!.v).toBe('command');
    expect(Number(last!.v)).toBeGreaterThanOrEqual(20);
    expect(Number(max!.v)).toBe(Number(last!.v));
    const history = decodeResp(await c.call('LATENCY', 'HISTORY', 'command')) as { v: { v: RespValue[] }[] };
    expect(history.v).toHaveLength(1);
    const graph = decodeResp(await c.call('LATENCY', 'GRAPH', 'command'));
    expect(graph.v).toMatch(/^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
    expect(decodeResp(await c.call('LATENCY', 'DOCTOR')).v).toMatch(/1\. command: 1 latency spikes/);
    expect(await c.call('LATENCY', 'RESET')).toBe(':1\r\n');
    await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '0');
  });

  it('LATENCY HISTOGRAM and INFO latencystats come from per-command histograms', async () => {
    for (let i = 0; i < 20; i++) await c.call('SET', 'h', 'v');
    await c.call('CONFIG', 'GET', 'port');
    const reply = decodeResp(await c.call('LATENCY', 'HISTOGRAM', 'set', 'config', 'nosuch'));
    const map = new Map((reply as { v: RespValue[] }).v.reduce<[string, RespValue][]>((acc, v, i, all) => (i % 2 === 0 ? [...acc, [v.v as string, all[i + 1]!]] : acc), []));
    expect([...map.keys()].sort()).toEqual(['config|get', 'config|set', 'set']);
    const set = (map.get('set') as { v: RespValue[] }).v;
    expect(set[0]!.v).toBe('calls');
    const calls = Number(set[1]!.v);
    expect(calls).toBeGreaterThanOrEqual(20);
    const buckets = (set[3] as { v: RespValue[] }).v.map((x) => Number(x.v));
    // [label, cumulative] pairs, cumulative counts growing up to the call count
    expect(buckets[buckets.length - 1]).toBe(calls);
    const info = decodeResp(await c.call('INFO', 'latencystats')).v as string;
    expect(info).toMatch(/^# Latencystats\r\n/);
    expect(info).toMatch(/latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    expect(decodeResp(await c.call('INFO')).v).not.toContain('Latencystats');
  });

  it('histogram buckets: log-linear, Redis HDR labels, percentiles from bucket bounds', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10, 11].map(octaveLabelMicros)).toEqual([1, 2, 4, 8, 16, 33, 66, 1056, 2113]);
    for (const ns of [0, 1, 500, 1023, 1024, 1500, 2047, 2048, 1e6, 3.3e9]) {
      const b = bucketOf(ns);
      expect(bucketUpper(b)).toBeGreaterThan(ns);
      if (b > 0) expect(bucketUpper(b - 1)).toBeLessThanOrEqual(ns);
    }
    const hist = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) hist.record(i * 1000);
    expect(hist.calls).toBe(100);
    const p50 = hist.percentile(50) / 1000;
    expect(p50).toBeGreaterThanOrEqual(50);
    expect(p50).toBeLessThan(50 * 1.07);
    expect(hist.percentile(100) / 1000).toBeGreaterThanOrEqual(100);
    // values below 1024·2^6 ns = 65.5 µs
    expect(hist.cumulativeToOctave(6)).toBe(65);
  });
});

describe('LATENCY events of the server itself', () => {
  it('aof-write: a write to the log slower than latency-monitor-threshold is an event, with DOCTOR advice', async () => {
    // A disk whose writes take 15 ms: the log's write to the kernel is timed, not the command.
    class SlowDisk extends SimulatedDisk {
      override writeSync(fd: number, data: Buffer, position: number): void {
        const until = performance.now() + 15;
        while (performance.now() < until);
        super.writeSync(fd, data, position);
      }
    }
    const disk = new SlowDisk();
    const holdfast = await startOnDisk(disk, { 'latency-monitor-threshold': '10' });
    const c = await RawClient.connect(holdfast.port);
    try {
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      const latest = decodeResp(await c.call('LATENCY', 'LATEST')) as { v: { v: RespValue[] }[] };
      const names = latest.v.map((e) => e.v[0]!.v);
      expect(names).toContain('aof-write');
      expect(names).not.toContain('command');
      const event = latest.v.find((e) => e.v[0]!.v === 'aof-write')!.v;
      expect(Number(event[2]!.v)).toBeGreaterThanOrEqual(15);
      expect(decodeResp(await c.call('LATENCY', 'DOCTOR')).v).toMatch(/aof-write: 1 latency spikes[\s\S]*append only file are slow/);
      // Off again: nothing more is recorded.
      await c.call('LATENCY', 'RESET');
      await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '0');
      await c.call('SET', 'k', 'w');
      expect(await c.call('LATENCY', 'LATEST')).toBe('*0\r\n');
    } finally {
      c.close();
      await holdfast.close();
    }
  });
});
