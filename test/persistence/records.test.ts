import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkStream, encodeRecord, RecordFormatError, RecordReader, RecordStream, selectRecord } from '../../src/persistence/records.js';

const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const argvArb = fc.array(latin1, { minLength: 1, maxLength: 6 });

/** Feeds `bytes` in the given chunk sizes and collects every record. */
function readAll(bytes: Buffer, cuts: number[]): string[][] {
  const reader = new RecordReader();
  const out: string[][] = [];
  let at = 0;
  const sizes = [...cuts, bytes.length];
  for (const size of sizes) {
    const end = Math.min(bytes.length, at + Math.max(0, size));
    reader.feed(bytes.subarray(at, end));
    at = end;
    for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
    if (at >= bytes.length) break;
  }
  return out;
}

describe('records: the RESP form of the log', () => {
  it('encodes as a client sends a command (Redis AOF format)', () => {
    expect(encodeRecord(['SET', 'k', 'v'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(encodeRecord(['SET', 'k', ''])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
    expect(selectRecord(3)).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n');
  });

  it('round-trips any binary argv, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(argvArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }), (records, cuts) => {
        const bytes = Buffer.from(records.map(encodeRecord).join(''), 'latin1');
        expect(readAll(bytes, cuts)).toEqual(records);
      }),
    );
  });

  it('a cut record is not returned, and offset is where the last whole record ended', () => {
    const a = encodeRecord(['SET', 'a', '1']);
    const b = encodeRecord(['SET', 'bb', '22']);
    const bytes = Buffer.from(a + b, 'latin1');
    for (let cut = a.length; cut < bytes.length; cut++) {
      const reader = new RecordReader();
      reader.feed(bytes.subarray(0, cut));
      expect(reader.next()).toEqual(['SET', 'a', '1']);
      expect(reader.next()).toBeNull();
      expect(reader.offset).toBe(a.length);
      expect(reader.buffered).toBe(cut - a.length);
    }
  });

  it('names the offset of bytes that cannot be a record', () => {
    const a = encodeRecord(['SET', 'a', '1']);
    const cases: [string, number][] = [
      [a + 'X3\r\n', a.length],
      [a + '*2\r\n$3\r\nGETX\r\n', a.length + 11],
      [a + '*2\r\n#3\r\n', a.length + 4],
      [a + '*x\r\n', a.length],
      [a + '*0\r\n', a.length],
    ];
    for (const [text, offset] of cases) {
      const reader = new RecordReader();
      reader.feed(Buffer.from(text, 'latin1'));
      reader.next();
      let error: unknown = null;
      try {
        reader.next();
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(RecordFormatError);
      expect((error as RecordFormatError).offset, JSON.stringify(text)).toBe(offset);
    }
  });

  it('skips Redis 7 annotation lines', () => {
    const reader = new RecordReader();
    reader.feed(Buffer.from('#TS:1700000000\r\n' + encodeRecord(['PING']), 'latin1'));
    expect(reader.next()).toEqual(['PING']);
  });

  it('RecordStream selects a database only when it changes, and wraps groups in MULTI/EXEC', () => {
    const s = new RecordStream();
    s.add(0, encodeRecord(['SET', 'a', '1']));
    s.add(0, encodeRecord(['SET', 'b', '1']));
    s.addAtomic([1, 0], [encodeRecord(['DEL', 'x']), encodeRecord(['SET', 'c', '1'])]);
    s.addAtomic([0], [encodeRecord(['SET', 'd', '1'])]);
    const records = readAll(Buffer.from(s.take(), 'latin1'), []);
    expect(records).toEqual([
      ['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '1'],
      ['MULTI'], ['SELECT', '1'], ['DEL', 'x'], ['SELECT', '0'], ['SET', 'c', '1'], ['EXEC'],
      ['SET', 'd', '1'],
    ]);
  });

  it('ChunkStream writes the same bytes as RecordStream, whatever the chunk size (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), argvArb, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 8, max: 200 }),
        (items, chunkSize) => {
          const a = new RecordStream();
          const b = new ChunkStream(chunkSize);
          const taken: Buffer[] = [];
          for (const [db, argv, asSet] of items) {
            if (asSet && argv.length >= 2) {
              a.add(db, encodeRecord(['SET', argv[0]!, argv[1]!]));
              b.addSet(db, argv[0]!, argv[1]!);
            } else {
              a.add(db, encodeRecord(argv));
              b.add(db, encodeRecord(argv));
            }
            if (b.length > chunkSize * 2) taken.push(...b.take());
          }
          taken.push(...b.take());
          expect(b.length).toBe(0);
          expect(Buffer.concat(taken).toString('latin1')).toBe(a.take());
        },
      ),
    );
  });
});
