import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import type { Client } from '../../src/network/client.js';

contractSuite('connection commands', [
  { name: 'PING forms', commands: [['PING'], ['PING', 'hello'], ['PING', ''], ['PING', 'a', 'b'], ['ping', 'x\r\ny']] },
  { name: 'PING in RESP3', resp3: true, commands: [['PING'], ['PING', 'm']] },
  { name: 'ECHO', commands: [['ECHO', 'hi'], ['ECHO', ''], ['ECHO', '\x00\xff'], ['ECHO'], ['ECHO', 'a', 'b']] },
  {
    name: 'SELECT errors and range',
    commands: [
      ['SELECT', '15'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'], ['SELECT', '1.5'],
      ['SELECT', '4294967296'], ['SELECT', '99999999999999999999'], ['SELECT'], ['SELECT', '0', '1'], ['SELECT', '0'],
    ],
  },
  {
    name: 'HELLO errors',
    commands: [
      ['HELLO', '4'], ['HELLO', '1'], ['HELLO', '-3'], ['HELLO', '0'], ['HELLO', 'foo'], ['HELLO', '3.0'],
      ['HELLO', '2', 'SETNAME', 'x', 'y'], ['HELLO', '3', 'AUTH'], ['HELLO', '3', 'AUTH', 'u'], ['HELLO', '3', 'SETNAME'],
      ['HELLO', '3', 'SETNAME', 'a b'], ['HELLO', '2', 'AUTH', 'nobody', 'pw'], ['HELLO', '2', 'FOO'],
    ],
  },
  {
    name: 'AUTH without a password configured',
    commands: [['AUTH', 'secret'], ['AUTH', 'default', 'anything'], ['AUTH', 'nobody', 'x'], ['AUTH', 'a', 'b', 'c'], ['AUTH']],
  },
  {
    name: 'CLIENT SETNAME and GETNAME',
    commands: [
      ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'], ['HELLO', '2', 'SETNAME', 'x', 'y'], ['CLIENT', 'GETNAME'],
      ['HELLO', '2', 'SETNAME', 'z', 'SETNAME', 'a b'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'worker-1'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'a\nb'], ['CLIENT', 'SETNAME', 'caf\xe9'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'a', 'b'], ['CLIENT', 'GETNAME', 'x'],
      ['HELLO', '2', 'SETNAME', 'bad name'],
    ],
  },
  {
    name: 'CLIENT argument errors',
    commands: [
      ['CLIENT'], ['CLIENT', 'NOSUCH'], ['CLIENT', 'ID', 'x'], ['CLIENT', 'INFO', 'x'],
      ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'id'], ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', '-1'], ['CLIENT', 'KILL', 'ID', 'x'], ['CLIENT', 'KILL', 'ID', '99999'], ['CLIENT', 'KILL', 'ID', '1', 'TYPE'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'], ['CLIENT', 'KILL', 'TYPE', 'master'], ['CLIENT', 'KILL', 'TYPE', 'replica'],
      ['CLIENT', 'KILL', 'TYPE', 'slave'], ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'], ['CLIENT', 'KILL', 'LADDR', '1.2.3.4:5'], ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'SKIPME', 'yes', 'ID', '99999'], ['CLIENT', 'KILL', 'a', 'b', 'c'], ['CLIENT', 'KILL', 'MAXAGE', '10'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'ID'], ['CLIENT', 'LIST', 'ID', 'abc'], ['CLIENT', 'LIST', 'ID', '99999'],
      ['CLIENT', 'LIST', 'foo'], ['CLIENT', 'LIST', 'TYPE'], ['CLIENT', 'LIST', 'TYPE', 'master'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'maybe'], ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'OFF'], ['CLIENT', 'NO-EVICT'], ['CLIENT', 'UNBLOCK'], ['CLIENT', 'UNBLOCK', 'abc'],
      ['CLIENT', 'UNBLOCK', '99999'], ['CLIENT', 'UNBLOCK', '99999', 'ERROR'], ['CLIENT', 'UNBLOCK', '1', 'foo'],
    ],
  },
  { name: 'CLIENT UNBLOCK with too many arguments', commands: [['CLIENT', 'UNBLOCK', '1', 'TIMEOUT', 'x']] },
  { name: 'RESET and QUIT arity', commands: [['RESET', 'x'], ['RESET']] },
]);

