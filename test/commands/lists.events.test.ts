import { bothServersSuite, type Scenario } from '../blocking/bothServers.js';

/**
 * Keyspace notifications of the list commands, as a subscriber to every keyspace and
 * keyevent channel sees them, on Holdfast and on redis-server: the same events, in the
 * same order. Each scenario ends with a marker message so the whole stream is compared.
 */
function events(commands: string[][]): Scenario {
  return async ({ connect, log }) => {
    const c = await connect();
    const sub = await connect();
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    try {
      log(await sub.call('PSUBSCRIBE', '*'));
      for (const cmd of commands) log(`${cmd.join(' ')} -> ${await c.call(...cmd)}`);
      await c.call('PUBLISH', 'end', 'end');
      for (;;) {
        const msg = await sub.read();
        if (msg.includes('$3\r\nend\r\n$3\r\nend\r\n')) break;
        log(msg);
      }
    } finally {
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  };
}

bothServersSuite('list keyspace events', {
  'pushes: one event per command, none when nothing is pushed': events([
    ['LPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['LPUSHX', 'l', 'd'], ['RPUSHX', 'l', 'e', 'f'], ['LPUSHX', 'nokey', 'x'], ['RPUSHX', 'nokey', 'x'],
  ]),
  'pops, with and without count, and the del of an emptied list': events([
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'], ['LPOP', 'l'], ['RPOP', 'l', '1'], ['LPOP', 'l', '0'], ['LPOP', 'nokey'], ['RPOP', 'l', '5'],
  ]),
  'LINSERT LSET LREM LTRIM': events([
    ['RPUSH', 'l', 'a', 'b', 'a', 'c'], ['LINSERT', 'l', 'BEFORE', 'b', 'x'], ['LINSERT', 'l', 'AFTER', 'zz', 'y'], ['LSET', 'l', '0', 'z'],
    ['LREM', 'l', '0', 'a'], ['LREM', 'l', '0', 'nothing'], ['LTRIM', 'l', '0', '-1'], ['LTRIM', 'l', '1', '1'], ['LREM', 'l', '1', 'b'],
    ['RPUSH', 'm', 'x'], ['LTRIM', 'm', '1', '0'], ['LTRIM', 'nokey', '0', '1'],
  ]),
  'LMOVE RPOPLPUSH: the push before the pop, then the del': events([
    ['RPUSH', 'src', 'a', 'b'], ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 'src', 'dst'], ['RPOPLPUSH', 'dst', 'dst'],
    ['LMOVE', 'nokey', 'dst', 'LEFT', 'LEFT'],
  ]),
  'LMPOP and the blocking forms that find data': events([
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LMPOP', '2', 'nokey', 'l', 'LEFT', 'COUNT', '2'], ['BLPOP', 'l', '0'], ['BRPOP', 'l', '0'],
    ['BLMOVE', 'l', 'n', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'n', 'o', '0'], ['BLMPOP', '0', '1', 'o', 'RIGHT'],
  ]),
  'expiry and deletion of lists': events([
    ['RPUSH', 'l', 'a'], ['EXPIRE', 'l', '100'], ['PERSIST', 'l'], ['RENAME', 'l', 'm'], ['DEL', 'm'],
  ]),
});
