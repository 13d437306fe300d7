/**
 * The log's record format: each write is a RESP array of bulk strings, exactly what a
 * client sends (Redis's AOF format), so the file can be read with any RESP tool and
 * replayed through the command table. Strings are latin1 JS strings (one char = one byte),
 * so a string's length is its byte length.
 */
import { bulkBytes, writeBulk, writeLatin1 } from '../protocol/bytes.js';

/** One record's bytes (as a latin1 string). */
export function encodeRecord(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    s += `$${a.length}\r\n${a}\r\n`;
  }
  return s;
}

const SELECT_RECORDS: string[] = [];
/** `SELECT n`, pre-encoded for the usual databases. */
export function selectRecord(db: number): string {
  return (SELECT_RECORDS[db] ??= encodeRecord(['SELECT', String(db)]));
}

export const MULTI_RECORD = encodeRecord(['MULTI']);
export const EXEC_RECORD = encodeRecord(['EXEC']);

/**
 * Writes records to one output (the log, or a rewrite's file) and keeps track of the
 * database the reader will be in, so a SELECT is written only when it changes (Redis's
 * aof_selected_db). Starts at -1: the first record of a file or a restart selects.
 */
export class RecordStream {
  selectedDb = -1;
  text = '';

  /** Appends one record for database `db`. */
  add(db: number, record: string): void {
    if (db !== this.selectedDb) {
      this.text += selectRecord(db);
      this.selectedDb = db;
    }
    this.text += record;
  }

  /** Appends records that must replay all or nothing (Redis's MULTI/EXEC propagation). */
  addAtomic(dbs: readonly number[], records: readonly string[]): void {
    if (records.length === 1) {
      this.add(dbs[0]!, records[0]!);
      return;
    }
    this.text += MULTI_RECORD;
    for (let i = 0; i < records.length; i++) this.add(dbs[i]!, records[i]!);
    this.text += EXEC_RECORD;
  }

  /** Takes what has accumulated. */
  take(): string {
    const t = this.text;
    this.text = '';
    return t;
  }
}

/** Buffer's own latin1 decoder (what toString('latin1') calls after argument checks). */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

const SET_COMMAND = '*3\r\n$3\r\nSET\r\n';

/**
 * The same as RecordStream, into Buffers instead of one growing string: the rewrite writes
 * hundreds of megabytes, and a string built by `+=` is a rope whose pieces all survive
 * until it is written, which makes every young-generation GC copy them (pauses of ~10 ms).
 * Here a record's text dies as soon as its bytes are copied. Full chunks are handed out by
 * take(); `length` is what is buffered.
 */
export class ChunkStream {
  selectedDb = -1;
  length = 0;
  private chunks: Buffer[] = [];
  private chunk: Buffer;
  private used = 0;
  /** Written chunks given back (recycle): a rewrite reuses a few instead of allocating hundreds. */
  private spare: Buffer[] = [];

  constructor(private readonly chunkSize = 1 << 20) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  /**
   * A chunk from take() is written and may be reused. (Each new one would be external
   * memory, which V8 answers with full GCs once enough of it has been allocated.)
   */
  recycle(chunk: Buffer): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === this.chunkSize && this.spare.length < 4) {
      this.spare.push(Buffer.from(chunk.buffer, 0, this.chunkSize));
    }
  }

  add(db: number, record: string): void {
    if (db !== this.selectedDb) {
      this.write(selectRecord(db));
      this.selectedDb = db;
    }
    this.write(record);
  }

  /** The record `*3 SET key value`, written without building it first. */
  addSet(db: number, key: string, value: string): void {
    if (db !== this.selectedDb) {
      this.write(selectRecord(db));
      this.selectedDb = db;
    }
    const n = SET_COMMAND.length + bulkBytes(key) + bulkBytes(value);
    if (this.used + n > this.chunk.length) {
      this.write(`${SET_COMMAND}$${key.length}\r\n`);
      this.write(key);
      this.write(`\r\n$${value.length}\r\n`);
      this.write(value);
      this.write('\r\n');
      return;
    }
    // Byte by byte into the chunk: one record's five pieces as five Buffer#write calls
    // (each ~100 ns of argument checks and C++ entry) and three template strings were half
    // of the walk's CPU (1M keys: 1.2 s of 2.4 s in walkSlot, measured with --cpu-prof).
    let p = writeLatin1(this.chunk, this.used, SET_COMMAND);
    p = writeBulk(this.chunk, p, key);
    this.used = writeBulk(this.chunk, p, value);
    this.length += n;
  }

  private write(text: string): void {
    const n = text.length;
    this.length += n;
    if (this.used + n <= this.chunk.length) {
      this.used = writeLatin1(this.chunk, this.used, text);
      return;
    }
    if (n > this.chunkSize) {
      this.seal();
      this.chunks.push(Buffer.from(text, 'latin1'));
      return;
    }
    this.seal();
    this.used += this.chunk.write(text, this.used, n, 'latin1');
  }

  private seal(): void {
    if (this.used === 0) return;
    this.chunks.push(this.chunk.subarray(0, this.used));
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(this.chunkSize);
    this.used = 0;
  }

  /** Everything buffered, as Buffers in order. */
  take(): Buffer[] {
    this.seal();
    const out = this.chunks;
    this.chunks = [];
    this.length = 0;
    return out;
  }
}

