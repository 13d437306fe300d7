import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { allCommands } from '../../commands/index.js';
import type { ArgSpec, CommandSpec, KeySpec } from '../../src/dispatch/commandSpec.js';
import { CommandTable } from '../../src/dispatch/commandTable.js';

/**
 * The meta-test of every command declaration: what COMMAND, the dispatcher, ACL and
 * cluster routing read must be well formed, and every command must be exercised by a test.
 */

const FLAGS = new Set([
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'skip_monitor',
  'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys', 'no_async_loading', 'no_multi',
  'allow_busy', 'sentinel', 'only_sentinel',
]);
const GROUPS = new Set([
  'generic', 'string', 'list', 'set', 'sorted_set', 'hash', 'pubsub', 'transactions', 'connection', 'server', 'scripting',
  'hyperloglog', 'cluster', 'sentinel', 'geo', 'stream', 'bitmap', 'sale',
]);
const ACL_CATEGORIES = new Set([
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting', 'sale',
]);
const ARG_TYPES = new Set(['string', 'integer', 'double', 'key', 'pattern', 'unix-time', 'pure-token', 'oneof', 'block']);
const ACCESS_FLAGS = ['RO', 'RW', 'OW', 'RM'];
const TIP = /^(nondeterministic_output|nondeterministic_output_order|request_policy:(all_nodes|all_shards|multi_shard|special)|response_policy:(one_succeeded|all_succeeded|agg_logical_and|agg_logical_or|agg_min|agg_max|agg_sum|special))$/;
const VERSION = /^\d+\.\d+\.\d+$/;
/** Redis 7.0 documents no arguments for these although they take some. */
const UNDOCUMENTED_ARGUMENTS = new Set(['debug', 'command|getkeys', 'command|getkeysandflags']);

interface Entry {
  full: string;
  spec: CommandSpec;
  parent: CommandSpec | null;
}

const entries: Entry[] = allCommands.flatMap((spec) => [
  { full: spec.name, spec, parent: null },
  ...(spec.subcommands ?? []).map((sub) => ({ full: `${spec.name}|${sub.name}`, spec: sub, parent: spec })),
]);

function keyArgIndexes(args: readonly ArgSpec[] | undefined, out: number[] = []): number[] {
  for (const a of args ?? []) {
    if (a.type === 'key') out.push(a.keySpecIndex ?? -1);
    keyArgIndexes(a.arguments, out);
  }
  return out;
}

/** Problems with one argument tree, as readable strings (empty when fine). */
function argProblems(args: readonly ArgSpec[], where: string): string[] {
  const out: string[] = [];
  for (const a of args) {
    const at = `${where} > ${a.name || '(unnamed)'}`;
    if (!a.name) out.push(`${at}: no name`);
    if (!ARG_TYPES.has(a.type)) out.push(`${at}: unknown type ${a.type}`);
    const nested = a.type === 'oneof' || a.type === 'block';
    if (nested && (a.arguments ?? []).length === 0) out.push(`${at}: ${a.type} without arguments`);
    if (!nested && a.arguments !== undefined) out.push(`${at}: a ${a.type} cannot have nested arguments`);
    if (a.type === 'pure-token' && !a.token) out.push(`${at}: pure-token without token`);
    if (a.since !== undefined && !VERSION.test(a.since)) out.push(`${at}: since ${a.since}`);
    if (a.deprecatedSince !== undefined && !VERSION.test(a.deprecatedSince)) out.push(`${at}: deprecated_since ${a.deprecatedSince}`);
    if (a.type !== 'key' && a.keySpecIndex !== undefined) out.push(`${at}: key_spec_index on a ${a.type}`);
    if (nested) out.push(...argProblems(a.arguments ?? [], at));
  }
  return out;
}

function keySpecProblems(spec: CommandSpec, ks: KeySpec, i: number): string[] {
  const out: string[] = [];
  const at = `key spec #${i}`;
  const access = ks.flags.filter((f) => ACCESS_FLAGS.includes(f));
  if (!ks.flags.includes('NOT_KEY') && access.length !== 1) out.push(`${at}: needs exactly one of RO/RW/OW/RM, has ${access.join(',') || 'none'}`);
  if (new Set(ks.flags).size !== ks.flags.length) out.push(`${at}: duplicate flags`);
  const bs = ks.beginSearch;
  if ('index' in bs) {
    if (!Number.isInteger(bs.index) || bs.index < 1) out.push(`${at}: begin index ${bs.index} must be >= 1`);
    if (spec.arity > 0 && bs.index >= spec.arity) out.push(`${at}: begin index ${bs.index} beyond arity ${spec.arity}`);
  } else {
    if (!bs.keyword) out.push(`${at}: empty keyword`);
    if (!Number.isInteger(bs.startFrom) || bs.startFrom === 0) out.push(`${at}: keyword startFrom ${bs.startFrom}`);
  }
  const fk = ks.findKeys;
  if ('range' in fk) {
    const { lastKey, step, limit } = fk.range;
    if (!Number.isInteger(lastKey) || lastKey < -1 - 1000) out.push(`${at}: lastkey ${lastKey}`);
    if (!Number.isInteger(step) || step < 1) out.push(`${at}: keystep ${step}`);
    if (!Number.isInteger(limit) || limit < 0) out.push(`${at}: limit ${limit}`);
    if ('index' in bs && spec.arity > 0 && lastKey >= 0 && bs.index + lastKey >= spec.arity) {
      out.push(`${at}: last key at ${bs.index + lastKey} beyond arity ${spec.arity}`);
    }
  } else {
    const { keynumIdx, firstKey, step } = fk.keynum;
    if (!Number.isInteger(keynumIdx) || keynumIdx < 0) out.push(`${at}: keynumidx ${keynumIdx}`);
    if (!Number.isInteger(firstKey) || firstKey <= keynumIdx) out.push(`${at}: firstkey ${firstKey} must follow keynumidx ${keynumIdx}`);
    if (!Number.isInteger(step) || step < 1) out.push(`${at}: keystep ${step}`);
  }
  return out;
}

