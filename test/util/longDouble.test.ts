import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  longDoubleFromNumber,
  parseLongDouble,
  type LongDouble,
} from '../../src/util/longDouble.js';
import { propertyRuns } from '../helpers/runs.js';

const NOT_FLOAT = 'ERR value is not a valid float';
const NAN_OR_INF = 'ERR increment would produce NaN or Infinity';

/** What INCRBYFLOAT replies for SET k <current>; INCRBYFLOAT k <increment>. */
function incrByFloat(current: string, increment: string): string {
  const a = parseLongDouble(current);
  const b = parseLongDouble(increment);
  if (a === null || b === null) return NOT_FLOAT;
  const sum = addLongDouble(a, b);
  return isFiniteLongDouble(sum) ? formatLongDoubleHuman(sum) : NAN_OR_INF;
}

// SET k <a>; INCRBYFLOAT k <b> on redis-server 7.0.15.
const LONG_1E300_PLUS_1 =
  '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144';

describe('INCRBYFLOAT arithmetic', () => {
  it.each([
    ['0', '0.1', '0.1'],
    ['0.1', '0.2', '0.3'],
    ['1', '-1.1', '-0.1'],
    ['10.50', '0.1', '10.6'],
    ['10.6', '5.0e3', '5010.60000000000000009'],
    ['1e4', '1e-4', '10000.00009999999999977'],
    ['0', '1e-20', '0'],
    ['1.5e-7', '0', '0.00000015'],
    ['3.0', '0', '3'],
    ['0', '0x1p-18', '0.00000381469726562'], // exact 0.000003814697265625: tie to even
    ['0', '0x3p-18', '0.00001144409179688'], // exact 0.000011444091796875: tie to even
    ['0', '-0x1p-58', '0'], // "-0.00000000000000000" -> "-0" -> "0"
    ['0', '-0x1p-57', '-0.00000000000000001'],
    ['0', '0x1p-16445', '0'], // smallest subnormal long double
    ['0', '0x1p-16446', NOT_FLOAT], // rounds to zero: ERANGE
    ['5', '-5', '0'],
    ['-0', '-0', '0'],
    ['-1.5', '1.5', '0'],
    ['1e300', '1', LONG_1E300_PLUS_1],
    ['2.5', '0.0000000000000000005', '2.5'],
    ['1.18e4932', '1.18e4932', NAN_OR_INF],
    ['inf', '-inf', NAN_OR_INF],
    ['0', 'inf', NAN_OR_INF],
    ['0', 'INFINITY', NAN_OR_INF],
    ['0', 'nan', NOT_FLOAT],
    ['0', 'nan(123)', NOT_FLOAT],
    ['1', ' 1', NOT_FLOAT],
    ['1', '1 ', NOT_FLOAT],
    ['1', '\v1', NOT_FLOAT],
    ['1', '1\x00', NOT_FLOAT],
    ['1\x002', '1', NOT_FLOAT],
    ['12345678901234567890123', '0', '12345678901234567889920'],
    ['0.30000000000000004', '0', '0.30000000000000004'],
    ['9223372036854775807', '1', '9223372036854775808'],
    ['18446744073709551615', '1', '18446744073709551616'],
    ['18446744073709551616', '1', '18446744073709551616'],
    ['0.1', '0.7', '0.8'],
    ['100', '-0.01', '99.99'],
    ['1e-17', '4e-18', '0.00000000000000001'],
    ['1e-17', '5e-18', '0.00000000000000002'],
    ['3.14159265358979323846264338327950288', '0', '3.14159265358979324'],
    ['0x1.fffffffffffffffffp0', '0', '2'],
    ['0', '0x.8', '0.5'],
    ['0', '0x1P+2', '4'],
    ['0', '0e-99999999999999999999', '0'],
    ['0', '1e-4951', NOT_FLOAT],
    ['0', '1.19e4932', NOT_FLOAT],
  ])('SET k %j; INCRBYFLOAT k %j -> %j', (a, b, reply) => {
    expect(incrByFloat(a, b)).toBe(reply);
  });

  it('prints the long double nearest 1e4932 with all its digits', () => {
    const text = incrByFloat('0', '1e4932');
    // Captured from 7.0.15: 4933 digits starting like this, no fraction.
    expect(text).toHaveLength(4933);
    expect(text.startsWith('10000000000000000000060189493879638913238377742545331147737850413525330194866')).toBe(true);
    expect(text.endsWith('8418113791886622720')).toBe(true);
  });

  it('rejects inputs of 5120 chars or more (MAX_LONG_DOUBLE_CHARS)', () => {
    // 7.0.15: "1" + 5112 zeros + "e-5112" (5119 chars) adds 1; one more zero is refused.
    expect(incrByFloat('1', '1' + '0'.repeat(5112) + 'e-5112')).toBe('2');
    expect(incrByFloat('1', '1' + '0'.repeat(5113) + 'e-5113')).toBe(NOT_FLOAT);
    expect(incrByFloat('1'.padStart(5119, '0'), '0')).toBe('1');
    expect(incrByFloat('1'.padStart(5120, '0'), '0')).toBe(NOT_FLOAT);
  });

  it('stays cheap for absurd exponents', () => {
    const started = performance.now();
    expect(parseLongDouble('1e99999999999999999999')).toBeNull();
    expect(parseLongDouble('1e-99999999999999999999')).toBeNull();
    expect(parseLongDouble('0x1p-99999999999999999999')).toBeNull();
    expect(parseLongDouble('0x1p99999999999999999999')).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

const decimal = (maxInt: number, maxFrac: number) =>
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: maxInt }), fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: maxFrac }))
    .map(([neg, i, f]) => ({ neg, i, f }));

