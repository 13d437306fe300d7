// Exact emulation of the x87 `long double` arithmetic behind INCRBYFLOAT and
// HINCRBYFLOAT. Redis parses both operands with string2ld() (strtold), adds them in
// 80-bit extended precision (64-bit mantissa) and stores ld2string(LD_STR_HUMAN), i.e.
// "%.17Lf" with trailing zeros stripped. JS doubles cannot reproduce that: captured
// from redis-server 7.0.15,
//   SET k 0;  INCRBYFLOAT k 0.1; INCRBYFLOAT k 0.2   -> "0.3"   (doubles: 0.30000000000000004)
//   SET k 1;  INCRBYFLOAT k -1.1                     -> "-0.1"  (doubles: -0.10000000000000009)
//   SET k 10.50; INCRBYFLOAT k 0.1 -> "10.6"; INCRBYFLOAT k 5.0e3 -> "5010.60000000000000009"
//   SET k 0;  INCRBYFLOAT k 1e-20                    -> "0"     (17 fraction digits only)
// so values are kept as sign, 64-bit mantissa and binary exponent in BigInt and every
// step rounds exactly as the FPU does (nearest, ties to even).

import {
  X87_LONG_DOUBLE_FORMAT as LD,
  binaryToFormat,
  decimalToFormat,
  roundToFormat,
  scanStrtod,
  type Rounded,
} from './strtod.js';

export type LongDouble =
  /** (-1)^neg × mant × 2^exp, mant < 2^64; mant 0n is a (signed) zero. */
  | { readonly kind: 'finite'; readonly neg: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' };

/** Redis MAX_LONG_DOUBLE_CHARS: string2ld() rejects inputs of this length or more. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const NAN: LongDouble = { kind: 'nan' };

function finite(neg: boolean, r: Rounded): LongDouble {
  return { kind: 'finite', neg, mant: r.mant, exp: r.exp };
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Redis string2ld(): strtold() must consume the whole string (so embedded NULs and
 * trailing spaces fail), no leading space, length < 5120, and NaN, overflow to
 * infinity and underflow to zero are rejected. "inf"/"infinity" spelled out are
 * accepted and hex floats ("0x1p-3") are too, as strtold takes them.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isCSpace(s.charCodeAt(0))) return null;
  const tok = scanStrtod(s);
  if (tok === null || tok.kind === 'nan') return null;
  if (tok.kind === 'inf') return { kind: 'inf', neg: tok.neg };
  let r: Rounded | null;
  if (tok.kind === 'dec') {
    if (tok.digits === '') return { kind: 'finite', neg: tok.neg, mant: 0n, exp: 0 };
    r = decimalToFormat(tok.digits, tok.exp10, LD);
  } else {
    if (tok.mant === 0n) return { kind: 'finite', neg: tok.neg, mant: 0n, exp: 0 };
    r = binaryToFormat(tok.mant, tok.exp2, LD);
  }
  // ERANGE with HUGE_VAL or with a zero result: string2ld() says "not a valid float".
  if (r === null || r.mant === 0n) return null;
  return finite(tok.neg, r);
}

/** a + b in long double, round to nearest even; overflow gives infinity. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return NAN;
  if (a.kind === 'inf') return b.kind === 'inf' && b.neg !== a.neg ? NAN : a;
  if (b.kind === 'inf') return b;
  if (a.mant === 0n && b.mant === 0n) return { kind: 'finite', neg: a.neg && b.neg, mant: 0n, exp: 0 };
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const sa = a.mant << BigInt(a.exp - e);
  const sb = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -sa : sa) + (b.neg ? -sb : sb);
  // IEEE 754: an exact zero sum is +0 in round-to-nearest.
  if (sum === 0n) return { kind: 'finite', neg: false, mant: 0n, exp: 0 };
  const neg = sum < 0n;
  const r = roundToFormat(neg ? -sum : sum, e, false, LD);
  return r === null ? { kind: 'inf', neg } : finite(neg, r);
}

/** False for the results INCRBYFLOAT refuses: "increment would produce NaN or Infinity". */
export function isFiniteLongDouble(x: LongDouble): boolean {
  return x.kind === 'finite';
}

const FRACTION_DIGITS = 17;
const SCALE = 10n ** BigInt(FRACTION_DIGITS);

/**
 * Redis ld2string(LD_STR_HUMAN): "%.17Lf" (glibc rounds the exact binary value, ties to
 * even), trailing zeros and a bare '.' removed, "-0" turned into "0". Infinities print
 * as "inf"/"-inf" like the C code; NaN never reaches here in Redis.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === 'nan') return 'nan';
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  let scaled: bigint; // round(|x| × 10^17)
  if (x.exp >= 0) {
    scaled = (x.mant << BigInt(x.exp)) * SCALE;
  } else {
    const shift = BigInt(-x.exp);
    const num = x.mant * SCALE;
    scaled = num >> shift;
    const rem = num - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(FRACTION_DIGITS + 1, '0');
  const intPart = digits.slice(0, digits.length - FRACTION_DIGITS);
  const frac = digits.slice(digits.length - FRACTION_DIGITS).replace(/0+$/, '');
  const body = frac === '' ? intPart : `${intPart}.${frac}`;
  if (body === '0') return '0'; // ld2string turns "-0" into "0"
  return x.neg ? `-${body}` : body;
}

/** The exact long double equal to a JS number (every double is one). */
export function longDoubleFromNumber(d: number): LongDouble {
  if (Number.isNaN(d)) return NAN;
  if (!Number.isFinite(d)) return { kind: 'inf', neg: d < 0 };
  const neg = d < 0 || Object.is(d, -0);
  if (d === 0) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  // Read the IEEE bits: mantissa and exponent come out exact.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  return { kind: 'finite', neg, mant, exp };
}
