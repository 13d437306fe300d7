import { splitArgs } from '../util/splitArgs.js';
import { parseStrictBigInt } from '../util/numbers.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or header line. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Redis's limits on what a client that still has to AUTH may send (networking.c). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;
const INT_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);
const NUL = 0, LF = 10, CR = 13, DOLLAR = 36, STAR = 42, ZERO = 48, ONE = 49, NINE = 57;

/** A request the client got wrong. The text follows "ERR Protocol error: ". */
export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
}

// Buffer#latin1Slice is what buf.toString('latin1', s, e) ends up calling; calling it
// directly skips the encoding lookup and argument normalisation.
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

const fcc = String.fromCharCode;

/**
 * buf[s, e) as a latin1 string. Most arguments are short (names, keys, small values), and
 * for those String.fromCharCode with one argument per byte builds the string in V8 without
 * the C++ call behind latin1Slice (argument checks, backing-store lookup, a handle scope):
 * measured 2-5x faster up to 16 bytes. Longer ones are copied by latin1Slice.
 */
export function latin1String(b: Buffer, s: number, e: number): string {
  switch (e - s) {
    case 0:
      return '';
    case 1:
      return fcc(b[s]);
    case 2:
      return fcc(b[s], b[s + 1]);
    case 3:
      return fcc(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
    default:
      return (b as Latin1Buffer).latin1Slice(s, e);
  }
}

/**
 * Command names known in advance, found from the request's bytes: the canonical string
 * comes back without building a new one, and being a literal it is internalized with its
 * hash computed, so the command table's lookup costs no hashing either.
 */
const INTERNER_BUCKETS = 1024;

export class NameInterner {
  private readonly buckets: (string[] | undefined)[] = new Array(INTERNER_BUCKETS);
  static readonly MAX_LENGTH = 32;

  add(name: string): void {
    if (name.length > NameInterner.MAX_LENGTH) return;
    let h = name.length;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
    const i = h & (INTERNER_BUCKETS - 1);
    const bucket = (this.buckets[i] ??= []);
    if (!bucket.includes(name)) bucket.push(name);
  }

  /** The name found last: pipelines mostly repeat one command. */
  private last: string | null = null;

  /** The known name equal to buf[s, e), or undefined. */
  find(buf: Buffer, s: number, e: number): string | undefined {
    const n = e - s;
    if (n > NameInterner.MAX_LENGTH) return undefined;
    // The last name first: comparing a few bytes costs less than hashing them (measured:
    // hashing made the interner as slow as building the string it saves).
    const last = this.last;
    if (last !== null && last.length === n) {
      let i = 0;
      while (i < n && last.charCodeAt(i) === buf[s + i]) i++;
      if (i === n) return last;
    }
    let h = n;
    for (let i = s; i < e; i++) h = (h * 31 + buf[i]!) | 0;
    const bucket = this.buckets[h & (INTERNER_BUCKETS - 1)];
    if (bucket === undefined) return undefined;
    next: for (let k = 0; k < bucket.length; k++) {
      const name = bucket[k]!;
      if (name.length !== n) continue;
      for (let i = 0; i < n; i++) if (name.charCodeAt(i) !== buf[s + i]) continue next;
      this.last = name;
      return name;
    }
    return undefined;
  }
}

/**
 * Turns a client's byte stream into argv arrays (multibulk and inline), one request at a
 * time: `next()` pulls the next complete request or returns null until more bytes arrive.
 * Pull, not push, so a connection can stop mid-batch (a blocked client, backpressure) and
 * keep the rest for later, as Redis does.
 *
 * Mirrors Redis 7.0's processMultibulkBuffer/processInlineBuffer to the byte, quirks
 * included: header lines are found with strchr(), so a NUL byte before the CR (LF for
 * inline) hides the line end and the client waits until the 64 KB line limit errors; the
 * LF after a header's CR and the CRLF after a payload are skipped, not checked.
 *
 * Hand-written rather than redis-parser: that library parses replies (RESP types), not
 * requests (inline commands, Redis's request-side errors and limits), and the hot path
 * wants no per-argument callbacks or intermediate objects. Arguments come out as latin1
 * strings: binary-safe, compact in V8, and copied out of the socket chunk so a small
 * stored value never pins a 64 KB read buffer.
 */
export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks received while a large bulk is still incomplete, joined once it is whole. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** `buf` is the caller's memory, to be copied out by release(). */
  private borrowed = false;
  /** Remaining arguments of the multibulk in progress (0: none in progress). */
  private multibulkLeft = 0;
  /** Length of the bulk whose payload we wait for (-1: none). */
  private bulkLen = -1;
  private argv: string[] = [];
  /** Arguments of `argv` filled so far. */
  private argc = 0;
  /** Redis's authRequired(c): stricter length limits until the client authenticates. */
  authRequired = false;

  /** `names`: command names to recognise without building strings (see NameInterner). */
  constructor(
    public limits: ParserLimits,
    private readonly names: NameInterner | null = null,
  ) {}

  /** Bytes received and not yet turned into requests (Redis's querybuf length). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  /**
   * Adds received bytes. A `borrowed` chunk is memory the caller will reuse (a shared read
   * buffer): the caller must call release() once it has pulled what it wants, before the
   * memory changes.
   */
  feed(chunk: Buffer, borrowed = false): void {
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      // The common case: everything before was consumed, parse the chunk in place.
      this.buf = chunk;
      this.pos = 0;
      this.borrowed = borrowed;
      return;
    }
    this.pending.push(borrowed ? Buffer.from(chunk) : chunk);
    this.pendingBytes += chunk.length;
    // Waiting for a bulk payload: collect until it is complete, so a 512 MB value arriving
    // in 64 KB chunks is joined once, not once per chunk.
    if (this.bulkLen >= 0 && this.buf.length - this.pos + this.pendingBytes < this.bulkLen + 2) return;
    this.coalesce();
  }

  /** Copies out the unconsumed part of a borrowed chunk (see feed), so its memory may be reused. */
  release(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    this.buf = this.pos < this.buf.length ? Buffer.from(this.buf.subarray(this.pos)) : EMPTY;
    this.pos = 0;
  }

  private coalesce(): void {
    const parts = this.pos < this.buf.length ? [this.buf.subarray(this.pos), ...this.pending] : this.pending;
    this.buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.borrowed = false;
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Drops everything buffered (the connection is closing). */
  reset(): void {
    this.buf = EMPTY;
    this.borrowed = false;
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.multibulkLeft = 0;
    this.bulkLen = -1;
    this.argv = [];
    this.argc = 0;
  }

  /** The next complete request, or null when more bytes are needed. Throws ProtocolError. */
  next(): string[] | null {
    for (;;) {
      if (this.pendingBytes > 0) return null; // an incomplete bulk: nothing more to parse yet
      const buf = this.buf;
      if (this.pos >= buf.length) {
        if (buf !== EMPTY) {
          this.buf = EMPTY; // let the consumed chunk be collected
          this.borrowed = false;
          this.pos = 0;
        }
        return null;
      }
      let argv: string[] | null;
      // Redis decides the request type on the first byte of a request.
      if (this.multibulkLeft === 0 && buf[this.pos] !== STAR) argv = this.parseInline();
      else argv = this.parseMultibulk();
      if (argv === null) return null;
      if (argv.length !== 0) return argv;
      // An empty inline line, *0 or *-1: Redis skips it.
    }
  }

  /**
   * Where strchr(buf + from, c) stops, as Redis finds line ends: the first `c`, or -1 when
   * there is none before the first NUL byte (the end of a C string).
   */
  private findLineEnd(from: number, c: number): number {
    const buf = this.buf;
    const at = buf.indexOf(c, from);
    if (at === -1) return -1;
    for (let i = from; i < at; i++) if (buf[i] === NUL) return -1;
    return at;
  }

  private parseInline(): string[] | null {
    const buf = this.buf;
    const start = this.pos;
    const nl = this.findLineEnd(start, LF);
    if (nl === -1) {
      if (buf.length - start > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const line = (buf as Latin1Buffer).latin1Slice(start, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('unbalanced quotes in request');
    return argv;
  }

  /**
   * Reads the length on a header line at `this.pos` ("*<n>\r\n" or "$<n>\r\n"). Returns the
   * value and moves past the line, or returns null (position unchanged) when the line is
   * not complete yet. Throws the protocol errors Redis gives for a bad header.
   *
   * Fast path: "0" or up to 15 digits without a leading zero, then CR, parsed in place
   * (exact as a double; no string, no indexOf call). Anything else takes Redis's literal route: strchr for the
   * CR, then string2ll on what precedes it.
   */
  private readHeader(multibulk: boolean): number | null {
    const buf = this.buf;
    const start = this.pos;
    const len = buf.length;
    if (buf[start] === (multibulk ? STAR : DOLLAR)) {
      let i = start + 1;
      let c = buf[i];
      let n = -1;
      if (c !== undefined && c >= ONE && c <= NINE) {
        n = c - ZERO;
        const stop = Math.min(len, i + 15);
        for (i++; i < stop && (c = buf[i]!) >= ZERO && c <= NINE; i++) n = n * 10 + c - ZERO;
      } else if (c === ZERO) {
        n = 0;
        i++;
      }
      if (n >= 0 && i + 1 < len && buf[i] === CR) {
        this.checkLength(multibulk, n);
        this.pos = i + 2;
        return n;
      }
    }
    const cr = this.findLineEnd(start, CR);
    if (cr === -1) {
      if (len - start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError(multibulk ? 'too big mbulk count string' : 'too big bulk count string');
      }
      return null;
    }
    if (cr + 1 >= len) return null; // Redis waits for the byte after the CR (not checked to be LF)
    if (!multibulk && buf[start] !== DOLLAR) {
      throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[start]!)}'`);
    }
    const n = string2ll(buf, start + 1, cr);
    this.checkLength(multibulk, n);
    this.pos = cr + 2;
    return n;
  }

  /** Redis's checks on a header's value, in its order. */
  private checkLength(multibulk: boolean, n: number): void {
    if (multibulk) {
      if (Number.isNaN(n) || n > INT_MAX) throw new ProtocolError('invalid multibulk length');
      if (n > UNAUTH_MAX_MULTIBULK && this.authRequired) throw new ProtocolError('unauthenticated multibulk length');
    } else {
      if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulkLen) throw new ProtocolError('invalid bulk length');
      if (n > UNAUTH_MAX_BULK && this.authRequired) throw new ProtocolError('unauthenticated bulk length');
    }
  }

  private parseMultibulk(): string[] | null {
    if (this.multibulkLeft === 0) {
      const n = this.readHeader(true);
      if (n === null) return null;
      if (n <= 0) return EMPTY_ARGV;
      this.multibulkLeft = n;
      // Sized up front (no growth while filling), but never from a huge untrusted count:
      // Redis likewise preallocates at most 1024 slots.
      this.argv = n <= 1024 ? new Array<string>(n) : [];
      this.argc = 0;
    }
    const argv = this.argv;
    while (this.multibulkLeft > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= this.buf.length) return null;
        const n = this.readHeader(false);
        if (n === null) return null;
        this.bulkLen = n;
      }
      const buf = this.buf;
      const start = this.pos;
      const end = start + this.bulkLen;
      if (end + 2 > buf.length) {
        // The payload is still on its way; later chunks go to `pending` (see feed), and the
        // consumed part of this chunk is dropped now rather than carried along.
        if (start > 0) {
          this.buf = start >= buf.length ? EMPTY : buf.subarray(start);
          this.pos = 0;
        }
        return null;
      }
      const names = this.names;
      // The index is taken first: in `argv[this.argc++] = (this.argc === 0 && ...)` the
      // increment runs before the right side, so the interner was never asked.
      const i = this.argc++;
      argv[i] = (i === 0 && names !== null && names.find(buf, start, end)) || latin1String(buf, start, end);
      this.pos = end + 2; // Redis skips the CRLF after a payload without checking it
      this.bulkLen = -1;
      this.multibulkLeft--;
    }
    return argv;
  }
}

const EMPTY_ARGV: string[] = [];

/**
 * Redis's string2ll over buf[start, end): NaN where Redis rejects the text (empty, 21+
 * characters, a leading zero, "-0", '+', any non-digit, outside the long long range).
 * Values beyond ±2^53 come back as ±Infinity: every limit they are compared with
 * (INT_MAX, proto-max-bulk-len) is at most 2^53, so only the sign matters then.
 */
function string2ll(buf: Buffer, start: number, end: number): number {
  const text = (buf as Latin1Buffer).latin1Slice(start, end);
  if (text.length <= 15) {
    if (!/^(?:0|-?[1-9][0-9]*)$/.test(text)) return NaN;
    return Number(text);
  }
  const v = parseStrictBigInt(text);
  if (v === null) return NaN;
  if (v > 9007199254740992n) return Infinity;
  if (v < -9007199254740992n) return -Infinity;
  return Number(v);
}
