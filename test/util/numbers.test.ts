import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDouble,
  formatIntegralDouble,
  formatLongDouble,
  parseRedisDouble,
  parseStrictBigInt,
  parseStrictInt,
} from '../../src/util/numbers.js';
import { propertyRuns } from '../helpers/runs.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

describe('parseStrictBigInt (string2ll)', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['-1', -1n],
    ['99', 99n],
    ['-99', -99n],
    ['9223372036854775807', INT64_MAX],
    ['-9223372036854775808', INT64_MIN],
  ])('accepts %j', (s, v) => {
    expect(parseStrictBigInt(s)).toBe(v);
  });

  // All rejected by INCRBY on redis-server 7.0.15 with "value is not an integer or out of range".
  it.each([
    '', '-', '+1', ' 1', '1 ', '01', '00', '-0', '-01', '1.0', '1e3', '0x10', '1\x00',
    '9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616',
    '123456789012345678901',
  ])('rejects %j', (s) => {
    expect(parseStrictBigInt(s)).toBeNull();
  });

  it('accepts exactly the canonical decimal spelling of every int64', () => {
    fc.assert(fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (n) => {
      expect(parseStrictBigInt(String(n))).toBe(n);
    }));
    const text = fc.string({ unit: fc.constantFrom(...'0123456789-+ .'.split('')), maxLength: 21 });
    fc.assert(fc.property(text, (s) => {
      const v = parseStrictBigInt(s);
      const canonical = /^-?\d+$/.test(s) && String(BigInt(s)) === s && BigInt(s) >= INT64_MIN && BigInt(s) <= INT64_MAX;
      expect(v !== null).toBe(canonical);
      if (v !== null) expect(String(v)).toBe(s);
    }), { numRuns: propertyRuns(3000) });
  });
});

describe('parseStrictInt', () => {
  it('round-trips every safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => {
      expect(parseStrictInt(String(n))).toBe(n);
    }));
  });

  it('is null outside the safe range even for valid int64 text', () => {
    expect(parseStrictInt('9007199254740991')).toBe(9007199254740991);
    expect(parseStrictInt('-9007199254740991')).toBe(-9007199254740991);
    expect(parseStrictInt('9007199254740992')).toBeNull();
    expect(parseStrictInt('9223372036854775807')).toBeNull();
    expect(parseStrictBigInt('9007199254740992')).toBe(9007199254740992n);
  });

  it('agrees with parseStrictBigInt on arbitrary text', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789-+ x'.split('')), maxLength: 20 }),
      fc.bigInt({ min: INT64_MIN, max: INT64_MAX }).map(String),
    );
    fc.assert(fc.property(text, (s) => {
      const big = parseStrictBigInt(s);
      const safe = big !== null && big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
      expect(parseStrictInt(s)).toBe(safe ? Number(big) : null);
    }), { numRuns: propertyRuns(3000) });
  });
});

