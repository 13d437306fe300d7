import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOUBLE_FORMAT,
  X87_LONG_DOUBLE_FORMAT,
  decimalToFormat,
  roundToFormat,
  roundedToNumber,
  scanStrtod,
} from '../../src/util/strtod.js';
import { propertyRuns } from '../helpers/runs.js';

describe('scanStrtod', () => {
  it.each([
    ['1.50', { kind: 'dec', neg: false, digits: '15', exp10: -1 }],
    ['-0012.3400e2', { kind: 'dec', neg: true, digits: '1234', exp10: 0 }],
    ['.5', { kind: 'dec', neg: false, digits: '5', exp10: -1 }],
    ['5.', { kind: 'dec', neg: false, digits: '5', exp10: 0 }],
    ['-0', { kind: 'dec', neg: true, digits: '', exp10: 0 }],
    ['1000', { kind: 'dec', neg: false, digits: '1', exp10: 3 }],
    ['0x1.8p1', { kind: 'hex', neg: false, mant: 0x18n, exp2: -3 }],
    ['-0X.8', { kind: 'hex', neg: true, mant: 0x8n, exp2: -4 }],
    ['InFiNiTy', { kind: 'inf', neg: false }],
    ['-inf', { kind: 'inf', neg: true }],
    ['nan(abc_1)', { kind: 'nan' }],
  ])('%j', (s, token) => {
    expect(scanStrtod(s)).toEqual(token);
  });

  it.each(['', '.', '+', 'e1', '1e', '1e+', '0x', '0x.', '0xp1', '0x1p', ' 1', '1 ', 'infin', 'nan(', '1.2.3', '--1', '1f'])(
    'rejects %j',
    (s) => {
      expect(scanStrtod(s)).toBeNull();
    },
  );

  it('clamps huge exponents instead of losing them', () => {
    const t = scanStrtod('1e99999999999999999999999');
    expect(t).toMatchObject({ kind: 'dec', digits: '1' });
    expect(t?.kind === 'dec' ? t.exp10 : 0).toBeGreaterThan(1e9);
  });
});

describe('binary rounding', () => {
  it('rounds halfway to even, above halfway up', () => {
    // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: even mantissa wins.
    expect(roundToFormat(2n ** 53n + 1n, 0, false, DOUBLE_FORMAT)).toEqual({ mant: 2n ** 52n, exp: 1 });
    expect(roundToFormat(2n ** 53n + 3n, 0, false, DOUBLE_FORMAT)).toEqual({ mant: 2n ** 52n + 2n, exp: 1 });
    // sticky bits below make it more than halfway
    expect(roundToFormat(2n ** 53n + 1n, 0, true, DOUBLE_FORMAT)).toEqual({ mant: 2n ** 52n + 1n, exp: 1 });
    // carry out of the mantissa renormalises
    expect(roundToFormat(2n ** 65n - 1n, 0, false, X87_LONG_DOUBLE_FORMAT)).toEqual({ mant: 2n ** 63n, exp: 2 });
    expect(roundToFormat(2n ** 64n - 1n, 0, false, X87_LONG_DOUBLE_FORMAT)).toEqual({ mant: 2n ** 64n - 1n, exp: 0 });
  });

  it('flushes to subnormals and zero, and reports overflow', () => {
    expect(roundToFormat(1n, -1074, false, DOUBLE_FORMAT)).toEqual({ mant: 1n, exp: -1074 });
    expect(roundToFormat(1n, -1075, false, DOUBLE_FORMAT)!.mant).toBe(0n); // tie to even: zero
    expect(roundToFormat(3n, -1076, false, DOUBLE_FORMAT)).toEqual({ mant: 1n, exp: -1074 });
    expect(roundToFormat(1n, 1024, false, DOUBLE_FORMAT)).toBeNull();
    expect(roundToFormat(2n ** 53n - 1n, 971, false, DOUBLE_FORMAT)).toEqual({ mant: 2n ** 53n - 1n, exp: 971 });
  });

  it('converts decimal text exactly like Number() for doubles', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 1, maxLength: 40 });
    fc.assert(fc.property(digits, fc.integer({ min: -400, max: 330 }), (ds, e) => {
      const trimmed = ds.replace(/^0+/, '');
      if (trimmed === '') return;
      const expected = Number(`${trimmed}e${e}`);
      const r = decimalToFormat(trimmed, e, DOUBLE_FORMAT);
      if (!Number.isFinite(expected)) expect(r).toBeNull();
      else expect(roundedToNumber(r!, false)).toBe(expected);
    }), { numRuns: propertyRuns(5000) });
  });
});
