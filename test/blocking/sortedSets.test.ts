import { contractSuite } from '../helpers/contract.js';
import { bothServersSuite, send, waitBlocked } from './bothServers.js';
import { blockingCommands } from '../../commands/blocking.js';

// BZPOPMIN BZPOPMAX BZMPOP, compared with redis-server 7.0.
contractSuite('blocking sorted-set pops that need not block', [
  {
    name: 'BZPOPMIN BZPOPMAX pop from the first non-empty sorted set',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['BZPOPMIN', 'nokey', 'z', '0'], ['BZPOPMAX', 'z', '1'], ['BZPOPMIN', 'z', 'z', '0.5'],
      ['EXISTS', 'z'], ['ZADD', 'y', '1.5', 'x'], ['BZPOPMAX', 'y', '0'],
    ],
  },
  {
    name: 'BZMPOP with and without COUNT',
    commands: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '-inf', 'm', 'inf', 'p'], ['BZMPOP', '0', '2', 'nokey', 'z', 'MIN'],
      ['BZMPOP', '0', '1', 'z', 'max', 'COUNT', '2'], ['BZMPOP', '1', '1', 'z', 'MIN', 'COUNT', '10'], ['EXISTS', 'z'],
    ],
  },
  {
    name: 'RESP3: scores are doubles, nulls are _',
    resp3: true,
    commands: [
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'], ['BZPOPMIN', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2'],
      ['BZPOPMAX', 'nokey', '0.01'], ['BZMPOP', '0.01', '1', 'nokey', 'MIN'], ['MULTI'], ['BZPOPMIN', 'nokey', '0'], ['EXEC'],
    ],
  },
  {
    name: 'short timeouts, MULTI',
    commands: [
      ['BZPOPMIN', 'nokey', '0.01'], ['BZPOPMAX', 'a', 'b', '0.001'], ['BZMPOP', '0.01', '1', 'nokey', 'MIN'], ['MULTI'],
      ['BZPOPMIN', 'nokey', '0'], ['BZMPOP', '0', '1', 'nokey', 'MAX'], ['ZADD', 'z', '1', 'a'], ['BZPOPMAX', 'z', '0'], ['EXEC'],
    ],
  },
  {
    name: 'errors: arguments, then the timeout, then types',
    commands: [
      ['SET', 's', 'v'], ['RPUSH', 'l', 'x'], ['BZPOPMIN', 'z', 'x'], ['BZPOPMIN', 'z', '-1'], ['BZPOPMAX', 's', 'x'], ['BZPOPMIN', 's', '0'],
      ['BZPOPMIN', 'nokey', 'l', '0'], ['BZMPOP', 'x', '0', 'z', 'MIN'], ['BZMPOP', 'x', '1', 'z', 'UP'], ['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '0'],
      ['BZMPOP', 'x', '1', 'z', 'MIN'], ['BZMPOP', '-1', '1', 'z', 'MIN'], ['BZMPOP', '0', '2', 'nokey', 's', 'MIN'], ['BZMPOP', '0', '2', 'z', 'MIN'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'], ['BZPOPMIN', 'z'], ['BZMPOP', '0', '1', 'z'], ['BLPOP', 'l', 's', '0'],
    ],
  },
  ...blockingCommands.map((c) => ({ name: `COMMAND INFO ${c.name}`, commands: [['COMMAND', 'INFO', c.name]] })),
  ...blockingCommands.map((c) => ({ name: `COMMAND DOCS ${c.name}`, commands: [['COMMAND', 'DOCS', c.name]] })),
  {
    name: 'COMMAND GETKEYS',
    commands: [['COMMAND', 'GETKEYS', 'BZPOPMIN', 'a', 'b', '0'], ['COMMAND', 'GETKEYS', 'BZMPOP', '0', '2', 'a', 'b', 'MIN']],
  },
]);

bothServersSuite('clients blocked on sorted sets', {
  'ZADD serves the waiting clients in order': async ({ connect, log }) => {
    const [c1, c2, c3, p] = [await connect(), await connect(), await connect(), await connect()];
    send(c1, 'BZPOPMIN', 'z', '0');
    await waitBlocked(p, 1);
    send(c2, 'BZPOPMAX', 'other', 'z', '0');
    await waitBlocked(p, 2);
    send(c3, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5');
    await waitBlocked(p, 3);
    log(await p.call('ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '4', 'd'));
    log(await c1.read());
    log(await c2.read());
    log(await c3.read());
    log(await p.call('EXISTS', 'z'));
  },
  'a list does not serve a sorted-set waiter, nor a sorted set a list waiter': async ({ connect, log }) => {
    const [cz, cl, p] = [await connect(), await connect(), await connect()];
    send(cz, 'BZPOPMIN', 'k', '0');
    await waitBlocked(p, 1);
    send(cl, 'BLPOP', 'k', '0');
    await waitBlocked(p, 2);
    log(await p.call('RPUSH', 'k', 'x'));
    log(await cl.read());
    log(await p.call('ZADD', 'k', '1', 'm'));
    log(await cz.read());
    await waitBlocked(p, 0);
  },
  'served after EXEC; ZUNIONSTORE and RENAME create the key': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    send(c1, 'BZPOPMAX', 'z', '0');
    await waitBlocked(p, 1);
    log(await p.call('MULTI'));
    log(await p.call('ZADD', 'z', '1', 'a'));
    log(await p.call('ZADD', 'z', '2', 'b'));
    log(await p.call('EXEC'));
    log(await c1.read());
    log(await p.call('ZCARD', 'z'));
    log(await p.call('DEL', 'z'));
    send(c1, 'BZPOPMIN', 'u', '0');
    await waitBlocked(p, 1);
    log(await p.call('ZADD', 'src', '5', 'e'));
    log(await p.call('ZUNIONSTORE', 'u', '1', 'src'));
    log(await c1.read());
    send(c1, 'BZMPOP', '0', '1', 'r', 'MAX');
    await waitBlocked(p, 1);
    log(await p.call('RENAME', 'src', 'r'));
    log(await c1.read());
  },
  'timeouts and CLIENT UNBLOCK': async ({ connect, log }) => {
    const [c1, p] = [await connect(), await connect()];
    log(await c1.call('BZPOPMIN', 'z', '0.02'));
    log(await c1.call('BZMPOP', '0.02', '1', 'z', 'MIN'));
    const id = (await c1.call('CLIENT', 'ID')).slice(1, -2);
    send(c1, 'BZPOPMAX', 'z', '0');
    await waitBlocked(p, 1);
    log(await p.call('CLIENT', 'UNBLOCK', id, 'ERROR'));
    log(await c1.read());
  },
  'the events of a served sorted-set pop': async ({ connect, log }) => {
    const [c1, p, sub] = [await connect(), await connect(), await connect()];
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    log(await sub.call('PSUBSCRIBE', '__keyevent@0__:*'));
    send(c1, 'BZPOPMIN', 'z', '0');
    await waitBlocked(p, 1);
    log(await p.call('ZADD', 'z', '1', 'a'));
    log(await c1.read());
    for (let i = 0; i < 3; i++) log(await sub.read());
    await p.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  },
});
