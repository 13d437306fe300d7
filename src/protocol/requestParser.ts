import { splitArgs } from '../util/splitArgs.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or header line. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const CR = 13, LF = 10, DOLLAR = 36, STAR = 42;

/** A request the client got wrong. The text follows "ERR Protocol error: ". */
export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
}

/**
 * Turns a client's byte stream into argv arrays (multibulk and inline), one request at a
 * time: `next()` pulls the next complete request or returns null until more bytes arrive.
 * Pull, not push, so a connection can stop mid-batch (a blocked client, backpressure) and
 * keep the rest for later, as Redis does.
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
  /** Remaining arguments of the multibulk in progress (0: none in progress). */
  private multibulkLeft = 0;
  /** Length of the bulk whose payload we wait for (-1: none). */
  private bulkLen = -1;
  private argv: string[] = [];

  constructor(public limits: ParserLimits) {}

  /** Bytes received and not yet turned into requests (Redis's querybuf length). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  feed(chunk: Buffer): void {
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    if (this.bulkLen >= 0) {
      // Waiting for a bulk payload: collect without copying until it is complete, so a
      // 512 MB value arriving in 64 KB chunks is joined once, not once per chunk.
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.buf.length - this.pos + this.pendingBytes >= this.bulkLen + 2) this.coalesce();
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.coalesce();
  }

  private coalesce(): void {
    const parts = [this.buf.subarray(this.pos), ...this.pending];
    this.buf = Buffer.concat(parts);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The next complete request, or null when more bytes are needed. Throws ProtocolError. */
  next(): string[] | null {
    for (;;) {
      const buf = this.buf;
      if (this.pendingBytes > 0) return null; // an incomplete bulk: nothing more to parse yet
      if (this.pos >= buf.length) {
        if (buf !== EMPTY) {
          this.buf = EMPTY;
          this.pos = 0;
        }
        return null;
      }
      if (this.multibulkLeft === 0 && this.bulkLen === -1 && this.argv.length === 0 && buf[this.pos] !== STAR) {
        const argv = this.parseInline();
        if (argv === null) return null;
        if (argv.length === 0) continue; // Redis ignores empty inline lines
        return argv;
      }
      const argv = this.parseMultibulk();
      if (argv === null) return null;
      if (argv.length === 0) continue; // *0 and *-1 are skipped, as Redis does
      return argv;
    }
  }

  private parseInline(): string[] | null {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl === -1) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    const end = nl > this.pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const line = buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('unbalanced quotes in request');
    return argv;
  }

  /** Parses a decimal integer in buf[start, end) with Redis's string2ll rules; NaN if invalid. */
  private static parseLength(buf: Buffer, start: number, end: number): number {
    if (start >= end || end - start > 20) return NaN;
    let i = start;
    let negative = false;
    if (buf[i] === 45 /* - */) {
      negative = true;
      i++;
      if (i === end) return NaN;
    }
    if (buf[i] === 48 /* 0 */ && end - i > 1) return NaN; // no leading zeros
    let n = 0;
    for (; i < end; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) return NaN;
      n = n * 10 + c;
    }
    return negative ? -n : n;
  }

  private parseMultibulk(): string[] | null {
    let buf = this.buf;
    if (this.multibulkLeft === 0) {
      const cr = buf.indexOf(CR, this.pos);
      if (cr === -1) {
        if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big mbulk count string');
        return null;
      }
      if (cr + 1 >= buf.length) return null; // wait for the LF
      const n = RequestParser.parseLength(buf, this.pos + 1, cr);
      if (Number.isNaN(n) || n > 2147483647) throw new ProtocolError('invalid multibulk length');
      this.pos = cr + 2;
      if (n <= 0) return [];
      this.multibulkLeft = n;
      this.argv = [];
    }
    while (this.multibulkLeft > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= buf.length) return null;
        const cr = buf.indexOf(CR, this.pos);
        if (cr === -1) {
          if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big bulk count string');
          return null;
        }
        if (cr + 1 >= buf.length) return null;
        if (buf[this.pos] !== DOLLAR) {
          throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
        }
        const len = RequestParser.parseLength(buf, this.pos + 1, cr);
        if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkLen) throw new ProtocolError('invalid bulk length');
        this.pos = cr + 2;
        this.bulkLen = len;
        if (buf.length - this.pos < len + 2) {
          // The payload is still on its way; later chunks go to `pending` (see feed).
          if (this.pos >= buf.length) {
            this.buf = EMPTY;
            this.pos = 0;
          }
          return null;
        }
      }
      if (buf.length - this.pos < this.bulkLen + 2) return null;
      const end = this.pos + this.bulkLen;
      this.argv.push(buf.toString('latin1', this.pos, end));
      this.pos = end + 2; // Redis skips the CRLF after a payload without checking it
      this.bulkLen = -1;
      this.multibulkLeft--;
      buf = this.buf;
    }
    const argv = this.argv;
    this.argv = [];
    return argv;
  }
}
