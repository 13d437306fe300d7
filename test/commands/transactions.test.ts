import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSuite } from '../helpers/contract.js';
import { RawClient } from '../helpers/rawClient.js';
import { startHoldfast, type Holdfast } from '../helpers/servers.js';
import { bothServersSuite } from '../blocking/bothServers.js';
import { transactionsCommands } from '../../commands/transactions.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One connection's transaction flows, byte for byte against redis-server 7.0.
contractSuite('transactions: MULTI EXEC DISCARD', [
  {
    name: 'queued commands answer in the EXEC array, errors as elements',
    commands: [
      ['MULTI'], ['SET', 'k', 'v'], ['INCR', 'k'], ['GET', 'k'], ['RPUSH', 'l', 'a', 'b'], ['LPOP', 'l', '5'], ['LPOP', 'k'],
      ['EXEC'], ['GET', 'k'], ['EXISTS', 'l'],
    ],
  },
  {
    name: 'an empty transaction',
    commands: [['MULTI'], ['EXEC'], ['MULTI'], ['DISCARD'], ['EXEC'], ['DISCARD']],
  },
  {
    name: 'EXEC and DISCARD without MULTI, nested MULTI (not fatal)',
    commands: [['EXEC'], ['DISCARD'], ['MULTI'], ['MULTI'], ['SET', 'k', '1'], ['EXEC'], ['GET', 'k']],
  },
  {
    name: 'unknown commands and wrong arity while queuing: EXECABORT, nothing runs',
    commands: [
      ['MULTI'], ['SET', 'k', 'v'], ['NOSUCHCOMMAND', 'x'], ['SET', 'j', 'w'], ['EXEC'], ['EXISTS', 'k', 'j'], ['MULTI'], ['GET'],
      ['EXEC'], ['EXEC'],
    ],
  },
  {
    name: 'a syntax error found at EXEC time is only its element',
    commands: [['MULTI'], ['SET', 'k', 'v', 'XX', 'NX'], ['SET', 'k', 'v'], ['LPOS', 'l', 'a', 'RANK', '0'], ['EXEC'], ['GET', 'k']],
  },
  {
    name: 'DISCARD drops the queue',
    commands: [['MULTI'], ['SET', 'k', 'v'], ['DISCARD'], ['GET', 'k'], ['EXEC']],
  },
  {
    name: 'WATCH inside MULTI is an error that does not doom the transaction',
    commands: [['MULTI'], ['WATCH', 'k'], ['SET', 'k', 'v'], ['EXEC'], ['GET', 'k']],
  },
  {
    name: 'commands refused inside MULTI and arity of the transaction commands',
    commands: [
      ['MULTI', 'x'], ['EXEC', 'x'], ['DISCARD', 'x'], ['WATCH'], ['UNWATCH', 'x'], ['MULTI'], ['WATCH'], ['EXEC'],
    ],
  },
  {
    name: 'an EXEC refused by the dispatcher discards the transaction (EXECABORT because of ...)',
    commands: [['MULTI'], ['SET', 'k', 'v'], ['EXEC', 'x'], ['EXEC'], ['GET', 'k'], ['WATCH', 'k'], ['EXEC', 'x', 'y'], ['SET', 'k', 'w'], ['MULTI'], ['GET', 'k'], ['EXEC']],
  },
  {
    name: 'a subcommand named like a transaction command (SLOWLOG RESET, CONFIG RESETSTAT) is queued',
    commands: [['MULTI'], ['SLOWLOG', 'RESET'], ['LATENCY', 'RESET'], ['CONFIG', 'RESETSTAT'], ['EXEC']],
  },
  {
    name: 'UNWATCH, SELECT and PING inside MULTI are queued',
    commands: [['MULTI'], ['UNWATCH'], ['PING'], ['SELECT', '1'], ['SET', 'k', 'db1'], ['EXEC'], ['GET', 'k'], ['SELECT', '0'], ['GET', 'k']],
  },
  {
    name: 'RESP3: EXEC array, EXECABORT, a failed WATCH is a null',
    resp3: true,
    commands: [
      ['MULTI'], ['SET', 'k', '1'], ['INCRBYFLOAT', 'k', '0.5'], ['HSET', 'h', 'f', 'v'], ['HGETALL', 'h'], ['EXEC'], ['MULTI'], ['FOO'],
      ['EXEC'], ['WATCH', 'k'], ['SET', 'k', '2'], ['MULTI'], ['GET', 'k'], ['EXEC'],
    ],
  },
]);