describe('parseRedisDouble (string2d)', () => {
  // Accepted by ZADD on redis-server 7.0.15 (ZSCORE shown where it is informative).
  it.each([
    ['1', 1], ['-1.5', -1.5], ['.5', 0.5], ['5.', 5], ['+5', 5], ['-.5e1', -5], ['1e+2', 100],
    ['00012', 12], ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['INF', Infinity],
    ['Infinity', Infinity], ['infinity', Infinity], ['-Infinity', -Infinity],
    ['0x1p3', 8], ['0X10', 16], ['0x1.8p1', 3], ['0x.8', 0.5], ['0x1P+2', 4],
    ['4.9e-324', 5e-324], ['1e-310', 1e-310], ['0x1p-1074', 5e-324], ['0x1.8p-1075', 5e-324],
    ['1.7976931348623157e308', 1.7976931348623157e308], ['0e-400', 0], ['0', 0],
    ['12345678901234567890', 12345678901234567890],
  ])('accepts %j', (s, v) => {
    expect(parseRedisDouble(s)).toBe(v);
  });

  it('keeps the sign of zero', () => {
    expect(Object.is(parseRedisDouble('-0'), -0)).toBe(true);
    expect(Object.is(parseRedisDouble('-0x0p0'), -0)).toBe(true);
  });

  // Rejected by ZADD on redis-server 7.0.15 with "value is not a valid float".
  it.each([
    '', ' 1', '1 ', '\t1', '\v1', 'nan', 'NaN', '-nan', 'nan(123)', '1e400', '-1e400', '1e-400', '-1e-400',
    '1.7976931348623159e308', '0x1p1024', '0x1p-1075', '0x', '0x.p1', '0xp1', '1e', '1e+', '1_0',
    'infinit', 'infinityx', 'inf ', '.', '+', '-', 'e5', '1\x00', '1\x002', '0b101', '1,5',
  ])('rejects %j', (s) => {
    expect(parseRedisDouble(s)).toBeNull();
  });

  it('has no length limit, unlike string2ld (a 5200-digit mantissa parses)', () => {
    expect(parseRedisDouble('1' + '0'.repeat(5200) + 'e-5200')).toBe(1);
    // ...but a long enough string of zeros is an underflow: 1e-6001 is rejected.
    expect(parseRedisDouble('0.' + '0'.repeat(6000) + '1')).toBeNull();
  });

  it('does not do big-number work for absurd exponents', () => {
    const started = performance.now();
    expect(parseRedisDouble('1e99999999999999999999')).toBeNull();
    expect(parseRedisDouble('0x1p-99999999999999999999')).toBeNull();
    expect(parseRedisDouble('0x1p99999999999999999999')).toBeNull();
    expect(parseRedisDouble('0e99999999999999999999')).toBe(0);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('reads back every double from its %.17g text and its shortest text', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (d) => {
      expect(Object.is(parseRedisDouble(formatDouble(d)), d)).toBe(true);
      if (Number.isFinite(d)) expect(parseRedisDouble(String(d)) === d).toBe(true); // String(-0) is "0"
    }), { numRuns: propertyRuns(5000) });
  });

  it('rounds hex floats to nearest even, exactly like decimal text of the same value', () => {
    // value = m × 2^e; its exact decimal expansion goes through Number(), which is
    // correctly rounded, so both routes must agree (null when that overflows or
    // underflows to zero).
    const exactDecimal = (m: bigint, e: number): string =>
      e >= 0 ? (m << BigInt(e)).toString() : `${m * 5n ** BigInt(-e)}e-${-e}`;
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 2n ** 70n }), fc.integer({ min: -1150, max: 1030 }), fc.boolean(), (m, e, neg) => {
      const sign = neg ? '-' : '';
      const viaDecimal = Number(sign + exactDecimal(m, e));
      const expected = !Number.isFinite(viaDecimal) || viaDecimal === 0 ? null : viaDecimal;
      expect(parseRedisDouble(`${sign}0x${m.toString(16)}p${e}`)).toBe(expected);
    }), { numRuns: propertyRuns(5000) });
  });
});

