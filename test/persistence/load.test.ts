import { describe, expect, it } from 'vitest';
import { Config } from '../../src/config.js';
import { Server } from '../../src/server.js';
import { allCommands } from '../../commands/index.js';
import { encodeRecord } from '../../src/persistence/records.js';
import { RawClient } from '../helpers/rawClient.js';
import type { Holdfast } from '../helpers/servers.js';
import { SIM_LOG, SimulatedDisk, startOnDisk, serverPool } from './helpers.js';

const { start } = serverPool();

const log = (...argvs: string[][]): string => argvs.map(encodeRecord).join('');

function diskWith(text: string): SimulatedDisk {
  const disk = new SimulatedDisk();
  disk.install(SIM_LOG, Buffer.from(text, 'latin1'));
  return disk;
}

describe('loading the log at start', () => {
  it('a last record cut at any byte is dropped (aof-load-truncated yes) and the file is cut back to the valid part', async () => {
    const head = log(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2']);
    const last = encodeRecord(['SET', 'c', 'three']);
    for (let cut = 1; cut < last.length; cut++) {
      const disk = diskWith(head + last.slice(0, cut));
      const h = await start(disk);
      const db = h.server.keyspace.dbs[0]!;
      expect([db.get('a'), db.get('b'), db.get('c')], `cut at ${cut}`).toEqual(['1', '2', undefined]);
      expect(disk.contents(SIM_LOG).toString('latin1')).toBe(head);
      // New records follow the valid part.
      const c = await RawClient.connect(h.port);
      await c.call('SET', 'd', '4');
      c.close();
      await h.close();
      const again = await start(disk);
      expect(again.server.keyspace.dbs[0]!.get('d')).toBe('4');
    }
  });

  it('aof-load-truncated no: a cut log stops the start with a clear message', async () => {
    const disk = diskWith(log(['SET', 'a', '1']) + '*3\r\n$3\r\nSET');
    await expect(startOnDisk(disk, { 'aof-load-truncated': 'no' })).rejects.toThrow(
      /Unexpected end of file reading the append only file appendonly\.aof \(short read at offset 27\)/,
    );
  });

  it('a MULTI/EXEC block cut anywhere replays all or nothing', async () => {
    const head = log(['SET', 'a', '1']);
    const block = log(['MULTI'], ['SET', 'x', '1'], ['SET', 'y', '2'], ['EXEC']);
    for (let cut = 1; cut <= block.length; cut++) {
      const disk = diskWith(head + block.slice(0, cut));
      const h = await start(disk);
      const db = h.server.keyspace.dbs[0]!;
      const whole = cut === block.length;
      expect([db.get('x'), db.get('y')], `cut at ${cut}`).toEqual(whole ? ['1', '2'] : [undefined, undefined]);
      expect(db.get('a')).toBe('1');
      expect(disk.contents(SIM_LOG).length).toBe(whole ? head.length + block.length : head.length);
      await h.close();
    }
  });

  it('a log that ends in zero bytes (a write the disk never finished) loads as a cut log', async () => {
    const disk = diskWith(log(['SET', 'a', '1']) + '\0'.repeat(4096));
    const h = await start(disk);
    expect(h.server.keyspace.dbs[0]!.get('a')).toBe('1');
  });

  it('damage in the middle stops the start, naming the offset; check-aof is suggested', async () => {
    const a = encodeRecord(['SET', 'a', '1']);
    const b = encodeRecord(['SET', 'b', '2']);
    const c = encodeRecord(['SET', 'c', '3']);
    // Each framing byte of the middle record, replaced by a byte that cannot stand there.
    const framing = [...b].map((ch, i) => [ch, i] as const).filter(([ch]) => '*$\r\n'.includes(ch));
    for (const [, i] of framing) {
      const text = a + b.slice(0, i) + 'X' + b.slice(i + 1) + c;
      const err = await startOnDisk(diskWith(text)).then(
        (h) => (servers.push(h), null),
        (e: Error) => e,
      );
      expect(err, `byte ${i}`).not.toBeNull();
      const m = /Bad file format reading the append only file appendonly\.aof at offset (\d+) .*check-aof --fix/.exec(err!.message);
      expect(m, err!.message).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(a.length);
      expect(Number(m![1])).toBeLessThanOrEqual(a.length + i);
    }
  });

  it('an unknown command stops the start', async () => {
    await expect(startOnDisk(diskWith(log(['SET', 'a', '1'], ['NOSUCHCMD', 'x'])))).rejects.toThrow(/Unknown command 'NOSUCHCMD' reading the append only file/);
  });

  it('nothing expires while loading; deadlines passed during the downtime fire right after, with their events', async () => {
    const past = Date.now() - 60_000;
    const future = Date.now() + 3_600_000;
    const disk = diskWith(
      log(
        ['SET', 'gone', '1'], ['PEXPIREAT', 'gone', String(past)],
        // A write after the deadline was logged when the key was still alive: it applies to the old key.
        ['SET', 'kept', '1'], ['PEXPIREAT', 'kept', String(future)],
        ['SADD', 's', 'a'], ['PEXPIREAT', 's', String(past)], ['SADD', 's', 'b'],
      ),
    );
    const h = await start(disk);
    const db = h.server.keyspace.dbs[0]!;
    const c = await RawClient.connect(h.port);
    expect(await c.call('EXISTS', 'gone', 's')).toBe(':0\r\n');
    expect(db.getExpire('kept')).toBe(future);
    c.close();
  });

  it('answers -LOADING while the log loads (in slices), with loading:1 and progress in INFO', async () => {
    const disk = new SimulatedDisk();
    let text = '';
    const parts: string[] = [];
    for (let i = 0; i < 150_000; i++) parts.push(encodeRecord(['SET', `key:${i}`, 'v'.repeat(20)]));
    text = parts.join('');
    disk.install(SIM_LOG, Buffer.from(text, 'latin1'));
    const config = new Config();
    for (const [k, v] of Object.entries({ port: '0', bind: '127.0.0.1', appendonly: 'yes', dir: '/sim' })) config.setText(k, v, true);
    const server = new Server(allCommands, { config, quiet: true, fileSystem: disk });
    const listening = server.listen();
    while (server.port === 0) await new Promise((r) => setTimeout(r, 1));
    const c = await RawClient.connect(server.port);
    expect(await c.call('GET', 'key:1')).toBe('-LOADING Holdfast is loading the dataset in memory\r\n');
    const info = await c.call('INFO', 'persistence');
    expect(info).toContain('loading:1\r\n');
    expect(info).toMatch(/loading_total_bytes:\d+\r\n/);
    expect(info).toMatch(/loading_loaded_perc:\d+\.\d\d\r\n/);
    await listening;
    expect(await c.call('GET', 'key:149999')).toBe(`$20\r\n${'v'.repeat(20)}\r\n`);
    expect(await c.call('INFO', 'persistence')).toContain('loading:0\r\n');
    expect(await c.call('DBSIZE')).toBe(':150000\r\n');
    c.close();
    await server.close();
  });
});
