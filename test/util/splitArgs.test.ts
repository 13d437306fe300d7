import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/util/splitArgs.js';

describe('splitArgs (sdssplitargs)', () => {
  // Inline "RPUSH lst <line>" then LRANGE on redis-server 7.0.15; null is
  // "-ERR Protocol error: unbalanced quotes in request".
  it.each<[string, string[] | null]>([
    [`"\\x41\\x4a" 'a\\'b' "a\\"b"`, ['AJ', "a'b", 'a"b']],
    [`"\\xZZ"`, ['xZZ']], // not two hex digits: "\x" is just 'x'
    [`"\\x"`, ['x']],
    [`"\\xfF\\x00"`, ['\xff\x00']],
    [`"\\n\\r\\t\\b\\a\\q"`, ['\n\r\t\b\x07q']],
    [`'a\\nb'`, ['a\\nb']], // single quotes only know \'
    [`'' ""`, ['', '']],
    [`a"b c" d`, ['ab c', 'd']], // a quote may open mid-argument
    [`x'y z'`, ['xy z']],
    ['a\vb \fc', ['a\vb', 'c']], // \v and \f end nothing inside an argument, but are skipped between
    ['a\tb', ['a', 'b']],
    [`"a"b`, null], // closing quote must be followed by a space or the end
    [`'a'b`, null],
    [`a"b c"d`, null],
    [`"abc`, null],
    [`"abc\\`, null],
    [`\\"a`, null], // backslash means nothing outside quotes
  ])('%j', (line, expected) => {
    expect(splitArgs(line)).toEqual(expected);
  });

  it('returns [] for empty and blank lines', () => {
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs(' \t\r\n\v\f ')).toEqual([]);
  });

  it('accepts a closing quote followed by any isspace char', () => {
    for (const ws of [' ', '\t', '\n', '\v', '\f', '\r']) expect(splitArgs(`"a"${ws}b`)).toEqual(['a', 'b']);
  });

  it('ends the line at the first NUL, as the C string does', () => {
    expect(splitArgs('a\0 b')).toEqual(['a']);
    expect(splitArgs('"a\0"')).toBeNull();
    const text = fc.string({ unit: fc.constantFrom(...'ab "\'\\x4 \t'.split('')), maxLength: 12 });
    fc.assert(fc.property(text, text, (a, b) => {
      expect(splitArgs(a + '\0' + b)).toEqual(splitArgs(a));
    }));
  });
});

/** Redis sdscatrepr(): how redis-cli and MONITOR quote an argument. */
function repr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

describe('splitArgs properties', () => {
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 12 });
  const blanks = fc.string({ unit: fc.constantFrom(' ', '\t', '\v', '\f', '\r', '\n'), minLength: 1, maxLength: 3 });

  it('reads back any arguments quoted the way sdscatrepr() writes them', () => {
    fc.assert(fc.property(fc.array(fc.tuple(latin1, blanks), { maxLength: 6 }), blanks, (parts, lead) => {
      const line = lead + parts.map(([arg, ws]) => repr(arg) + ws).join('');
      expect(splitArgs(line)).toEqual(parts.map(([arg]) => arg));
    }));
  });

  it('splits plain words on blanks', () => {
    const word = fc.string({
      unit: fc.integer({ min: 1, max: 255 }).filter((c) => c !== 0x22 && c !== 0x27 && !(c === 0x20 || (c >= 0x09 && c <= 0x0d))).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 8,
    });
    // Only these four end an unquoted argument (\v and \f do not).
    const separators = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), minLength: 1, maxLength: 3 });
    fc.assert(fc.property(fc.array(word, { maxLength: 6 }), separators, (words, ws) => {
      expect(splitArgs(words.join(ws))).toEqual(words);
    }));
  });
});
