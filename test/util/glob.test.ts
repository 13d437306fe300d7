import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLiteralPattern, isMatchAllPattern, stringMatch } from '../../src/util/glob.js';
import { propertyRuns } from '../helpers/runs.js';

describe('stringMatch', () => {
  it.each([
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h*llo', 'hllo', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true], // reversed range
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['user:*:name', 'user:42:name', true],
    ['a*', 'a', true],
    ['a*?', 'a', false],
    ['a**b', 'ab', true],
    ['', '', true],
    ['', 'a', false],
  ])('%j vs %j -> %s', (pattern, s, expected) => {
    expect(stringMatch(pattern, s)).toBe(expected);
  });

  // Captured from redis-server 7.0.15 with KEYS over the keys \ [ a [\ "" ] ^
  // (KEYS "*" short-circuits, so "" is only listed for that exact pattern).
  it.each([
    ['[\\', ['\\']],
    ['[', []],
    ['[^', ['[', '\\', ']', '^', 'a']],
    ['[^\\', ['[', ']', '^', 'a']],
    ['\\', ['\\']],
    ['[]', []],
    ['[]]', []],
    ['[^]', ['[', '\\', ']', '^', 'a']],
    ['[a-', ['a']],
    ['[\\]', [']']],
    ['[\\]]', [']']],
    ['[]-a]', []],
    ['**', ['[', '[\\', '\\', ']', '^', 'a']],
    ['*\\', ['[\\', '\\']],
    ['?*', ['[', '[\\', '\\', ']', '^', 'a']],
    ['[!]', []],
  ])('malformed pattern %j selects the same keys as Redis', (pattern, keys) => {
    const all = ['\\', '[', 'a', '[\\', '', ']', '^'];
    expect(all.filter((k) => stringMatch(pattern, k)).sort()).toEqual([...keys].sort());
  });

  it('does not match the empty string with "*" (KEYS/SCAN special-case it)', () => {
    // Redis 7.0.15: PSUBSCRIBE * does not receive PUBLISH "" (0 receivers), SCAN MATCH **
    // skips the empty key while SCAN MATCH * returns it.
    expect(stringMatch('*', '')).toBe(false);
    expect(stringMatch('**', '')).toBe(false);
    expect(isMatchAllPattern('*')).toBe(true);
    expect(isMatchAllPattern('**')).toBe(false);
  });

  it('compares range bounds as signed chars like the C code', () => {
    // KEYS "[a-\xe9]a" on 7.0.15 matched "\\a", "Aa", "]a", "[a" but not "ca":
    // 0xe9 is -23 as a char, so the range is -23..97.
    for (const k of ['\\a', 'Aa', ']a', '[a', '\x00a', '\xffa']) expect(stringMatch('[a-\xe9]a', k)).toBe(true);
    for (const k of ['ca', 'ba']) expect(stringMatch('[a-\xe9]a', k)).toBe(false);
    // "é?[--é-" did not match "éaB": '-'..'é' is -23..45, which excludes 'B'.
    expect(stringMatch('\xe9?[--\xe9-', '\xe9aB')).toBe(false);
  });

  it('folds only ASCII letters with nocase', () => {
    expect(stringMatch('HELLO*', 'hello world', true)).toBe(true);
    expect(stringMatch('[A-C]x', 'bX', true)).toBe(true);
    expect(stringMatch('\xc9', '\xe9', true)).toBe(false);
    // Escaped chars inside a class compare case-sensitively even with nocase.
    expect(stringMatch('[\\A]', 'a', true)).toBe(false);
    expect(stringMatch('[A]', 'a', true)).toBe(true);
    // Bounds are lowered after the swap, so a mixed-case range can become empty.
    expect(stringMatch('[Z-a]', 'z', true)).toBe(false);
    expect(stringMatch('[Z-a]', '_', false)).toBe(true);
  });

  it('stops at 1000 nested stars like Redis 7.0.15', () => {
    // KEYS with 1000 "*a" groups matched a key of 2000 'a's; 1001 groups did not.
    const key = 'a'.repeat(2000);
    expect(stringMatch('*a'.repeat(1000), key)).toBe(true);
    expect(stringMatch('*a'.repeat(1001), key)).toBe(false);
  });

  it('does not backtrack exponentially on hostile patterns', () => {
    const started = performance.now();
    expect(stringMatch('*a'.repeat(40) + 'b', 'a'.repeat(200))).toBe(false);
    expect(stringMatch('a*'.repeat(300) + 'b', 'a'.repeat(3000))).toBe(false);
    expect(stringMatch('*?'.repeat(500) + 'x', 'y'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

// A reference for well-formed patterns: translate to a RegExp. Only the empty string
// differs structurally: Redis never lets '*' match when nothing is left to consume.
type Piece = { glob: string; re: string };

function reEscape(c: string): string {
  return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
}

const LETTERS = 'abcAB-_:';

function pieceArb(nocase: boolean): fc.Arbitrary<Piece> {
  const lit = fc.constantFrom(...(LETTERS + '\xe9\x00 ').split(''));
  const lower = fc.constantFrom(...'abcdxyz'.split(''));
  const rangeEnd = nocase ? lower : fc.constantFrom(...'abcAZ09'.split(''));
  return fc.oneof(
    lit.map((c) => ({ glob: c, re: reEscape(c) })),
    fc.constant({ glob: '*', re: '[\\s\\S]*' }),
    fc.constant({ glob: '?', re: '[\\s\\S]' }),
    fc.constantFrom(...'*?[]\\'.split('')).map((c) => ({ glob: '\\' + c, re: reEscape(c) })),
    fc
      .tuple(fc.boolean(), fc.array(fc.oneof(lit.map((c) => [c] as const), fc.tuple(rangeEnd, rangeEnd)), { minLength: 1, maxLength: 3 }))
      .filter(([, items]) => items.every((it) => it.length === 2 || (it[0] !== ']' && it[0] !== '^' && it[0] !== '-')))
      .map(([not, items]) => {
        let glob = not ? '[^' : '[';
        let re = not ? '[^' : '[';
        for (const it of items) {
          if (it.length === 1) {
            glob += it[0] === '\\' ? '\\\\' : it[0];
            re += reEscape(it[0]);
          } else {
            const [a, b] = it[0] <= it[1] ? [it[0], it[1]] : [it[1], it[0]];
            glob += `${it[0]}-${it[1]}`;
            re += `${reEscape(a)}-${reEscape(b)}`;
          }
        }
        return { glob: glob + ']', re: re + ']' };
      }),
  );
}

function reference(pieces: Piece[], s: string, nocase: boolean): boolean {
  const pattern = pieces.map((p) => p.glob).join('');
  if (s === '') return pattern === '';
  return new RegExp('^' + pieces.map((p) => p.re).join('') + '$', nocase ? 'i' : '').test(s);
}

describe('stringMatch properties', () => {
  const subject = fc.string({ unit: fc.constantFrom(...'abcABxyz-_:\xe9\x00 *?'.split('')), maxLength: 12 });

  it('agrees with a RegExp translation of well-formed patterns', () => {
    fc.assert(
      fc.property(fc.array(pieceArb(false), { maxLength: 8 }), subject, (pieces, s) => {
        const pattern = pieces.map((p) => p.glob).join('');
        expect(stringMatch(pattern, s)).toBe(reference(pieces, s, false));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('agrees with a case-insensitive RegExp on ASCII with nocase', () => {
    const ascii = fc.string({ unit: fc.constantFrom(...'abcdxyzABCDXYZ-_:'.split('')), maxLength: 10 });
    fc.assert(
      fc.property(fc.array(pieceArb(true), { maxLength: 8 }), ascii, (pieces, s) => {
        const pattern = pieces.map((p) => p.glob).join('');
        expect(stringMatch(pattern, s, true)).toBe(reference(pieces, s, true));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('matches an escaped string exactly itself', () => {
    const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 10 });
    fc.assert(
      fc.property(latin1, latin1, (s, t) => {
        const escaped = s.replace(/[\s\S]/g, (c) => '\\' + c);
        expect(stringMatch(escaped, s)).toBe(true);
        expect(stringMatch(escaped, t)).toBe(s === t);
      }),
    );
  });

  it('treats literal patterns as plain equality, so callers may look keys up directly', () => {
    const chars = fc.string({ unit: fc.constantFrom(...'ab*?[]\\^-:\x00\xff'.split('')), maxLength: 8 });
    fc.assert(
      fc.property(chars, chars, (pattern, s) => {
        if (isLiteralPattern(pattern)) expect(stringMatch(pattern, s)).toBe(pattern === s);
      }),
    );
    expect(isLiteralPattern('user:1000')).toBe(true);
    expect(isLiteralPattern('a]b^c-')).toBe(true);
    for (const p of ['a*', 'a?', 'a[b]', 'a\\b']) expect(isLiteralPattern(p)).toBe(false);
  });
});