/** Independent %.17g: exact decimal expansion with BigInt, ties to even. */
function referenceG17(d: number): string {
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(d));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fracBits = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? fracBits : fracBits | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  // |d| = n / 10^k exactly
  const n = exp >= 0 ? mant << BigInt(exp) : mant * 5n ** BigInt(-exp);
  const k = exp >= 0 ? 0 : -exp;
  const all = n.toString();
  let x = all.length - 1 - k;
  let head = BigInt(all.slice(0, 17).padEnd(17, '0'));
  const rest = all.slice(17);
  if (rest !== '') {
    const half = BigInt('5'.padEnd(rest.length, '0'));
    const r = BigInt(rest);
    if (r > half || (r === half && head % 2n === 1n)) head += 1n;
  }
  let digits = head.toString();
  if (digits.length > 17) {
    digits = digits.slice(0, 17);
    x += 1;
  }
  const sign = d < 0 ? '-' : '';
  if (x < -4 || x >= 17) {
    const tail = digits.slice(1).replace(/0+$/, '');
    const ax = Math.abs(x);
    return `${sign}${digits[0]}${tail ? '.' + tail : ''}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
  }
  const intPart = x >= 0 ? digits.slice(0, x + 1) : '0';
  const frac = (x >= 0 ? digits.slice(x + 1) : '0'.repeat(-x - 1) + digits).replace(/0+$/, '');
  return sign + intPart + (frac ? '.' + frac : '');
}

describe('formatDouble (%.17g as addReplyDouble in 7.0)', () => {
  // ZADD z <input> m; ZSCORE z m on redis-server 7.0.15, skiplist encoding. RESP3
  // (HELLO 3) sends the same text as a double: ",1.1000000000000001\r\n".
  it.each([
    ['1.1', '1.1000000000000001'], ['3', '3'], ['1e20', '1e+20'], ['0.0001', '0.0001'],
    ['1e-5', '1.0000000000000001e-05'], ['-0', '-0'], ['0', '0'], ['inf', 'inf'], ['-inf', '-inf'],
    ['4.9e-324', '4.9406564584124654e-324'], ['1e-310', '9.9999999999999694e-311'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'], ['123456789012345678', '1.2345678901234568e+17'],
    ['0.1', '0.10000000000000001'], ['100', '100'], ['1e16', '10000000000000000'], ['1e17', '1e+17'],
    ['12345678901234567890', '1.2345678901234567e+19'], ['-1e-300', '-1e-300'], ['2.5e-5', '2.5000000000000001e-05'],
    ['1.0e-4', '0.0001'], ['9.9998886718268301e-321', '9.9998886718268301e-321'],
    // exactly halfway at the 17th digit: glibc rounds to even, toExponential would round up
    ['1.00000762939453125', '1.0000076293945312'],
  ])('ZSCORE of %j is %j', (input, text) => {
    expect(formatDouble(parseRedisDouble(input)!)).toBe(text);
  });

  it('matches an exact BigInt rendering of %.17g for any double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (d) => {
      expect(formatDouble(d)).toBe(referenceG17(d));
    }), { numRuns: propertyRuns(10000) });
  });

  it('rounds halfway cases to even (dyadic values with 18 significant digits)', () => {
    // n / 2^k with few fraction bits are the only doubles that can tie at 17 digits.
    const dyadic = fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 2 ** 22 }))
      .map(([n, k, i]) => (i * 2 ** 25 + n) / 2 ** k);
    fc.assert(fc.property(dyadic, (d) => {
      expect(formatDouble(d)).toBe(referenceG17(d));
      expect(formatDouble(-d)).toBe(referenceG17(-d));
    }), { numRuns: propertyRuns(10000) });
  });
});

describe('formatLongDouble (double approximation of INCRBYFLOAT output)', () => {
  it.each([
    [10.6, '10.6'], // SET k 10.50; INCRBYFLOAT k 0.1 -> "10.6" on 7.0.15
    [3, '3'], // SET k 3.0; INCRBYFLOAT k 0 -> "3"
    [1.5e-7, '0.00000015'], // SET k 1.5e-7; INCRBYFLOAT k 0 -> "0.00000015"
    [1e-20, '0'], // SET k 0; INCRBYFLOAT k 1e-20 -> "0"
    [-1e-18, '0'], // "-0.00000000000000000" stripped to "-0", printed as "0"
    [-0, '0'],
    [0.5, '0.5'],
    [-2.25, '-2.25'],
    [2 ** 70, '1180591620717411303424'],
    [2.5e-5, '0.000025'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%d -> %j', (d, text) => {
    expect(formatLongDouble(d)).toBe(text);
  });

  it('differs from Redis where long double precision shows (documented)', () => {
    // Redis 7.0.15 answers "0.3" and "5010.60000000000000009"; see longDouble.ts for the exact path.
    expect(formatLongDouble(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatLongDouble(5010.6)).toBe('5010.6');
  });

  it('never uses an exponent and reads back to the same double when short enough', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), (d) => {
      const text = formatLongDouble(d);
      expect(text).toMatch(/^-?\d+(\.\d{1,17})?$/);
      expect(text).not.toMatch(/\.\d*0$/);
      // At least one integer digit leaves at most 16 fraction digits, so nothing is cut.
      if (Math.abs(d) >= 1) expect(Number(text)).toBe(d);
    }), { numRuns: propertyRuns(5000) });
  });
});

describe('formatIntegralDouble', () => {
  it.each([
    [3, '3'], [-3, '-3'], [-0, '0'], [0, '0'], [1e20, '100000000000000000000'],
    [2 ** 70, '1180591620717411303424'], // exact value of the double 1e300 (Python: int(1e300))
    [1e300, '1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160'],
  ])('%d -> %j', (d, text) => {
    expect(formatIntegralDouble(d)).toBe(text);
  });

  it('rejects values that are not integral', () => {
    for (const d of [0.5, NaN, Infinity, -Infinity]) expect(() => formatIntegralDouble(d)).toThrow(RangeError);
  });
});