/** The server-side Client of a RawClient connection, found by its CLIENT ID. */
async function serverClient(h: Holdfast, c: RawClient): Promise<Client> {
  const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
  return h.server.clients.get(id)!;
}

function bulkText(raw: string): string {
  // $n / =n bulk or verbatim text, without the verbatim "txt:" prefix
  const body = raw.slice(raw.indexOf('\r\n') + 2, -2);
  return raw.startsWith('=') ? body.slice(4) : body;
}

describe('connection commands (behaviour)', () => {
  let h: Holdfast;
  const open: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.connect(h.port);
    open.push(c);
    return c;
  };
  beforeAll(async () => {
    h = await startHoldfast();
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    h.server.config.setText('requirepass', '');
  });
  afterAll(async () => {
    await h.close();
  });

  it('HELLO reports the connection in RESP2 and switches to RESP3', async () => {
    const c = await connect();
    const id = (await c.call('CLIENT', 'ID')).slice(1, -2);
    const two = await c.call('HELLO');
    expect(two).toBe(
      `*14\r\n$6\r\nserver\r\n$8\r\nholdfast\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:${id}\r\n` +
        `$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`,
    );
    const three = await c.call('HELLO', '3');
    expect(three.startsWith('%7\r\n')).toBe(true);
    expect(three).toContain('$5\r\nproto\r\n:3\r\n');
    // Later replies use RESP3 encodings: a null is '_'
    expect(await c.call('CLIENT', 'GETNAME')).toBe('_\r\n');
    expect(bulkText(await c.call('CLIENT', 'INFO'))).toMatch(/ resp=3 /);
    // HELLO without a version keeps the current protocol
    expect(await c.call('HELLO')).toContain(':3\r\n');
    await c.call('HELLO', '2');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
  });

  it('HELLO SETNAME names the connection', async () => {
    const c = await connect();
    await c.call('HELLO', '3', 'SETNAME', 'svc');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$3\r\nsvc\r\n');
    // Redis 7.0 applies options in order: the name sticks even though a later option is bad,
    // but the protocol switch (done last) does not happen
    expect(await c.call('HELLO', '2', 'SETNAME', 'other', 'junk')).toBe("-ERR Syntax error in HELLO option 'junk'\r\n");
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$5\r\nother\r\n');
    expect(bulkText(await c.call('CLIENT', 'INFO'))).toMatch(/ resp=3 /);
  });

  it('requirepass gates every command but AUTH, HELLO, QUIT and RESET behind NOAUTH', async () => {
    h.server.config.setText('requirepass', 's3cret');
    const c = await connect();
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('CLIENT', 'ID')).toBe('-NOAUTH Authentication required.\r\n');
    // Redis checks existence and arity first
    expect(await c.call('NOSUCHCMD')).toMatch(/^-ERR unknown command 'NOSUCHCMD'/);
    expect(await c.call('ECHO')).toBe("-ERR wrong number of arguments for 'echo' command\r\n");
    expect(await c.call('HELLO', '3')).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(await c.call('AUTH', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 'default', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 'admin', 's3cret')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 's3cret')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    // RESET logs the connection out again
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'default', 's3cret')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('HELLO AUTH authenticates and switches protocol in one step', async () => {
    h.server.config.setText('requirepass', 'pw');
    const c = await connect();
    expect(await c.call('HELLO', '3', 'AUTH', 'default', 'bad')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const ok = await c.call('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'n1');
    expect(ok.startsWith('%7\r\n')).toBe(true);
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$2\r\nn1\r\n');
  });

  it('clients connected before requirepass was set stay authenticated (as in Redis)', async () => {
    const before = await connect();
    h.server.config.setText('requirepass', 'pw');
    const after = await connect();
    expect(await before.call('PING')).toBe('+PONG\r\n');
    expect(await after.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    h.server.config.setText('requirepass', '');
    expect(await after.call('PING')).toBe('+PONG\r\n');
  });

  it('SELECT changes the database of this connection only', async () => {
    const a = await connect();
    const b = await connect();
    expect(await a.call('SELECT', '3')).toBe('+OK\r\n');
    expect(bulkText(await a.call('CLIENT', 'INFO'))).toMatch(/ db=3 /);
    expect(bulkText(await b.call('CLIENT', 'INFO'))).toMatch(/ db=0 /);
    expect((await serverClient(h, a)).db).toBe(h.server.keyspace.dbs[3]);
  });

  it('QUIT replies +OK, closes, and ignores what was pipelined after it', async () => {
    const c = await connect();
    c.write('*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n');
    expect(await c.read()).toBe('+OK\r\n');
    await c.waitClosed();
    await expect(c.read(200)).rejects.toThrow();
  });

  it('RESET restores a fresh connection state', async () => {
    const c = await connect();
    const sc = await serverClient(h, c);
    await c.call('HELLO', '3', 'SETNAME', 'x');
    await c.call('SELECT', '5');
    await c.call('CLIENT', 'NO-EVICT', 'on');
    await c.call('CLIENT', 'NO-TOUCH', 'on');
    await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib');
    h.server.broker.subscribe(sc, 'chan');
    h.server.broker.psubscribe(sc, 'p*');
    sc.multi = { queue: [], dirty: false };
    let resetHookSaw: Client | null = null;
    h.server.clientResetHooks.push((cl) => (resetHookSaw = cl));
    try {
      // RESET runs even inside MULTI (it is never queued)
      expect(await c.call('RESET')).toBe('+RESET\r\n');
    } finally {
      h.server.clientResetHooks.pop();
    }
    expect(resetHookSaw).toBe(sc);
    expect(sc.multi).toBeNull();
    expect(sc.subscriptionCount).toBe(0);
    expect(h.server.broker.channels.has('chan')).toBe(false);
    const info = bulkText(await c.call('CLIENT', 'INFO'));
    expect(info).toMatch(/ name= /);
    expect(info).toMatch(/ db=0 /);
    expect(info).toMatch(/ flags=N /);
    expect(info).toMatch(/ resp=2 /);
    // Redis keeps the library attributes across RESET
    expect(info).toMatch(/ lib-name=mylib /);
  });

  it('CLIENT REPLY OFF, ON and SKIP (a skipped reply is dropped whole, even a multi-part one)', async () => {
    const c = await connect();
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$6\r\nhidden\r\n');
    expect(await c.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
    expect(await c.call('ECHO', 'shown')).toBe('$5\r\nshown\r\n');
    // SKIP drops the next command's reply only; HELLO's reply is written in many pieces
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*1\r\n$5\r\nHELLO\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    // SKIP twice in a row skips the second SKIP and then the command after it
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n');
    expect(await c.call('ECHO', 'b')).toBe('$1\r\nb\r\n');
    // An error reply is skipped as well
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*1\r\n$4\r\nECHO\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('CLIENT LIST and CLIENT INFO use Redis field names and order', async () => {
    const c = await connect();
    await c.call('CLIENT', 'SETNAME', 'lister');
    await c.call('CLIENT', 'SETINFO', 'lib-ver', '1.2.3');
    const line = bulkText(await c.call('CLIENT', 'INFO'));
    expect(line.endsWith('\n')).toBe(true);
    const fields = line.trim().split(' ').map((f) => f.slice(0, f.indexOf('=')));
    expect(fields).toEqual([
      'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'qbuf-free',
      'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp',
      'lib-name', 'lib-ver',
    ]);
    expect(line).toMatch(/ name=lister /);
    expect(line).toMatch(/ cmd=client\|info /);
    expect(line).toMatch(/ lib-ver=1\.2\.3\n$/);
    expect(line).toMatch(new RegExp(`^id=\\d+ addr=127\\.0\\.0\\.1:${c.socket.localPort} laddr=127\\.0\\.0\\.1:${h.port} fd=\\d+ `));
    const other = await connect();
    await other.call('CLIENT', 'SETNAME', 'second');
    await other.call('PING');
    const list = bulkText(await c.call('CLIENT', 'LIST')).split('\n').filter(Boolean);
    expect(list.length).toBe(h.server.clients.size);
    expect(list.some((l) => / name=second .* cmd=ping /.test(l))).toBe(true);
    const mine = list.find((l) => l.includes(' name=lister '))!;
    expect(mine).toMatch(/ cmd=client\|list /);
    const otherId = (await other.call('CLIENT', 'ID')).slice(1, -2);
    const byId = bulkText(await c.call('CLIENT', 'LIST', 'ID', otherId, '999999')).split('\n').filter(Boolean);
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatch(/ name=second /);
    expect(bulkText(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toBe('');
    expect(bulkText(await c.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n').filter(Boolean).length).toBe(h.server.clients.size);
  });

  it('CLIENT LIST flags and counters follow the client state', async () => {
    const c = await connect();
    const sc = await serverClient(h, c);
    await c.call('HELLO', '3'); // RESP3 may run any command while subscribed
    h.server.broker.subscribe(sc, 'a');
    h.server.broker.psubscribe(sc, 'b*');
    await c.call('CLIENT', 'NO-EVICT', 'on');
    await c.call('CLIENT', 'NO-TOUCH', 'on');
    const raw = await c.call('CLIENT', 'INFO');
    const line = bulkText(raw);
    expect(line, raw).toMatch(/ flags=PeT /);
    expect(line).toMatch(/ sub=1 psub=1 ssub=0 /);
    const pubsubList = bulkText(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    expect(pubsubList.split('\n').filter(Boolean)).toHaveLength(1);
    sc.multi = { queue: [{ spec: h.server.table.lookup('ping')!, argv: ['PING', 'abc'] }], dirty: false };
    try {
      // Seen from another connection: this one would only get +QUEUED
      const observer = await connect();
      const inMulti = bulkText(await observer.call('CLIENT', 'LIST', 'ID', String(sc.id)));
      expect(inMulti).toMatch(/ flags=PxeT /);
      expect(inMulti).toMatch(/ multi=1 /);
      expect(inMulti).toMatch(/ multi-mem=7 /);
    } finally {
      sc.multi = null;
    }
  });

  it('CLIENT KILL closes other clients by every filter and reports how many', async () => {
    const killer = await connect();
    const a = await connect();
    const b = await connect();
    const aId = (await a.call('CLIENT', 'ID')).slice(1, -2);
    expect(await killer.call('CLIENT', 'KILL', 'ID', aId)).toBe(':1\r\n');
    await a.waitClosed();
    // Old form by address: +OK
    const bAddr = `127.0.0.1:${b.socket.localPort}`;
    expect(await killer.call('CLIENT', 'KILL', bAddr)).toBe('+OK\r\n');
    await b.waitClosed();
    const c = await connect();
    expect(await killer.call('CLIENT', 'KILL', 'ADDR', `127.0.0.1:${c.socket.localPort}`, 'TYPE', 'pubsub')).toBe(':0\r\n');
    expect(await killer.call('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${h.port}`, 'USER', 'default')).toBe(':1\r\n');
    await c.waitClosed();
    // SKIPME yes is the default: the caller survives
    expect(await killer.call('PING')).toBe('+PONG\r\n');
    // SKIPME no: the caller gets its reply, then is closed
    expect(await killer.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no')).toBe(':1\r\n');
    await killer.waitClosed();
  });

  it('CLIENT UNBLOCK cancels what a blocked client waits for, with the reason asked', async () => {
    const c = await connect();
    const target = await connect();
    const st = await serverClient(h, target);
    const reasons: string[] = [];
    st.blocked = true;
    st.blockedOn = { cancel: (r) => reasons.push(r) };
    try {
      expect(await c.call('CLIENT', 'UNBLOCK', String(st.id))).toBe(':1\r\n');
      expect(await c.call('CLIENT', 'UNBLOCK', String(st.id), 'error')).toBe(':1\r\n');
      expect(reasons).toEqual(['timeout', 'error']);
    } finally {
      st.blocked = false;
      st.blockedOn = null;
    }
    expect(await c.call('CLIENT', 'UNBLOCK', String(st.id))).toBe(':0\r\n');
  });

  it('CLIENT SETINFO validates like Redis 7.2 and shows in CLIENT INFO', async () => {
    const c = await connect();
    expect(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'redis-py')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-ver', '5.0')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a b')).toBe('-ERR lib-name cannot contain spaces, newlines or special characters.\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-foo', 'x')).toBe("-ERR Unrecognized option 'lib-foo'\r\n");
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name')).toBe("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    expect(bulkText(await c.call('CLIENT', 'INFO'))).toMatch(/ lib-name=redis-py lib-ver=5\.0\n$/);
  });

  it('CLIENT HELP lists the subcommands as status lines', async () => {
    const c = await connect();
    const help = await c.call('CLIENT', 'HELP');
    expect(help).toMatch(/^\*\d+\r\n\+CLIENT <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n/);
    for (const sub of ['GETNAME', 'ID', 'INFO', 'KILL', 'LIST', 'REPLY', 'SETNAME', 'SETINFO', 'UNBLOCK', 'NO-EVICT', 'NO-TOUCH', 'HELP']) {
      expect(help).toMatch(new RegExp(`\\r\\n\\+${sub}( |\\r)`));
    }
  });
});

describe('connection commands with real clients', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast({ requirepass: 'pw' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('ioredis (RESP3 by default) authenticates with HELLO, names itself and reports its library', async () => {
    const r = new Redis({ port: h.port, host: '127.0.0.1', password: 'pw', connectionName: 'io-conn', lazyConnect: true });
    try {
      await r.connect();
      expect(await r.ping()).toBe('PONG');
      expect(await r.client('GETNAME')).toBe('io-conn');
      const info = (await r.client('INFO')) as string;
      expect(info).toMatch(/ resp=3 /);
      expect(info).toMatch(/ lib-name=ioredis /);
      expect(await r.echo('x')).toBe('x');
    } finally {
      r.disconnect();
    }
  });

  it('ioredis with a wrong password reports WRONGPASS', async () => {
    const r = new Redis({ port: h.port, host: '127.0.0.1', password: 'nope', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const errors: string[] = [];
    r.on('error', (e: Error) => errors.push(e.message));
    try {
      // As with redis-server: the error event carries WRONGPASS, connect() reports the closed connection
      await expect(r.connect()).rejects.toThrow();
      await new Promise((res) => setTimeout(res, 50));
      expect(errors).toContain('WRONGPASS invalid username-password pair or user is disabled.');
    } finally {
      r.disconnect();
    }
  });

  it('node-redis RESP3 handshake: HELLO 3 AUTH SETNAME, then CLIENT SETINFO', async () => {
    const c = createClient({ socket: { port: h.port, host: '127.0.0.1' }, password: 'pw', name: 'nr', RESP: 3 });
    c.on('error', () => {});
    await c.connect();
    try {
      expect(await c.ping()).toBe('PONG');
      expect(await c.clientGetName()).toBe('nr');
      const hello = (await c.hello()) as unknown as Record<string, unknown>;
      expect(hello.proto).toBe(3);
      expect(hello.mode).toBe('standalone');
      expect(hello.version).toBe('7.0.15');
      const info = await c.clientInfo();
      expect(info.resp).toBe(3);
      expect(info.libName).toBe('node-redis');
      await c.select(2);
      expect((await c.clientInfo()).db).toBe(2);
    } finally {
      c.destroy();
    }
  });

  it('node-redis RESP2 with AUTH and a database', async () => {
    const c = createClient({ socket: { port: h.port, host: '127.0.0.1' }, password: 'pw', database: 4 });
    c.on('error', () => {});
    await c.connect();
    try {
      const info = await c.clientInfo();
      expect(info.db).toBe(4);
      expect(info.resp).toBe(2);
    } finally {
      c.destroy();
    }
  });
});
