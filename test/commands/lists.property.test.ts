import fc from 'fast-check';
import { differentialProperty, someOf, type DiffOp } from '../helpers/differential.js';

const ELEMENTS = ['a', 'b', 'c', '', '1', 'a\0b', 'x'.repeat(40)];
const INDEXES = ['0', '1', '2', '-1', '-2', '-5', '5', '100', '-100', 'x', '9223372036854775807', '-9223372036854775808'];
const COUNTS = ['0', '1', '2', '3', '-1', '-2', '10', 'x'];

// Mostly the two list keys so that they grow and shrink; sometimes a string and a missing key.
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constant('l1') },
  { weight: 3, arbitrary: fc.constant('l2') },
  { weight: 1, arbitrary: fc.constantFrom('str', 'nokey') },
);
const element = fc.constantFrom(...ELEMENTS);
const index = fc.constantFrom(...INDEXES);
const count = fc.constantFrom(...COUNTS);
const side = fc.constantFrom('LEFT', 'RIGHT', 'left', 'UP');
const w = (weight: number, arbitrary: fc.Arbitrary<DiffOp>) => ({ weight, arbitrary });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const listOps: fc.Arbitrary<DiffOp> = fc.oneof(
  w(8, fc.tuple(fc.constantFrom('LPUSH', 'RPUSH'), key, someOf(ELEMENTS, 1, 5)).map(([c, k, e]) => ({ argv: [c, k, ...e] }))),
  w(2, fc.tuple(fc.constantFrom('LPUSHX', 'RPUSHX'), key, someOf(ELEMENTS, 1, 3)).map(([c, k, e]) => ({ argv: [c, k, ...e] }))),
  w(5, fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, opt(count)).map(([c, k, n]) => ({ argv: n === undefined ? [c, k] : [c, k, n] }))),
  w(3, key.map((k) => ({ argv: ['LLEN', k] }))),
  w(5, fc.tuple(key, index, index).map(([k, a, b]) => ({ argv: ['LRANGE', k, a, b] }))),
  w(3, fc.tuple(key, index).map(([k, i]) => ({ argv: ['LINDEX', k, i] }))),
  w(3, fc.tuple(key, index, element).map(([k, i, e]) => ({ argv: ['LSET', k, i, e] }))),
  w(3, fc.tuple(key, fc.constantFrom('BEFORE', 'AFTER', 'after', 'NEAR'), element, element).map(([k, where, p, e]) => ({ argv: ['LINSERT', k, where, p, e] }))),
  w(3, fc.tuple(key, count, element).map(([k, n, e]) => ({ argv: ['LREM', k, n, e] }))),
  w(2, fc.tuple(key, index, index).map(([k, a, b]) => ({ argv: ['LTRIM', k, a, b] }))),
  w(
    4,
    fc
      .tuple(key, element, opt(fc.constantFrom('1', '2', '-1', '-2', '0', '5')), opt(count), opt(fc.constantFrom('0', '1', '3', '-1')))
      .map(([k, e, rank, n, maxlen]) => ({
        argv: ['LPOS', k, e, ...(rank !== undefined ? ['RANK', rank] : []), ...(n !== undefined ? ['COUNT', n] : []), ...(maxlen !== undefined ? ['MAXLEN', maxlen] : [])],
      })),
  ),
  w(3, fc.tuple(key, key, side, side).map(([a, b, f, t]) => ({ argv: ['LMOVE', a, b, f, t] }))),
  w(2, fc.tuple(key, key).map(([a, b]) => ({ argv: ['RPOPLPUSH', a, b] }))),
  w(3, fc.tuple(fc.array(key, { minLength: 1, maxLength: 3 }), side, opt(count)).map(([ks, s, n]) => ({
    argv: ['LMPOP', String(ks.length), ...ks, s, ...(n !== undefined ? ['COUNT', n] : [])],
  }))),
  // Blocking forms that find data (or answer at once: a tiny timeout never elapses before data is checked)
  w(2, fc.tuple(fc.constantFrom('BLPOP', 'BRPOP'), fc.array(key, { minLength: 1, maxLength: 3 })).map(([c, ks]) => ({ argv: [c, ...ks, '0.001'] }))),
  w(1, fc.tuple(key, key, side, side).map(([a, b, f, t]) => ({ argv: ['BLMOVE', a, b, f, t, '0.001'] }))),
  w(1, key.map((k) => ({ argv: ['TYPE', k] }))),
  w(1, key.map((k) => ({ argv: ['DEL', k] }))),
  w(1, fc.tuple(key, key).map(([a, b]) => ({ argv: ['COPY', a, b, 'REPLACE'] }))),
);

differentialProperty('list commands', listOps, { setup: [['SET', 'str', 'v']], numRuns: 25, maxOps: 60 });
