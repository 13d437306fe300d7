import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp, type RespValue } from '../helpers/respDecode.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { Config, ConfigError } from '../../src/config.js';
import { Server } from '../../src/server.js';
import { allCommands } from '../../commands/index.js';
import { ACL_CATEGORIES } from '../../src/acl/categories.js';
import { hashPassword } from '../../src/acl/user.js';

function text(v: RespValue): string {
  return String(v.v);
}

/** A flat [k, v, k, v] array or a map as an object (ACL LOG entries, GETUSER). */
function record(v: RespValue): Record<string, RespValue> {
  const out: Record<string, RespValue> = {};
  if (v.t === 'map') for (const [k, x] of v.v) out[text(k)] = x;
  else if (v.t === 'array') for (let i = 0; i < v.v.length; i += 2) out[text(v.v[i]!)] = v.v[i + 1]!;
  return out;
}

describe('ACL behaviour (Holdfast)', () => {
  let h: Holdfast;
  let admin: RawClient;
  beforeAll(async () => {
    h = await startHoldfast();
    admin = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    admin.close();
    await h.close();
  });
  afterEach(async () => {
    await admin.call('CONFIG', 'SET', 'requirepass', '');
    const users = decodeResp(await admin.call('ACL', 'USERS')) as { v: RespValue[] };
    for (const u of users.v.map(text)) if (u !== 'default') await admin.call('ACL', 'DELUSER', u);
    await admin.call('ACL', 'LOG', 'RESET');
  });

  it('stores passwords as SHA-256 hashes, never in clear', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>s3cret', '+@all', '~*');
    const user = record(decodeResp(await admin.call('ACL', 'GETUSER', 'alice')));
    expect((user.passwords as { v: RespValue[] }).v.map(text)).toEqual([hashPassword('s3cret')]);
    // The hash redis-server 7.0 shows for the password 'pw'
    expect(hashPassword('pw')).toBe('30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4');
    const list = await admin.call('ACL', 'LIST');
    expect(list).not.toContain('s3cret');
    expect(list).toContain('#' + hashPassword('s3cret'));
  });

  it('logs failed AUTH without the password and counts denials by reason', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>right', '~cache:*', '+get');
    const c = await RawClient.connect(h.port);
    expect(await c.call('AUTH', 'alice', 'wrong-password')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 'alice', 'wrong-password')).toMatch(/^-WRONGPASS/);
    expect(await c.call('HELLO', '3', 'AUTH', 'nobody', 'pw')).toMatch(/^-WRONGPASS/);
    expect(await c.call('AUTH', 'alice', 'right')).toBe('+OK\r\n');
    expect(await c.call('GET', 'other')).toMatch(/^-NOPERM/);
    expect(await c.call('SET', 'cache:x', '1')).toMatch(/^-NOPERM/);
    const log = (decodeResp(await admin.call('ACL', 'LOG')) as { v: RespValue[] }).v.map(record);
    expect(log.map((e) => [text(e.reason!), text(e.context!), text(e.object!), text(e.username!), text(e.count!)])).toEqual([
      ['command', 'toplevel', 'set', 'alice', '1'],
      ['key', 'toplevel', 'other', 'alice', '1'],
      ['auth', 'toplevel', 'HELLO', 'nobody', '1'],
      ['auth', 'toplevel', 'AUTH', 'alice', '2'],
    ]);
    for (const e of log) {
      expect(text(e['client-info']!)).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ /);
      expect(Number(text(e['age-seconds']!))).toBeGreaterThanOrEqual(0);
    }
    expect(await admin.call('ACL', 'LOG')).not.toContain('wrong-password');
    expect(decodeResp(await admin.call('ACL', 'LOG', '1'))).toMatchObject({ t: 'array', v: [expect.anything()] });
    const info = await admin.call('INFO', 'stats');
    expect(info).toMatch(/acl_access_denied_auth:3\r\n/);
    expect(info).toMatch(/acl_access_denied_cmd:1\r\n/);
    expect(info).toMatch(/acl_access_denied_key:1\r\n/);
    expect(info).toMatch(/acl_access_denied_channel:0\r\n/);
    c.close();
  });

  it('keeps at most acllog-max-len entries', async () => {
    await admin.call('CONFIG', 'SET', 'acllog-max-len', '3');
    const c = await RawClient.connect(h.port);
    for (let i = 0; i < 6; i++) await c.call('AUTH', `user${i}`, 'x');
    expect((decodeResp(await admin.call('ACL', 'LOG', '100')) as { v: RespValue[] }).v).toHaveLength(3);
    await admin.call('CONFIG', 'SET', 'acllog-max-len', '128');
    c.close();
  });

  it('logs denials inside MULTI with the multi context', async () => {
    await admin.call('ACL', 'SETUSER', 'm', 'on', 'nopass', '~*', '+multi', '+exec', '+get');
    const c = await RawClient.connect(h.port);
    await c.call('AUTH', 'm', 'x');
    await c.call('MULTI');
    expect(await c.call('SET', 'k', 'v')).toMatch(/^-NOPERM/);
    const [entry] = (decodeResp(await admin.call('ACL', 'LOG', '1')) as { v: RespValue[] }).v.map(record);
    expect(text(entry!.context!)).toBe('multi');
    c.close();
  });

  it('ACL CAT lists every category, and each category holds what COMMAND LIST FILTERBY ACLCAT holds', async () => {
    const cats = (decodeResp(await admin.call('ACL', 'CAT')) as { v: RespValue[] }).v.map(text);
    expect(cats).toEqual([...ACL_CATEGORIES]);
    for (const cat of cats) {
      const inCat = (decodeResp(await admin.call('ACL', 'CAT', cat)) as { v: RespValue[] }).v.map(text).sort();
      const listed = (decodeResp(await admin.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', cat)) as { v: RespValue[] }).v.map(text).sort();
      expect(inCat, cat).toEqual(listed);
    }
    expect((decodeResp(await admin.call('ACL', 'CAT', 'sale')) as { v: RespValue[] }).v.map(text)).toContain('sale.create');
  });

  it('describes any rule sequence so that replaying the description gives the same permissions', async () => {
    const names = ['get', 'set', 'config|get', 'config', 'client|kill', 'select', 'publish', 'acl|whoami', 'flushall', 'info'];
    const rule = fc.oneof(
      fc.constantFrom(...ACL_CATEGORIES).chain((c) => fc.constantFrom(`+@${c}`, `-@${c}`)),
      fc.constantFrom(...names).chain((n) => fc.constantFrom(`+${n}`, `-${n}`)),
      fc.constantFrom('+@all', '-@all', 'allcommands', 'nocommands', '+select|3'),
    );
    const probes: string[][] = [['GET', 'k'], ['SET', 'k', 'v'], ['CONFIG', 'GET', 'x'], ['CONFIG', 'SET', 'a', 'b'], ['CLIENT', 'KILL', 'ID', '1'], ['CLIENT', 'ID'], ['SELECT', '3'], ['SELECT', '4'], ['PUBLISH', 'c', 'm'], ['ACL', 'WHOAMI'], ['FLUSHALL'], ['INFO'], ['SALE.INFO', 's'], ['HSET', 'h', 'f', 'v'], ['PING']];
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 12 }), async (rules) => {
        await admin.call('ACL', 'SETUSER', 'p1', 'reset', 'allkeys', 'allchannels', ...rules);
        const described = (decodeResp(await admin.call('ACL', 'LIST')) as { v: RespValue[] }).v.map(text).find((l) => l.startsWith('user p1 '))!;
        const replay = described.slice('user p1 '.length).split(' ');
        expect(await admin.call('ACL', 'SETUSER', 'p2', 'reset', ...replay)).toBe('+OK\r\n');
        const again = (decodeResp(await admin.call('ACL', 'LIST')) as { v: RespValue[] }).v.map(text).find((l) => l.startsWith('user p2 '))!;
        expect(again.slice('user p2 '.length)).toBe(described.slice('user p1 '.length));
        for (const p of probes) {
          const a = await admin.call('ACL', 'DRYRUN', 'p1', ...p);
          const b = await admin.call('ACL', 'DRYRUN', 'p2', ...p);
          expect(b.replace('p2', 'p1'), `${rules.join(' ')} / ${p.join(' ')}`).toBe(a);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('ACL DELUSER closes the connections authenticated as the user, the caller after its reply', async () => {
    await admin.call('ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '~*');
    const a = await RawClient.connect(h.port);
    const self = await RawClient.connect(h.port);
    await a.call('AUTH', 'gone', 'x');
    await self.call('AUTH', 'gone', 'x');
    expect(await self.call('ACL', 'DELUSER', 'gone')).toBe(':1\r\n');
    await a.waitClosed();
    await self.waitClosed();
  });

  it('works with ioredis and node-redis (RESP2 and RESP3) as a named user', async () => {
    await admin.call('ACL', 'SETUSER', 'app', 'on', '>apppw', '~app:*', '+@read', '+@write', '+@connection', '-@dangerous');
    const io = new Redis({ port: h.port, username: 'app', password: 'apppw', lazyConnect: true, maxRetriesPerRequest: 0 });
    await io.connect();
    expect(await io.set('app:1', 'v')).toBe('OK');
    expect(await io.get('app:1')).toBe('v');
    await expect(io.get('other')).rejects.toThrow(/NOPERM this user has no permissions to access one of the keys/);
    await expect(io.flushall()).rejects.toThrow(/NOPERM this user has no permissions to run the 'flushall' command/);
    io.disconnect();
    for (const RESP of [2, 3] as const) {
      const nr = createClient({ socket: { port: h.port }, username: 'app', password: 'apppw', RESP });
      await nr.connect();
      expect(await nr.get('app:1')).toBe('v');
      await expect(nr.sendCommand(['CONFIG', 'GET', 'port'])).rejects.toThrow(/NOPERM/);
      await nr.close();
    }
    const bad = createClient({ socket: { port: h.port, reconnectStrategy: false }, username: 'app', password: 'nope' });
    bad.on('error', () => {});
    await expect(bad.connect()).rejects.toThrow(/WRONGPASS/);
  });
});

describe('ACL file and configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'holdfast-acl-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (settings: Record<string, string>) => startHoldfast(settings);

  /** A server built from a Config with directives (what a config file's user/rename-command lines give). */
  async function startWith(lines: string): Promise<{ server: Server; port: number }> {
    const file = path.join(dir, `holdfast-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(file, lines);
    const config = new Config();
    config.applyArgs([file, '--port', '0', '--bind', '127.0.0.1']);
    const server = new Server(allCommands, { quiet: true, config });
    return { server, port: await server.listen() };
  }

  it('ACL SAVE writes the users, ACL LOAD reads them back and drops clients of replaced users', async () => {
    const aclfile = path.join(dir, 'users.acl');
    writeFileSync(aclfile, 'user default on nopass ~* &* +@all\n');
    const h = await start({ aclfile });
    const c = await RawClient.connect(h.port);
    expect(await c.call('ACL', 'SETUSER', 'bob', 'on', '>pw', '~b:*', '&ch', '+@read', '-@slow')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SAVE')).toBe('+OK\r\n');
    const saved = readFileSync(aclfile, 'latin1');
    const listed = (decodeResp(await c.call('ACL', 'LIST')) as { v: RespValue[] }).v.map(text);
    expect(saved).toBe(listed.join('\n') + '\n');
    expect(listed[0]).toMatch(new RegExp(`^user bob on #${hashPassword('pw')} ~b:\\* resetchannels &ch -@all \\+get `));
    expect(listed[1]).toBe('user default on nopass ~* &* +@all');
    const bob = await RawClient.connect(h.port);
    await bob.call('AUTH', 'bob', 'pw');
    writeFileSync(aclfile, saved + 'user carol on nopass ~* +get\n');
    expect(await c.call('ACL', 'LOAD')).toBe('+OK\r\n');
    await bob.waitClosed();
    expect(decodeResp(await c.call('ACL', 'USERS'))).toEqual({ t: 'array', v: ['bob', 'carol', 'default'].map((v) => ({ t: 'bulk', v })) });
    // A broken file changes nothing
    writeFileSync(aclfile, 'user dave on +nosuchcommand\nnot a user line\nuser default on nopass ~* &* +@all\n');
    const err = await c.call('ACL', 'LOAD');
    expect(err).toBe(
      `-ERR ${aclfile}:1: Unknown command or category name in ACL. ${aclfile}:2 should start with user keyword followed by the username. WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n`,
    );
    expect(await c.call('ACL', 'USERS')).toContain('carol');
    c.close();
    await h.close();
  });

  it('loads the aclfile at startup and refuses to start on errors or with user directives too', async () => {
    const aclfile = path.join(dir, 'start.acl');
    writeFileSync(aclfile, 'user default on >pw ~* &* +@all\nuser ro on >ro %R~* -@all +@read\n');
    const { server, port } = await startWith(`aclfile ${aclfile}\n`);
    const c = await RawClient.connect(port);
    expect(await c.call('GET', 'x')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'ro', 'ro')).toBe('+OK\r\n');
    expect(await c.call('SET', 'x', '1')).toMatch(/^-NOPERM/);
    c.close();
    await server.close();
    writeFileSync(aclfile, 'user x on +nosuch\n');
    await expect(startWith(`aclfile ${aclfile}\n`)).rejects.toThrow(/Aborting Redis startup because of ACL errors/);
    await expect(startWith(`aclfile ${aclfile}\nuser a on nopass\n`)).rejects.toThrow(ConfigError);
  });

  it('user directives in the config file create users; requirepass sets the default password', async () => {
    const { server, port } = await startWith('requirepass adminpw\nuser app on >apppw ~app:* +@all\nuser "app2" off\n');
    const c = await RawClient.connect(port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'app', 'apppw')).toBe('+OK\r\n');
    expect(await c.call('SET', 'app:1', 'v')).toBe('+OK\r\n');
    expect(await c.call('SET', 'other', 'v')).toMatch(/^-NOPERM/);
    expect(await c.call('AUTH', 'adminpw')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'WHOAMI')).toBe('$7\r\ndefault\r\n');
    expect(await c.call('ACL', 'USERS')).toContain('app2');
    c.close();
    await server.close();
    await expect(startWith('user bad on +nosuchcommand\n')).rejects.toThrow(/Error loading ACL rule '\+nosuchcommand'/);
  });

  it('CONFIG REWRITE writes the ACL users into the config file, as Redis does', async () => {
    const { server, port } = await startWith('# users\nuser app on >apppw ~app:* +@all\nport 0\n');
    const c = await RawClient.connect(port);
    expect(await c.call('ACL', 'SETUSER', 'bob', 'on', '>bobpw', '~b*', '+get')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SETUSER', 'app', '-@all', '+get')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'REWRITE')).toBe('+OK\r\n');
    const file = server.config.file!;
    const lines = readFileSync(file, 'latin1').split('\n');
    expect(lines.slice(0, 2)).toEqual(['# users', `user app on #${hashPassword('apppw')} ~app:* resetchannels -@all +get`]);
    expect(lines).toContain(`user bob on #${hashPassword('bobpw')} ~b* resetchannels -@all +get`);
    expect(lines).toContain('user default on nopass ~* &* +@all');
    c.close();
    await server.close();
    // The rewritten file starts a server with the same users
    const config = new Config();
    config.applyArgs([file, '--port', '0', '--bind', '127.0.0.1']);
    const again = new Server(allCommands, { quiet: true, config });
    const c2 = await RawClient.connect(await again.listen());
    expect(await c2.call('AUTH', 'bob', 'bobpw')).toBe('+OK\r\n');
    expect(await c2.call('SET', 'b1', 'x')).toMatch(/^-NOPERM/);
    c2.close();
    await again.close();
  });

  it('rename-command renames or disables a command; ACL rules still use the original name', async () => {
    const { server, port } = await startWith('rename-command CONFIG hf-config\nrename-command FLUSHALL ""\n');
    const c = await RawClient.connect(port);
    expect(await c.call('CONFIG', 'GET', 'port')).toMatch(/^-ERR unknown command 'CONFIG'/);
    expect(await c.call('FLUSHALL')).toMatch(/^-ERR unknown command 'FLUSHALL'/);
    expect(await c.call('HF-CONFIG', 'GET', 'databases')).toBe('*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n');
    expect(await c.call('hf-config', 'GET', 'databases')).toBe('*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n');
    expect(await c.call('ACL', 'SETUSER', 'u', 'on', 'nopass', '-@all', '+config|get')).toBe('+OK\r\n');
    expect(await c.call('AUTH', 'u', 'x')).toBe('+OK\r\n');
    expect(await c.call('HF-CONFIG', 'GET', 'databases')).toMatch(/^\*2/);
    expect(await c.call('HF-CONFIG', 'SET', 'timeout', '1')).toBe("-NOPERM this user has no permissions to run the 'config|set' command\r\n");
    c.close();
    await server.close();
    await expect(startWith('rename-command NOSUCH x\n')).rejects.toThrow('No such command in rename-command');
    await expect(startWith('rename-command GET set\n')).rejects.toThrow('Target command name already exists');
  });
});
