import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NameInterner, PROTO_INLINE_MAX_SIZE, ProtocolError, RequestParser, latin1String } from '../../src/protocol/requestParser.js';
import { propertyRuns } from '../helpers/runs.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

function parser(maxBulkLen = 512 * 1024 * 1024): RequestParser {
  return new RequestParser({ maxBulkLen });
}

/** Feeds chunks one by one, pulling every complete request after each; stops at a ProtocolError. */
function parseChunks(chunks: Buffer[], p = parser()): { requests: string[][]; error: string | null } {
  const requests: string[][] = [];
  let fed = 0;
  for (const chunk of chunks) {
    p.feed(chunk);
    fed += chunk.length;
    for (;;) {
      let argv: string[] | null;
      try {
        argv = p.next();
      } catch (err) {
        if (err instanceof ProtocolError) return { requests, error: err.message };
        throw err;
      }
      if (argv === null) break;
      requests.push(argv);
      // Every request consumes at least one byte: more requests than bytes fed would mean a
      // loop that does not advance.
      if (requests.length > fed) throw new Error('parser produced more requests than bytes received');
    }
  }
  return { requests, error: null };
}

function parseAll(text: string, p = parser()) {
  return parseChunks([latin1(text)], p);
}

/** Cuts a buffer at the given offsets (sorted, deduplicated, clamped). */
function cut(data: Buffer, points: number[]): Buffer[] {
  const offsets = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const o of offsets) {
    if (o > prev) out.push(data.subarray(prev, o));
    prev = Math.max(prev, o);
  }
  if (prev < data.length) out.push(data.subarray(prev));
  return out;
}

