import { describe, expect, it } from 'vitest';
import { CommandTable } from '../../src/dispatch/commandTable.js';
import { CommandStatsTable } from '../../src/dispatch/dispatcher.js';
import { allCommands } from '../../commands/index.js';

describe('command entries', () => {
  const table = new CommandTable(allCommands);

  it('carry the full name and the flags the dispatcher gates on, for commands and subcommands', () => {
    for (const spec of allCommands) {
      for (const s of [spec, ...(spec.subcommands ?? [])]) {
        const e = table.entryOf(s)!;
        expect(e.spec).toBe(s);
        expect(e.fullName).toBe(table.fullName(s));
        expect(e.noAuth).toBe(s.flags.includes('no_auth'));
        expect(e.allowedWhileLoading).toBe(s.flags.includes('loading'));
        expect(e.write).toBe(s.flags.includes('write'));
        expect(e.noMulti).toBe(s.flags.includes('no_multi'));
      }
    }
    expect(table.lookupEntry('CONFIG')!.subcommands!.get('get')!.fullName).toBe('config|get');
    expect(table.lookupEntry('get')).toBe(table.lookupEntry('GET'));
    expect(table.lookupEntry('gEt')!.spec.name).toBe('get');
    expect(table.lookupEntry('nosuch')).toBeUndefined();
    expect(table.lookupEntry('')).toBeUndefined();
    for (const name of ['GET', 'GET', 'set', 'GET', 'nosuch', 'get', 'Get']) expect(table.lookupEntry(name)?.spec.name, name).toBe(name === 'nosuch' ? undefined : name.toLowerCase());
  });

  it('have distinct indexes below entryCount', () => {
    const seen = new Set<number>();
    for (const spec of allCommands) for (const s of [spec, ...(spec.subcommands ?? [])]) seen.add(table.entryOf(s)!.index);
    expect(seen.size).toBe(table.entryCount);
    expect(Math.max(...seen)).toBe(table.entryCount - 1);
  });

  it('follow rename-command', () => {
    const t = new CommandTable(allCommands);
    const entry = t.lookupEntry('flushall')!; // also the last name looked up (its cache)
    t.rename(entry.spec, 'wipe');
    expect(t.lookupEntry('flushall')).toBeUndefined();
    expect(t.lookupEntry('WIPE')).toBe(entry);
    expect(entry.fullName).toBe('flushall');
  });
});

describe('CommandStatsTable', () => {
  const table = new CommandTable(allCommands);

  it('keeps one record per command, listed by full name from its first use', () => {
    const stats = new CommandStatsTable();
    const get = table.lookupEntry('get')!;
    const configGet = table.lookupEntry('config')!.subcommands!.get('get')!;
    const s = stats.forEntry(get);
    s.calls++;
    expect(stats.forEntry(get)).toBe(s);
    stats.forEntry(configGet).rejectedCalls++;
    expect([...stats.keys()]).toEqual(['get', 'config|get']);
    expect(stats.get('get')!.calls).toBe(1);
    expect(stats.get('config|get')!.rejectedCalls).toBe(1);
  });

  it('starts over after clear() (CONFIG RESETSTAT) and after a delete', () => {
    const stats = new CommandStatsTable();
    const get = table.lookupEntry('get')!;
    stats.forEntry(get).calls = 5;
    stats.clear();
    expect(stats.size).toBe(0);
    expect(stats.forEntry(get).calls).toBe(0);
    expect(stats.get('get')).toBe(stats.forEntry(get));
    stats.delete('get');
    expect(stats.forEntry(get).calls).toBe(0);
    expect(stats.has('get')).toBe(true);
  });
});