/** Exact value of a decimal in units of 10^-scale. */
function scaled({ neg, i, f }: { neg: boolean; i: number; f: string }, scale: number): bigint {
  const v = BigInt(i) * 10n ** BigInt(scale) + BigInt(f.padEnd(scale, '0') || '0');
  return neg ? -v : v;
}

/** Canonical human text of n × 10^-scale: no trailing zeros, "0" for zero. */
function human(n: bigint, scale: number): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : (neg ? '-' : '') + body;
}

const text = ({ neg, i, f }: { neg: boolean; i: number; f: string }) => `${neg ? '-' : ''}${i}${f ? '.' + f : ''}`;

describe('long double properties', () => {
  it('prints any decimal below 100 with up to 17 fraction digits back as written', () => {
    // 64 mantissa bits keep the error below half a unit of the 17th fraction digit here,
    // which is why Redis's INCRBYFLOAT output usually looks like what the user typed.
    fc.assert(fc.property(decimal(99, 17), (x) => {
      expect(incrByFloat(text(x), '0')).toBe(human(scaled(x, 17), 17));
    }), { numRuns: propertyRuns(5000) });
  });

  it('adds short decimals exactly as decimal arithmetic would (0.1 + 0.2 = 0.3)', () => {
    fc.assert(fc.property(decimal(15, 10), decimal(15, 10), (a, b) => {
      expect(incrByFloat(text(a), text(b))).toBe(human(scaled(a, 10) + scaled(b, 10), 10));
    }), { numRuns: propertyRuns(5000) });
  });

  it('adds integers exactly up to 64 bits', () => {
    const int = fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n });
    fc.assert(fc.property(int, int, (a, b) => {
      expect(incrByFloat(String(a), String(b))).toBe(String(a + b));
    }));
  });

  it('is commutative and has zero as identity', () => {
    const anyText = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      decimal(1_000_000, 25).map(text),
      fc.tuple(fc.bigInt({ min: 1n, max: 2n ** 80n }), fc.integer({ min: -16500, max: 16400 })).map(([m, e]) => `0x${m.toString(16)}p${e}`),
    );
    fc.assert(fc.property(anyText, anyText, (sa, sb) => {
      const a = parseLongDouble(sa);
      const b = parseLongDouble(sb);
      if (a === null || b === null) return;
      expect(addLongDouble(a, b)).toEqual(addLongDouble(b, a));
      // -0 + 0 is +0 under round-to-nearest, so zero is an identity only for non-zeros.
      if (a.kind !== 'finite' || a.mant !== 0n) expect(addLongDouble(a, parseLongDouble('0')!)).toEqual(a);
    }), { numRuns: propertyRuns(3000) });
  });

  it('holds every double exactly', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
      const x = longDoubleFromNumber(d) as Extract<LongDouble, { kind: 'finite' }>;
      expect(x.kind).toBe('finite');
      if (x.exp >= 0) expect(x.mant << BigInt(x.exp)).toBe(BigInt(Math.abs(d)));
      else expect(Number(x.mant) * 2 ** Math.max(x.exp, -1000) * 2 ** Math.min(0, x.exp + 1000)).toBe(Math.abs(d));
      if (Number.isInteger(d)) expect(formatLongDoubleHuman(x)).toBe(d === 0 ? '0' : BigInt(d).toString());
    }), { numRuns: propertyRuns(3000) });
  });
});
