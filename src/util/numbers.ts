// Redis's number parsing and formatting rules (util.c, networking.c, object.c in 7.0),
// reproduced to the byte because clients see every one of them in replies and errors.

import { formatLongDoubleHuman, longDoubleFromNumber } from './longDouble.js';
import { DOUBLE_FORMAT, binaryToFormat, roundedToNumber, scanStrtod } from './strtod.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Redis string2ll(): optional '-', then "0" alone or a digit 1-9 followed by digits,
 * within signed 64-bit. So no '+', no leading zeros, no "-0", no spaces, nothing else.
 * This is the rule behind "value is not an integer or out of range".
 */
export function parseStrictBigInt(s: string): bigint | null {
  const n = s.length;
  // LONG_STR_SIZE is 21: nothing longer can be an int64 in this syntax anyway.
  if (n === 0 || n > 20) return null;
  if (n === 1 && s.charCodeAt(0) === 0x30) return 0n;
  const start = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (start === n) return null;
  const first = s.charCodeAt(start);
  if (first < 0x31 || first > 0x39) return null;
  for (let i = start + 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/**
 * string2ll() rules, returning a JS number only when the value is also a safe integer
 * (|v| <= 2^53 - 1). null means "not an int64" or "an int64 too big for a number":
 * callers that must accept the whole int64 range (INCRBY/DECRBY operands, the stored
 * counter itself) use parseStrictBigInt() to tell those apart.
 */
export function parseStrictInt(s: string): number | null {
  const n = s.length;
  const start = n > 0 && s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (n - start > 15) {
    // 16+ digits may leave the safe range: let the exact parser decide.
    const big = parseStrictBigInt(s);
    return big !== null && big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : null;
  }
  if (start === n) return null; // "" or "-"
  if (n === 1 && s.charCodeAt(0) === 0x30) return 0;
  const first = s.charCodeAt(start) - 0x30;
  if (first < 1 || first > 9) return null;
  let v = first;
  for (let i = start + 1; i < n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return start === 1 ? -v : v;
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Redis string2d() as used by ZADD, ZINCRBY, ZRANGEBYSCORE bounds, INCRBYFLOAT's cousins
 * and every getDoubleFromObject() caller. strtod() must consume the whole string:
 *  - accepted: "1", "-1.5", ".5", "5.", "+5", "00012", "1e+2", "inf", "+inf", "-Infinity",
 *    "INF" (any case), hex floats "0x1p3" = 8, "0X10" = 16, "0x1.8p1" = 3, subnormals
 *    ("4.9e-324", "1e-310");
 *  - rejected: "", leading or trailing whitespace, embedded NUL, "nan" in any form,
 *    "0x", "1e", "1_0", overflow ("1e400", "1.7976931348623159e308") and underflow to
 *    zero ("1e-400"), though "0e-400" is a plain zero.
 * All verified against redis-server 7.0.15 with ZADD/ZSCORE. There is no length limit
 * (a 5200-digit mantissa is fine) unlike string2ld().
 */
export function parseRedisDouble(s: string): number | null {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return null;
  const tok = scanStrtod(s);
  if (tok === null || tok.kind === 'nan') return null;
  if (tok.kind === 'inf') return tok.neg ? -Infinity : Infinity;
  if (tok.kind === 'hex') {
    if (tok.mant === 0n) return tok.neg ? -0 : 0;
    const r = binaryToFormat(tok.mant, tok.exp2, DOUBLE_FORMAT);
    if (r === null || r.mant === 0n) return null; // ERANGE: HUGE_VAL or zero
    return roundedToNumber(r, tok.neg);
  }
  // The grammar is validated, and for decimal text Number() is a correctly rounded
  // conversion like glibc's strtod.
  const d = Number(s);
  if (!Number.isFinite(d)) return null; // overflow: ERANGE with HUGE_VAL
  if (d === 0 && tok.digits !== '') return null; // underflow to zero: ERANGE
  return d;
}

// Splits toExponential(16) output into 17 significant digits and a decimal exponent.
const EXPONENTIAL_RE = /^-?(\d)\.(\d{16})e([+-]\d+)$/;

/**
 * The 17 significant digits and exponent of |d| exactly as glibc printf("%.17g") picks
 * them. toExponential() rounds exact halfway cases up, glibc to even, so those cases
 * (only possible when d has at most 25 fraction bits, hence the cheap pre-check) are
 * redone from the exact decimal expansion.
 */
function significand17(d: number): { digits: string; exp: number } {
  const m = EXPONENTIAL_RE.exec(d.toExponential(16))!;
  const a = Math.abs(d);
  if (!Number.isInteger(a) && Number.isInteger(a * 33554432)) {
    let k = 0;
    while (!Number.isInteger(a * 2 ** k)) k++;
    // a = n / 2^k = n × 5^k / 10^k exactly; a tie needs exactly 18 significant digits.
    const exact = (BigInt(a * 2 ** k) * 5n ** BigInt(k)).toString();
    if (exact.length === 18) {
      const exp = exact.length - 1 - k;
      const head = exact.slice(0, 17);
      if ((head.charCodeAt(16) & 1) === 0) return { digits: head, exp };
      const up = (BigInt(head) + 1n).toString();
      return up.length > 17 ? { digits: up.slice(0, 17), exp: exp + 1 } : { digits: up, exp };
    }
  }
  return { digits: m[1]! + m[2]!, exp: Number(m[3]) };
}

/**
 * printf("%.17g") for a finite or infinite double, with Redis's spelling of infinities.
 * Used by addReplyDouble() in Redis 7.0 for RESP2 bulk strings and, with the same text,
 * for RESP3 doubles (",1.1000000000000001\r\n"; checked with HELLO 3 + ZSCORE on 7.0.15,
 * so no separate RESP3 formatter is needed). Captured from the server:
 *   1.1 -> "1.1000000000000001", 3 -> "3", 1e20 -> "1e+20", 0.0001 -> "0.0001",
 *   1e-5 -> "1.0000000000000001e-05", 1e16 -> "10000000000000000", 1e17 -> "1e+17",
 *   -0 -> "-0" (ZSCORE shows it for skiplist-encoded zsets; listpack ones store "0"),
 *   1 + 2^-17 -> "1.0000076293945312" (tie rounded to even).
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isSafeInteger(d)) return String(d); // below 2^53 < 1e17: %.17g prints all digits
  const { digits, exp } = significand17(d);
  const sign = d < 0 ? '-' : '';
  // %g: exponent form when exp < -4 or exp >= precision, trailing zeros removed.
  if (exp < -4 || exp >= 17) {
    const rest = digits.slice(1).replace(/0+$/, '');
    const mantissa = rest === '' ? digits[0]! : `${digits[0]!}.${rest}`;
    const e = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits.replace(/0+$/, '')}`;
  const intPart = digits.slice(0, exp + 1);
  const frac = digits.slice(exp + 1).replace(/0+$/, '');
  return frac === '' ? `${sign}${intPart}` : `${sign}${intPart}.${frac}`;
}

/**
 * INCRBYFLOAT/HINCRBYFLOAT result text for a value held in a JS double, imitating
 * ld2string(LD_STR_HUMAN) ("%.17Lf", trailing zeros stripped, "-0" as "0"):
 * integral values print all their exact digits (what %.17Lf prints for them), other
 * values the shortest string that round-trips, in positional notation, cut to 17
 * fraction digits. Matches Redis for the common cases ("10.6", "3", "0.00000015").
 *
 * Redis computes in 80-bit long double, which a double cannot reproduce in general:
 * 0.1 + 0.2 is "0.3" in Redis but 0.30000000000000004 here, 10.6 + 5000 is
 * "5010.60000000000000009" in Redis but "5010.6" here, and 1e300 prints the long
 * double's own digits. For results identical to Redis use the exact emulation in
 * longDouble.ts (parseLongDouble, addLongDouble, formatLongDoubleHuman).
 */
export function formatLongDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (Number.isInteger(d)) return formatIntegralDouble(d);
  // Not integral, so |d| < 2^52 and Number::toString uses an exponent only below 1e-6.
  const m = /^(\d+)(?:\.(\d+))?(?:e-(\d+))?$/.exec(String(Math.abs(d)))!;
  const shift = Number(m[3] ?? 0);
  const intPart = shift === 0 ? m[1]! : '0';
  const frac = shift === 0 ? m[2]! : '0'.repeat(shift - 1) + m[1]! + (m[2] ?? '');
  // %.17Lf keeps 17 fraction digits; beyond that the exact value decides the rounding.
  if (frac.length > 17) return formatLongDoubleHuman(longDoubleFromNumber(d));
  return `${d < 0 ? '-' : ''}${intPart}.${frac}`;
}

/**
 * The text Redis stores for an integral INCRBYFLOAT/HINCRBYFLOAT result: "%.17Lf"
 * stripped of ".00000000000000000", i.e. the exact integer digits with no exponent
 * (3 -> "3", -0 -> "0", 1e20 -> "100000000000000000000", 2^70 -> all 22 digits).
 * Throws RangeError for non-integral or non-finite input: that is a caller bug.
 */
export function formatIntegralDouble(d: number): string {
  if (!Number.isInteger(d)) throw new RangeError(`not an integral double: ${d}`);
  if (d === 0) return '0';
  return Number.isSafeInteger(d) ? String(d) : BigInt(d).toString();
}