describe('RequestParser: multibulk', () => {
  it('parses commands with binary, empty and large arguments', () => {
    const big = 'x'.repeat(100_000);
    const { requests, error } = parseAll(`*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n\x00\r\n\xff\r\n*2\r\n$4\r\nECHO\r\n$100000\r\n${big}\r\n`);
    expect(error).toBeNull();
    expect(requests).toEqual([
      ['SET', '', '\x00\r\n\xff'],
      ['ECHO', big],
    ]);
  });

  it('skips *0 and *-1 and negative counts down to LLONG_MIN', () => {
    expect(parseAll('*0\r\n*-1\r\n*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n')).toEqual({ requests: [['PING']], error: null });
  });

  it.each([
    ['*-0\r\n', 'invalid multibulk length'],
    ['*01\r\n', 'invalid multibulk length'],
    ['*+1\r\n', 'invalid multibulk length'],
    ['* 1\r\n', 'invalid multibulk length'],
    ['*1x\r\n', 'invalid multibulk length'],
    ['*\r\n', 'invalid multibulk length'],
    ['*2147483648\r\n', 'invalid multibulk length'],
    ['*-9223372036854775809\r\n', 'invalid multibulk length'],
    ['*123456789012345678901\r\n', 'invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$-0\r\n', 'invalid bulk length'],
    ['*1\r\n$00\r\n', 'invalid bulk length'],
    ['*1\r\n$\r\n', 'invalid bulk length'],
    ['*1\r\n$9007199254740993\r\n', 'invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'invalid bulk length'],
    ['*1\r\nx\r\n', "expected '$', got 'x'"],
    ['*1\r\n\r\n', "expected '$', got '\r'"],
    ['*1\r\n\xff\r\n', "expected '$', got '\xff'"],
    ['*2\r\n$1\r\na\r\n*1\r\n', "expected '$', got '*'"],
  ])('%j is a protocol error: %s', (input, message) => {
    expect(parseAll(input).error).toBe(message);
  });

  it('accepts a bulk exactly at proto-max-bulk-len and refuses one byte more', () => {
    expect(parseAll('*1\r\n$10\r\n', parser(10)).error).toBeNull();
    expect(parseAll('*1\r\n$11\r\n', parser(10)).error).toBe('invalid bulk length');
  });

  it('reads a new limit for the next header', () => {
    const limits = { maxBulkLen: 10 };
    const p = new RequestParser(limits);
    expect(parseAll('*1\r\n$5\r\nhello\r\n', p).requests).toEqual([['hello']]);
    limits.maxBulkLen = 4;
    expect(parseAll('*1\r\n$5\r\nhello\r\n', p).error).toBe('invalid bulk length');
  });

  it('applies the unauthenticated limits only while authentication is required', () => {
    const p = parser();
    p.authRequired = true;
    expect(parseAll('*10\r\n', p).error).toBeNull();
    expect(parseAll('*11\r\n', parser()).error).toBeNull();
    const q = parser();
    q.authRequired = true;
    expect(parseAll('*11\r\n', q).error).toBe('unauthenticated multibulk length');
    const r = parser();
    r.authRequired = true;
    expect(parseAll(`*1\r\n$16384\r\n`, r).error).toBeNull();
    const s = parser();
    s.authRequired = true;
    expect(parseAll(`*1\r\n$16385\r\n`, s).error).toBe('unauthenticated bulk length');
  });

  it('does not check the bytes after a CR or after a payload, as Redis does not', () => {
    expect(parseAll('*2\rx$4\rxPING!!$1\rxa!!').requests).toEqual([['PING', 'a']]);
  });

  it('waits for a line end hidden behind a NUL byte, then errors past the line limit', () => {
    expect(parseAll('*1\r\n$\x003\r\nfoo\r\n')).toEqual({ requests: [], error: null });
    expect(parseAll('*\x001\r\n')).toEqual({ requests: [], error: null });
    expect(parseAll('*1\r\n$\x00' + 'x'.repeat(PROTO_INLINE_MAX_SIZE) + '\r\n').error).toBe('too big bulk count string');
    expect(parseAll('*\x00' + 'x'.repeat(PROTO_INLINE_MAX_SIZE) + '\r\n').error).toBe('too big mbulk count string');
  });

  it('errors on header lines longer than 64 KB without a CR, and only then', () => {
    expect(parseAll('*' + '1'.repeat(PROTO_INLINE_MAX_SIZE - 1)).error).toBeNull();
    expect(parseAll('*' + '1'.repeat(PROTO_INLINE_MAX_SIZE)).error).toBe('too big mbulk count string');
    expect(parseAll('*1\r\n$' + '1'.repeat(PROTO_INLINE_MAX_SIZE)).error).toBe('too big bulk count string');
  });

  it('keeps a large payload in pieces until it is complete', () => {
    const p = parser();
    const payload = Buffer.alloc(1_000_000, 0x61);
    p.feed(latin1('*2\r\n$3\r\nSET\r\n$1000000\r\n'));
    expect(p.next()).toBeNull();
    for (let i = 0; i < payload.length; i += 65536) {
      p.feed(payload.subarray(i, i + 65536));
      expect(p.next()).toBeNull();
      expect(p.bufferedBytes).toBe(Math.min(i + 65536, payload.length));
    }
    p.feed(latin1('\r\n*1\r\n$4\r\nPING\r\n'));
    const argv = p.next()!;
    expect(argv[0]).toBe('SET');
    expect(argv[1]!.length).toBe(1_000_000);
    expect(p.next()).toEqual(['PING']);
    expect(p.next()).toBeNull();
    expect(p.bufferedBytes).toBe(0);
  });

  it('copies arguments out of the received chunk', () => {
    const chunk = latin1('*1\r\n$5\r\nhello\r\n');
    const p = parser();
    p.feed(chunk);
    const argv = p.next()!;
    chunk.fill(0x7a);
    expect(argv).toEqual(['hello']);
  });
});

describe('RequestParser: inline', () => {
  it('splits like sdssplitargs, with or without CR, skipping empty lines', () => {
    expect(parseAll('PING\r\n\r\n\n   \r\nPING "a b"\nset k \'it\\\'s\' "\\x00\\xff\\n"\r\n').requests).toEqual([
      ['PING'],
      ['PING', 'a b'],
      ['set', 'k', "it's", '\x00\xff\n'],
    ]);
  });

  it.each([
    ['PING "a\r\n', 'unbalanced quotes in request'],
    ['PING "a"b\r\n', 'unbalanced quotes in request'],
    ["PING 'a\r\n", 'unbalanced quotes in request'],
  ])('%j is a protocol error: %s', (input, message) => {
    expect(parseAll(input).error).toBe(message);
  });

  it('errors on an inline request over 64 KB without a newline, and waits below that', () => {
    expect(parseAll('x'.repeat(PROTO_INLINE_MAX_SIZE)).error).toBeNull();
    expect(parseAll('x'.repeat(PROTO_INLINE_MAX_SIZE + 1)).error).toBe('too big inline request');
    expect(parseAll('ECHO ' + 'x'.repeat(PROTO_INLINE_MAX_SIZE * 2) + '\n').requests[0]![1]!.length).toBe(PROTO_INLINE_MAX_SIZE * 2);
  });

  it('waits when a NUL precedes the newline (strchr stops there)', () => {
    expect(parseAll('PI\x00NG\r\nPING\r\n')).toEqual({ requests: [], error: null });
  });
});

/** One request, and how it is written on the wire. */
interface Encoded {
  argv: string[];
  wire: string;
}

const byteString = (maxLength: number) =>
  fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes).toString('latin1'));

