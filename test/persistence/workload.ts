import type { RawClient } from '../helpers/rawClient.js';

/** A small seeded PRNG (mulberry32): a failing workload can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random writes over every type and the commands whose propagation is rewritten (relative
 * TTLs, INCRBYFLOAT, SPOP, blocking pops, sales with their codes and deadlines), with
 * MULTI/EXEC blocks, database switches, RENAME/COPY/MOVE/SWAPDB. Replies are not checked:
 * the point is what the log makes of them.
 */
export class Workload {
  private readonly codes: string[] = [];
  private readonly pick: <T>(xs: readonly T[]) => T;
  private readonly int: (n: number) => number;
  sent = 0;

  constructor(readonly rng: () => number) {
    this.int = (n) => Math.floor(rng() * n);
    this.pick = (xs) => xs[Math.floor(rng() * xs.length)]!;
  }

  private key(kind: string): string {
    // A hash tag now and then, so several keys share a slot.
    return this.rng() < 0.2 ? `{t}${kind}${this.int(3)}` : `${kind}${this.int(6)}`;
  }

  private val(): string {
    const n = this.int(4);
    return n === 0 ? '' : n === 1 ? String(this.int(1000)) : n === 2 ? `v${this.int(50)}\r\n\0\xff` : 'x'.repeat(this.int(300));
  }

