import { formatDouble } from '../util/numbers.js';

/** Pre-encoded constant replies (Redis's shared.ok, shared.czero, ...). */
export const R = {
  ok: '+OK\r\n',
  pong: '+PONG\r\n',
  queued: '+QUEUED\r\n',
  zero: ':0\r\n',
  one: ':1\r\n',
  minusOne: ':-1\r\n',
  minusTwo: ':-2\r\n',
  emptyArray: '*0\r\n',
  emptyBulk: '$0\r\n\r\n',
  nullBulk2: '$-1\r\n',
  nullArray2: '*-1\r\n',
  null3: '_\r\n',
} as const;

const SMALL_INTS: string[] = [];
for (let i = 0; i < 1024; i++) SMALL_INTS.push(`:${i}\r\n`);

export type Protocol = 2 | 3;

/**
 * Where one connection's replies accumulate. The command layer calls these methods; the
 * text is handed to `sink` (the connection's ordered output) which writes once per batch.
 * RESP2 and RESP3 differ only here: a handler says "map of n" and the writer picks the
 * encoding.
 */
export class ReplyWriter {
  resp: Protocol = 2;
  /** Sees every error reply (INFO errorstats, commandstats failed_calls). */
  onError: ((msg: string) => void) | null = null;
  constructor(public sink: (text: string) => void) {}

  raw(text: string): void {
    this.sink(text);
  }
  ok(): void {
    this.sink(R.ok);
  }
  simple(s: string): void {
    this.sink(`+${s}\r\n`);
  }
  /** msg is the full error line without '-', e.g. "ERR syntax error". */
  error(msg: string): void {
    if (this.onError !== null) this.onError(msg);
    // Redis replaces newlines so an error never breaks the protocol.
    this.sink(`-${msg.includes('\n') || msg.includes('\r') ? msg.replace(/[\r\n]/g, ' ') : msg}\r\n`);
  }
  integer(n: number | bigint): void {
    this.sink(typeof n === 'number' && n >= 0 && n < 1024 && Number.isInteger(n) ? SMALL_INTS[n]! : `:${n}\r\n`);
  }
  bulk(s: string): void {
    this.sink(`$${s.length}\r\n${s}\r\n`);
  }
  bulkOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nullBulk();
    else this.sink(`$${s.length}\r\n${s}\r\n`);
  }
  nullBulk(): void {
    this.sink(this.resp === 3 ? R.null3 : R.nullBulk2);
  }
  nullArray(): void {
    this.sink(this.resp === 3 ? R.null3 : R.nullArray2);
  }
  arrayHeader(n: number): void {
    this.sink(`*${n}\r\n`);
  }
  /** A map of n pairs: RESP3 '%', RESP2 a flat array of 2n. */
  mapHeader(n: number): void {
    this.sink(this.resp === 3 ? `%${n}\r\n` : `*${2 * n}\r\n`);
  }
  setHeader(n: number): void {
    this.sink(this.resp === 3 ? `~${n}\r\n` : `*${n}\r\n`);
  }
  pushHeader(n: number): void {
    this.sink(this.resp === 3 ? `>${n}\r\n` : `*${n}\r\n`);
  }
  /** A double: RESP3 ',', RESP2 a bulk string as Redis 7.0 formats it. */
  double(d: number): void {
    if (this.resp === 3) {
      this.sink(`,${d === Infinity ? 'inf' : d === -Infinity ? '-inf' : formatDouble(d)}\r\n`);
    } else {
      this.bulk(formatDouble(d));
    }
  }
  boolean(b: boolean): void {
    this.sink(this.resp === 3 ? (b ? '#t\r\n' : '#f\r\n') : b ? R.one : R.zero);
  }
  /** Text meant for humans (INFO, CLIENT LIST): RESP3 verbatim "txt", RESP2 bulk. */
  verbatim(s: string): void {
    if (this.resp === 3) this.sink(`=${s.length + 4}\r\ntxt:${s}\r\n`);
    else this.bulk(s);
  }
  bulkArray(items: readonly string[]): void {
    let out = `*${items.length}\r\n`;
    for (const s of items) out += `$${s.length}\r\n${s}\r\n`;
    this.sink(out);
  }
  /** An array of bulk strings and nulls (MGET). */
  bulkOrNullArray(items: readonly (string | null | undefined)[]): void {
    const nul = this.resp === 3 ? R.null3 : R.nullBulk2;
    let out = `*${items.length}\r\n`;
    for (const s of items) out += s === null || s === undefined ? nul : `$${s.length}\r\n${s}\r\n`;
    this.sink(out);
  }
}