/** Arguments biased toward the characters that matter to the protocol. */
const arg = fc.oneof(
  byteString(40),
  fc.constantFrom('', '\r\n', '*1', '$3', '"', "'", ' ', '\x00', 'PING'),
  fc.string({ unit: fc.constantFrom('a', '\r', '\n', '$', '*', '0', '-', ' ', '\x00'), maxLength: 20 }),
);

const multibulk: fc.Arbitrary<Encoded> = fc.array(arg, { minLength: 1, maxLength: 6 }).map((argv) => ({
  argv,
  wire: `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''),
}));

/** Inline: each argument written as a double-quoted string of \xHH escapes, or bare when that is safe. */
const inline: fc.Arbitrary<Encoded> = fc
  .tuple(fc.array(arg, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.constantFrom(' ', '  ', '\t'))
  .map(([argv, crlf, sep]) => {
    const words = argv.map((a) =>
      /^[A-Za-z0-9]+$/.test(a) ? a : '"' + [...a].map((c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('') + '"',
    );
    // A leading '*' would make it a multibulk request: an inline request starting with '*' is impossible.
    return { argv, wire: words.join(sep) + (crlf ? '\r\n' : '\n') };
  });

/** Things Redis skips: empty inline lines and empty multibulks. */
const noise: fc.Arbitrary<Encoded> = fc
  .constantFrom('\r\n', '\n', '   \r\n', '*0\r\n', '*-1\r\n')
  .map((wire) => ({ argv: [], wire }));

describe('RequestParser: properties', () => {
  it('parses any valid stream the same way, however it is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: multibulk }, { weight: 2, arbitrary: inline }, { weight: 1, arbitrary: noise }), {
          maxLength: 30,
        }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (requests, points) => {
          const stream = latin1(requests.map((r) => r.wire).join(''));
          const expected = requests.filter((r) => r.argv.length > 0).map((r) => r.argv);
          const { requests: got, error } = parseChunks(cut(stream, points));
          expect(error).toBeNull();
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses byte by byte the same as in one piece', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(multibulk, inline, noise), { maxLength: 10 }), (requests) => {
        const stream = latin1(requests.map((r) => r.wire).join(''));
        const bytes = [...stream].map((b) => Buffer.from([b]));
        expect(parseChunks(bytes)).toEqual(parseChunks([stream]));
      }),
      { numRuns: 200 },
    );
  });

  it('turns random garbage into requests or a ProtocolError, never another exception or a hang, whatever the chunking', () => {
    const garbageByte = fc.oneof(
      fc.constantFrom(...[...'*$\r\n0123456789- "\'\\xPING'].map((c) => c.charCodeAt(0)), 0),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(garbageByte, { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, points) => {
        const data = Buffer.from(bytes);
        const whole = parseChunks([data], parser(1000));
        const chunked = parseChunks(cut(data, points), parser(1000));
        // Chunking changes nothing: same requests, same error.
        expect(chunked).toEqual(whole);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });
});

describe('RequestParser: borrowed chunks', () => {
  it('copies out what is left of a borrowed chunk on release, so the memory can be reused', () => {
    fc.assert(
      fc.property(fc.array(multibulk, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 20 }), (requests, points) => {
        const stream = latin1(requests.map((r) => r.wire).join(''));
        const shared = Buffer.alloc(stream.length);
        const p = parser();
        const got: string[][] = [];
        for (const chunk of cut(stream, points)) {
          chunk.copy(shared);
          p.feed(shared.subarray(0, chunk.length), true);
          for (let argv = p.next(); argv !== null; argv = p.next()) got.push(argv);
          p.release();
          shared.fill(0x21); // the next read overwrites the shared buffer
        }
        expect(got).toEqual(requests.map((r) => r.argv));
      }),
      { numRuns: 300 },
    );
  });
});

describe('argument strings', () => {
  it('latin1String copies any bytes of any length exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(5), (bytes, offset) => {
        const buf = Buffer.concat([Buffer.alloc(offset, 0x2a), Buffer.from(bytes)]);
        expect(latin1String(buf, offset, buf.length)).toBe(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('recognises known command names from their bytes, and only those', () => {
    const names = new NameInterner();
    for (const n of ['get', 'GET', 'set', 'SET', 'client', 'CLIENT']) names.add(n);
    const find = (s: string) => names.find(latin1(`xx${s}yy`), 2, 2 + s.length);
    expect(find('GET')).toBe('GET');
    expect(find('client')).toBe('client');
    expect(find('Get')).toBeUndefined();
    expect(find('GETX')).toBeUndefined();
    expect(find('')).toBeUndefined();
    expect(find('x'.repeat(40))).toBeUndefined();
  });

  it('recognises a name again after others, whatever was found last', () => {
    const names = new NameInterner();
    for (const n of ['get', 'GET', 'set', 'SET', 'ping']) names.add(n);
    const find = (s: string) => names.find(latin1(`*${s}\r\n`), 1, 1 + s.length);
    expect(find('')).toBeUndefined();
    for (const s of ['GET', 'GET', 'SET', 'set', 'get', 'GEX', 'GET', 'ping', 'pinG', 'ping']) {
      expect(find(s), s).toBe(['get', 'GET', 'set', 'SET', 'ping'].includes(s) ? s : undefined);
    }
  });

  it('asks the interner for the command name of a multibulk request, and only for it', () => {
    const names = new NameInterner();
    names.add('GET');
    const asked: string[] = [];
    const find = names.find.bind(names);
    names.find = (buf, s, e) => {
      asked.push(buf.toString('latin1', s, e));
      return find(buf, s, e);
    };
    const parser = new RequestParser({ maxBulkLen: 1 << 30 }, names);
    parser.feed(latin1('*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n*2\r\n$3\r\nGET\r\n$3\r\nGET\r\n'));
    expect(parser.next()).toEqual(['GET', 'key']);
    expect(parser.next()).toEqual(['GET', 'GET']);
    expect(asked).toEqual(['GET', 'GET']);
  });

  it('parses the same with a name interner as without', () => {
    const names = new NameInterner();
    for (const n of ['PING', 'ping', 'a', '', '\x00', 'SET', 'get']) names.add(n);
    fc.assert(
      fc.property(fc.array(fc.oneof(multibulk, inline, noise), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (requests, points) => {
        const stream = latin1(requests.map((r) => r.wire).join(''));
        const chunks = cut(stream, points);
        expect(parseChunks(chunks, new RequestParser({ maxBulkLen: 1 << 30 }, names))).toEqual(parseChunks(chunks));
      }),
      { numRuns: 300 },
    );
  });
});