  /** One random write (argv). */
  command(): string[] {
    const r = this.int(100);
    const s = this.key('s');
    const now = Date.now();
    const i = this.int;
    switch (true) {
      case r < 6: return ['SET', s, this.val()];
      // Deadlines are either passed within ~50 ms or minutes away: none falls between two dumps.
      case r < 8: return ['SET', s, this.val(), ...this.pick([['EX', String(60 + i(1000))], ['PX', String(1 + i(30))], ['PX', String(60_000 + i(100_000))]])];
      case r < 9: return ['SET', s, this.val(), 'PXAT', String(this.pick([now - 1000, now + 1_000_000, now + 20]))];
      case r < 10: return ['SET', s, this.val(), this.pick(['NX', 'XX', 'KEEPTTL', 'GET'])];
      case r < 11: return ['SETEX', s, String(60 + i(1000)), this.val()];
      case r < 12: return ['PSETEX', s, String(this.pick([1 + i(30), 60_000 + i(100_000)])), this.val()];
      case r < 13: return ['GETEX', s, ...this.pick([['EX', '100'], ['PX', '5'], ['PERSIST'], ['EXAT', String(Math.floor(now / 1000) - 10)]])];
      case r < 15: return ['INCRBY', `n${i(3)}`, String(i(100) - 50)];
      case r < 17: return ['INCRBYFLOAT', `f${i(3)}`, this.pick(['0.1', '-1.5', '3e2', '0.3333333333333333'])];
      case r < 18: return ['APPEND', s, this.val()];
      case r < 19: return ['SETRANGE', s, String(i(20)), 'abc'];
      case r < 21: return ['DEL', this.key(this.pick(['s', 'l', 'h', 't', 'z']))];
      case r < 23: return [this.pick(['EXPIRE', 'PEXPIRE']), this.key(this.pick(['s', 'l', 'h', 't', 'z'])), String(i(3) === 0 ? 0 : 100_000 + i(100_000))];
      case r < 24: return ['EXPIREAT', this.key(this.pick(['s', 'h'])), String(Math.floor(now / 1000) + this.pick([-5, 3600]))];
      case r < 25: return ['PERSIST', this.key(this.pick(['s', 'h']))];
      case r < 26: return ['RENAME', this.key('s'), this.key('s')];
      case r < 27: return ['COPY', this.key('h'), this.key('h'), 'REPLACE'];
      case r < 28: return ['MOVE', this.key('s'), String(i(3))];
      case r < 29: return ['SWAPDB', String(i(3)), String(i(3))];
      case r < 34: return ['HSET', this.key('h'), `f${i(10)}`, this.val(), `g${i(10)}`, this.val()];
      case r < 36: return ['HINCRBYFLOAT', this.key('h'), `n${i(3)}`, this.pick(['1.5', '-0.25', '1e-3'])];
      case r < 37: return ['HDEL', this.key('h'), `f${i(10)}`];
      case r < 42: return ['SADD', this.key('t'), ...Array.from({ length: 1 + i(5) }, () => String(i(40)))];
      case r < 44: return ['SPOP', this.key('t'), ...(i(2) ? [String(1 + i(4))] : [])];
      case r < 45: return ['SREM', this.key('t'), String(i(40))];
      case r < 46: return ['SMOVE', this.key('t'), this.key('t'), String(i(40))];
      case r < 50: return ['ZADD', this.key('z'), String(i(100) - 50 + this.pick([0, 0.5, 1e-9])), `m${i(30)}`, String(-i(5)), `m${i(30)}`];
      case r < 52: return ['ZINCRBY', this.key('z'), this.pick(['1.1', '-2', '0.3']), `m${i(30)}`];
      case r < 53: return [this.pick(['ZPOPMIN', 'ZPOPMAX']), this.key('z'), String(1 + i(3))];
      case r < 54: return ['ZUNIONSTORE', this.key('z'), '2', this.key('z'), this.key('z')];
      case r < 58: return [this.pick(['LPUSH', 'RPUSH']), this.key('l'), ...Array.from({ length: 1 + i(6) }, () => this.val())];
      case r < 60: return [this.pick(['LPOP', 'RPOP']), this.key('l'), ...(i(2) ? [String(1 + i(3))] : [])];
      case r < 61: return ['LMOVE', this.key('l'), this.key('l'), this.pick(['LEFT', 'RIGHT']), this.pick(['LEFT', 'RIGHT'])];
      case r < 62: return ['LTRIM', this.key('l'), String(i(3)), String(-1 - i(3))];
      case r < 64: return ['BLPOP', this.key('l'), this.key('l'), '0.01'];
      case r < 65: return ['BLMOVE', this.key('l'), this.key('l'), 'RIGHT', 'LEFT', '0.01'];
      case r < 66: return ['SALE.CREATE', `sale${i(2)}`, String(20 + i(20)), 'LIMIT', String(i(4)), 'HOLD', this.pick(['40', '600000'])];
      case r < 74: return ['RESERVE', `sale${i(2)}`, `u${i(8)}`, ...(i(3) === 0 ? ['LOT', String(i(40))] : [])];
      case r < 80: return ['PURCHASE', `sale${i(2)}`, this.code()];
      case r < 84: return ['CONFIRM', `sale${i(2)}`, this.code()];
      case r < 87: return ['CANCEL', `sale${i(2)}`, this.code()];
      case r < 88: return ['SALE.MARK', `sale${i(2)}`, String(i(40)), `u${i(8)}`];
      case r < 90: return ['SELECT', String(i(3))];
      default: return ['SET', this.key('s'), this.val()];
    }
  }

  private code(): string {
    return this.codes.length === 0 ? 'nocode' : this.pick(this.codes);
  }

  /** Sends `count` random writes, some inside MULTI/EXEC blocks; keeps the codes RESERVE answers. */
  async run(c: RawClient, count: number): Promise<void> {
    await c.call('SELECT', '0');
    for (let n = 0; n < count; ) {
      if (this.int(20) === 0) {
        await c.call('MULTI');
        const size = 1 + this.int(5);
        for (let k = 0; k < size; k++) await c.call(...this.command());
        await c.call('EXEC');
        n += size;
        continue;
      }
      const argv = this.command();
      const reply = await c.call(...argv);
      if (argv[0] === 'RESERVE' && reply.startsWith('$')) this.codes.push(reply.split('\r\n')[1]!);
      if (this.codes.length > 200) this.codes.splice(0, 100);
      n++;
    }
    this.sent += count;
    await c.call('SELECT', '0');
  }
}