contractSuite('transactions: WATCH on one connection', [
  {
    name: 'our own write to a watched key fails the EXEC',
    commands: [['SET', 'k', '1'], ['WATCH', 'k'], ['SET', 'k', '2'], ['MULTI'], ['GET', 'k'], ['EXEC'], ['GET', 'k']],
  },
  {
    name: 'UNWATCH forgets the keys and the dirty mark',
    commands: [['WATCH', 'k'], ['SET', 'k', '2'], ['UNWATCH'], ['MULTI'], ['GET', 'k'], ['EXEC']],
  },
  {
    name: 'EXEC and DISCARD unwatch',
    commands: [
      ['WATCH', 'k'], ['MULTI'], ['EXEC'], ['SET', 'k', 'x'], ['MULTI'], ['GET', 'k'], ['EXEC'], ['WATCH', 'k'], ['MULTI'], ['DISCARD'],
      ['SET', 'k', 'y'], ['MULTI'], ['GET', 'k'], ['EXEC'],
    ],
  },
  {
    name: 'writes that change nothing do not touch',
    commands: [
      ['RPUSH', 'l', 'a'], ['WATCH', 'l', 'missing'], ['LREM', 'l', '0', 'zz'], ['DEL', 'missing'], ['LPUSHX', 'missing', 'a'],
      ['LINSERT', 'l', 'BEFORE', 'zz', 'b'], ['LPOP', 'missing'], ['LPOP', 'l', '0'], ['MULTI'], ['LLEN', 'l'], ['EXEC'],
    ],
  },
  {
    name: 'list writes touch',
    commands: [
      ['RPUSH', 'l', 'a', 'b'], ['WATCH', 'l'], ['LSET', 'l', '0', 'x'], ['MULTI'], ['LLEN', 'l'], ['EXEC'], ['WATCH', 'l'],
      ['LTRIM', 'l', '0', '-1'], ['MULTI'], ['LLEN', 'l'], ['EXEC'], ['WATCH', 'l'], ['RPOPLPUSH', 'l', 'other'], ['MULTI'], ['LLEN', 'l'],
      ['EXEC'], ['WATCH', 'other'], ['LMOVE', 'l', 'other', 'LEFT', 'LEFT'], ['MULTI'], ['LLEN', 'other'], ['EXEC'],
    ],
  },
  {
    name: 'watching a key in another database',
    commands: [
      ['SELECT', '1'], ['WATCH', 'k'], ['SELECT', '0'], ['SET', 'k', 'db0'], ['MULTI'], ['PING'], ['EXEC'], ['SELECT', '1'], ['WATCH', 'k'],
      ['SELECT', '0'], ['WATCH', 'k'], ['SELECT', '1'], ['SET', 'k', 'db1'], ['SELECT', '0'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
  {
    name: 'FLUSHDB touches watched keys that exist, not missing ones',
    commands: [
      ['WATCH', 'missing'], ['SET', 'other', 'x'], ['FLUSHDB'], ['MULTI'], ['PING'], ['EXEC'], ['SET', 'k', 'v'], ['WATCH', 'k'],
      ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
  {
    name: 'SWAPDB touches watched keys present on either side',
    commands: [
      ['SELECT', '1'], ['SET', 'k', 'in1'], ['SELECT', '0'], ['WATCH', 'k'], ['SWAPDB', '0', '1'], ['MULTI'], ['GET', 'k'], ['EXEC'],
      ['WATCH', 'nowhere'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
  {
    name: 'RESET discards MULTI and the watches',
    commands: [['WATCH', 'k'], ['SET', 'k', 'v'], ['MULTI'], ['SET', 'j', 'w'], ['RESET'], ['EXEC'], ['MULTI'], ['GET', 'k'], ['EXEC'], ['EXISTS', 'j']],
  },
]);

contractSuite('transactions: COMMAND INFO and DOCS', [
  ...transactionsCommands.map((c) => ({ name: `COMMAND INFO ${c.name}`, commands: [['COMMAND', 'INFO', c.name]] })),
  ...transactionsCommands.map((c) => ({ name: `COMMAND DOCS ${c.name}`, commands: [['COMMAND', 'DOCS', c.name]] })),
]);

// Several connections: the same scenario on both servers, transcripts compared.
bothServersSuite('WATCH touched by other clients', {
  'another client writes the watched key': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('SET', 'k', '1');
    log(await a.call('WATCH', 'k'));
    log(await b.call('INCR', 'k'));
    log(await a.call('MULTI'));
    log(await a.call('SET', 'k', 'mine'));
    log(await a.call('EXEC'));
    log(await a.call('GET', 'k'));
  },
  'another client reads it: no touch': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('RPUSH', 'l', 'x');
    log(await a.call('WATCH', 'l'));
    log(await b.call('LRANGE', 'l', '0', '-1'));
    log(await b.call('LLEN', 'l'));
    log(await a.call('MULTI'));
    log(await a.call('LPOP', 'l'));
    log(await a.call('EXEC'));
  },
  'another client deletes it, or creates a missing one': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('SET', 'k', '1');
    log(await a.call('WATCH', 'k', 'missing'));
    log(await b.call('DEL', 'k'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    log(await a.call('EXEC'));
    log(await a.call('WATCH', 'missing'));
    log(await b.call('RPUSH', 'missing', 'now'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    log(await a.call('EXEC'));
  },
  'the watched key expires before EXEC (Redis 7)': async ({ connect, log }) => {
    const a = await connect();
    await a.call('SET', 'k', 'v', 'PX', '150');
    log(await a.call('WATCH', 'k'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    await sleep(300);
    log(await a.call('EXEC'));
  },
  'the watched key is deleted by active or lazy expiry': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('SET', 'k', 'v', 'PX', '150');
    log(await a.call('WATCH', 'k'));
    await sleep(300);
    log(await b.call('GET', 'k'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    log(await a.call('EXEC'));
  },
  'a key already expired when watched: its deletion is no change, a new value is': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await a.call('SET', 'k', 'v', 'PX', '10');
    await sleep(40);
    log(await a.call('WATCH', 'k'));
    log(await b.call('GET', 'k'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    log(await a.call('EXEC'));
    await a.call('SET', 'j', 'v', 'PX', '10');
    await sleep(40);
    log(await a.call('WATCH', 'j'));
    log(await b.call('SET', 'j', 'new'));
    log(await a.call('MULTI'));
    log(await a.call('PING'));
    log(await a.call('EXEC'));
    await a.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  },
  'FLUSHDB FLUSHALL SWAPDB from another client': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    await a.call('SET', 'k', '1');
    for (const cmd of [['FLUSHDB'], ['FLUSHALL'], ['SWAPDB', '0', '2']]) {
      await a.call('SET', 'k', '1');
      log(await a.call('WATCH', 'k'));
      log(await b.call(...cmd));
      log(await a.call('MULTI'));
      log(await a.call('GET', 'k'));
      log(await a.call('EXEC'));
    }
    // A flush of another database leaves our watch alone.
    await a.call('SET', 'k', '1');
    log(await a.call('WATCH', 'k'));
    log(await b.call('SELECT', '3'));
    log(await b.call('FLUSHDB'));
    log(await a.call('MULTI'));
    log(await a.call('GET', 'k'));
    log(await a.call('EXEC'));
  },
  'a transaction is atomic: another client sees all of it or nothing': async ({ connect, log }) => {
    const a = await connect();
    const b = await connect();
    log(await a.call('MULTI'));
    log(await a.call('RPUSH', 'l', '1'));
    log(await b.call('LLEN', 'l'));
    log(await a.call('RPUSH', 'l', '2'));
    log(await a.call('EXEC'));
    log(await b.call('LRANGE', 'l', '0', '-1'));
  },
  'keyspace events of a transaction reach a subscriber in order': async ({ connect, log }) => {
    const a = await connect();
    const sub = await connect();
    await a.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    log(await sub.call('PSUBSCRIBE', '__keyevent@0__:*'));
    log(await a.call('MULTI'));
    log(await a.call('RPUSH', 'l', 'a', 'b'));
    log(await a.call('LPOP', 'l'));
    log(await a.call('RPOPLPUSH', 'l', 'm'));
    log(await a.call('EXEC'));
    for (let i = 0; i < 5; i++) log(await sub.read());
    await a.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  },
});

describe('transactions on Holdfast only', () => {
  let h: Holdfast;
  beforeAll(async () => {
    h = await startHoldfast({ 'notify-keyspace-events': 'KEA' });
  });
  afterAll(async () => {
    await h.close();
  });

  // Redis 7.0 writes these pushes inside the EXEC array, which no RESP3 parser can read;
  // Redis 7.2 holds them until the reply is complete, and so does Holdfast.
  it('a RESP3 client subscribed to its own keyspace events gets them after the EXEC array', async () => {
    const c = await RawClient.connect(h.port);
    try {
      await c.call('HELLO', '3');
      expect(await c.call('SUBSCRIBE', '__keyevent@0__:rpush')).toBe('>3\r\n$9\r\nsubscribe\r\n$20\r\n__keyevent@0__:rpush\r\n:1\r\n');
      expect(await c.call('MULTI')).toBe('+OK\r\n');
      expect(await c.call('RPUSH', 'l', 'a')).toBe('+QUEUED\r\n');
      expect(await c.call('RPUSH', 'l', 'b')).toBe('+QUEUED\r\n');
      expect(await c.call('EXEC')).toBe('*2\r\n:1\r\n:2\r\n');
      const push = '>3\r\n$7\r\nmessage\r\n$20\r\n__keyevent@0__:rpush\r\n$1\r\nl\r\n';
      expect(await c.read()).toBe(push);
      expect(await c.read()).toBe(push);
      expect(await c.call('RPUSH', 'l', 'c')).toBe(':3\r\n');
      expect(await c.read()).toBe(push);
    } finally {
      c.close();
    }
  });

  it('commands of other clients never run between the commands of an EXEC', async () => {
    const a = await RawClient.connect(h.port);
    const b = await RawClient.connect(h.port);
    try {
      await a.call('DEL', 'counter');
      await a.call('MULTI');
      for (let i = 0; i < 200; i++) await a.call('INCR', 'counter');
      await a.call('GET', 'counter');
      // b's command and a's EXEC are written together; b sees the counter before or after all of it.
      b.write('*2\r\n$3\r\nGET\r\n$7\r\ncounter\r\n');
      const exec = a.call('EXEC');
      const seen = await b.read();
      expect(['$-1\r\n', '$3\r\n200\r\n']).toContain(seen);
      expect((await exec).endsWith('$3\r\n200\r\n')).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});