/** Malformed bytes in the log: where, and what was expected. */
export class RecordFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

/** The outcome of reading one record from a buffer. */
export type ParseResult = string[] | null;

/**
 * Reads records from a byte stream fed in chunks (the loader and check-aof). `next()`
 * returns a record's argv, null when the bytes so far end inside a record (feed more, or
 * at the end of the file: a truncated record), and throws RecordFormatError on bytes that
 * cannot be a record. `offset` is the file offset of the first byte not yet consumed: the
 * end of the last complete record, where a truncated file may be cut.
 */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  /** Bytes the record in progress needs before it can complete (a hint for chunk sizes). */
  needed = 0;

  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes fed but not consumed (a record in progress). */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  feed(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.base += this.buf.length;
      this.buf = chunk;
    } else {
      const rest = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = Buffer.concat([rest, chunk]);
    }
    this.pos = 0;
  }

  next(): ParseResult {
    const buf = this.buf;
    const len = buf.length;
    let p = this.pos;
    // Redis 7 writes annotation lines ("#TS:...") between records: skipped.
    while (p < len && buf[p] === 0x23 /* # */) {
      const eol = buf.indexOf(0x0a, p);
      if (eol === -1) return this.more(p, 1);
      p = eol + 1;
      this.pos = p;
    }
    if (p >= len) return this.more(p, 1);
    const start = p;
    if (buf[p] !== 0x2a /* * */) throw new RecordFormatError(this.base + p, "expected '*'");
    const header = this.readNumber(p + 1);
    if (header === null) return this.more(start, 16);
    const [count, afterCount] = header;
    if (count < 1) throw new RecordFormatError(this.base + p, 'invalid array length');
    p = afterCount;
    const argv: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      if (p >= len) return this.more(start, 16);
      if (buf[p] !== 0x24 /* $ */) throw new RecordFormatError(this.base + p, "expected '$'");
      const bulk = this.readNumber(p + 1);
      if (bulk === null) return this.more(start, 16);
      const [size, afterSize] = bulk;
      if (size < 0) throw new RecordFormatError(this.base + p, 'invalid bulk length');
      const end = afterSize + size;
      if (end + 2 > len) return this.more(start, end + 2 - start);
      if (buf[end] !== 0x0d || buf[end + 1] !== 0x0a) throw new RecordFormatError(this.base + end, 'expected CRLF after bulk string');
      argv[i] = (buf as Latin1Buffer).latin1Slice(afterSize, end);
      p = end + 2;
    }
    this.pos = p;
    this.needed = 0;
    return argv;
  }

  /** Not enough bytes: the record starting at `start` needs at least `bytes` in all. */
  private more(start: number, bytes: number): null {
    this.pos = start;
    this.needed = bytes;
    return null;
  }

  /**
   * The decimal after a '*' or '$' and its CRLF: [value, position after CRLF], or null
   * when the line is not complete yet. Throws on anything but digits.
   */
  private readNumber(p: number): [number, number] | null {
    const buf = this.buf;
    let n = 0;
    let digits = 0;
    const first = p;
    for (;;) {
      if (p >= buf.length) return null;
      const c = buf[p]!;
      if (c === 0x0d) break;
      if (c < 0x30 || c > 0x39 || digits >= 15) throw new RecordFormatError(this.base + first - 1, 'invalid length');
      n = n * 10 + (c - 0x30);
      digits++;
      p++;
    }
    if (digits === 0) throw new RecordFormatError(this.base + first - 1, 'invalid length');
    if (p + 1 >= buf.length) return null;
    if (buf[p + 1] !== 0x0a) throw new RecordFormatError(this.base + p, 'expected CRLF');
    return [n, p + 2];
  }
}