/** Every problem with one declaration (empty when it is well formed). */
export function declarationProblems(e: Entry): string[] {
  const { spec, parent } = e;
  const out: string[] = [];
  if (!/^[a-z][a-z0-9._-]*$/.test(spec.name)) out.push(`name '${spec.name}' must be lower case without spaces`);
  if (!Number.isInteger(spec.arity) || spec.arity === 0) out.push(`arity ${spec.arity} must be a non-zero integer`);
  if (parent !== null && Math.abs(spec.arity) < 2) out.push(`a subcommand's arity counts the container too: ${spec.arity}`);
  for (const f of spec.flags) if (!FLAGS.has(f)) out.push(`flag '${f}' is not one of Redis's (movablekeys is derived)`);
  if (new Set(spec.flags).size !== spec.flags.length) out.push('duplicate flags');
  if (spec.flags.includes('write') && spec.flags.includes('readonly')) out.push('both write and readonly');
  for (const a of spec.acl ?? []) if (!ACL_CATEGORIES.has(a.replace(/^-/, ''))) out.push(`unknown ACL category '${a}'`);
  for (const t of spec.tips ?? []) if (!TIP.test(t)) out.push(`unknown tip '${t}'`);
  if (!GROUPS.has(spec.group)) out.push(`unknown group '${spec.group}'`);
  if (parent !== null && spec.group !== parent.group) out.push(`group ${spec.group} differs from the container's ${parent.group}`);
  if (!spec.summary?.trim()) out.push('no summary');
  if (!VERSION.test(spec.since ?? '')) out.push(`since '${spec.since}' is not a version`);
  if (spec.complexity !== undefined && !spec.complexity.trim()) out.push('empty complexity');
  for (const [v, change] of spec.history ?? []) if (!VERSION.test(v) || !change) out.push(`history entry '${v}'`);
  if (spec.deprecatedSince !== undefined && !VERSION.test(spec.deprecatedSince)) out.push(`deprecated_since ${spec.deprecatedSince}`);
  const isContainer = spec.subcommands !== undefined;
  if (isContainer) {
    if (parent !== null) out.push('subcommands nest only one level');
    if (spec.subcommands!.length === 0) out.push('a container without subcommands');
    if (spec.handler === undefined && spec.arity !== -2) out.push(`a container without a handler needs arity -2, has ${spec.arity}`);
    const names = spec.subcommands!.map((s) => s.name);
    if (new Set(names).size !== names.length) out.push('duplicate subcommand names');
  } else if (typeof spec.handler !== 'function') {
    out.push('no handler');
  }
  // Arguments: documented when the command takes some (redis-cli builds its hints from them)
  const minArgs = Math.abs(spec.arity) - (parent === null ? 1 : 2);
  const args = spec.arguments ?? [];
  if (!isContainer && minArgs > 0 && args.length === 0 && !UNDOCUMENTED_ARGUMENTS.has(e.full)) out.push(`takes ${minArgs}+ arguments but documents none`);
  if (spec.arity === (parent === null ? 1 : 2) && args.length > 0) out.push('documents arguments it cannot take');
  out.push(...argProblems(args, e.full));
  // Key specs: indices within arity, referenced by key arguments that point back at them
  const specs = spec.keySpecs ?? [];
  specs.forEach((ks, i) => out.push(...keySpecProblems(spec, ks, i)));
  const refs = keyArgIndexes(args);
  for (const r of refs) if (!(r >= 0 && r < specs.length)) out.push(`a key argument points at key spec ${r}, there are ${specs.length}`);
  specs.forEach((ks, i) => {
    if (!refs.includes(i) && !ks.flags.includes('NOT_KEY') && !ks.flags.includes('INCOMPLETE')) out.push(`key spec #${i} has no key argument`);
  });
  return out;
}

describe('command declarations', () => {
  it('declares each command once, under unique names', () => {
    const names = allCommands.map((c) => c.name);
    const dups = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dups).toEqual([]);
    // The table is what the server builds: it must accept the list
    expect(new CommandTable(allCommands).size).toBe(allCommands.length);
  });

  it.each(entries.map((e) => [e.full, e] as const))('%s is well formed', (_name, e) => {
    expect(declarationProblems(e)).toEqual([]);
  });

  it('rejects malformed declarations (the checks can fail)', () => {
    const base: CommandSpec = { name: 'x', arity: 2, flags: ['readonly'], group: 'string', summary: 's', since: '1.0.0', handler: () => {} };
    const problems = (spec: Partial<CommandSpec>, parent: CommandSpec | null = null) =>
      declarationProblems({ full: 'x', spec: { ...base, ...spec } as CommandSpec, parent });
    expect(problems({})).toEqual(['takes 1+ arguments but documents none']);
    expect(problems({ arity: 0, arguments: [{ name: 'a', type: 'string' }] })).toContain('arity 0 must be a non-zero integer');
    expect(problems({ flags: ['write', 'readonly', 'bogus' as never], arguments: [{ name: 'k', type: 'string' }] })).toEqual([
      "flag 'bogus' is not one of Redis's (movablekeys is derived)",
      'both write and readonly',
    ]);
    expect(problems({ arity: 1, arguments: [{ name: 'a', type: 'string' }] })).toEqual(['documents arguments it cannot take']);
    expect(
      problems({
        arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
        keySpecs: [{ flags: ['RO'], beginSearch: { index: 2 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } }],
      }),
    ).toEqual(['key spec #0: begin index 2 beyond arity 2', 'key spec #0: last key at 2 beyond arity 2']);
    expect(
      problems({
        arguments: [{ name: 'key', type: 'key', keySpecIndex: 1 }],
        keySpecs: [{ flags: ['ACCESS'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } }],
      }),
    ).toEqual(['key spec #0: needs exactly one of RO/RW/OW/RM, has none', 'a key argument points at key spec 1, there are 1', 'key spec #0 has no key argument']);
    expect(problems({ summary: '', since: '7', group: 'nosuch' as never, arguments: [{ name: 'o', type: 'oneof' }] })).toEqual([
      "unknown group 'nosuch'",
      'no summary',
      "since '7' is not a version",
      'x > o: oneof without arguments',
    ]);
    expect(problems({ handler: undefined, arguments: [{ name: 'a', type: 'string' }] })).toEqual(['no handler']);
    expect(problems({ arity: -1 }, base)).toEqual(["a subcommand's arity counts the container too: -1"]);
  });
});

/** Test sources under test/, except this file and the shared helpers. */
function testSources(): { file: string; text: string }[] {
  const root = path.resolve(import.meta.dirname, '..');
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (d.name !== 'helpers' && d.name !== 'node_modules') walk(p);
      } else if (d.name.endsWith('.ts') && p !== import.meta.filename) {
        out.push({ file: path.relative(root, p), text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(root);
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 'GET', "get", `get`, or the start of a command line such as 'get k'. */
function quoted(name: string): RegExp {
  return new RegExp(`['"\`]${escape(name)}(['"\`]| [^\\n'"\`]*['"\`])`, 'i');
}

/** A subcommand right after its container: 'CLIENT', 'KILL' or 'client kill ...'. */
function quotedSub(parent: string, sub: string): RegExp {
  return new RegExp(`['"\`]${escape(parent)}(['"\`]\\s*,\\s*['"\`]| )${escape(sub)}['"\` ]`, 'i');
}

describe('every command is exercised by a test', () => {
  const sources = testSources();
  it('recognises how tests name commands, and only that', () => {
    expect(quoted('client').test(`c.call('CLIENT', 'KILL')`)).toBe(true);
    expect(quoted('get').test(`['get', 'k']`)).toBe(true);
    expect(quoted('get').test(`"GET k v"`)).toBe(true);
    expect(quoted('get').test(`'getex'`)).toBe(false);
    expect(quoted('set').test(`'reset'`)).toBe(false);
    expect(quotedSub('client', 'kill').test(`['CLIENT', 'KILL', 'ID', '1']`)).toBe(true);
    expect(quotedSub('client', 'kill').test(`'client kill 1.2.3.4:5'`)).toBe(true);
    expect(quotedSub('client', 'kill').test(`'CLIENT', 'LIST'; 'KILL'`)).toBe(false);
    expect(sources.filter((s) => quoted('nosuchcommand-zz').test(s.text))).toEqual([]);
  });
  it.each(entries.map((e) => [e.full, e] as const))('%s', (_name, e) => {
    const pattern = e.parent === null ? quoted(e.spec.name) : quotedSub(e.parent.name, e.spec.name);
    const files = sources.filter((s) => pattern.test(s.text));
    expect(files.map((f) => f.file), `no test under test/ names ${e.full.toUpperCase().replace('|', ' ')}`).not.toEqual([]);
  });
});
